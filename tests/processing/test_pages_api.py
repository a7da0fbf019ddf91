"""Processing pages and API: declare and approve a BOM, report production, take stock, run a write-off."""

from __future__ import annotations

import json
import uuid

import pytest
from django.test import Client

from bondzone.processing import services
from bondzone.processing.models import Bom, ProductionReport, StockTake, WriteOff

from ..conftest import PASSWORD
from .conftest import bom_data


def client_for(username: str, lang: str = "zh-hans") -> Client:
    c = Client(HTTP_ACCEPT_LANGUAGE=lang)
    assert c.login(username=username, password=PASSWORD)
    return c


def post(c, path, body):
    return c.post(path, json.dumps(body), content_type="application/json", HTTP_IDEMPOTENCY_KEY=uuid.uuid4().hex)


def test_bom_and_production_over_the_api(hbook):
    ent, customs = client_for("ent_a"), client_for("customs")
    r = post(ent, f"/api/v1/processing/books/{hbook.book.pk}/boms", bom_data())
    assert r.status_code == 201, r.content
    bom_id = r.json()["id"]
    assert r.json()["lines"][0] == {"material_no": 1, "net": "1.8", "loss_pct": "10.0000"}
    r = post(customs, f"/api/v1/processing/boms/{bom_id}/decision", {"approve": True})
    assert r.json()["status"] == "approved"
    r = post(ent, "/api/v1/processing/production", {"book_id": hbook.book.pk, "outputs": [{"item_no": 10, "quantity": "2"}]})
    assert r.status_code == 201, r.content
    assert {c["material_no"]: c["quantity"] for c in r.json()["consumption"]} == {1: "4", 2: "8"}


def test_bad_production_and_loss_rate_are_400_with_fields(hbook):
    ent = client_for("ent_a", "en")
    r = post(ent, f"/api/v1/processing/books/{hbook.book.pk}/boms",
             bom_data(lines=[{"material_no": 1, "net": "1", "loss_pct": "-1"}]))
    assert r.status_code == 400 and r.json()["errors"][0]["field"] == "lines[1].loss_pct"
    assert "below 100 %" in r.json()["errors"][0]["message"]
    r = post(ent, "/api/v1/processing/production", {"book_id": hbook.book.pk, "outputs": [{"item_no": 10, "quantity": "x"}]})
    assert r.status_code == 400
    assert Bom.objects.count() == 0 and ProductionReport.objects.count() == 0


def test_a_bad_first_line_is_line_1_in_schema_refusals(hbook):
    ent = client_for("ent_a")

    def refused(path, body):
        r = post(ent, path, body)
        assert r.status_code == 400, r.content
        return [(e["field"], e["code"]) for e in r.json()["errors"]]

    lines = bom_data()["lines"]
    assert refused(f"/api/v1/processing/books/{hbook.book.pk}/boms",
                   bom_data(lines=[{**lines[0], "net": "x"}, *lines[1:]])) == [("lines[1].net", "not_a_number")]
    assert refused("/api/v1/processing/production", {"book_id": hbook.book.pk, "outputs": [
        {"item_no": "x", "quantity": "2"}]}) == [("outputs[1].item_no", "not_an_integer")]
    assert refused("/api/v1/processing/stocktakes", {"book_id": hbook.book.pk, "counts": [
        {"item_no": 1, "counted": "x"}]}) == [("counts[1].counted", "not_a_number")]
    assert Bom.objects.count() == 0 and ProductionReport.objects.count() == 0


def test_book_page_forms_in_chinese(hbook):
    ent = client_for("ent_a")
    page = ent.get(f"/processing/books/{hbook.book.pk}/").content.decode()
    assert "申报单耗版本" in page and "报告生产" in page
    r = ent.post(f"/processing/books/{hbook.book.pk}/boms/", {
        "finished_no": "10", "version": "V1", "valid_from": bom_data()["valid_from"],
        "lines[1].material_no": "1", "lines[1].net": "1.8", "lines[1].loss_pct": "10",
        "lines[2].material_no": "2", "lines[2].net": "4"}, follow=True)
    assert "单耗已申报" in r.content.decode() and Bom.objects.get().lines.count() == 2
    r = ent.post(f"/processing/books/{hbook.book.pk}/boms/", {"finished_no": "10", "version": "V2",
                                                            "valid_from": "2026-01-01", "lines[1].material_no": "1",
                                                            "lines[1].net": "1", "lines[1].loss_pct": "100"}, follow=True)
    assert "损耗率须不小于 0 且小于 100 %" in r.content.decode() and Bom.objects.count() == 1


