"""Every read of the governance app; each starts from core.scoping.restrict()."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Max, Q, QuerySet, Sum
from django.utils import timezone

from bondzone.core.actor import PUBLIC_READER, Actor
from bondzone.core.context import DEMO_REQUEST_ID
from bondzone.core.models import AuditEvent
from bondzone.core.domain.workdays import WorkCalendar
from bondzone.core.scoping import get_scoped, restrict
from bondzone.core.selectors import calendar_gaps, work_calendar

from .domain.lights import SEVERITY, Light, LightRules, light
from .domain.schedule import period_of
from .models import (
    Acknowledgement, Notice, NoticeItem, CLOSED_STATUSES, LEVEL_ORDER, AnnualList, Decision, Escalation, Evidence, ExtensionRequest, ExtensionStatus,
    Issue, IssueStatus, JointMeeting, ListItem, Policy, ProgressReport, Reminder, ReportStatus, Task, TaskSource, Unit,
    UnitKind, UnitMember,
)

PUBLIC = PUBLIC_READER
SOURCE_RANK = {TaskSource.POLICY: 0, TaskSource.ANNUAL_LIST: 1, TaskSource.DECISION: 2, TaskSource.MANUAL: 3}


def light_rules() -> LightRules:
    """Thresholds from settings.BONDZONE_GOVERNANCE_LIGHTS (a dict), else the defaults."""
    conf = getattr(settings, "BONDZONE_GOVERNANCE_LIGHTS", {}) or {}
    base = LightRules()
    return LightRules(
        near_due_workdays=int(conf.get("near_due_workdays", base.near_due_workdays)),
        behind_tolerance=Decimal(str(conf.get("behind_tolerance", base.behind_tolerance))),
        escalate_after_workdays=int(conf.get("escalate_after_workdays", base.escalate_after_workdays)),
    )


def task_light(task: Task, today: date | None = None, rules: LightRules | None = None,
               calendar: WorkCalendar | None = None) -> str:
    return light(today or timezone.localdate(), calendar=calendar or work_calendar(), due=task.due_date,
                 progress=task.progress, closed=task.closed, start=task.start_date, rules=rules or light_rules()).value


# ---------------------------------------------------------------- the ledger tree
@dataclass
class Row:
    task: Task
    depth: int
    light: str
    has_children: bool
    matched: bool = True
    co_units: list[str] = field(default_factory=list)
    zones: list[str] = field(default_factory=list)


def tasks(actor: Actor, *, parent_id: int | None = None, unit_id: int | None = None, year: int | None = None,
          status: str = "", q: str = "") -> QuerySet[Task]:
    """Visible tasks as a flat list (the API's); `ledger` gives the tree with lights."""
    qs = restrict(Task, actor)
    if parent_id:
        qs = qs.filter(parent_id=parent_id)
    if unit_id:
        qs = qs.filter(lead_unit_id=unit_id)
    if year:
        qs = qs.filter(year=year)
    if status:
        qs = qs.filter(status=status)
    if q:
        qs = qs.filter(title__icontains=q)
    return qs


def task(actor: Actor, task_id: int) -> Task:
    return get_scoped(Task.objects.select_related("lead_unit", "parent", "policy"), actor, task_id)


def reported_periods(actor: Actor, *, task_id: int) -> set[str]:
    """Periods the reader's units have reported on the task (returned reports do not count)."""
    return set(ProgressReport.objects.filter(task_id=task_id, unit__in=my_units(actor)).exclude(
        status=ReportStatus.RETURNED).values_list("period", flat=True))


def can_see_task(actor: Actor, task_id: int) -> bool:
    """Whether a link to the task would open for this reader (an unpublished parent would be a 404)."""
    return restrict(Task.objects.all(), actor).filter(pk=task_id).exists()


def ledger(actor: Actor, *, unit_id: int | None = None, zone_id: int | None = None, year: int | None = None,
           light_filter: str = "", q: str = "", status: str = "", today: date | None = None,
           base: QuerySet | None = None) -> list[Row]:
    """The visible tasks in tree order with depth and light; filters keep the matches' ancestors as context.
    Three queries whatever the size: tasks, co-units, zones."""
    today = today or timezone.localdate()
    rules = light_rules()
    qs = restrict(base if base is not None else Task.objects.all(), actor)
    items = list(qs.select_related("lead_unit").only(
        "id", "parent_id", "position", "code", "title", "source", "lead_unit__name", "lead_unit__id", "lead_confirmed_at",
        "year", "start_date", "due_date", "status", "progress", "progress_mode", "weight", "published", "policy_id",
        "public_summary", "cadence"))
    co: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for tid, uid, name in Task.co_units.through.objects.filter(task__in=qs).values_list(
            "task_id", "unit_id", "unit__name"):
        co[tid].append((uid, name))
    zones: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for tid, zid, code in Task.zones.through.objects.filter(task__in=qs).values_list("task_id", "zone_id", "zone__code"):
        zones[tid].append((zid, code))
    by_id = {t.pk: t for t in items}
    children: dict[int | None, list[Task]] = defaultdict(list)
    for t in items:
        children[t.parent_id if t.parent_id in by_id else None].append(t)
    for kids in children.values():
        kids.sort(key=lambda t: (SOURCE_RANK.get(t.source, 9) if t.parent_id is None else 0, t.position, t.pk))
    order: list[tuple[Task, int]] = []
    stack = [(t, 0) for t in reversed(children[None])]
    while stack:
        t, depth = stack.pop()
        order.append((t, depth))
        stack.extend((c, depth + 1) for c in reversed(children.get(t.pk, [])))
    calendar = work_calendar()
    lights = {t.pk: light(today, calendar=calendar, due=t.due_date, progress=t.progress,
                          closed=t.status in CLOSED_STATUSES, start=t.start_date, rules=rules).value for t, _ in order}
    # a task with sub-tasks shows the worst light in its subtree (its own deadline included)
    rank = {k.value: v for k, v in SEVERITY.items()}
    for t, _ in reversed(order):
        parent = t.parent_id
        if parent in lights and rank[lights[t.pk]] > rank[lights[parent]]:
            lights[parent] = lights[t.pk]
    filtering = any([unit_id, zone_id, year, light_filter, q, status])

    def matches(t: Task) -> bool:
        if unit_id and t.lead_unit_id != unit_id and unit_id not in [u for u, _ in co.get(t.pk, [])]:
            return False
        if zone_id and zone_id not in [z for z, _ in zones.get(t.pk, [])]:
            return False
        if year and t.year != year:
            return False
        if light_filter and lights[t.pk] != light_filter:
            return False
        if status and t.status != status:
            return False
        if q and q.lower() not in f"{t.code} {t.title}".lower():
            return False
        return True

    keep: set[int] | None = None
    matched: set[int] = set()
    if filtering:
        keep = set()
        for t, _ in order:
            if matches(t):
                matched.add(t.pk)
                cur: int | None = t.pk
                while cur is not None and cur in by_id and cur not in keep:
                    keep.add(cur)
                    cur = by_id[cur].parent_id
    return [
        Row(t, d, lights[t.pk], bool(children.get(t.pk)), (not filtering) or t.pk in matched,
            [n for _, n in co.get(t.pk, [])], [c for _, c in zones.get(t.pk, [])])
        for t, d in order if keep is None or t.pk in keep
    ]


def calendar_gaps_of(tasks: list[Task], today: date | None = None) -> list[int]:
    """Years without a working-day calendar that the lights of these tasks would need: for the page warning."""
    today = today or timezone.localdate()
    spans = [d for t in tasks if not t.closed and t.due_date and t.due_date >= today for d in (t.due_date, t.start_date)]
    return calendar_gaps(today, *spans) if spans else []


def light_counts(rows: list[Row]) -> dict[str, int]:
    c = Counter(r.light for r in rows if r.matched and not r.has_children)
    return {lt.value: c.get(lt.value, 0) for lt in Light}


# ---------------------------------------------------------------- details
def reports(actor: Actor, *, task_id: int | None = None, unit_id: int | None = None, status: str = "") -> QuerySet:
    qs = restrict(ProgressReport, actor).select_related("task", "unit", "submitted_by", "reviewed_by")
    if task_id:
        qs = qs.filter(task_id=task_id)
    if unit_id:
        qs = qs.filter(unit_id=unit_id)
    if status:
        qs = qs.filter(status=status)
    return qs


def report(actor: Actor, report_id: int) -> ProgressReport:
    return get_scoped(ProgressReport.objects.select_related("task", "unit"), actor, report_id)


def evidence(actor: Actor, evidence_id: int) -> Evidence:
    return get_scoped(Evidence.objects.select_related("report"), actor, evidence_id)


def extensions(actor: Actor, *, task_id: int | None = None, status: str = "") -> QuerySet:
    qs = restrict(ExtensionRequest, actor).select_related("task", "unit")
    if task_id:
        qs = qs.filter(task_id=task_id)
    if status:
        qs = qs.filter(status=status)
    return qs


def extension(actor: Actor, extension_id: int) -> ExtensionRequest:
    return get_scoped(ExtensionRequest, actor, extension_id)


def children(actor: Actor, task_id: int) -> QuerySet:
    return restrict(Task, actor).filter(parent_id=task_id).select_related("lead_unit").order_by("position", "id")


def units(actor: Actor, *, kind: str = "", q: str = "") -> QuerySet[Unit]:
    qs = restrict(Unit, actor)
    if kind:
        qs = qs.filter(kind=kind)
    if q:
        qs = qs.filter(name__icontains=q)
    return qs


def zone_administration(actor: Actor, zone_id: int) -> Unit | None:
    """The zone administration unit (管委会) linked to a platform zone, if any (the first by name)."""
    return restrict(Unit, actor).filter(zone_id=zone_id, kind=UnitKind.ZONE_ADMIN).order_by("name").first()


def unit(actor: Actor, unit_id: int) -> Unit:
    return get_scoped(Unit, actor, unit_id)


def my_units(actor: Actor) -> list[Unit]:
    ids = restrict(UnitMember, actor).filter(user_id=actor.user_id).values("unit_id")
    return list(restrict(Unit, actor).filter(pk__in=ids))


def reporting_units(actor: Actor, task: Task) -> list[Unit]:
    """The reader's units that may report on this open task or ask to extend it: those it is assigned to
    (lead or co-unit), as services.submit_report / request_extension require."""
    if task.closed or not actor.can("governance.report"):
        return []
    assigned = {task.lead_unit_id, *task.co_units.values_list("id", flat=True)}
    return [u for u in my_units(actor) if u.pk in assigned]


def policies(actor: Actor) -> QuerySet[Policy]:
    return restrict(Policy, actor)


def annual_lists(actor: Actor, *, year: int | None = None, kind: str = "") -> QuerySet[AnnualList]:
    qs = restrict(AnnualList, actor).annotate(n_items=Count("items"), investment=Sum("items__investment"))
    if year:
        qs = qs.filter(year=year)
    if kind:
        qs = qs.filter(kind=kind)
    return qs


def annual_list(actor: Actor, annual_list_id: int) -> AnnualList:
    return get_scoped(AnnualList, actor, annual_list_id)


def list_items(actor: Actor, annual_list_id: int) -> QuerySet[ListItem]:
    return restrict(ListItem, actor).filter(annual_list_id=annual_list_id).select_related(
        "task", "zone", "lead_unit", "carried_from__annual_list")


def meetings(actor: Actor) -> QuerySet[JointMeeting]:
    return restrict(JointMeeting, actor).annotate(n_issues=Count("issues"))


def issues(actor: Actor, *, status: str = "", level: str = "") -> QuerySet[Issue]:
    qs = restrict(Issue, actor).select_related("zone", "raised_by", "meeting")
    if status:
        qs = qs.filter(status=status)
    if level:
        qs = qs.filter(level=level)
    return qs


def issue(actor: Actor, issue_id: int) -> Issue:
    return get_scoped(Issue.objects.select_related("zone", "raised_by", "meeting"), actor, issue_id)


def issue_history(actor: Actor, issue_id: int) -> tuple[list[Escalation], list[Decision]]:
    esc = list(restrict(Escalation, actor).filter(issue_id=issue_id).select_related("by"))
    dec = list(restrict(Decision, actor).filter(issue_id=issue_id).select_related("task", "task__lead_unit",
                                                                                   "meeting"))
    return esc, dec


def reminders(actor: Actor, *, unit_id: int | None = None) -> QuerySet[Reminder]:
    qs = restrict(Reminder, actor).select_related("task", "unit")
    if unit_id:
        qs = qs.filter(unit_id=unit_id)
    return qs


# ---------------------------------------------------------------- dashboards
def unit_dashboard(actor: Actor, unit_id: int, today: date | None = None) -> dict:
    u = unit(actor, unit_id)
    rows = ledger(actor, unit_id=u.pk, today=today)
    mine = [r for r in rows if r.matched]
    leaves = [r.task for r in mine if not r.has_children and r.task.status not in CLOSED_STATUSES]
    reported = set(restrict(ProgressReport, actor).filter(unit=u, task__in=[t.pk for t in leaves]).exclude(
        status=ReportStatus.RETURNED).values_list("task_id", "period"))
    today = today or timezone.localdate()
    due = []
    for t in leaves:
        period = period_of(today, t.cadence)
        if (t.pk, period) not in reported:
            due.append((t, period))
    return {
        "unit": u,
        "rows": mine,
        "reports_due": due[:50],
        "counts": light_counts(mine),
        "returned": list(reports(actor, unit_id=u.pk, status=ReportStatus.RETURNED)[:20]),
        "pending_reports": list(reports(actor, unit_id=u.pk, status=ReportStatus.SUBMITTED)[:20]),
        "extensions": list(extensions(actor).filter(unit_id=u.pk)[:20]),
        "reminders": list(reminders(actor, unit_id=u.pk)[:20]),
    }


def leadership(actor: Actor, today: date | None = None) -> dict:
    today = today or timezone.localdate()
    rows = ledger(actor, today=today)
    leaves = [r for r in rows if not r.has_children]
    per_unit: dict[str, Counter] = defaultdict(Counter)
    for r in leaves:
        per_unit[r.task.lead_unit.name if r.task.lead_unit else "—"][r.light] += 1
    units_sorted = sorted(per_unit, key=lambda n: (-per_unit[n]["red"], -per_unit[n]["yellow"], n))
    lists = list(annual_lists(actor).order_by("-year", "kind", "-version"))
    latest: dict[tuple, AnnualList] = {}
    for lst in lists:
        latest.setdefault((lst.kind, lst.year), lst)
    list_progress = []
    for lst in latest.values():
        items = restrict(ListItem, actor).filter(annual_list=lst)
        done = items.filter(task__status__in=CLOSED_STATUSES)
        list_progress.append({
            "list": lst, "items": items.count(), "done": done.count(),
            "planned": items.aggregate(s=Sum("investment"))["s"] or Decimal(0),
            "landed": done.aggregate(s=Sum("investment"))["s"] or Decimal(0),
        })
    open_issues = dict(restrict(Issue, actor).filter(status=IssueStatus.OPEN).values_list("level").annotate(
        n=Count("id")).order_by())
    return {
        "counts": light_counts(rows),
        "units": units_sorted[:25],
        "per_unit": {n: {lt.value: per_unit[n][lt.value] for lt in Light} for n in units_sorted[:25]},
        "overdue": [r for r in leaves if r.light == Light.RED.value][:50],
        "gaps": calendar_gaps_of([r.task for r in leaves], today),
        "lists": list_progress,
        "issues_by_level": [(lvl, open_issues.get(lvl, 0)) for lvl in LEVEL_ORDER],
        "pending_reviews": restrict(ProgressReport, actor).filter(status=ReportStatus.SUBMITTED).count(),
        "escalated": list(restrict(Reminder, actor).filter(kind="escalated", task__status__in=["planned", "in_progress"])
                          .select_related("task", "unit").order_by("-run_date", "-id")[:20]),
        "pending_extensions": restrict(ExtensionRequest, actor).filter(status=ExtensionStatus.PENDING).count(),
    }


def demo_tasks(task_ids) -> set[int]:
    """The tasks among `task_ids` whose dates and progress are demo figures: their latest audited change was
    made by the demo loader (`bondzone load-demo`, request id DEMO_REQUEST_ID). Two queries."""
    ids = [str(i) for i in task_ids]
    if not ids:
        return set()
    latest = list(AuditEvent.objects.filter(object_type="governance.task", object_id__in=ids)
                  .values("object_id").annotate(last=Max("id")).values_list("last", flat=True))
    return {int(o) for o in AuditEvent.objects.filter(id__in=latest, request_id=DEMO_REQUEST_ID)
            .values_list("object_id", flat=True)}


def public_tasks() -> list[Row]:
    return ledger(PUBLIC)


def public_lists() -> QuerySet[AnnualList]:
    return annual_lists(PUBLIC)


def public_list_items(list_ids: list[int]) -> dict[int, list[ListItem]]:
    out: dict[int, list[ListItem]] = defaultdict(list)
    for it in restrict(ListItem, PUBLIC).filter(annual_list_id__in=list_ids).select_related("task", "zone"):
        out[it.annual_list_id].append(it)
    return out


def open_decision_tasks(actor: Actor, issue_id: int) -> QuerySet[Task]:
    return restrict(Task, actor).filter(decision__issue_id=issue_id).exclude(status__in=CLOSED_STATUSES)


__all__ = ["Q"]


# ---------------------------------------------------------------- 签收
def is_collective(unit: Unit) -> bool:
    from .domain.ownership import is_collective as named_collective

    return named_collective(unit.name)


def acknowledgements(actor: Actor, task_id: int) -> list[Acknowledgement]:
    return list(restrict(Acknowledgement, actor).filter(task_id=task_id).select_related("unit", "signed_by"))


@dataclass
class Unsigned:
    task: Task
    unit: Unit


def unsigned(actor: Actor, *, unit_id: int | None = None) -> list[Unsigned]:
    """(task, unit) pairs of open tasks whose lead or co-unit has not signed: for the ledger office every
    unit, for staff their own units only."""
    qs = restrict(Task, actor).exclude(status__in=CLOSED_STATUSES)
    pairs: list[tuple[int, int]] = list(qs.exclude(lead_unit__isnull=True).values_list("pk", "lead_unit_id"))
    pairs += list(Task.co_units.through.objects.filter(task__in=qs).values_list("task_id", "unit_id"))
    mine = None if actor.can("governance.manage") else set(
        UnitMember.objects.filter(user_id=actor.user_id).values_list("unit_id", flat=True))
    signed = set(Acknowledgement.objects.filter(task__in=qs).values_list("task_id", "unit_id"))
    wanted = [(t, u) for t, u in dict.fromkeys(pairs) if (t, u) not in signed
              and (mine is None or u in mine) and (unit_id is None or u == unit_id)]
    tasks_by = Task.objects.in_bulk({t for t, _ in wanted})
    units_by = Unit.objects.in_bulk({u for _, u in wanted})
    out = [Unsigned(tasks_by[t], units_by[u]) for t, u in wanted]
    out.sort(key=lambda r: (r.unit.name, r.task.position, r.task.pk))
    return out


# ---------------------------------------------------------------- tasks to set a deadline for
def without_deadline(actor: Actor) -> QuerySet[Task]:
    """Open tasks without sub-tasks and without a due date: the ledger office's list to set one."""
    return (restrict(Task, actor).exclude(status__in=CLOSED_STATUSES).filter(due_date__isnull=True,
                                                                             children__isnull=True)
            .select_related("lead_unit").order_by("code", "pk"))


def proposed_leads(actor: Actor) -> QuerySet[Task]:
    """Tasks whose lead unit is still only the policy's first-named unit."""
    return (restrict(Task, actor).filter(lead_unit__isnull=False, lead_confirmed_at__isnull=True)
            .select_related("lead_unit").order_by("code", "pk"))


# ---------------------------------------------------------------- 情况通报
def notices(actor: Actor) -> QuerySet[Notice]:
    return restrict(Notice, actor).annotate(
        overdue=Count("items", filter=Q(items__kind="overdue")),
        returned=Count("items", filter=Q(items__kind="returned")))


def notice(actor: Actor, notice_id: int) -> Notice:
    return get_scoped(Notice, actor, notice_id)


def notice_items(actor: Actor, notice_id: int) -> QuerySet[NoticeItem]:
    return (restrict(NoticeItem, actor).filter(notice_id=notice_id)
            .select_related("task", "unit", "report").order_by("kind", "-days_overdue", "id"))
