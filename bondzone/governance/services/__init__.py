"""Writes of the policy task ledger. Each service checks the actor's permission, validates with the
pure rules in domain/, writes in one durable transaction and records an audit row in it. The ledger
office's writes take an optional Idempotency-Key (`once`): a retry returns the first result. The unit
assessment (考核: rules and frozen scores) is in `assessment.py`."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from decimal import Decimal
from collections.abc import Callable
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

from bondzone.core import audit, idempotency
from bondzone.core.actor import SYSTEM as SYSTEM  # re-exported: commands and the demo act as it
from bondzone.core.actor import Actor
from bondzone.core.domain.errors import Conflict, DomainError, Problem, problem
from bondzone.core.domain.inputs import (
    INT, PLANNED, RECORDED, as_id, collect_date, collect_decimal, collect_id, collect_int, collect_text, shown,
)
from bondzone.core.domain.workdays import CalendarMissing, CalendarOutOfWindow, add_working_days
from bondzone.core.files import sha256_of
from bondzone.core.models import Zone
from bondzone.core.selectors import work_calendar
from bondzone.core.scoping import get_scoped, restrict

from ..domain import notices as notice_rules
from ..domain import ownership
from ..domain import seed as seed_rules
from ..domain import tree
from ..domain.lights import LightRules
from ..domain.schedule import Cadence, TaskClock, reminders_for, valid_period
from ..models import (
    CLOSED_STATUSES, LEVEL_ORDER, Acknowledgement, AnnualList, Decision, Escalation, Evidence,
    ExtensionRequest, ExtensionStatus, Issue, IssueStatus, JointMeeting, Level, ListItem, ListKind, Notice,
    NoticeItem, NoticeKind, Policy, ProgressReport, Reminder, ReportStatus, Task, TaskSource, TaskStatus, Unit,
    UnitKind, UnitMember,
)

MAX_EVIDENCE_BYTES = 20 * 1024 * 1024
MAX_WORKDAYS = 1000  # a deadline given in working days: at most about four years ahead
PERCENT_DIGITS = {"max_digits": 5, "decimal_places": 2}  # progress and weight columns
EVIDENCE_TYPES = ("pdf", "ofd", "jpg", "jpeg", "png", "gif", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "txt", "csv",
                  "zip")
TASK_FIELDS = ("title", "text", "code", "parent_id", "lead_unit_id", "co_unit_ids", "zone_ids", "year",
               "start_date", "due_date", "status", "progress", "progress_mode", "weight", "cadence", "published",
               "public_summary", "position", "due_in_workdays")


# ---------------------------------------------------------------- snapshots and small parsers
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


# ---------------------------------------------------------------- roll-up
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


# ---------------------------------------------------------------- units
def create_unit(*, actor: Actor, name: str, kind: str = UnitKind.OTHER, name_en: str = "", short_name: str = "",
                parent_id: int | None = None, zone_id: int | None = None) -> Unit:
    actor.require("governance.manage")
    problems: list[Problem] = []
    name = collect_text(name, "name", problems, max_length=100, required=True)
    _choice(kind, "kind", list(UnitKind.values), problems)
    if name and Unit.objects.filter(name=name).exists():
        problems.append(problem("name", "duplicate_value", value=name))
    parent = _one_unit(parent_id, "parent_id", problems)
    zone = _one_zone(zone_id, "zone_id", problems)
    if problems:
        raise DomainError(problems)
    with transaction.atomic(durable=True):
        unit = Unit.objects.create(name=name, kind=kind, name_en=(name_en or "")[:200],
                                   short_name=(short_name or "")[:40], parent=parent, zone=zone)
        audit.record(actor, "unit.create", unit, after={"name": name, "kind": kind})
    return unit


def add_member(*, actor: Actor, unit_id: int, user_id: int, is_leader: bool = False) -> UnitMember:
    actor.require("governance.manage")
    unit = get_scoped(Unit, actor, unit_id)
    problems: list[Problem] = []
    user_pk = collect_id(user_id, "user_id", problems, required=True)
    if user_pk is not None and not get_user_model().objects.filter(pk=user_pk).exists():
        problems.append(problem("user_id", "not_found", model="user", id=user_pk))
    if problems:
        raise DomainError(problems)
    user_id = user_pk
    with transaction.atomic(durable=True):
        member, _ = UnitMember.objects.update_or_create(user_id=user_id, unit=unit, defaults={"is_leader": is_leader})
        audit.record(actor, "unit.add_member", member, after={"unit": unit.pk, "user": user_id, "leader": is_leader})
    return member


# ---------------------------------------------------------------- the seed policy
def load_policy(*, actor: Actor, text: str, published: bool = True) -> dict:
    """Create the policy, its units and its task tree from the text; loading it again changes nothing."""
    actor.require("governance.manage")
    parsed = seed_rules.parse_policy(text)
    summary = {"code": parsed.code, "measures": len(parsed.measures), "tasks": len(parsed.tasks),
               "units": len(parsed.units), "responsibility_lines": seed_rules.count_responsibility_lines(text)}
    if not parsed.measures or not parsed.code:
        raise DomainError(problem("text", "policy_parse_failed"))
    existing = Policy.objects.filter(code=parsed.code).first()
    if existing is not None:
        return {**summary, "policy_id": existing.pk, "created": False}
    zones = {z.code: z for z in Zone.objects.all()}
    with transaction.atomic(durable=True):
        policy = Policy.objects.create(code=parsed.code, title=parsed.title[:200], issuer=parsed.issuer[:100],
                                       issued_on=parsed.issued_on, text=text, published=published)
        units = {}
        for name in parsed.units:
            units[name], _ = Unit.objects.get_or_create(name=name, defaults={"kind": seed_rules.unit_kind(name)})
        by_code: dict[str, Task] = {}
        year = parsed.issued_on.year if parsed.issued_on else None
        for pt in parsed.tasks:
            task = Task.objects.create(
                policy=policy, parent=by_code.get(pt.parent_code) if pt.parent_code else None, position=pt.position,
                code=pt.code, title=pt.title[:200], text=pt.text, source=TaskSource.POLICY,
                lead_unit=units[pt.units[0]] if pt.units else None, year=year, published=published,
                start_date=parsed.issued_on,
                progress_mode=tree.Mode.MANUAL if pt.level == "measure" else tree.Mode.AVERAGE,
            )
            if len(pt.units) > 1:
                task.co_units.set([units[u] for u in pt.units[1:]])
            if pt.zones:
                task.zones.set([zones[c] for c in pt.zones if c in zones])
            by_code[pt.code] = task
        audit.record(actor, "policy.load", policy, after={**summary, "policy": policy.code})
    return {**summary, "policy_id": policy.pk, "created": True}


# ---------------------------------------------------------------- tasks
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


# ---------------------------------------------------------------- progress reports
def _member_unit(actor: Actor, unit_id: Any, problems: list[Problem]) -> Unit | None:
    unit = Unit.objects.filter(pk=as_id(unit_id)).first() if as_id(unit_id) else None
    if unit is None:
        problems.append(problem("unit_id", "not_found", model="unit", id=shown(unit_id)))
        return None
    if not actor.is_admin and not UnitMember.objects.filter(user_id=actor.user_id, unit=unit).exists():
        problems.append(problem("unit_id", "not_a_member", unit=unit.name))
        return None
    return unit


def default_unit(actor: Actor) -> Unit | None:
    m = UnitMember.objects.filter(user_id=actor.user_id).select_related("unit").order_by("-is_leader", "id").first()
    return m.unit if m else None


def _task_of_unit(task: Task, unit: Unit) -> bool:
    return task.lead_unit_id == unit.pk or task.co_units.filter(pk=unit.pk).exists()


def submit_report(*, actor: Actor, task_id: int, unit_id: int | None, period: str, text: str, progress: Any,
                  problems_text: str = "", help_needed: str = "", files: list | None = None,
                  today: date | None = None, idempotency_key: str | None = None) -> ProgressReport:
    """A unit's report for a period with evidence files. With an Idempotency-Key a retry returns the first
    report (same payload, file digests included) instead of a second one."""
    actor.require("governance.report")
    files = list(files or [])
    digests = [sha256_of(f) for f in files]

    def do() -> dict:
        task = get_scoped(Task, actor, task_id)
        problems: list[Problem] = []
        if unit_id in (None, ""):
            unit = default_unit(actor)
            if unit is None:
                problems.append(problem("unit_id", "required"))
        else:
            unit = _member_unit(actor, unit_id, problems)
        if unit is not None and not _task_of_unit(task, unit):
            problems.append(problem("task_id", "task_not_of_unit", task=task.code or task.pk, unit=unit.name))
        clean_period = (period or "").strip()
        if not valid_period(clean_period):
            problems.append(problem("period", "bad_period", value=clean_period))
        clean_text = collect_text(text, "text", problems, max_length=10000, required=True)
        value = collect_decimal(progress, "progress", problems, **PERCENT_DIGITS)
        if value is None and not any(p.field == "progress" for p in problems):
            problems.append(problem("progress", "required"))
        elif value is not None:
            problems += tree.check_progress(value)
        if task.closed:
            problems.append(problem("task_id", "task_closed", task=task.code or task.pk))
        if task.progress_mode != tree.Mode.MANUAL and task.children.exists():
            problems.append(problem("task_id", "progress_computed", mode=task.progress_mode))
        if unit is not None and ProgressReport.objects.filter(task=task, unit=unit, period=clean_period).exclude(
                status=ReportStatus.RETURNED).exists():
            problems.append(problem("period", "report_exists", period=clean_period, unit=unit.name))
        for i, f in enumerate(files, start=1):
            if f.size > MAX_EVIDENCE_BYTES:
                problems.append(problem(f"files[{i}]", "file_too_large", name=f.name,
                                        max=MAX_EVIDENCE_BYTES // 2**20))
            if (f.name or "").rsplit(".", 1)[-1].lower() not in EVIDENCE_TYPES or "." not in (f.name or ""):
                problems.append(problem(f"files[{i}]", "file_type_not_allowed", name=f.name,
                                        types=", ".join(EVIDENCE_TYPES)))
        if problems:
            raise DomainError(problems)
        report = ProgressReport.objects.create(
            task=task, unit=unit, period=clean_period, text=clean_text, progress=value,
            problems=(problems_text or "")[:5000], help_needed=(help_needed or "")[:5000],
            submitted_by_id=actor.user_id,
        )
        names = []
        for f, sha in zip(files, digests, strict=True):
            ev = Evidence(report=report, name=f.name[:200], size=f.size, sha256=sha)
            ev.file.save(f.name, f, save=False)
            ev.save()
            names.append({"name": ev.name, "sha256": ev.sha256})
        audit.record(actor, "report.submit", report, after={"task": task.pk, "unit": unit.pk,
                                                             "period": clean_period, "progress": str(value),
                                                             "evidence": names})
        return {"report_id": report.pk}

    if idempotency_key:
        payload = {"task_id": task_id, "unit_id": unit_id, "period": period, "text": text, "progress": str(progress),
                   "problems": problems_text, "help_needed": help_needed,
                   "files": [{"name": f.name, "sha256": d} for f, d in zip(files, digests, strict=True)]}
        result, _ = idempotency.run(actor, idempotency_key, "report.submit", payload, do)
    else:
        with transaction.atomic(durable=True):
            result = do()
    return ProgressReport.objects.get(pk=result["report_id"])


def review_report(*, actor: Actor, report_id: int, decision: str, reason: str = "") -> ProgressReport:
    """Accept (the task takes the reported progress) or return with a reason (退办)."""
    actor.require("governance.review")
    problems: list[Problem] = []
    _choice(decision, "decision", ["accept", "return"], problems)
    reason = collect_text(reason, "reason", problems, max_length=500)
    if decision == "return" and not reason:
        problems.append(problem("reason", "reason_required"))
    report = get_scoped(ProgressReport, actor, report_id, action="change")
    if report.status != ReportStatus.SUBMITTED:
        problems.append(problem("status", "report_wrong_state", state=report.status))
    if problems:
        raise DomainError(problems)
    with transaction.atomic(durable=True):
        report = ProgressReport.objects.select_for_update().get(pk=report.pk)
        if report.status != ReportStatus.SUBMITTED:
            raise Conflict(problem("status", "report_wrong_state", state=report.status))
        report.status = ReportStatus.ACCEPTED if decision == "accept" else ReportStatus.RETURNED
        report.return_reason = reason if decision == "return" else ""
        report.reviewed_by_id, report.reviewed_at = actor.user_id, timezone.now()
        report.save(update_fields=["status", "return_reason", "reviewed_by", "reviewed_at"])
        if decision == "accept":
            task = Task.objects.select_for_update().get(pk=report.task_id)
            before = task_snapshot(task)
            task.progress = report.progress
            if task.status not in CLOSED_STATUSES:
                task.status = TaskStatus.COMPLETED if report.progress == tree.HUNDRED else TaskStatus.IN_PROGRESS
            task.save(update_fields=["progress", "status", "updated_at"])
            recompute_up([task.parent_id])
            audit.record(actor, "task.progress", task, before=before, after=task_snapshot(task))
        audit.record(actor, f"report.{decision}", report, after={"status": report.status, "reason": reason})
    return report


# ---------------------------------------------------------------- extensions
def request_extension(*, actor: Actor, task_id: int, unit_id: int | None, new_due: Any, reason: str,
                      today: date | None = None) -> ExtensionRequest:
    actor.require("governance.report")
    today = today or timezone.localdate()
    task = get_scoped(Task, actor, task_id)
    problems: list[Problem] = []
    unit = default_unit(actor) if unit_id in (None, "") else _member_unit(actor, unit_id, problems)
    if unit is None and not problems:
        problems.append(problem("unit_id", "required"))
    if unit is not None and not _task_of_unit(task, unit):
        problems.append(problem("task_id", "task_not_of_unit", task=task.code or task.pk, unit=unit.name))
    reason = collect_text(reason, "reason", problems, max_length=2000, required=True)
    new = collect_date(new_due, "new_due", problems, window=PLANNED)
    if new is None and not any(p.field == "new_due" for p in problems):
        problems.append(problem("new_due", "required"))
    if task.due_date is None:
        problems.append(problem("task_id", "task_has_no_due"))
    else:
        if today >= task.due_date:
            problems.append(problem("new_due", "extension_after_due", due=task.due_date))
        if new is not None and new <= task.due_date:
            problems.append(problem("new_due", "extension_not_later", new=new, old=task.due_date))
    if task.closed:
        problems.append(problem("task_id", "task_closed", task=task.code or task.pk))
    if ExtensionRequest.objects.filter(task=task, status=ExtensionStatus.PENDING).exists():
        problems.append(problem("task_id", "extension_pending"))
    if problems:
        raise DomainError(problems)
    with transaction.atomic(durable=True):
        ext = ExtensionRequest.objects.create(task=task, unit=unit, reason=reason, old_due=task.due_date, new_due=new,
                                              requested_by_id=actor.user_id)
        audit.record(actor, "extension.request", ext, after={"task": task.pk, "old_due": str(ext.old_due),
                                                              "new_due": str(new), "reason": reason})
    return ext


def decide_extension(*, actor: Actor, extension_id: int, approve: bool, note: str = "") -> ExtensionRequest:
    actor.require("governance.review")
    problems: list[Problem] = []
    note = collect_text(note, "note", problems, max_length=500)
    ext = get_scoped(ExtensionRequest, actor, extension_id, action="change")
    if ext.status != ExtensionStatus.PENDING:
        problems.append(problem("status", "extension_wrong_state", state=ext.status))
    if not approve and not note:
        problems.append(problem("note", "reason_required"))
    if problems:
        raise DomainError(problems)
    with transaction.atomic(durable=True):
        ext = ExtensionRequest.objects.select_for_update().get(pk=ext.pk)
        if ext.status != ExtensionStatus.PENDING:
            raise Conflict(problem("status", "extension_wrong_state", state=ext.status))
        ext.status = ExtensionStatus.APPROVED if approve else ExtensionStatus.REJECTED
        ext.decision_note, ext.decided_by_id, ext.decided_at = note, actor.user_id, timezone.now()
        ext.save(update_fields=["status", "decision_note", "decided_by", "decided_at"])
        if approve:
            task = Task.objects.select_for_update().get(pk=ext.task_id)
            before = task_snapshot(task)
            task.due_date = ext.new_due
            task.save(update_fields=["due_date", "updated_at"])
            audit.record(actor, "task.extend", task, before=before, after=task_snapshot(task))
        audit.record(actor, "extension.approve" if approve else "extension.reject", ext,
                     after={"status": ext.status, "note": note})
    return ext


# ---------------------------------------------------------------- annual lists
def _list_root(kind: str, year: int) -> Task:
    code = f"{year}-{'XM' if kind == ListKind.PROJECTS else 'ZC'}"
    root = Task.objects.filter(code=code, source=TaskSource.ANNUAL_LIST, parent__isnull=True).first()
    if root is None:
        title = f"{year}年度综合保税区发展{'重点项目' if kind == ListKind.PROJECTS else '政策'}清单"
        root = Task.objects.create(code=code, title=title, source=TaskSource.ANNUAL_LIST, year=year,
                                   progress_mode=tree.Mode.AVERAGE, start_date=date(year, 1, 1),
                                   due_date=date(year, 12, 31), position=year)
    return root


def _clean_items(items: list[dict], problems: list[Problem], year: int) -> list[dict]:
    out = []
    for i, raw in enumerate(items or [], start=1):
        p: list[Problem] = []
        f = f"items[{i}]"
        item = {
            "name": collect_text(raw.get("name"), f"{f}.name", p, max_length=200, required=True),
            "investment": collect_decimal(raw.get("investment"), f"{f}.investment", p, max_digits=16,
                                          decimal_places=2),
            "planned_start": collect_date(raw.get("planned_start"), f"{f}.planned_start", p, window=PLANNED),
            "planned_end": collect_date(raw.get("planned_end"), f"{f}.planned_end", p, window=PLANNED),
            "lead_unit": _one_unit(raw.get("lead_unit_id"), f"{f}.lead_unit_id", p),
            "zone": _one_zone(raw.get("zone"), f"{f}.zone", p),
        }
        if item["investment"] is not None and item["investment"] < 0:
            p.append(problem(f"{f}.investment", "amount_negative", value=item["investment"]))
        # the item's task runs over the year unless the item says otherwise; its end never precedes its start
        s, e = item["planned_start"] or date(year, 1, 1), item["planned_end"] or date(year, 12, 31)
        if e < s:
            bad = "planned_end" if item["planned_end"] else "planned_start"
            p.append(problem(f"{f}.{bad}", "end_before_start", start=s, end=e))
        problems += p
        out.append(item)
    return out


def _spawn_item(annual: AnnualList, root: Task, item: dict, position: int) -> ListItem:
    task = Task.objects.create(
        parent=root, position=position, code=f"{root.code}-{position}", title=item["name"],
        source=TaskSource.ANNUAL_LIST, lead_unit=item["lead_unit"], year=annual.year,
        lead_confirmed_at=timezone.now() if item["lead_unit"] else None,
        start_date=item["planned_start"] or date(annual.year, 1, 1),
        due_date=item["planned_end"] or date(annual.year, 12, 31), published=annual.published,
    )
    if item["zone"] is not None:
        task.zones.set([item["zone"]])
    return ListItem.objects.create(annual_list=annual, position=position, name=item["name"], zone=item["zone"],
                                   lead_unit=item["lead_unit"], investment=item["investment"],
                                   planned_start=item["planned_start"], planned_end=item["planned_end"], task=task)


def create_annual_list(*, actor: Actor, kind: str, year: int, items: list[dict], title: str = "",
                       published: bool = False) -> AnnualList:
    """Version 1 of a year's list (or the next version if one exists): every item spawns a tracked task."""
    actor.require("governance.manage")
    problems: list[Problem] = []
    _choice(kind, "kind", list(ListKind.values), problems)
    year = collect_int(year, "year", problems, lo=2000, hi=2100, required=True) or 2000
    title = collect_text(title, "title", problems, max_length=200)
    clean = _clean_items(items, problems, year)
    if problems:
        raise DomainError(problems)
    with transaction.atomic(durable=True):
        version = (AnnualList.objects.filter(kind=kind, year=year).aggregate(m=Max("version"))["m"] or 0) + 1
        annual = AnnualList.objects.create(kind=kind, year=year, version=version, title=title,
                                           published=published)
        root = _list_root(kind, year)
        start = Task.objects.filter(parent=root).aggregate(m=Max("position"))["m"] or 0
        for i, item in enumerate(clean, start=start + 1):
            _spawn_item(annual, root, item, i)
        recompute_up([root.pk])
        audit.record(actor, "annual_list.create", annual, after={"kind": kind, "year": year, "version": version,
                                                                  "items": len(clean)})
    return annual