def test_a_refused_bom_keeps_what_was_typed_and_marks_the_field(hbook):
    ent = client_for("ent_a")
    r = ent.post(f"/processing/books/{hbook.book.pk}/boms/", {
        "finished_no": "10", "version": "V9", "valid_from": bom_data()["valid_from"],
        "lines[1].material_no": "1", "lines[1].net": "1.8", "lines[1].loss_pct": "10",
        "lines[2].material_no": "2", "lines[2].net": "4", "lines[2].loss_pct": "100"}, follow=True)
    page = r.content.decode()
    assert Bom.objects.count() == 0
    assert 'name="version" required value="V9"' in page and 'name="lines[1].net" inputmode="decimal"' in page
    assert 'value="1.8"' in page and 'value="100" aria-invalid="true"' in page
    assert 'data-field="lines[2].loss_pct">损耗率须不小于 0 且小于 100 %（填写的是 100）。' in page


def test_t_book_has_no_processing_page(hbook, world):
    assert client_for("ent_a").get(f"/processing/books/{world.book_a.pk}/").status_code == 404


def test_writeoff_page_shows_progress_then_rows_and_exports(hbook):
    from django.utils import timezone

    today = timezone.localdate().isoformat()
    c = client_for("ent_a", "en")
    r = c.post(f"/processing/books/{hbook.book.pk}/writeoffs/", {"period_start": today, "period_end": today})
    job = WriteOff.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/processing/writeoffs/{job.pk}/"
    page = c.get(r["Location"]).content.decode()
    assert 'hx-trigger="every 1s"' in page and "queued" in page
    services.run_writeoff(job.pk)
    progress = c.get(f"/processing/writeoffs/{job.pk}/progress/")
    assert progress["HX-Refresh"] == "true"
    page = c.get(f"/processing/writeoffs/{job.pk}/").content.decode()
    assert "Export XLSX" in page and "hx-trigger" not in page and 'data-status="bonded">bonded<' in page
    assert 'data-status="bonded">保税<' in client_for("ent_a").get(f"/processing/writeoffs/{job.pk}/").content.decode()
    xlsx = c.get(f"/processing/writeoffs/{job.pk}/xlsx/")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"


@pytest.mark.parametrize("lang, head, summary, bonded, take", [
    ("zh-hans", ["备案序号 (item_no)", "货物状态 (goods_status)", "期初 (opening)", "进 (in)", "出 (out)",
                 "耗用 (consumed)", "产出 (produced)", "理论期末 (computed_closing)", "账面期末 (book_closing)",
                 "差异 (difference)", "差异说明单证 (explained_by)"], ["账册 (book)", "核销期 (period)"], "保税", "盘点"),
    ("en", ["Item (item_no)", "Goods status (goods_status)", "Opening (opening)", "In (in)", "Out (out)",
            "Consumed (consumed)", "Produced (produced)", "Computed closing (computed_closing)",
            "Book closing (book_closing)", "Difference (difference)", "Explained by (explained_by)"],
     ["Book (book)", "Period (period)"], "bonded", "Stock-take")])
def test_the_writeoff_export_speaks_the_readers_language(hbook, lang, head, summary, bonded, take):
    """Headings in words with the code beside them (core.tabular.heading); goods statuses and the explaining
    documents in words, as the page shows them (保税, 盘点 #4: core.labels), never their codes."""
    import io

    import openpyxl
    from django.utils import timezone

    today = timezone.localdate().isoformat()
    services.take_stock(actor=hbook.actor("ent_a"), book_id=hbook.book.pk, idempotency_key=uuid.uuid4().hex,
                        data={"tolerance_pct": "5", "counts": [{"item_no": 1, "counted": "99"}]})
    job = services.request_writeoff(actor=hbook.actor("customs"), book_id=hbook.book.pk, period_start=today,
                                    period_end=today)
    services.run_writeoff(job.pk)
    r = client_for("ent_a", lang).get(f"/processing/writeoffs/{job.pk}/xlsx/")
    assert r.status_code == 200
    first, rows = openpyxl.load_workbook(io.BytesIO(r.content), read_only=True).worksheets
    assert [row[0] for row in first.iter_rows(max_row=2, values_only=True)] == summary
    table = [list(row) for row in rows.iter_rows(values_only=True)]
    assert table[0] == head
    copper = next(row for row in table[1:] if row[0] == 1)
    pk = StockTake.objects.get().pk
    assert copper[1] == bonded and copper[-1] == f"{take} #{pk}"
    page = client_for("ent_a", lang).get(f"/processing/writeoffs/{job.pk}/").content.decode()
    assert f'data-document="stocktake:{pk}">{take} #{pk}</a>' in page  # the page names it the same way


