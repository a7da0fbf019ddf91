"""A processing (H) book's lists take the trade modes of its recorded kind (进料加工 or 来料加工): a mode of the
other kind is refused on `trade_mode` naming its counterpart, and a mode of either kind is refused while the book
does not record its kind, pointing to the book's page; through the domain, the API, the correction and change
services, the import (page and CLI) and the list form, writing nothing."""

from __future__ import annotations

import json
import re
import uuid
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone
from django.utils.translation import override

from bondzone.core.domain.errors import DomainError
from bondzone.core.messages import render
from bondzone.supervision import services
from bondzone.supervision.domain.codes import (
    LEFTOVER_DOMESTIC_MODE, PROCESSING_MODE_PAIRS, TRADE_MODES, ProcessingKind, counterpart_mode, processing_kind_of,
)
from bondzone.supervision.domain.validation import BookInfo, ItemInfo, validate_list
from bondzone.supervision.models import AccountBook, VerificationList

from ..conftest import PASSWORD, key
from .test_api import snapshot

IMPORTED, SUPPLIED = ProcessingKind.IMPORTED, ProcessingKind.SUPPLIED

# GACC 监管方式代码表 (docs/domain-customs.md §4.1), written out rather than read from the code under test
REGULATION = {
    "5015": IMPORTED, "5014": SUPPLIED,  # 区内进料加工货物 / 区内来料加工
    "0664": IMPORTED, "0265": SUPPLIED,  # 进料 / 来料料件复出
    "0700": IMPORTED, "0300": SUPPLIED,  # 进料 / 来料料件退换
    "4600": IMPORTED, "4400": SUPPLIED,  # 进料 / 来料成品退换
    "0844": IMPORTED, "0845": SUPPLIED,  # 进料 / 来料边角料内销
    "0864": IMPORTED, "0865": SUPPLIED,  # 进料 / 来料边角料复出
    "0444": IMPORTED, "0445": SUPPLIED,  # 保区进料 / 来料成品
    "0544": IMPORTED, "0545": SUPPLIED,  # 保区进料 / 来料料件
}


# ---------------------------------------------------------------- the pure mapping
@pytest.mark.parametrize("code, kind", sorted(REGULATION.items()))
def test_each_mode_of_a_pair_belongs_to_its_kind_and_names_its_counterpart(code, kind):
    assert processing_kind_of(code) is kind
    other = counterpart_mode(code)
    assert REGULATION[other] is not kind and counterpart_mode(other) == code


@pytest.mark.parametrize("code", ["5000", "5100", "5034", "5200", "0200", "0400", "9700", "1371", "1200", "9900",
                                  "0000", ""])
def test_modes_of_both_kinds_and_unknown_codes_belong_to_none(code):
    assert processing_kind_of(code) is None and counterpart_mode(code) is None


def test_the_pairs_cover_every_进料_and_来料_mode_of_the_code_table():
    named = {code: IMPORTED if "进料" in m.name_zh else SUPPLIED
             for code, m in TRADE_MODES.items() if "进料" in m.name_zh or "来料" in m.name_zh}
    assert {code: processing_kind_of(code) for code in TRADE_MODES if processing_kind_of(code)} == named == REGULATION
    assert {c for pair in PROCESSING_MODE_PAIRS for c in pair} <= set(TRADE_MODES)


def test_scrap_sold_inland_takes_the_mode_of_the_books_kind():
    assert {kind: processing_kind_of(mode) for kind, mode in LEFTOVER_DOMESTIC_MODE.items()} == {
        IMPORTED: IMPORTED, SUPPLIED: SUPPLIED}


# ---------------------------------------------------------------- the rule, in the domain
ITEMS = {1: ItemInfo(1, "I", ("007",)), 2: ItemInfo(2, "E", ("007",))}


def h_book(kind: str) -> BookInfo:
    return BookInfo("H01101000001", "H", date(2020, 1, 1), date(2030, 1, 1), processing_kind=kind,
                    page="/supervision/books/7/")


def listing(mode, direction="I", item_kind="I"):
    return {"direction": direction, "trade_mode": mode, "item_kind": item_kind,
            "lines": [{"item_no": 1 if item_kind == "I" else 2, "quantity": "1", "unit": "007"}]}


