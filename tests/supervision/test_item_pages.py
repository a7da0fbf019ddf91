"""The book's item form (customs records scrap, by-products and defective goods on the page, refused field by
field as the API refuses them, nothing written) and the processing kind (进料 / 来料加工) of an H book: page,
API, refusals, audit row."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from bondzone.core.models import AuditEvent
from bondzone.supervision.models import AccountBook, BookItem
from tests.conftest import PASSWORD
from tests.processing.conftest import hbook  # noqa: F401  (the H book fixture)


def client_of(user: str, language: str = "en") -> Client:
    c = Client(HTTP_ACCEPT_LANGUAGE=language)
    assert c.login(username=user, password=PASSWORD)
    return c


def form(**kw) -> dict:
    return {"item_no": "20", "hs_code": "7404000090", "name_zh": "铜屑", "declared_unit": "035", "legal_unit": "035",
            "currency": "142", **kw}


def test_the_form_offers_the_leftover_kinds_and_the_books_good_finished_items(hbook):  # noqa: F811
    page = client_of("customs").get(f"/supervision/books/{hbook.book.pk}/items/new/").content.decode()
    for value in ("scrap", "by_product", "defective"):
        assert f'<option value="{value}"' in page
    # defective goods name an ordinary finished item: 10 (电机), never 12 (itself defective) nor a material
    offered = page.split('name="leftover_of"')[1].split("</select>")[0]
    assert 'value="10"' in offered and 'value="12"' not in offered and 'value="1"' not in offered
    assert 'value="14"' in page.split('name="item_no"')[1].split(">")[0]  # the next record number (1, 2, 10–13)


@pytest.mark.parametrize("language, label", [("en", "defective goods"), ("zh-hans", "残次品")])
def test_customs_records_scrap_and_defective_items_on_the_page(hbook, language, label):  # noqa: F811
    c = client_of("customs", language)
    url = f"/supervision/books/{hbook.book.pk}/items/new/"
    r = c.post(url, form(kind="I", leftover="scrap"))
    assert r.status_code == 302 and r.url == f"/supervision/books/{hbook.book.pk}/"
    r = c.post(url, form(item_no="21", kind="E", leftover="defective", leftover_of="10", hs_code="8501109990",
                         declared_unit="007", legal_unit="007"))
    assert r.status_code == 302
    assert list(BookItem.objects.filter(book=hbook.book, item_no__in=(20, 21)).order_by("item_no").values_list(
        "kind", "leftover", "leftover_of")) == [("I", "scrap", None), ("E", "defective", 10)]
    assert AuditEvent.objects.filter(action="book_item.create", object_id=str(
        BookItem.objects.get(book=hbook.book, item_no=21).pk)).exists()
    page = c.get(f"/supervision/books/{hbook.book.pk}/").content.decode()
    row = page.split('<tr data-item="21">')[1].split("</tr>")[0]
    assert f'data-leftover="defective">{label}<' in row and "10" in row


@pytest.mark.parametrize("data, field", [
    ({"kind": "E", "leftover": "scrap"}, "kind"),
    ({"kind": "I", "leftover": "defective", "leftover_of": "10"}, "kind"),
    ({"kind": "E", "leftover": "defective"}, "leftover_of"),
    ({"kind": "E", "leftover": "defective", "leftover_of": "1"}, "leftover_of"),
    ({"kind": "E", "leftover": "defective", "leftover_of": "12"}, "leftover_of"),
    ({"kind": "I", "leftover": "scrap", "leftover_of": "10"}, "leftover_of"),
    ({"kind": "I", "leftover": "waste"}, "leftover"),
    ({"kind": "I", "leftover": "scrap", "item_no": "11"}, "item_no"),
])
def test_a_refused_item_marks_its_field_and_writes_nothing(hbook, data, field):  # noqa: F811
    c = client_of("customs")
    before = (BookItem.objects.count(), AuditEvent.objects.filter(action="book_item.create").count())
    r = c.post(f"/supervision/books/{hbook.book.pk}/items/new/", form(**data), follow=True)
    page = r.content.decode()
    assert f'<span class="field-error" id="item-{field}-error" data-field="{field}">' in page
    assert f'id="item-{field}" ' in page and 'aria-invalid="true" aria-describedby="item-' + field in page
    assert 'value="铜屑"' in page  # what was typed stays
    assert (BookItem.objects.count(), AuditEvent.objects.filter(action="book_item.create").count()) == before


def test_refusals_read_in_chinese(hbook):  # noqa: F811
    c = client_of("customs", "zh-hans")
    page = c.post(f"/supervision/books/{hbook.book.pk}/items/new/", form(kind="E", leftover="scrap"),
                  follow=True).content.decode()
    error = page.split('data-field="kind">')[1].split("</span>")[0]
    assert "边角料" in error, error


def test_a_logistics_book_offers_no_leftover_and_refuses_one(hbook):  # noqa: F811
    book = hbook.world.book_a
    c = client_of("customs")
    page = c.get(f"/supervision/books/{book.pk}/items/new/").content.decode()
    assert '<option value="scrap"' not in page
    page = c.post(f"/supervision/books/{book.pk}/items/new/", form(item_no="99", leftover="scrap"),
                  follow=True).content.decode()
    assert 'data-field="leftover"' in page and not BookItem.objects.filter(book=book, item_no=99).exists()


def test_only_customs_records_items(hbook):  # noqa: F811
    c = client_of("ent_a")
    assert c.get(f"/supervision/books/{hbook.book.pk}/items/new/").status_code == 403
    assert c.post(f"/supervision/books/{hbook.book.pk}/items/new/", form()).status_code == 403
    assert 'data-testid="record-item"' not in c.get(f"/supervision/books/{hbook.book.pk}/").content.decode()
    assert not BookItem.objects.filter(book=hbook.book, item_no=20).exists()


# --- processing kind --------------------------------------------------------------------------------------


@pytest.fixture
def unrecorded(hbook):  # noqa: F811
    """The H book as it stands before customs records its processing kind (stocked while the kind was not
    checked: migration 0010 left the books it found without one)."""
    AccountBook.objects.filter(pk=hbook.book.pk).update(processing_kind="")
    hbook.book.refresh_from_db()
    return hbook


@pytest.mark.parametrize("language, label", [("en", "supplied materials (来料加工)"), ("zh-hans", "来料加工")])
def test_customs_records_the_processing_kind_on_the_page(unrecorded, language, label):
    c = client_of("customs", language)
    book_url = f"/supervision/books/{unrecorded.book.pk}/"
    assert 'data-kind=""' in c.get(book_url).content.decode()
    r = c.post(f"{book_url}processing-kind/", {"processing_kind": "supplied"})
    assert r.status_code == 302
    assert AccountBook.objects.get(pk=unrecorded.book.pk).processing_kind == "supplied"
    assert f'data-kind="supplied">{label}<' in c.get(book_url).content.decode()
    event = AuditEvent.objects.get(action="book.processing_kind")
    assert (event.before, event.after) == ({"processing_kind": ""}, {"processing_kind": "supplied"})


@pytest.mark.parametrize("book, value", [("h", ""), ("h", "both"), ("t", "imported")])
def test_a_refused_processing_kind_is_marked_and_nothing_changes(unrecorded, book, value):
    target = unrecorded.book if book == "h" else unrecorded.world.book_a
    c = client_of("customs")
    page = c.post(f"/supervision/books/{target.pk}/processing-kind/", {"processing_kind": value},
                  follow=True).content.decode()
    if book == "h":
        assert 'data-field="processing_kind"' in page
    else:  # a logistics book shows no such form: the refusal is flashed
        assert "logistics book records no processing kind" in page
    assert AccountBook.objects.get(pk=target.pk).processing_kind == ""
    assert not AuditEvent.objects.filter(action="book.processing_kind").exists()


def test_only_customs_records_the_processing_kind(unrecorded):
    c = client_of("ent_a")
    assert 'data-testid="processing-kind-form"' not in c.get(f"/supervision/books/{unrecorded.book.pk}/").content.decode()
    assert c.post(f"/supervision/books/{unrecorded.book.pk}/processing-kind/",
                  {"processing_kind": "imported"}).status_code == 403
    assert AccountBook.objects.get(pk=unrecorded.book.pk).processing_kind == ""


def test_api_records_and_shows_the_processing_kind(hbook):  # noqa: F811
    c = client_of("customs")
    url = f"/api/v1/books/{hbook.book.pk}"
    r = c.patch(url, json.dumps({"processing_kind": "imported"}), content_type="application/json")
    assert r.status_code == 200 and r.json()["processing_kind"] == "imported"
    r = c.patch(url, json.dumps({"processing_kind": "mixed"}), content_type="application/json")
    assert r.status_code == 400 and [e["field"] for e in r.json()["errors"]] == ["processing_kind"]
    r = c.patch(f"/api/v1/books/{hbook.world.book_a.pk}", json.dumps({"processing_kind": "imported"}),
                content_type="application/json")
    assert r.status_code == 400 and r.json()["errors"][0]["code"] == "processing_kind_needs_h_book"
    assert c.get(url).json()["processing_kind"] == "imported"
    r = c.post("/api/v1/books", json.dumps({
        "enterprise_id": hbook.world.ent_a.pk, "number": "H01101000009", "kind": "H", "valid_from": "2026-01-01",
        "valid_until": "2027-12-31", "processing_kind": "supplied"}), content_type="application/json")
    assert r.status_code == 201 and r.json()["processing_kind"] == "supplied"
    r = c.post("/api/v1/books", json.dumps({
        "enterprise_id": hbook.world.ent_a.pk, "number": "T01101000009", "kind": "T", "valid_from": "2026-01-01",
        "valid_until": "2027-12-31", "processing_kind": "supplied"}), content_type="application/json")
    assert r.status_code == 400 and [e["field"] for e in r.json()["errors"]] == ["processing_kind"]
    assert not AccountBook.objects.filter(number="T01101000009").exists()
