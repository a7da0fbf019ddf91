"""Investment promotion (招商引资, seed 二(四)): the pipeline of prospective projects, their stage moves,
promotion events, and the step that puts a signed project on governance's annual key-project list."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from bondzone.core import audit, idempotency
from bondzone.core.actor import Actor
from bondzone.core.domain.errors import Conflict, DomainError, Forbidden, Problem, problem
from bondzone.core.domain.inputs import RECORDED, collect_date, collect_decimal, collect_int
from bondzone.core.domain.roles import Role
from bondzone.core.models import Zone
from bondzone.core.scoping import get_scoped
from bondzone.governance import selectors as governance_selectors
from bondzone.governance import services as governance_services

from ..domain import promotion as rules
from ..models import EVENT_KIND_LABELS, STAGE_LABELS, Project, ProjectMove, PromotionEvent
from .guide import zone_of
from .inputs import choice, unit
from .inputs import text as _text

INVESTMENT = {"max_digits": 16, "decimal_places": 2, "lo": Decimal(0)}


def project_snapshot(p: Project) -> dict:
    return {"name": p.name, "name_en": p.name_en, "investor": p.investor, "zone": p.zone_id, "industry": p.industry,
            "planned_investment": None if p.planned_investment is None else str(p.planned_investment), "stage": p.stage, "reached": p.reached, "unit": p.unit_id,
            "team": p.team, "note": p.note, "key_list": p.key_list_id, "key_list_year": p.key_list_year}


def _zone(actor: Actor, ref: Any, problems: list[Problem]) -> Zone | None:
    """The project's zone: the zone administration promotes for its own zone only."""
    if ref in (None, "") and actor.zone_id is not None:
        return Zone.objects.get(pk=actor.zone_id)
    if ref in (None, ""):
        problems.append(problem("zone", "required"))
        return None
    try:
        zone = zone_of(ref)
    except DomainError:
        problems.append(problem("zone", "not_found", model="zone", id=str(ref)[:40]))
        return None
    if actor.role == Role.ZONE_ADMIN and actor.zone_id != zone.pk:
        raise Forbidden(problem("zone", "promotion_other_zone", zone=zone.code))
    return zone


def _values(actor: Actor, data: dict, creating: bool) -> tuple[dict, list[Problem]]:
    problems: list[Problem] = []
    values: dict[str, Any] = {}
    if creating or "name" in data:
        values["name"] = _text(data.get("name"), "name", 200, problems, required=True)
    if creating or "industry" in data:
        values["industry"] = _text(data.get("industry"), "industry", 100, problems, required=True)
    for f, n in (("name_en", 200), ("investor", 200), ("team", 200), ("note", 5000)):
        if f in data:
            values[f] = _text(data.get(f), f, n, problems)
    if "planned_investment" in data:
        values["planned_investment"] = collect_decimal(data.get("planned_investment"), "planned_investment",
                                                       problems, **INVESTMENT)
    if creating or "unit_id" in data:
        values["unit"] = unit(actor, data.get("unit_id"), "unit_id", problems)
    if creating or "zone" in data:
        values["zone"] = _zone(actor, data.get("zone"), problems)
    return values, problems


def create_project(*, actor: Actor, data: dict, idempotency_key: str | None = None) -> Project:
    """A new lead in the pipeline. With an Idempotency-Key a retry returns the first project."""
    actor.require("servicedesk.promote")
    values, problems = _values(actor, data, creating=True)
    if problems:
        raise DomainError(problems)

    def do() -> dict:
        now = timezone.now()
        p = Project.objects.create(**values, stage=rules.Stage.LEAD.value, reached=0, stage_changed_at=now,
                                   created_by_id=actor.user_id, synthetic=bool(data.get("synthetic")))
        ProjectMove.objects.create(project=p, from_stage="", to_stage=p.stage, at=now, actor_id=actor.user_id)
        audit.record(actor, "servicedesk.project.create", p, after=project_snapshot(p))
        return {"project_id": p.pk}

    if idempotency_key:
        result, _ = idempotency.run(actor, idempotency_key, "servicedesk.project.create", data, do)
    else:
        with transaction.atomic(durable=True):
            result = do()
    return Project.objects.get(pk=result["project_id"])


def update_project(*, actor: Actor, project_id: int, data: dict) -> Project:
    actor.require("servicedesk.promote")
    get_scoped(Project, actor, project_id, action="change")
    values, problems = _values(actor, data, creating=False)
    if problems:
        raise DomainError(problems)
    with transaction.atomic(durable=True):
        p = Project.objects.select_for_update().get(pk=project_id)
        before = project_snapshot(p)
        for k, v in values.items():
            setattr(p, k, v)
        after = project_snapshot(p)
        changed = [k for k in after if after[k] != before[k]]
        if changed:
            p.save()
            audit.record(actor, "servicedesk.project.update", p, before={k: before[k] for k in changed},
                         after={k: after[k] for k in changed})
    return p


