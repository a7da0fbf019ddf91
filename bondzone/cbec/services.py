"""Every write of cross-border retail: declare an order, add its payment and waybill records, release it
(customs: three-record match, limits against the buyer's annual total) and return it."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from bondzone.core import audit
from bondzone.core.actor import Actor
from bondzone.core.domain.errors import DomainError, Problem, problem
from bondzone.core.domain.inputs import collect_date, collect_decimal, collect_text
from bondzone.core.models import Enterprise
from bondzone.core.scoping import get_scoped
from bondzone.duties import services as duties

from . import selectors
from .domain.records import OrderRecord, PaymentRecord, WaybillRecord, match, off_positive_list
from .models import AnnualTotal, CbecOrder, CbecOrderLine, OrderStatus, PositiveListEntry

MAX_LINES = 100
LINE_FIELDS = ("hs_code", "name", "quantity", "unit", "value")


def _text(data: Mapping, name: str, problems: list[Problem], max_length: int, required: bool = True) -> str:
    value = str(data.get(name) or "").strip()
    if required and not value:
        problems.append(problem(name, "required"))
    elif len(value) > max_length:
        problems.append(problem(name, "too_long", max=max_length))
    return value


def _enterprise(actor: Actor, data: Mapping) -> Enterprise:
    if actor.enterprise_id is not None:
        return Enterprise.objects.get(pk=actor.enterprise_id)
    if not data.get("enterprise_id"):
        raise DomainError(problem("enterprise_id", "cbec_no_enterprise"))
    return get_scoped(Enterprise, actor, data.get("enterprise_id"))


def _quote_lines(lines: list[dict]) -> list[dict]:
    return [{"hs_code": ln["hs_code"], "quantity": ln["quantity"], "unit": ln["unit"], "value": ln["value"]}
            for ln in lines]


def _state(order: CbecOrder, expected: str) -> None:
    if order.status != expected:
        raise DomainError(problem("status", "cbec_order_state", order=order.order_no, state=order.status,
                                  expected=expected))


def declare_order(*, actor: Actor, data: Mapping[str, Any]) -> CbecOrder:
    """An order as the platform sends it (订单): refused unless every code is on the positive list, the
    buyer's ID number is valid and the order fits the limits with the buyer's total so far."""
    actor.require("cbec.declare")
    enterprise = _enterprise(actor, data)
    problems: list[Problem] = []
    order_no = _text(data, "order_no", problems, 60)
    buyer_name = _text(data, "buyer_name", problems, 100)
    buyer_id = str(data.get("buyer_id") or "").strip().upper()
    order_date = collect_date(data.get("order_date"), "order_date", problems)
    if order_date is None and not any(p.field == "order_date" for p in problems):
        problems.append(problem("order_date", "required"))
    raw_lines = data.get("lines")
    if not isinstance(raw_lines, list) or not raw_lines:
        problems.append(problem("lines", "no_lines"))
        raw_lines = []
    elif len(raw_lines) > MAX_LINES:
        problems.append(problem("lines", "too_many_lines", max=MAX_LINES, count=len(raw_lines)))
        raw_lines = []
    lines = [{k: str((ln or {}).get(k) or "").strip() if isinstance(ln, Mapping) else "" for k in LINE_FIELDS}
             for ln in raw_lines]
    for i, raw in enumerate(raw_lines, start=1):
        _check_line(raw if isinstance(raw, Mapping) else {}, f"lines[{i}]", problems)
    problems += off_positive_list([ln["hs_code"] for ln in lines], selectors.positive_codes())
    if order_no and CbecOrder.objects.filter(enterprise=enterprise, order_no=order_no).exists():
        problems.append(problem("order_no", "duplicate_value", value=order_no))
    if problems:
        raise DomainError(problems)
    used = selectors.annual_used(buyer_id, order_date.year)
    answer = duties.cbec_quote(actor, buyer_id=buyer_id, order_date=order_date, lines=_quote_lines(lines),
                               annual_used=used)
    with transaction.atomic(durable=True):
        order = CbecOrder.objects.create(
            enterprise=enterprise, zone_id=enterprise.zone_id, order_no=order_no, order_date=order_date,
            buyer_name=buyer_name, buyer_id=buyer_id, goods_value=Decimal(answer["cbec"]["order_value"]),
            **_taxes(answer))
        CbecOrderLine.objects.bulk_create([
            CbecOrderLine(order=order, line_no=i, hs_code=ln["hs_code"], name=ln["name"],
                          quantity=Decimal(ln["quantity"]), unit=ln["unit"], value=Decimal(ln["value"]))
            for i, ln in enumerate(lines, start=1)])
        audit.record(actor, "cbec.order_declared", order, after={"order_no": order_no, "value": str(order.goods_value),
                                                                 "tax": str(order.tax_total)})
    return order


def _check_line(line: Mapping[str, Any], at: str, problems: list[Problem]) -> None:
    """A line as its columns hold it: a name of at most 200 characters, a quantity above zero with at most 3
    decimals and a value (CNY) not below zero with at most 2 — refused, never cut or rounded."""
    collect_text(line.get("name"), f"{at}.name", problems, max_length=200, required=True)
    quantity = collect_decimal(line.get("quantity"), f"{at}.quantity", problems, required=True, max_digits=14,
                               decimal_places=3)
    if quantity is not None and quantity <= 0:
        problems.append(problem(f"{at}.quantity", "quantity_not_positive", value=quantity))
    value = collect_decimal(line.get("value"), f"{at}.value", problems, required=True, max_digits=14, decimal_places=2)
    if value is not None and value < 0:
        problems.append(problem(f"{at}.value", "amount_negative", value=value))


def _taxes(answer: dict) -> dict:
    totals = answer["totals"]
    return {"treatment": answer["cbec"]["treatment"], "tariff": Decimal(totals["tariff"]),
            "consumption_tax": Decimal(totals["consumption_tax"]), "vat": Decimal(totals["vat"]), "quote": answer}


def record_payment(*, actor: Actor, order_id: Any, data: Mapping[str, Any]) -> CbecOrder:
    """The payment enterprise's record (支付单)."""
    actor.require("cbec.declare")
    problems: list[Problem] = []
    fields = {"payment_no": _text(data, "payment_no", problems, 60),
              "payment_order_no": _text(data, "order_no", problems, 60),
              "payer_name": _text(data, "payer_name", problems, 100),
              "payer_id": str(data.get("payer_id") or "").strip().upper()[:18],
              "payment_amount": collect_decimal(data.get("amount"), "amount", problems, required=True)}
    if fields["payment_amount"] is not None and fields["payment_amount"] < 0:
        problems.append(problem("amount", "amount_negative", value=fields["payment_amount"]))
    return _record(actor, order_id, fields, problems, "cbec.payment_recorded")


