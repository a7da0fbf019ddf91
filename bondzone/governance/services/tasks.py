"""Tasks: create, change, sibling weights."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from bondzone.core import audit
from bondzone.core.actor import Actor
from bondzone.core.domain.errors import DomainError, Problem, problem
from bondzone.core.domain.inputs import (
    INT, PLANNED, as_id, collect_date, collect_decimal, collect_int, collect_text, shown,
)
from bondzone.core.scoping import get_scoped

from ..domain import tree
from ..domain.schedule import Cadence
from ..models import Task, TaskSource, TaskStatus
from .common import (
    _due_in_workdays, MAX_WORKDAYS, PERCENT_DIGITS, TASK_FIELDS, _choice, _one_unit, _units, _zones, parent_map,
    recompute_up, task_snapshot,
)


def _validate_task(data: dict, current: Task | None) -> tuple[dict, list[Problem], dict]:
    """Clean the given fields of a task; returns (clean values, problems, relations)."""
    problems: list[Problem] = []
    clean: dict[str, Any] = {}
    rel: dict[str, Any] = {}
    unknown = set(data) - set(TASK_FIELDS)
    for f in sorted(unknown):
        problems.append(problem(f, "invalid", message=f"unknown field {f}"))
    if "title" in data or current is None:
        clean["title"] = collect_text(data.get("title"), "title", problems, max_length=200, required=True)
    if "text" in data:
        clean["text"] = collect_text(data.get("text"), "text", problems, max_length=20000)
    if "code" in data:
        clean["code"] = collect_text(data.get("code"), "code", problems, max_length=40)
    if "public_summary" in data:
        clean["public_summary"] = collect_text(data.get("public_summary"), "public_summary", problems, max_length=5000)
    for f in ("start_date", "due_date"):
        if f in data:
            clean[f] = collect_date(data[f], f, problems, window=PLANNED)
    if "year" in data:
        clean["year"] = collect_int(data["year"], "year", problems, lo=2000, hi=2100)
    if "position" in data:
        clean["position"] = collect_int(data["position"], "position", problems, lo=0, hi=INT[1]) or 0
    if "status" in data:
        clean["status"] = _choice(data["status"], "status", list(TaskStatus.values), problems)
    if "progress_mode" in data:
        clean["progress_mode"] = _choice(data["progress_mode"], "progress_mode", [m.value for m in tree.Mode], problems)
    if "cadence" in data:
        clean["cadence"] = _choice(data["cadence"], "cadence", [c.value for c in Cadence], problems)
    if "published" in data:
        clean["published"] = bool(data["published"])
    if "progress" in data:
        p = collect_decimal(data["progress"], "progress", problems, **PERCENT_DIGITS)
        if p is not None:
            problems += tree.check_progress(p)
            clean["progress"] = p
    if "weight" in data:
        w = collect_decimal(data["weight"], "weight", problems, **PERCENT_DIGITS)
        if w is not None and not (Decimal(0) <= w <= tree.HUNDRED):
            problems.append(problem("weight", "weight_out_of_range", value=w))
        clean["weight"] = w
    if data.get("due_in_workdays") not in (None, ""):
        n = collect_int(data["due_in_workdays"], "due_in_workdays", problems, lo=1, hi=MAX_WORKDAYS)
        if n is None:
            pass
        elif clean.get("due_date"):
            problems.append(problem("due_date", "decision_due_or_days"))
        else:  # a deadline in working days from the start (or today), holidays and 调休 counted
            base = clean.get("start_date") or (current.start_date if current else None) or timezone.localdate()
            clean["due_date"] = _due_in_workdays(base, n, problems)
    start = clean.get("start_date", current.start_date if current else None)
    due = clean.get("due_date", current.due_date if current else None)
    if start and due and due < start:
        problems.append(problem("due_date", "end_before_start", start=start, end=due))
    if "parent_id" in data:
        pid = data["parent_id"]
        if pid in (None, ""):
            clean["parent_id"] = None
        elif not (as_id(pid) and Task.objects.filter(pk=as_id(pid)).exists()):
            problems.append(problem("parent_id", "not_found", model="task", id=shown(pid)))
        else:
            clean["parent_id"] = as_id(pid)
            problems += tree.check_parent(current.pk if current else None, as_id(pid), parent_map())
    if "lead_unit_id" in data:
        rel["lead_unit"] = _one_unit(data["lead_unit_id"], "lead_unit_id", problems)
    if "co_unit_ids" in data:
        lead_id = rel["lead_unit"].pk if rel.get("lead_unit") else (current.lead_unit_id if current else None)
        rel["co_units"] = [u for u in dict.fromkeys(_units(data["co_unit_ids"], "co_unit_ids", problems))
                           if u.pk != lead_id]  # the lead unit is not also its own co-unit
    if "zone_ids" in data:
        rel["zones"] = _zones(data["zone_ids"], problems)
    return clean, problems, rel


def _sibling_weights_problems(parent_id: int | None, changed: dict[int, Decimal | None]) -> list[Problem]:
    """Weights of a weighted parent's children after a change must still sum to 100."""
    if parent_id is None:
        return []
    parent = Task.objects.filter(pk=parent_id).values("progress_mode").first()
    if parent is None or parent["progress_mode"] != tree.Mode.WEIGHTED:
        return []
    weights = dict(Task.objects.filter(parent_id=parent_id).values_list("pk", "weight"))
    weights.update(changed)
    return tree.check_weights(tree.Mode.WEIGHTED, weights, field="weight")


