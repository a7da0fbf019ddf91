"""Hostile input on the processing API and CLI: numbers too large for the ledger (1e400, 10**30), decimals the
columns would round, rows that are not objects, the CLI's own arguments. Each is a field-level 400 (API) or
one sentence and a non-zero exit (CLI); nothing is written."""

from __future__ import annotations

import json
import re
import uuid
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from bondzone.core.models import AuditEvent
from bondzone.processing.domain.stocktake import BookBalance, assess
from bondzone.processing.models import Bom, ProductionReport, StockTake, WriteOff

from .conftest import bom_data
from .test_pages_api import client_for
from .test_services import approved_bom


def post(c, path, body):
    return c.post(path, json.dumps(body), content_type="application/json", HTTP_IDEMPOTENCY_KEY=uuid.uuid4().hex)


def fields(r) -> list[tuple[str, str]]:
    return [(e["field"], e["code"]) for e in r.json()["errors"]]


def written() -> tuple[int, ...]:
    return Bom.objects.count(), ProductionReport.objects.count(), StockTake.objects.count(), AuditEvent.objects.count()


@pytest.mark.parametrize("net, code", [("1e400", "decimal_too_large"), (10**30, "decimal_too_large"),
                                       ("10000000000000", "decimal_too_large"), ("0.000001", "too_many_decimals")])
def test_a_bom_net_the_ledger_cannot_hold_is_a_field_error(hbook, net, code):
    before = written()
    r = post(client_for("ent_a"), f"/api/v1/processing/books/{hbook.book.pk}/boms",
             bom_data(lines=[{"material_no": 1, "net": net}]))
    assert r.status_code == 400, r.content
    assert fields(r) == [("lines[1].net", code)]
    assert written() == before


def test_a_loss_rate_the_column_would_round_to_100_is_refused_by_name(hbook):
    before = written()
    r = post(client_for("ent_a"), f"/api/v1/processing/books/{hbook.book.pk}/boms",
             bom_data(lines=[{"material_no": 1, "net": "1", "loss_pct": "99.999999"}]))
    assert r.status_code == 400, r.content
    assert fields(r) == [("lines[1].loss_pct", "too_many_decimals")]
    assert written() == before


@pytest.mark.parametrize("quantity", ["1e400", 10**30])
def test_a_production_quantity_too_large_is_a_field_error(hbook, quantity):
    approved_bom(hbook)
    before = written()
    r = post(client_for("ent_a"), "/api/v1/processing/production",
             {"book_id": hbook.book.pk, "outputs": [{"item_no": 10, "quantity": quantity}]})
    assert r.status_code == 400, r.content
    assert fields(r) == [("outputs[1].quantity", "decimal_too_large")]
    assert written() == before


def test_a_production_whose_consumption_exceeds_any_decimal_is_refused_by_the_stock_check(hbook):
    # 10¹² finished units at a gross of 4.4 … per unit: far beyond the book's stock, refused as such (no overflow)
    approved_bom(hbook, lines=[{"material_no": 1, "net": "9999999999999", "loss_pct": "99.9999"}])
    r = post(client_for("ent_a"), "/api/v1/processing/production",
             {"book_id": hbook.book.pk, "outputs": [{"item_no": 10, "quantity": "9999999999999"}]})
    assert r.status_code == 400, r.content
    assert fields(r) == [("outputs", "consumption_exceeds_stock")]


@pytest.mark.parametrize("counted", ["1e400", 10**30, "1e20"])
def test_a_count_too_large_is_a_field_error(hbook, counted):
    before = written()
    r = post(client_for("ent_a"), "/api/v1/processing/stocktakes",
             {"book_id": hbook.book.pk, "counts": [{"item_no": 1, "counted": counted}]})
    assert r.status_code == 400, r.content
    assert fields(r) == [("counts[1].counted", "decimal_too_large")]
    assert written() == before


def test_a_count_whose_value_does_not_fit_its_column_is_named_not_a_database_error():
    # a quantity within bounds, at a dear unit price: the difference's value is beyond DECIMAL(18, 2)
    book = {(1, "bonded"): BookBalance(Decimal("5"), Decimal("99999999999999.9999"))}
    result, problems = assess([{"item_no": 1, "counted": "9999999999999"}], book, Decimal(1))
    assert result is None and [(p.field, p.code) for p in problems] == [("counts[1].counted", "amount_too_large")]