def revise_annual_list(*, actor: Actor, annual_list_id: int, add: list[dict] | None = None,
                       drop_item_ids: list[int] | None = None, published: bool | None = None) -> AnnualList:
    """A new version of the list: kept items carry over (same task, so their history stays)."""
    actor.require("governance.manage")
    old = get_scoped(AnnualList, actor, annual_list_id)
    problems: list[Problem] = []
    clean = _clean_items(add or [], problems, old.year)
    drop = set(drop_item_ids or [])
    unknown = drop - set(old.items.values_list("pk", flat=True))
    for i in sorted(unknown):
        problems.append(problem("drop_item_ids", "not_found", model="list item", id=shown(i)))
    latest = AnnualList.objects.filter(kind=old.kind, year=old.year).aggregate(m=Max("version"))["m"]
    if latest != old.version:
        problems.append(problem("annual_list_id", "duplicate_version", version=old.version + 1))
    if problems:
        raise DomainError(problems)
    with transaction.atomic(durable=True):
        new = AnnualList.objects.create(kind=old.kind, year=old.year, version=old.version + 1, title=old.title,
                                        published=old.published if published is None else published)
        for it in old.items.exclude(pk__in=drop).order_by("position", "id"):
            ListItem.objects.create(annual_list=new, position=it.position, name=it.name, zone=it.zone,
                                    lead_unit=it.lead_unit, investment=it.investment, planned_start=it.planned_start,
                                    planned_end=it.planned_end, task=it.task, carried_from=it)
        root = _list_root(old.kind, old.year)
        start = Task.objects.filter(parent=root).aggregate(m=Max("position"))["m"] or 0
        for i, item in enumerate(clean, start=start + 1):
            _spawn_item(new, root, item, i)
        recompute_up([root.pk])
        audit.record(actor, "annual_list.revise", new, after={"from_version": old.version, "version": new.version,
                                                               "dropped": sorted(drop), "added": len(clean)})
    return new