def create_task(*, actor: Actor, data: dict) -> Task:
    actor.require("governance.manage")
    clean, problems, rel = _validate_task(data, None)
    parent_id = clean.get("parent_id")
    if not problems:
        problems += _sibling_weights_problems(parent_id, {-1: clean.get("weight")})
    if problems:
        raise DomainError(problems)
    with transaction.atomic(durable=True):
        if "position" not in clean:
            clean["position"] = (Task.objects.filter(parent_id=parent_id).aggregate(m=Max("position"))["m"] or 0) + 1
        if clean.get("progress") is None:
            clean.pop("progress", None)
        lead = rel.get("lead_unit")  # chosen by the ledger office: confirmed, not a proposal
        task = Task.objects.create(source=TaskSource.MANUAL, lead_unit=lead, **clean,
                                   lead_confirmed_at=timezone.now() if lead else None,
                                   lead_confirmed_by_id=actor.user_id if lead else None)
        if rel.get("co_units"):
            task.co_units.set(rel["co_units"])
        if rel.get("zones"):
            task.zones.set(rel["zones"])
        recompute_up([task.pk])
        task.refresh_from_db()
        audit.record(actor, "task.create", task, after=task_snapshot(task))
    return task


def update_task(*, actor: Actor, task_id: int, data: dict) -> Task:
    actor.require("governance.manage")
    task = get_scoped(Task, actor, task_id, action="change")
    clean, problems, rel = _validate_task(data, task)
    if not problems and ("weight" in clean or "parent_id" in clean):
        new_parent = clean.get("parent_id", task.parent_id)
        problems += _sibling_weights_problems(new_parent, {task.pk: clean.get("weight", task.weight)})
        if new_parent != task.parent_id:
            others = dict(Task.objects.filter(parent_id=task.parent_id).exclude(pk=task.pk).values_list("pk", "weight"))
            if task.parent_id and Task.objects.filter(pk=task.parent_id, progress_mode=tree.Mode.WEIGHTED).exists() \
                    and others:
                problems += tree.check_weights(tree.Mode.WEIGHTED, others, field="parent_id")
    if not problems and clean.get("progress_mode") == tree.Mode.WEIGHTED:
        kids = dict(Task.objects.filter(parent_id=task.pk).values_list("pk", "weight"))
        problems += tree.check_weights(tree.Mode.WEIGHTED, kids)
    if problems:
        raise DomainError(problems)
    with transaction.atomic(durable=True):
        task = Task.objects.select_for_update().get(pk=task.pk)
        before = task_snapshot(task)
        old_parent = task.parent_id
        for k, v in clean.items():
            setattr(task, k, v)
        if "lead_unit" in rel and rel["lead_unit"] != task.lead_unit:
            task.lead_unit = rel["lead_unit"]  # changed by the ledger office: confirmed
            task.lead_confirmed_at = timezone.now() if task.lead_unit else None
            task.lead_confirmed_by_id = actor.user_id if task.lead_unit else None
        task.save()
        if "co_units" in rel:
            task.co_units.set(rel["co_units"])
        if "zones" in rel:
            task.zones.set(rel["zones"])
        recompute_up([task.pk, old_parent])
        task.refresh_from_db()
        audit.record(actor, "task.update", task, before=before, after=task_snapshot(task))
    return task


def set_weights(*, actor: Actor, task_id: int, mode: str, weights: dict) -> Task:
    """Switch how a task rolls up and set its children's weights in one step."""
    actor.require("governance.manage")
    task = get_scoped(Task, actor, task_id, action="change")
    problems: list[Problem] = []
    _choice(mode, "mode", [m.value for m in tree.Mode], problems)
    children = dict(Task.objects.filter(parent_id=task.pk).values_list("pk", "weight"))
    parsed: dict[int, Decimal | None] = dict(children)
    for key, raw in (weights or {}).items():
        cid = as_id(key)
        if cid not in children:
            problems.append(problem(f"weights.{key}", "not_found", model="task", id=shown(key)))
            continue
        parsed[cid] = collect_decimal(raw, f"weights.{key}", problems, **PERCENT_DIGITS)
    if not problems:
        problems += tree.check_weights(mode, parsed)
    if problems:
        raise DomainError(problems)
    with transaction.atomic(durable=True):
        task = Task.objects.select_for_update().get(pk=task.pk)
        before = {"mode": task.progress_mode, "weights": {str(k): str(v) for k, v in children.items()}}
        for cid, w in parsed.items():
            if w != children[cid]:
                Task.objects.filter(pk=cid).update(weight=w)
        task.progress_mode = mode
        task.save(update_fields=["progress_mode", "updated_at"])
        recompute_up([task.pk])
        task.refresh_from_db()
        audit.record(actor, "task.set_weights", task, before=before,
                     after={"mode": mode, "weights": {str(k): str(v) for k, v in parsed.items()},
                            "progress": str(task.progress)})
    return task
