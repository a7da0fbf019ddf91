"""Reads of the service desk; every one starts from core.scoping.restrict()."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from bondzone.core.actor import Actor
from bondzone.core.domain.inputs import as_id
from bondzone.core.scoping import get_scoped, restrict

from .domain.lifecycle import OPEN_STATUSES, Satisfaction, Status, Tally, rates
from bondzone.core.actor import PUBLIC_READER
from bondzone.governance import selectors as governance_selectors

from .domain import promotion as promotion_rules
from .models import (
    STAGE_LABELS, GuideStatus, GuideVersion, Project, ProjectMove, PromotionEvent,
    Article, Category, EnterpriseMember, Registration, RegistrationDocument, Reminder, RequestEvent, ServiceRequest,
)


def categories(actor: Actor, *, active: bool | None = None) -> QuerySet[Category]:
    qs = restrict(Category, actor).select_related("default_unit")
    return qs if active is None else qs.filter(active=active)


def category(actor: Actor, category_id: int) -> Category:
    return get_scoped(Category, actor, category_id)


def requests(actor: Actor, *, status: str = "", unit_id: int | None = None, zone_id: int | None = None,
             category_id: int | None = None, q: str = "", overdue: bool = False,
             since: date | None = None, until: date | None = None) -> QuerySet[ServiceRequest]:
    qs = restrict(ServiceRequest, actor).select_related("enterprise", "category", "lead_unit", "zone")
    if status == "open":
        qs = qs.filter(status__in=[s.value for s in OPEN_STATUSES])
    elif status:
        qs = qs.filter(status=status)
    if unit_id:
        qs = qs.filter(lead_unit_id=unit_id)
    if zone_id:
        qs = qs.filter(zone_id=zone_id)
    if category_id:
        qs = qs.filter(category_id=category_id)
    if q:
        qs = qs.filter(Q(number__icontains=q) | Q(title__icontains=q) | Q(enterprise__name__icontains=q))
    if overdue:
        qs = qs.filter(status__in=[s.value for s in OPEN_STATUSES], due_at__lt=timezone.now(),
                       paused_since__isnull=True)
    if since:
        qs = qs.filter(submitted_at__date__gte=since)
    if until:
        qs = qs.filter(submitted_at__date__lte=until)
    return qs


def request(actor: Actor, request_id: int) -> ServiceRequest:
    return get_scoped(restrict(ServiceRequest, actor).select_related("enterprise", "category", "lead_unit", "zone"),
                      actor, request_id)


def events(actor: Actor, request_id: int) -> QuerySet[RequestEvent]:
    req = request(actor, request_id)
    return restrict(RequestEvent, actor).filter(request=req).select_related("unit", "to_unit")


def reminders(actor: Actor) -> QuerySet[Reminder]:
    return restrict(Reminder, actor).select_related("request", "unit")


GROUPS = {"unit": "lead_unit__name", "zone": "zone__code", "category": "category__name", "month": "month"}


def rate_table(actor: Actor, *, by: str = "unit", since: date | None = None, until: date | None = None,
               zone_id: int | None = None) -> list[dict]:
    """The five rates per unit, zone, category or month: one GROUP BY over the visible requests."""
    actor.require("servicedesk.view_rates")
    qs = requests(actor, zone_id=zone_id, since=since, until=until).order_by()
    key = GROUPS.get(by, GROUPS["unit"])
    if by == "month":
        qs = qs.annotate(month=TruncMonth("submitted_at"))
    rated = Q(satisfaction__gt="")
    rows = qs.values(key).annotate(
        total=Count("pk"),
        dispatched=Count("pk", filter=Q(dispatched_at__isnull=False)),
        signed_on_time=Count("pk", filter=Q(signed_on_time=True)),
        replied=Count("pk", filter=Q(replied_at__isnull=False)),
        replied_on_time=Count("pk", filter=Q(replied_on_time=True)),
        rated=Count("pk", filter=rated),
        good=Count("pk", filter=rated & Q(satisfaction__in=[Satisfaction.SATISFIED, Satisfaction.BASICALLY])),
        solved_n=Count("pk", filter=rated & Q(solved=True)),
        days=Sum("handling_days", filter=Q(replied_at__isnull=False)),
    ).order_by(key)
    out = []
    for row in rows:
        tally = Tally(total=row["total"], dispatched=row["dispatched"], signed_on_time=row["signed_on_time"],
                      replied=row["replied"], replied_on_time=row["replied_on_time"], rated=row["rated"],
                      satisfied_or_basically=row["good"], solved=row["solved_n"],
                      handling_days_sum=Decimal(row["days"] or 0))
        label = row[key]
        if by == "month" and label is not None:
            label = timezone.localtime(label).strftime("%Y-%m") if timezone.is_aware(label) else label.strftime("%Y-%m")
        out.append({"group": label if label is not None else "—", "total": tally.total, **rates(tally)})
    return out


def status_counts(actor: Actor) -> dict[str, int]:
    rows = restrict(ServiceRequest, actor).order_by().values("status").annotate(n=Count("pk"))
    counts = {s.value: 0 for s in Status}
    counts.update({r["status"]: r["n"] for r in rows})
    return counts


def category_by_code(actor: Actor, code: str) -> Category:
    return get_scoped(Category, actor, code, field="code")


def request_by_number(actor: Actor, number: str) -> ServiceRequest:
    qs = restrict(ServiceRequest, actor).select_related("category", "lead_unit", "zone")
    return get_scoped(qs, actor, number, field="number")


def registrations(actor: Actor, *, status: str = "") -> QuerySet[Registration]:
    qs = restrict(Registration, actor).select_related("zone", "enterprise")
    return qs.filter(status=status) if status else qs


def registration(actor: Actor, registration_id: int) -> Registration:
    return get_scoped(restrict(Registration, actor).select_related("zone"), actor, registration_id)


def registration_document(actor: Actor, document_id: int) -> RegistrationDocument:
    return get_scoped(RegistrationDocument, actor, document_id)


def members(actor: Actor, enterprise_id: int | None = None) -> QuerySet[EnterpriseMember]:
    qs = restrict(EnterpriseMember, actor).select_related("user", "enterprise")
    return qs.filter(enterprise_id=enterprise_id) if enterprise_id else qs


def articles(actor: Actor, *, q: str = "", category_id: int | None = None) -> QuerySet[Article]:
    """Knowledge articles the actor may read; `q` matches titles, answers and tags in either language."""
    qs = restrict(Article, actor).select_related("category", "updated_by")
    if category_id:
        qs = qs.filter(category_id=category_id) if as_id(category_id) is not None else qs.none()
    for word in q.split():
        qs = qs.filter(Q(title__icontains=word) | Q(title_en__icontains=word) | Q(body__icontains=word)
                       | Q(body_en__icontains=word) | Q(tags__icontains=word))
    return qs


def article(actor: Actor, article_id: int) -> Article:
    return get_scoped(restrict(Article, actor).select_related("category", "updated_by"), actor, article_id)


def linked_article(actor: Actor, req: ServiceRequest) -> Article | None:
    """The article linked to the request, when the actor may read it (a draft stays hidden from enterprises)."""
    return restrict(Article, actor).filter(pk=req.article_id).first() if req.article_id else None


# ---------------------------------------------------------------- investment guide
def published_guides(actor: Actor = PUBLIC_READER) -> QuerySet[GuideVersion]:
    return restrict(GuideVersion, actor).filter(status=GuideStatus.PUBLISHED).select_related("zone").order_by(
        "zone__code")


def published_guide(zone_code: str, actor: Actor = PUBLIC_READER) -> GuideVersion:
    """The zone's public guide (NotFound when the zone has none)."""
    return get_scoped(published_guides(actor).prefetch_related("spaces"), actor, str(zone_code).upper()[:16],
                      field="zone__code")


