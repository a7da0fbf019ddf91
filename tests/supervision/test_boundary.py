"""Issue 10 on the account book: values that must be refused at every entry point (API, importer, CLI)
with a field-level message that shows the submitted value, and nothing written."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from bondzone.core.domain.inputs import VALIDITY
from bondzone.supervision.models import BookItem, VerificationList

from .test_api import _csv, _row, client_for, good_list, post, snapshot, upload


def errors(r) -> dict[str, dict]:
    return {e["field"]: e for e in r.json()["errors"]}


def refused(r, before, field, code=None):
    assert r.status_code == 400, r.content
    found = errors(r)
    assert field in found, found
    assert code is None or found[field]["code"] == code, found
    assert snapshot() == before
    return found[field]


def book_body(world, **over):
    return {"enterprise_id": world.ent_a.pk, "number": "T0110W000007", "kind": "T", "valid_from": "2024-01-01",
            "valid_until": "2030-12-31", **over}


# ---------------------------------------------------------------- 1. book validity within VALIDITY
@pytest.mark.parametrize("field, value", [("valid_from", "0001-01-01"), ("valid_until", "9999-12-31")])
def test_book_validity_outside_the_window_is_refused(world, field, value):
    before = snapshot()
    r = post(client_for("customs"), "/api/v1/books", book_body(world, **{field: value}), HTTP_ACCEPT_LANGUAGE="en")
    error = refused(r, before, field, "date_out_of_window")
    earliest, latest = VALIDITY.bounds()
    assert value in error["message"] and earliest.isoformat() in error["message"] and latest.isoformat() in error["message"]


def test_book_validity_at_the_window_edges_is_accepted(world):
    earliest, latest = VALIDITY.bounds()
    r = post(client_for("customs"), "/api/v1/books",
             book_body(world, valid_from=earliest.isoformat(), valid_until=latest.isoformat()))
    assert r.status_code == 201, r.content


def test_book_service_refuses_validity_outside_the_window_too(world):
    from bondzone.core.domain.errors import DomainError
    from bondzone.supervision import services

    with pytest.raises(DomainError) as err:
        services.create_book(actor=world.actor("customs"), enterprise_id=world.ent_a.pk, number="T0110W000008",
                             kind="T", valid_from=date(1, 1, 1), valid_until=date(2030, 1, 1))
    assert [(p.field, p.code) for p in err.value.problems] == [("valid_from", "date_out_of_window")]


# ---------------------------------------------------------------- 2. book numbers
@pytest.mark.parametrize("number, kind", [
    ("t0110w000007", "T"),  # lowercase
    ("T0110W00007", "T"),  # too short
    ("T0110W0000077", "T"),  # too long
    ("TABCDW000007", "T"),  # customs code not digits
    ("T0110W00000X", "T"),  # serial not digits
    ("T0110-000007", "T"),
    ("H0110W000007", "T"),  # letter of the other kind
])
def test_malformed_book_numbers_are_refused(world, number, kind):
    before = snapshot()
    r = post(client_for("customs"), "/api/v1/books", book_body(world, number=number, kind=kind),
             HTTP_ACCEPT_LANGUAGE="en")
    error = refused(r, before, "number")
    assert number in error["message"]


@pytest.mark.parametrize("number, kind", [("T5165W000469", "T"), ("H22161000002", "H"), ("H0110W000003", "H")])
def test_book_numbers_of_the_observed_forms_are_accepted(world, number, kind):
    r = post(client_for("customs"), "/api/v1/books", book_body(world, number=number, kind=kind))
    assert r.status_code == 201 and r.json()["number"] == number, r.content


# ---------------------------------------------------------------- 3. HS codes; 4. item_no; 7. names
def item_body(**over):
    return {"item_no": 7, "hs_code": "8471300000", "name_zh": "新商品", "declared_unit": "007", "legal_unit": "007",
            **over}


@pytest.mark.parametrize("hs_code", ["0000000000", "0012345678", "7712345678", "9812345678", "847130000", "84713000a0"])
def test_impossible_hs_codes_are_refused(world, hs_code):
    before = snapshot()
    r = post(client_for("customs"), f"/api/v1/books/{world.book_a.pk}/items", item_body(hs_code=hs_code),
             HTTP_ACCEPT_LANGUAGE="en")
    assert hs_code in refused(r, before, "hs_code")["message"]


@pytest.mark.parametrize("hs_code", ["0101210000", "9706100000", "7601100000"])
def test_hs_codes_of_existing_chapters_are_accepted(world, hs_code):
    r = post(client_for("customs"), f"/api/v1/books/{world.book_a.pk}/items", item_body(hs_code=hs_code))
    assert r.status_code == 201, r.content


@pytest.mark.parametrize("item_no", [0, -1, 2147483648, "2147483648"])
def test_item_numbers_outside_the_column_are_refused(world, item_no):
    before = snapshot()
    r = post(client_for("customs"), f"/api/v1/books/{world.book_a.pk}/items", item_body(item_no=item_no),
             HTTP_ACCEPT_LANGUAGE="en")
    error = refused(r, before, "item_no", "out_of_range")
    assert str(item_no) in error["message"] and "2147483647" in error["message"]


def test_largest_item_number_is_accepted(world):
    r = post(client_for("customs"), f"/api/v1/books/{world.book_a.pk}/items", item_body(item_no=2147483647))
    assert r.status_code == 201, r.content


@pytest.mark.parametrize("item_no", [0, 2147483648])
def test_list_lines_with_item_numbers_outside_the_column_are_refused(world, item_no):
    before = snapshot()
    r = post(client_for("ent_a"), "/api/v1/lists",
             good_list(world, lines=[{"item_no": item_no, "quantity": "1", "unit": "007"}]))
    refused(r, before, "lines[1].item_no", "out_of_range")


@pytest.mark.parametrize("field", ["name_zh", "name_en", "spec", "part_no"])
def test_item_texts_longer_than_the_column_are_refused(world, field):
    limit = BookItem._meta.get_field(field).max_length
    before = snapshot()
    r = post(client_for("customs"), f"/api/v1/books/{world.book_a.pk}/items", item_body(**{field: "名" * (limit + 1)}),
             HTTP_ACCEPT_LANGUAGE="en")
    assert str(limit) in refused(r, before, field, "too_long")["message"]


@pytest.mark.parametrize("action", ["reject", "cancel", "reverse"])
def test_reasons_longer_than_the_column_are_refused(world, action):
    limit = VerificationList._meta.get_field("reject_reason").max_length
    before = snapshot()
    r = post(client_for("customs"), f"/api/v1/lists/{world.book_a.pk}/{action}", {"reason": "因" * (limit + 1)},
             HTTP_ACCEPT_LANGUAGE="en")
    assert str(limit) in refused(r, before, "reason", "too_long")["message"]


def test_list_texts_longer_than_the_column_are_refused(world):
    limit = VerificationList._meta.get_field("remarks").max_length
    before = snapshot()
    r = post(client_for("ent_a"), "/api/v1/lists", good_list(world, remarks="注" * (limit + 1)),
             HTTP_ACCEPT_LANGUAGE="en")
    assert str(limit) in refused(r, before, "remarks", "too_long")["message"]


# ---------------------------------------------------------------- 5. messages carry the value; 6. lines from 1
def test_schema_errors_show_the_submitted_value_and_count_lines_from_1(world):
    before = snapshot()
    lines = [{"item_no": 1, "quantity": "1", "unit": "007"}, {"item_no": 1, "quantity": "ten", "unit": "007"},
             {"item_no": 99, "quantity": "1", "unit": "007"}]
    r = post(client_for("ent_a"), "/api/v1/lists", good_list(world, lines=lines), HTTP_ACCEPT_LANGUAGE="en")
    error = refused(r, before, "lines[2].quantity", "not_a_number")
    assert "ten" in error["message"] and "None" not in error["message"]
    assert not any(f.startswith("lines[0]") for f in errors(r))


def test_a_missing_quantity_is_required_not_none(world):
    before = snapshot()
    r = upload(client_for("ent_a"), world, "l.json", json.dumps([_row(quantity=None)]).encode(),
               HTTP_ACCEPT_LANGUAGE="en")
    assert r.status_code == 400 and snapshot() == before
    message = r.json()["errors"][0]["message"]
    assert message.startswith("row 2, quantity") and "None" not in message and "required" in message


def test_import_errors_show_the_bad_item_number(world):
    before = snapshot()
    r = upload(client_for("ent_a"), world, "l.csv", _csv([_row(), _row(item_no="2147483648"), _row(item_no="0")]),
               HTTP_ACCEPT_LANGUAGE="en")
    assert r.status_code == 400 and snapshot() == before
    messages = [e["message"] for e in r.json()["errors"]]
    assert any(m.startswith("row 3, item_no") and "2147483648" in m for m in messages), messages
    assert any(m.startswith("row 4, item_no") and "“0”" in m for m in messages), messages


def test_import_rows_are_counted_as_in_the_file(world):
    """Header = row 1; a blank line in the middle of the file is a row too (as a spreadsheet shows it)."""
    content = b"inner_no,direction,trade_mode,item_no,quantity,unit\nC-1,I,5034,1,1,007\n\nC-1,I,5034,1,-1,007\n"
    before = snapshot()
    r = upload(client_for("ent_a"), world, "l.csv", content, HTTP_ACCEPT_LANGUAGE="en")
    assert r.status_code == 400 and snapshot() == before
    assert [e["message"].split(",")[0] for e in r.json()["errors"]] == ["row 4"]


def test_xlsx_rows_are_counted_as_in_the_sheet(world):
    import io

    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["inner_no", "direction", "trade_mode", "item_no", "quantity", "unit"])
    ws.append(["X-1", "I", "5034", 1, 1, "007"])
    ws.append([])
    ws.append(["X-1", "I", "5034", 1, -1, "007"])
    buf = io.BytesIO()
    wb.save(buf)
    r = upload(client_for("ent_a"), world, "l.xlsx", buf.getvalue(), HTTP_ACCEPT_LANGUAGE="en")
    assert r.status_code == 400
    assert [e["message"].split(",")[0] for e in r.json()["errors"]] == ["row 4"]


def test_cli_import_refuses_with_a_sentence_naming_the_value(world, tmp_path: Path, monkeypatch):
    monkeypatch.setenv("BONDZONE_LANGUAGE", "en")
    f = tmp_path / "bad.csv"
    f.write_text("inner_no,direction,trade_mode,item_no,quantity,unit\nC-1,I,5034,2147483648,1,007\n",
                 encoding="utf-8")
    with pytest.raises(CommandError, match=r"row 2, item_no: .*2147483648"):
        call_command("import_lists", str(f), "--book", str(world.book_a.pk), "--user", "ent_a")
    assert VerificationList.objects.count() == 0


# ---------------------------------------------------------------- posting dates and ids on the pages and the API
def _submitted_list(world):
    from bondzone.supervision import services

    from ..conftest import key

    owner = world.actor("ent_a")
    vlist = services.create_list(actor=owner, book_id=world.book_a.pk, idempotency_key=key(), data={
        "direction": "I", "trade_mode": "5034", "lines": [{"item_no": 1, "quantity": "2", "unit": "007"}]})
    return services.submit_list(actor=owner, list_id=vlist.pk, idempotency_key=key())


@pytest.mark.parametrize("effective_date", ["garbage", "0001-01-01", "2026-13-01"])
def test_page_approval_refuses_a_bad_posting_date_instead_of_taking_today(world, effective_date):
    vlist = _submitted_list(world)
    c = client_for("customs")
    r = c.post(f"/supervision/lists/{vlist.pk}/approve/", {"idempotency_key": "k-1", "effective_date": effective_date},
               HTTP_ACCEPT_LANGUAGE="en", follow=True)
    assert any(effective_date in str(m) for m in r.context["messages"]), list(r.context["messages"])
    assert VerificationList.objects.get(pk=vlist.pk).status == "submitted"


@pytest.mark.parametrize("effective_date", ["0001-01-01", "9999-12-31"])
def test_api_approval_refuses_a_posting_date_outside_the_window(world, effective_date):
    vlist = _submitted_list(world)
    before = snapshot()
    r = post(client_for("customs"), f"/api/v1/lists/{vlist.pk}/approve", {"effective_date": effective_date},
             HTTP_ACCEPT_LANGUAGE="en")
    assert effective_date in refused(r, before, "effective_date", "date_out_of_window")["message"]


@pytest.mark.parametrize("query", ["book_id=%C2%B2", "book_id=99999999999999999999999", "page=99999999999999999999"])
def test_pages_take_odd_numbers_in_the_query_without_failing(world, query):
    c = client_for("ent_a")
    assert c.get(f"/supervision/lists/?{query}").status_code == 200
    account = post_list_account(world)
    assert c.get(f"/supervision/accounts/{account}/?{query}").status_code == 200


def post_list_account(world) -> int:
    from bondzone.supervision.models import StockAccount

    from ..conftest import post_list

    post_list(world, direction="I", lines=[(1, "2")])
    return StockAccount.objects.values_list("pk", flat=True).first()


@pytest.mark.parametrize("when", ["garbage", "20260101", "0001-01-01"])
def test_cli_refuses_a_bad_posting_date_with_a_sentence(world, monkeypatch, when):
    monkeypatch.setenv("BONDZONE_LANGUAGE", "en")
    vlist = _submitted_list(world)
    with pytest.raises(CommandError, match=rf"--date: .*{when}"):
        call_command("list_action", "approve", str(vlist.pk), "--date", when, "--user", "customs")
    assert VerificationList.objects.get(pk=vlist.pk).status == "submitted"


@pytest.mark.parametrize("query, field", [
    ("/api/v1/accounts?book_id=99999999999999999999", "book_id"),
    ("/api/v1/accounts?item_id=0", "item_id"),
    ("/api/v1/books?enterprise_id=99999999999999999999", "enterprise_id"),
    ("/api/v1/lists?book_id=99999999999999999999", "book_id"),
    ("/api/v1/lists?date_from=0001-01-01", "date_from"),
    ("/api/v1/books/{book}/stock?as_of=9999-12-31", "as_of"),
    ("/api/v1/exports/movements?date_to=0001-01-01", "date_to"),
    ("/api/v1/exports/balances?book_id=99999999999999999999", "book_id"),
])
def test_query_parameters_out_of_range_are_a_field_level_400(world, query, field):
    r = client_for("ent_a").get(query.format(book=world.book_a.pk), HTTP_ACCEPT_LANGUAGE="en")
    assert r.status_code == 400, r.content
    assert field in errors(r)


def test_movements_offset_past_the_int_range_is_a_400(world):
    account = post_list_account(world)
    r = client_for("ent_a").get(f"/api/v1/accounts/{account}/movements?offset=99999999999999999999")
    assert r.status_code == 400 and "offset" in errors(r)


@pytest.mark.parametrize("field", ["remarks", "inner_no", "declaration_no"])
def test_import_texts_longer_than_the_column_are_refused_with_its_length(world, field):
    limit = VerificationList._meta.get_field(field).max_length
    before = snapshot()
    r = upload(client_for("ent_a"), world, "l.json", json.dumps([_row(**{field: "9" * (limit + 1)})]).encode(),
               HTTP_ACCEPT_LANGUAGE="en")
    assert r.status_code == 400 and snapshot() == before
    message = r.json()["errors"][0]["message"]
    assert message.startswith(f"row 2, {field}") and str(limit) in message, message


def test_page_form_texts_longer_than_the_column_are_refused(world):
    limit = VerificationList._meta.get_field("remarks").max_length
    c = client_for("ent_a")
    r = c.post("/supervision/lists/new/", {
        "idempotency_key": "k", "book_id": world.book_a.pk, "direction": "I", "trade_mode": "5034",
        "remarks": "注" * (limit + 1), "line-item_no": ["1"], "line-quantity": ["1"], "line-unit": ["007"],
        "line-value": [""], "line-currency": ["142"], "line-goods_status": ["bonded"]}, HTTP_ACCEPT_LANGUAGE="en")
    assert r.status_code == 400 and f"At most {limit} characters" in r.content.decode()
    assert VerificationList.objects.count() == 0


def test_a_list_csv_saved_by_excel_in_gbk_imports_like_the_utf_8_one(world):
    """Excel on a Chinese Windows saves "CSV" in GBK: it was refused with Python's English codec sentence."""
    content = _csv([_row(remarks="进口原料"), _row("ERP-2", direction="E", quantity="1")]).decode().encode("gbk")
    r = upload(client_for("ent_a"), world, "l.csv", content)
    assert r.status_code == 201, r.json()
    assert VerificationList.objects.get(pk=r.json()["list_ids"][0]).remarks == "进口原料"
    before = snapshot()
    r = upload(client_for("ent_a"), world, "l.csv", b"inner_no,direction\n\x80\xff,I\n", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert r.status_code == 400 and snapshot() == before
    assert [(e["field"], e["code"]) for e in r.json()["errors"]] == [("file", "file_not_text")]