def carry_over(*, actor: Actor, annual_list_id: int, published: bool = False) -> AnnualList:
    """Next year's list from this one's open items; each keeps its task (and so its reports)."""
    actor.require("governance.manage")
    old = get_scoped(AnnualList, actor, annual_list_id)
    year = old.year + 1
    with transaction.atomic(durable=True):
        version = (AnnualList.objects.filter(kind=old.kind, year=year).aggregate(m=Max("version"))["m"] or 0) + 1
        new = AnnualList.objects.create(kind=old.kind, year=year, version=version, title=old.title,
                                        published=published)
        moved = []
        for it in old.items.select_related("task").exclude(task__status__in=CLOSED_STATUSES).order_by("position"):
            ListItem.objects.create(annual_list=new, position=it.position, name=it.name, zone=it.zone,
                                    lead_unit=it.lead_unit, investment=it.investment, planned_start=it.planned_start,
                                    planned_end=it.planned_end, task=it.task, carried_from=it)
            moved.append(it.task_id)
        audit.record(actor, "annual_list.carry_over", new, after={"from": old.pk, "year": year, "tasks": moved})
    return new


# ---------------------------------------------------------------- joint meetings and issues
def create_meeting(*, actor: Actor, number: str, held_on: Any, title: str, level: str = Level.CITY,
                   convenor: str = "", minutes: str = "", attendee_ids: list | None = None) -> JointMeeting:
    actor.require("governance.manage")
    problems: list[Problem] = []
    number = collect_text(number, "number", problems, max_length=40, required=True)
    title = collect_text(title, "title", problems, max_length=200, required=True)
    held = collect_date(held_on, "held_on", problems, window=RECORDED, required=True)
    convenor = collect_text(convenor, "convenor", problems, max_length=100)
    minutes = collect_text(minutes, "minutes", problems)
    _choice(level, "level", LEVEL_ORDER, problems)
    attendees = _units(attendee_ids, "attendee_ids", problems)
    if number and JointMeeting.objects.filter(number=number).exists():
        problems.append(problem("number", "duplicate_value", value=number))
    if problems:
        raise DomainError(problems)
    with transaction.atomic(durable=True):
        m = JointMeeting.objects.create(number=number, held_on=held, title=title, level=level,
                                        convenor=convenor, minutes=minutes)
        m.attendees.set(attendees)
        audit.record(actor, "meeting.create", m, after={"number": number, "held_on": str(held), "level": level})
    return m


