"""固体废物 (solid waste) may not go into China since 2021 (公告2020年第53号; docs/domain-customs.md §1.1): customs marks
an H book's item as solid waste (item form, API, 备案变更) and no list takes it to 境内区外 — not by a second-line
outbound mode (5000, 5100, 5200, 0844 / 0845 …), not duty-paid in the zone — through the pure domain, so create,
correct, 变更, the API and the import refuse it alike, naming the item and the modes that remain; nothing written."""

from __future__ import annotations

import csv
import io
import json
import uuid
from datetime import date
from decimal import Decimal as D
from types import SimpleNamespace

import pytest
from django.test import Client
from django.utils.translation import override

from bondzone.core.domain.errors import DomainError
from bondzone.core.messages import render
from bondzone.core.models import AuditEvent
from bondzone.supervision import services
from bondzone.supervision.domain import trade_modes
from bondzone.supervision.domain.posting import Move
from bondzone.supervision.domain.validation import BookInfo, ItemInfo, validate_item, validate_list
from bondzone.supervision.models import BookItem
from tests.conftest import PASSWORD, key
from tests.processing.conftest import hbook  # noqa: F401  (the H book fixture)

from .test_api import snapshot

H_BOOK = BookInfo("H01101000001", "H", date(2020, 1, 1), date(2030, 1, 1), processing_kind="imported")
WASTE = {1: ItemInfo(1, "I", ("007",), solid_waste=True),
         2: ItemInfo(2, "E", ("007",), solid_waste=True),
         3: ItemInfo(3, "I", ("007",), leftover="scrap", solid_waste=True),
         4: ItemInfo(4, "E", ("007",), leftover="defective", solid_waste=True),
         5: ItemInfo(5, "I", ("007",), leftover="by_product", solid_waste=True),
         6: ItemInfo(6, "I", ("007",), leftover="scrap")}


def listing(mode, item, direction="E", item_kind="I", target=""):
    return {"direction": direction, "trade_mode": mode, "item_kind": item_kind,
            "lines": [{"item_no": item, "quantity": "1", "unit": "007", "goods_status": "bonded",
                       **({"target_status": target} if target else {})}]}


def refusals(data, items=WASTE):
    _, problems = validate_list(data, H_BOOK, items)
    return [(p.field, p.code) for p in problems]


# --- the pure domain --------------------------------------------------------------------------------------


def test_the_inland_modes_are_the_second_line_outbound_rows_of_the_table():
    assert trade_modes.INLAND_MODES == {"0844", "0845", "1210", "1239", "1500", "1523", "5000", "5100", "5200",
                                        "5300"}


@pytest.mark.parametrize("mode, item, kind", [
    ("0844", 3, "I"),  # 边角料内销
    ("0844", 5, "I"),  # a by-product sold inland
    ("5200", 3, "I"),  # scrap taken out to 境内区外
    ("5100", 4, "E"),  # defective goods sold inland
    ("5100", 2, "E"),  # finished goods out to domestic
    ("5000", 1, "I"),  # materials out to domestic
    ("5300", 1, "I"),
])
def test_a_list_taking_solid_waste_inland_is_refused_naming_the_item(mode, item, kind):
    assert ("lines[1].item_no", "trade_mode_solid_waste") in refusals(listing(mode, item, item_kind=kind))


@pytest.mark.parametrize("mode, item, kind", [
    ("0864", 3, "I"), ("0200", 3, "I"), ("0400", 3, "I"),  # re-export, destruction
    ("5015", 4, "E"), ("4600", 4, "E"), ("0400", 4, "E"),  # defective goods exported, exchanged, destroyed
    ("5034", 1, "I"), ("0664", 1, "I"), ("1200", 2, "E"),  # abroad, or to another bonded area
])
def test_solid_waste_still_leaves_by_the_modes_that_do_not_go_inland(mode, item, kind):
    assert refusals(listing(mode, item, item_kind=kind)) == []


def test_unmarked_scrap_is_still_sold_inland():
    assert refusals(listing("0844", 6)) == []


def test_a_status_change_to_duty_paid_is_a_domestic_sale_in_place_and_is_refused():
    assert refusals(listing("9900", 1, target="duty_paid")) == [("lines[1].item_no", "trade_mode_solid_waste")]
    assert refusals(listing("9900", 1, target="non_bonded")) == []  # a warehouse door inside the zone