def record_waybill(*, actor: Actor, order_id: Any, data: Mapping[str, Any]) -> CbecOrder:
    """The logistics enterprise's record (运单)."""
    actor.require("cbec.declare")
    problems: list[Problem] = []
    fields = {"waybill_no": _text(data, "waybill_no", problems, 60),
              "waybill_order_no": _text(data, "order_no", problems, 60),
              "consignee_name": _text(data, "consignee_name", problems, 100)}
    return _record(actor, order_id, fields, problems, "cbec.waybill_recorded")


def _record(actor: Actor, order_id: Any, fields: dict, problems: list[Problem], action: str) -> CbecOrder:
    with transaction.atomic(durable=True):
        order = selectors.order(actor, order_id, for_update=True)  # an order you may not see is 404 first
        if problems:
            raise DomainError(problems)
        _state(order, OrderStatus.DECLARED)
        before = {k: str(getattr(order, k)) for k in fields}
        for k, v in fields.items():
            setattr(order, k, v)
        order.save(update_fields=list(fields))
        audit.record(actor, action, order, before=before, after={k: str(v) for k, v in fields.items()})
    return order


def release(*, actor: Actor, order_id: Any, released_on: Any = None) -> CbecOrder:
    """Customs releases a declared order when the three records agree and the buyer's annual total (locked)
    still leaves room; the order's value is then counted in that total."""
    actor.require("cbec.release")
    problems: list[Problem] = []
    day = collect_date(released_on, "released_on", problems) or timezone.localdate()
    with transaction.atomic(durable=True):
        order = selectors.order(actor, order_id, for_update=True)
        if problems:
            raise DomainError(problems)
        _state(order, OrderStatus.DECLARED)
        total = _locked_total(order)
        lines = [{"hs_code": ln.hs_code, "quantity": str(ln.quantity), "unit": ln.unit, "customs_value": str(ln.value)}
                 for ln in order.lines.all()]
        answer = duties.cbec_quote(actor, buyer_id=order.buyer_id, order_date=order.order_date, lines=lines,
                                   annual_used=total.used)
        taxes = _taxes(answer)
        tax = taxes["tariff"] + taxes["consumption_tax"] + taxes["vat"]
        problems = match(OrderRecord(order.order_no, order.buyer_name, order.buyer_id, order.goods_value, tax),
                         _payment(order), _waybill(order))
        if problems:
            raise DomainError(problems)
        if tax > 0:  # the withholding agent's tax guarantee covers the tax until the periodic settlement
            order.tax_guarantee_id = duties.charge_tax(enterprise_id=order.enterprise_id, amount=tax, on=day,
                                                       purpose=f"CBEC order {order.order_no}")
        for k, v in taxes.items():
            setattr(order, k, v)
        order.status, order.released_on = OrderStatus.RELEASED, day
        order.save()
        total.used += order.goods_value
        total.save(update_fields=["used"])
        audit.record(actor, "cbec.order_released", order, after={"tax": str(tax), "annual_total": str(total.used),
                                                                 "tax_guarantee_id": order.tax_guarantee_id})
    return order


