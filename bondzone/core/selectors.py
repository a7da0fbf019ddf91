"""Reads of the core models; every one goes through scoping.restrict()."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from .actor import Actor
from .models import AuditEvent, Enterprise, Zone
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


def enterprise_history(actor: Actor, enterprise_id: int) -> QuerySet[AuditEvent]:
    """The enterprise's registry changes, newest first: what changed, from what, to what, by whom."""
    enterprise = get_scoped(Enterprise, actor, enterprise_id)
    return AuditEvent.objects.filter(object_type=Enterprise._meta.label_lower, object_id=str(enterprise.pk))


def audit_events(
    actor: Actor, *, action: str = "", object_type: str = "", object_id: str = "", request_id: str = "",
    enterprise_id: int | None = None,
) -> QuerySet[AuditEvent]:
    qs = restrict(AuditEvent, actor).select_related("enterprise")
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