@pytest.mark.parametrize("kind, data, counterpart", [
    ("imported", listing("5014"), "5015"),
    ("imported", listing("0265", "E"), "0664"),
    ("imported", listing("4400", "E", "E"), "4600"),
    ("supplied", listing("5015"), "5014"),
    ("supplied", listing("0664", "E"), "0265"),
    ("supplied", listing("0700", "E"), "0300"),
])
def test_a_mode_of_the_other_kind_is_refused_naming_its_counterpart(kind, data, counterpart):
    validated, problems = validate_list(data, h_book(kind), ITEMS)
    assert validated is None
    assert [(p.field, p.code) for p in problems] == [("trade_mode", "trade_mode_other_processing_kind")]
    assert problems[0].params["counterpart"] == counterpart


@pytest.mark.parametrize("kind, data", [
    ("imported", listing("5015")), ("imported", listing("0664", "E")), ("imported", listing("4600", "E", "E")),
    ("supplied", listing("5014")), ("supplied", listing("0265", "E")), ("supplied", listing("0300", "I")),
    ("", listing("5000", "E")), ("", listing("5100", "E", "E")), ("", listing("9700", "E")),
])
def test_a_mode_of_the_books_kind_or_of_both_kinds_is_allowed(kind, data):
    assert validate_list(data, h_book(kind), ITEMS)[1] == []


def test_a_book_without_its_kind_refuses_the_modes_of_either_kind_pointing_to_its_page():
    for mode in ("5015", "5014"):
        _, [p] = validate_list(listing(mode), h_book(""), ITEMS)
        assert (p.field, p.code) == ("trade_mode", "processing_kind_not_recorded")
        assert p.params["page"] == "/supervision/books/7/" and p.params["modes"] in ("5015 / 5014", "5014 / 5015")


def test_a_logistics_book_is_refused_the_mode_for_its_book_kind_only():
    t_book = BookInfo("T0110W000001", "T", date(2020, 1, 1), date(2030, 1, 1))
    _, problems = validate_list(listing("5015"), t_book, ITEMS)
    assert [p.code for p in problems] == ["trade_mode_not_for_book"]


def test_the_refusals_read_in_both_languages():
    _, [other] = validate_list(listing("5014"), h_book("imported"), ITEMS)
    _, [unrecorded] = validate_list(listing("5014"), h_book(""), ITEMS)
    with override("en"):
        assert re.search(r"5014 区内来料加工 is for supplied materials \(来料加工\).*H01101000001.*imported materials "
                         r"\(进料加工\).*5015 区内进料加工货物", render(other)), render(other)
        text = render(unrecorded)
        assert "5014 / 5015" in text and "processing kind" in text and "/supervision/books/7/" in text
    with override("zh-hans"):
        assert re.search(r"5014 区内来料加工 用于来料加工.*记录为进料加工.*5015 区内进料加工货物", render(other)), render(other)
        text = render(unrecorded)
        assert "5014 / 5015" in text and "加工类型" in text and "/supervision/books/7/" in text


# ---------------------------------------------------------------- through the services, the API, the CLI, the page
def make_book(world, number: str, kind: str) -> AccountBook:
    customs = world.actor("customs")
    today = timezone.localdate()
    book = services.create_book(actor=customs, enterprise_id=world.ent_a.pk, number=number, kind="H",
                                valid_from=today - timedelta(days=30), valid_until=today + timedelta(days=300),
                                processing_kind=kind)
    for item_no, item_kind in ((1, "I"), (2, "E")):
        services.add_item(actor=customs, book_id=book.pk, data={
            "item_no": item_no, "hs_code": "8803300000", "name_zh": f"零件{item_no}", "kind": item_kind,
            "declared_unit": "007", "legal_unit": "007"})
    return book


@pytest.fixture
def books(world):
    return {kind: make_book(world, number, kind)
            for kind, number in (("imported", "H01101000001"), ("supplied", "H01101000002"), ("", "H01101000003"))}


def api_post(book, mode, lang="en"):
    c = Client()
    assert c.login(username="ent_a", password=PASSWORD)
    return c.post("/api/v1/lists", json.dumps({"book_id": book.pk, **listing(mode)}), content_type="application/json",
                  HTTP_IDEMPOTENCY_KEY=uuid.uuid4().hex, HTTP_ACCEPT_LANGUAGE=lang)


