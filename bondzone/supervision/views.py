"""Pages of the account book. Thin: parse the request, call one selector or service, render."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.http import Http404, HttpResponseNotAllowed, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from bondzone.core import audit
from bondzone.core import tabular
from bondzone.core.domain import inputs
from bondzone.core.domain.quantity import parse_decimal
from bondzone.core.domain.errors import DomainError, problem
from bondzone.core.web import actor, errors_of, export_format, field_label, flash_refusal, new_idempotency_key, page, page_of

from . import imports, selectors, services
from .domain import trade_modes
from .domain.validation import line_quantities, prefilled_quantities
from .domain.codes import (
    COUNTRIES, CURRENCIES, DECLARATION_FLAGS, DECLARATION_TYPES, LIST_TYPES, TRADE_MODES, TRANSPORT_MODES, UNITS,
    BookKind, Direction, GoodsStatus, ItemKind, Leftover, ListStatus, PostingState, ProcessingKind,
)
from .domain.posting import crosses_warehouse_door

SHOWN_LINE_FIELDS = ("item_no", "quantity", "unit", "legal_quantity", "second_quantity", "value", "currency",
                     "goods_status", "target_status")
# not inputs of the form: hidden ones, so that an edit keeps what an import or the API gave a line
HIDDEN_LINE_FIELDS = ("unit_price", "origin_country", "destination_country", "levy_mode",
                      "gross_weight", "net_weight")
LINE_FIELDS = SHOWN_LINE_FIELDS + HIDDEN_LINE_FIELDS
TYPED_LINE_FIELDS = ("item_no", "quantity", "legal_quantity", "second_quantity", "value")  # a row with none of them is an unused row


def _date(raw: str | None) -> date | None:
    """A filter date (QUERY window); a malformed one filters nothing."""
    return inputs.collect_date(raw, "date", [], window=inputs.QUERY)


def _posting_date(post) -> date | None:
    """The posting date of an action form: a malformed date is refused, not replaced by today."""
    problems = []
    when = inputs.collect_date(post.get("effective_date"), "effective_date", problems, window=inputs.RECORDED)
    if problems:
        raise DomainError(problems)
    return when


@page
def dashboard(request):
    a = actor(request)
    if not a.can("supervision.view_book"):
        return redirect("sharing:audit")
    data = selectors.dashboard(a)
    statuses = [s.value for s in GoodsStatus]
    rows = [
        {"book": b, "cells": [{"status": s, "accounts": n} if (n := data["totals"].get((b.pk, s), {}).get("accounts", 0))
                              else None for s in statuses]}
        for b in data["books"]
    ]
    return render(request, "supervision/dashboard.html", {**data, "rows": rows, "statuses": statuses})


@page
def book_list(request):
    qs = selectors.books(actor(request), q=request.GET.get("q", "").strip())
    page, prefix = page_of(request, qs)
    return render(request, "supervision/book_list.html", {"page": page, "querystring_prefix": prefix})


@page
def book_detail(request, book_id: int):
    a = actor(request)
    book = selectors.book(a, book_id)
    status = request.GET.get("goods_status", "")
    qs = selectors.accounts(a, book_id=book.pk, goods_status=status).order_by("item__item_no", "goods_status", "unit")
    page, prefix = page_of(request, qs)
    return render(request, "supervision/book_detail.html", {
        "book": book, "page": page, "querystring_prefix": prefix, "split": selectors.stock_by_status(a, book.pk),
        "statuses": [s.value for s in GoodsStatus], "status": status,
        "items": selectors.items(a, book.pk)[:200], "can_record": a.can("supervision.add_item"),
        "can_set_kind": a.can("supervision.add_book") and book.kind == BookKind.PROCESSING,
        "processing_kinds": [k.value for k in ProcessingKind if k.value],
    })


@page
@require_POST
def book_processing_kind(request, book_id: int):
    """Customs records whether an H book is 进料 or 来料加工 (its scrap is sold inland as 0844 / 0845)."""
    a = actor(request)
    a.require("supervision.add_book")
    shown = selectors.book(a, book_id).kind == BookKind.PROCESSING  # the page has the form for H books only
    try:
        book = services.set_processing_kind(actor=a, book_id=book_id,
                                            processing_kind=request.POST.get("processing_kind", ""))
    except DomainError as exc:
        flash_refusal(request, exc, form="processing_kind", fields=("processing_kind",) if shown else ())
        return redirect("supervision:book", book_id=book_id)
    messages.success(request, _("Processing kind recorded: %(kind)s.") % {"kind": book.get_processing_kind_display()})
    return redirect("supervision:book", book_id=book.pk)


ITEM_FIELDS = ("item_no", "part_no", "hs_code", "name_zh", "name_en", "spec", "kind", "declared_unit", "legal_unit",
               "legal_factor", "second_unit", "second_factor", "currency", "unit_price", "origin_country",
               "leftover", "leftover_of", "solid_waste")
LEFTOVER_CHOICES = [v.value for v in Leftover]


@page
def item_create(request, book_id: int):
    """Customs records an item (备案) in a book, scrap, by-products and defective goods included; a refusal
    marks each field and writes nothing (services.add_item validates as the API does)."""
    a = actor(request)
    a.require("supervision.add_item")
    book = selectors.book(a, book_id)
    if request.method == "POST":
        data = {f: request.POST.get(f, "").strip() for f in ITEM_FIELDS}
        try:
            item = services.add_item(actor=a, book_id=book.pk, data=data)
        except DomainError as exc:
            flash_refusal(request, exc, form="item", fields=ITEM_FIELDS)
            return redirect("supervision:item-create", book_id=book.pk)
        messages.success(request, _("Item %(item)s recorded in book %(book)s.") % {"item": item, "book": book.number})
        return redirect("supervision:book", book_id=book.pk)
    next_no = (selectors.items(a, book.pk).order_by("-item_no").values_list("item_no", flat=True).first() or 0) + 1
    return _item_form(request, a, book, None, {"item_no": next_no, "kind": ItemKind.MATERIAL.value, "currency": "142"})


@page
def item_edit(request, book_id: int, item_no: int):
    """备案变更 of one item (customs): the form of a new item filled with the item's fields, its record number
    fixed; services.change_item refuses field by field (a unit once the item has movements) and writes nothing."""
    a = actor(request)
    a.require("supervision.add_item")
    book = selectors.book(a, book_id)
    item = get_object_or_404(selectors.items(a, book.pk), item_no=item_no)
    if request.method == "POST":
        data = {f: request.POST.get(f, "").strip() for f in ITEM_FIELDS}
        try:
            item = services.change_item(actor=a, book_id=book.pk, item_no=item.item_no, data=data,
                                        idempotency_key=request.POST.get("idempotency_key"))
        except DomainError as exc:
            flash_refusal(request, exc, form="item", fields=ITEM_FIELDS)
            return redirect("supervision:item-edit", book_id=book.pk, item_no=item.item_no)
        messages.success(request, _("Item %(item)s of book %(book)s changed.") % {"item": item, "book": book.number})
        if item.held_lists:
            messages.warning(request, _("Held at the gate: the goods of lists %(lists)s take item %(item)s, now solid "
                                        "waste (固体废物), into China. Cancel or change them.")
                             % {"lists": ", ".join(item.held_lists), "item": item.item_no})
        if item.released_lists:
            messages.info(request, _("Released: lists %(lists)s may pass the gate again.")
                          % {"lists": ", ".join(item.released_lists)})
        return redirect("supervision:book", book_id=book.pk)
    initial = {f: "" if getattr(item, f) is None else str(getattr(item, f)) for f in ITEM_FIELDS}
    for name in ("legal_factor", "second_factor", "unit_price"):  # 1.000000 reads as 1
        value = getattr(item, name)
        initial[name] = "" if value is None else f"{value.normalize():f}"
    initial["solid_waste"] = "1" if item.solid_waste else ""  # the checkbox's value
    return _item_form(request, a, book, item, initial)


def _item_form(request, a, book, item, initial: dict):
    """The item form of a book: empty for a new item, or an item's fields for its change."""
    finished = selectors.items(a, book.pk).filter(kind=ItemKind.FINISHED, leftover="")
    return render(request, "supervision/item_form.html", {
        "book": book, "item": item, "initial": initial, "units": UNITS.values(), "currencies": CURRENCIES.items(),
        "countries": list(COUNTRIES), "leftovers": LEFTOVER_CHOICES if book.kind == BookKind.PROCESSING else [""],
        # a defective-goods item names one of the book's ordinary finished items (never itself)
        "finished": finished.exclude(pk=item.pk) if item else finished,
        "idempotency_key": new_idempotency_key(),
    })


