"""A time-limited regime whose goods leave the zone for 境内区外 (出区展示, 出区维修, 保税拍卖, 融资租赁交付) does not take
an item customs records as solid waste (固体废物) into China: refused on the line's item with supervision's refusal
helper (`regime_solid_waste`, the modes that remain), by the service and the API, nothing written. A regime that
keeps the goods in the zone, and an unmarked item, open as before."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal as D

import pytest
from django.test import Client

from bondzone.core.domain.errors import DomainError
from bondzone.core.models import AuditEvent
from bondzone.duties import services
from bondzone.duties.models import Guarantee, Regime, TaxRate
from bondzone.supervision import services as ledger
from bondzone.supervision.domain.posting import Move
from bondzone.supervision.models import BookItem
from tests.conftest import PASSWORD, key
from tests.processing.conftest import hbook  # noqa: F401  (the H book fixture)


@pytest.fixture
def scrap(hbook):  # noqa: F811
    """The H book with 0.8 kg of copper scrap (item 11), rates for it, and a guarantee of its enterprise."""
    ledger.post_document(actor=hbook.actor("ent_a"), book_id=hbook.book.pk, source_kind="production", source_id=1,
                         moves=[Move(1, 11, "bonded", D("0.8"))], event_id=key(), idempotency_key=key())
    for kind, rate in (("mfn", "0.015"), ("vat", "0.13")):
        TaxRate.objects.create(kind=kind, hs_code="7404000090", ad_valorem=D(rate), valid_from=date(2020, 1, 1))
    return hbook


def body(h, kind, **over):
    g = Guarantee.objects.create(enterprise=h.world.ent_a, zone_id=h.world.ent_a.zone_id, kind="deposit",
                                 reference=f"G{key()[:8]}", amount=D("1000.00"))
    item = BookItem.objects.get(book=h.book, item_no=11)
    return {"kind": kind, "book_id": h.book.pk, "start_date": "2026-05-01", "purpose": "检测", "guarantee_id": g.pk,
            "lines": [{"item_id": item.pk, "quantity": "0.5", "customs_value": "5.00"}], **over}


def open_(h, kind):
    return services.open_regime(actor=h.actor("ent_a"), data=body(h, kind), idempotency_key=key(),
                                today=date(2026, 5, 4))


def mark(h):
    ledger.change_item(actor=h.actor("customs"), book_id=h.book.pk, item_no=11, data={"solid_waste": True},
                       idempotency_key=key())


def written() -> tuple[int, int]:
    return Regime.objects.count(), AuditEvent.objects.exclude(action="book_item.change").count()


@pytest.mark.parametrize("kind", ["display_out", "repair_out", "bonded_auction", "lease_delivery"])
def test_a_regime_taking_marked_goods_out_of_the_zone_is_refused_on_the_line(scrap, kind):
    mark(scrap)
    before = written()
    with pytest.raises(DomainError) as exc:
        open_(scrap, kind)
    [p] = [p for p in exc.value.problems if p.code == "regime_solid_waste"]
    assert (p.field, p.params["item"], p.params["line"], p.params["allowed"]) == (
        "lines[1].item_id", 11, 1, "0200, 0400, 0864, 9700")
    assert written() == before


def test_unmarked_goods_and_a_regime_inside_the_zone_open(scrap):
    assert open_(scrap, "repair_out").status == "open"
    mark(scrap)
    assert open_(scrap, "bonded_repair").status == "open"  # 保税维修: the goods stay in the zone


def test_the_api_refuses_by_field_in_both_languages(scrap):
    mark(scrap)
    before = written()
    for language, words in (("en", ("item 11", "solid waste", "出区检测", "0864")),
                            ("zh-hans", ("商品 11", "固体废物", "出区检测", "0864"))):
        c = Client(HTTP_ACCEPT_LANGUAGE=language)
        assert c.login(username="ent_a", password=PASSWORD)
        r = c.post("/api/v1/duties/regimes", json.dumps(body(scrap, "repair_out", start_date="2026-05-01")),
                   content_type="application/json", HTTP_IDEMPOTENCY_KEY=key())
        assert r.status_code == 400, r.content
        errors = [e for e in r.json()["errors"] if e["code"] == "regime_solid_waste"]
        assert [e["field"] for e in errors] == ["lines[1].item_id"]
        assert all(w in errors[0]["message"] for w in words), errors[0]["message"]
    assert written() == before