def raise_issue(*, actor: Actor, title: str, description: str = "", zone_id: Any = None,
                unit_id: Any = None) -> Issue:
    actor.require("governance.raise_issue")
    problems: list[Problem] = []
    title = collect_text(title, "title", problems, max_length=200, required=True)
    description = collect_text(description, "description", problems)
    zone = _one_zone(zone_id, "zone_id", problems)
    if zone is None and actor.zone_id is not None:
        zone = Zone.objects.get(pk=actor.zone_id)
    if zone is not None and actor.zone_id is not None and zone.pk != actor.zone_id:
        problems.append(problem("zone_id", "not_found", model="zone", id=shown(zone_id)))
    if unit_id not in (None, ""):
        unit = (_one_unit(unit_id, "unit_id", problems) if actor.can("governance.manage")
                else _member_unit(actor, unit_id, problems))
    else:
        unit = default_unit(actor)
    if problems:
        raise DomainError(problems)
    with transaction.atomic(durable=True):
        issue = Issue.objects.create(title=title, description=description, zone=zone, raised_by=unit)
        audit.record(actor, "issue.raise", issue, after={"title": title, "zone": zone.pk if zone else None,
                                                          "unit": unit.pk if unit else None})
    return issue


def escalate_issue(*, actor: Actor, issue_id: int, to_level: str, reason: str, meeting_id: Any = None) -> Issue:
    """Move an issue up one or more levels (never down); a joint meeting may take it on its agenda."""
    actor.require("governance.escalate")
    issue = get_scoped(Issue, actor, issue_id, action="change")
    problems: list[Problem] = []
    _choice(to_level, "to_level", LEVEL_ORDER, problems)
    reason = collect_text(reason, "reason", problems, max_length=2000, required=True)
    if issue.status == IssueStatus.CLOSED:
        problems.append(problem("issue_id", "issue_closed"))
    if to_level in LEVEL_ORDER and LEVEL_ORDER.index(to_level) <= LEVEL_ORDER.index(issue.level):
        problems.append(problem("to_level", "level_not_higher", level=issue.level, value=to_level))
    if to_level in (Level.CITY, Level.NATIONAL) and not actor.can("governance.manage"):
        # zone staff hand issues to the district; the ledger office takes them further
        problems.append(problem("to_level", "forbidden_action", action="governance.manage", role=str(actor.role)))
    meeting = None
    if meeting_id not in (None, ""):
        meeting = JointMeeting.objects.filter(pk=as_id(meeting_id)).first() if as_id(meeting_id) else None
        if meeting is None:
            problems.append(problem("meeting_id", "not_found", model="joint meeting", id=shown(meeting_id)))
    if problems:
        raise DomainError(problems)
    with transaction.atomic(durable=True):
        issue = Issue.objects.select_for_update().get(pk=issue.pk)
        before = {"level": issue.level, "meeting": issue.meeting_id}
        Escalation.objects.create(issue=issue, from_level=issue.level, to_level=to_level, reason=reason,
                                  by_id=actor.user_id)
        issue.level = to_level
        if meeting is not None:
            issue.meeting = meeting
        issue.save(update_fields=["level", "meeting"])
        audit.record(actor, "issue.escalate", issue, before=before,
                     after={"level": to_level, "meeting": issue.meeting_id, "reason": reason})
    return issue


