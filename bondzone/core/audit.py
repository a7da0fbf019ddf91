"""Audit rows, written by services inside their own transaction (never by signals)."""

from __future__ import annotations

from typing import Any

from .actor import Actor
from .context import current_request_id
from .models import AuditEvent


def record(
    actor: Actor,
    action: str,
    obj: Any = None,
    *,
    object_type: str | None = None,
    object_id: Any = None,
    before: dict | None = None,
    after: dict | None = None,
    enterprise_id: int | None = None,
    zone_id: int | None = None,
) -> AuditEvent:
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = obj.pk if object_id is None else object_id
        enterprise_id = enterprise_id or getattr(obj, "enterprise_id", None)
        zone_id = zone_id or getattr(obj, "zone_id", None)
    return AuditEvent.objects.create(
        actor_id=actor.user_id,
        actor_name=actor.username,
        role=str(actor.role or ""),
        enterprise_id=enterprise_id,
        zone_id=zone_id,
        request_id=current_request_id(),
        action=action,
        object_type=object_type or "",
        object_id=str(object_id or ""),
        before=before,
        after=after,
    )
