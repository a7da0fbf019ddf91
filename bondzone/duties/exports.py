"""Guarantees as CSV / XLSX / JSON (the list page's export and `bondzone guarantees`): CSV and XLSX name
the coded values in the reader's language, JSON keeps the codes for programs."""

from __future__ import annotations

import json

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

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
             r.guarantee.reference if r.guarantee_id else "", str(r.guarantee_used),
             labels.name("regime_legal_basis", r.kind) if named else r.legal_basis]
            for r in selectors.regimes(actor, **filters)]
    return tabular.write_rows(REGIME_COLUMNS, rows, fmt, names=REGIME_COLUMN_NAMES)


# ---------------------------------------------------------------- the tax bill (税单 / 税款缴款书)
TAX_KIND_NAMES = {"tariff": _("Tariff"), "consumption_tax": _("Consumption tax"), "vat": _("Import VAT"),
                  "interest": _("Deferred-tax interest")}
BILL_COLUMNS = ["bill", "list", "enterprise", "tax_kind", "line", "hs_code", "quantity", "unit", "customs_value",
                "rate", "amount"]
BILL_COLUMN_NAMES = {
    "bill": _("Tax bill"), "list": _("List number"), "enterprise": _("Enterprise"), "tax_kind": _("Tax kind"),
    "line": _("Line"), "hs_code": _("HS code"), "quantity": _("Quantity"), "unit": _("Unit"),
    "customs_value": _("Dutiable value"), "rate": _("Rate"), "amount": _("Amount"),
}


def _list_no(bill) -> str:
    return bill.vlist.number or bill.vlist.pre_entry_no


def _surcharge(bill):
    from django.utils import timezone

    from .services import surcharge_on

    return surcharge_on(bill, timezone.localdate())


def bill_table(bill, *, fmt: str) -> bytes:
    """The bill as rows: one per tax kind and line, then each kind's total (line empty)."""
    from .domain.domestic import bill_sections

    named = fmt != "json"
    rows = []
    for kind, lines, total in bill_sections(bill.detail):
        kind_name = str(TAX_KIND_NAMES[kind]) if named else kind
        for n, ln in enumerate(lines, start=1):
            rows.append([bill.number, _list_no(bill), bill.enterprise.name, kind_name, n, ln["hs_code"],
                         ln["quantity"], ln["unit"], ln["customs_value"], ln["rate"], ln["amount"]])
        rows.append([bill.number, _list_no(bill), bill.enterprise.name, kind_name, "", "", "", "", "", "", total])
    rows.append([bill.number, _list_no(bill), bill.enterprise.name, str(_("Total due")) if named else "total",
                 "", "", "", "", "", "", str(bill.total)])
    late, surcharge = _surcharge(bill)
    if late:
        rows.append([bill.number, _list_no(bill), bill.enterprise.name,
                     str(_("Late-payment surcharge")) if named else "surcharge", "", "", late, "days", "", "0.0005",
                     str(surcharge)])
    return tabular.write_rows(BILL_COLUMNS, rows, fmt, names=BILL_COLUMN_NAMES)


def bill_pdf(bill) -> bytes:
    """The printable tax bill: header (number, list, payer, dates, basis, state), one table per tax kind
    (缴款书 are issued per tax kind) and the amount due."""
    from bondzone.core import pdf

    from .domain.domestic import bill_sections

    basis = _("materials consumed (selective tariff)") if bill.basis == "materials" else _("goods as they are")
    blocks: list = [
        pdf.Heading("海关专用缴款书 / " + str(_("Customs tax bill")), level=1),
        pdf.Table([[str(_("Tax bill")), bill.number], [str(_("List number")), _list_no(bill)],
                   [str(pgettext_lazy("tax bill", "Payer")), f"{bill.enterprise.name} {bill.enterprise.credit_code}"],
                   [str(_("Rate date")), bill.rate_date.isoformat()],
                   [str(pgettext_lazy("issue date", "Issued")), bill.issued_on.isoformat()], [str(_("Pay by")), bill.due_on.isoformat()],
                   [str(_("Tariff basis")), str(basis)],
                   [str(_("State")), str(labels.name("tax_bill_state", bill.state))]], widths=[0.35, 0.65]),
    ]
    head = [str(BILL_COLUMN_NAMES[c]) for c in ("line", "hs_code", "quantity", "customs_value", "rate", "amount")]
    for kind, lines, total in bill_sections(bill.detail):
        blocks.append(pdf.Heading(f"{TAX_KIND_NAMES[kind]}: {total}"))
        if lines:
            blocks.append(pdf.Table([head] + [[n, ln["hs_code"], f'{ln["quantity"]} {ln["unit"]}', ln["customs_value"],
                                               ln["rate"], ln["amount"]] for n, ln in enumerate(lines, start=1)]))
    blocks.append(pdf.Heading(f"{_('Total due')}: {bill.total} CNY"))
    late, surcharge = _surcharge(bill)
    if late:
        blocks.append(pdf.Heading(f"{_('Late-payment surcharge')}: {surcharge} CNY ({late} × 0.05 %)"))
    # figures from the demo's illustrative rate table are synthetic: the PDF says so
    synthetic = "ILLUSTRATIVE" in json.dumps(bill.detail, ensure_ascii=False).upper()
    return pdf.render(f"{_('Tax bill')} {bill.number}", blocks, synthetic=synthetic,
                      footer=str(_("Pay within 15 days of issue (a last day on a rest day or public holiday moves to the next "
                                   "working day); after that a surcharge of 0.05 % of the unpaid tax per day.")))
