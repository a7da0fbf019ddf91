"""The audit trail as a file for inspectors, through the project's one tabular module; the export is
itself logged as a read (who took which part of the trail)."""

from __future__ import annotations

import json

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from bondzone.core import audit, tabular
from bondzone.core.actor import Actor

from .fieldnames import FIELD_NAMES, value_name
from .selectors import AuditFilters, audit_events, sides, visible_keys

MAX_ROWS = 50_000
COLUMNS = ["id", "at", "actor_name", "role", "enterprise", "action", "object_type", "object_id", "request_id",
           "before", "after"]
NAMES = {"id": _("Record id"), "at": _("Time"), "actor_name": _("Who"), "role": _("Role"), "enterprise": _("Enterprise"),
         "action": _("Action"), "object_type": _("Object"), "object_id": _("Object id"),
         "request_id": _("Request id"), "before": _("Before"), "after": _("After")}


def _json(value) -> str:
    return "" if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def audit_export(actor: Actor, f: AuditFilters, fmt: str) -> bytes:
    actor.require("sharing.export_audit")
    rows = []
    visible = visible_keys(actor)
    for e in audit_events(actor, f)[:MAX_ROWS]:
        before, after = sides(e, visible)
        rows.append([e.pk, e.at.isoformat(), e.actor_name, e.role, e.enterprise.name if e.enterprise else "",
                     e.action, e.object_type, e.object_id, e.request_id, _json(before), _json(after)])
    body = tabular.write_rows(COLUMNS, rows, fmt, names=NAMES)
    filters = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in f.__dict__.items() if v}
    with transaction.atomic(durable=True):
        audit.read(actor, object_type="core.auditevent", object_id="", after={"format": fmt, "rows": len(rows),
                                                                             "filters": filters})
    return body


def agency_table(actor: Actor, dataset: str, fmt: str) -> tuple[bytes, int]:
    """A shared dataset as a file, with only the fields the actor's role may see (selectors.agency_view):
    headings "name (code)" and coded values by name in the active language (CSV, XLSX); JSON keeps the codes."""
    from .selectors import agency_rows, agency_view

    fields, qs = agency_view(actor, dataset)
    rows = agency_rows(dataset, fields, qs[:MAX_ROWS])
    cell = (lambda f, v: v) if fmt == "json" else (lambda f, v: value_name(dataset, f, v))
    table = [[cell(f, r[f]) for f in fields] for r in rows]
    return tabular.write_rows(list(fields), table, fmt, names=FIELD_NAMES), len(rows)
