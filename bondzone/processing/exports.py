"""A finished write-off as an XLSX workbook (openpyxl, write-only: rows stream, memory stays flat). Headings
are in the reader's language with the column code beside them (core.tabular.heading: "期初 (opening)"), goods
statuses and the explaining documents in words, as the page shows them (保税; 盘点 #4, core.labels)."""

from __future__ import annotations

from io import BytesIO

from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from openpyxl import Workbook

from bondzone.core import labels, tabular
from bondzone.core.actor import Actor
from bondzone.core.domain.errors import Conflict, problem

from . import selectors
from .models import WriteOffLine

HEADERS = ["item_no", "goods_status", "opening", "in", "out", "consumed", "produced", "computed_closing",
           "book_closing", "difference", "explained_by"]
# the write-off page's column headings
HEADER_NAMES = {
    "item_no": _("Item"), "goods_status": _("Goods status"), "opening": _("Opening"), "in": pgettext_lazy("book movement", "In"),
    "out": pgettext_lazy("book movement", "Out"), "consumed": _("Consumed"), "produced": _("Produced"), "computed_closing": _("Computed closing"),
    "book_closing": _("Book closing"), "difference": _("Difference"), "explained_by": _("Explained by"),
}
SUMMARY_NAMES = {
    "book": _("Book"), "period": pgettext_lazy("write-off", "Period"), "computed_at": _("Computed at"),
    "rows": _("Rows"), "differences": _("Differences"),
}


def document_label(code: str) -> str:
    """A write-off row's explaining document ("stocktake:4") named as the page and the export show it: the source
    kind in words (core.labels "source_kind") and the number — 盘点 #4 / Stock-take #4."""
    kind, _sep, number = str(code).partition(":")
    return f"{capfirst(labels.name('source_kind', kind))} #{number}"


def writeoff_xlsx(actor: Actor, writeoff_id: int) -> tuple[str, bytes]:
    job = selectors.writeoff(actor, writeoff_id)
    if job.status != "done":
        raise Conflict(problem("status", "writeoff_not_done", state=job.status))

    def said(code: str) -> str:
        return tabular.heading(code, SUMMARY_NAMES)

    wb = Workbook(write_only=True)
    head = wb.create_sheet(str(_("Write-off"))[:31])
    head.append([said("book"), job.book.number])
    head.append([said("period"), job.period_start.isoformat(), job.period_end.isoformat()])
    head.append([said("computed_at"), job.finished_at.isoformat() if job.finished_at else ""])
    head.append([said("rows"), job.rows, said("differences"), job.differences])
    sheet = wb.create_sheet(str(_("Rows"))[:31])
    sheet.append([tabular.heading(h, HEADER_NAMES) for h in HEADERS])
    statuses: dict[str, str] = {}
    for ln in WriteOffLine.objects.filter(writeoff=job).order_by("item_no", "goods_status").iterator(chunk_size=2000):
        status = statuses.get(ln.goods_status)
        if status is None:
            status = statuses[ln.goods_status] = str(labels.name("goods_status", ln.goods_status))
        sheet.append([ln.item_no, status, ln.opening, ln.inward, ln.outward, ln.consumed, ln.produced,
                      ln.computed_closing, ln.book_closing, ln.difference,
                      tabular.inert(", ".join(document_label(code) for code in ln.explained_by))])
    out = BytesIO()
    wb.save(out)
    return f"writeoff-{job.book.number}-{job.period_start:%Y%m%d}-{job.period_end:%Y%m%d}", out.getvalue()
