"""The one place the service desk gets its working-day calendar and office hours from: the official
calendar kept in the database by core (/work/notes/calendar-api.md). A deadline that falls in a year the
calendar does not cover is refused with core's CalendarMissing (409, nothing written)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time
from decimal import Decimal
from itertools import count

from django.conf import settings
from django.utils import timezone

from bondzone.core import selectors as core_selectors
from bondzone.core.domain import workdays

from .domain.sla import Clock, IsWorkday, OfficeHours, SlaUnit, budget_seconds, clock_for


def workday() -> IsWorkday:
    cal = core_selectors.work_calendar()

    def is_workday(day: date) -> bool:
        return workdays.is_workday(cal, day, field="due_at")

    return is_workday


def office_hours() -> OfficeHours:
    start, end = getattr(settings, "BONDZONE_SERVICEDESK_HOURS", ("09:00", "17:00"))
    return OfficeHours(time.fromisoformat(start), time.fromisoformat(end))


def clock(unit: str) -> Clock:
    return clock_for(unit, workday(), office_hours())


def local(dt: datetime) -> datetime:
    """Aware → the zone's naive wall-clock time, as the domain counts it."""
    return timezone.localtime(dt).replace(tzinfo=None)


def aware(dt: datetime | None) -> datetime | None:
    return None if dt is None else timezone.make_aware(dt)


def calendar_gaps(limits: Iterable[tuple[datetime, Decimal, str]]) -> list[int]:
    """Years without a working-day calendar that these time limits (start, amount, SLA unit) would reach: the
    page warning (core/_calendar_gaps.html) for a deadline the services would refuse to work out."""
    years = set()
    for start, amount, unit in set(limits):
        if unit == SlaUnit.HOURS:
            continue  # plain clock hours need no calendar
        try:
            clock(unit).add(local(start), budget_seconds(amount, unit, office_hours()))
        except workdays.CalendarMissing:
            known = core_selectors.work_calendar().years
            years.add(next(y for y in count(local(start).year) if y not in known))
    return sorted(years)
