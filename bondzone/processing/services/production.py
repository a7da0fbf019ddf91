"""A production report: the materials it consumes through the BOM and the goods it books, posted to the
H book in one transaction with the report itself."""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from bondzone.core import audit, idempotency
from bondzone.core.actor import Actor
from bondzone.core.domain.errors import DomainError
from bondzone.core.domain.inputs import collect_date, collect_text
from bondzone.supervision import services as ledger
from bondzone.supervision.domain.posting import Move

from .. import selectors
from ..domain.production import plan_production
from ..models import ProductionConsumption, ProductionOutput, ProductionReport
from .common import processing_book

SOURCE_KIND = "production"
_ON_THE_DAY = frozenset({"no_bom_in_force", "consumption_exceeds_stock", "consumption_not_in_unit"})


def report_production(*, actor: Actor, book_id: int, data: dict, idempotency_key: str | None) -> ProductionReport:
    actor.require("processing.report_production")
    payload = {"book_id": book_id, **data}

    def do() -> dict:
        book = processing_book(actor, book_id)
        # every problem at once, the report's own fields first, then each output's: nothing is written
        problems = []
        day = collect_date(data.get("day"), "day", problems)
        day_refused = bool(problems)
        note = collect_text(data.get("note"), "note", problems, max_length=500)
        available = {item_no: avail for (item_no, status), (_, avail) in selectors.balances(actor, book.pk).items()
                     if status == "bonded"}
        plan, found = plan_production(data, day=day or timezone.localdate(), items=selectors.item_facts(actor, book.pk),
                                      boms=selectors.rule_boms(book.pk), available=available, book=book.number)
        if day_refused:  # the BOM in force, hence what is consumed, depends on the day: not judged on another
            found = [p for p in found if p.code not in _ON_THE_DAY]
        problems += found
        if problems:
            raise DomainError(problems)
        day = day or timezone.localdate()
        report = ProductionReport.objects.create(book=book, enterprise_id=book.enterprise_id, zone_id=book.zone_id,
                                                 day=day, note=note, created_by_id=actor.user_id)
        ProductionOutput.objects.bulk_create([
            ProductionOutput(report=report, line=o.line, item_no=o.item_no, kind=o.kind.value, quantity=o.quantity,
                             bom_version=o.bom_version) for o in plan.outputs])
        ProductionConsumption.objects.bulk_create([
            ProductionConsumption(report=report, line=m.line, material_no=m.item_no, quantity=-m.quantity)
            for m in plan.movements if m.quantity < 0])
        post_report(actor, report, plan.movements, day)
        audit.record(actor, "production.report", report, after={
            "day": day.isoformat(), "outputs": [[o.item_no, o.kind.value, str(o.quantity)] for o in plan.outputs],
            "consumed": {str(k): str(v) for k, v in plan.consumed.items()}})
        return {"report_id": report.pk}

    result, _ = idempotency.run(actor, idempotency_key, "production.report", payload, do)
    return ProductionReport.objects.get(pk=result["report_id"])


def post_report(actor: Actor, report: ProductionReport, movements, day: date) -> None:
    """The report's one way into the ledger: consumption and outputs, one posting, inside the caller's transaction."""
    ledger.post_document_in_transaction(
        actor=actor, book_id=report.book_id, source_kind=SOURCE_KIND, source_id=report.pk,
        moves=[Move(m.line, m.item_no, m.goods_status, m.quantity) for m in movements],
        event_id=f"{SOURCE_KIND}:{report.pk}", effective_date=day,
    )
