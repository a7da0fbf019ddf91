"""Scrap (边角料), by-products (副产品) and defective goods (残次品) through the services: recorded as the book's
own items, booked there by a production report, and leaving only by their own lists and trade modes."""

from __future__ import annotations

from decimal import Decimal as D
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils.translation import override

from bondzone.core.domain.errors import DomainError
from bondzone.core.messages import render
from bondzone.processing.models import ProductionReport
from bondzone.supervision import services as ledger
from bondzone.supervision.models import BookItem, StockEntry, VerificationList

from ..conftest import PASSWORD, key
from .test_services import approved_bom, codes, produce, stock


def out_list(h, trade_mode, item_no, quantity="1", item_kind="I", direction="E", list_type="0"):
    unit = BookItem.objects.get(book=h.book, item_no=item_no).declared_unit
    return ledger.create_list(actor=h.actor("ent_a"), book_id=h.book.pk, idempotency_key=key(), data={
        "direction": direction, "trade_mode": trade_mode, "item_kind": item_kind, "list_type": list_type,
        "lines": [{"item_no": item_no, "quantity": quantity, "unit": unit, "goods_status": "bonded", "value": "1.00"}]})


@pytest.fixture
def produced(hbook):
    approved_bom(hbook)
    produce(hbook, [{"item_no": 10, "quantity": "3"}, {"item_no": 12, "kind": "defective", "quantity": "1"},
                    {"item_no": 11, "kind": "scrap", "quantity": "0.8"}, {"item_no": 13, "kind": "by_product",
                                                                         "quantity": "0.3"}])
    return hbook


def test_a_report_booking_scrap_to_a_finished_item_is_refused_and_posts_nothing(hbook):
    approved_bom(hbook)
    before = (ProductionReport.objects.count(), StockEntry.objects.count(), stock(hbook, 1), stock(hbook, 10))
    with pytest.raises(DomainError) as exc:
        produce(hbook, [{"item_no": 10, "quantity": "1"}, {"item_no": 10, "kind": "scrap", "quantity": "0.5"}])
    assert codes(exc) == [("outputs[2].item_no", "output_needs_leftover_item")]
    assert exc.value.problems[0].params["allowed"] == "11"
    with pytest.raises(DomainError) as exc:
        produce(hbook, [{"item_no": 10, "kind": "defective", "quantity": "1"}])
    assert codes(exc) == [("outputs[1].item_no", "output_needs_leftover_item")]
    assert exc.value.problems[0].params["allowed"] == "12"
    assert (ProductionReport.objects.count(), StockEntry.objects.count(), stock(hbook, 1), stock(hbook, 10)) == before


def test_leftovers_are_accounts_of_their_own_and_the_books_verify(produced):
    assert [stock(produced, n) for n in (10, 12, 11, 13)] == [D("3"), D("1"), D("0.8"), D("0.3")]
    out = StringIO()
    call_command("verify_books", stdout=out)
    assert "发现 0 个问题" in out.getvalue()


@pytest.mark.parametrize("trade_mode, item_no, item_kind, code", [
    ("0664", 11, "I", "trade_mode_not_for_leftover"),  # scrap is not re-exported as materials
    ("5000", 13, "I", "trade_mode_not_for_leftover"),  # nor a by-product taken out as materials
    ("0844", 1, "I", "trade_mode_leftover_only"),  # ordinary copper does not leave as scrap
    ("5200", 2, "I", "trade_mode_leftover_only"),
    ("1200", 12, "E", "trade_mode_not_for_leftover"),  # defective motors: not an inter-zone transfer of goods
    ("4561", 12, "E", "trade_mode_not_for_leftover"),
])
def test_lists_refuse_the_wrong_modes_and_write_nothing(produced, trade_mode, item_no, item_kind, code):
    before = VerificationList.objects.count()
    with pytest.raises(DomainError) as exc:
        out_list(produced, trade_mode, item_no, item_kind=item_kind)
    assert codes(exc) == [("lines[1].item_no", code)]
    assert exc.value.problems[0].params["rule"] == f"trade_mode_use_{trade_mode}"
    assert VerificationList.objects.count() == before


def test_leftovers_enter_only_by_a_production_report(produced):
    with pytest.raises(DomainError) as exc:
        out_list(produced, "5015", 11, direction="I")
    assert codes(exc) == [("lines[1].item_no", "trade_mode_leftover_inbound")]


@pytest.mark.parametrize("trade_mode, item_no, item_kind, list_type", [
    ("0844", 11, "I", "0"), ("0844", 13, "I", "0"), ("0864", 11, "I", "0"), ("5200", 11, "I", "0"),
    ("0400", 11, "I", "0"), ("5100", 12, "E", "0"), ("4600", 12, "E", "0"), ("0400", 12, "E", "0"),
])
def test_each_leaves_by_its_own_modes(produced, trade_mode, item_no, item_kind, list_type):
    vlist = out_list(produced, trade_mode, item_no, quantity="0.1" if item_kind == "I" else "1", item_kind=item_kind,
                     list_type=list_type)
    owner, customs = produced.actor("ent_a"), produced.actor("customs")
    ledger.submit_list(actor=owner, list_id=vlist.pk, idempotency_key=key())
    vlist = ledger.approve_list(actor=customs, list_id=vlist.pk, idempotency_key=key())
    assert vlist.status == "approved"


