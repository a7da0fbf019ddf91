from datetime import date
from decimal import Decimal

from ninja import Schema


class OrderLineOut(Schema):
    line_no: int
    hs_code: str
    name: str
    quantity: Decimal
    unit: str
    value: Decimal


class OrderOut(Schema):
    id: int
    enterprise_id: int
    order_no: str
    order_date: date
    buyer_name: str
    buyer_id_masked: str
    goods_value: Decimal
    status: str
    treatment: str
    tariff: Decimal
    consumption_tax: Decimal
    vat: Decimal
    payment_no: str
    waybill_no: str
    released_on: date | None
    return_applied_on: date | None
    returned_on: date | None


class OrderDetailOut(OrderOut):
    lines: list[OrderLineOut]


class PositiveOut(Schema):
    hs_code: str
    name: str
    note: str


class ReleaseIn(Schema):
    released_on: date | None = None


class ReturnIn(Schema):
    applied_on: date
    back_on: date | None = None
