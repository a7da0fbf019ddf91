"""Traffic lights of a task: red when overdue; yellow when due within N working days or behind the
pro-rata schedule by more than a tolerance; green otherwise (and for closed tasks). A task without a
deadline is "no deadline", not green; a task whose working days fall in a year without an official
calendar is "no calendar", never counted Monday–Friday."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from bondzone.core.domain.errors import DomainError
from bondzone.core.domain.workdays import WorkCalendar, working_days_between, working_days_known


class Light(StrEnum):
    GREEN = "green"
    YELLOW = "yellow"
    RED = "red"
    NO_DEADLINE = "no_deadline"
    NO_CALENDAR = "no_calendar"


# worst first wins when a parent shows its subtree's light
SEVERITY = {Light.GREEN: 0, Light.NO_DEADLINE: 1, Light.NO_CALENDAR: 2, Light.YELLOW: 3, Light.RED: 4}


@dataclass(frozen=True)
class LightRules:
    near_due_workdays: int = 3  # yellow when this many working days or fewer remain
    behind_tolerance: Decimal = Decimal(10)  # yellow when progress < pro-rata share − tolerance (points)
    escalate_after_workdays: int = 5  # overdue reminders escalate after this many working days


def expected_progress(calendar: WorkCalendar, today: date, start: date | None, due: date) -> Decimal:
    """Share of the task's working days elapsed, as 0–100."""
    if start is None or start >= due:
        return Decimal(100) if today >= due else Decimal(0)
    total = working_days_between(calendar, start, due)
    if total <= 0:
        return Decimal(100) if today >= due else Decimal(0)
    done = min(max(working_days_between(calendar, start, today), 0), total)
    return Decimal(100) * done / total


def light(today: date, *, calendar: WorkCalendar, due: date | None, progress: Decimal, closed: bool = False,
          start: date | None = None, rules: LightRules = LightRules()) -> Light:
    """Where a year up to the due date has no calendar, the light says only what the known years prove
    (e.g. more than N working days left and ahead of even the most favourable pro-rata share: green);
    anything else is NO_CALENDAR."""
    if closed:
        return Light.GREEN
    if due is None:
        return Light.NO_DEADLINE
    if today > due:  # overdue from the day after the due date, whatever the calendar
        return Light.RED
    try:
        left, exact = working_days_known(calendar, today, due)
        if left <= rules.near_due_workdays:
            return Light.YELLOW if exact else Light.NO_CALENDAR
        if start is None or start >= due or today <= start:
            return Light.GREEN  # nothing is expected yet
        done = working_days_between(calendar, start, today)
    except DomainError:  # a year without a calendar, or a date outside the window
        return Light.NO_CALENDAR
    # the share of working days elapsed; with unknown years after the known ones it can only be smaller
    expected = Decimal(100) * done / (done + left) if done + left else Decimal(0)
    if progress < expected - rules.behind_tolerance:
        return Light.YELLOW if exact else Light.NO_CALENDAR
    return Light.GREEN