def return_order(*, actor: Actor, order_id: Any, applied_on: Any, back_on: Any = None) -> CbecOrder:
    """A return inside the windows: the tax is not levied and the buyer's annual total is restored."""
    actor.require("cbec.declare")
    problems: list[Problem] = []
    applied = collect_date(applied_on, "applied_on", problems)
    if applied is None and not problems:
        problems.append(problem("applied_on", "required"))
    back = collect_date(back_on, "back_on", problems)
    with transaction.atomic(durable=True):
        order = selectors.order(actor, order_id, for_update=True)
        if problems:
            raise DomainError(problems)
        _state(order, OrderStatus.RELEASED)
        if order.settlement_id is not None:
            raise DomainError(problem("applied_on", "cbec_order_settled", order=order.order_no))
        duties.check_cbec_return(released_on=order.released_on, applied_on=applied, back_on=back)
        if order.tax_guarantee_id is not None:  # the tax is not levied: its guarantee use is freed
            duties.free_tax(guarantee_id=order.tax_guarantee_id, amount=order.tax_total,
                            purpose=f"CBEC order {order.order_no} returned")
        total = _locked_total(order)
        total.used -= order.goods_value
        total.save(update_fields=["used"])
        refunded = str(order.tax_total)
        order.status, order.return_applied_on, order.returned_on = OrderStatus.RETURNED, applied, back
        order.save(update_fields=["status", "return_applied_on", "returned_on"])
        audit.record(actor, "cbec.order_returned", order, after={"tax_not_levied": refunded,
                                                                 "annual_total": str(total.used),
                                                                 "tax_guarantee_id": order.tax_guarantee_id})
    return order


def _locked_total(order: CbecOrder) -> AnnualTotal:
    AnnualTotal.objects.get_or_create(buyer_id=order.buyer_id, year=order.order_date.year)
    return AnnualTotal.objects.select_for_update().get(buyer_id=order.buyer_id, year=order.order_date.year)


def _payment(order: CbecOrder) -> PaymentRecord | None:
    if not order.payment_no:
        return None
    return PaymentRecord(order.payment_order_no, order.payer_name, order.payer_id, order.payment_amount)


def _waybill(order: CbecOrder) -> WaybillRecord | None:
    return WaybillRecord(order.waybill_order_no, order.consignee_name) if order.waybill_no else None


def add_positive_entries(*, actor: Actor, rows: list[Mapping]) -> int:
    """Add tariff lines to the positive list (platform administrator; demo and imports)."""
    actor.require("cbec.manage_list")
    problems: list[Problem] = []
    entries = []
    for i, row in enumerate(rows, start=1):
        code, name = str(row.get("hs_code") or "").strip(), str(row.get("name") or "").strip()
        if len(code) != 10 or not code.isascii() or not code.isdigit():
            problems.append(problem(f"row {i}", "bad_hs_code", value=code))
        if not name:
            problems.append(problem(f"row {i}", "required"))
        entries.append(PositiveListEntry(hs_code=code, name=name[:200], note=str(row.get("note") or "")[:300]))
    if problems:
        raise DomainError(problems)
    with transaction.atomic(durable=True):
        PositiveListEntry.objects.bulk_create(entries, ignore_conflicts=True)
        audit.record(actor, "cbec.positive_list_added", object_type="cbec.positivelistentry",
                     after={"rows": len(entries)})
    return len(entries)
