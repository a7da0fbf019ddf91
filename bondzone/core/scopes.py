"""Scoping rules for the core models."""

from django.db.models import Q

from .domain.roles import Role
from .models import AuditEvent, CalendarDay, CalendarYear, Enterprise, Zone
from .scoping import by_enterprise_or_zone, scope_rule


@scope_rule(Zone)
def zones(qs, actor, action):
    return qs


@scope_rule(CalendarYear)
def calendar_years(qs, actor, action):  # the national calendar: everyone reads it (writes need core.manage_calendar)
    return qs


@scope_rule(CalendarDay)
def calendar_days(qs, actor, action):
    return qs


@scope_rule(Enterprise)
def enterprises(qs, actor, action):
    if actor.role == Role.ENTERPRISE:
        return qs.filter(pk=actor.enterprise_id)
    if actor.zone_id is not None:
        return qs.filter(zone_id=actor.zone_id)
    return qs


_audit_by_owner = by_enterprise_or_zone("enterprise_id", "zone_id")


@scope_rule(AuditEvent)
def audit_events(qs, actor, action):
    if actor.role == Role.ENTERPRISE:
        return qs.filter(enterprise_id=actor.enterprise_id)
    if actor.role == Role.COMMERCE:  # the commerce bureau runs the policy ledger and the evaluation
        return qs.filter(Q(enterprise_id__isnull=False) | Q(object_type__startswith="governance.")
                         | Q(object_type__startswith="evaluation."))
    if actor.role in (Role.TAX, Role.MARKET):
        return qs.filter(enterprise_id__isnull=False)
    return _audit_by_owner(qs, actor, action)
