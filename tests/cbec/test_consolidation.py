"""Released cross-border orders consolidated into type-8 lists (保税电商, 1210) on the enterprise's T book,
through supervision's services: one list per request, lines summed per book item, orders linked once;
refusals write nothing; the same key replays; CLI."""

from __future__ import annotations

import uuid
from decimal import Decimal as D

import pytest
from django.core.management import CommandError, call_command

from bondzone.cbec import consolidation
from bondzone.cbec.models import CbecOrder, ConsolidatedList
from bondzone.core.domain.errors import DomainError
from bondzone.core.models import AuditEvent
from bondzone.supervision import services as ledger
from bondzone.supervision.models import StockAccount, VerificationList
from tests.conftest import post_list

from .test_orders import CAMERA, MILK, cbec, complete, declare  # noqa: F401


def key() -> str:
    return uuid.uuid4().hex


@pytest.fixture
def shop(cbec):  # noqa: F811
    """ent_a's T book with the two retail items (10 milk tins in kg, 5 cameras), stocked bonded."""
    customs = cbec.actor("customs")
    for no, hs, unit in ((21, MILK, "035"), (22, CAMERA, "001")):
        ledger.add_item(actor=customs, book_id=cbec.book_a.pk, data={
            "item_no": no, "kind": "I", "hs_code": hs, "name_zh": hs, "declared_unit": unit, "legal_unit": unit})
    post_list(cbec, direction="I", lines=[(21, "10"), (22, "5")], unit_of={21: "035", 22: "001"})
    return cbec


def released(world, no, value, day="2026-03-02", **kw):
    order = declare(world, no, value, **kw)
    complete(world, order)
    from bondzone.cbec import services

    return services.release(actor=world.actor("customs"), order_id=order.pk, released_on=day)


def run(world, start="2026-03-01", end="2026-03-31", user="ent_a", k=None, book=None):
    return consolidation.consolidate(actor=world.actor(user), book_id=(book or world.book_a).pk, start=start, end=end,
                                     idempotency_key=k or key())


def test_released_orders_become_one_type_8_list(shop):
    released(shop, "M1", "100.00", qty="2")
    released(shop, "M2", "150.00", qty="3")
    declare(shop, "M3", "80.00")  # declared, not released: stays out
    released(shop, "M4", "90.00", day="2026-04-02")  # outside the period
    k = key()
    c = run(shop, k=k)
    assert run(shop, k=k).pk == c.pk and ConsolidatedList.objects.count() == 1  # the same key replays
    v = c.vlist
    assert (v.direction, v.trade_mode, v.list_type, v.status) == ("E", "1210", "8", "submitted")
    assert [(ln.item.item_no, ln.quantity, ln.value) for ln in v.lines.all()] == [(21, D("5"), D("250.00"))]
    assert (c.order_count, c.goods_value) == (2, D("250.00"))
    assert set(CbecOrder.objects.filter(consolidated=c).values_list("order_no", flat=True)) == {"M1", "M2"}
    assert AuditEvent.objects.filter(action="cbec.orders_consolidated").count() == 1
    # customs approves through supervision; the parcels left before the consolidated list (集报), so the
    # approval posts at once: 10 − 5 left
    v = ledger.approve_list(actor=shop.actor("customs"), list_id=v.pk, idempotency_key=key())
    assert v.posting_state == "posted"
    assert StockAccount.objects.get(item__item_no=21, goods_status="bonded").posted == D("5")
    with pytest.raises(DomainError) as err:  # nothing left in the period
        run(shop)
    assert [p.code for p in err.value.problems] == ["cbec_nothing_to_consolidate"]


@pytest.mark.parametrize("kw, field, code", [
    ({"start": "2026-03-31", "end": "2026-03-01"}, "end", "period_reversed"),
    ({"start": "someday"}, "start", None),
    ({"user": "ent_b"}, "book_id", "not_found"),
])
def test_refusals_write_nothing(shop, kw, field, code):
    released(shop, "M1", "100.00")
    with pytest.raises(DomainError) as err:
        run(shop, **kw)
    assert field in [p.field for p in err.value.problems]
    if code:
        assert code in [p.code for p in err.value.problems]
    assert ConsolidatedList.objects.count() == 0 and VerificationList.objects.filter(trade_mode="1210").count() == 0


def test_a_code_without_a_book_item_is_refused(shop):
    released(shop, "C1", "3000.00", hs=CAMERA, qty="1")
    from bondzone.supervision.models import BookItem

    BookItem.objects.filter(item_no=22).update(hs_code="8525890001")
    with pytest.raises(DomainError) as err:
        run(shop)
    assert [(p.field, p.code) for p in err.value.problems] == [("orders", "cbec_no_book_item")]
    assert VerificationList.objects.filter(trade_mode="1210").count() == 0


def test_customs_cannot_consolidate(shop):
    with pytest.raises(DomainError):
        run(shop, user="customs")


def test_cli(shop, capsys):
    released(shop, "M1", "100.00")
    call_command("cbec_consolidate", "--user", "ent_a", "--book", str(shop.book_a.pk), "--from", "2026-03-01",
                 "--to", "2026-03-31")
    assert "1210" in capsys.readouterr().out and ConsolidatedList.objects.count() == 1
    with pytest.raises(CommandError, match="start|from|2026"):
        call_command("cbec_consolidate", "--user", "ent_a", "--book", str(shop.book_a.pk), "--from", "2026-03-01",
                     "--to", "2026-03-31")




def test_api(shop, client):
    from tests.conftest import PASSWORD

    released(shop, "M1", "100.00")
    client.login(username="ent_a", password=PASSWORD)
    body = {"book_id": shop.book_a.pk, "start": "2026-03-31", "end": "2026-03-01"}
    r = client.post("/api/v1/cbec/consolidations", body, content_type="application/json",
                    headers={"Idempotency-Key": key()})
    assert r.status_code == 400 and ConsolidatedList.objects.count() == 0
    r = client.post("/api/v1/cbec/consolidations", {**body, "start": "2026-03-01", "end": "2026-03-31"},
                    content_type="application/json", headers={"Idempotency-Key": key()})
    assert r.status_code == 201, r.content
    assert r.json()["order_count"] == 1 and VerificationList.objects.get(pk=r.json()["list_id"]).list_type == "8"
    assert [c["id"] for c in client.get("/api/v1/cbec/consolidations").json()["items"]] == [r.json()["id"]]
    client.logout()
    client.login(username="ent_b", password=PASSWORD)
    assert client.get("/api/v1/cbec/consolidations").json()["items"] == []
