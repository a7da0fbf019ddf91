"""Stock-taking: counted stock against the book. Differences within the tolerance post one adjustment
document (through the ledger); those beyond it open a case for customs and post nothing."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.utils import timezone

from bondzone.core import audit, idempotency
from bondzone.core.actor import Actor
from bondzone.core.domain.errors import DomainError, problem
from bondzone.core.domain.inputs import collect_date, collect_decimal
from bondzone.supervision import services as ledger
from bondzone.supervision.domain.posting import Move

from .. import selectors
from ..domain.stocktake import assess
from ..models import StockTake, StockTakeLine
from .common import processing_book

SOURCE_KIND = "stocktake"
DEFAULT_TOLERANCE = Decimal("1")


def take_stock(*, actor: Actor, book_id: int, data: dict, idempotency_key: str | None) -> StockTake:
    actor.require("processing.stocktake")
    payload = {"book_id": book_id, **data}

    def do() -> dict:
        book = processing_book(actor, book_id)
        # every problem at once, the stock-take's own fields first, then each count's: nothing is written
        problems = []
        day = collect_date(data.get("day"), "day", problems) or timezone.localdate()
        # the column's DECIMAL(5, 2)
        tolerance = collect_decimal(data.get("tolerance_pct"), "tolerance_pct", problems, max_digits=5,
                                    decimal_places=2)
        tolerance = DEFAULT_TOLERANCE if tolerance is None else tolerance
        if not (0 <= tolerance <= 100):
            problems.append(problem("tolerance_pct", "rate_out_of_range", value=tolerance))
        result, found = assess(data.get("counts"), selectors.book_balances(actor, book.pk), tolerance)
        problems += found
        if problems:
            raise DomainError(problems)
        take = StockTake.objects.create(book=book, enterprise_id=book.enterprise_id, zone_id=book.zone_id, day=day,
                                        tolerance_pct=tolerance, adjusted=bool(result.adjust),
                                        case_open=bool(result.case), created_by_id=actor.user_id)
        disposition = {id(r): "adjust" for r in result.adjust} | {id(r): "case" for r in result.case}
        StockTakeLine.objects.bulk_create([
            StockTakeLine(stocktake=take, line=n, item_no=r.item_no, goods_status=r.goods_status,
                          book_quantity=r.book, counted=r.counted, unit_price=r.unit_price, value=r.value,
                          disposition=disposition.get(id(r), "none"))
            for n, r in enumerate(result.rows, start=1)])
        if result.adjust:
            post_adjustment(actor, take, [(n, r) for n, r in enumerate(result.rows, start=1) if id(r) in
                                          {id(a) for a in result.adjust}], day)
        audit.record(actor, "stocktake.record", take, after={
            "day": day.isoformat(), "adjusted": [r.item_no for r in result.adjust],
            "case": [[r.item_no, r.goods_status, str(r.difference), str(r.value)] for r in result.case]})
        return {"stocktake_id": take.pk}

    result, _ = idempotency.run(actor, idempotency_key, "stocktake.record", payload, do)
    return StockTake.objects.get(pk=result["stocktake_id"])


def post_adjustment(actor: Actor, take: StockTake, rows, day: date) -> None:
    """The adjustment document's one way into the ledger (inside the caller's transaction)."""
    ledger.post_document_in_transaction(
        actor=actor, book_id=take.book_id, source_kind=SOURCE_KIND, source_id=take.pk,
        moves=[Move(n, r.item_no, r.goods_status, r.difference) for n, r in rows],
        event_id=f"{SOURCE_KIND}:{take.pk}", effective_date=day,
    )
