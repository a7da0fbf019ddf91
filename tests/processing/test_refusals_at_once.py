"""A hostile tester's findings on main: a report or stock-take refused one problem at a time, a count its unit
cannot hold refused by the ledger in the ledger's words, a failed write-off showing Python's text, the write-off's
explaining documents as raw codes, and the BOM decision and write-off forms flashing instead of marking their
inputs."""

from __future__ import annotations

import uuid
from unittest import mock

import pytest
from django.utils import timezone

from bondzone.core.domain.errors import DomainError
from bondzone.core.models import AuditEvent
from bondzone.processing import services
from bondzone.processing.models import ProductionReport, StockTake, WriteOff
from bondzone.supervision.models import StockEntry

from ..conftest import key
from .conftest import bom_data
from .test_pages_api import client_for, post
from .test_services import approved_bom, codes


def written():
    return (ProductionReport.objects.count(), StockTake.objects.count(), StockEntry.objects.count(),
            AuditEvent.objects.count())


def test_a_production_report_names_every_bad_field_at_once(hbook):
    approved_bom(hbook)
    before = written()
    with pytest.raises(DomainError) as exc:
        services.report_production(actor=hbook.actor("ent_a"), book_id=hbook.book.pk, idempotency_key=key(), data={
            "day": "x", "note": "n" * 501,
            "outputs": [{"item_no": 10, "quantity": "y"}, {"item_no": 99, "quantity": "1"},
                        {"item_no": 10, "quantity": "-1"}]})
    assert codes(exc) == [("day", "bad_date"), ("note", "too_long"), ("outputs[1].quantity", "not_a_number"),
                          ("outputs[2].item_no", "unknown_item"), ("outputs[3].quantity", "quantity_not_positive")]
    assert written() == before


def test_a_stocktake_names_every_bad_field_at_once(hbook):
    before = written()
    with pytest.raises(DomainError) as exc:
        services.take_stock(actor=hbook.actor("ent_a"), book_id=hbook.book.pk, idempotency_key=key(), data={
            "day": "x", "tolerance_pct": "1000",
            "counts": [{"item_no": 1, "counted": "y"}, {"item_no": 99, "counted": "1"}, {"item_no": 2, "counted": "-1"}]})
    assert codes(exc) == [("day", "bad_date"), ("tolerance_pct", "decimal_too_large"),
                          ("counts[1].counted", "not_a_number"), ("counts[2].item_no", "count_not_in_book"),
                          ("counts[3].counted", "count_negative")]
    assert written() == before


def test_a_count_its_unit_cannot_hold_is_refused_on_the_count_not_by_the_ledger(hbook):
    """Item 2 is counted in 个 (no decimals), item 1 in 千克 (3): 199.5 个 and 99.1234 kg never reach the ledger."""
    before = written()
    r = post(client_for("ent_a", "en"), "/api/v1/processing/stocktakes", {"book_id": hbook.book.pk, "counts": [
        {"item_no": 1, "counted": "99.1234"}, {"item_no": 2, "counted": "199.5"}]})
    assert r.status_code == 400, r.content
    assert [(e["field"], e["code"], e["message"]) for e in r.json()["errors"]] == [
        ("counts[1].counted", "too_many_decimals", "99.1234 has more than 3 decimal places."),
        ("counts[2].counted", "too_many_decimals", "199.5 has more than 0 decimal places.")]
    assert written() == before


def test_a_count_its_unit_cannot_hold_is_marked_on_the_forms_row(hbook):
    ent = client_for("ent_a")
    rows = {f"counts[{n}].item_no": str(no) for n, no in enumerate((1, 2, 10, 11, 12, 13), start=1)}
    r = ent.post(f"/processing/books/{hbook.book.pk}/stocktakes/", {
        "idempotency_key": uuid.uuid4().hex, "tolerance_pct": "1", **rows,
        **{f"counts[{n}].goods_status": "bonded" for n in range(1, 7)}, "counts[2].counted": "199.5"}, follow=True)
    page = r.content.decode()
    assert 'value="199.5" aria-invalid="true"' in page and 'data-field="counts[2].counted">199.5' in page
    assert "moves[" not in page and StockTake.objects.count() == 0


