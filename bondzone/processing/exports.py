"""A finished write-off as an XLSX workbook (openpyxl, write-only: rows stream, memory stays flat)."""

from __future__ import annotations

from io import BytesIO

from openpyxl import Workbook

from bondzone.core.actor import Actor
from bondzone.core.domain.errors import Conflict, problem

from . import selectors
from .models import WriteOffLine

HEADERS = ["item_no", "goods_status", "opening", "in", "out", "consumed", "produced", "computed_closing",
           "book_closing", "difference", "explained_by"]


def writeoff_xlsx(actor: Actor, writeoff_id: int) -> tuple[str, bytes]:
    job = selectors.writeoff(actor, writeoff_id)
    if job.status != "done":
        raise Conflict(problem("status", "writeoff_not_done", state=job.status))
    wb = Workbook(write_only=True)
    head = wb.create_sheet("write-off")
    head.append(["book", job.book.number])
    head.append(["period", job.period_start.isoformat(), job.period_end.isoformat()])
    head.append(["computed at", job.finished_at.isoformat() if job.finished_at else ""])
    head.append(["rows", job.rows, "differences", job.differences])
    sheet = wb.create_sheet("rows")
    sheet.append(HEADERS)
    for ln in WriteOffLine.objects.filter(writeoff=job).order_by("item_no", "goods_status").iterator(chunk_size=2000):
        sheet.append([ln.item_no, ln.goods_status, ln.opening, ln.inward, ln.outward, ln.consumed, ln.produced,
                      ln.computed_closing, ln.book_closing, ln.difference, " ".join(ln.explained_by)])
    out = BytesIO()
    wb.save(out)
    return f"writeoff-{job.book.number}-{job.period_start:%Y%m%d}-{job.period_end:%Y%m%d}", out.getvalue()