def guide_versions(actor: Actor, zone_code: str) -> QuerySet[GuideVersion]:
    return restrict(GuideVersion, actor).filter(zone__code=str(zone_code).upper()[:16]).select_related(
        "zone", "created_by", "published_by")


def guide_version(actor: Actor, version_id: int) -> GuideVersion:
    return get_scoped(GuideVersion.objects.select_related("zone").prefetch_related("spaces"), actor, version_id)


def latest_guide(actor: Actor, zone_code: str) -> GuideVersion | None:
    return guide_versions(actor, zone_code).prefetch_related("spaces").order_by("-version").first()


def guide_policies(actor: Actor, guide: GuideVersion) -> list:
    """The policy-ledger tasks the guide links, those the reader may open (published ones for the public)."""
    ids = list(guide.policy_tasks.values_list("pk", flat=True))
    if not ids:
        return []
    viewer = actor if actor.can("governance.view_ledger") else PUBLIC_READER
    return list(governance_selectors.tasks(viewer).filter(pk__in=ids).order_by("code", "id"))


# ---------------------------------------------------------------- investment promotion
def projects(actor: Actor, *, stage: str = "", zone_id: int | None = None, unit_id: int | None = None,
             q: str = "") -> QuerySet[Project]:
    qs = restrict(Project, actor).select_related("zone", "unit", "key_list")
    if stage:
        qs = qs.filter(stage=stage)
    if zone_id:
        qs = qs.filter(zone_id=zone_id)
    if unit_id:
        qs = qs.filter(unit_id=unit_id)
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(investor__icontains=q) | Q(industry__icontains=q))
    return qs


def project(actor: Actor, project_id: int) -> Project:
    return get_scoped(Project.objects.select_related("zone", "unit", "key_list"), actor, project_id)


def changeable_projects(actor: Actor) -> QuerySet[Project]:
    """Projects the actor may move, change or name in an event."""
    if not actor.can("servicedesk.promote"):
        return Project.objects.none()
    return restrict(Project, actor, "change").select_related("zone", "unit")


