"""Progress reports and deadline extensions."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from bondzone.core import audit, idempotency
from bondzone.core.actor import Actor
from bondzone.core.domain.errors import Conflict, DomainError, Problem, problem
from bondzone.core.domain.inputs import PLANNED, as_id, collect_date, collect_decimal, collect_text, shown
from bondzone.core.files import sha256_of
from bondzone.core.scoping import get_scoped

from ..domain import tree
from ..domain.schedule import valid_period
from ..models import (
    CLOSED_STATUSES, Evidence, ExtensionRequest, ExtensionStatus, ProgressReport, ReportStatus, Task, TaskStatus,
    Unit, UnitMember,
)
from .common import EVIDENCE_TYPES, MAX_EVIDENCE_BYTES, PERCENT_DIGITS, _choice, recompute_up, task_snapshot


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
        if not tree.reported_directly(task.progress_mode, task.children.exists()):
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
