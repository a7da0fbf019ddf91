"""Traffic lights of a task: red when overdue; yellow when due within N working days or behind the
pro-rata schedule by more than a tolerance; green otherwise (and for closed tasks)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from .calendar import IsWorkday, is_workday, working_days_between


class Light(StrEnum):
    GREEN = "green"
    YELLOW = "yellow"
    RED = "red"


@dataclass(frozen=True)
class LightRules:
    near_due_workdays: int = 3  # yellow when this many working days or fewer remain
    behind_tolerance: Decimal = Decimal(10)  # yellow when progress < pro-rata share − tolerance (points)
    escalate_after_workdays: int = 5  # overdue reminders escalate after this many working days


def expected_progress(today: date, start: date | None, due: date, workday: IsWorkday = is_workday) -> Decimal:
    """Share of the task's working days elapsed, as 0–100."""
    if start is None or start >= due:
        return Decimal(100) if today >= due else Decimal(0)
    total = working_days_between(start, due, workday)
    if total <= 0:
        return Decimal(100) if today >= due else Decimal(0)
    done = min(max(working_days_between(start, today, workday), 0), total)
    return Decimal(100) * done / total


def light(today: date, *, due: date | None, progress: Decimal, closed: bool = False, start: date | None = None,
          rules: LightRules = LightRules(), workday: IsWorkday = is_workday) -> Light:
    if closed or due is None:
        return Light.GREEN
    if today > due:
        return Light.RED
    if working_days_between(today, due, workday) <= rules.near_due_workdays:
        return Light.YELLOW
    if progress < expected_progress(today, start, due, workday) - rules.behind_tolerance:
        return Light.YELLOW
    return Light.GREEN
