"""Reporting periods and the reminders a task is owed on a given day (the job stores each once)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from bondzone.core.domain.workdays import WorkCalendar, require_years, working_days_between, working_days_known

from .lights import LightRules


class Cadence(StrEnum):
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    HALF_YEARLY = "half_yearly"


class ReminderKind(StrEnum):
    NEAR_DUE = "near_due"  # 临近提醒
    OVERDUE = "overdue"  # 到期催办
    ESCALATED = "escalated"  # overdue for long: to the unit's leader and the ledger office
    REPORT_DUE = "report_due"  # no progress report for the period that is ending


def period_of(day: date, cadence: str) -> str:
    if cadence == Cadence.MONTHLY:
        return f"{day.year}-{day.month:02d}"
    if cadence == Cadence.HALF_YEARLY:
        return f"{day.year}H{1 if day.month <= 6 else 2}"
    return f"{day.year}Q{(day.month - 1) // 3 + 1}"


def period_end(period: str) -> date:
    year = int(period[:4])
    if "Q" in period:
        month = int(period[-1]) * 3
    elif "H" in period:
        month = 6 * int(period[-1])
    else:
        month = int(period[5:7])
    nxt = date(year + (month == 12), month % 12 + 1, 1)
    return nxt - timedelta(days=1)


def valid_period(period: str) -> bool:
    try:
        period_end(period)
    except (ValueError, IndexError):
        return False
    p = period
    return (len(p) == 7 and p[4] == "-" and p[5:].isdigit()) or (len(p) == 6 and p[4] in "QH" and p[5].isdigit()
                                                                  and int(p[5]) <= (4 if p[4] == "Q" else 2))


@dataclass(frozen=True)
class TaskClock:
    id: int
    due: date | None
    closed: bool
    cadence: str
    reported_periods: frozenset[str] = frozenset()


def reminders_for(task: TaskClock, today: date, calendar: WorkCalendar,
                  rules: LightRules = LightRules()) -> list[tuple[str, str]]:
    """(kind, period key) pairs owed today. Keys make each reminder unique: the due date for deadline
    reminders (an extension gives a new key), the reporting period for report reminders. Raises
    CalendarMissing when a span to count falls in a year without a calendar."""
    if task.closed:
        return []
    out: list[tuple[str, str]] = []
    if task.due is not None:
        key = task.due.isoformat()
        if today > task.due:
            out.append((ReminderKind.OVERDUE.value, key))
            if working_days_between(calendar, task.due, today) > rules.escalate_after_workdays:
                out.append((ReminderKind.ESCALATED.value, key))
        else:
            left, exact = working_days_known(calendar, today, task.due)
            if left <= rules.near_due_workdays:
                if not exact:  # near, but a year without a calendar decides how near: refuse
                    require_years(calendar, today, task.due)
                out.append((ReminderKind.NEAR_DUE.value, key))
    period = period_of(today, task.cadence)
    end = period_end(period)
    if period not in task.reported_periods and working_days_between(calendar, today, end) <= rules.near_due_workdays:
        out.append((ReminderKind.REPORT_DUE.value, period))
    return out