def test_the_refusal_names_the_item_the_mode_and_the_modes_that_remain():
    _, problems = validate_list(listing("0844", 3), H_BOOK, WASTE)
    [p] = problems
    assert p.params["allowed"] == "0200, 0400, 0864, 9700" and p.params["item"] == 3 and p.params["mode"] == "0844"
    _, [p] = validate_list(listing("5100", 4, item_kind="E"), H_BOOK, WASTE)
    assert p.params["allowed"] == "0400, 4600, 5015, 9700"
    for language, words in (("en", ("item 3", "solid waste", "0844", "0200, 0400, 0864, 9700")),
                            ("zh-hans", ("商品 3", "固体废物", "0844", "0200, 0400, 0864, 9700"))):
        with override(language):
            text = render(validate_list(listing("0844", 3), H_BOOK, WASTE)[1][0])
        assert all(w in text for w in words), text


def test_the_modes_that_remain_follow_the_books_processing_kind():
    supplied = SimpleNamespace(kind="H", processing_kind="supplied")
    assert trade_modes.solid_waste_modes(WASTE[3], supplied) == {"0200", "0400", "0865", "9700"}
    assert trade_modes.solid_waste_modes(WASTE[4], supplied) == {"0400", "4400", "5014", "9700"}


@pytest.mark.parametrize("raw, marked", [(True, True), ("1", True), ("on", True), ("true", True), (False, False),
                                         ("", False), (None, False), ("0", False)])
def test_the_item_field_reads_a_checkbox_a_boolean_or_a_file_cell(raw, marked):
    clean, problems = validate_item({"item_no": 1, "hs_code": "7404000090", "name_zh": "铜边角料",
                                     "declared_unit": "035", "legal_unit": "035", "solid_waste": raw})
    assert problems == [] and clean["solid_waste"] is marked


def test_an_unreadable_mark_is_refused_on_its_field():
    _, problems = validate_item({"item_no": 1, "hs_code": "7404000090", "name_zh": "铜边角料",
                                 "declared_unit": "035", "legal_unit": "035", "solid_waste": "maybe"})
    assert [(p.field, p.code) for p in problems] == [("solid_waste", "bad_choice")]


# --- services ----------------------------------------------------------------------------------------------


@pytest.fixture
def waste_book(hbook):  # noqa: F811
    """The H book with 0.8 kg of copper scrap (item 11) and one defective motor (item 12) booked by a production
    report; customs has marked the scrap as solid waste."""
    services.post_document(actor=hbook.actor("ent_a"), book_id=hbook.book.pk, source_kind="production", source_id=1,
                           moves=[Move(1, 11, "bonded", D("0.8")), Move(2, 12, "bonded", D(1))], event_id=key(),
                           idempotency_key=key())
    mark(hbook, 11)
    return hbook


def mark(h, item_no, value=True):
    return services.change_item(actor=h.actor("customs"), book_id=h.book.pk, item_no=item_no,
                                data={"solid_waste": value}, idempotency_key=key())


def out_list(h, mode, item_no=11, quantity="0.5", unit="035", kind="I"):
    return services.create_list(actor=h.actor("ent_a"), book_id=h.book.pk, idempotency_key=key(), data={
        "direction": "E", "trade_mode": mode, "item_kind": kind,
        "lines": [{"item_no": item_no, "quantity": quantity, "unit": unit, "goods_status": "bonded", "value": "1"}]})


def test_customs_marks_the_item_in_one_audited_change(waste_book):
    item = BookItem.objects.get(book=waste_book.book, item_no=11)
    assert item.solid_waste is True
    event = AuditEvent.objects.filter(action="book_item.change").latest("pk")
    assert (event.before, event.after) == ({"solid_waste": "False"}, {"solid_waste": "True"})


def test_create_refuses_the_domestic_sale_and_writes_nothing(waste_book):
    before = snapshot()
    with pytest.raises(DomainError) as exc:
        out_list(waste_book, "0844")
    assert [(p.field, p.code) for p in exc.value.problems] == [("lines[1].item_no", "trade_mode_solid_waste")]
    assert snapshot() == before
    assert out_list(waste_book, "0864").status == "draft"  # re-export stays open


def test_customs_clears_the_mark_once_the_goods_are_no_longer_waste(waste_book):
    mark(waste_book, 11, False)
    assert out_list(waste_book, "0844").trade_mode == "0844"


def test_defective_goods_marked_as_solid_waste_are_not_sold_inland(waste_book):
    mark(waste_book, 12)
    with pytest.raises(DomainError) as exc:
        out_list(waste_book, "5100", item_no=12, quantity="1", unit="007", kind="E")
    assert exc.value.problems[0].params["allowed"] == "0400, 4600, 5015, 9700"


