"""Demo data: the positive-list lines of the demo CBEC book's goods and a few orders of two buyers
(made-up names and ID numbers with valid check digits), declared, matched and released through the
services against the enterprise's tax deposit; one is returned. Needs the duties demo's sample rate table (loaded before, by app order)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from stdnum.cn import ric

from bondzone.core.actor import actor_of
from bondzone.duties import services as duties

from . import services
from .models import CbecOrder, PositiveListEntry

POSITIVE = [("3304990099", "护肤品"), ("1901101000", "婴幼儿配方奶粉"), ("2106909090", "膳食补充剂"),
            ("6403990090", "运动鞋")]


def _id(prefix17: str) -> str:
    return prefix17 + ric.calc_check_digit(prefix17 + "0")


# each item's declared unit on the T book (supervision's demo), so a consolidated list carries whole units
DECLARED_UNIT = {"1901101000": "140", "3304990099": "142", "2106909090": "142", "6403990090": "011"}
BUYERS = [("王芳", _id("11010519880312004")), ("李强", _id("11010819920704003"))]
# order no., buyer, date, lines (hs, name, quantity, value), release date, returned on (applied, back)
ORDERS = [
    ("DX-2026-0001", 0, "2026-03-02", [("1901101000", "婴幼儿配方奶粉", "2", "598.00")], "2026-03-03", None),
    ("DX-2026-0002", 0, "2026-03-10", [("3304990099", "护肤品", "1", "460.00"), ("2106909090", "膳食补充剂", "3", "270.00")],
     "2026-03-11", None),
    ("DX-2026-0003", 1, "2026-04-01", [("6403990090", "运动鞋", "1", "899.00")], "2026-04-02", ("2026-04-12", "2026-04-20")),
    ("DX-2026-0004", 1, "2026-04-15", [("3304990099", "护肤品", "2", "1280.00")], None, None),
]


def load_demo(rng) -> None:
    if PositiveListEntry.objects.exists() or CbecOrder.objects.exists():
        return
    users = get_user_model().objects
    admin, ent, customs = (actor_of(users.get(username=n)) for n in ("admin", "ent_cbec", "customs"))
    services.add_positive_entries(actor=admin, rows=[{"hs_code": h, "name": n} for h, n in POSITIVE])
    # the withholding agent's tax guarantee (保证金) that covers the taxes until the periodic settlement
    duties.lodge_guarantee(actor=customs, data={"enterprise_id": ent.enterprise_id, "kind": "deposit",
                                                "reference": "CBEC-TAX-2026", "amount": "20000.00"},
                          idempotency_key="demo-guarantee-CBEC-TAX-2026")
    for no, buyer, day, lines, released, returned in ORDERS:
        name, id_no = BUYERS[buyer]
        order = services.declare_order(actor=ent, data={
            "order_no": no, "order_date": day, "buyer_name": name, "buyer_id": id_no,
            "lines": [{"hs_code": h, "name": n, "quantity": q, "unit": DECLARED_UNIT[h], "value": v}
                      for h, n, q, v in lines]})
        services.record_payment(actor=ent, order_id=order.pk, data={
            "payment_no": "PAY" + no[-4:], "order_no": no, "payer_name": name, "payer_id": id_no,
            "amount": str(order.goods_value + order.tax_total)})
        services.record_waybill(actor=ent, order_id=order.pk, data={"waybill_no": "WB" + no[-4:], "order_no": no,
                                                                     "consignee_name": name})
        if released:
            services.release(actor=customs, order_id=order.pk, released_on=released)
        if returned:
            services.return_order(actor=ent, order_id=order.pk, applied_on=returned[0], back_on=returned[1])
