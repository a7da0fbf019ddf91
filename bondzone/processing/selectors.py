"""Reads of processing trade. Actor-facing reads start from scoping.restrict(); book facts, and the
write-off's movement sums (one GROUP BY over the ledger's entries), come from the supervision selectors."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db.models import QuerySet

from bondzone.core.actor import Actor
from bondzone.core.scoping import get_scoped, restrict
from bondzone.supervision import selectors as books
from bondzone.supervision.domain.codes import UNITS

from .domain.bom import Bom as BomRule
from .domain.bom import BomLine as BomLineRule
from .domain.bom import BookItemFacts
from .domain.stocktake import BookBalance
from .domain.writeoff import Flow, FlowSum, Key
from .models import Bom, BomLine, ProductionReport, StockTake, WriteOff


def boms(actor: Actor, *, book_id: int | None = None, status: str = "") -> QuerySet[Bom]:
    """The BOMs the actor sees; of one book, that book in the actor's scope (else NotFound: 404, as its page)."""
    qs = restrict(Bom, actor).prefetch_related("lines")
    if book_id is not None:
        qs = qs.filter(book_id=books.book(actor, book_id).pk)
    if status:
        qs = qs.filter(status=status)
    return qs


def bom(actor: Actor, bom_id: int) -> Bom:
    return get_scoped(Bom.objects.prefetch_related("lines"), actor, bom_id)


def reports(actor: Actor, *, book_id: int | None = None) -> QuerySet[ProductionReport]:
    qs = restrict(ProductionReport, actor).prefetch_related("outputs", "consumption")
    return qs.filter(book_id=book_id) if book_id else qs


def report(actor: Actor, report_id: int) -> ProductionReport:
    return get_scoped(ProductionReport.objects.prefetch_related("outputs", "consumption"), actor, report_id)


def stocktakes(actor: Actor, *, book_id: int | None = None) -> QuerySet[StockTake]:
    qs = restrict(StockTake, actor)
    return qs.filter(book_id=book_id) if book_id else qs


def stocktake(actor: Actor, stocktake_id: int) -> StockTake:
    return get_scoped(StockTake.objects.prefetch_related("lines"), actor, stocktake_id)


def writeoffs(actor: Actor, *, book_id: int | None = None) -> QuerySet[WriteOff]:
    qs = restrict(WriteOff, actor)
    return qs.filter(book_id=book_id) if book_id else qs


def writeoff(actor: Actor, writeoff_id: int) -> WriteOff:
    return get_scoped(WriteOff, actor, writeoff_id)


# ---------------------------------------------------------------- facts of the book for the rules
def item_facts(actor: Actor, book_id: int) -> dict[int, BookItemFacts]:
    return {i.item_no: BookItemFacts(i.item_no, i.kind, i.declared_unit, i.unit_price, i.leftover, i.leftover_of,
                                     UNITS[i.declared_unit].scale if i.declared_unit in UNITS else 5)
            for i in books.items(actor, book_id)}


def rule_boms(book_id: int) -> list[BomRule]:
    """Approved BOMs of a book as the rules see them (system read: a production report needs them all)."""
    out = []
    for b in Bom.objects.filter(book_id=book_id, status="approved").prefetch_related("lines"):
        out.append(BomRule(b.finished_no, b.version, b.valid_from, b.valid_until,
                           tuple(BomLineRule(ln.material_no, ln.net, ln.loss_pct) for ln in b.lines.all()), True))
    return out


def bom_rows_naming(book_id: int, item_no: int) -> int:
    """The BOM rows of a book naming an item: its versions as the finished item and the lines naming it as a
    material, whatever their status (system read: supervision counts them before a unit change, through
    supervision.hooks, registered in apps.py)."""
    return (Bom.objects.filter(book_id=book_id, finished_no=item_no).count()
            + BomLine.objects.filter(bom__book_id=book_id, material_no=item_no).count())


def balances(actor: Actor, book_id: int) -> dict[tuple[int, str], tuple[Decimal, Decimal]]:
    """(item no, goods status) → (posted, available) over the book's accounts."""
    out: dict[tuple[int, str], tuple[Decimal, Decimal]] = {}
    for a in books.accounts(actor, book_id=book_id):
        posted, available = out.get((a.item.item_no, a.goods_status), (Decimal(0), Decimal(0)))
        out[(a.item.item_no, a.goods_status)] = (posted + a.posted, available + a.available)
    return out


def book_balances(actor: Actor, book_id: int) -> dict[tuple[int, str], BookBalance]:
    """(item no, goods status) → the book's quantity, the item's unit price and its unit's decimals."""
    facts = item_facts(actor, book_id)
    out = {key: BookBalance(posted, facts[key[0]].unit_price if key[0] in facts else Decimal(0),
                            facts[key[0]].scale if key[0] in facts else 5)
           for key, (posted, _) in balances(actor, book_id).items()}
    for item_no, f in facts.items():  # items with no account yet hold zero
        out.setdefault((item_no, "bonded"), BookBalance(Decimal(0), f.unit_price, f.scale))
    return out


# ---------------------------------------------------------------- the write-off's sums
# lists and passages move goods in and out, production reports consume and produce: routine movements;
# the documents of any other kind explain a difference
_ROUTINE = {"trade": ("list", "passage"), "production": ("production",)}
_FLOWS = {("trade", True): Flow.IN, ("trade", False): Flow.OUT,
          ("production", True): Flow.PRODUCED, ("production", False): Flow.CONSUMED}


def flow_sums(book_id: int, start: date, end: date) -> tuple[dict[Key, Decimal], list[FlowSum], dict[Key, set[str]]]:
    """(opening per key, sums per key and flow, documents that explain each key's other movements) of a
    book's posted movements up to `end`: one scan of the ledger's entries summed per account, source kind,
    side of the period start and sign (supervision.selectors.posted_entry_flows), then the documents only of the keys whose other movements
    do not net out (supervision.selectors.source_documents).

    For a book the caller was allowed to see (the service checks the scope first). Entries are classified
    by their source document's kind: lists and passages move goods in and out, production reports consume
    and produce, anything else (stock-take adjustments, status changes) explains a difference."""
    opening: dict[Key, Decimal] = {}
    sums: list[FlowSum] = []
    unexplained: list[Key] = []
    other_kinds: set[str] = set()
    for row in books.posted_entry_flows(book_id, start, end, groups=_ROUTINE):
        key = (row.item_no, row.goods_status)
        if row.opening is not None:
            opening[key] = row.opening
        sums += [FlowSum(key, _FLOWS[group], quantity) for group, quantity in row.flows.items()]
        if row.other is not None:
            sums.append(FlowSum(key, Flow.OTHER, row.other))
            if row.other:
                unexplained.append(key)
                other_kinds |= row.other_kinds
    return opening, sums, books.source_documents(book_id, start, end, unexplained, kinds=tuple(sorted(other_kinds)))


def materials_consumed(book_id: int, finished_no: int, quantity: Decimal, day: date) -> dict[int, Decimal] | None:
    """Imported materials (item no → gross quantity, through the approved BOM's 单耗 in force on `day`) that
    `quantity` units of a finished item consumed; None when the item has no approved BOM that day (goods
    not made in the zone). For the duties part's domestic sale on the materials basis (选择性征收关税)."""
    from .domain.bom import bom_on, consumption

    version = bom_on(rule_boms(book_id), finished_no, day)
    return None if version is None else consumption(version, quantity)
