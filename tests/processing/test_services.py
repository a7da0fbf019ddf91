"""BOMs, production reports, stock-takes and write-offs through the services, posting through the ledger."""

from datetime import timedelta
from decimal import Decimal as D

import pytest
from django.utils import timezone, translation

from bondzone.core.domain.errors import DomainError, Forbidden
from bondzone.core.models import AuditEvent
from bondzone.processing import exports, services
from bondzone.processing.models import ProductionReport, StockTake, WriteOff, WriteOffLine
from bondzone.supervision import selectors as books

from ..conftest import key
from .conftest import bom_data


def codes(exc):
    return [(p.field, p.code) for p in exc.value.problems]


def stock(h, item_no, status="bonded"):
    return sum((a.posted for a in books.accounts(h.actor("customs"), book_id=h.book.pk, goods_status=status)
                if a.item.item_no == item_no), D(0))


def approved_bom(h, **kw):
    b = services.declare_bom(actor=h.actor("ent_a"), book_id=h.book.pk, data=bom_data(**kw))
    return services.decide_bom(actor=h.actor("customs"), bom_id=b.pk, approve=True)


def produce(h, outputs, **kw):
    return services.report_production(actor=h.actor("ent_a"), book_id=h.book.pk,
                                      data={"outputs": outputs, **kw}, idempotency_key=key())


def test_bom_declared_then_approved_and_overlap_refused(hbook):
    b = services.declare_bom(actor=hbook.actor("ent_a"), book_id=hbook.book.pk, data=bom_data())
    assert b.status == "declared" and b.lines.count() == 2
    with pytest.raises(Forbidden):
        services.decide_bom(actor=hbook.actor("ent_a"), bom_id=b.pk, approve=True)
    services.decide_bom(actor=hbook.actor("customs"), bom_id=b.pk, approve=True)
    other = services.declare_bom(actor=hbook.actor("ent_a"), book_id=hbook.book.pk, data=bom_data(version="V2"))
    with pytest.raises(DomainError) as exc:
        services.decide_bom(actor=hbook.actor("customs"), bom_id=other.pk, approve=True)
    assert codes(exc) == [("valid_from", "bom_overlaps")]
    with pytest.raises(DomainError) as exc:
        services.declare_bom(actor=hbook.actor("ent_a"), book_id=hbook.book.pk, data=bom_data())
    assert codes(exc) == [("version", "duplicate_value")]


def test_bom_loss_rate_of_100_is_refused_and_nothing_written(hbook):
    before = AuditEvent.objects.count()
    with pytest.raises(DomainError) as exc:
        services.declare_bom(actor=hbook.actor("ent_a"), book_id=hbook.book.pk,
                             data=bom_data(lines=[{"material_no": 1, "net": "1", "loss_pct": "100"}]))
    assert codes(exc) == [("lines[1].loss_pct", "loss_rate_out_of_range")]
    assert AuditEvent.objects.count() == before


def test_bom_needs_an_h_book(hbook, world):
    with pytest.raises(DomainError) as exc:
        services.declare_bom(actor=hbook.actor("ent_a"), book_id=world.book_a.pk, data=bom_data())
    assert codes(exc) == [("book_id", "book_not_processing")]


def test_production_consumes_materials_and_books_outputs_in_one_posting(hbook):
    approved_bom(hbook)
    report = produce(hbook, [{"item_no": 10, "quantity": "3"}, {"item_no": 12, "kind": "defective", "quantity": "1"},
                             {"item_no": 11, "kind": "scrap", "quantity": "0.8"}])
    assert {c.material_no: c.quantity for c in report.consumption.all()} == {1: D("8"), 2: D("16")}
    # the defective motor is in its own account, not among the good ones
    assert [stock(hbook, n) for n in (1, 2, 10, 12, 11)] == [D("92"), D("184"), D("3"), D("1"), D("0.8")]


def test_production_that_would_overdraw_is_refused_and_posts_nothing(hbook):
    approved_bom(hbook)
    before = (ProductionReport.objects.count(), stock(hbook, 1), stock(hbook, 10))
    with pytest.raises(DomainError) as exc:
        produce(hbook, [{"item_no": 10, "quantity": "60"}])  # 120 kg of copper (100 held), 240 screws (200)
    assert codes(exc) == [("outputs", "consumption_exceeds_stock")] * 2
    assert [p.params["item"] for p in exc.value.problems] == [1, 2]
    assert (ProductionReport.objects.count(), stock(hbook, 1), stock(hbook, 10)) == before


def test_production_without_an_approved_bom_is_refused(hbook):
    services.declare_bom(actor=hbook.actor("ent_a"), book_id=hbook.book.pk, data=bom_data())
    with pytest.raises(DomainError) as exc:
        produce(hbook, [{"item_no": 10, "quantity": "1"}])
    assert codes(exc) == [("outputs[1].item_no", "no_bom_in_force")]


