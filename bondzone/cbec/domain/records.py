"""Cross-border retail orders before release: the three records must agree (三单对碰) and every code must
be on the positive list (跨境电子商务零售进口商品清单).

- order (订单, CEB311): order no., buyer (订购人) name and ID number, goods value, tax;
- payment (支付单, CEB411): order no., payer name and ID (the payer must be the buyer), amount paid =
  goods value + tax;
- waybill (运单, CEB511): order no., consignee name (the buyer).
Every disagreement is reported, each on its field.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from bondzone.core.domain.errors import Problem, problem


@dataclass(frozen=True)
class OrderRecord:
    order_no: str
    buyer_name: str
    buyer_id: str
    goods_value: Decimal
    tax: Decimal

    @property
    def payable(self) -> Decimal:
        return self.goods_value + self.tax


@dataclass(frozen=True)
class PaymentRecord:
    order_no: str
    payer_name: str
    payer_id: str
    amount: Decimal


@dataclass(frozen=True)
class WaybillRecord:
    order_no: str
    consignee_name: str


def match(order: OrderRecord, payment: PaymentRecord | None, waybill: WaybillRecord | None) -> list[Problem]:
    problems = []
    if payment is None:
        problems.append(problem("payment", "cbec_record_missing", record="payment"))
    else:
        if payment.order_no != order.order_no:
            problems.append(problem("payment.order_no", "cbec_mismatch", value=payment.order_no, expected=order.order_no))
        if payment.payer_id.upper() != order.buyer_id.upper():
            problems.append(problem("payment.payer_id", "cbec_payer_not_buyer"))
        if payment.payer_name.strip() != order.buyer_name.strip():
            problems.append(problem("payment.payer_name", "cbec_mismatch", value=payment.payer_name,
                                    expected=order.buyer_name))
        if payment.amount != order.payable:
            problems.append(problem("payment.amount", "cbec_mismatch", value=payment.amount, expected=order.payable))
    if waybill is None:
        problems.append(problem("waybill", "cbec_record_missing", record="waybill"))
    else:
        if waybill.order_no != order.order_no:
            problems.append(problem("waybill.order_no", "cbec_mismatch", value=waybill.order_no, expected=order.order_no))
        if waybill.consignee_name.strip() != order.buyer_name.strip():
            problems.append(problem("waybill.consignee_name", "cbec_mismatch", value=waybill.consignee_name,
                                    expected=order.buyer_name))
    return problems


def off_positive_list(hs_codes: Iterable[str], listed: set[str]) -> list[Problem]:
    return [problem(f"lines[{i}].hs_code", "cbec_not_on_positive_list", value=code)
            for i, code in enumerate(hs_codes, start=1) if code not in listed]


def masked_id(id_number: str) -> str:
    """An ID number as pages and exports show it: the region code and the check digits only."""
    return id_number[:6] + "*" * max(len(id_number) - 10, 0) + id_number[-4:] if len(id_number) > 10 else "*" * len(id_number)
