from datetime import date
from decimal import Decimal
from typing import Any

from ninja import Schema

from bondzone.core.types import Dec, Id


class TaxRateOut(Schema):
    id: int
    kind: str
    hs_code: str
    origin: str
    ad_valorem: Decimal | None
    specific: Decimal | None
    valid_from: date
    valid_to: date | None
    source: str


class ExchangeRateOut(Schema):
    id: int
    currency: str
    cny: Decimal
    per: int
    valid_from: date
    valid_to: date | None
    source: str


class ImportedOut(Schema):
    rows: int


class EndIn(Schema):
    valid_to: date


class GuaranteeEntryOut(Schema):
    kind: str
    amount: Decimal
    purpose: str


class GuaranteeOut(Schema):
    id: int
    enterprise_id: int
    kind: str
    reference: str
    amount: Decimal
    used: Decimal
    released: Decimal
    free: Decimal
    valid_to: date | None


class GuaranteeDetailOut(GuaranteeOut):
    entries: list[GuaranteeEntryOut]


class GuaranteeIn(Schema):
    enterprise_id: Id
    kind: str
    reference: str
    amount: Dec()
    valid_to: date | None = None


class MoveIn(Schema):
    kind: str
    amount: Dec()
    purpose: str


class RegimeLineIn(Schema):
    item_id: Any = None
    quantity: Any = None
    customs_value: Any = None


class RegimeIn(Schema):
    kind: str = ""
    book_id: Any = None
    start_date: Any = None
    deadline: Any = None
    purpose: str = ""
    lines: list[RegimeLineIn] = []
    guarantee_id: Any = None
    out_lists: list[Any] = []


class RegimeExtendIn(Schema):
    until: Any = None
    reason: str = ""


class CloseIn(Schema):
    outcome: str = ""
    closed_on: Any = None
    note: str = ""
    back_lists: list[Any] = []


class RegimeOut(Schema):
    id: int
    number: str
    enterprise_id: int
    book_id: int
    kind: str
    legal_basis: str
    purpose: str
    start_date: date
    deadline: date
    extensions_used: int
    status: str
    duty_at_risk: Decimal
    guarantee_id: int | None
    guarantee_used: Decimal
    overdue_since: date | None
    closed_on: date | None


class RegimeLineOut(Schema):
    seq: int
    item_id: int
    quantity: Decimal
    customs_value: Decimal
    duty: Decimal
    returned: Decimal = Decimal(0)  # back through the gate so far


class RegimeExtensionOut(Schema):
    previous_deadline: date
    new_deadline: date
    reason: str


class RegimeListOut(Schema):
    vlist_id: int
    role: str


class RegimeAlertOut(Schema):
    kind: str
    days_before: int
    deadline: date
    raised_on: date


class RegimeSlipOut(Schema):
    id: int
    number: str
    direction: str
    status: str
    passed_at: Any = None
    lists: list[int]


class RegimeSlipsOut(Schema):
    out: list[RegimeSlipOut] = []
    back: list[RegimeSlipOut] = []


class RegimeDetailOut(RegimeOut):
    lines: list[RegimeLineOut]
    extensions: list[RegimeExtensionOut]
    lists: list[RegimeListOut]
    alerts: list[RegimeAlertOut]
    slips: RegimeSlipsOut = RegimeSlipsOut()


class RegimeLinkIn(Schema):
    role: str = ""
    lists: list[Any] = []


class DomesticSaleIn(Schema):
    book_id: Any = None
    mode: str = "out"
    declared_on: Any = None
    interest_since: Any = None
    lines: list[RegimeLineIn] = []


class ChooseIn(Schema):
    basis: str = ""


class DomesticCancelIn(Schema):
    reason: str = ""


class PaymentIn(Schema):
    reference: str = ""
    paid_on: Any = None


class DomesticSaleOut(Schema):
    id: int
    number: str
    status: str
    mode: str
    book_id: int
    declared_on: date
    cheaper: str
    basis: str
    list_id: int | None = None
    goods: dict
    materials: dict | None = None
    requotes: list[dict] = []
    tax_bill_id: int | None = None


class TaxBillOut(Schema):
    id: int
    number: str
    enterprise_id: int
    list_id: int
    sale_id: int | None = None
    basis: str
    rate_date: date
    issued_on: date
    due_on: date
    tariff: Decimal
    consumption_tax: Decimal
    vat: Decimal
    interest: Decimal
    total: Decimal
    state: str
    paid_on: date | None = None
    payment_reference: str
    late_days: int = 0  # as recorded with the payment, or as of today while unpaid
    surcharge: Decimal = Decimal(0)  # 滞纳金: recorded when paid, accrued to today while unpaid
