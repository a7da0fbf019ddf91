"""Pages of the duties part. Thin: parse the request, call one service, render."""

from __future__ import annotations

import json

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bondzone.core import selectors as core_selectors
from bondzone.core import tabular
from bondzone.core.domain.errors import DomainError, problem
from bondzone.core.domain.inputs import as_id, collect_date
from bondzone.core.messages import render as render_problem
from bondzone.core.web import actor, errors_of, export_format, flash_refusal, new_idempotency_key, page, page_of
from bondzone.supervision import selectors as book_selectors

from . import exports, selectors, services
from .domain.tables import FX_COLUMNS, FX_REQUIRED, MAX_FILE_BYTES, RATE_COLUMNS, RATE_REQUIRED
from .domain.regimes import RULES, state_on
from .domain import domestic as rules_domestic
from .models import (
    DomesticSale, DomesticSaleStatus, GuaranteeEntry, GuaranteeKind, RateKind, RegimeKind, RegimeStatus, TaxBill,
)

EXAMPLE = {"declared_on": "2026-05-12", "lines": [
    {"hs_code": "3304100010", "quantity": "100", "unit": "035", "customs_value": "20000.00",
     "tariff": {"ad_valorem": "0.05"}, "consumption_tax": {"ad_valorem": "0.15"}, "vat_rate": "0.13"}]}


@page
def quote(request):
    """A quotation: the JSON document of `bondzone duty quote` in, the taxes per line and declaration out."""
    text = request.POST.get("document") if request.method == "POST" else json.dumps(EXAMPLE, indent=1)
    result, errors = None, []
    if request.method == "POST":
        try:
            try:
                document = json.loads(text or "")
            except json.JSONDecodeError as exc:
                raise DomainError(problem("document", "invalid", message=str(exc))) from None
            result = services.quote(actor(request), document)
        except DomainError as exc:
            if exc.status == 403:
                raise
            errors = errors_of(exc)
    return render(request, "duties/quote.html", {"document": text, "result": result, "errors": errors},
                  status=400 if errors else 200)


def _import(request, service, required, known, redirect_to):
    """A managers' upload on a table page: all or nothing; refused files flash their problems."""
    upload = request.FILES.get("file")
    try:
        if upload is None:
            raise DomainError(problem("file", "required"))
        rows = tabular.read_rows(upload, tabular.guess_format(upload.name or ""), required=required,
                                 known=known, name=upload.name or "", max_bytes=MAX_FILE_BYTES)
        n = service(actor=actor(request), rows=rows)
    except DomainError as exc:
        flash_refusal(request, exc)
    else:
        messages.success(request, _("%(n)s rows imported.") % {"n": n})
    return redirect(redirect_to)


@page
def tax_rates(request):
    a = actor(request)
    if request.method == "POST":
        a.require("duties.manage_rates")
        return _import(request, services.import_tax_rates, RATE_REQUIRED, RATE_COLUMNS, "duties:rates")
    f = request.GET
    problems = []
    on = collect_date(f.get("on"), "on", problems)
    rows, prefix = page_of(request, selectors.tax_rates(a, hs_code=f.get("hs_code", "").strip(),
                                                       kind=f.get("kind", ""), on=on))
    return render(request, "duties/rates.html", {
        "rows": rows, "prefix": prefix, "f": f, "kinds": RateKind.choices, "columns": RATE_COLUMNS,
        "can_manage": a.can("duties.manage_rates"), "errors": [str(render_problem(p)) for p in problems]})


@page
@require_POST
def tax_rate_end(request, rate_id: int):
    try:
        services.end_tax_rate(actor=actor(request), rate_id=rate_id, valid_to=request.POST.get("valid_to"))
    except DomainError as exc:
        flash_refusal(request, exc)
    else:
        messages.success(request, _("Rate ended."))
    return redirect("duties:rates")