def move_project(*, actor: Actor, project_id: int, stage: Any, note: str = "") -> Project:
    """Move the project along the pipeline (forward, or dropped; a dropped one may be taken up again)."""
    actor.require("servicedesk.promote")
    get_scoped(Project, actor, project_id, action="change")
    problems: list[Problem] = []
    target = choice(stage, "stage", list(STAGE_LABELS), problems)
    note = _text(note, "note", 500, problems, required=target == rules.Stage.DROPPED)
    if problems:
        raise DomainError(problems)
    with transaction.atomic(durable=True):
        p = Project.objects.select_for_update().get(pk=project_id)
        if not rules.can_move(p.stage, target, p.reached):
            raise Conflict(problem("stage", "stage_move_not_allowed", stage=str(STAGE_LABELS[p.stage]),
                                   target=str(STAGE_LABELS[target])))
        before = project_snapshot(p)
        now = timezone.now()
        ProjectMove.objects.create(project=p, from_stage=p.stage, to_stage=target, at=now, actor_id=actor.user_id,
                                   note=note)
        p.stage, p.reached, p.stage_changed_at = target, rules.reached_after(p.reached, target), now
        p.save(update_fields=["stage", "reached", "stage_changed_at"])
        audit.record(actor, "servicedesk.project.move", p, before={"stage": before["stage"]},
                     after={"stage": target, "note": note})
    return p


def put_on_key_list(*, actor: Actor, project_id: int, year: Any = None, lead_unit_id: Any = None) -> Project:
    """Add a signed (or later) project to governance's annual key-project list of `year` (this year unless
    given): a new version of that year's latest list, or its first version. The list item becomes a tracked
    task in the policy ledger, led by the promoting unit unless another is named."""
    actor.require("servicedesk.key_list")
    p = get_scoped(Project, actor, project_id, action="change")
    problems: list[Problem] = []
    y = collect_int(year, "year", problems, lo=2000, hi=2100) or timezone.localdate().year
    if problems:
        raise DomainError(problems)
    if p.stage not in rules.SIGNED_OR_LATER:
        raise Conflict(problem("stage", "project_not_signed", stage=str(STAGE_LABELS[p.stage])))
    if p.key_list_year == y:
        raise Conflict(problem("year", "already_on_key_list", year=y))
    item = {"name": p.name, "investment": p.planned_investment, "zone": p.zone.code,
            "lead_unit_id": lead_unit_id if lead_unit_id not in (None, "") else p.unit_id}
    latest = governance_selectors.annual_lists(actor, year=y, kind="projects").order_by("-version").first()
    if latest is None:
        annual = governance_services.create_annual_list(actor=actor, kind="projects", year=y, items=[item])
    else:
        annual = governance_services.revise_annual_list(actor=actor, annual_list_id=latest.pk, add=[item])
    with transaction.atomic(durable=True):
        p = Project.objects.select_for_update().get(pk=project_id)
        before = project_snapshot(p)
        p.key_list_id, p.key_list_year = annual.pk, y
        p.save(update_fields=["key_list", "key_list_year"])
        audit.record(actor, "servicedesk.project.key_list", p, before={"key_list": before["key_list"]},
                     after={"key_list": annual.pk, "year": y, "version": annual.version})
    return p


def record_event(*, actor: Actor, data: dict, idempotency_key: str | None = None) -> PromotionEvent:
    """A visit, promotion conference or targeted invitation (专题邀约), with the projects it concerned."""
    actor.require("servicedesk.promote")
    problems: list[Problem] = []
    kind = choice(data.get("kind"), "kind", list(EVENT_KIND_LABELS), problems)
    title = _text(data.get("title"), "title", 200, problems, required=True)
    held_on = collect_date(data.get("held_on"), "held_on", problems, window=RECORDED, required=True)
    place = _text(data.get("place"), "place", 200, problems)
    note = _text(data.get("note"), "note", 5000, problems)
    u = unit(actor, data.get("unit_id"), "unit_id", problems)
    zone = _zone(actor, data.get("zone"), problems)
    raw = data.get("project_ids") or []
    if not isinstance(raw, list | tuple):
        raw = [r for r in str(raw).split(",") if r.strip()]
    projects = []
    for ref in dict.fromkeys(str(r).strip() for r in raw):
        try:
            projects.append(get_scoped(Project, actor, int(ref), action="change"))
        except (DomainError, ValueError):
            problems.append(problem("project_ids", "not_found", model="project", id=ref[:40]))
    if problems:
        raise DomainError(problems)

    def do() -> dict:
        event = PromotionEvent.objects.create(kind=kind, title=title, held_on=held_on, place=place, note=note,
                                              unit=u, zone=zone, created_by_id=actor.user_id)
        event.projects.set(projects)
        audit.record(actor, "servicedesk.promotion_event.create", event,
                     after={"kind": kind, "title": title, "held_on": held_on.isoformat() if held_on else None, "unit": u.pk if u else None,
                            "zone": zone.pk if zone else None, "projects": [p.pk for p in projects]})
        return {"event_id": event.pk}

    if idempotency_key:
        result, _ = idempotency.run(actor, idempotency_key, "servicedesk.promotion_event.create", data, do)
    else:
        with transaction.atomic(durable=True):
            result = do()
    return PromotionEvent.objects.get(pk=result["event_id"])

