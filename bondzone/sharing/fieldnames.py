"""The shared datasets' fields in words (column headings of the agency views and the exports) and their coded
values by name (core.labels)."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from bondzone.core import labels

FIELD_NAMES = {
    "id": _("Record id"), "name": _("Name"), "name_en": _("English name"), "credit_code": _("Unified social credit code"),
    "customs_code": _("Customs registration code"), "zone": _("Zone"), "business_type": _("Business type"),
    "customs_credit_class": _("Customs credit class"), "customs_credit_class_since": _("Credit class since"),
    "created_at": _("Registered at"), "number": _("Number"), "kind": _("Type"), "enterprise": _("Enterprise"),
    "valid_from": _("Valid from"), "valid_until": _("Valid until"), "active": _("Active"),
    "pre_entry_no": _("Pre-entry number"), "book": _("Account book"), "direction": _("Direction"),
    "trade_mode": _("Trade mode"), "status": _("Status"), "declaration_no": _("Declaration number"),
    "line_count": pgettext_lazy("line count", "Lines"), "submitted_at": _("Submitted at"), "decided_at": _("Decided at"),
    "effective_date": _("Posting date"), "remarks": _("Remarks"),
    "slip_type": _("Slip type"), "goods_class": _("Goods class"), "plate": _("Vehicle plate"),
    "elock_no": _("Electronic lock"),
    "total_gross_wt": _("Declared gross weight (kg)"), "approved_at": _("Approved at"),
    "first_passed_at": _("Passed the gate at"), "start_date": _("Start date"), "deadline": _("Deadline"),
    "extensions_used": _("Extensions used"), "overdue_since": _("Overdue since"),
    "duty_at_risk": _("Duty at risk (yuan)"), "closed_on": _("Closed on"), "mode": _("Mode"),
    "declared_on": _("Declared on"), "basis": _("Duty basis"), "rate_date": _("Rate date"),
    "issued_on": pgettext_lazy("issue date", "Issued on"), "due_on": _("Due on"), "tariff": _("Tariff"),
    "consumption_tax": _("Consumption tax"), "vat": _("Import VAT"), "interest": _("Interest"),
    "total": _("Total"), "state": _("Payment state"), "paid_on": _("Paid on"),
    "trade_mode_name": _("Trade mode name"), "value": _("Declared value"), "currency": _("Currency"),
    "domestic_lines": _("Non-bonded lines"),
}

# the shared datasets in words (the agency view's tabs, the scheduled exports' choices)
DATASET_NAMES = {
    "enterprises": _("Enterprises"), "books": _("Account books"), "lists": _("Verification lists"),
    "slips": _("Release slips"), "regimes": _("Time-limited regimes"),
    "domestic_entries": _("Domestic goods entering the zone (refund basis)"), "domestic_sales": _("Domestic sales"),
    "tax_bills": _("Tax bills"),
}

# each dataset's coded fields by their core.labels kind: the agency view and the CSV / XLSX exports show the name
# (trade modes and slip types with their number before it); the API, JSON exports and event payloads keep the code
CODED_FIELDS = {
    "enterprises": {"customs_credit_class": "credit_class"},
    "books": {"kind": "book_kind", "active": "bool"},
    "lists": {"direction": "direction", "trade_mode": "trade_mode", "status": "list_status"},
    "slips": {"slip_type": "slip_type", "direction": "direction", "status": "slip_status",
              "goods_class": "goods_class"},
    "regimes": {"kind": "regime_kind", "status": "regime_status"},
    "domestic_sales": {"mode": "domestic_mode", "basis": "duty_basis", "status": "domestic_status"},
    "tax_bills": {"state": "tax_bill_state"},
}
_NUMBERED = {"trade_mode", "slip_type"}


def value_name(dataset: str, field: str, value):
    """A cell as a reader sees it: a coded value by its name in the active language, anything else as it is."""
    kind = CODED_FIELDS.get(dataset, {}).get(field)
    if kind is None or value is None:
        return value
    return labels.coded(kind, value) if kind in _NUMBERED else labels.name(kind, value)
