from datetime import date
from decimal import Decimal

from ninja import Schema


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
    enterprise_id: int
    kind: str
    reference: str
    amount: Decimal
    valid_to: date | None = None


class MoveIn(Schema):
    kind: str
    amount: Decimal
    purpose: str
