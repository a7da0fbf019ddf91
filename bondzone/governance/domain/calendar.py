"""Working days from a holiday-aware calendar (chinese_calendar: statutory holidays and 调休 make-up days).

Outside the years the calendar knows, Monday–Friday are working days."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from functools import lru_cache

import chinese_calendar

IsWorkday = Callable[[date], bool]


@lru_cache(maxsize=8192)
def is_workday(day: date) -> bool:
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        return day.weekday() < 5


def weekdays_only(day: date) -> bool:
    return day.weekday() < 5


@lru_cache(maxsize=256)
def _year_counts(year: int) -> tuple[int, ...]:
    """Working days of `year` up to and including each day (index 0 = 1 January)."""
    out, n, day = [], 0, date(year, 1, 1)
    while day.year == year:
        n += is_workday(day)
        out.append(n)
        day += timedelta(days=1)
    return tuple(out)


def _count_through(day: date) -> int:
    """Working days from 1 January of `day`'s year through `day`."""
    return _year_counts(day.year)[day.timetuple().tm_yday - 1]


def working_days_between(start: date, end: date, workday: IsWorkday = is_workday) -> int:
    """Working days in (start, end]; negative when end is before start."""
    if end == start:
        return 0
    if end < start:
        return -working_days_between(end, start, workday)
    if workday is is_workday:  # fast path: per-year running counts
        n = _count_through(end) - _count_through(start)
        for year in range(start.year, end.year):
            n += _year_counts(year)[-1]
        return n
    n, day = 0, start
    while day < end:
        day += timedelta(days=1)
        n += workday(day)
    return n


def add_working_days(start: date, n: int, workday: IsWorkday = is_workday) -> date:
    """The n-th working day after `start` (n ≥ 0; n = 0 gives start itself)."""
    day = start
    while n > 0:
        day += timedelta(days=1)
        if workday(day):
            n -= 1
    return day
