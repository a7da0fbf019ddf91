"""Working days under the official calendar the zone keeps (the State Council's annual holiday notice:
放假 days off and 调休 make-up workdays), for the years it has; every other year is refused, never
guessed as Monday–Friday.

A day is a working day when it is a make-up workday, or a Monday–Friday that is not a holiday. Counting
costs weekday arithmetic plus a bisect over the exception days, so it is bounded by the span asked and
not by where the calendar starts; dates outside FIRST_YEAR…LAST_YEAR are refused before any work.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from .errors import Conflict, DomainError, Problem, problem

FIRST_YEAR = 2000
LAST_YEAR = 2099


class DayKind(StrEnum):
    HOLIDAY = "holiday"  # 放假: a day off (a Monday–Friday becomes a rest day)
    WORKDAY = "workday"  # 调休上班: a make-up working day (a Saturday or Sunday becomes a working day)


KIND_ALIASES = {"holiday": DayKind.HOLIDAY, "休": DayKind.HOLIDAY, "放假": DayKind.HOLIDAY,
                "workday": DayKind.WORKDAY, "班": DayKind.WORKDAY, "上班": DayKind.WORKDAY}


class CalendarMissing(Conflict):
    """A year in the span has no official calendar: refuse rather than count Monday–Friday."""


class CalendarOutOfWindow(DomainError):
    """A date outside the years a calendar may be kept for."""


@dataclass(frozen=True)
class WorkCalendar:
    years: frozenset[int]
    days_off: tuple[date, ...]  # sorted holidays that fall Monday–Friday (a weekend holiday changes nothing)
    days_on: tuple[date, ...]  # sorted make-up working days that fall on a Saturday or Sunday

    @classmethod
    def build(cls, years: Iterable[int], days: Iterable[tuple[date, str]]) -> WorkCalendar:
        off, on = set(), set()
        for day, kind in days:
            if kind == DayKind.WORKDAY and day.weekday() >= 5:
                on.add(day)
            elif kind == DayKind.HOLIDAY and day.weekday() < 5:
                off.add(day)
        return cls(frozenset(years), tuple(sorted(off)), tuple(sorted(on)))


def check_window(day: date, field: str = "date") -> None:
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise CalendarOutOfWindow(problem(field, "calendar_out_of_window", value=day.isoformat(),
                                          first=FIRST_YEAR, last=LAST_YEAR))


def check_day(day: date | None, kind: str, name: str) -> tuple[DayKind | None, list[Problem]]:
    """An exception day as entered or imported: in the window, a known kind (holiday/workday or 休/班), a
    make-up workday only on a Saturday or Sunday (on a weekday it would change nothing)."""
    problems: list[Problem] = []
    if day is not None and not FIRST_YEAR <= day.year <= LAST_YEAR:
        problems.append(problem("date", "calendar_out_of_window", value=day.isoformat(), first=FIRST_YEAR,
                                last=LAST_YEAR))
    parsed = KIND_ALIASES.get((kind or "").strip().lower())
    if parsed is None:
        problems.append(problem("kind", "bad_choice", value=kind, choices="holiday, workday, 休, 班"))
    elif parsed == DayKind.WORKDAY and day is not None and day.weekday() < 5:
        problems.append(problem("kind", "calendar_workday_on_weekday", value=day.isoformat()))
    if len(name or "") > 100:
        problems.append(problem("name", "too_long", max=100))
    return parsed, problems


def missing_years(cal: WorkCalendar, start: date, end: date | None = None) -> list[int]:
    """Years of the span [start, end] (either order) without a calendar; a year outside the window counts
    as missing (only the span's ends can be). Never raises."""
    lo, hi = sorted((start.year, (start if end is None else end).year))
    outside = {y for y in (lo, hi) if not FIRST_YEAR <= y <= LAST_YEAR}
    inside = {y for y in range(max(lo, FIRST_YEAR), min(hi, LAST_YEAR) + 1) if y not in cal.years}
    return sorted(outside | inside)


def require_years(cal: WorkCalendar, start: date, end: date | None = None, field: str = "date") -> None:
    end = start if end is None else end
    check_window(start, field)
    check_window(end, field)
    missing = missing_years(cal, start, end)
    if missing:
        raise CalendarMissing(problem(field, "calendar_year_missing", years=", ".join(map(str, missing))))


def _weekdays_through(day: date) -> int:
    """Monday–Fridays from 0001-01-01 (a Monday) through `day`."""
    n = day.toordinal()
    return 5 * (n // 7) + min(n % 7, 5)


def _count_in(days: tuple[date, ...], start: date, end: date) -> int:
    """Days of the sorted tuple in (start, end]."""
    return bisect_right(days, end) - bisect_right(days, start)


def _is_in(days: tuple[date, ...], day: date) -> bool:
    i = bisect_right(days, day)
    return bool(i) and days[i - 1] == day


def is_workday(cal: WorkCalendar, day: date, field: str = "date") -> bool:
    require_years(cal, day, field=field)
    return _is_workday(cal, day)


def _is_workday(cal: WorkCalendar, day: date) -> bool:
    return _is_in(cal.days_on, day) if day.weekday() >= 5 else not _is_in(cal.days_off, day)


def working_days_between(cal: WorkCalendar, start: date, end: date, field: str = "date") -> int:
    """Working days in (start, end]; negative when end is before start."""
    if end < start:
        return -working_days_between(cal, end, start, field)
    require_years(cal, start, end, field)
    return (_weekdays_through(end) - _weekdays_through(start)
            - _count_in(cal.days_off, start, end) + _count_in(cal.days_on, start, end))


def working_days_known(cal: WorkCalendar, start: date, end: date, field: str = "date") -> tuple[int, bool]:
    """(n, exact): working days in (start, end] when every year up to `end` has a calendar (exact), else
    those up to the end of the last year with one after start's — a lower bound. Lets a light or reminder
    decide what the known years already prove (e.g. "more than 3 working days left") without guessing
    the rest. Raises when start's own year has no calendar or a date is outside the window."""
    if end < start:
        raise ValueError("end before start")
    check_window(end, field)
    require_years(cal, start, field=field)
    last = start.year
    while last < end.year and last + 1 in cal.years:
        last += 1
    if last >= end.year:
        return working_days_between(cal, start, end, field), True
    return working_days_between(cal, start, date(last, 12, 31), field), False


def add_working_days(cal: WorkCalendar, start: date, n: int, field: str = "date") -> date:
    """The n-th working day after `start` (before it when n < 0; n = 0 gives start itself). Every year
    crossed must have a calendar; the walk stops at the window's edge."""
    require_years(cal, start, field=field)
    step = timedelta(days=1 if n >= 0 else -1)
    left, day = abs(n), start
    while left:
        nxt = day + step  # cannot overflow: `day` is inside the window
        if nxt.year != day.year:
            require_years(cal, nxt, field=field)
        day = nxt
        left -= _is_workday(cal, day)
    return day


def library_days() -> dict[int, list[tuple[date, str, str]]]:
    """The years the `chinesecalendar` package knows, with their exception days (date, kind, Chinese name):
    the seed of the database calendar and the CLI's `--from-library`."""
    import chinese_calendar
    from chinese_calendar.constants import Holiday

    out: dict[int, list[tuple[date, str, str]]] = {}
    for table, kind in ((chinese_calendar.holidays, DayKind.HOLIDAY), (chinese_calendar.workdays, DayKind.WORKDAY)):
        for day, name in table.items():
            out.setdefault(day.year, []).append((day, kind.value, Holiday(name).chinese if name else ""))
    return {year: sorted(days) for year, days in sorted(out.items())}
