"""Pages of processing trade: an H book's BOMs, production reports, stock-takes and write-offs. Thin:
parse the request, call one selector or service, render."""

from __future__ import annotations

import re
from dataclasses import replace

from django.contrib import messages
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from bondzone.core import tabular
from bondzone.core.domain.errors import DomainError
from bondzone.core.web import actor, flash_refusal, new_idempotency_key, page
from bondzone.supervision import selectors as books

from . import exports, selectors, services
from .domain.production import OutputKind
from .models import OUTPUT_LABELS


@page
def index(request):
    a = actor(request)
    a.require("processing.view")
    return render(request, "processing/index.html", {
        "books": books.books(a).filter(kind="H"), "writeoffs": selectors.writeoffs(a).select_related("book")[:20],
    })


@page
def book(request, hbook_id: int):
    a = actor(request)
    a.require("processing.view")
    bk = books.book(a, hbook_id)
    if bk.kind != "H":
        raise Http404
    return render(request, "processing/book.html", {
        "book": bk, "boms": selectors.boms(a, book_id=bk.pk), "reports": selectors.reports(a, book_id=bk.pk)[:20],
        "stocktakes": selectors.stocktakes(a, book_id=bk.pk)[:20], "writeoffs": selectors.writeoffs(a, book_id=bk.pk)[:20],
        "items": books.items(a, bk.pk), "kinds": [(k.value, OUTPUT_LABELS[k.value]) for k in OutputKind],
        "can": {k: a.can(f"processing.{k}") for k in ("declare_bom", "approve_bom", "report_production", "stocktake",
                                                      "write_off")},
        "idempotency_key": new_idempotency_key(),
    })


def _post_only(request):
    return None if request.method == "POST" else HttpResponseNotAllowed(["POST"])


BOM_ROWS = 3
BOM_LINE_FIELDS = ("material_no", "net", "loss_pct")
BOM_FIELDS = ("finished_no", "version", "valid_from", "valid_until", "lines",
              *(f"lines[{n}].{f}" for n in range(1, BOM_ROWS + 1) for f in BOM_LINE_FIELDS))


def _numbered_rows(post, group: str, fields: tuple[str, ...], count: int, chosen: tuple[str, ...] = ()) -> list[dict]:
    """Rows named as the problems name them (lines[2].net), up to the last one filled in: a refusal's row is the
    row on the form, and a blank row between filled ones is refused as such. `chosen`: fields of a select, which
    always hold a value, so they do not make a row filled in."""
    rows = [{f: post.get(f"{group}[{n}].{f}", "").strip() for f in fields} for n in range(1, count + 1)]
    while rows and not any(v for f, v in rows[-1].items() if f not in chosen):
        rows.pop()
    return rows


@page
def bom_declare(request, hbook_id: int):
    if (refused := _post_only(request)) is not None:
        return refused
    data = {k: request.POST.get(k, "") for k in ("finished_no", "version", "valid_from", "valid_until")}
    data["lines"] = _numbered_rows(request.POST, "lines", BOM_LINE_FIELDS, BOM_ROWS)
    try:
        services.declare_bom(actor=actor(request), book_id=hbook_id, data=data)
    except DomainError as exc:
        flash_refusal(request, exc, form="bom", fields=BOM_FIELDS)  # what was typed stays, each refusal under it
        return redirect("processing:book", hbook_id=hbook_id)
    messages.success(request, _("BOM declared; customs will approve it."))
    return redirect("processing:book", hbook_id=hbook_id)


BOM_DECISION_FIELDS = ("approve", "status", "valid_from")


@page
def bom_decide(request, bom_id: int):
    if (refused := _post_only(request)) is not None:
        return refused
    a = actor(request)
    a.require("processing.approve_bom")
    b = selectors.bom(a, bom_id)
    try:
        services.decide_bom(actor=a, bom_id=bom_id, approve=request.POST.get("approve") == "1")
    except DomainError as exc:  # shown on the BOM's own row: its state, or the dates an approved version overlaps
        flash_refusal(request, exc, form=f"bom-{b.pk}", fields=BOM_DECISION_FIELDS)
        return redirect("processing:book", hbook_id=b.book_id)
    messages.success(request, _("BOM decided."))
    return redirect("processing:book", hbook_id=b.book_id)


OUTPUT_ROWS = 3
OUTPUT_FIELDS = ("item_no", "kind", "quantity")
PRODUCTION_FIELDS = ("day", "note", "outputs",
                     *(f"outputs[{n}].{f}" for n in range(1, OUTPUT_ROWS + 1) for f in OUTPUT_FIELDS))


@page
def production_create(request, hbook_id: int):
    if (refused := _post_only(request)) is not None:
        return refused
    data = {"day": request.POST.get("day", ""), "note": request.POST.get("note", ""),
            "outputs": _numbered_rows(request.POST, "outputs", OUTPUT_FIELDS, OUTPUT_ROWS, chosen=("kind",))}
    try:
        services.report_production(actor=actor(request), book_id=hbook_id, data=data,
                                   idempotency_key=request.POST.get("idempotency_key"))
    except DomainError as exc:  # what was typed stays, each refusal under its input
        flash_refusal(request, exc, form="production", fields=PRODUCTION_FIELDS)
        return redirect("processing:book", hbook_id=hbook_id)
    messages.success(request, _("Production reported and posted to the book."))
    return redirect("processing:book", hbook_id=hbook_id)


