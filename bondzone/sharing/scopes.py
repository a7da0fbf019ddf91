"""Scoping rules of the sharing models: an agency sees its own subscriptions and what was delivered to
them; a zone-bound user only those of its zone. Enterprises see none of it."""

from django.db.models import Q

from bondzone.core.domain.roles import Role
from bondzone.core.scoping import scope_rule

from .models import Delivery, DeliveryAttempt, ExportRun, OutboxEvent, ScheduledExport, Subscription


def _agency(prefix: str):
    def rule(qs, actor, action):
        if actor.role == Role.ENTERPRISE or actor.role is None:
            return qs.none()
        qs = qs.filter(**{f"{prefix}role": str(actor.role)})
        if actor.zone_id is not None:
            qs = qs.filter(Q(**{f"{prefix}zone_id": actor.zone_id}))
        return qs

    return rule


scope_rule(Subscription)(_agency(""))
scope_rule(Delivery)(_agency("subscription__"))
scope_rule(DeliveryAttempt)(_agency("delivery__subscription__"))


@scope_rule(OutboxEvent)
def outbox_events(qs, actor, action):
    """The raw outbox: administrators only (agencies read events through their deliveries)."""
    return qs.none()


scope_rule(ScheduledExport)(_agency(""))
scope_rule(ExportRun)(_agency("schedule__"))