def test_stocktake_adjusts_within_tolerance_and_opens_a_case_beyond(hbook):
    take = services.take_stock(actor=hbook.actor("ent_a"), book_id=hbook.book.pk, idempotency_key=key(), data={
        "tolerance_pct": "2", "counts": [{"item_no": 1, "counted": "99"}, {"item_no": 2, "counted": "150"}]})
    assert take.adjusted and take.case_open
    lines = {ln.item_no: ln for ln in take.lines.all()}
    assert (lines[1].disposition, lines[1].value) == ("adjust", D("-10.00"))
    assert (lines[2].disposition, lines[2].value) == ("case", D("-500.00"))
    assert (stock(hbook, 1), stock(hbook, 2)) == (D("99"), D("200"))


def test_count_for_an_item_not_in_the_book_is_refused(hbook):
    with pytest.raises(DomainError) as exc:
        services.take_stock(actor=hbook.actor("ent_a"), book_id=hbook.book.pk, idempotency_key=key(),
                            data={"counts": [{"item_no": 99, "counted": "1"}]})
    assert codes(exc) == [("counts[1].item_no", "count_not_in_book")]
    assert StockTake.objects.count() == 0


def test_writeoff_balances_the_period_and_flags_adjustments(hbook):
    approved_bom(hbook)
    produce(hbook, [{"item_no": 10, "quantity": "5"}])
    services.take_stock(actor=hbook.actor("ent_a"), book_id=hbook.book.pk, idempotency_key=key(), data={
        "tolerance_pct": "5", "counts": [{"item_no": 1, "counted": "89"}]})
    today = timezone.localdate()
    job = services.request_writeoff(actor=hbook.actor("customs"), book_id=hbook.book.pk,
                                    period_start=(today - timedelta(days=10)).isoformat(), period_end=today.isoformat())
    assert job.status == "queued"
    assert services.run_writeoff(job.pk) is True and services.run_writeoff(job.pk) is False
    job.refresh_from_db()
    assert (job.status, job.progress, job.differences) == ("done", 100, 1)
    done = AuditEvent.objects.get(action="writeoff.done", object_id=str(job.pk))  # with the result, once
    assert done.after == {"rows": job.rows, "differences": 1} and done.enterprise_id == hbook.book.enterprise_id
    rows = {(r.item_no, r.goods_status): r for r in WriteOffLine.objects.filter(writeoff=job)}
    copper = rows[(1, "bonded")]
    assert (copper.inward, copper.consumed, copper.computed_closing, copper.book_closing, copper.difference) == (
        D("100"), D("10"), D("90"), D("89"), D("-1"))
    take = StockTake.objects.get()
    assert copper.explained_by == [f"stocktake:{take.pk}"]
    assert (rows[(10, "bonded")].produced, rows[(10, "bonded")].difference) == (D("5"), D("0"))
    name, body = exports.writeoff_xlsx(hbook.actor("ent_a"), job.pk)
    assert name.startswith("writeoff-") and body[:2] == b"PK"


def test_writeoff_adds_up_an_items_accounts_in_each_unit_and_names_a_document_once(hbook):
    """The scan sums per account: two accounts of (item 1, bonded), one per unit, make one row; a document
    that moved the item twice is named once."""
    from bondzone.supervision.models import BookItem, StockAccount, StockEntry

    today, now = timezone.localdate(), timezone.now()
    account = StockAccount.objects.create(book=hbook.book, item=BookItem.objects.get(book=hbook.book, item_no=1),
                                          goods_status="bonded", unit="007", enterprise_id=hbook.book.enterprise_id,
                                          zone_id=hbook.book.zone_id)
    for kind, source, line, qty, day in (("list", 78, 1, "4", today - timedelta(days=20)), ("adjust", 77, 1, "3", today),
                                         ("adjust", 77, 2, "2", today)):
        StockEntry.objects.create(account=account, kind="direct", source_kind=kind, source_id=source, source_line=line,
                                  posted_delta=D(qty), effective_date=day, recorded_at=now)
    job = services.request_writeoff(actor=hbook.actor("customs"), book_id=hbook.book.pk,
                                    period_start=(today - timedelta(days=10)).isoformat(), period_end=today.isoformat())
    assert services.run_writeoff(job.pk) is True
    row = WriteOffLine.objects.get(writeoff=job, item_no=1, goods_status="bonded")
    assert (row.opening, row.inward, row.computed_closing, row.book_closing, row.difference, row.explained_by) == (
        D("4"), D("100"), D("104"), D("109"), D("5"), ["adjust:77"])


