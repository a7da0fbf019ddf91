"""The shared datasets' fields in words (column headings of the agency views)."""

from django.utils.translation import gettext_lazy as _

FIELD_NAMES = {
    "id": _("id"), "name": _("Name"), "name_en": _("English name"), "credit_code": _("Unified social credit code"),
    "customs_code": _("Customs registration code"), "zone": _("Zone"), "business_type": _("Business type"),
    "customs_credit_class": _("Customs credit class"), "customs_credit_class_since": _("Credit class since"),
    "created_at": _("Registered at"), "number": _("Number"), "kind": _("Type"), "enterprise": _("Enterprise"),
    "valid_from": _("Valid from"), "valid_until": _("Valid until"), "active": _("Active"),
    "pre_entry_no": _("Pre-entry number"), "book": _("Account book"), "direction": _("Direction"),
    "trade_mode": _("Trade mode"), "status": _("Status"), "declaration_no": _("Declaration number"),
    "line_count": _("Lines"), "submitted_at": _("Submitted at"), "decided_at": _("Decided at"),
    "effective_date": _("Posting date"), "remarks": _("Remarks"),
}