def failed_writeoff(hbook):
    today = timezone.localdate().isoformat()
    job = services.request_writeoff(actor=hbook.actor("customs"), book_id=hbook.book.pk, period_start=today,
                                    period_end=today)
    boom = RuntimeError("psycopg.errors.QueryCanceled: canceling statement due to statement timeout")
    with mock.patch("bondzone.processing.selectors.flow_sums", side_effect=boom):
        assert services.run_writeoff(job.pk) is False
    job.refresh_from_db()
    assert job.status == "failed"
    return job


@pytest.mark.parametrize("lang, words", [
    ("zh-hans", "核销计算未能完成"), ("en", "The write-off could not be computed")])
def test_a_failed_writeoff_says_so_in_words_and_keeps_the_detail_for_the_log(hbook, caplog, lang, words):
    job = failed_writeoff(hbook)
    page = client_for("ent_a", lang).get(f"/processing/writeoffs/{job.pk}/").content.decode()
    assert words in page and "QueryCanceled" not in page and "RuntimeError" not in page
    api = client_for("ent_a", lang).get(f"/api/v1/processing/writeoffs/{job.pk}").json()
    assert words in api["error"] and "QueryCanceled" not in api["error"]
    assert "QueryCanceled" in caplog.text
    event = AuditEvent.objects.get(action="writeoff.fail", object_id=str(job.pk))
    assert "QueryCanceled" in str(event.after)


@pytest.mark.parametrize("lang, words", [("zh-hans", "盘点 #"), ("en", "Stock-take #")])
def test_the_writeoff_names_its_explaining_documents_in_words_with_a_link(hbook, lang, words):
    today = timezone.localdate().isoformat()
    take = services.take_stock(actor=hbook.actor("ent_a"), book_id=hbook.book.pk, idempotency_key=key(),
                               data={"tolerance_pct": "5", "counts": [{"item_no": 1, "counted": "99"}]})
    job = services.request_writeoff(actor=hbook.actor("customs"), book_id=hbook.book.pk, period_start=today,
                                    period_end=today)
    services.run_writeoff(job.pk)
    page = client_for("ent_a", lang).get(f"/processing/writeoffs/{job.pk}/").content.decode()
    assert f'<a href="/processing/stocktakes/{take.pk}/" data-document="stocktake:{take.pk}">{words}{take.pk}</a>' in page
    assert f">stocktake:{take.pk}<" not in page


def test_a_refused_writeoff_request_marks_its_inputs_and_keeps_them(hbook):
    ent = client_for("ent_a")
    r = ent.post(f"/processing/books/{hbook.book.pk}/writeoffs/", {
        "idempotency_key": uuid.uuid4().hex, "period_start": "2026-05-01", "period_end": "2026-04-01"}, follow=True)
    page = r.content.decode()
    assert WriteOff.objects.count() == 0
    assert 'name="period_start" required value="2026-05-01"' in page
    assert 'value="2026-04-01" aria-invalid="true"' in page and 'data-field="period_end">' in page


def test_a_refused_bom_decision_is_shown_on_its_row(hbook):
    approved_bom(hbook)
    other = services.declare_bom(actor=hbook.actor("ent_a"), book_id=hbook.book.pk, data=bom_data(version="V2"))
    r = client_for("customs").post(f"/processing/boms/{other.pk}/decide/", {"approve": "1"}, follow=True)
    page = r.content.decode()
    assert f'id="bom-{other.pk}-valid_from-error" data-field="valid_from">' in page
    other.refresh_from_db()
    assert other.status == "declared"


@pytest.mark.parametrize("lang, words", [
    ("zh-hans", ["核注清单 #3", "过卡记录 #5", "库门通行记录 #7"]),
    ("en", ["Verification list #3", "Gate passage #5", "Warehouse door passage #7"]),
])
def test_every_kind_of_source_document_the_ledger_posts_is_named_in_words(lang, words):
    from django.utils import translation

    from bondzone.processing.views import documents

    with translation.override(lang):
        labelled = [d["label"] for d in documents(["list:3", "passage:5", "door:7"])]
    assert labelled == words