def test_writeoff_snapshot_is_immutable(hbook):
    today = timezone.localdate()
    job = services.request_writeoff(actor=hbook.actor("ent_a"), book_id=hbook.book.pk, period_start=today.isoformat(),
                                    period_end=today.isoformat())
    services.run_writeoff(job.pk)
    from django.db import DatabaseError, transaction

    with pytest.raises(DatabaseError), transaction.atomic():
        WriteOffLine.objects.filter(writeoff=job).update(difference=D("1"))
    with pytest.raises(DatabaseError), transaction.atomic():
        WriteOff.objects.filter(pk=job.pk).update(rows=0)


def test_writeoff_period_is_checked(hbook):
    with pytest.raises(DomainError) as exc:
        services.request_writeoff(actor=hbook.actor("ent_a"), book_id=hbook.book.pk, period_start="2026-05-01",
                                  period_end="2025-01-01")
    assert codes(exc) == [("period_end", "end_before_start")]
    with pytest.raises(DomainError) as exc:
        services.request_writeoff(actor=hbook.actor("ent_a"), book_id=hbook.book.pk, period_start="x", period_end="")
    assert codes(exc) == [("period_start", "bad_date"), ("period_end", "required")]


def test_the_writeoff_is_a_celery_job_run_after_the_commit(hbook, django_capture_on_commit_callbacks):
    """One job mechanism: the write-off is sent to core/jobs' Celery app once its row commits; without a
    broker the task runs eagerly, and the row is its progress record."""
    from bondzone.core import jobs

    assert jobs.is_eager() and "processing.run_writeoff" in jobs.app.tasks
    today = timezone.localdate().isoformat()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        job = services.request_writeoff(actor=hbook.actor("customs"), book_id=hbook.book.pk,
                                        period_start=today, period_end=today)
    assert len(callbacks) == 1 and WriteOff.objects.get(pk=job.pk).status == "queued"  # nothing before the commit
    callbacks[0]()
    job.refresh_from_db()
    assert (job.status, job.progress) == ("done", 100) and job.rows == WriteOffLine.objects.filter(writeoff=job).count()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:  # the CLI runs it itself: no task
        services.request_writeoff(actor=hbook.actor("customs"), book_id=hbook.book.pk, period_start=today,
                                  period_end=today, background=False)
    assert callbacks == []


def test_a_broker_that_is_down_leaves_the_writeoff_queued_for_the_sweep(hbook, django_capture_on_commit_callbacks):
    from bondzone.core import jobs
    from bondzone.processing import tasks

    conf = jobs.app.conf
    saved = (conf.task_always_eager, conf.broker_url)
    conf.task_always_eager, conf.broker_url = False, "redis://127.0.0.1:1/0"  # nothing listens there
    today = timezone.localdate().isoformat()
    try:
        with django_capture_on_commit_callbacks(execute=True):
            job = services.request_writeoff(actor=hbook.actor("ent_a"), book_id=hbook.book.pk,
                                            period_start=today, period_end=today)
    finally:
        conf.task_always_eager, conf.broker_url = saved
    assert WriteOff.objects.get(pk=job.pk).status == "queued"  # the request did not fail
    assert jobs.schedule()["processing.run-queued-writeoffs"]["task"] == "processing.run_queued_writeoffs"
    assert tasks.run_queued_writeoffs.delay().get() == {"ran": 1}
    assert WriteOff.objects.get(pk=job.pk).status == "done"