def test_correct_refuses_a_domestic_sale_of_solid_waste(waste_book):
    h = waste_book
    draft = out_list(h, "0864")
    data = {"direction": "E", "trade_mode": "0844", "item_kind": "I",
            "lines": [{"item_no": 11, "quantity": "0.5", "unit": "035", "goods_status": "bonded", "value": "1"}]}
    with pytest.raises(DomainError) as exc:
        services.correct_list(actor=h.actor("ent_a"), list_id=draft.pk, data=data, idempotency_key=key())
    assert [(p.field, p.code) for p in exc.value.problems] == [("lines[1].item_no", "trade_mode_solid_waste")]
    draft.refresh_from_db()
    assert draft.trade_mode == "0864"


def test_a_change_after_approval_may_not_turn_the_re_export_into_a_domestic_sale(waste_book):
    h = waste_book
    v = out_list(h, "0864")
    services.submit_list(actor=h.actor("ent_a"), list_id=v.pk, idempotency_key=key())
    v = services.approve_list(actor=h.actor("customs"), list_id=v.pk, idempotency_key=key())
    assert v.posting_state == "reserved"
    with pytest.raises(DomainError) as exc:
        services.change_list(actor=h.actor("ent_a"), list_id=v.pk, changes={"trade_mode": "0844"},
                             reason="内销", idempotency_key=key())
    assert ("lines[1].item_no", "trade_mode_solid_waste") in [(p.field, p.code) for p in exc.value.problems]
    v.refresh_from_db()
    assert (v.trade_mode, v.change_count) == ("0864", 0)


def test_a_logistics_book_records_no_solid_waste(world):
    before = snapshot()
    with pytest.raises(DomainError) as exc:
        services.add_item(actor=world.actor("customs"), book_id=world.book_a.pk, data={
            "item_no": 99, "hs_code": "7404000090", "name_zh": "废铜", "declared_unit": "035", "legal_unit": "035",
            "solid_waste": True})
    assert [(p.field, p.code) for p in exc.value.problems] == [("solid_waste", "solid_waste_needs_processing_book")]
    assert snapshot() == before
    with pytest.raises(DomainError):
        services.change_item(actor=world.actor("customs"), book_id=world.book_a.pk, item_no=1,
                             data={"solid_waste": True}, idempotency_key=key())
    assert not BookItem.objects.filter(solid_waste=True).exists()


# --- API, import, pages ------------------------------------------------------------------------------------


def client_of(user, language="en"):
    c = Client(HTTP_ACCEPT_LANGUAGE=language)
    assert c.login(username=user, password=PASSWORD)
    return c


def test_api_records_and_changes_the_mark(hbook):  # noqa: F811
    c = client_of("customs")
    r = c.post(f"/api/v1/books/{hbook.book.pk}/items", json.dumps({
        "item_no": 20, "hs_code": "7404000090", "name_zh": "铜屑", "declared_unit": "035", "legal_unit": "035",
        "leftover": "scrap", "solid_waste": True}), content_type="application/json")
    assert r.status_code == 201, r.content
    assert r.json()["solid_waste"] is True
    r = c.patch(f"/api/v1/books/{hbook.book.pk}/items/20", json.dumps({"solid_waste": False}),
                content_type="application/json", HTTP_IDEMPOTENCY_KEY=key())
    assert r.status_code == 200 and r.json()["solid_waste"] is False
    assert [i["solid_waste"] for i in c.get(f"/api/v1/books/{hbook.book.pk}/items").json()["items"]
            if i["item_no"] == 20] \
        == [False]


def test_api_refuses_the_mark_on_a_logistics_book_by_field(world):
    before = snapshot()
    r = client_of("customs").patch(f"/api/v1/books/{world.book_a.pk}/items/1", json.dumps({"solid_waste": True}),
                                   content_type="application/json", HTTP_IDEMPOTENCY_KEY=key())
    assert r.status_code == 400, r.content
    [err] = r.json()["errors"]
    assert (err["field"], err["code"]) == ("solid_waste", "solid_waste_needs_processing_book")
    assert world.book_a.number in err["message"]
    assert snapshot() == before


def test_api_refuses_the_list_by_field_and_writes_nothing(waste_book):
    before = snapshot()
    body = {"book_id": waste_book.book.pk, **listing("0844", 11)}
    body["lines"][0].update(unit="035", quantity="0.5")
    for language, words in (("en", ("item 11", "solid waste", "0864")), ("zh-hans", ("商品 11", "固体废物", "0864"))):
        r = client_of("ent_a", language).post("/api/v1/lists", json.dumps(body), content_type="application/json",
                                              HTTP_IDEMPOTENCY_KEY=uuid.uuid4().hex)
        assert r.status_code == 400, r.content
        [err] = r.json()["errors"]
        assert (err["field"], err["code"]) == ("lines[1].item_no", "trade_mode_solid_waste")
        assert all(w in err["message"] for w in words), err["message"]
    assert snapshot() == before


