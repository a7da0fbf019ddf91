"""The service-request clock: time limits in working days, working hours or plain hours, counted in office
hours on working days (holidays and 调休 make-up days come from the calendar predicate), with pauses.

Datetimes here are naive local times (the zone's wall clock); the Django side converts."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from enum import StrEnum

IsWorkday = Callable[[date], bool]


class SlaUnit(StrEnum):
    WORKDAYS = "workdays"  # N working days = N × the office day, counted in office hours
    WORKHOURS = "workhours"  # office hours on working days
    HOURS = "hours"  # plain clock hours, every day (urgent and emergency requests)


@dataclass(frozen=True)
class OfficeHours:
    start: time = time(9, 0)
    end: time = time(17, 0)

    @property
    def day_seconds(self) -> int:
        return (self.end.hour * 3600 + self.end.minute * 60) - (self.start.hour * 3600 + self.start.minute * 60)


@dataclass(frozen=True)
class Clock:
    """How one kind of time is counted: a working-day predicate and office hours, or every second."""

    workday: IsWorkday
    hours: OfficeHours = OfficeHours()
    plain: bool = False  # plain clock time (SlaUnit.HOURS)

    def window(self, day: date) -> tuple[datetime, datetime] | None:
        if not self.workday(day):
            return None
        return datetime.combine(day, self.hours.start), datetime.combine(day, self.hours.end)

    def seconds_between(self, start: datetime, end: datetime) -> int:
        """Counted seconds in [start, end); 0 when end ≤ start."""
        if end <= start:
            return 0
        if self.plain:
            return int((end - start).total_seconds())
        total, day = 0, start.date()
        while day <= end.date():
            w = self.window(day)
            if w is not None:
                lo, hi = max(start, w[0]), min(end, w[1])
                if hi > lo:
                    total += int((hi - lo).total_seconds())
            day += timedelta(days=1)
        return total

    def add(self, start: datetime, seconds: int) -> datetime:
        """The instant when `seconds` of counted time have passed after `start`. With seconds = 0 the clock
        still moves to the next counted instant (a request filed at night starts at the next opening)."""
        if self.plain:
            return start + timedelta(seconds=seconds)
        day, left = start.date(), seconds
        for _ in range(3660):  # ten years of days bounds the walk; a year without working days is an error upstream
            w = self.window(day)
            if w is not None:
                lo = max(start, w[0])
                if lo < w[1]:
                    room = int((w[1] - lo).total_seconds())
                    if left < room or (left == room and left > 0):
                        return lo + timedelta(seconds=left)
                    left -= room
            day += timedelta(days=1)
        raise ValueError("no working time within ten years")


def clock_for(unit: str, workday: IsWorkday, hours: OfficeHours = OfficeHours()) -> Clock:
    return Clock(workday=workday, hours=hours, plain=unit == SlaUnit.HOURS)


def budget_seconds(amount: Decimal | int, unit: str, hours: OfficeHours = OfficeHours()) -> int:
    if unit == SlaUnit.WORKDAYS:
        return int(Decimal(amount) * hours.day_seconds)
    return int(Decimal(amount) * 3600)


Pause = tuple[datetime, datetime | None]


def due_at(clock: Clock, start: datetime, budget: int, pauses: Iterable[Pause] = ()) -> datetime | None:
    """When the budget runs out, pauses not counting. None while a pause is open and the budget is left."""
    used, cursor = 0, start
    for p0, p1 in sorted(pauses, key=lambda p: p[0]):
        segment = clock.seconds_between(cursor, p0)
        if used + segment >= budget:
            break
        used += segment
        if p1 is None:
            return None
        cursor = max(cursor, p1)
    return clock.add(cursor, budget - used)


def used_seconds(clock: Clock, start: datetime, end: datetime, pauses: Iterable[Pause] = ()) -> int:
    """Counted time from start to end, minus the paused stretches."""
    total = clock.seconds_between(start, end)
    for p0, p1 in pauses:
        lo, hi = max(p0, start), min(p1 or end, end)
        total -= clock.seconds_between(lo, hi)
    return max(total, 0)


def as_workdays(seconds: int, hours: OfficeHours = OfficeHours()) -> Decimal:
    return (Decimal(seconds) / Decimal(hours.day_seconds)).quantize(Decimal("0.01"))
