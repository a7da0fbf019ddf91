"""Domestic sale (内销) and the processing book's own goods: an item customs records as solid waste (固体废物) is
refused at the request with supervision's refusal for the list the sale would file (nothing written, by the
service and the API), and defective goods (残次品) get the materials basis from the BOM of the finished item
they were produced as (`leftover_of`)."""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal as D

import pytest
from django.test import Client

from bondzone.core.domain.errors import DomainError
from bondzone.duties import services
from bondzone.duties.models import DomesticSale, TaxRate
from bondzone.supervision import services as ledger
from bondzone.supervision.domain.posting import Move
from bondzone.supervision.models import VerificationList
from tests.conftest import PASSWORD
from tests.duties.test_domestic import TODAY, item, key, sale_book  # noqa: F401  (the fixture)
from tests.processing.conftest import hbook  # noqa: F401  (the H book fixture)


@pytest.fixture
def leftovers(sale_book):  # noqa: F811
    """The sale book (BOM of motor 10: 2 kg copper at 50,000 and 4 screws at 5,000 per motor; rates for the motor,
    copper and screws) with 2 defective motors (item 12, of motor 10) and 0.8 kg of copper scrap (item 11)."""
    ledger.post_document(actor=sale_book.actor("ent_a"), book_id=sale_book.book.pk, source_kind="production",
                         source_id=2, moves=[Move(1, 12, "bonded", D(2)), Move(2, 11, "bonded", D("0.8"))],
                         event_id=key(), idempotency_key=key())
    TaxRate.objects.create(kind="mfn", hs_code="7404000090", ad_valorem=D("0.015"), valid_from=date(2026, 1, 1))
    TaxRate.objects.create(kind="vat", hs_code="7404000090", ad_valorem=D("0.13"), valid_from=date(2026, 1, 1))
    return sale_book


def request(h, lines, **kw):
    data = {"book_id": h.book.pk, "declared_on": TODAY.isoformat(),
            "interest_since": (TODAY - timedelta(days=180)).isoformat(),
            "lines": [{"item_id": item(h, no).pk, "quantity": q, "customs_value": v} for no, q, v in lines], **kw}
    return services.request_domestic_sale(actor=h.actor("ent_a"), data=data, idempotency_key=key())


def mark(h, item_no, value=True):
    ledger.change_item(actor=h.actor("customs"), book_id=h.book.pk, item_no=item_no, data={"solid_waste": value},
                       idempotency_key=key())


def nothing_written() -> bool:
    return DomesticSale.objects.count() == 0 and VerificationList.objects.filter(direction="E").count() == 0


# --- defective goods: the materials basis from the finished item's BOM -------------------------------------------


def test_defective_goods_get_the_materials_basis_of_the_finished_item_they_were_made_as(leftovers):
    """2 defective motors consumed what 2 motors consume (BOM of item 10): 4 kg copper = 200,000 @ 2 % = 4,000 and
    8 screws = 40,000 @ 5 % = 2,000, so T_m = 6,000; VAT (200,000 + 6,000) × 13 % = 26,780; interest 6,000 × 180 ×
    0.35 % / 360 = 10.50."""
    s = request(leftovers, [(12, "2", "200000.00")])
    m = s.materials_quote
    assert m is not None
    assert [(x["item_no"], x["quantity"], x["customs_value"], x["tariff"]) for x in m["lines"][0]["materials"]] == [
        (1, "4.00000", "200000.00", "4000.00"), (2, "8.00000", "40000.00", "2000.00")]
    assert (m["totals"]["tariff"], m["totals"]["vat"], m["totals"]["interest"], m["totals"]["total"]) == (
        "6000.00", "26780.00", "10.50", "32790.50")
    assert s.goods_quote["totals"]["tariff"] == "40000.00" and s.cheaper == "materials"
    s = services.choose_domestic_basis(actor=leftovers.actor("ent_a"), sale_id=s.pk, basis="materials",
                                       idempotency_key=key())
    assert (s.vlist.trade_mode, s.vlist.item_kind, s.basis) == ("5100", "E", "materials")


# --- solid waste ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("item_no, lines, mode, trade_mode", [
    (11, [(11, "0.5", "600.00")], "out", "0844"),  # 边角料内销
    (12, [(12, "1", "100000.00")], "out", "5100"),  # defective goods sold inland
    (12, [(12, "1", "100000.00")], "status", "9900"),  # duty-paid in the zone
])
def test_a_sale_of_solid_waste_is_refused_at_the_request_and_writes_nothing(leftovers, item_no, lines, mode,
                                                                             trade_mode):
    mark(leftovers, item_no)
    with pytest.raises(DomainError) as err:
        request(leftovers, lines, mode=mode)
    [p] = err.value.problems
    assert (p.field, p.code, p.params["item"], p.params["mode"]) == (
        "lines[1].item_id", "trade_mode_solid_waste", item_no, trade_mode)
    assert nothing_written()


def test_only_the_marked_line_is_named(leftovers):
    mark(leftovers, 12)
    with pytest.raises(DomainError) as err:
        request(leftovers, [(10, "1", "240000.00"), (12, "1", "100000.00")])
    assert [(p.field, p.code) for p in err.value.problems] == [("lines[2].item_id", "trade_mode_solid_waste")]


def test_a_mark_after_the_request_is_refused_by_supervision_when_the_list_is_filed(leftovers):
    s = request(leftovers, [(11, "0.5", "600.00")])
    mark(leftovers, 11)
    with pytest.raises(DomainError) as err:
        services.choose_domestic_basis(actor=leftovers.actor("ent_a"), sale_id=s.pk, basis="goods",
                                       idempotency_key=key())
    assert [(p.field, p.code) for p in err.value.problems] == [("lines[1].item_no", "trade_mode_solid_waste")]
    s.refresh_from_db()
    assert s.status == "quoted" and VerificationList.objects.filter(direction="E").count() == 0


def test_the_unmarked_scrap_is_sold_as_before(leftovers):
    mark(leftovers, 11)
    mark(leftovers, 11, False)
    assert request(leftovers, [(11, "0.5", "600.00")]).status == "quoted"


def test_api_refuses_by_field_with_the_item_named(leftovers):
    mark(leftovers, 11)
    c = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert c.login(username="ent_a", password=PASSWORD)
    body = {"book_id": leftovers.book.pk, "lines": [{"item_id": item(leftovers, 11).pk, "quantity": "0.5",
                                                     "customs_value": "600.00"}]}
    r = c.post("/api/v1/duties/domestic-sales", json.dumps(body), content_type="application/json",
               headers={"Idempotency-Key": key()})
    assert r.status_code == 400, r.content
    [e] = r.json()["errors"]
    assert (e["field"], e["code"]) == ("lines[1].item_id", "trade_mode_solid_waste")
    assert all(w in e["message"] for w in ("商品 11", "固体废物", "0844", "0864")), e["message"]
    assert nothing_written()
