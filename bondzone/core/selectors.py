"""Reads of the core models; every one goes through scoping.restrict()."""

from __future__ import annotations

from datetime import date

from django.db.models import Count, Max, Q, QuerySet

from . import hooks
from .actor import Actor
from .domain.workdays import WorkCalendar, missing_years
from .models import ApiToken, AuditEvent, CalendarDay, CalendarYear, Enterprise, Zone
from .scoping import get_scoped, restrict


def zones(actor: Actor) -> QuerySet[Zone]:
    return restrict(Zone, actor)


def enterprises(actor: Actor, *, zone_id: int | None = None, q: str = "") -> QuerySet[Enterprise]:
    qs = restrict(Enterprise, actor).select_related("zone")
    if zone_id:
        qs = qs.filter(zone_id=zone_id)
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(credit_code__icontains=q) | Q(customs_code__icontains=q))
    return qs


# the enterprise record's fields a role may be refused by the field policy (id and zone are always shown)
RECORD_FIELDS = ("name", "name_en", "credit_code", "customs_code", "business_type", "customs_credit_class",
                 "customs_credit_class_since")


def enterprise_hidden_fields(actor: Actor) -> frozenset[str]:
    """The record's fields the actor's role may not see (core.hooks field policy, set by information
    sharing: market supervision and commerce never get the customs credit class, commerce not the codes)."""
    visible = hooks.visible_fields(str(actor.role or ""), "enterprises")
    if visible is None:
        return frozenset()
    return frozenset(f for f in RECORD_FIELDS if f not in visible)


def without_hidden(values: dict | None, hidden: frozenset[str]) -> dict | None:
    """A before/after of the record's history without the fields the reader may not see."""
    if values is None:
        return None
    return {k: v for k, v in values.items() if k not in hidden}


def enterprise_history(actor: Actor, enterprise_id: int) -> QuerySet[AuditEvent]:
    """The enterprise's registry changes, newest first: what changed, from what, to what, by whom."""
    enterprise = get_scoped(Enterprise, actor, enterprise_id)
    return AuditEvent.objects.filter(object_type=Enterprise._meta.label_lower, object_id=str(enterprise.pk))


def audit_events(
    actor: Actor, *, action: str = "", object_type: str = "", object_id: str = "", request_id: str = "",
    enterprise_id: int | None = None, user: str = "", role: str = "", date_from: date | None = None,
    date_to: date | None = None,
) -> QuerySet[AuditEvent]:
    """The audit trail the actor may see, filtered: action (prefix), object, request id, enterprise, user
    name (exact), role, and dates (inclusive, in the site's time zone)."""
    qs = restrict(AuditEvent, actor).select_related("enterprise")
    if user:
        qs = qs.filter(actor_name=user)
    if role:
        qs = qs.filter(role=role)
    if date_from:
        qs = qs.filter(at__date__gte=date_from)
    if date_to:
        qs = qs.filter(at__date__lte=date_to)
    if action:
        qs = qs.filter(action__startswith=action)
    if object_type:
        qs = qs.filter(object_type=object_type)
    if object_id:
        qs = qs.filter(object_id=object_id)
    if request_id:
        qs = qs.filter(request_id=request_id)
    if enterprise_id:
        qs = qs.filter(enterprise_id=enterprise_id)
    return qs


def api_tokens(actor: Actor, *, user_id: int | None = None) -> QuerySet[ApiToken]:
    qs = restrict(ApiToken, actor).select_related("user")
    return qs.filter(user_id=user_id) if user_id else qs
def calendar_years(actor: Actor) -> QuerySet[CalendarYear]:
    return restrict(CalendarYear, actor).annotate(
        holidays=Count("days", filter=Q(days__kind="holiday")), workdays=Count("days", filter=Q(days__kind="workday"))
    ).order_by("year")  # Meta.ordering does not apply to an aggregated query


def calendar_days(actor: Actor, year: int) -> QuerySet[CalendarDay]:
    return restrict(CalendarDay, actor).filter(calendar_year__year=year)


_CALENDARS: dict[tuple, WorkCalendar] = {}


def work_calendar() -> WorkCalendar:
    """The official working-day calendar as kept in the database: reference data, the same for every
    reader (no scoping). Rebuilt only when a year or day changed (one aggregate query per call), so call it
    once per request or loop and pass it down."""
    stamp = tuple(CalendarYear.objects.aggregate(n=Count("id", distinct=True), d=Count("days"),
                                                 at=Max("updated_at")).values())
    cal = _CALENDARS.get(stamp)
    if cal is None:
        cal = WorkCalendar.build(CalendarYear.objects.values_list("year", flat=True),
                                 CalendarDay.objects.values_list("date", "kind"))
        if len(_CALENDARS) > 8:
            _CALENDARS.clear()
        _CALENDARS[stamp] = cal
    return cal


def calendar_gaps(*days: date | None, calendar: WorkCalendar | None = None) -> list[int]:
    """Years among these dates (None ignored) that have no calendar: for the warning on pages that count
    working days."""
    cal = calendar or work_calendar()
    return sorted({y for d in days if d is not None for y in missing_years(cal, d)})
