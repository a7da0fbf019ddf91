"""Scoping rules for the core models."""

from django.db.models import Q

from .domain.roles import Role
from .models import ApiToken, AuditEvent, CalendarDay, CalendarYear, Enterprise, Zone
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
REGISTRY = Enterprise._meta.label_lower
# What tax reads (docs/authorization.md): books and their items (the ledger's postings are book events),
# verification lists, domestic sales and their tax bills, and the registry (selectors.without_hidden then
# drops the record's fields the field policy hides from tax). Not the gate (inspection reasons name a credit
# class), the service desk, regimes, guarantees, CBEC orders, nor events without an enterprise.
TAX_AUDIT_OBJECTS = (REGISTRY, "supervision.accountbook", "supervision.bookitem", "supervision.verificationlist",
                     "duties.domesticsale", "duties.taxbill")


@scope_rule(AuditEvent)
def audit_events(qs, actor, action):
    if actor.role == Role.ENTERPRISE:
        return qs.filter(enterprise_id=actor.enterprise_id)
    # Bureaus see the events of what they may read, and nothing else (fail closed): market supervision the
    # enterprise registry; commerce the registry, the policy ledger and the evaluation; tax its objects
    # (TAX_AUDIT_OBJECTS), its zone's when it is bound to one. Neither market nor commerce receives a book's
    # or a list's details through the audit trail.
    if actor.role == Role.MARKET:
        return qs.filter(object_type=REGISTRY)
    if actor.role == Role.COMMERCE:
        return qs.filter(Q(object_type=REGISTRY) | Q(object_type__startswith="governance.")
                         | Q(object_type__startswith="evaluation."))
    if actor.role == Role.TAX:
        return _audit_by_owner(qs.filter(object_type__in=TAX_AUDIT_OBJECTS, enterprise_id__isnull=False), actor,
                               action)
    return _audit_by_owner(qs, actor, action)


@scope_rule(ApiToken)
def api_tokens(qs, actor, action):
    """Everyone sees and revokes their own tokens; administrators everyone's."""
    return qs.filter(user_id=actor.user_id)