def add_decision(*, actor: Actor, issue_id: int, text: str, lead_unit_id: Any, meeting_id: Any = None,
                 co_unit_ids: list | None = None, due_date: Any = None, due_in_workdays: Any = None,
                 today: date | None = None) -> Decision:
    """议定事项: creates a tracked task for the lead unit, due on a date or after N working days."""
    actor.require("governance.manage")
    today = today or timezone.localdate()
    issue = get_scoped(Issue, actor, issue_id, action="change")
    problems: list[Problem] = []
    text = collect_text(text, "text", problems, max_length=2000, required=True)
    lead = _one_unit(lead_unit_id, "lead_unit_id", problems)
    if lead is None and not problems:
        problems.append(problem("lead_unit_id", "required"))
    co = _units(co_unit_ids, "co_unit_ids", problems)
    due = collect_date(due_date, "due_date", problems, window=PLANNED)
    if (due is None) == (due_in_workdays in (None, "")) and not problems:
        problems.append(problem("due_date", "decision_due_or_days"))
    workdays = collect_int(due_in_workdays, "due_in_workdays", problems, lo=1, hi=MAX_WORKDAYS)
    if workdays is not None:
        due = _due_in_workdays(today, workdays, problems)
    if due is not None and due < today:
        problems.append(problem("due_date", "end_before_start", start=today, end=due))
    if issue.status == IssueStatus.CLOSED:
        problems.append(problem("issue_id", "issue_closed"))
    meeting = issue.meeting
    if meeting_id not in (None, ""):
        meeting = JointMeeting.objects.filter(pk=as_id(meeting_id)).first() if as_id(meeting_id) else None
        if meeting is None:
            problems.append(problem("meeting_id", "not_found", model="joint meeting", id=shown(meeting_id)))
    if problems:
        raise DomainError(problems)
    with transaction.atomic(durable=True):
        n = Decision.objects.filter(issue=issue).count() + 1
        prefix = meeting.number if meeting else f"ISSUE{issue.pk}"
        task = Task.objects.create(code=f"{prefix}-{issue.pk}.{n}"[:40], title=text[:200], text=text,
                                   source=TaskSource.DECISION, lead_unit=lead, start_date=today, due_date=due,
                                   lead_confirmed_at=timezone.now(), lead_confirmed_by_id=actor.user_id,
                                   year=today.year, cadence=Cadence.MONTHLY, position=issue.pk * 100 + n)
        task.co_units.set(co)
        if issue.zone_id:
            task.zones.set([issue.zone_id])
        decision = Decision.objects.create(issue=issue, meeting=meeting, text=text, task=task)
        audit.record(actor, "issue.decide", decision, after={"issue": issue.pk, "task": task.pk, "due": str(due)})
    return decision