@page
def stock_as_of(request, book_id: int):
    a = actor(request)
    book = selectors.book(a, book_id)
    as_of = _date(request.GET.get("as_of")) or timezone.localdate()
    rows = selectors.stock_as_of(a, book.pk, as_of)
    return render(request, "supervision/stock_as_of.html", {"book": book, "as_of": as_of, "rows": rows})


@page
def account_movements(request, account_id: int):
    a = actor(request)
    per = 50
    page_no = inputs.collect_int(request.GET.get("page"), "page", [], lo=1, hi=inputs.INT[1] // per) or 1
    date_from, date_to = _date(request.GET.get("date_from")), _date(request.GET.get("date_to"))
    acc, rows, total, opening = selectors.movements(a, account_id, offset=(page_no - 1) * per, limit=per,
                                                    date_from=date_from, date_to=date_to)
    pages = max(1, (total + per - 1) // per)
    return render(request, "supervision/account.html", {
        "account": acc, "rows": rows, "total": total, "opening": opening, "page_no": page_no, "pages": pages,
        "date_from": date_from, "date_to": date_to,
    })


@page
def list_index(request):
    a = actor(request)
    f = {
        "status": request.GET.get("status", ""), "direction": request.GET.get("direction", ""),
        "q": request.GET.get("q", "").strip(),
    }
    book_id = request.GET.get("book_id")
    qs = selectors.lists(a, book_id=inputs.as_id(book_id), **f)
    page, prefix = page_of(request, qs)
    return render(request, "supervision/list_index.html", {
        "page": page, "querystring_prefix": prefix, "f": f, "statuses": [s.value for s in ListStatus],
    })


QUEUE_FILTERS = ("zone", "enterprise", "list_type", "stock", "order")
QUEUE_ORDER_NAMES = {
    "waiting_longest": gettext_lazy("longest waiting first"), "waiting_shortest": gettext_lazy("shortest waiting first"),
    "value_highest": gettext_lazy("highest value first"), "value_lowest": gettext_lazy("lowest value first"),
}


def _queue_filters(params) -> dict:
    return {k: params.get(k, "").strip() for k in QUEUE_FILTERS}


def _queue_querystring(params) -> str:
    """The queue's filters of a request, to go back to the queue as the officer left it."""
    kept = QueryDict(mutable=True)
    kept.update({k: v for k, v in _queue_filters(params).items() if v})
    return kept.urlencode()


@page
def queue(request):
    a = actor(request)
    a.require("supervision.approve_list")
    f = _queue_filters(request.GET)
    qs = selectors.approval_queue(a, zone_id=inputs.as_id(f["zone"]), enterprise_id=inputs.as_id(f["enterprise"]),
                                  list_type=f["list_type"], stock=f["stock"], order=f["order"])
    page, prefix = page_of(request, qs)
    checks = selectors.stock_checks(a, [v.pk for v in page.object_list])
    return render(request, "supervision/queue.html", {
        "page": page, "querystring_prefix": prefix, "idempotency_key": new_idempotency_key(), "f": f,
        "rows": [(v, checks[v.pk]) for v in page.object_list], "choices": selectors.queue_choices(a),
        "orders": [(k, QUEUE_ORDER_NAMES[k]) for k in selectors.QUEUE_ORDERS], "filters": _queue_querystring(request.GET),
    })


@page
def queue_approve(request):
    """Approve the selected lists, each by its own call of the approval service (its own transaction,
    idempotency record and audit row); a refused list is named with the reasons and nothing of it is written."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    a = actor(request)
    a.require("supervision.approve_list")
    back = reverse("supervision:queue") + (f"?{q}" if (q := _queue_querystring(request.GET)) else "")
    ids = sorted({pk for raw in request.POST.getlist("list_id") if (pk := inputs.as_id(raw))})
    if not ids:
        messages.error(request, _("Select the lists to approve."))
        return redirect(back)
    key = request.POST.get("idempotency_key", "").strip()
    numbers = {v.pk: v.display_number for v in selectors.lists(a).filter(pk__in=ids)}
    approved = []
    for pk in ids:
        try:
            vlist = services.approve_list(actor=a, list_id=pk, idempotency_key=f"{key}:{pk}" if key else None)
        except DomainError as exc:
            reasons = " ".join(e["message"] for e in errors_of(exc))
            messages.error(request, _("%(number)s not approved: %(reasons)s")
                           % {"number": numbers.get(pk, pk), "reasons": reasons})
            continue
        approved.append(vlist.display_number)
    if approved:
        messages.success(request, _("Approved %(n)s list(s): %(numbers)s.")
                         % {"n": len(approved), "numbers": ", ".join(approved)})
    return redirect(back)


HEADER_FIELDS = ("direction", "trade_mode", "list_type", "item_kind", "related_no", "declaration_no", "inner_no",
                 "remarks", "transport_mode", "departure_country", "declaration_flag", "declaration_type",
                 "related_book_no")
FORM = "list"  # the form's name for core.templatetags.forms


def _row(line: dict) -> tuple[dict, list[tuple[str, str]]]:
    """A line of the form and its hidden inputs (every row has them, so the columns of the post stay aligned)."""
    return line, [(f, line.get(f) or "") for f in HIDDEN_LINE_FIELDS]


# a new list starts on 5034 (一线 bonded logistics goods), allowed in both book kinds and directions; the
# first code of the list (0200) is refused for a logistics book
NEW_LIST_TRADE_MODE = "5034"


def _trade_mode_field(a, book_id, direction: str, chosen: str, *, keep_chosen: bool) -> dict:
    """The trade-mode select of the list form: the modes the book's kind (an H book's recorded processing kind)
    and the direction take (trade_modes.modes_for); every zone-book mode while no book is known. `keep_chosen`: a
    mode already chosen (a saved list, a refused post) stays offered, so that its refusal reads beside it; the
    services refuse it on saving either way."""
    book = selectors.books(a).filter(pk=book_id).first() if book_id else None
    if direction not in {d.value for d in Direction}:
        direction = Direction.IN.value  # the form's first choice
    codes = (trade_modes.modes_for(services.book_info(book), direction) if book is not None
             else trade_modes.ZONE_BOOK_MODES)
    offered = [m for m in TRADE_MODES.values() if m.code in codes or (keep_chosen and m.code == chosen)]
    return {"trade_modes": offered, "chosen_trade_mode": chosen,
            "kind_not_recorded": book is not None and book.kind == BookKind.PROCESSING and not book.processing_kind}


def _form_context(a, data=None, refusal=None, book_id=None):
    data = data or {"lines": [{}], "trade_mode": NEW_LIST_TRADE_MODE}
    books = selectors.books(a).filter(active=True)
    # the book the form shows selected: the list's, the one posted, else the select's first
    book_id = book_id or inputs.as_id(data.get("book_id", "")) or books.values_list("pk", flat=True).first()
    return {
        "books": books,
        **_trade_mode_field(a, book_id, data.get("direction", ""), data.get("trade_mode", ""), keep_chosen=True),
        "list_types": LIST_TYPES.items(), "units": UNITS.values(),
        "currencies": CURRENCIES.items(), "statuses": [s.value for s in GoodsStatus],
        "transport_modes": list(TRANSPORT_MODES), "countries": list(COUNTRIES),
        "declaration_flags": list(DECLARATION_FLAGS), "declaration_types": list(DECLARATION_TYPES),
        "data": data, "rows": [_row(line) for line in data["lines"]], "idempotency_key": new_idempotency_key(),
        "form": FORM, "refused_form": refusal or {}, "other_errors": (refusal or {}).get("other", []),
    }


def _refusal(exc: DomainError, line_count: int) -> dict:
    """A refused list form for core.templatetags.forms: each problem under the header input or line cell it
    belongs to ("lines[2].quantity"); the others, named in words, above the form."""
    inputs_on_form = {"book", *HEADER_FIELDS} | {
        f"lines[{n}].{f}" for n in range(1, line_count + 1) for f in SHOWN_LINE_FIELDS}
    inline: dict[str, list[str]] = {}
    other = []
    for e in errors_of(exc):
        if e["field"] in inputs_on_form:
            inline.setdefault(e["field"], []).append(e["message"])
            continue
        label = field_label(e["field"])
        other.append(f"{label}: {e['message']}" if label else e["message"])
    return {"form": FORM, "errors": inline, "other": other}


def _lines_from_post(post) -> list[dict]:
    columns = {f: post.getlist(f"line-{f}") for f in LINE_FIELDS}
    count = max((len(v) for v in columns.values()), default=0)
    lines = []
    for i in range(count):
        line = {f: (columns[f][i] if i < len(columns[f]) else "") for f in LINE_FIELDS}
        if any(line[f].strip() for f in TYPED_LINE_FIELDS):
            lines.append(line)
    return lines


def _data_from_post(post) -> dict:
    data = {k: post.get(k, "").strip() for k in HEADER_FIELDS}
    data["lines"] = _lines_from_post(post)
    return data


def _data_of(vlist, lines) -> dict:
    """A saved list as the form (and the create service) take it: every header field and line value as text."""
    def text(value) -> str:
        return "" if value is None else str(value)

    data = {f: text(getattr(vlist, f)) for f in HEADER_FIELDS}
    data["lines"] = [{"item_no": str(ln.item.item_no), **{f: text(getattr(ln, f)) for f in LINE_FIELDS if f != "item_no"}}
                     for ln in lines]
    return data


def _refused(request, a, exc: DomainError, data: dict, **extra):
    """The list form again (400) with the problems where they belong and what was typed; nothing was written."""
    if exc.status in (403, 404):
        raise exc
    lines = data["lines"] or [{}]
    vlist = extra.get("vlist")
    ctx = {**_form_context(a, {**data, "lines": lines}, _refusal(exc, len(data["lines"])),
                           book_id=vlist.book_id if vlist else None), **extra}
    ctx["idempotency_key"] = request.POST.get("idempotency_key") or ctx["idempotency_key"]
    messages.error(request, _("The form was not saved: correct the marked fields."))
    return render(request, "supervision/list_form.html", ctx, status=400)


@page
def list_create(request):
    a = actor(request)
    a.require("supervision.add_list")
    if request.method != "POST":
        return render(request, "supervision/list_form.html", _form_context(a))
    data = _data_from_post(request.POST)
    book_id = request.POST.get("book_id", "")
    try:
        vlist = services.create_list(actor=a, book_id=inputs.as_id(book_id) or 0, data=data,
                                     idempotency_key=request.POST.get("idempotency_key"))
    except DomainError as exc:
        return _refused(request, a, exc, {**data, "book_id": book_id})
    messages.success(request, _("List %(number)s saved as a draft.") % {"number": vlist.display_number})
    return redirect("supervision:list", list_id=vlist.pk)


EDITABLE = (ListStatus.DRAFT, ListStatus.REJECTED)  # what services.correct_list takes


@page
def list_edit(request, list_id: int):
    """Change a draft (or a rejected list, which becomes a draft again) through services.correct_list."""
    a = actor(request)
    a.require("supervision.add_list")
    vlist = selectors.list_detail(a, list_id)
    if vlist.status not in EDITABLE:
        messages.error(request, _("Only a draft or a rejected list can be edited."))
        return redirect("supervision:list", list_id=vlist.pk)
    extra = {"vlist": vlist}
    if request.method != "POST":
        data = _data_of(vlist, selectors.list_lines(vlist))
        return render(request, "supervision/list_form.html", {**_form_context(a, data, book_id=vlist.book_id), **extra})
    data = _data_from_post(request.POST)
    try:
        services.correct_list(actor=a, list_id=vlist.pk, data=data, idempotency_key=request.POST.get("idempotency_key"))
    except DomainError as exc:
        return _refused(request, a, exc, data, **extra)
    messages.success(request, _("List %(number)s saved as a draft.") % {"number": vlist.display_number})
    return redirect("supervision:list", list_id=vlist.pk)


@page
@require_POST
def list_copy(request, list_id: int):
    """A new draft with the header and lines of a draft, through services.create_list (its idempotency and
    audit row)."""
    a = actor(request)
    a.require("supervision.add_list")
    vlist = selectors.list_detail(a, list_id)
    try:
        if vlist.status != ListStatus.DRAFT:
            raise DomainError(problem("status", "list_wrong_state", list=vlist.display_number, state=vlist.status,
                                      expected=ListStatus.DRAFT.value))
        copy = services.create_list(actor=a, book_id=vlist.book_id, data=_data_of(vlist, selectors.list_lines(vlist)),
                                    idempotency_key=request.POST.get("idempotency_key"))
    except DomainError as exc:
        flash_refusal(request, exc)
        return redirect("supervision:list", list_id=vlist.pk)
    messages.success(request, _("List %(number)s saved as a draft.") % {"number": copy.display_number})
    return redirect("supervision:list", list_id=copy.pk)


@page
def list_line_row(request):
    """htmx partial: one more empty line row for the list form."""
    a = actor(request)
    a.require("supervision.add_list")
    line, hidden = _row({})
    return render(request, "supervision/_line_row.html", {**_form_context(a), "line": line, "hidden": hidden})


@page
def list_trade_modes(request):
    """htmx partial: the list form's trade-mode select again when the book or the direction changes, offering the
    modes they take; the mode chosen stays selected if it is still offered."""
    a = actor(request)
    a.require("supervision.add_list")
    q = request.GET
    field = _trade_mode_field(a, inputs.as_id(q.get("book_id", "")), q.get("direction", ""),
                              q.get("trade_mode", "").strip(), keep_chosen=False)
    return render(request, "supervision/_trade_mode_field.html", {**field, "form": FORM})


def _plain(value) -> str:
    """A decimal as an input's value: no exponent, no trailing zeros ("" for none)."""
    return "" if value is None else format(value.normalize(), "f")


@page
def list_line_info(request):
    """htmx partial beside a line of the list form: the item the line names (by 备案序号 or 料号), its three
    quantities through the item's factors, and its stock per goods status (short, for an outbound line)."""
    a = actor(request)
    a.require("supervision.add_list")
    q = request.GET
    item = selectors.line_item(a, inputs.as_id(q.get("book_id", "")), q.get("line-item_no", "").strip())
    ctx: dict = {"item": item, "ref": q.get("line-item_no", "").strip()[:64]}
    if item is not None:
        info = services.item_info(item.item_no, item.kind, item.declared_unit, item.legal_unit, item.legal_factor,
                                  item.second_unit, item.second_factor)
        quantity, problem_ = parse_decimal(q.get("line-quantity", "").strip(), "quantity")
        # the unit select offers the item's own units only (line_grid.js narrows it to unit_choices); a unit
        # chosen before the item was known becomes the declared one
        unit = q.get("line-unit", "") if q.get("line-unit", "") in info.units else item.declared_unit
        amounts = line_quantities(info, quantity, unit) if quantity is not None and problem_ is None else None
        legal, second = prefilled_quantities(info, amounts) if amounts else (None, None)
        status = q.get("line-goods_status", "") or GoodsStatus.BONDED.value
        stock = selectors.item_stock(a, item)
        line_account = next((acc for acc in stock if acc.goods_status == status), None)
        available = line_account.available if line_account else 0
        ctx.update({"amounts": amounts, "unit": unit, "stock": stock, "status": status, "unit_choices": info.units,
                    "legal_prefill": _plain(legal), "second_prefill": _plain(second),
                    "short": q.get("direction") == "E" and amounts is not None and amounts.declared > available,
                    "available": available})
    return render(request, "supervision/_line_info.html", ctx)


@page
def list_import_template(request):
    """The import file to fill in (CSV or XLSX): every column headed "名称 (code)", one example row."""
    actor(request).require("supervision.add_list")
    fmt = export_format(request, default="xlsx", accepted=("csv", "xlsx"))
    return tabular.download(imports.template(fmt), fmt, "verification-list-import")


@page
def list_import(request):
    a = actor(request)
    a.require("supervision.add_list")
    ctx = {"books": selectors.books(a).filter(active=True), "idempotency_key": new_idempotency_key(), "errors": []}
    if request.method == "POST":
        upload = request.FILES.get("file")
        book_id = request.POST.get("book_id", "")
        try:
            if upload is None:
                raise DomainError(problem("file", "required"))
            fmt = request.POST.get("format") or imports.guess_format(upload.name)
            ids = imports.import_lists(actor=a, book_id=inputs.as_id(book_id) or 0, stream=upload,
                                       fmt=fmt, idempotency_key=request.POST.get("idempotency_key"),
                                       name=upload.name or "")
        except DomainError as exc:
            ctx["errors"] = errors_of(exc)
            return render(request, "supervision/list_import.html", ctx, status=400)
        messages.success(request, _("Imported %(n)s list(s) as drafts.") % {"n": len(ids)})
        return redirect("supervision:lists")
    return render(request, "supervision/list_import.html", ctx)


@page
def list_detail(request, list_id: int):
    a = actor(request)
    vlist = selectors.list_detail(a, list_id)
    audit.read(a, vlist)  # a sensitive read: logged (core.audit.SENSITIVE_READS)
    lines = selectors.list_lines(vlist)
    page, prefix = page_of(request, lines, per_page=100)
    can = {k: a.can(f"supervision.{k}_list") for k in ("submit", "approve", "reject", "reverse", "delete",
                                                           "cancel", "withdraw", "change")}
    can["pass"] = a.can("supervision.pass_goods")
    can["edit"] = a.can("supervision.add_list") and vlist.status in EDITABLE
    can["copy"] = a.can("supervision.add_list") and vlist.status == ListStatus.DRAFT
    # 变更 of a door list: approved, nothing through the door yet (services.change_door_list)
    can["door_change"] = (can["change"] and vlist.changes_status and vlist.status == ListStatus.APPROVED
                          and vlist.posting_state == PostingState.RESERVED
                          and crosses_warehouse_door(lines.values_list("goods_status", "target_status")))
    awaiting = vlist.status in (ListStatus.DRAFT, ListStatus.SUBMITTED)  # approval would check the stock
    check = selectors.stock_checks(a, [vlist.pk])[vlist.pk] if awaiting else None
    # each line's stock account (the status it posts to), for the link from the line to its movements
    accounts = {(item, status, unit): pk for pk, item, status, unit in selectors.accounts(a, book_id=vlist.book_id)
                .filter(item_id__in={ln.item_id for ln in page.object_list})
                .values_list("pk", "item_id", "goods_status", "unit")}
    return render(request, "supervision/list_detail.html", {
        "vlist": vlist, "page": page, "querystring_prefix": prefix, "idempotency_key": new_idempotency_key(),
        "copy_key": new_idempotency_key(),
        "check": check, "lines": [(ln, check.of_line(ln.seq) if check else [],
                                   accounts.get((ln.item_id, ln.goods_status, ln.book_unit)))
                                  for ln in page.object_list],
        "can": can, "today": timezone.localdate(),
        "reservations": list(selectors.reservations(a, list_id=vlist.pk)[:500]),
        "trade_modes": [m for m in TRADE_MODES.values() if m.code in trade_modes.ZONE_BOOK_MODES],
        "transport_modes": list(TRANSPORT_MODES),
    })


ACTIONS = {
    "submit": lambda a, pk, p: services.submit_list(actor=a, list_id=pk, idempotency_key=p.get("idempotency_key")),
    "approve": lambda a, pk, p: services.approve_list(actor=a, list_id=pk, idempotency_key=p.get("idempotency_key"),
                                                      effective_date=_posting_date(p)),
    "reject": lambda a, pk, p: services.reject_list(actor=a, list_id=pk, reason=p.get("reason", "")),
    "reverse": lambda a, pk, p: services.reverse_list(actor=a, list_id=pk, reason=p.get("reason", ""),
                                                      idempotency_key=p.get("idempotency_key"),
                                                      effective_date=_posting_date(p)),
    "delete": lambda a, pk, p: services.delete_list(actor=a, list_id=pk),
    "withdraw": lambda a, pk, p: services.withdraw_list(actor=a, list_id=pk),
    "cancel": lambda a, pk, p: services.cancel_list(actor=a, list_id=pk, reason=p.get("reason", ""),
                                                    idempotency_key=p.get("idempotency_key")),
    "change": lambda a, pk, p: services.change_list(actor=a, list_id=pk, changes=_changes_from_post(a, pk, p),
                                                    reason=p.get("reason", ""), idempotency_key=p.get("idempotency_key")),
    "pass": lambda a, pk, p: services.pass_goods(actor=a, list_id=pk, event_id=f"manual:{p.get('idempotency_key')}",
                                                 shares=_shares_from_post(p), idempotency_key=p.get("idempotency_key")),
}


def _changes_from_post(a, list_id: int, post) -> dict:
    """The 变更 form's fields that differ from the list as it stands (the form shows the current values)."""
    vlist = selectors.list_detail(a, list_id)
    return {name: post.get(name, "").strip() for name in services.CHANGEABLE
            if name in post and post.get(name, "").strip() != (getattr(vlist, name) or "")}


# the inputs of an action's form on the list page whose refusals are shown under them (the others flash)
ACTION_FIELDS = {"change": (*services.CHANGEABLE, "reason")}


def _shares_from_post(post) -> dict | None:
    """share-<line> fields of the passage form; none filled in = everything still reserved."""
    shares = {k.removeprefix("share-"): v.strip() for k, v in post.items() if k.startswith("share-") and v.strip()}
    return shares or None

DONE = {
    "submit": gettext_lazy("Submitted to customs."),
    "approve": gettext_lazy("Approved: posted to the book, or reserved until the goods pass."),
    "withdraw": gettext_lazy("Withdrawn: the list is a draft again."),
    "cancel": gettext_lazy("Approved list deleted; its reservations are voided."),
    "pass": gettext_lazy("Goods passed: the reserved quantities are posted."),
    "change": gettext_lazy("Changed (变更): the change count went up by one."),
    "reject": gettext_lazy("Rejected."), "reverse": gettext_lazy("Reversed by a counter-list."),
    "delete": gettext_lazy("Draft deleted."),
}


@page
def list_action(request, list_id: int, action: str):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if action not in ACTIONS:
        raise Http404
    a = actor(request)
    try:
        result = ACTIONS[action](a, list_id, request.POST)
    except DomainError as exc:
        flash_refusal(request, exc, form=action, fields=ACTION_FIELDS.get(action, ()))
        return redirect("supervision:list", list_id=list_id)
    messages.success(request, str(DONE[action]))
    if action == "delete":
        return redirect("supervision:lists")
    if action == "reverse":
        return redirect("supervision:list", list_id=result.pk)
    if action == "approve" and request.POST.get("next") == "queue":
        waiting = selectors.next_in_queue(a)
        if waiting is None:
            messages.info(request, _("No list is waiting for approval any more."))
            return redirect("supervision:queue")
        return redirect("supervision:list", list_id=waiting)
    if action == "reject" and request.POST.get("next") == "queue":
        return redirect("supervision:queue")
    return redirect("supervision:list", list_id=list_id)
