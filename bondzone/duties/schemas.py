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
