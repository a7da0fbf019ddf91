"""Pages of cross-border retail. Thin: parse the request, call one selector or service, render."""

from __future__ import annotations

import json

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bondzone.core import audit
from bondzone.core.domain.errors import DomainError, problem
from bondzone.core.web import actor, flash_refusal, new_idempotency_key, page, page_of
from bondzone.supervision import selectors as books

from . import selectors, services
from .domain import settlement as settlement_rules
from .domain.records import masked_id
from .models import OrderStatus, SettlementStatus

EXAMPLE = {"order_no": "ORD-0001", "order_date": "2026-05-12", "buyer_name": "张三", "buyer_id": "11010519491231002X",
           "lines": [{"hs_code": "1901101000", "name": "婴幼儿配方奶粉", "quantity": "2", "unit": "035",
                      "value": "600.00"}]}


@page
def orders(request):
    a = actor(request)
    a.require("cbec.view")
    if request.method == "POST":
        try:
            try:
                data = json.loads(request.POST.get("document") or "")
            except json.JSONDecodeError as exc:
                raise DomainError(problem("document", "invalid", message=str(exc))) from None
            if not isinstance(data, dict):
                raise DomainError(problem("document", "quote_not_object"))
            order = services.declare_order(actor=a, data=data)
        except DomainError as exc:
            flash_refusal(request, exc)
            return redirect("cbec:orders")
        messages.success(request, _("Order %(no)s declared.") % {"no": order.order_no})
        return redirect("cbec:order", order.pk)
    f = request.GET
    rows, prefix = page_of(request, selectors.orders(a, status=f.get("status", ""), q=f.get("q", "").strip()))
    for o in rows:
        o.buyer_masked = masked_id(o.buyer_id)
    return render(request, "cbec/orders.html", {
        "rows": rows, "prefix": prefix, "f": f, "statuses": OrderStatus.choices, "can_declare": a.can("cbec.declare"),
        "example": json.dumps(EXAMPLE, ensure_ascii=False, indent=1)})


@page
def order(request, order_id: int):
    a = actor(request)
    o = selectors.order(a, order_id)
    audit.read(a, o)  # consumer data: a sensitive read, logged (core.audit.SENSITIVE_READS)
    return render(request, "cbec/order.html", {
        "o": o, "buyer_masked": masked_id(o.buyer_id), "lines": o.lines.all(), "can_declare": a.can("cbec.declare"),
        "can_release": a.can("cbec.release")})


def _act(request, order_id: int, call):
    try:
        call(actor(request), request.POST)
    except DomainError as exc:
        flash_refusal(request, exc)
    else:
        messages.success(request, _("Done."))
    return redirect("cbec:order", order_id)


@page
@require_POST
def order_payment(request, order_id: int):
    return _act(request, order_id, lambda a, post: services.record_payment(actor=a, order_id=order_id, data=post.dict()))


@page
@require_POST
def order_waybill(request, order_id: int):
    return _act(request, order_id, lambda a, post: services.record_waybill(actor=a, order_id=order_id, data=post.dict()))


@page
@require_POST
def order_release(request, order_id: int):
    return _act(request, order_id, lambda a, post: services.release(actor=a, order_id=order_id,
                                                                     released_on=post.get("released_on")))


@page
@require_POST
def order_return(request, order_id: int):
    return _act(request, order_id, lambda a, post: services.return_order(
        actor=a, order_id=order_id, applied_on=post.get("applied_on"), back_on=post.get("back_on")))


CONSOLIDATE_FIELDS = ("book_id", "start", "end")


@page
def consolidations(request):
    """The type-8 lists made from released orders (customs and the e-commerce enterprise read them), what is
    still waiting per enterprise, and the form to consolidate now (the enterprise)."""
    from django.utils import timezone

    from .consolidation import consolidate

    a = actor(request)
    a.require("cbec.view")
    can_consolidate = a.can("cbec.declare")
    if request.method == "POST":
        a.require("cbec.declare")
        post = request.POST
        try:
            c = consolidate(actor=a, book_id=post.get("book_id"), start=post.get("start"), end=post.get("end"),
                            idempotency_key=post.get("idempotency_key"))
        except DomainError as exc:
            flash_refusal(request, exc, form="consolidate", fields=CONSOLIDATE_FIELDS)
        else:
            messages.success(request, _("%(count)s orders consolidated on list %(list)s, submitted to customs.") % {
                "count": c.order_count, "list": c.vlist.pre_entry_no})
        return redirect("cbec:consolidations")
    rows, prefix = page_of(request, selectors.consolidated_lists(a))
    waiting = selectors.waiting(a)
    t_books = books.books(a).filter(kind="T").order_by("number") if can_consolidate else []
    return render(request, "cbec/consolidations.html", {
        "rows": rows, "prefix": prefix, "waiting": waiting, "books": t_books, "can_consolidate": can_consolidate,
        "guarantees": selectors.tax_guarantees(a, timezone.localdate()),
        "open_settlements": selectors.settlements(a, status="issued")[:5],
        "start": min((w["first"] for w in waiting), default=None), "today": timezone.localdate(),
        "idempotency_key": new_idempotency_key()})


SETTLE_FIELDS = ("enterprise_id", "start", "end")


@page
def settlements(request):
    """Periodic tax settlements (the enterprise sees its own) and the free amount of each enterprise's tax
    guarantees; customs and the platform issue a settlement here and record its payment."""
    from django.utils import timezone

    from bondzone.core.models import Enterprise
    from bondzone.core.scoping import restrict

    from .settlement import issue

    a = actor(request)
    a.require("cbec.view")
    can_settle = a.can("cbec.settle")
    if request.method == "POST":
        a.require("cbec.settle")
        post = request.POST
        try:
            s = issue(actor=a, enterprise_id=post.get("enterprise_id"), start=post.get("start"), end=post.get("end"),
                      idempotency_key=post.get("idempotency_key"))
        except DomainError as exc:
            flash_refusal(request, exc, form="settle", fields=SETTLE_FIELDS)
        else:
            messages.success(request, _("Settlement issued: %(count)s orders, tax %(tax)s, due %(due)s.") % {
                "count": s.order_count, "tax": s.tax_total, "due": s.due_on.isoformat()})
        return redirect("cbec:settlements")
    today = timezone.localdate()
    only_overdue = request.GET.get("overdue") == "1"
    rows, prefix = page_of(request, selectors.settlements(a, overdue=True if only_overdue else None, today=today))
    for s in rows:
        s.overdue = settlement_rules.overdue(s.status == SettlementStatus.PAID, s.due_on, today)
    return render(request, "cbec/settlements.html", {
        "rows": rows, "prefix": prefix, "guarantees": selectors.tax_guarantees(a, today), "can_settle": can_settle,
        "enterprises": restrict(Enterprise, a).order_by("name") if can_settle else [], "today": today,
        "only_overdue": only_overdue, "idempotency_key": new_idempotency_key()})


@page
@require_POST
def settlement_pay(request, settlement_id: int):
    from .settlement import pay

    a = actor(request)
    a.require("cbec.settle")
    selectors.settlement(a, settlement_id)  # one you may not see is 404
    post = request.POST
    try:
        s = pay(actor=a, settlement_id=settlement_id, paid_on=post.get("paid_on"), payment_ref=post.get("payment_ref"),
                idempotency_key=post.get("idempotency_key"))
    except DomainError as exc:
        flash_refusal(request, exc)
    else:
        messages.success(request, _("Settlement paid; %(tax)s of guarantee freed.") % {"tax": s.tax_total})
    return redirect("cbec:settlements")
