"""The ledger office's writes: the lead unit as a proposal, collective units, 签收 and 情况通报."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Max, Q
from django.utils import timezone

from bondzone.core import audit
from bondzone.core.actor import Actor
from bondzone.core.domain.errors import DomainError, Problem, problem
from bondzone.core.domain.inputs import collect_text
from bondzone.core.scoping import get_scoped

from ..domain import notices as notice_rules
from ..domain import ownership, tree
from ..models import (
    CLOSED_STATUSES, Acknowledgement, Notice, NoticeItem, NoticeKind, ProgressReport, ReportStatus, Task, Unit,
    UnitMember,
)
from .common import _one_unit, once, recompute_up
from .reports import _member_unit, default_unit


def confirm_lead(*, actor: Actor, task_id: int, lead_unit_id: Any = None, note: str = "",
                 idempotency_key: str | None = None) -> Task:
    """The ledger office confirms the proposed lead unit (no `lead_unit_id`, or the same one) or names
    another; the unit it replaces becomes a co-unit. Confirming an already confirmed lead again changes
    nothing and records nothing."""
    actor.require("governance.manage")
    task = get_scoped(Task, actor, task_id, action="change")
    problems: list[Problem] = []
    note = collect_text(note, "note", problems, max_length=500)
    new = _one_unit(lead_unit_id, "lead_unit_id", problems) if lead_unit_id not in (None, "") else task.lead_unit
    if new is None and not problems:
        problems.append(problem("lead_unit_id", "required"))
    if problems:
        raise DomainError(problems)

    def do() -> dict:
        t = Task.objects.select_for_update().get(pk=task.pk)
        if t.lead_unit_id == new.pk and t.lead_confirmed_at is not None:
            return {"task_id": t.pk}
        before = {"lead_unit": t.lead_unit_id, "lead_status": t.lead_status}
        old = t.lead_unit
        t.lead_unit, t.lead_confirmed_at, t.lead_confirmed_by_id = new, timezone.now(), actor.user_id
        t.save(update_fields=["lead_unit", "lead_confirmed_at", "lead_confirmed_by", "updated_at"])
        t.co_units.remove(new)
        if old is not None and old.pk != new.pk:
            t.co_units.add(old)
        audit.record(actor, "task.confirm_lead" if old == new else "task.change_lead", t, before=before,
                     after={"lead_unit": new.pk, "lead_status": t.lead_status, "note": note})
        return {"task_id": t.pk}

    once(actor, idempotency_key, "governance.confirm_lead",
         {"task_id": task.pk, "lead_unit_id": lead_unit_id, "note": note}, do)
    return Task.objects.get(pk=task.pk)


def collective_members() -> dict[int, list[int]]:
    """Each collective unit (by name) → its member units (units whose parent it is), by name."""
    collectives = {u.pk for u in Unit.objects.only("id", "name") if ownership.is_collective(u.name)}
    out: dict[int, list[int]] = {c: [] for c in collectives}
    for uid, parent in Unit.objects.filter(parent_id__in=collectives).order_by("name").values_list("pk", "parent_id"):
        out[parent].append(uid)
    return out


def expand_collectives(*, actor: Actor, task_id: int, idempotency_key: str | None = None) -> dict:
    """One sub-task per member of each collective unit the task names (lead or co-unit), so that each
    district or zone has an owner. Members that already own a sub-task are skipped: expanding twice adds
    nothing. A weighted parent is refused (new children would break its weights)."""
    actor.require("governance.manage")
    task = get_scoped(Task, actor, task_id, action="change")
    members = collective_members()
    assigned = [task.lead_unit_id, *task.co_units.order_by("pk").values_list("pk", flat=True)]
    named = [u for u in assigned if u in members]
    problems: list[Problem] = []
    if not named:
        problems.append(problem("task_id", "no_collective_unit", task=task.code or task.pk))
    elif not any(members[u] for u in named):
        problems.append(problem("task_id", "collective_without_members",
                                units=", ".join(Unit.objects.filter(pk__in=named).values_list("name", flat=True))))
    if task.closed:
        problems.append(problem("task_id", "task_closed", task=task.code or task.pk))
    if problems:
        raise DomainError(problems)
    return once(actor, idempotency_key, "governance.expand", {"task_id": task.pk},
                lambda: _expand(actor, task.pk, assigned, members))


def _expand(actor: Actor, task_id: int, assigned: list, members: dict[int, list[int]]) -> dict:
    """The expansion itself, inside the caller's transaction (the task row locked)."""
    task = Task.objects.select_for_update().get(pk=task_id)
    existing = set(Task.objects.filter(parent=task).exclude(lead_unit__isnull=True).values_list("lead_unit_id",
                                                                                                flat=True))
    plan = ownership.expansion_plan([u for u in assigned if u is not None], members, existing)
    if not plan:
        return {"task_id": task.pk, "created": 0, "tasks": []}
    if task.progress_mode == tree.Mode.WEIGHTED:
        raise DomainError(problem("task_id", "expand_weighted"))
    units = Unit.objects.in_bulk({e.member_id for e in plan})
    zones = {e.member_id: units[e.member_id].zone_id for e in plan}
    position = Task.objects.filter(parent=task).aggregate(m=Max("position"))["m"] or 0
    created = []
    for i, e in enumerate(plan, start=position + 1):
        unit = units[e.member_id]
        child = Task.objects.create(
            policy=task.policy, parent=task, position=i, code=f"{task.code}-{i}"[:40],
            title=f"{task.title}（{unit.short_name or unit.name}）"[:200], text=task.text, source=task.source,
            lead_unit=unit, expanded_from_id=e.collective_id, year=task.year, start_date=task.start_date,
            due_date=task.due_date, cadence=task.cadence, published=task.published,
            # each share starts where the whole stood, so the roll-up does not move at expansion
            progress=task.progress, status=task.status,
            lead_confirmed_at=timezone.now(), lead_confirmed_by_id=actor.user_id)
        if zones[e.member_id]:
            child.zones.set([zones[e.member_id]])
        created.append(child.pk)
    if task.progress_mode == tree.Mode.MANUAL:
        task.progress_mode = tree.Mode.AVERAGE
        task.save(update_fields=["progress_mode", "updated_at"])
    recompute_up([task.pk])
    audit.record(actor, "task.expand", task, after={"created": created, "collectives": sorted(
        {e.collective_id for e in plan}), "members": [e.member_id for e in plan]})
    return {"task_id": task.pk, "created": len(created), "tasks": created}