def test_the_stocktake_form_counts_only_the_items_given_a_count(hbook):
    """The form lists every item of the book (its number filled in): the items left blank are not counted, so a
    count of the stocked materials is recorded though the finished and leftover items hold nothing."""
    ent = client_for("ent_a")
    page = ent.get(f"/processing/books/{hbook.book.pk}/").content.decode()
    listed = page.count('<input name="counts[')
    assert listed == 6 * 2 and 'name="counts[6].item_no" value="13" readonly' in page
    rows = {f"counts[{n}].item_no": str(no) for n, no in enumerate((1, 2, 10, 11, 12, 13), start=1)}
    r = ent.post(f"/processing/books/{hbook.book.pk}/stocktakes/", {
        "idempotency_key": uuid.uuid4().hex, "tolerance_pct": "1", **rows,
        **{f"counts[{n}].goods_status": "bonded" for n in range(1, 7)},
        "counts[1].counted": "100", "counts[2].counted": "199"})
    take = StockTake.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/processing/stocktakes/{take.pk}/"
    assert [(ln.item_no, ln.counted, ln.disposition) for ln in take.lines.order_by("line")] == [
        (1, 100, "none"), (2, 199, "adjust")]
    r = ent.post(f"/processing/books/{hbook.book.pk}/stocktakes/", {
        "idempotency_key": uuid.uuid4().hex, "tolerance_pct": "1", "counts[1].item_no": "1", "counts[2].item_no": "2",
        "counts[1].counted": "", "counts[2].counted": ""}, follow=True)
    assert 'data-field="counts">盘点至少需要一项实盘数' in r.content.decode() and StockTake.objects.count() == 1


def test_a_refused_production_report_keeps_what_was_typed_and_marks_the_field(hbook):
    ent = client_for("ent_a")
    r = ent.post(f"/processing/books/{hbook.book.pk}/production/", {
        "idempotency_key": uuid.uuid4().hex, "day": "2026-01-05", "note": "夜班",
        "outputs[1].item_no": "10", "outputs[1].kind": "finished", "outputs[1].quantity": "2",
        "outputs[2].item_no": "11", "outputs[2].kind": "scrap", "outputs[2].quantity": "abc",
        "outputs[3].kind": "finished"}, follow=True)
    page = r.content.decode()
    assert ProductionReport.objects.count() == 0
    assert '<details class="card" open><summary>报告生产' in page
    assert 'name="day" value="2026-01-05"' in page and 'name="note" value="夜班"' in page
    assert 'name="outputs[1].item_no" aria-label="备案序号" value="10" aria-invalid="true"' in page
    assert 'data-field="outputs[1].item_no">成品 10 在 2026-01-05 没有有效的已审批单耗' in page
    assert '<option value="scrap" selected>边角料' in page
    assert 'value="abc" aria-invalid="true"' in page and 'data-field="outputs[2].quantity">“abc”不是数字。' in page
    assert 'name="outputs[3].quantity" inputmode="decimal" aria-label="数量" value=""' in page


