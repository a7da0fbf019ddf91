"""Guarantees as CSV / XLSX / JSON (the list page's export and `bondzone guarantees`): CSV and XLSX name
the coded values in the reader's language, JSON keeps the codes for programs."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from bondzone.core import labels, tabular
from bondzone.core.actor import Actor

from . import selectors

GUARANTEE_COLUMNS = ["id", "enterprise", "kind", "reference", "amount", "used", "released", "free", "status",
                     "valid_to"]
GUARANTEE_COLUMN_NAMES = {
    "id": _("id"), "enterprise": _("Enterprise"), "kind": _("Kind"), "reference": _("Number"),
    "amount": _("Amount"), "used": _("Used"), "released": _("Given back"), "free": _("Free"),
    "status": _("Status"), "valid_to": _("Valid to"),
}


def guarantee_table(actor: Actor, *, fmt: str, enterprise_id=None, kind: str = "") -> bytes:
    named = fmt != "json"
    rows = [[g.pk, g.enterprise.name, labels.name("guarantee_kind", g.kind) if named else g.kind, g.reference,
             str(g.amount), str(g.used), str(g.released), str(g.free),
             labels.name("guarantee_status", g.status) if named else g.status,
             g.valid_to.isoformat() if g.valid_to else ""]
            for g in selectors.guarantees(actor, enterprise_id=enterprise_id, kind=kind)]
    return tabular.write_rows(GUARANTEE_COLUMNS, rows, fmt, names=GUARANTEE_COLUMN_NAMES)


REGIME_COLUMNS = ["id", "number", "enterprise", "book", "kind", "start_date", "deadline", "extensions_used", "status",
                  "duty_at_risk", "guarantee", "guarantee_used", "legal_basis"]
REGIME_COLUMN_NAMES = {
    "id": _("id"), "number": _("Number"), "enterprise": _("Enterprise"), "book": _("Book"), "kind": _("Kind"),
    "start_date": _("Start"), "deadline": _("Deadline"), "extensions_used": _("Extensions"), "status": _("Status"),
    "duty_at_risk": _("Duty at risk"), "guarantee": _("Guarantee"), "guarantee_used": _("Guarantee used"),
    "legal_basis": _("Legal basis"),
}


def regime_table(actor: Actor, *, fmt: str, **filters) -> bytes:
    named = fmt != "json"
    rows = [[r.pk, r.number, r.enterprise.name, r.book.number,
             labels.name("regime_kind", r.kind) if named else r.kind, r.start_date.isoformat(),
             r.deadline.isoformat(), r.extensions_used,
             labels.name("regime_status", r.status) if named else r.status, str(r.duty_at_risk),
             r.guarantee.reference if r.guarantee_id else "", str(r.guarantee_used), r.legal_basis]
            for r in selectors.regimes(actor, **filters)]
    return tabular.write_rows(REGIME_COLUMNS, rows, fmt, names=REGIME_COLUMN_NAMES)