def expand_all_collectives(*, actor: Actor) -> dict:
    """expand_collectives for every open task naming a collective unit with members; idempotent."""
    actor.require("governance.manage")
    members = {c for c, m in collective_members().items() if m}
    ids = sorted(set(Task.objects.exclude(status__in=CLOSED_STATUSES).filter(
        Q(lead_unit_id__in=members) | Q(co_units__in=members)).exclude(progress_mode=tree.Mode.WEIGHTED)
        .values_list("pk", flat=True)))
    total, touched = 0, 0
    for tid in ids:
        n = expand_collectives(actor=actor, task_id=tid)["created"]
        total += n
        touched += bool(n)
    return {"tasks_checked": len(ids), "tasks_expanded": touched, "created": total}


def assigned_units(task: Task) -> set[int]:
    return ({task.lead_unit_id} if task.lead_unit_id else set()) | set(task.co_units.values_list("pk", flat=True))


def sign_task(*, actor: Actor, task_id: int, unit_id: Any = None,
              idempotency_key: str | None = None) -> Acknowledgement:
    """签收: a unit the task is assigned to acknowledges it. Signing again returns the first signature."""
    actor.require("governance.report")
    task = get_scoped(Task, actor, task_id)
    problems: list[Problem] = []
    if unit_id in (None, ""):
        mine = set(UnitMember.objects.filter(user_id=actor.user_id).values_list("unit_id", flat=True))
        candidates = sorted(mine & assigned_units(task))
        unit = Unit.objects.get(pk=candidates[0]) if candidates else None
        if unit is None:
            problems.append(problem("unit_id", "task_not_of_unit", task=task.code or task.pk,
                                    unit=default_unit(actor).name if default_unit(actor) else "—"))
    else:
        unit = _member_unit(actor, unit_id, problems)
        if unit is not None and unit.pk not in assigned_units(task):
            problems.append(problem("unit_id", "task_not_of_unit", task=task.code or task.pk, unit=unit.name))
    if problems:
        raise DomainError(problems)

    def do() -> dict:
        ack, created = Acknowledgement.objects.get_or_create(task=task, unit=unit,
                                                              defaults={"signed_by_id": actor.user_id})
        if created:
            audit.record(actor, "task.sign", ack, after={"task": task.pk, "unit": unit.pk})
        return {"acknowledgement_id": ack.pk}

    result = once(actor, idempotency_key, "governance.sign", {"task_id": task.pk, "unit_id": unit_id}, do)
    return Acknowledgement.objects.get(pk=result["acknowledgement_id"])


