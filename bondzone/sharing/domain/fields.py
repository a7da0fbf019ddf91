"""Which fields each agency sees of the data it shares (field-level policy, as data, in one place).

DATASETS names each shared dataset's fields in display order; POLICY says, per role, which datasets a
role may open and which of their fields it sees. A role or dataset not listed sees nothing (fail closed).
Rows still come through each model's scoping rule: the policy only narrows the columns.
"""

from __future__ import annotations

DATASETS: dict[str, tuple[str, ...]] = {
    # core.Enterprise: the registry (market supervision's part) plus customs' codes and credit class
    "enterprises": ("id", "name", "name_en", "credit_code", "customs_code", "zone", "business_type",
                    "customs_credit_class", "customs_credit_class_since", "created_at"),
    # supervision.AccountBook
    "books": ("id", "number", "kind", "enterprise", "zone", "valid_from", "valid_until", "active"),
    # supervision.VerificationList: customs' lists; tax reads them for domestic sales (内销) and refunds
    "lists": ("id", "number", "pre_entry_no", "enterprise", "zone", "book", "direction", "trade_mode",
              "status", "declaration_no", "line_count", "submitted_at", "decided_at", "effective_date", "remarks"),
    # gate.Slip: release slips (核放单)
    "slips": ("id", "number", "enterprise", "zone", "slip_type", "direction", "status", "goods_class", "plate",
              "elock_no", "total_gross_wt", "approved_at", "first_passed_at"),
    # duties.Regime: time-limited regimes (时限监管) and the duty that falls due if the goods stay out
    "regimes": ("id", "number", "enterprise", "zone", "book", "kind", "start_date", "deadline", "extensions_used",
                "status", "overdue_since", "duty_at_risk", "closed_on"),
    # supervision.VerificationList, the 入区退税 basis: approved inbound second-line lists of domestic goods whose
    # goods have passed (supervision.selectors.domestic_entries); value, currency, lines of the non-bonded lines
    "domestic_entries": ("id", "number", "enterprise", "credit_code", "zone", "trade_mode", "trade_mode_name",
                         "declaration_no", "decided_at", "effective_date", "value", "currency", "domestic_lines"),
    # duties.DomesticSale: domestic sales (内销) out of the zone, with the basis chosen
    "domestic_sales": ("id", "number", "enterprise", "zone", "book", "mode", "declared_on", "basis", "status"),
    # duties.TaxBill: the tax bills (税单) of domestic sales: tariff, consumption tax, import VAT
    "tax_bills": ("id", "number", "enterprise", "zone", "rate_date", "issued_on", "due_on", "tariff",
                  "consumption_tax", "vat", "interest", "total", "state", "paid_on"),
}

_ALL = {name: fields for name, fields in DATASETS.items()}

POLICY: dict[str, dict[str, tuple[str, ...]]] = {
    "platform_admin": _ALL,
    # 海关: books, lists, the registry with the customs code and credit class
    "customs": _ALL,
    # 税务: who (credit code = taxpayer id), the lists' trade modes and dates, the 入区退税 basis, the domestic
    # sales and their tax bills (import VAT and consumption tax collected by customs); not the customs credit
    # class, the lists' free-text remarks, nor slips and regimes (customs' own control)
    "tax": {
        "enterprises": ("id", "name", "credit_code", "zone", "business_type"),
        "lists": ("id", "number", "enterprise", "zone", "direction", "trade_mode", "status", "declaration_no",
                  "decided_at", "effective_date"),
        # the refund basis in full: tax refunds the export tax on domestic goods entering the zone
        "domestic_entries": ("id", "number", "enterprise", "credit_code", "zone", "trade_mode", "trade_mode_name",
                             "declaration_no", "decided_at", "effective_date", "value", "currency",
                             "domestic_lines"),
        "domestic_sales": ("id", "number", "enterprise", "zone", "mode", "declared_on", "status"),
        "tax_bills": ("id", "number", "enterprise", "zone", "issued_on", "due_on", "consumption_tax", "vat",
                      "total", "state", "paid_on"),
    },
    # 市场监管: registrations and their changes, nothing of books or lists
    "market": {
        "enterprises": ("id", "name", "name_en", "credit_code", "zone", "business_type", "created_at"),
    },
    # 综保区管理机构: its zone's enterprises, books and lists at the level of aggregates and services (of slips not
    # the vehicle, its load nor customs' electronic lock)
    "zone_admin": {
        "enterprises": ("id", "name", "name_en", "credit_code", "customs_code", "zone", "business_type",
                        "customs_credit_class", "created_at"),
        "books": ("id", "number", "kind", "enterprise", "zone", "valid_from", "valid_until", "active"),
        "lists": ("id", "number", "enterprise", "zone", "direction", "trade_mode", "status", "line_count",
                  "effective_date"),
        "slips": ("id", "number", "enterprise", "zone", "slip_type", "direction", "status", "approved_at",
                  "first_passed_at"),
    },
    # 商务局 / 两区办: the registry as a directory
    "commerce": {
        "enterprises": ("id", "name", "name_en", "zone", "business_type", "created_at"),
    },
    # an enterprise sees all of its own (scoping gives it no other enterprise's rows)
    "enterprise": _ALL,
}


def datasets_for(role: str | None) -> list[str]:
    """The datasets a role may open, in DATASETS order."""
    allowed = POLICY.get(str(role or ""), {})
    return [name for name in DATASETS if name in allowed]


def allowed_fields(role: str | None, dataset: str) -> tuple[str, ...]:
    """The fields of `dataset` the role sees, in DATASETS order; () when it may not open it."""
    allowed = set(POLICY.get(str(role or ""), {}).get(dataset, ()))
    return tuple(f for f in DATASETS.get(dataset, ()) if f in allowed)


# Audit rows name some dataset fields their own way (gate's slip_snapshot "type", "gross"; duties' snapshots
# "book_id"): the field each such key is, so that the policy reads them as that field.
AUDIT_KEYS: dict[str, dict[str, str]] = {
    "slips": {"type": "slip_type", "gross": "total_gross_wt"},
    "regimes": {"book_id": "book"},
    "domestic_sales": {"book_id": "book"},
}


def audit_keys(role: str | None, dataset: str) -> frozenset[str] | None:
    """The keys of an audit event's before/after, for a row of `dataset`, that the role may read: None when the
    role sees every field of the dataset (then the event whole, keys the dataset does not list included);
    otherwise only the fields the policy gives it and the audit keys that name them. Any other key, known or
    not — a list's `lines` with their quantities, a free-text reason — is hidden (deny by default)."""
    shown = allowed_fields(role, dataset)
    if set(shown) == set(DATASETS.get(dataset, ())):
        return None
    aliases = AUDIT_KEYS.get(dataset, {})
    return frozenset(shown) | {key for key, field in aliases.items() if field in shown}


def only_keys(values, keys: frozenset[str]) -> dict | None:
    """An audit event's before or after with only `keys`, each with everything nested under it; None stays None
    and a value that is not a mapping has no key the reader may read."""
    if values is None:
        return None
    if not isinstance(values, dict):
        return {}
    return {k: v for k, v in values.items() if k in keys}


def project(row: dict, fields: tuple[str, ...]) -> dict:
    """Only the allowed fields of a row (a missing one is None)."""
    return {f: row.get(f) for f in fields}