def test_import_refuses_the_row(waste_book):
    h = waste_book
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=["inner_no", "direction", "trade_mode", "item_no", "quantity", "unit",
                                        "goods_status"])
    w.writeheader()
    w.writerow({"inner_no": "ERP-9", "direction": "E", "trade_mode": "0844", "item_no": 11, "quantity": "0.5",
                "unit": "035", "goods_status": "bonded"})
    from django.core.files.uploadedfile import SimpleUploadedFile

    before = snapshot()
    r = client_of("ent_a").post("/api/v1/lists/import", {
        "book_id": h.book.pk, "file": SimpleUploadedFile("lists.csv", buf.getvalue().encode())},
        HTTP_IDEMPOTENCY_KEY=key())
    assert r.status_code == 400, r.content
    messages = [e["message"] for e in r.json()["errors"]]
    assert any(m.startswith("row 2, item_no") and "solid waste" in m and "0864" in m for m in messages), messages
    assert snapshot() == before


def test_the_item_form_marks_the_item_and_the_book_page_shows_it(hbook):  # noqa: F811
    c = client_of("customs")
    url = f"/supervision/books/{hbook.book.pk}/items/11/edit/"
    page = c.get(url).content.decode()
    assert 'name="solid_waste"' in page
    form = {f: "" for f in ("part_no", "name_en", "spec", "second_unit", "second_factor", "origin_country",
                            "leftover_of")}
    form.update(item_no="11", hs_code="7404000090", name_zh="铜边角料", kind="I", declared_unit="035",
                legal_unit="035", legal_factor="1", currency="142", unit_price="10", leftover="scrap",
                solid_waste="1", idempotency_key=key())
    r = c.post(url, form)
    assert r.status_code == 302, r.content
    assert BookItem.objects.get(book=hbook.book, item_no=11).solid_waste is True
    assert 'checked' in c.get(url).content.decode().split('name="solid_waste"')[1].split(">")[0]
    book_page = c.get(f"/supervision/books/{hbook.book.pk}/").content.decode()
    assert book_page.count('data-solid-waste="1"') == 1
    form.update(solid_waste="", idempotency_key=key())  # the box unticked clears the mark
    assert c.post(url, form).status_code == 302
    assert BookItem.objects.get(book=hbook.book, item_no=11).solid_waste is False


def test_a_logistics_books_item_form_has_no_solid_waste_box(world):
    assert 'name="solid_waste"' not in client_of("customs").get(
        f"/supervision/books/{world.book_a.pk}/items/1/edit/").content.decode()



def test_approval_refuses_a_list_of_an_item_marked_after_it_was_filed(hbook):  # noqa: F811
    h = hbook
    services.post_document(actor=h.actor("ent_a"), book_id=h.book.pk, source_kind="production", source_id=1,
                           moves=[Move(1, 11, "bonded", D("0.8"))], event_id=key(), idempotency_key=key())
    v = out_list(h, "0844")
    services.submit_list(actor=h.actor("ent_a"), list_id=v.pk, idempotency_key=key())
    mark(h, 11)
    before = snapshot()
    with pytest.raises(DomainError) as exc:
        services.approve_list(actor=h.actor("customs"), list_id=v.pk, idempotency_key=key())
    [p] = exc.value.problems
    assert (p.field, p.code, p.params["allowed"]) == ("lines[1].item_no", "trade_mode_solid_waste",
                                                      "0200, 0400, 0864, 9700")
    v.refresh_from_db()
    assert v.status == "submitted" and v.posting_state == ""
    assert snapshot()[:-1] == before[:-1]  # the idempotency record of the refusal aside, nothing written
    services.reject_list(actor=h.actor("customs"), list_id=v.pk, reason="固体废物")


def test_api_refuses_an_explicit_null_for_the_mark_and_keeps_it_when_left_out(waste_book):
    """null is neither true nor false: refused on its field (as a null name or HS code is), nothing written; a
    PATCH that leaves the field out keeps the mark."""
    c = client_of("customs")
    url = f"/api/v1/books/{waste_book.book.pk}/items/11"
    before = snapshot()
    r = c.patch(url, json.dumps({"solid_waste": None, "name_en": "copper scrap"}), content_type="application/json",
                HTTP_IDEMPOTENCY_KEY=key())
    assert r.status_code == 400, r.content
    [err] = r.json()["errors"]
    assert (err["field"], err["code"]) == ("solid_waste", "null_not_allowed")
    assert snapshot() == before
    item = BookItem.objects.get(book=waste_book.book, item_no=11)
    assert (item.solid_waste, item.name_en) == (True, "")
    r = c.patch(url, json.dumps({"name_en": "copper scrap"}), content_type="application/json",
                HTTP_IDEMPOTENCY_KEY=key())
    assert r.status_code == 200 and r.json()["solid_waste"] is True