@page
def exchange_rates(request):
    a = actor(request)
    if request.method == "POST":
        a.require("duties.manage_rates")
        return _import(request, services.import_exchange_rates, FX_REQUIRED, FX_COLUMNS, "duties:fx")
    f = request.GET
    problems = []
    on = collect_date(f.get("on"), "on", problems)
    rows, prefix = page_of(request, selectors.exchange_rates(a, currency=f.get("currency", "").strip(), on=on))
    return render(request, "duties/fx.html", {
        "rows": rows, "prefix": prefix, "f": f, "columns": FX_COLUMNS, "can_manage": a.can("duties.manage_rates"),
        "errors": [str(render_problem(p)) for p in problems]})


LODGE_FIELDS = ("enterprise_id", "kind", "reference", "amount", "valid_to")
MOVE_FIELDS = ("kind", "amount", "purpose")


def _guarantee_filters(request) -> dict:
    kind = request.GET.get("kind", "")
    return {"enterprise_id": as_id(request.GET.get("enterprise")), "kind": kind if kind in GuaranteeKind.values else ""}


@page
def guarantees(request):
    """Guarantees in the reader's scope (an enterprise its own), with the form customs lodges one with."""
    a = actor(request)
    rows, prefix = page_of(request, selectors.guarantees(a, **_guarantee_filters(request)))
    return render(request, "duties/guarantees.html", {
        "rows": rows, "prefix": prefix, "f": request.GET, "kinds": GuaranteeKind.choices,
        "enterprises": core_selectors.enterprises(a).order_by("name"), "formats": ("csv", "xlsx"),
        "can_manage": a.can("duties.manage_guarantees"), "idempotency_key": new_idempotency_key()})


@page
def guarantees_export(request):
    fmt = export_format(request)
    try:
        body = exports.guarantee_table(actor(request), fmt=fmt, **_guarantee_filters(request))
    except DomainError as exc:
        return render(request, "core/refused.html", {"errors": errors_of(exc)}, status=exc.status)
    return tabular.download(body, fmt, "guarantees")


@page
@require_POST
def guarantee_lodge(request):
    try:
        g = services.lodge_guarantee(actor=actor(request), data={f: request.POST.get(f) for f in LODGE_FIELDS},
                                    idempotency_key=request.POST.get("idempotency_key"))
    except DomainError as exc:
        flash_refusal(request, exc, form="lodge", fields=LODGE_FIELDS)
        return redirect("duties:guarantees")
    messages.success(request, _("Guarantee %(reference)s recorded.") % {"reference": g.reference})
    return redirect("duties:guarantee", guarantee_id=g.pk)


@page
def guarantee(request, guarantee_id: int):
    a = actor(request)
    g = selectors.guarantee(a, guarantee_id)
    return render(request, "duties/guarantee.html", {
        "g": g, "entries": g.entries.all(), "move_kinds": GuaranteeEntry.Kind.choices,
        "can_manage": a.can("duties.manage_guarantees"), "idempotency_key": new_idempotency_key()})


@page
@require_POST
def guarantee_move(request, guarantee_id: int):
    try:
        services.move_guarantee(actor=actor(request), guarantee_id=guarantee_id, kind=request.POST.get("kind", ""),
                                amount=request.POST.get("amount"), purpose=request.POST.get("purpose", ""),
                                idempotency_key=request.POST.get("idempotency_key"))
    except DomainError as exc:
        flash_refusal(request, exc, form="move", fields=MOVE_FIELDS)
    else:
        messages.success(request, _("Recorded."))
    return redirect("duties:guarantee", guarantee_id=guarantee_id)


# --- time-limited regimes ---------------------------------------------------------------------------

LINE_ROWS = 3
LINE_FIELDS = tuple(f"lines[{n}].{f}" for n in range(1, LINE_ROWS + 1) for f in ("item_id", "quantity", "customs_value"))
OPEN_FIELDS = ("kind", "book_id", "start_date", "deadline", "purpose", "guarantee_id", "out_lists", "lines",
               *LINE_FIELDS)
EXTEND_FIELDS = ("until", "reason")
CLOSE_FIELDS = ("outcome", "closed_on", "note", "back_lists")


def _regime_filters(request) -> dict:
    f = request.GET
    kind, status = f.get("kind", ""), f.get("status", "")
    return {"enterprise_id": as_id(f.get("enterprise")), "kind": kind if kind in RegimeKind.values else "",
            "status": status if status in RegimeStatus.values else "", "q": f.get("q", "").strip()[:60]}