def test_a_refused_stocktake_keeps_what_was_typed_and_marks_the_counted_row(hbook):
    """The service numbers the counts given; the form every item listed: a refusal is shown on the item's own row."""
    ent = client_for("ent_a")
    rows = {f"counts[{n}].item_no": str(no) for n, no in enumerate((1, 2, 10, 11, 12, 13), start=1)}
    r = ent.post(f"/processing/books/{hbook.book.pk}/stocktakes/", {
        "idempotency_key": uuid.uuid4().hex, "day": "2026-01-06", "tolerance_pct": "2.5", **rows,
        **{f"counts[{n}].goods_status": "bonded" for n in range(1, 7)}, "counts[4].goods_status": "non_bonded",
        "counts[1].counted": "", "counts[2].counted": "-3", "counts[4].counted": "x"}, follow=True)
    page = r.content.decode()
    assert StockTake.objects.count() == 0
    assert '<details class="card" open><summary>录入盘点' in page
    assert 'name="day" value="2026-01-06"' in page and 'name="tolerance_pct" inputmode="decimal" value="2.5"' in page
    assert 'name="counts[2].counted" inputmode="decimal" aria-label="实盘数" value="-3" aria-invalid="true"' in page
    assert 'data-field="counts[2].counted">' in page and 'data-field="counts[4].counted">“x”' in page
    assert 'name="counts[1].counted" inputmode="decimal" aria-label="实盘数" value=""' in page
    assert 'data-field="counts[3].' not in page and 'data-field="counts[1].' not in page
    assert '<option value="non_bonded" selected>' in page


@pytest.mark.parametrize("lang, words", [
    ("zh-hans", ["单耗至少需要一项料件。", "生产报告至少需要一项产出：请填写备案序号及其数量。",
                 "盘点至少需要一项实盘数：请填写至少一个备案序号的实盘数。", "实盘数不能为负数（填写的是 -1）。"]),
    ("en", ["A BOM needs at least one material.",
            "A production report needs at least one output: give an item and its quantity.",
            "A stock-take needs at least one count: give the counted quantity of an item.",
            "A counted quantity must not be negative (got -1)."])])
def test_an_empty_bom_report_or_count_and_a_negative_count_are_refused_in_their_own_words(hbook, lang, words):
    """Not in the words of a verification list (清单…表体) or of an amount (金额)."""
    ent = client_for("ent_a", lang)

    def refused(path, body):
        r = post(ent, path, body)
        assert r.status_code == 400, r.content
        return [(e["field"], e["code"], e["message"]) for e in r.json()["errors"]]

    book = hbook.book.pk
    assert refused(f"/api/v1/processing/books/{book}/boms", bom_data(lines=[])) == [
        ("lines", "bom_no_lines", words[0])]
    assert refused("/api/v1/processing/production", {"book_id": book, "outputs": []}) == [
        ("outputs", "production_no_outputs", words[1])]
    assert refused("/api/v1/processing/stocktakes", {"book_id": book, "counts": []}) == [
        ("counts", "stocktake_no_counts", words[2])]
    assert refused("/api/v1/processing/stocktakes", {"book_id": book, "counts": [{"item_no": 1, "counted": "-1"}]}) == [
        ("counts[1].counted", "count_negative", words[3])]
    assert Bom.objects.count() == 0 and ProductionReport.objects.count() == 0 and StockTake.objects.count() == 0


@pytest.mark.parametrize("lang, role", [("zh-hans", "（区内企业）"), ("en", "(enterprise)")])
def test_a_role_that_may_not_approve_a_bom_is_named_in_the_readers_language(hbook, lang, role):
    ent = client_for("ent_a", lang)
    bom_id = post(ent, f"/api/v1/processing/books/{hbook.book.pk}/boms", bom_data()).json()["id"]
    r = post(ent, f"/api/v1/processing/boms/{bom_id}/decision", {"approve": True})
    assert r.status_code == 403
    [e] = r.json()["errors"]
    assert e["code"] == "forbidden_action" and role in e["message"], e["message"]
    assert Bom.objects.get(pk=bom_id).status == "declared"


@pytest.mark.parametrize("lang, words", [("zh-hans", "商品 1（保税）重复盘点。"), ("en", "Item 1 (bonded) is counted twice.")])
def test_an_item_counted_twice_is_named_with_its_status_in_words(hbook, lang, words):
    before = StockTake.objects.count()
    r = post(client_for("ent_a", lang), "/api/v1/processing/stocktakes", {
        "book_id": hbook.book.pk, "counts": [{"item_no": 1, "counted": "1"}, {"item_no": 1, "counted": "2"}]})
    assert r.status_code == 400
    assert [(e["field"], e["message"]) for e in r.json()["errors"]] == [("counts[2].item_no", words)]
    assert StockTake.objects.count() == before