def can_change_project(actor: Actor, p: Project) -> bool:
    return changeable_projects(actor).filter(pk=p.pk).exists()


def project_moves(actor: Actor, project_id: int) -> QuerySet[ProjectMove]:
    return restrict(ProjectMove, actor).filter(project_id=project_id).select_related("actor")


def promotion_events(actor: Actor, *, project_id: int | None = None) -> QuerySet[PromotionEvent]:
    qs = restrict(PromotionEvent, actor).select_related("zone", "unit").prefetch_related("projects")
    return qs.filter(projects=project_id) if project_id else qs


def conversion(actor: Actor, *, zone_id: int | None = None) -> list[dict]:
    """Conversion per promoting unit (and for all units): how many projects reached each stage or beyond and
    the share of them that went on to the next stage. One GROUP BY over the projects in scope."""
    qs = projects(actor, zone_id=zone_id)
    counts: dict[tuple, dict[int, int]] = {}
    names: dict[int, str] = {}
    for row in qs.order_by().values("unit_id", "unit__name", "reached").annotate(n=Count("id")):
        names[row["unit_id"]] = row["unit__name"]
        counts.setdefault(row["unit_id"], {})[row["reached"]] = row["n"]
    total: dict[int, int] = {}
    for per_unit in counts.values():
        for k, n in per_unit.items():
            total[k] = total.get(k, 0) + n
    out = [{"unit_id": None, "unit": None, "stages": promotion_rules.conversion(total)}]
    for unit_id in sorted(counts, key=lambda u: names[u]):
        out.append({"unit_id": unit_id, "unit": names[unit_id], "stages": promotion_rules.conversion(counts[unit_id])})
    return out


def stage_counts(actor: Actor) -> dict[str, int]:
    rows = projects(actor).order_by().values("stage").annotate(n=Count("id"))
    found = {r["stage"]: r["n"] for r in rows}
    return {s: found.get(s, 0) for s in STAGE_LABELS}


def pipeline_investment(actor: Actor) -> Decimal:
    return projects(actor).exclude(stage="dropped").aggregate(s=Sum("planned_investment"))["s"] or Decimal(0)


# ---------------------------------------------------------------- inputs of governance's unit assessment (考核)
def unit_results_for_assessment(actor: Actor, year: int) -> dict[str, dict[int, dict]]:
    """Per lead or promoting unit, the service desk's results of a year, for the unit assessment (考核,
    京政发〔2021〕33号 三(三): 招商成果、服务成效). Counts and sums only, over every unit: the score of one unit
    depends on the others', so who may read a unit's score is governance's rule, not this one.

    service: requests the unit led that were replied in the year (replied, replied_on_time) or rated in it
    (rated, good = satisfied or basically satisfied);
    promotion: how many projects the unit promotes at all (projects) and, for those that moved to signed,
    registered or operating in the year, the furthest of those stages and the planned investment (landed)."""
    actor.require("governance.view_ledger")
    reqs = ServiceRequest.objects.order_by()
    service: dict[int, dict] = {}
    for row in (reqs.filter(lead_unit__isnull=False, replied_at__year=year).values("lead_unit_id")
                .annotate(replied=Count("pk"), replied_on_time=Count("pk", filter=Q(replied_on_time=True)))):
        service.setdefault(row["lead_unit_id"], {"replied": 0, "replied_on_time": 0, "rated": 0, "good": 0}).update(
            replied=row["replied"], replied_on_time=row["replied_on_time"])
    good = [Satisfaction.SATISFIED, Satisfaction.BASICALLY]
    for row in (reqs.filter(lead_unit__isnull=False, feedback_at__year=year).exclude(satisfaction="")
                .values("lead_unit_id").annotate(rated=Count("pk"), good=Count("pk", filter=Q(satisfaction__in=good)))):
        service.setdefault(row["lead_unit_id"], {"replied": 0, "replied_on_time": 0, "rated": 0, "good": 0}).update(
            rated=row["rated"], good=row["good"])
    promotion: dict[int, dict] = {
        row["unit_id"]: {"projects": row["n"], "landed": []}
        for row in Project.objects.order_by().values("unit_id").annotate(n=Count("pk"))}
    furthest: dict[int, str] = {}
    for project_id, stage in (ProjectMove.objects.filter(at__year=year, to_stage__in=promotion_rules.SIGNED_OR_LATER)
                              .order_by("at", "pk").values_list("project_id", "to_stage")):
        if promotion_rules.RANK[stage] > promotion_rules.RANK.get(furthest.get(project_id, ""), -1):
            furthest[project_id] = stage
    for project_id, unit_id, investment in Project.objects.filter(pk__in=furthest).order_by("pk").values_list(
            "pk", "unit_id", "planned_investment"):
        promotion[unit_id]["landed"].append((furthest[project_id], investment or Decimal(0)))
    return {"service": service, "promotion": promotion}