def issue_notice(*, actor: Actor, today: date | None = None, idempotency_key: str | None = None) -> tuple[Notice, bool]:
    """The month's notice of overdue tasks and returned reports, from the ledger as it stands today. One
    notice per month: issuing it again returns the first (created False); a retry with the same
    Idempotency-Key answers as the first call did."""
    actor.require("governance.manage")
    today = today or timezone.localdate()
    period = notice_rules.notice_period(today)
    if not idempotency_key:
        existing = Notice.objects.filter(period=period).first()
        if existing is not None:
            return existing, False
    result = once(actor, idempotency_key, "governance.issue_notice", {"period": period},
                  lambda: _issue_notice(actor, today, period))
    return Notice.objects.get(pk=result["notice_id"]), result["created"]


def _issue_notice(actor: Actor, today: date, period: str) -> dict:
    existing = Notice.objects.filter(period=period).first()
    if existing is not None:
        return {"notice_id": existing.pk, "created": False}
    tasks = [notice_rules.OpenTask(pk, unit, due, status in CLOSED_STATUSES) for pk, unit, due, status in
             Task.objects.filter(due_date__lt=today).exclude(status__in=CLOSED_STATUSES).filter(
                 children__isnull=True).values_list("pk", "lead_unit_id", "due_date", "status")]
    reports = [notice_rules.ReportState(pk, t, u, per, st == ReportStatus.RETURNED, at.date())
               for pk, t, u, per, st, at in ProgressReport.objects.values_list(
                   "pk", "task_id", "unit_id", "period", "status", "submitted_at")]
    items = notice_rules.notice_items(today, tasks, reports)
    due_of = dict(Task.objects.filter(pk__in={i.task_id for i in items}).values_list("pk", "due_date"))
    reasons = dict(ProgressReport.objects.filter(pk__in={i.report_id for i in items if i.report_id}).values_list(
        "pk", "return_reason"))
    notice, created = Notice.objects.get_or_create(period=period, defaults={
        "issued_on": today, "created_by_id": actor.user_id,
        "title": f"综合保税区建设发展任务落实情况通报（{today.year}年{today.month}月）"})
    if not created:
        return {"notice_id": notice.pk, "created": False}
    NoticeItem.objects.bulk_create([NoticeItem(
        notice=notice, kind=NoticeKind(i.kind), task_id=i.task_id, unit_id=i.unit_id, due_date=due_of.get(i.task_id),
        days_overdue=i.days_overdue, report_id=i.report_id, reason=reasons.get(i.report_id, "")[:500])
        for i in items])
    counts = {k: sum(1 for i in items if i.kind == k) for k in NoticeKind.values}
    audit.record(actor, "notice.issue", notice, after={"period": period, **counts})
    return {"notice_id": notice.pk, "created": True}
