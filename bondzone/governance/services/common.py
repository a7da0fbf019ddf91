"""Shared pieces of the ledger's writes: limits, snapshots, small parsers, the Idempotency-Key wrapper, the
progress roll-up and working-day deadlines."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from bondzone.core import idempotency
from bondzone.core.actor import Actor
from bondzone.core.domain.errors import DomainError, Problem, problem
from bondzone.core.domain.inputs import as_id, shown
from bondzone.core.domain.workdays import add_working_days
from bondzone.core.models import Zone
from bondzone.core.selectors import work_calendar

from ..domain import tree
from ..models import Task, Unit

MAX_EVIDENCE_BYTES = 20 * 1024 * 1024
MAX_WORKDAYS = 1000  # a deadline given in working days: at most about four years ahead
PERCENT_DIGITS = {"max_digits": 5, "decimal_places": 2}  # progress and weight columns
EVIDENCE_TYPES = ("pdf", "ofd", "jpg", "jpeg", "png", "gif", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "txt", "csv",
                  "zip")
TASK_FIELDS = ("title", "text", "code", "parent_id", "lead_unit_id", "co_unit_ids", "zone_ids", "year",
               "start_date", "due_date", "status", "progress", "progress_mode", "weight", "cadence", "published",
               "public_summary", "position", "due_in_workdays")


def task_snapshot(t: Task) -> dict:
    return {
        "code": t.code, "title": t.title, "parent": t.parent_id, "lead_unit": t.lead_unit_id,
        "start_date": t.start_date.isoformat() if t.start_date else None,
        "due_date": t.due_date.isoformat() if t.due_date else None, "status": t.status,
        "progress": str(t.progress), "progress_mode": t.progress_mode,
        "weight": None if t.weight is None else str(t.weight), "published": t.published,
        "lead_status": t.lead_status,
    }






def once(actor: Actor, key: str | None, operation: str, payload: dict, do: Callable[[], dict]) -> dict:
    """Run `do` in one durable transaction; with an Idempotency-Key through core.idempotency, so a retry
    returns the first result and the same key with another payload is a 409."""
    if key:
        return idempotency.run(actor, key, operation, payload, do)[0]
    with transaction.atomic(durable=True):
        return do()


def _choice(value: Any, field: str, choices: list[str], problems: list[Problem]) -> str | None:
    if value not in choices:
        problems.append(problem(field, "bad_choice", value=value, choices=", ".join(choices)))
        return None
    return value


def _units(ids, field: str, problems: list[Problem]) -> list[Unit]:
    ids = [i for i in (ids or []) if i not in (None, "")]
    found = {u.pk: u for u in Unit.objects.filter(pk__in=[as_id(i) for i in ids if as_id(i)])}
    out = []
    for i in ids:
        u = found.get(as_id(i))
        if u is None:
            problems.append(problem(field, "not_found", model="unit", id=shown(i)))
        else:
            out.append(u)
    return out


def _zone_by_id_or_code(ref: Any) -> Zone | None:
    if as_id(ref) is not None:
        return Zone.objects.filter(pk=as_id(ref)).first()
    return Zone.objects.filter(code=ref).first() if isinstance(ref, str) and len(ref) <= 16 else None


def _zones(refs, problems: list[Problem]) -> list[Zone]:
    out = []
    for ref in refs or []:
        z = _zone_by_id_or_code(ref)
        if z is None:
            problems.append(problem("zone_ids", "not_found", model="zone", id=shown(ref)))
        else:
            out.append(z)
    return out


def _one_unit(ref: Any, field: str, problems: list[Problem]) -> Unit | None:
    if ref in (None, ""):
        return None
    found = _units([ref], field, problems)
    return found[0] if found else None


def _one_zone(ref: Any, field: str, problems: list[Problem]) -> Zone | None:
    if ref in (None, ""):
        return None
    z = _zone_by_id_or_code(ref)
    if z is None:
        problems.append(problem(field, "not_found", model="zone", id=shown(ref)))
    return z


def parent_map(policy_id: int | None = None) -> dict[int, int | None]:
    return dict(Task.objects.values_list("pk", "parent_id"))


def recompute_up(task_ids) -> None:
    """Recompute the stored progress of the given tasks and all their ancestors (inside a transaction)."""
    pending = [t for t in dict.fromkeys(task_ids) if t is not None]
    seen: set[int] = set()
    while pending:
        tid = pending.pop(0)
        if tid in seen:
            continue
        seen.add(tid)
        # lock the parent before reading its children: a concurrent roll-up of a sibling waits, then
        # reads this transaction's committed child values (no lost update of the parent's progress)
        row = Task.objects.select_for_update().filter(pk=tid).values("progress_mode", "progress", "parent_id").first()
        if row is None:
            continue
        kids = [(p, w) for p, w in Task.objects.filter(parent_id=tid).values_list("progress", "weight")]
        if row["progress_mode"] != tree.Mode.MANUAL and kids:
            new = tree.combine(row["progress_mode"], row["progress"], kids)
            if new != row["progress"]:
                Task.objects.filter(pk=tid).update(progress=new, updated_at=timezone.now())
        if row["parent_id"] is not None:
            pending.append(row["parent_id"])


def _due_in_workdays(start: date, n: int, problems: list[Problem]) -> date | None:
    """A deadline n working days after `start` under the official calendar; a year without one is a
    refusal (a problem on due_in_workdays), never a Monday–Friday count."""
    try:
        return add_working_days(work_calendar(), start, n, field="due_in_workdays")
    except DomainError as exc:
        problems.extend(exc.problems)
        return None
