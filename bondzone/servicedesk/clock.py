"""The one place the service desk gets its working-day calendar and office hours from.

Until the database calendar lands in core (see /work/notes/calendar-api.md) this reads governance's
chinesecalendar-based predicate; switching is an edit of `workday()` only."""

from __future__ import annotations

from datetime import datetime, time

from django.conf import settings
from django.utils import timezone

from bondzone.governance.domain.calendar import is_workday

from .domain.sla import Clock, IsWorkday, OfficeHours, clock_for


def workday() -> IsWorkday:
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