@page
def regimes(request):
    """Regimes in the reader's scope with filters, the latest alerts, exports and (who may) a link to open one."""
    a = actor(request)
    rows, prefix = page_of(request, selectors.regimes(a, **_regime_filters(request)))
    return render(request, "duties/regimes.html", {
        "rows": rows, "prefix": prefix, "f": request.GET, "kinds": RegimeKind.choices,
        "statuses": RegimeStatus.choices, "enterprises": core_selectors.enterprises(a).order_by("name"),
        "formats": ("csv", "xlsx"), "alerts": selectors.regime_alerts(a, limit=10),
        "can_open": a.can("duties.open_regime"), "today": timezone.localdate()})


@page
def regimes_export(request):
    fmt = export_format(request)
    try:
        body = exports.regime_table(actor(request), fmt=fmt, **_regime_filters(request))
    except DomainError as exc:
        return render(request, "core/refused.html", {"errors": errors_of(exc)}, status=exc.status)
    return tabular.download(body, fmt, "regimes")


def _form_lines(post) -> list[dict]:
    """The filled rows of a form's book-line grid (item, quantity, customs value), numbered from 1."""
    lines = []
    for n in range(1, LINE_ROWS + 1):
        row = {f: post.get(f"lines[{n}].{f}", "").strip() for f in ("item_id", "quantity", "customs_value")}
        if any(row.values()):
            lines.append(row)
    return lines


def _book_items(a) -> tuple[list, list]:
    """The reader's books and each one's items, for a form's book-line grid."""
    books = list(book_selectors.books(a).order_by("number")[:30])
    return books, [(b, list(book_selectors.items(a, b.pk).order_by("item_no")[:200])) for b in books]


def _open_data(post) -> dict:
    lines = _form_lines(post)
    return {"kind": post.get("kind", ""), "book_id": post.get("book_id"), "start_date": post.get("start_date"),
            "deadline": post.get("deadline") or None, "purpose": post.get("purpose", ""),
            "guarantee_id": post.get("guarantee_id") or None, "out_lists": post.get("out_lists", ""), "lines": lines}


@page
def regime_open(request):
    """The form an enterprise (or customs for it) opens a regime with; refused fields are marked inline."""
    a = actor(request)
    a.require("duties.open_regime")
    if request.method == "POST":
        try:
            r = services.open_regime(actor=a, data=_open_data(request.POST),
                                     idempotency_key=request.POST.get("idempotency_key"))
        except DomainError as exc:
            flash_refusal(request, exc, form="open", fields=OPEN_FIELDS)
            return redirect("duties:regime-open")
        messages.success(request, _("Regime %(number)s opened.") % {"number": r.number})
        return redirect("duties:regime", regime_id=r.pk)
    books_qs, items = _book_items(a)
    return render(request, "duties/regime_open.html", {
        "kinds": [(k, label, RULES[k]) for k, label in RegimeKind.choices], "books": books_qs,
        "items": items, "guarantees": selectors.guarantees(a)[:50], "rows": range(1, LINE_ROWS + 1),
        "idempotency_key": new_idempotency_key(), "today": timezone.localdate()})


@page
def regime(request, regime_id: int):
    a = actor(request)
    r = selectors.regime(a, regime_id)
    return render(request, "duties/regime.html", {
        "r": r, "rule": RULES[r.kind], "state": state_on(r.status, r.deadline, timezone.localdate()),
        "can_decide": a.can("duties.decide_regime") and r.status in ("open", "overdue"),
        "can_link": a.can("duties.open_regime") and r.status in ("open", "overdue"), "slips": services.regime_slips(r),
        "outcomes": [(v, label) for v, label in RegimeStatus.choices if v in ("returned", "closed")],
        "idempotency_key": new_idempotency_key()})


def _regime_write(request, regime_id: int, service, form: str, fields: tuple[str, ...], done: str):
    try:
        service(actor=actor(request), regime_id=regime_id, idempotency_key=request.POST.get("idempotency_key"),
                data={f: request.POST.get(f) or None for f in fields})
    except DomainError as exc:
        flash_refusal(request, exc, form=form, fields=fields)
    else:
        messages.success(request, done)
    return redirect("duties:regime", regime_id=regime_id)