@pytest.mark.parametrize("kind, mode, code", [
    ("imported", "5014", "trade_mode_other_processing_kind"),
    ("supplied", "5015", "trade_mode_other_processing_kind"),
    ("", "5015", "processing_kind_not_recorded"),
    ("", "5014", "processing_kind_not_recorded"),
])
def test_api_refuses_a_mode_the_books_kind_does_not_take_and_writes_nothing(books, kind, mode, code):
    before = snapshot()
    r = api_post(books[kind], mode)
    assert r.status_code == 400, r.content
    [err] = r.json()["errors"]
    assert (err["field"], err["code"]) == ("trade_mode", code) and mode in err["message"]
    if not kind:
        assert f"/supervision/books/{books[kind].pk}/" in err["message"]
    assert snapshot() == before


def test_api_takes_each_books_own_modes_and_the_modes_of_both_kinds(books):
    for kind, mode in (("imported", "5015"), ("supplied", "5014"), ("", "5034")):
        r = api_post(books[kind], mode)
        assert r.status_code == 201, r.content


def test_a_kind_recorded_later_lets_the_book_take_its_modes(books, world):
    book = books[""]
    assert api_post(book, "5014").status_code == 400
    services.set_processing_kind(actor=world.actor("customs"), book_id=book.pk, processing_kind="supplied")
    assert api_post(book, "5014").status_code == 201


def test_correcting_a_draft_and_changing_an_approved_list_keep_to_the_kind(books, world):
    owner, customs = world.actor("ent_a"), world.actor("customs")
    vlist = services.create_list(actor=owner, book_id=books["imported"].pk, data=listing("5015"),
                                 idempotency_key=key())
    with pytest.raises(DomainError) as err:
        services.correct_list(actor=owner, list_id=vlist.pk, data=listing("5014"), idempotency_key=key())
    assert [(p.field, p.code) for p in err.value.problems] == [("trade_mode", "trade_mode_other_processing_kind")]
    services.submit_list(actor=owner, list_id=vlist.pk, idempotency_key=key())
    services.approve_list(actor=customs, list_id=vlist.pk, idempotency_key=key())
    with pytest.raises(DomainError) as err:
        services.change_list(actor=owner, list_id=vlist.pk, changes={"trade_mode": "5014"}, reason="改为来料",
                             idempotency_key=key())
    assert [(p.field, p.code) for p in err.value.problems] == [("trade_mode", "trade_mode_other_processing_kind")]
    vlist.refresh_from_db()
    assert (vlist.trade_mode, vlist.change_count) == ("5015", 0)


def test_cli_import_refuses_with_a_sentence_and_writes_nothing(books, tmp_path: Path):
    f = tmp_path / "lists.csv"
    f.write_text("inner_no,direction,trade_mode,item_no,quantity,unit,goods_status\n"
                 "ERP-1,I,5014,1,2,007,bonded\nERP-2,I,5015,1,3,007,bonded\n", encoding="utf-8")
    before = snapshot()
    with pytest.raises(CommandError) as err:
        call_command("import_lists", str(f), "--book", str(books["supplied"].pk), "--user", "ent_a")
    assert re.search(r"row 3: .*trade_mode.*5015 区内进料加工货物.*来料加工.*5014 区内来料加工", str(err.value)), err.value
    assert snapshot() == before


def test_the_list_form_shows_the_refusal_under_the_trade_mode(books):
    c = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert c.login(username="ent_a", password=PASSWORD)
    r = c.post("/supervision/lists/new/", {
        "idempotency_key": key(), "book_id": books["imported"].pk, "direction": "I", "trade_mode": "5014",
        "list_type": "0", "item_kind": "I", "line-item_no": ["1"], "line-quantity": ["2"], "line-unit": ["007"],
        "line-value": ["1"], "line-currency": ["142"], "line-goods_status": ["bonded"]})
    page = r.content.decode()
    assert r.status_code == 400 and not VerificationList.objects.exists()
    field = page.split('<label for="trade_mode">', 1)[1].split("</div>", 1)[0]
    assert re.search(r'<option value="5014"\s+selected', field)
    assert 'aria-invalid="true"' in field and 'data-field="trade_mode"' in field
    assert "记录为进料加工" in field and "5015 区内进料加工货物" in field
