"""Exports of balances and movements as CSV, XLSX or JSON (tablib), through the scoped selectors."""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from bondzone.core import tabular
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

# the headings in the reader's language ("备案序号 (item_no)"); JSON keeps the codes
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
    rows = []
    for a in selectors.accounts(actor, book_id=book_id).order_by("book__number", "item__item_no", "goods_status"):
        rows.append([a.book.number, a.item.item_no, a.item.part_no, a.item.hs_code, a.item.name_zh, a.goods_status,
                     a.unit, str(a.posted), str(a.reserved), str(a.available), str(a.incoming)])
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
    rows = []
    for row in qs.order_by("effective_date", "id").values_list(
        "id", "effective_date", "account__book__number", "kind", "source_kind", "source_id", "source_line",
        "account__item__item_no", "account__goods_status", "account__unit", "posted_delta", "reserved_delta",
        "incoming_delta",
    ).iterator(chunk_size=2000):
        rows.append([*row[:1], row[1].isoformat(), *row[2:10], *(str(q) for q in row[10:])])
    return tabular.write_rows(MOVEMENT_COLUMNS, rows, fmt, names=COLUMN_NAMES)
