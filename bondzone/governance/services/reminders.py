"""The reminder run (a scheduled job)."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date

from django.db import transaction

from bondzone.core import audit
from bondzone.core.actor import Actor
from bondzone.core.domain.workdays import CalendarMissing, CalendarOutOfWindow
from bondzone.core.scoping import restrict
from bondzone.core.selectors import work_calendar

from ..domain.lights import LightRules
from ..domain.schedule import TaskClock, reminders_for
from ..models import CLOSED_STATUSES, ProgressReport, Reminder, ReportStatus, Task


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