def test_a_tolerance_with_more_decimals_than_its_column_is_refused(hbook):
    before = written()
    r = post(client_for("ent_a"), "/api/v1/processing/stocktakes",
             {"book_id": hbook.book.pk, "tolerance_pct": "0.001", "counts": [{"item_no": 1, "counted": "100"}]})
    assert r.status_code == 400, r.content
    assert fields(r) == [("tolerance_pct", "too_many_decimals")]
    assert written() == before


def cli(*args) -> str:
    out = StringIO()
    call_command("processing", *args, stdout=out)
    return out.getvalue()


def json_file(tmp_path, data) -> str:
    path = tmp_path / "in.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return str(path)


def test_the_cli_declares_and_approves_a_bom(hbook, tmp_path):
    out = cli("declare-bom", json_file(tmp_path, bom_data()), "--book", str(hbook.book.pk), "--user", "ent_a")
    b = Bom.objects.get()
    assert out.startswith(f"BOM {b.pk} 10/V1: declared")
    assert cli("approve-bom", str(b.pk), "--user", "customs").startswith(f"BOM {b.pk} 10/V1: approved")


@pytest.mark.parametrize("bom_id", ["²", "x", "99999999999999999999999999", "-1"])
def test_the_cli_refuses_a_bom_id_that_is_not_one_in_a_sentence(hbook, bom_id):
    with pytest.raises(CommandError, match=f"^bom: “{re.escape(bom_id)}”(不是整数|超出范围)"):  # the CLI's language
        cli("approve-bom", bom_id, "--user", "customs")


@pytest.mark.parametrize("action, data, field", [
    ("declare-bom", {**bom_data(), "lines": "abc"}, "lines"),
    ("declare-bom", {**bom_data(), "lines": [1, 2]}, "lines[1].material_no"),
    ("produce", {"outputs": "abc"}, "outputs"),
    ("produce", {"outputs": [5]}, "outputs[1].item_no"),
    ("stocktake", {"counts": "abc"}, "counts"),
    ("stocktake", {"counts": [3]}, "counts[1].item_no"),
    ("stocktake", {"counts": [{"item_no": 1, "counted": "1e400"}]}, "counts[1].counted"),
])
def test_the_cli_refuses_rows_that_are_not_objects_naming_the_field(hbook, tmp_path, action, data, field):
    before = written()
    with pytest.raises(CommandError, match=re.escape(f"{field}: ")):
        cli(action, json_file(tmp_path, data), "--book", str(hbook.book.pk), "--user", "ent_a")
    assert written() == before


def test_a_consumption_its_unit_cannot_count_is_refused_by_the_material_not_a_ledger_line(hbook):
    # screws (item 2) are counted in 个 (no decimals): 1.5 a motor is a fine BOM, but one motor would consume 1.5
    approved_bom(hbook, lines=[{"material_no": 1, "net": "1.8", "loss_pct": "10"}, {"material_no": 2, "net": "1.5"}])
    before = written()
    ent = client_for("ent_a")
    r = post(ent, "/api/v1/processing/production", {"book_id": hbook.book.pk,
                                                    "outputs": [{"item_no": 10, "quantity": "1"}]})
    assert r.status_code == 400, r.content
    assert fields(r) == [("outputs", "consumption_not_in_unit")]
    assert "Material 2" in client_for("ent_a", "en").post(
        "/api/v1/processing/production", json.dumps({"book_id": hbook.book.pk, "outputs": [{"item_no": 10,
                                                                                           "quantity": "1"}]}),
        content_type="application/json", HTTP_IDEMPOTENCY_KEY=uuid.uuid4().hex).json()["errors"][0]["message"]
    r = post(ent, "/api/v1/processing/production", {"book_id": hbook.book.pk,
                                                    "outputs": [{"item_no": 10, "quantity": "1.5"}]})
    assert fields(r) == [("outputs[1].quantity", "too_many_decimals")]
    assert written() == before
    r = post(ent, "/api/v1/processing/production", {"book_id": hbook.book.pk,
                                                    "outputs": [{"item_no": 10, "quantity": "2"}]})
    assert r.status_code == 201, r.content


