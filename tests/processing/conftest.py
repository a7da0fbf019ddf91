"""An H book with two materials and a finished item, plus the items recorded for its leftovers (copper scrap,
a by-product, defective motors), stocked through the ledger."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from bondzone.supervision import services as ledger

from ..conftest import key


@dataclass
class HBook:
    world: object
    book: object

    def actor(self, name):
        return self.world.actor(name)


ITEMS = [(1, "I", "035", "铜线", "7408110000"), (2, "I", "007", "螺丝", "7318159001"),
         (10, "E", "007", "电机", "8501109990"), (11, "I", "035", "铜边角料", "7404000090"),
         (12, "E", "007", "电机（残次品）", "8501109990"), (13, "I", "035", "铜渣（副产品）", "2620300000")]
LEFTOVERS = {11: {"leftover": "scrap"}, 12: {"leftover": "defective", "leftover_of": 10}, 13: {"leftover": "by_product"}}


def stock_in(h: HBook, lines: list[tuple[int, str]], status: str = "bonded"):
    """An inbound list approved and its goods passed: posted stock, as the ledger keeps it."""
    units = {no: unit for no, _, unit, _, _ in ITEMS}
    owner, customs = h.actor("ent_a"), h.actor("customs")
    data = {"direction": "I", "trade_mode": "5015", "item_kind": "I",
            "lines": [{"item_no": i, "quantity": q, "unit": units[i], "goods_status": status, "value": "1.00"}
                      for i, q in lines]}
    vlist = ledger.create_list(actor=owner, book_id=h.book.pk, data=data, idempotency_key=key())
    ledger.submit_list(actor=owner, list_id=vlist.pk, idempotency_key=key())
    vlist = ledger.approve_list(actor=customs, list_id=vlist.pk, idempotency_key=key())
    if vlist.posting_state != "posted":
        ledger.pass_goods(actor=customs, list_id=vlist.pk, event_id=key(), idempotency_key=key())
    return vlist


@pytest.fixture
def hbook(world) -> HBook:
    return stocked_h_book(world)


def stocked_h_book(world) -> HBook:
    """An H book of enterprise A with the ITEMS, 100 of material 1 and 200 of material 2 in stock."""
    customs = world.actor("customs")
    today = timezone.localdate()
    book = ledger.create_book(actor=customs, enterprise_id=world.ent_a.pk, number="H01101000001", kind="H",
                              valid_from=today - timedelta(days=400), valid_until=today + timedelta(days=400),
                              processing_kind="imported")
    for item_no, kind, unit, name, hs in ITEMS:
        ledger.add_item(actor=customs, book_id=book.pk, data={
            "item_no": item_no, "kind": kind, "hs_code": hs, "name_zh": name, "declared_unit": unit,
            "legal_unit": unit, "unit_price": "10" if kind == "I" else "500", **LEFTOVERS.get(item_no, {})})
    h = HBook(world, book)
    stock_in(h, [(1, "100"), (2, "200")])
    return h


def bom_data(**kw) -> dict:
    return {"finished_no": 10, "version": "V1", "valid_from": (timezone.localdate() - timedelta(days=30)).isoformat(),
            "lines": [{"material_no": 1, "net": "1.8", "loss_pct": "10"}, {"material_no": 2, "net": "4"}], **kw}


def q(value) -> Decimal:
    return Decimal(str(value))