@page
@require_POST
def regime_extend(request, regime_id: int):
    return _regime_write(request, regime_id, services.extend_regime, "extend", EXTEND_FIELDS, _("Extension recorded."))


@page
@require_POST
def regime_close(request, regime_id: int):
    return _regime_write(request, regime_id, services.close_regime, "close", CLOSE_FIELDS, _("Regime closed."))


@page
@require_POST
def regime_link(request, regime_id: int):
    return _regime_write(request, regime_id, services.link_regime_lists, "link", ("role", "lists"),
                         _("Lists linked to the regime."))


# ---------------------------------------------------------------- domestic sale (内销) and tax bills (税单)
SALE_FIELDS = ("book_id", "mode", "declared_on", "interest_since", "lines", *LINE_FIELDS)


@page
def domestic_sales(request):
    a = actor(request)
    a.require("duties.view_domestic")
    status = request.GET.get("status", "")
    rows, prefix = page_of(request, selectors.domestic_sales(
        a, status=status if status in DomesticSaleStatus.values else ""))
    return render(request, "duties/domestic_sales.html", {
        "rows": rows, "prefix": prefix, "f": request.GET, "statuses": DomesticSaleStatus.choices,
        "can_request": a.can("duties.request_domestic")})


def _sale_data(post) -> dict:
    lines = _form_lines(post)
    return {"book_id": post.get("book_id"), "mode": post.get("mode") or "out",
            "declared_on": post.get("declared_on") or None, "interest_since": post.get("interest_since") or None,
            "lines": lines}


@page
def domestic_new(request):
    """The request form: book lines, quantities and dutiable values; both bases are quoted on submit."""
    a = actor(request)
    a.require("duties.request_domestic")
    if request.method == "POST":
        try:
            s = services.request_domestic_sale(actor=a, data=_sale_data(request.POST),
                                               idempotency_key=request.POST.get("idempotency_key"))
        except DomainError as exc:
            flash_refusal(request, exc, form="sale", fields=SALE_FIELDS)
            return redirect("duties:domestic-new")
        messages.success(request, _("Domestic sale %(number)s quoted on both bases.") % {"number": s.number})
        return redirect("duties:domestic-sale", sale_id=s.pk)
    books_qs, items = _book_items(a)
    return render(request, "duties/domestic_new.html", {
        "books": books_qs, "items": items, "modes": DomesticSale.Mode.choices, "rows": range(1, LINE_ROWS + 1),
        "idempotency_key": new_idempotency_key(), "today": timezone.localdate()})


@page
def domestic_sale(request, sale_id: int):
    """Both bases side by side (lines, materials consumed, rates and the rate date, totals), the cheaper
    marked; the enterprise chooses, customs confirms."""
    a = actor(request)
    s = selectors.domestic_sale(a, sale_id)
    bill = TaxBill.objects.filter(sale_id=s.pk).first()
    list_status = s.vlist.status if s.vlist_id else None
    # customs may have rejected the list in supervision's pages since: offer the correction at once
    returned = s.status == DomesticSaleStatus.RETURNED or (
        s.status == DomesticSaleStatus.DECLARED and list_status in services.domestic.RETURNED_LIST_STATES)
    bases = [(rules_domestic.GOODS, _("Goods as they are"), s.goods_quote),
             (rules_domestic.MATERIALS, _("Materials consumed (selective tariff)"), s.materials_quote)]
    return render(request, "duties/domestic_sale.html", {
        "s": s, "bases": bases, "bill": bill,
        "list_status": list_status, "returned": returned,
        "can_choose": a.can("duties.request_domestic") and (s.status == DomesticSaleStatus.QUOTED or returned),
        "can_withdraw": a.can("duties.request_domestic") and s.status == DomesticSaleStatus.DECLARED
        and list_status == "submitted",
        "can_cancel": a.can("duties.request_domestic") and s.status in services.domestic.CANCELLABLE,
        "can_confirm": a.can("duties.confirm_domestic") and s.status == DomesticSaleStatus.DECLARED and not returned,
        "idempotency_key": new_idempotency_key()})


