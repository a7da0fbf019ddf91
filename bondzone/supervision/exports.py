"""Exports of balances and movements as CSV, XLSX or JSON (tablib), through the scoped selectors."""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from bondzone.core import labels, tabular
from bondzone.core.actor import Actor
from bondzone.core.domain.inputs import refuse_reversed_range
from bondzone.core.scoping import restrict

from . import selectors
from .models import StockEntry

FORMATS = tabular.FORMATS
BALANCE_COLUMNS = ["book", "item_no", "part_no", "hs_code", "name", "goods_status", "unit", "posted", "reserved",
                   "available", "incoming"]
MOVEMENT_COLUMNS = ["entry", "date", "book", "kind", "source_kind", "source_id", "line", "item_no", "goods_status",
                    "unit", "delta", "reserved_delta", "incoming_delta"]

# the headings in the reader's language ("备案序号 (item_no)"), and so are the coded cells (goods status, unit with its
# code, entry and source kind); JSON keeps the codes
COLUMN_NAMES = {
    "book": _("Book"), "item_no": pgettext_lazy("item number", "Item"), "part_no": _("Part number"), "hs_code": _("HS code"), "name": pgettext_lazy("goods name", "Name"),
    "goods_status": _("Goods status"), "unit": _("Unit"), "posted": _("Posted"), "reserved": _("Reserved"),
    "available": _("Available"), "incoming": _("Incoming"), "entry": _("Entry"), "date": _("Posting date"),
    "kind": _("Entry kind"), "source_kind": _("Source document"), "source_id": _("Source number"), "line": _("Line"),
    "delta": _("Change in posted"), "reserved_delta": _("Change in reserved"), "incoming_delta": _("Change in incoming"),
}


def balances(actor: Actor, *, book_id: int | None, fmt: str) -> bytes:
    actor.require("supervision.export")
    if book_id:
        selectors.book(actor, book_id)  # a book it may not see is not found, not an empty file
    named = _namer(fmt)
    rows = []
    for a in selectors.accounts(actor, book_id=book_id).order_by("book__number", "item__item_no", "goods_status"):
        rows.append([a.book.number, a.item.item_no, a.item.part_no, a.item.hs_code, a.item.name_zh,
                     named("goods_status", a.goods_status), named("unit", a.unit, coded=True), str(a.posted), str(a.reserved),
                     str(a.available), str(a.incoming)])
    return tabular.write_rows(BALANCE_COLUMNS, rows, fmt, names=COLUMN_NAMES)


def movements(actor: Actor, *, book_id: int | None, date_from: date | None, date_to: date | None, fmt: str) -> bytes:
    actor.require("supervision.export")
    refuse_reversed_range(date_from, date_to)
    qs = restrict(StockEntry, actor)
    if book_id:
        selectors.book(actor, book_id)
        qs = qs.filter(account__book_id=book_id)
    if date_from:
        qs = qs.filter(effective_date__gte=date_from)
    if date_to:
        qs = qs.filter(effective_date__lte=date_to)
    named = _namer(fmt)
    rows = []
    for row in qs.order_by("effective_date", "id").values_list(
        "id", "effective_date", "account__book__number", "kind", "source_kind", "source_id", "source_line",
        "account__item__item_no", "account__goods_status", "account__unit", "posted_delta", "reserved_delta",
        "incoming_delta",
    ).iterator(chunk_size=2000):
        entry, day, book, kind, source_kind, source_id, line, item_no, status, unit, *deltas = row
        rows.append([entry, day.isoformat(), book, named("entry_kind", kind), named("source_kind", source_kind),
                     source_id, line, item_no, named("goods_status", status), named("unit", unit, coded=True),
                     *(str(q) for q in deltas)])
    return tabular.write_rows(MOVEMENT_COLUMNS, rows, fmt, names=COLUMN_NAMES)


def _namer(fmt: str):
    """Coded cells as the pages name them, in the reader's language (a unit with its code: "007 个"); JSON (read by
    programs) keeps the codes."""
    if fmt == "json":
        return lambda kind, code, coded=False: code
    return lambda kind, code, coded=False: str(labels.coded(kind, code) if coded else labels.name(kind, code))
