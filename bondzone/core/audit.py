"""Audit rows, written by services inside their own transaction (never by signals)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from django.db import connection
from django.utils import timezone

from .actor import Actor
from .context import current_request_id
from .models import AuditEvent

_FIELDS = ("at", "actor", "actor_name", "role", "enterprise", "zone", "request_id", "action", "object_type",
           "object_id", "before", "after")


@lru_cache(maxsize=4)
def _insert(vendor: str) -> tuple[list, str]:
    fields = [AuditEvent._meta.get_field(name) for name in _FIELDS]
    q = connection.ops.quote_name
    sql = (f"INSERT INTO {q(AuditEvent._meta.db_table)} ({', '.join(q(f.column) for f in fields)}) "
           f"VALUES ({', '.join(['%s'] * len(fields))}) RETURNING {q(AuditEvent._meta.pk.column)}")
    return fields, sql


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
    """Insert one audit row and return it (saved). One INSERT … RETURNING with the fields' own
    database preparation, instead of Model.save's machinery (no signal listens to AuditEvent)."""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = obj.pk if object_id is None else object_id
        enterprise_id = enterprise_id or getattr(obj, "enterprise_id", None)
        zone_id = zone_id or getattr(obj, "zone_id", None)
    event = AuditEvent(
        at=timezone.now(),
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
    fields, sql = _insert(connection.vendor)
    with connection.cursor() as cur:
        cur.execute(sql, [f.get_db_prep_save(getattr(event, f.attname), connection) for f in fields])
        event.pk = cur.fetchone()[0]
    event._state.adding = False
    event._state.db = connection.alias
    return event
