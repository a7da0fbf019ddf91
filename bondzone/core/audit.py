"""Audit rows, written by services inside their own transaction (never by signals)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from . import rawrows
from .actor import Actor
from .context import current_request_id
from .models import AuditEvent


def _event(actor: Actor, action: str, obj: Any, object_type: str | None, object_id: Any, before: dict | None,
           after: dict | None, enterprise_id: int | None, zone_id: int | None) -> AuditEvent:
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = obj.pk if object_id is None else object_id
        enterprise_id = enterprise_id or getattr(obj, "enterprise_id", None)
        zone_id = zone_id or getattr(obj, "zone_id", None)
    return AuditEvent(
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
    """Insert one audit row and return it (saved): one INSERT … RETURNING (core.rawrows) instead of
    Model.save's machinery (no signal listens to AuditEvent)."""
    return rawrows.insert(_event(actor, action, obj, object_type, object_id, before, after, enterprise_id, zone_id))


def insert_parts(
    actor: Actor,
    action: str,
    obj: Any = None,
    *,
    object_type: str | None = None,
    before: dict | None = None,
    after: dict | None = None,
    enterprise_id: int | None = None,
    zone_id: int | None = None,
    object_id_sql: str | None = None,
) -> tuple[str, str, list]:
    """The row `record` would insert, unwritten, for a service that inserts its audit row inside a larger
    statement of its own (`INSERT INTO {table_columns} SELECT {values} FROM …`): (`table (columns)`, the
    values — a `%s` per column, or `object_id_sql` for the object's id when the same statement inserts the
    object —, their parameters)."""
    event = _event(actor, action, obj, object_type, None, before, after, enterprise_id, zone_id)
    return rawrows.insert_select_parts(event, {"object_id": f"CAST({object_id_sql} AS varchar)"} if object_id_sql else {})


# Reads worth a row of their own ("who saw what"): the records an inspector asks about. One place decides
# which they are; detail pages and API endpoints call read() after loading the object through its scoped
# selector. An enterprise user reading its own enterprise's records is not logged (it is the owner).
SENSITIVE_READS: dict[str, str] = {
    "core.enterprise": "read.enterprise",  # the registry record with its codes and credit class
    "supervision.verificationlist": "read.list",  # a verification list with its lines and values
    "cbec.cbecorder": "read.cbec_order",  # a CBEC retail order: the consumer's identity and purchases
    "core.auditevent": "read.audit_export",  # an export of the audit trail itself
}


def read(actor: Actor, obj: Any = None, *, object_type: str | None = None, object_id: Any = None,
         after: dict | None = None, enterprise_id: int | None = None, zone_id: int | None = None) -> AuditEvent | None:
    """Log that `actor` read a sensitive record (SENSITIVE_READS); a no-op for other records, for the
    system actor and for an enterprise reading its own records. `after` may say what was read (filters)."""
    kind = object_type or (obj._meta.label_lower if obj is not None else "")
    action = SENSITIVE_READS.get(kind)
    if action is None or actor.user_id is None:
        return None
    owner = enterprise_id or (getattr(obj, "enterprise_id", None) if obj is not None else None)
    if kind == "core.enterprise" and obj is not None:
        owner = obj.pk
    if actor.enterprise_id is not None and owner == actor.enterprise_id:
        return None
    return record(actor, action, obj, object_type=kind, object_id=object_id, after=after,
                  enterprise_id=owner, zone_id=zone_id)