def close_issue(*, actor: Actor, issue_id: int) -> Issue:
    """An issue closes only when it has decisions and every decision's task is closed."""
    actor.require("governance.manage")
    issue = get_scoped(Issue, actor, issue_id, action="change")
    problems: list[Problem] = []
    if issue.status == IssueStatus.CLOSED:
        problems.append(problem("issue_id", "issue_closed"))
    decisions = list(issue.decisions.select_related("task"))
    if not decisions:
        problems.append(problem("issue_id", "issue_no_decisions"))
    still_open = [d.task.code for d in decisions if not d.task.closed]
    if still_open:
        problems.append(problem("issue_id", "issue_tasks_open", tasks=", ".join(still_open)))
    if problems:
        raise DomainError(problems)
    with transaction.atomic(durable=True):
        issue.status, issue.closed_at = IssueStatus.CLOSED, timezone.now()
        issue.save(update_fields=["status", "closed_at"])
        audit.record(actor, "issue.close", issue, after={"status": issue.status})
    return issue


def _due_in_workdays(start: date, n: int, problems: list[Problem]) -> date | None:
    """A deadline n working days after `start` under the official calendar; a year without one is a
    refusal (a problem on due_in_workdays), never a Monday–Friday count."""
    try:
        return add_working_days(work_calendar(), start, n, field="due_in_workdays")
    except DomainError as exc:
        problems.extend(exc.problems)
        return None