def test_defective_goods_cannot_leave_as_good_finished_goods(produced):
    """The good stock holds only the good motors: a list for 4 good motors is short, whatever the defective."""
    vlist = out_list(produced, "5100", 10, quantity="4", item_kind="E")
    ledger.submit_list(actor=produced.actor("ent_a"), list_id=vlist.pk, idempotency_key=key())
    with pytest.raises(DomainError) as exc:
        ledger.approve_list(actor=produced.actor("customs"), list_id=vlist.pk, idempotency_key=key())
    assert [p.code for p in exc.value.problems] == ["insufficient_stock"]


def test_a_changed_trade_mode_follows_the_leftover_rule(produced):
    vlist = out_list(produced, "0844", 11, quantity="0.1")
    owner, customs = produced.actor("ent_a"), produced.actor("customs")
    ledger.submit_list(actor=owner, list_id=vlist.pk, idempotency_key=key())
    ledger.approve_list(actor=customs, list_id=vlist.pk, idempotency_key=key())
    with pytest.raises(DomainError) as exc:
        ledger.change_list(actor=owner, list_id=vlist.pk, changes={"trade_mode": "0664"}, reason="x",
                           idempotency_key=key())
    assert codes(exc) == [("lines[1].item_no", "trade_mode_not_for_leftover")]


@pytest.mark.parametrize("data, refused", [
    ({"kind": "E", "leftover": "scrap"}, ("kind", "leftover_item_kind")),
    ({"kind": "I", "leftover": "defective", "leftover_of": 10}, ("kind", "leftover_item_kind")),
    ({"kind": "E", "leftover": "defective"}, ("leftover_of", "required")),
    ({"kind": "E", "leftover": "defective", "leftover_of": 1}, ("leftover_of", "leftover_of_not_finished")),
    ({"kind": "E", "leftover": "defective", "leftover_of": 12}, ("leftover_of", "leftover_of_not_finished")),
    ({"kind": "I", "leftover": "scrap", "leftover_of": 1}, ("leftover_of", "leftover_of_defective_only")),
    ({"kind": "I", "leftover": "waste"}, ("leftover", "bad_choice")),
])
def test_leftover_items_are_recorded_with_their_kind(hbook, data, refused):
    with pytest.raises(DomainError) as exc:
        ledger.add_item(actor=hbook.actor("customs"), book_id=hbook.book.pk, data={
            "item_no": 20, "hs_code": "7404000090", "name_zh": "x", "declared_unit": "035", "legal_unit": "035", **data})
    assert codes(exc) == [refused]
    assert not BookItem.objects.filter(book=hbook.book, item_no=20).exists()


def test_a_logistics_book_records_no_leftovers(world):
    with pytest.raises(DomainError) as exc:
        ledger.add_item(actor=world.actor("customs"), book_id=world.book_a.pk, data={
            "item_no": 99, "kind": "I", "leftover": "scrap", "hs_code": "7404000090", "name_zh": "x",
            "declared_unit": "035", "legal_unit": "035"})
    assert codes(exc) == [("leftover", "leftover_needs_processing_book")]


def test_api_records_a_leftover_item_and_refuses_a_wrong_kind(hbook):
    client = Client()
    assert client.login(username="customs", password=PASSWORD)
    url = f"/api/v1/books/{hbook.book.pk}/items"
    body = {"item_no": 21, "hs_code": "7404000090", "name_zh": "铜屑", "declared_unit": "035", "legal_unit": "035",
            "kind": "E", "leftover": "scrap"}
    r = client.post(url, json.dumps(body), content_type="application/json", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert r.status_code == 400, r.content
    [err] = r.json()["errors"]
    assert (err["field"], err["code"]) == ("kind", "leftover_item_kind") and "边角料" in err["message"]
    r = client.post(url, json.dumps({**body, "kind": "I"}), content_type="application/json")
    assert r.status_code == 201, r.content
    assert (r.json()["leftover"], r.json()["kind"]) == ("scrap", "I")


@pytest.mark.parametrize("language, words", [("en", ("scrap", "0844")), ("zh-hans", ("边角料", "0844"))])
def test_a_wrong_mode_is_refused_with_a_reason_in_both_languages(produced, language, words):
    with pytest.raises(DomainError) as exc:
        out_list(produced, "0664", 11)
    with override(language):
        text = render(exc.value.problems[0])
    assert all(w in text for w in words), text


@pytest.mark.parametrize("language, label", [("en", "scrap"), ("zh-hans", "边角料")])
def test_the_book_page_marks_the_leftover_items(hbook, language, label):
    client = Client()
    assert client.login(username="ent_a", password=PASSWORD)
    page = client.get(f"/processing/books/{hbook.book.pk}/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert f'data-leftover="scrap">{label}<' in page
    assert page.count("data-leftover=") == 3  # items 11, 12 and 13; the ordinary ones carry no mark