def _sale_write(request, sale_id: int, call, done: str):
    try:
        call()
    except DomainError as exc:
        flash_refusal(request, exc, form="sale", fields=("basis", "status"))
    else:
        messages.success(request, done)
    return redirect("duties:domestic-sale", sale_id=sale_id)


@page
@require_POST
def domestic_choose(request, sale_id: int):
    return _sale_write(request, sale_id, lambda: services.choose_domestic_basis(
        actor=actor(request), sale_id=sale_id, basis=request.POST.get("basis"),
        idempotency_key=request.POST.get("idempotency_key")), _("Basis chosen; the verification list is submitted."))


@page
@require_POST
def domestic_confirm(request, sale_id: int):
    return _sale_write(request, sale_id, lambda: services.confirm_domestic_sale(
        actor=actor(request), sale_id=sale_id, idempotency_key=request.POST.get("idempotency_key")),
        _("Confirmed: the list is approved and the tax bill issued."))


@page
@require_POST
def domestic_withdraw(request, sale_id: int):
    return _sale_write(request, sale_id, lambda: services.withdraw_domestic_sale(actor=actor(request), sale_id=sale_id),
                       _("The list is withdrawn: correct and resubmit it, or cancel the sale."))


@page
@require_POST
def domestic_cancel(request, sale_id: int):
    try:
        services.cancel_domestic_sale(actor=actor(request), sale_id=sale_id, reason=request.POST.get("reason", ""),
                                      idempotency_key=request.POST.get("idempotency_key"))
    except DomainError as exc:
        flash_refusal(request, exc, form="cancel", fields=("reason", "status"))
    else:
        messages.success(request, _("Domestic sale cancelled."))
    return redirect("duties:domestic-sale", sale_id=sale_id)


@page
def tax_bills(request):
    a = actor(request)
    a.require("duties.view_domestic")
    state = request.GET.get("state", "")
    rows, prefix = page_of(request, selectors.tax_bills(a, state=state if state in TaxBill.State.values else ""))
    return render(request, "duties/tax_bills.html", {"rows": rows, "prefix": prefix, "f": request.GET,
                                                      "states": TaxBill.State.choices})


@page
def tax_bill(request, bill_id: int):
    """The bill in its layout: header, one section per tax kind, the amount due; exports; the payment."""
    from .domain.domestic import bill_sections

    a = actor(request)
    b = selectors.tax_bill(a, bill_id)
    late_days, surcharge = services.surcharge_on(b, timezone.localdate())
    return render(request, "duties/tax_bill.html", {
        "late_days": late_days, "surcharge": surcharge,
        "b": b, "sections": [(str(exports.TAX_KIND_NAMES[k]), lines, total) for k, lines, total in bill_sections(b.detail)],
        "can_pay": a.can("duties.confirm_domestic") and b.state == TaxBill.State.UNPAID,
        "formats": ("pdf", "csv", "xlsx"), "idempotency_key": new_idempotency_key(),
        "today": timezone.localdate()})


@page
def tax_bill_export(request, bill_id: int):
    from bondzone.core import pdf

    b = selectors.tax_bill(actor(request), bill_id)
    fmt = export_format(request, default="pdf", accepted=("pdf", *tabular.FORMATS))
    if fmt == "pdf":
        return pdf.download(exports.bill_pdf(b), f"tax-bill-{b.number}")
    return tabular.download(exports.bill_table(b, fmt=fmt), fmt, f"tax-bill-{b.number}")


@page
@require_POST
def tax_bill_pay(request, bill_id: int):
    try:
        services.record_tax_payment(actor=actor(request), bill_id=bill_id,
                                    idempotency_key=request.POST.get("idempotency_key"),
                                    data={"reference": request.POST.get("reference", ""),
                                          "paid_on": request.POST.get("paid_on") or None})
    except DomainError as exc:
        flash_refusal(request, exc, form="pay", fields=("reference", "paid_on", "state"))
    else:
        messages.success(request, _("Payment recorded."))
    return redirect("duties:tax-bill", bill_id=bill_id)