COUNT_FIELDS = ("item_no", "goods_status", "counted")
_COUNT_INPUT = re.compile(r"^counts\[(\d{1,6})\]\.(?:item_no|goods_status|counted)$")
_COUNT_PROBLEM = re.compile(r"^counts\[(\d+)\](.*)$")


def _on_count_rows(exc: DomainError, given: list[int]) -> DomainError:
    """The refusal of a stock-take as the form names it: the service numbers the counts given (counts[2]), the
    form every item of the book, counted or not (counts[5] is the fifth item listed)."""
    def on_form(field: str) -> str:
        m = _COUNT_PROBLEM.match(field)
        if not m or not 1 <= int(m[1]) <= len(given):
            return field
        return f"counts[{given[int(m[1]) - 1]}]{m[2]}"
    return type(exc)([replace(p, field=on_form(p.field)) for p in exc.problems])


@page
def stocktake_create(request, hbook_id: int):
    if (refused := _post_only(request)) is not None:
        return refused
    # the form lists every item with its number filled in: an item counted is one given a count
    numbers = sorted({int(m[1]) for k in request.POST if (m := _COUNT_INPUT.match(k))})
    rows = [(n, {f: request.POST.get(f"counts[{n}].{f}", "").strip() for f in COUNT_FIELDS}) for n in numbers]
    given = [(n, r) for n, r in rows if r["counted"]]
    data = {"day": request.POST.get("day", ""), "tolerance_pct": request.POST.get("tolerance_pct", ""),
            "counts": [r for _n, r in given]}
    try:
        take = services.take_stock(actor=actor(request), book_id=hbook_id, data=data,
                                   idempotency_key=request.POST.get("idempotency_key"))
    except DomainError as exc:  # what was typed stays, each refusal under its input
        fields = ("day", "tolerance_pct", "counts", *(f"counts[{n}].{f}" for n in numbers for f in COUNT_FIELDS))
        flash_refusal(request, _on_count_rows(exc, [n for n, _r in given]), form="stocktake", fields=fields)
        return redirect("processing:book", hbook_id=hbook_id)
    messages.success(request, _("Stock-take recorded."))
    return redirect("processing:stocktake", stocktake_id=take.pk)


@page
def stocktake(request, stocktake_id: int):
    take = selectors.stocktake(actor(request), stocktake_id)
    return render(request, "processing/stocktake.html", {"take": take, "lines": take.lines.all()})


WRITEOFF_FIELDS = ("period_start", "period_end")


@page
def writeoff_create(request, hbook_id: int):
    if (refused := _post_only(request)) is not None:
        return refused
    try:
        job = services.request_writeoff(actor=actor(request), book_id=hbook_id,
                                        period_start=request.POST.get("period_start"),
                                        period_end=request.POST.get("period_end"),
                                        idempotency_key=request.POST.get("idempotency_key") or None)
    except DomainError as exc:  # what was typed stays, each refusal under its input
        flash_refusal(request, exc, form="writeoff", fields=WRITEOFF_FIELDS)
        return redirect("processing:book", hbook_id=hbook_id)
    return redirect("processing:writeoff", writeoff_id=job.pk)


# the source documents that have a page here (the write-off and the stock-take share their readers' scope)
DOCUMENT_PAGES = {"stocktake": ("processing:stocktake", "stocktake_id")}


def documents(codes) -> list[dict]:
    """A write-off row's explaining documents ("stocktake:4") as the audit trail names objects: the kind in words
    and the number (盘点 #4 / Stock-take #4, core.labels "source_kind"), linked when the document has a page."""
    out = []
    for code in codes:
        kind, _sep, number = str(code).partition(":")
        page_of = DOCUMENT_PAGES.get(kind)
        url = reverse(page_of[0], kwargs={page_of[1]: int(number)}) if page_of and number.isdigit() else ""
        out.append({"code": code, "label": exports.document_label(code), "url": url})
    return out


@page
def writeoff(request, writeoff_id: int):
    job = selectors.writeoff(actor(request), writeoff_id)
    lines = list(job.lines.all()) if job.status == "done" else []
    for ln in lines:
        ln.documents = documents(ln.explained_by) if ln.explained_by else []
    return render(request, "processing/writeoff.html", {"job": job, "lines": lines})


@page
def writeoff_progress(request, writeoff_id: int):
    job = selectors.writeoff(actor(request), writeoff_id)
    response = render(request, "processing/_writeoff_progress.html", {"job": job})
    if job.status in ("done", "failed"):
        response["HX-Refresh"] = "true"  # reload the page once: the rows appear
    return response


@page
def writeoff_xlsx(request, writeoff_id: int):
    name, body = exports.writeoff_xlsx(actor(request), writeoff_id)
    return tabular.download(body, "xlsx", name)
