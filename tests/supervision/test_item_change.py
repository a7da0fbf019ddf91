"""备案变更 of a book item: customs changes what describes the goods (service, API, page); units, factors and
kind only while nothing is recorded of the item; refusals field by field, nothing written; one audit row;
idempotent."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.test import Client

from bondzone.core.domain.errors import Conflict, DomainError, Forbidden
from bondzone.core.models import AuditEvent
from bondzone.supervision import services
from bondzone.supervision.models import BookItem
from tests.conftest import PASSWORD, key, post_list
from tests.processing.conftest import hbook  # noqa: F401  (the H book fixture)


def client_of(user: str, language: str = "en") -> Client:
    c = Client(HTTP_ACCEPT_LANGUAGE=language)
    assert c.login(username=user, password=PASSWORD)
    return c


def item(world, item_no: int) -> BookItem:
    return BookItem.objects.get(book=world.book_a, item_no=item_no)


def changes() -> int:
    return AuditEvent.objects.filter(action="book_item.change").count()


def change(world, item_no: int, data: dict, user: str = "customs", idem: str | None = None) -> BookItem:
    return services.change_item(actor=world.actor(user), book_id=world.book_a.pk, item_no=item_no, data=data,
                                idempotency_key=idem or key())


def refused(exc: DomainError) -> dict[str, str]:
    return {p.field: p.code for p in exc.problems}


# --- service --------------------------------------------------------------------------------------------


def test_customs_changes_the_goods_description_with_one_audit_row(world):
    changed = change(world, 2, {"name_zh": "铜板", "spec": "T2 1mm", "hs_code": "7409110000"})
    assert (changed.name_zh, changed.spec, changed.hs_code, changed.declared_unit) == (
        "铜板", "T2 1mm", "7409110000", "035")
    event = AuditEvent.objects.get(action="book_item.change")
    assert event.object_id == str(changed.pk)
    assert event.before == {"name_zh": "商品2", "spec": "", "hs_code": "8471300002"}
    assert event.after == {"name_zh": "铜板", "spec": "T2 1mm", "hs_code": "7409110000"}


def test_an_enterprise_may_not_change_an_item(world):
    with pytest.raises(Forbidden):
        change(world, 2, {"name_zh": "铜板"}, user="ent_a")
    assert item(world, 2).name_zh == "商品2" and changes() == 0


def test_units_change_before_any_movement(world):
    changed = change(world, 3, {"declared_unit": "035", "legal_unit": "035"})
    assert (changed.declared_unit, changed.legal_unit) == ("035", "035")


@pytest.mark.parametrize("field, value", [("declared_unit", "035"), ("legal_unit", "011"), ("legal_factor", "2"),
                                          ("kind", "E")])
def test_units_factors_and_kind_are_refused_once_the_item_has_movements(world, field, value):
    post_list(world, direction="I", lines=[(3, "10")])
    with pytest.raises(DomainError) as exc:
        change(world, 3, {field: value, "name_zh": "新名"})
    [p] = exc.value.problems
    assert (p.field, p.code) == (field, "item_in_use")
    assert p.params["movements"] >= 1 and p.params["lines"] == 1
    assert item(world, 3).name_zh == "商品3" and changes() == 0  # nothing written, the name neither


def test_a_unit_in_use_is_named_beside_the_other_refusals(world):
    post_list(world, direction="I", lines=[(3, "10")])
    with pytest.raises(DomainError) as exc:
        change(world, 3, {"declared_unit": "035", "hs_code": "12", "legal_factor": "1"})
    assert refused(exc.value) == {"hs_code": "bad_hs_code", "declared_unit": "item_in_use"}  # factor 1 is no change


def test_a_reserved_item_keeps_its_unit_but_its_name_changes(world):
    post_list(world, direction="I", lines=[(1, "5")], passed=False)  # approved: 预核扣 only
    with pytest.raises(DomainError) as exc:
        change(world, 1, {"declared_unit": "035"})
    assert exc.value.problems[0].params["reservations"] == 1
    assert change(world, 1, {"name_zh": "新名", "declared_unit": "007"}).name_zh == "新名"  # the same unit: no change


@pytest.mark.parametrize("data, field, code", [
    ({"hs_code": "84713"}, "hs_code", "bad_hs_code"),
    ({"declared_unit": "999"}, "declared_unit", "unknown_unit"),
    ({"name_zh": ""}, "name_zh", "required"),
    ({"item_no": 7}, "item_no", "item_no_fixed"),
    ({"colour": "red"}, "colour", "item_field_not_changeable"),
    ({"leftover": "scrap"}, "leftover", "leftover_needs_processing_book"),
])
def test_bad_changes_are_refused_by_field_and_write_nothing(world, data, field, code):
    before = list(BookItem.objects.values_list("pk", "hs_code", "name_zh", "declared_unit", "item_no", "leftover"))
    with pytest.raises(DomainError) as exc:
        change(world, 2, data)
    assert refused(exc.value).get(field) == code, exc.value.problems
    assert list(BookItem.objects.values_list("pk", "hs_code", "name_zh", "declared_unit", "item_no",
                                             "leftover")) == before
    assert changes() == 0


def test_the_same_key_changes_once_and_another_payload_is_a_conflict(world):
    idem = key()
    change(world, 2, {"name_zh": "铜板"}, idem=idem)
    change(world, 2, {"name_zh": "铜板"}, idem=idem)
    assert changes() == 1
    with pytest.raises(Conflict):
        change(world, 2, {"name_zh": "铝板"}, idem=idem)
    assert item(world, 2).name_zh == "铜板"


def test_nothing_different_writes_no_audit_row(world):
    assert change(world, 2, {"name_zh": "商品2", "declared_unit": "035"}).name_zh == "商品2"
    assert changes() == 0


def test_leftover_kind_changes_in_an_h_book_and_a_named_finished_item_stays(hbook):  # noqa: F811
    customs, book = hbook.world.actor("customs"), hbook.book

    def change_h(item_no, data):
        return services.change_item(actor=customs, book_id=book.pk, item_no=item_no, data=data,
                                    idempotency_key=key())

    # item 10 is the finished item that defective goods (12) name: it stays an ordinary finished item
    with pytest.raises(DomainError) as exc:
        change_h(10, {"leftover": "defective", "leftover_of": 10})
    assert {"leftover", "leftover_of"} <= set(refused(exc.value))
    # defective goods may not name themselves, and a scrap item names no finished item
    with pytest.raises(DomainError) as exc:
        change_h(12, {"leftover_of": 12})
    assert refused(exc.value) == {"leftover_of": "leftover_of_not_finished"}
    # a by-product (13) becomes scrap, both material items; defective goods (12) become ordinary finished goods
    assert change_h(13, {"leftover": "scrap"}).leftover == "scrap"
    assert (change_h(12, {"leftover": "", "leftover_of": None}).leftover_of, changes()) == (None, 2)


# --- API ------------------------------------------------------------------------------------------------


def patch(c: Client, url: str, body: dict, idem: str | None = None):
    return c.patch(url, json.dumps(body), content_type="application/json", HTTP_IDEMPOTENCY_KEY=idem or key())


def test_api_changes_only_the_fields_given(world):
    url = f"/api/v1/books/{world.book_a.pk}/items/3"
    r = patch(client_of("customs"), url, {"name_en": "Copper plate", "unit_price": "12.25"})
    assert r.status_code == 200, r.content
    body = r.json()
    assert (body["name_en"], Decimal(body["unit_price"]), body["name_zh"], body["declared_unit"]) == (
        "Copper plate", Decimal("12.25"), "商品3", "011")


def test_api_refuses_by_field_with_4xx(world):
    post_list(world, direction="I", lines=[(3, "10")])
    c = client_of("customs")
    url = f"/api/v1/books/{world.book_a.pk}/items/3"
    r = patch(c, url, {"declared_unit": "035", "name_en": "Copper"})
    assert r.status_code == 400
    assert {e["field"]: e["code"] for e in r.json()["errors"]} == {"declared_unit": "item_in_use"}
    message = [e["message"] for e in r.json()["errors"] if e["field"] == "declared_unit"][0]
    assert "movements" in message and "1 list lines" in message
    r = patch(c, url, {"hs_code": "12"})
    assert r.status_code in (400, 422) and [e["field"] for e in r.json()["errors"]] == ["hs_code"]
    assert patch(c, f"/api/v1/books/{world.book_a.pk}/items/99", {"name_zh": "x"}).status_code == 404
    assert patch(c, f"/api/v1/books/{world.book_b.pk}/items/99", {"name_zh": "x"}).status_code == 404
    assert c.patch(url, json.dumps({"name_zh": "x"}), content_type="application/json").status_code == 400  # no key
    assert item(world, 3).name_zh == "商品3" and changes() == 0


def test_api_forbids_the_enterprise(world):
    r = patch(client_of("ent_a"), f"/api/v1/books/{world.book_a.pk}/items/2", {"name_zh": "铜板"})
    assert r.status_code == 403 and item(world, 2).name_zh == "商品2"


def test_the_change_is_documented_in_openapi(world):
    schema = client_of("customs").get("/api/v1/openapi.json").json()
    operation = schema["paths"]["/api/v1/books/{book_id}/items/{item_no}"]["patch"]
    assert "备案变更" in operation["summary"]


# --- page -----------------------------------------------------------------------------------------------


def page_form(**kw) -> dict:
    return {"item_no": "2", "hs_code": "8471300002", "name_zh": "商品2", "declared_unit": "035", "legal_unit": "035",
            "legal_factor": "1", "currency": "142", "unit_price": "10.5", "idempotency_key": key(), **kw}


def test_the_form_shows_the_item_and_the_book_links_to_it(world):
    c = client_of("customs")
    book_page = c.get(f"/supervision/books/{world.book_a.pk}/").content.decode()
    url = f"/supervision/books/{world.book_a.pk}/items/2/edit/"
    assert f'href="{url}"' in book_page.split('<tr data-item="2">')[1].split("</tr>")[0]
    page = c.get(url).content.decode()
    assert 'value="商品2"' in page and 'value="8471300002"' in page
    assert 'name="item_no" inputmode="numeric" size="8" value="2" readonly' in page
    assert 'value="10.5"' in page  # the unit price without trailing zeros


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_a_change_on_the_page_redirects_and_the_book_shows_the_new_name(world, language):
    c = client_of("customs", language)
    r = c.post(f"/supervision/books/{world.book_a.pk}/items/2/edit/", page_form(name_zh="铜板"))
    assert r.status_code == 302 and r.url == f"/supervision/books/{world.book_a.pk}/"
    row = c.get(r.url).content.decode().split('<tr data-item="2">')[1].split("</tr>")[0]
    assert "铜板" in row and changes() == 1


def test_a_refused_change_marks_its_field_and_writes_nothing(world):
    post_list(world, direction="I", lines=[(2, "10")])
    c = client_of("customs", "zh-hans")
    page = c.post(f"/supervision/books/{world.book_a.pk}/items/2/edit/",
                  page_form(name_zh="铜板", declared_unit="011"), follow=True).content.decode()
    error = page.split('data-field="declared_unit">')[1].split("</span>")[0]
    assert "计量单位" in error, error
    assert 'aria-invalid="true" aria-describedby="item-declared_unit' in page and 'value="铜板"' in page
    assert item(world, 2).name_zh == "商品2" and changes() == 0


def test_only_customs_sees_and_uses_the_edit_form(world):
    c = client_of("ent_a")
    url = f"/supervision/books/{world.book_a.pk}/items/2/edit/"
    assert c.get(url).status_code == 403 and c.post(url, page_form(name_zh="铜板")).status_code == 403
    assert 'data-testid="edit-item"' not in c.get(f"/supervision/books/{world.book_a.pk}/").content.decode()
    assert client_of("customs").get(f"/supervision/books/{world.book_a.pk}/items/99/edit/").status_code == 404
    assert item(world, 2).name_zh == "商品2"


# --- a list and a unit change take turns on the item (PostgreSQL race: test_item_change_race_pg.py) ------------


def test_the_items_a_lists_raw_lines_name_are_the_ones_locked():
    data = {"lines": [{"item_no": 3}, {"item_no": "2"}, {"item_no": " 3 "}, {"item_no": "x"}, {"item_no": 0},
                      {"item_no": 2**31}, {}, "not a line"]}
    assert services.books.named_items(data) == {2, 3}
    assert services.books.named_items({"lines": "nope"}) == set() == services.books.named_items({})


def test_an_import_is_validated_again_when_an_item_it_names_changed_before_the_lock(world, monkeypatch):
    """What the file was checked against is read again once the named items are locked: a unit changed in
    between (here: inside the transaction, standing in for a change committed by another) refuses the line."""
    import io

    from bondzone.supervision import imports
    from bondzone.supervision.models import VerificationList

    parse = imports.parse
    calls = []

    def parse_then_change(*args, **kwargs):
        calls.append(1)
        parsed = parse(*args, **kwargs)
        if len(calls) == 1:
            BookItem.objects.filter(book=world.book_a, item_no=3).update(declared_unit="035", legal_unit="035")
        return parsed

    monkeypatch.setattr(imports, "parse", parse_then_change)
    stream = io.BytesIO(b"inner_no,direction,trade_mode,item_no,quantity,unit\nC-1,I,5034,3,1,011\n")
    with pytest.raises(DomainError) as exc:
        imports.import_lists(actor=world.actor("ent_a"), book_id=world.book_a.pk, stream=stream, fmt="csv",
                             idempotency_key=key())
    assert len(calls) == 2 and [p.params["inner_code"] for p in exc.value.problems] == ["wrong_unit"]
    assert not VerificationList.objects.exists()


# --- a BOM row (单耗, processing) naming the item counts as use --------------------------------------------


def _bom_on_unused_items(h):
    """Item 10 (finished, no stock) with a BOM version naming material 20 (recorded now, no stock either)."""
    from datetime import timedelta

    from django.utils import timezone

    from bondzone.processing import services as processing

    customs = h.world.actor("customs")
    services.add_item(actor=customs, book_id=h.book.pk, data={
        "item_no": 20, "kind": "I", "hs_code": "7408110000", "name_zh": "漆包线", "declared_unit": "035",
        "legal_unit": "035"})
    processing.declare_bom(actor=h.world.actor("ent_a"), book_id=h.book.pk, data={
        "finished_no": 10, "version": "V1",
        "valid_from": (timezone.localdate() - timedelta(days=30)).isoformat(),
        "lines": [{"material_no": 20, "net": "1.5", "loss_pct": "5"}]})


def change_h(h, item_no: int, data: dict) -> BookItem:
    return services.change_item(actor=h.world.actor("customs"), book_id=h.book.pk, item_no=item_no,
                                data=data, idempotency_key=key())


@pytest.mark.parametrize("item_no, data", [(20, {"declared_unit": "011", "legal_unit": "011"}),  # a material
                                           (10, {"declared_unit": "011", "legal_unit": "011"}),  # the finished item
                                           (20, {"kind": "E"})])
def test_an_item_a_bom_names_keeps_its_units_and_kind_with_the_bom_count(hbook, item_no, data):  # noqa: F811
    _bom_on_unused_items(hbook)
    fields = ("declared_unit", "legal_unit", "kind", "name_zh")
    before = BookItem.objects.filter(book=hbook.book, item_no=item_no).values_list(*fields).get()
    with pytest.raises(DomainError) as exc:
        change_h(hbook, item_no, {**data, "name_zh": "新名"})
    assert {p.code for p in exc.value.problems} == {"item_in_use"}
    params = exc.value.problems[0].params
    assert (params["boms"], params["movements"], params["reservations"], params["lines"]) == (1, 0, 0, 0)
    assert BookItem.objects.filter(book=hbook.book, item_no=item_no).values_list(*fields).get() == before
    assert changes() == 0  # nothing written, the name neither


def test_an_item_no_bom_names_still_changes_its_unit_in_an_h_book(hbook):  # noqa: F811
    _bom_on_unused_items(hbook)
    assert change_h(hbook, 13, {"declared_unit": "011", "legal_unit": "011"}).declared_unit == "011"


def test_the_refusal_names_the_bom_rows_in_both_languages(hbook):  # noqa: F811
    from django.utils.translation import override

    from bondzone.core.messages import render

    _bom_on_unused_items(hbook)
    with pytest.raises(DomainError) as exc:
        change_h(hbook, 20, {"declared_unit": "011", "legal_unit": "011"})
    [p, _] = exc.value.problems
    with override("en"):
        assert "0 list lines and 1 BOM rows" in render(p)
    with override("zh-hans"):
        assert "1 条单耗记录" in render(p)


# --- the second factor follows the second unit -----------------------------------------------------------


def test_the_service_clears_the_second_factor_with_its_unit(world):
    change(world, 3, {"second_unit": "011", "second_factor": "3"})
    assert (item(world, 3).second_unit, item(world, 3).second_factor) == ("011", Decimal(3))
    changed = change(world, 3, {"second_unit": ""})  # the form's empty choice, the API's null
    assert (changed.second_unit, changed.second_factor) == ("", None)


def test_a_new_item_keeps_no_second_factor_without_a_second_unit(world):
    created = services.add_item(actor=world.actor("customs"), book_id=world.book_a.pk, data={
        "item_no": 40, "hs_code": "7409110000", "name_zh": "铜板", "declared_unit": "035", "legal_unit": "035",
        "second_factor": "2"})
    assert (created.second_unit, created.second_factor) == ("", None)


def test_a_left_over_factor_of_an_item_in_use_goes_with_the_next_change(world):
    """An item written before the rule with a factor and no second unit, then used: a later change of its name
    drops the factor, which no line ever read, and is not refused as a unit change."""
    BookItem.objects.filter(book=world.book_a, item_no=3).update(second_unit="", second_factor=Decimal(3))
    post_list(world, direction="I", lines=[(3, "10")])
    changed = change(world, 3, {"name_en": "Copper"})
    assert (changed.name_en, changed.second_unit, changed.second_factor) == ("Copper", "", None)


def test_the_edit_page_clears_the_second_factor_when_the_unit_is_emptied(world):
    change(world, 2, {"second_unit": "011", "second_factor": "3"})
    c = client_of("customs")
    url = f"/supervision/books/{world.book_a.pk}/items/2/edit/"
    assert 'value="3"' in c.get(url).content.decode()
    r = c.post(url, page_form(second_unit="", second_factor="3"))  # the box still shows the old factor
    assert r.status_code == 302, r.content
    assert (item(world, 2).second_unit, item(world, 2).second_factor) == ("", None)