def test_refusals_name_the_book_and_the_goods_status_in_words(hbook):
    ent, number = client_for("ent_a"), hbook.book.number
    r = post(ent, f"/api/v1/processing/books/{hbook.book.pk}/boms", bom_data(lines=[{"material_no": 99, "net": "1"}]))
    assert r.json()["errors"][0]["message"] == f"账册 {number} 中没有备案序号 99。"
    approved_bom(hbook)
    r = post(ent, "/api/v1/processing/production", {"book_id": hbook.book.pk,
                                                    "outputs": [{"item_no": 99, "quantity": "1"}]})
    assert r.json()["errors"][0]["message"] == f"账册 {number} 中没有备案序号 99。"
    r = post(ent, "/api/v1/processing/stocktakes", {"book_id": hbook.book.pk, "counts": [
        {"item_no": 1, "goods_status": "duty_paid", "counted": "1"}]})
    message = r.json()["errors"][0]["message"]
    assert "duty_paid" not in message and "完税" in message, message


def test_a_repeated_writeoff_request_with_its_key_queues_one_job(hbook):
    ent, today = client_for("ent_a"), timezone.localdate()
    body = json.dumps({"book_id": hbook.book.pk, "period_start": (today.replace(day=1)).isoformat(),
                       "period_end": today.isoformat()})

    def request(key):
        return ent.post("/api/v1/processing/writeoffs", body, content_type="application/json",
                        HTTP_IDEMPOTENCY_KEY=key)

    first, again = request("wo-1"), request("wo-1")
    assert first.status_code == again.status_code == 201
    assert first.json()["id"] == again.json()["id"] and WriteOff.objects.count() == 1
    other = ent.post("/api/v1/processing/writeoffs", json.dumps({**json.loads(body), "period_start": today.isoformat()}),
                     content_type="application/json", HTTP_IDEMPOTENCY_KEY="wo-1")
    assert other.status_code == 409 and WriteOff.objects.count() == 1
    page = ent.get(f"/processing/books/{hbook.book.pk}/").content.decode()
    form = page[page.index(f'action="/processing/books/{hbook.book.pk}/writeoffs/"'):page.index('name="period_start"')]
    assert 'name="idempotency_key"' in form  # the page's form sends one: a double click queues one job


def test_the_cli_runs_a_writeoff_once_per_key_and_refuses_a_period_ending_before_it_starts(hbook):
    today = timezone.localdate()
    args = ("write-off", today.replace(day=1).isoformat(), today.isoformat(), "--book", str(hbook.book.pk),
            "--user", "ent_a", "--idempotency-key", "cli-wo")
    first, again = cli(*args), cli(*args)
    assert first == again and ": done," in first and WriteOff.objects.count() == 1
    with pytest.raises(CommandError, match="period_end: "):
        cli("write-off", today.isoformat(), today.replace(day=1).replace(year=today.year - 1).isoformat(), "--book",
            str(hbook.book.pk), "--user", "ent_a")
    assert WriteOff.objects.count() == 1


def test_the_bom_list_of_a_book_id_that_is_not_one_is_refused_not_every_bom(hbook):
    # book 0 read as "no book" listed the BOMs of every book; 23 digits overflowed SQLite (a 500)
    ent = client_for("ent_a")
    assert post(ent, f"/api/v1/processing/books/{hbook.book.pk}/boms", bom_data()).status_code == 201
    assert ent.get(f"/api/v1/processing/books/{hbook.book.pk}/boms").json()["count"] == 1
    for book_id in ("0", "9" * 23):
        r = ent.get(f"/api/v1/processing/books/{book_id}/boms")
        assert r.status_code == 400, (book_id, r.content)
        assert [(e["field"], e["code"]) for e in r.json()["errors"]] == [("book_id", "out_of_range")]


def test_the_bom_list_of_a_t_book_or_of_another_enterprises_book_says_so_not_an_empty_list(hbook):
    world = hbook.world
    r = client_for("ent_a").get(f"/api/v1/processing/books/{world.book_a.pk}/boms")  # its own T book
    assert r.status_code == 400 and [(e["field"], e["code"]) for e in r.json()["errors"]] == [
        ("book_id", "book_not_processing")]
    assert client_for("ent_b").get(f"/api/v1/processing/books/{hbook.book.pk}/boms").status_code == 404