# ---------------------------------------------------------------- reminders (scheduled job)
def run_reminders(*, actor: Actor, today: date, rules: LightRules = LightRules()) -> dict:
    """Issue the reminders owed on `today`, one to the lead unit and one to each co-unit. Safe to run
    twice: (task, kind, period, unit) is unique, so a rerun (or a concurrent run) creates nothing new."""
    actor.require("governance.run_reminders")
    reported: dict[int, set[str]] = {}
    for tid, period in ProgressReport.objects.exclude(status=ReportStatus.RETURNED).values_list("task_id", "period"):
        reported.setdefault(tid, set()).add(period)
    wanted: list[Reminder] = []
    rows = Task.objects.exclude(status__in=CLOSED_STATUSES).exclude(lead_unit__isnull=True).values_list(
        "pk", "due_date", "cadence", "lead_unit_id")
    calendar = work_calendar()
    no_calendar: set[int] = set()  # tasks whose reminders cannot be worked out: a year has no calendar
    missing: set[str] = set()
    co_units: dict[int, list[int]] = {}  # reminders reach the co-units too, each its own row
    for tid, uid in Task.co_units.through.objects.filter(task__in=rows.values("pk")).values_list("task_id", "unit_id"):
        co_units.setdefault(tid, []).append(uid)
    for tid, due, cadence, unit_id in rows.iterator(chunk_size=2000):
        clock = TaskClock(tid, due, False, cadence, frozenset(reported.get(tid, ())))
        try:
            owed = reminders_for(clock, today, calendar, rules)
        except (CalendarMissing, CalendarOutOfWindow) as exc:
            no_calendar.add(tid)
            missing.update(str(p.params.get("years") or p.params.get("value")) for p in exc.problems)
            continue
        for kind, period in owed:
            # escalation goes up the lead unit only; the other reminders reach every co-unit too
            co = [] if kind == "escalated" else sorted(set(co_units.get(tid, [])) - {unit_id})
            for uid in [unit_id, *co]:
                wanted.append(Reminder(task_id=tid, kind=kind, period=period, unit_id=uid, run_date=today))
    with transaction.atomic(durable=True):
        existing = set(Reminder.objects.filter(task_id__in={r.task_id for r in wanted}).values_list(
            "task_id", "kind", "period", "unit_id"))
        new = [r for r in wanted if (r.task_id, r.kind, r.period, r.unit_id) not in existing]
        Reminder.objects.bulk_create(new, batch_size=1000, ignore_conflicts=True)
        counts: dict[str, int] = {}
        for r in new:
            counts[r.kind] = counts.get(r.kind, 0) + 1
        audit.record(actor, "reminders.run", object_type="governance.reminder", object_id=today.isoformat(),
                     after={"date": today.isoformat(), "created": counts, "owed": len(wanted),
                            "rules": {k: str(v) for k, v in asdict(rules).items()},
                            "no_calendar": {"tasks": len(no_calendar), "years": sorted(missing)}})
    return {"date": today.isoformat(), "owed": len(wanted), "created": len(new), "by_kind": counts,
            "no_calendar": len(no_calendar), "missing_years": sorted(missing)}


def visible_task_ids(actor: Actor) -> set[int]:
    return set(restrict(Task, actor).values_list("pk", flat=True))


# ---------------------------------------------------------------- lead unit: a proposal the office confirms
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


# ---------------------------------------------------------------- collective units
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


# ---------------------------------------------------------------- 签收
def assigned_units(task: Task) -> set[int]:
    return ({task.lead_unit_id} if task.lead_unit_id else set()) | set(task.co_units.values_list("pk", flat=True))


def sign_task(*, actor: Actor, task_id: int, unit_id: Any = None, idempotency_key: str | None = None) -> Acknowledgement:
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


# ---------------------------------------------------------------- 情况通报
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


from .assessment import assessment_weights as assessment_weights  # noqa: E402  (re-exported)
from .assessment import freeze_assessment as freeze_assessment  # noqa: E402
from .assessment import set_assessment_rules as set_assessment_rules  # noqa: E402