def test_writeoff_snapshot_of_a_small_book_row_by_row(hbook):
    """The whole snapshot — every row, its figures, the flag and the explaining documents in their order —
    and the XLSX rows of a book with every kind of movement: before, within and after the period, routine
    and other kinds, a document on two accounts of one key, other movements that net out, a second goods
    status, a movement of zero."""
    from io import BytesIO

    from openpyxl import load_workbook

    from bondzone.supervision.models import BookItem, StockAccount, StockEntry

    today, now = timezone.localdate(), timezone.now()
    book = hbook.book

    def account(item_no, status="bonded", unit="035"):
        return StockAccount.objects.get_or_create(
            book=book, item=BookItem.objects.get(book=book, item_no=item_no), goods_status=status, unit=unit,
            defaults={"enterprise_id": book.enterprise_id, "zone_id": book.zone_id})[0]

    movements = {  # account → (source kind, source id, line, quantity, days before today)
        account(1): [("list", 500, 1, "50", 20), ("stocktake", 11, 1, "-4", 15), ("list", 501, 1, "30", 5),
                     ("list", 502, 1, "-12", 4), ("production", 600, 1, "-6", 3), ("adjust", 7, 1, "0.25", 6),
                     ("stocktake", 9, 1, "-1", 3), ("stocktake", 10, 1, "-2", 3), ("stocktake", 100, 1, "1.5", 2),
                     ("stocktake", 12, 1, "-4", 1)],
        account(1, unit="007"): [("stocktake", 10, 2, "-0.5", 3), ("production", 601, 1, "2", 5)],
        account(10, unit="007"): [("production", 600, 2, "5", 3), ("status", 20, 1, "-5", 3),
                                  ("status", 20, 2, "5", 3)],
        account(10, "non_bonded", "007"): [("status", 21, 1, "3", 4), ("list", 503, 1, "-1", 2)],
        account(11): [("list", 504, 1, "5", 30)],
        account(13): [("adjust", 8, 1, "0", 4)],
    }
    for acc, rows in movements.items():
        for kind, source, line, qty, days in rows:
            StockEntry.objects.create(account=acc, kind="direct", source_kind=kind, source_id=source, source_line=line,
                                      posted_delta=D(qty), effective_date=today - timedelta(days=days), recorded_at=now)
    job = services.request_writeoff(actor=hbook.actor("customs"), book_id=book.pk,
                                    period_start=(today - timedelta(days=10)).isoformat(),
                                    period_end=(today - timedelta(days=2)).isoformat())
    assert services.run_writeoff(job.pk) is True
    job.refresh_from_db()
    assert (job.status, job.progress, job.rows, job.differences) == ("done", 100, 4, 2)
    expected = [  # item, status, opening, in, out, consumed, produced, computed, book closing, difference, explained
        (1, "bonded", "46", "30", "12", "6", "2", "60", "58.25", "-1.75",
         ["adjust:7", "stocktake:10", "stocktake:100", "stocktake:9"]),
        (10, "bonded", "0", "0", "0", "0", "5", "5", "5", "0", []),
        (10, "non_bonded", "0", "0", "1", "0", "0", "-1", "2", "3", ["status:21"]),
        (11, "bonded", "5", "0", "0", "0", "0", "5", "5", "0", []),
    ]
    fields = ("item_no", "goods_status", "opening", "inward", "outward", "consumed", "produced", "computed_closing",
              "book_closing", "difference", "explained_by")
    got = [tuple(getattr(ln, f) for f in fields) for ln in WriteOffLine.objects.filter(writeoff=job)]
    assert got == [(no, st, *(D(v) for v in figures), docs) for no, st, *figures, docs in expected]
    with translation.override("en"):
        _, body = exports.writeoff_xlsx(hbook.actor("ent_a"), job.pk)
    sheet = load_workbook(BytesIO(body), read_only=True)["Rows"]
    named = {"bonded": "bonded", "non_bonded": "non-bonded"}
    # the documents as the page names them: a kind no app names (adjust, status) shows its code
    kinds = {"adjust": "Adjust", "stocktake": "Stock-take", "status": "Status"}

    def docs_named(docs):
        return [f"{kinds[kind]} #{number}" for kind, number in (d.split(":") for d in docs)]
    assert [list(r) for r in sheet.iter_rows(min_row=2, values_only=True)] == [
        [no, named[st], *(D(v) for v in figures), ", ".join(docs_named(docs)) or None]
        for no, st, *figures, docs in expected]


def test_snapshot_rows_are_inserted_in_as_many_statements_as_the_parameter_limit_needs(hbook):
    """core.rawrows.insert_rows: on PostgreSQL one COPY (no INSERT); elsewhere one multi-row INSERT per batch
    the backend's parameter limit allows (SQLite 999: 83 write-off lines); every value converted by its
    field either way."""
    from unittest import mock

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from bondzone.core import rawrows

    today = timezone.localdate()
    job = services.request_writeoff(actor=hbook.actor("customs"), book_id=hbook.book.pk, period_start=today.isoformat(),
                                    period_end=today.isoformat())
    lines = [WriteOffLine(writeoff=job, item_no=n, goods_status="bonded", opening=D("1.5"), inward=D(n), outward=D(0),
                          consumed=D(0), produced=D(0), computed_closing=D(n) + D("1.5"), book_closing=D(n),
                          difference=D("-1.5"), explained_by=[f"adjust:{n}"] if n % 2 else [])
             for n in range(1, 6)]
    with mock.patch.object(connection.features, "max_query_params", 2 * 12), CaptureQueriesContext(connection) as sql:
        rawrows.insert_rows(lines)
    if connection.vendor == "postgresql":
        assert not [q for q in sql.captured_queries if "INSERT" in q["sql"]]
    else:
        assert [q["sql"].count("), (") + 1 for q in sql.captured_queries] == [2, 2, 1]
    stored = WriteOffLine.objects.filter(writeoff=job)
    assert [(ln.item_no, ln.opening, ln.computed_closing, ln.difference, ln.explained_by) for ln in stored] == [
        (n, D("1.5"), D(n) + D("1.5"), D("-1.5"), [f"adjust:{n}"] if n % 2 else []) for n in range(1, 6)]
