from datetime import date
from typing import Any
from decimal import Decimal

from django.utils import timezone
from ninja import Field, Schema

from . import selectors
from .domain import settlement as settlement_rules


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


class ConsolidateIn(Schema):
    book_id: Any = None
    start: Any = None
    end: Any = None


class ConsolidatedOut(Schema):
    id: int
    enterprise_id: int
    book_id: int
    list_id: int
    period_from: date
    period_to: date
    order_count: int
    goods_value: Decimal
    tax_total: Decimal


class SettlementIssueIn(Schema):
    enterprise_id: Any = None
    start: Any = None
    end: Any = None


class SettlementPayIn(Schema):
    paid_on: Any = None
    payment_ref: Any = ""


class SettlementOut(Schema):
    id: int
    enterprise_id: int
    period_from: date
    period_to: date
    order_count: int
    tariff: Decimal
    consumption_tax: Decimal
    vat: Decimal
    tax_total: Decimal
    due_on: date
    status: str
    overdue: bool = Field(description="Unpaid after its due day")
    paid_on: date | None
    payment_ref: str

    @staticmethod
    def resolve_overdue(obj) -> bool:
        return settlement_rules.overdue(obj.status == "paid", obj.due_on, timezone.localdate())


class SettlementOrderOut(Schema):
    id: int
    order_no: str
    released_on: date | None
    tax_total: Decimal
    tax_guarantee_id: int | None


class SettlementDetailOut(SettlementOut):
    orders: list[SettlementOrderOut]

    @staticmethod
    def resolve_orders(obj) -> list:
        return list(selectors.settlement_orders(obj))
