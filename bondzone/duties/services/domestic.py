"""Domestic sale out of the zone (内销): request (both bases quoted side by side), choose (the enterprise
files and submits the verification list through supervision's services), confirm (customs approves the
list through supervision's services; the tax bill is issued against the enterprise), and the payment.

Each step checks the actor's permission, runs through core.idempotency and writes its audit row. The steps
that make or approve a list call supervision's own services first (each in its own durable transaction,
with an idempotency key derived from the caller's, so a retry replays the same list) and then record the
sale's new state in a transaction of their own; a refusal by supervision leaves the sale as it was.

The materials consumed come from the processing part's approved BOM (processing.selectors), the rates
from the rate tables on the declaration date (the engine's quotation), the materials' values from the
book items' unit prices converted at the stored exchange rate of that date.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from bondzone.core import audit, idempotency
from bondzone.core.actor import Actor
from bondzone.core.domain.errors import DomainError, NotFound, Problem, problem
from bondzone.core.domain.inputs import collect_date, collect_id, collect_text
from bondzone.core.models import Enterprise
from bondzone.core.selectors import work_calendar
from bondzone.core.scoping import get_scoped
from bondzone.processing import selectors as processing
from bondzone.supervision import selectors as books
from bondzone.supervision import services as list_services

from ..domain import domestic as rules
from ..domain.engine import Line, Rate
from ..models import DomesticSale, DomesticSaleLine, DomesticSaleStatus, TaxBill
from .regimes import _lines

FINISHED = "E"


def sale_snapshot(s: DomesticSale) -> dict:
    return {"number": s.number, "book_id": s.book_id, "mode": s.mode, "declared_on": s.declared_on.isoformat(),
            "status": s.status, "basis": s.basis, "cheaper": s.cheaper, "list_id": s.vlist_id,
            "goods_total": s.goods_quote.get("totals", {}).get("total"),
            "materials_total": (s.materials_quote or {}).get("totals", {}).get("total")}


def _derived(key: str | None, step: str) -> str | None:
    return f"{key}:{step}" if key else None


def _rate(raw: Mapping | None) -> Rate:
    raw = raw or {}
    return Rate(Decimal(raw["ad_valorem"]) if "ad_valorem" in raw else None,
                Decimal(raw["specific"]) if "specific" in raw else None)


def _engine_lines(result: dict) -> list[Line]:
    return [Line(r["hs_code"], Decimal(r["quantity"]), r["unit"], Decimal(r["customs_value"]),
                 _rate(r["tariff_rate"]), _rate(r["consumption_tax_rate"]), Decimal(r["vat_rate"]))
            for r in result["lines"]]


def _quote(actor: Actor, on: date, rows: list[dict], field: str) -> dict:
    from . import quote

    try:
        return quote(actor, {"declared_on": on.isoformat(), "lines": rows})
    except DomainError as exc:
        raise DomainError([problem(p.field.replace("lines", field, 1) if p.field else field, p.code, **p.params)
                           for p in exc.problems]) from None


def _value_row(item, quantity: Decimal, value: Decimal | None = None) -> dict:
    row = {"hs_code": item.hs_code, "quantity": str(quantity), "unit": item.declared_unit,
           "origin": item.origin_country or ""}
    if value is not None:
        return {**row, "customs_value": str(value)}
    amount = (item.unit_price * quantity).quantize(Decimal("0.01"))
    iso = rules.CUSTOMS_CURRENCY.get(item.currency or "142", item.currency)
    return {**row, "customs_value": str(amount)} if iso == "CNY" else {**row, "value": str(amount), "currency": iso}


def _check_stock(actor: Actor, book_id: int, lines: list[dict], items: dict, problems: list[Problem]) -> None:
    wanted: dict[int, Decimal] = {}
    for ln in lines:
        wanted[ln["item_id"]] = wanted.get(ln["item_id"], Decimal(0)) + ln["quantity"]
    held: dict[int, Decimal] = {}
    for acc in books.accounts(actor, book_id=book_id, goods_status="bonded").filter(item_id__in=wanted):
        if acc.unit == items[acc.item_id].declared_unit:
            held[acc.item_id] = held.get(acc.item_id, Decimal(0)) + acc.posted - acc.reserved
    for n, ln in enumerate(lines, start=1):
        pk = ln["item_id"]
        if pk in wanted and wanted[pk] > (held.get(pk) or 0):
            problems.append(problem(f"lines[{n}].quantity", "domestic_item_not_bonded", value=wanted.pop(pk),
                                    item=items[pk].item_no, available=held.get(pk) or Decimal(0)))


def _interest_rate() -> Decimal:
    return Decimal(str(getattr(settings, "BONDZONE_DEFERRED_INTEREST_RATE", rules.DEMAND_RATE)))


def quote_both(actor: Actor, book, items: dict, lines: list[dict], on: date, since: date) -> tuple[dict, dict | None]:
    """Both bases of a domestic sale, rendered (the goods as they are; the materials they consumed, or
    None when a line is not a zone-made finished good with a BOM on `on`)."""
    goods_result = _quote(actor, on, [_value_row(items[ln["item_id"]], ln["quantity"], ln["customs_value"])
                                      for ln in lines], "lines")
    finished = _engine_lines(goods_result)
    goods = rules.render_basis(rules.goods_basis(finished))
    goods["rate_date"] = on.isoformat()
    for row, src in zip(goods["lines"], goods_result["lines"], strict=True):
        row["sources"] = src.get("sources", {})
    consumed: list[dict[int, Decimal]] = []
    for ln in lines:
        item = items[ln["item_id"]]
        # defective goods consumed the BOM of the finished item they were produced as (books.bom_item_no)
        used = processing.materials_consumed(book.pk, books.bom_item_no(item), ln["quantity"], on) \
            if item.kind == FINISHED else None
        if used is None:
            return goods, None
        consumed.append(used)
    material_items = {i.item_no: i for i in books.items(actor, book.pk).filter(
        item_no__in={no for used in consumed for no in used})}
    flat = [(n, no, q) for n, used in enumerate(consumed) for no, q in sorted(used.items()) if q > 0]
    materials: list[list[rules.Material]] = [[] for _ in lines]
    if flat:
        result = _quote(actor, on, [_value_row(material_items[no], q) for _, no, q in flat], "materials")
        for (n, no, q), row in zip(flat, result["lines"], strict=True):
            materials[n].append(rules.Material(no, row["hs_code"], q, row["unit"], Decimal(row["customs_value"]),
                                               _rate(row["tariff_rate"])))
    basis = rules.materials_basis(finished, materials, days=rules.interest_days(since, on), rate=_interest_rate(),
                                  interest_threshold=bool(getattr(settings, "BONDZONE_INTEREST_THRESHOLD", False)))
    out = rules.render_basis(basis)
    out["rate_date"] = on.isoformat()
    out["interest_since"] = since.isoformat()
    out["interest_rate"] = str(_interest_rate())
    return goods, out


def request_domestic_sale(*, actor: Actor, data: Mapping[str, Any], idempotency_key: str | None,
                          today: date | None = None) -> DomesticSale:
    """The enterprise asks to sell book lines domestically: both bases are quoted and stored side by side.
    Refused whole, naming the field: a book or item out of scope, items of mixed kinds, more than the
    bonded stock, non-positive quantities, negative values, a code without rates."""
    actor.require("duties.request_domestic")
    today = today or timezone.localdate()

    def do() -> dict:
        problems: list[Problem] = []
        book_id = collect_id(data.get("book_id"), "book_id", problems, required=True)
        mode = str(data.get("mode") or DomesticSale.Mode.OUT)
        if mode not in DomesticSale.Mode.values:
            problems.append(problem("mode", "bad_choice", value=mode, choices=", ".join(DomesticSale.Mode.values)))
        on = collect_date(data.get("declared_on"), "declared_on", problems, today=today) or today
        since = collect_date(data.get("interest_since"), "interest_since", problems, today=today)
        lines = _lines(data.get("lines"), problems)
        book = None
        if book_id is not None:
            try:
                book = books.book(actor, book_id)
            except NotFound:
                problems.append(problem("book_id", "not_found", model=gettext_lazy("account book"), id=str(book_id)))
            else:  # one request at a time per enterprise: two cannot sell the same stock
                Enterprise.objects.select_for_update().filter(pk=book.enterprise_id).first()
        items = {}
        if book is not None:
            wanted = {ln["item_id"] for ln in lines if ln["item_id"] is not None}
            items = {i.pk: i for i in books.items(actor, book.pk).filter(pk__in=wanted)}
            for n, ln in enumerate(lines, start=1):
                if ln["item_id"] is not None and ln["item_id"] not in items:
                    problems.append(problem(f"lines[{n}].item_id", "regime_item_not_in_book", value=ln["item_id"]))
            kinds = {i.kind for i in items.values()}
            if len(kinds) > 1:
                problems.append(problem("lines", "item_kind_mismatch", item="*", kind=", ".join(sorted(kinds)),
                                        expected=sorted(kinds)[0]))
            problems += _scrap_problems(book, items, mode)
            problems += _solid_waste_problems(book, lines, items, mode)
            if since is None:
                since = book.valid_from
            if since > on:
                problems.append(problem("interest_since", "period_reversed", start=since, end=on))
            if not problems:
                _check_stock(actor, book.pk, lines, items, problems)
        if problems:
            raise DomainError(problems)
        goods, materials = quote_both(actor, book, items, lines, on, since)
        sale = DomesticSale.objects.create(
            number="tmp", enterprise_id=book.enterprise_id, zone_id=book.zone_id, book=book, mode=mode,
            declared_on=on, interest_since=since, interest_rate=_interest_rate(), goods_quote=goods,
            materials_quote=materials,
            cheaper=rules.MATERIALS if materials and Decimal(materials["totals"]["total"]) <
            Decimal(goods["totals"]["total"]) else rules.GOODS,
            created_by_id=actor.user_id)
        sale.number = f"NX{on:%y}{sale.pk:08d}"
        sale.save(update_fields=["number"])
        DomesticSaleLine.objects.bulk_create([
            DomesticSaleLine(sale=sale, seq=n, item_id=ln["item_id"], quantity=ln["quantity"],
                             customs_value=ln["customs_value"]) for n, ln in enumerate(lines, start=1)])
        audit.record(actor, "duties.domestic_requested", sale, after=sale_snapshot(sale))
        return {"sale_id": sale.pk}

    result, _ = idempotency.run(actor, idempotency_key, "duties.domestic_request", dict(data), do)
    return DomesticSale.objects.get(pk=result["sale_id"])


def _scrap_problems(book, items: dict, mode: str) -> list[Problem]:
    """Scrap and by-products leave on a list of their own trade mode (0844 / 0845, by the book's 进料 / 来料
    kind): not with ordinary goods, not as a status change inside the zone, not from a book that does not
    record its kind."""
    modes = {pk: books.scrap_sale_mode(book, i) for pk, i in items.items()}
    scrap = sorted(items[pk].item_no for pk, m in modes.items() if m is not None)
    if not scrap:
        return []
    problems = []
    if len(scrap) < len(items):
        problems.append(problem("lines", "domestic_scrap_mixed", items=", ".join(map(str, scrap))))
    if mode == DomesticSale.Mode.STATUS:
        problems.append(problem("mode", "domestic_scrap_leaves_zone"))
    if "" in modes.values():
        problems.append(books.scrap_sale_kind_not_recorded(book))
    return problems


def _solid_waste_problems(book, lines: list[dict], items: dict, mode: str) -> list[Problem]:
    """固体废物 may not go into China: a line of an item customs records as solid waste is refused with the refusal
    the sale's list would get from supervision (its trade mode, the modes that remain)."""
    problems = []
    for n, ln in enumerate(lines, start=1):
        item = items.get(ln["item_id"])
        if item is None:
            continue
        found = books.solid_waste_sale_problem(
            book, item, books.domestic_sale_mode(book, item, in_zone=mode == DomesticSale.Mode.STATUS),
            f"lines[{n}].item_id", n)
        if found is not None:
            problems.append(found)
    return problems


def _status_label(code: str):
    """A sale's status as the reader's language names it (the refusal is a sentence, not a code)."""
    try:
        return DomesticSaleStatus(code).label
    except ValueError:
        return code


def _require(sale: DomesticSale, expected: str) -> None:
    if sale.status != expected:
        raise DomainError(problem("status", "domestic_state", state=_status_label(sale.status),
                                  expected=_status_label(expected)))


def _list_data(sale: DomesticSale) -> dict:
    lines = list(sale.lines.select_related("item"))
    kind = lines[0].item.kind
    # a status change (9900: no goods cross a fence), or 二线 out: scrap and by-products as 0844 / 0845 (checked at
    # the request), finished goods, materials
    trade_mode = books.domestic_sale_mode(sale.book, lines[0].item, in_zone=sale.mode == DomesticSale.Mode.STATUS)
    basis = "A-选择性征关税" if sale.basis == rules.MATERIALS else ""
    return {
        "direction": "E", "trade_mode": trade_mode, "list_type": "0", "item_kind": kind,
        "remarks": f"内销 {sale.number} {basis}".strip(),
        "lines": [{"item_no": ln.item.item_no, "quantity": str(ln.quantity), "unit": ln.item.declared_unit,
                   "value": str(ln.customs_value), "currency": "142", "goods_status": "bonded",
                   **({"target_status": "duty_paid"} if sale.mode == DomesticSale.Mode.STATUS else {})}
                  for ln in lines],
    }


RETURNED_LIST_STATES = ("rejected", "draft")  # customs rejected it, or the enterprise withdrew it


def _list_status(actor: Actor, sale: DomesticSale) -> str | None:
    return books.list_detail(actor, sale.vlist_id).status if sale.vlist_id else None


def _returned_list(actor: Actor, sale: DomesticSale) -> bool:
    """The sale's list came back: rejected by customs or withdrawn to a draft (in supervision's pages or here)."""
    return sale.status == DomesticSaleStatus.RETURNED or (
        sale.status == DomesticSaleStatus.DECLARED and _list_status(actor, sale) in RETURNED_LIST_STATES)


def _mark_returned(actor: Actor, locked: DomesticSale) -> None:
    """Inside the caller's transaction: a declared sale whose list came back becomes `returned` (audited
    with the list's state and customs' reason), so it can be corrected and resubmitted, or cancelled."""
    if locked.status != DomesticSaleStatus.DECLARED:
        return
    vlist = books.list_detail(actor, locked.vlist_id)
    if vlist.status not in RETURNED_LIST_STATES:
        return
    before = sale_snapshot(locked)
    locked.status = DomesticSaleStatus.RETURNED
    locked.save(update_fields=["status"])
    audit.record(actor, "duties.domestic_list_returned", locked, before=before,
                 after={**sale_snapshot(locked), "list_status": vlist.status, "reason": vlist.reject_reason or ""})


def choose_domestic_basis(*, actor: Actor, sale_id: Any, basis: Any, idempotency_key: str | None) -> DomesticSale:
    """The enterprise chooses the basis; the verification list is made and submitted through supervision's
    services (its approval by customs is the confirmation). On a sale whose list came back (rejected or
    withdrawn) this is the resubmission: the same list is corrected to the sale (and the basis chosen now)
    through supervision's `correct_list` and submitted again."""
    actor.require("duties.request_domestic")
    sale = get_scoped(DomesticSale, actor, sale_id, action="change")
    basis = str(basis or "")
    if basis not in rules.BASES:
        raise DomainError(problem("basis", "bad_choice", value=basis, choices=", ".join(rules.BASES)))
    made = None
    returned = _returned_list(actor, sale)
    if sale.status == DomesticSaleStatus.QUOTED or returned:
        if basis == rules.MATERIALS and not sale.materials_quote:
            raise DomainError(problem("basis", "domestic_no_materials_basis"))
        sale.basis = basis  # only for the list's data; saved below
        if returned:
            list_services.correct_list(actor=actor, list_id=sale.vlist_id, data=_list_data(sale),
                                       idempotency_key=_derived(idempotency_key, "correct"))
            vlist = books.list_detail(actor, sale.vlist_id)
        else:
            vlist = list_services.create_list(actor=actor, book_id=sale.book_id, data=_list_data(sale),
                                              idempotency_key=_derived(idempotency_key, "list"))
            made = vlist.pk
        list_services.submit_list(actor=actor, list_id=vlist.pk, idempotency_key=_derived(idempotency_key, "submit"))
        list_id = vlist.pk
    else:
        list_id = sale.vlist_id  # a retry: the idempotency record answers below

    def do() -> dict:
        locked = get_scoped(DomesticSale.objects.select_for_update(), actor, sale_id, action="change")
        resubmitted = locked.status in (DomesticSaleStatus.RETURNED, DomesticSaleStatus.DECLARED) and returned
        if not resubmitted:
            _require(locked, DomesticSaleStatus.QUOTED)
        before = sale_snapshot(locked)
        locked.basis, locked.status, locked.vlist_id = basis, DomesticSaleStatus.DECLARED, list_id
        locked.save(update_fields=["basis", "status", "vlist"])
        audit.record(actor, "duties.domestic_resubmitted" if resubmitted else "duties.domestic_chosen", locked,
                     before=before, after=sale_snapshot(locked))
        return {"sale_id": locked.pk, "basis": basis}

    try:
        idempotency.run(actor, idempotency_key, "duties.domestic_choose", {"sale_id": str(sale_id), "basis": basis}, do)
    except DomainError as exc:
        # another request chose meanwhile: the list this call made is withdrawn and deleted (nothing remains)
        if made is not None and any(p.code == "domestic_state" for p in exc.problems) and \
                DomesticSale.objects.filter(pk=sale.pk).exclude(vlist_id=made).exists():
            list_services.withdraw_list(actor=actor, list_id=made)
            list_services.delete_list(actor=actor, list_id=made)
        raise
    return DomesticSale.objects.get(pk=sale.pk)


def withdraw_domestic_sale(*, actor: Actor, sale_id: Any) -> DomesticSale:
    """The enterprise takes its submitted list back (supervision's `withdraw_list`: a draft again); the
    sale becomes `returned`, to correct and resubmit (choose again) or cancel."""
    actor.require("duties.request_domestic")
    sale = get_scoped(DomesticSale, actor, sale_id, action="change")
    _require(sale, DomesticSaleStatus.DECLARED)
    if _list_status(actor, sale) == "submitted":
        list_services.withdraw_list(actor=actor, list_id=sale.vlist_id)
    with transaction.atomic(durable=True):
        locked = get_scoped(DomesticSale.objects.select_for_update(), actor, sale_id, action="change")
        _mark_returned(actor, locked)
        if locked.status != DomesticSaleStatus.RETURNED:
            raise DomainError(problem("status", "domestic_state", state=f"list {_list_status(actor, locked)}",
                                      expected="submitted"))
    return DomesticSale.objects.get(pk=sale.pk)


CANCELLABLE = (DomesticSaleStatus.QUOTED, DomesticSaleStatus.DECLARED, DomesticSaleStatus.RETURNED)


def cancel_domestic_sale(*, actor: Actor, sale_id: Any, reason: Any, idempotency_key: str | None) -> DomesticSale:
    """The enterprise gives the sale up before customs confirmed it. Its list, through supervision's
    services: a submitted one is withdrawn, a draft deleted, a rejected one stays as customs left it, and
    one customs approved without the sale's confirmation is cancelled (删单), which voids its
    reservations in the ledger. A confirmed sale (tax bill issued) cannot be cancelled here."""
    actor.require("duties.request_domestic")
    sale = get_scoped(DomesticSale, actor, sale_id, action="change")  # an unseen sale is 404 before anything else
    problems: list[Problem] = []
    reason_text = collect_text(reason, "reason", problems, max_length=500, required=True)
    if problems:
        raise DomainError(problems)
    if sale.status == DomesticSaleStatus.CANCELLED:
        return sale  # a retry
    if sale.status not in CANCELLABLE:
        raise DomainError(problem("status", "domestic_state", state=_status_label(sale.status),
                                  expected=" / ".join(str(_status_label(c)) for c in CANCELLABLE)))
    list_state = _list_status(actor, sale)
    if list_state == "submitted":
        list_services.withdraw_list(actor=actor, list_id=sale.vlist_id)
        list_state = "draft"
    if list_state == "approved":
        list_services.cancel_list(actor=actor, list_id=sale.vlist_id, reason=f"内销 {sale.number}: {reason_text}",
                                  idempotency_key=_derived(idempotency_key, "cancel"))

    with transaction.atomic(durable=True):
        locked = get_scoped(DomesticSale.objects.select_for_update(), actor, sale_id, action="change")
        if locked.status not in CANCELLABLE:
            raise DomainError(problem("status", "domestic_state", state=_status_label(locked.status),
                                                  expected=_status_label(DomesticSaleStatus.QUOTED)))
        before = sale_snapshot(locked)
        locked.status = DomesticSaleStatus.CANCELLED
        if list_state == "draft":
            locked.vlist_id = None  # deleted with the cancellation
        locked.save(update_fields=["status", "vlist"])
        audit.record(actor, "duties.domestic_cancelled", locked, before=before,
                     after={**sale_snapshot(locked), "reason": reason_text, "list_status": list_state})
    if list_state == "draft":  # unlinked above; a draft holds nothing in the ledger
        list_services.delete_list(actor=actor, list_id=sale.vlist_id)
    return DomesticSale.objects.get(pk=sale.pk)


def sync_returned_sales(*, actor: Actor | None = None) -> int:
    """Bring declared sales whose list came back in supervision (rejected, or withdrawn there) to
    `returned` (run by the periodic job; the services do the same for the sale they touch). Returns how many."""
    from bondzone.core.actor import SYSTEM

    actor = actor or SYSTEM
    n = 0
    for pk in DomesticSale.objects.filter(status=DomesticSaleStatus.DECLARED).values_list("pk", flat=True):
        with transaction.atomic(durable=True):
            locked = DomesticSale.objects.select_for_update().get(pk=pk)
            _mark_returned(actor, locked)
            n += locked.status == DomesticSaleStatus.RETURNED
    return n


def bill_amounts(quote: dict) -> dict[str, Decimal]:
    t = quote["totals"]
    return {k: Decimal(t[k]) for k in ("tariff", "consumption_tax", "vat", "interest", "total")}


def confirm_domestic_sale(*, actor: Actor, sale_id: Any, idempotency_key: str | None,
                          today: date | None = None) -> DomesticSale:
    """Customs confirms: the list is approved through supervision's services (status change: posted at
    once; out of the zone: reserved until the gate passes the goods) and the tax bill is issued against
    the enterprise, unpaid, due in 15 days."""
    actor.require("duties.confirm_domestic")
    today = today or timezone.localdate()
    sale = get_scoped(DomesticSale, actor, sale_id, action="change")
    if sale.status == DomesticSaleStatus.DECLARED:
        vlist = books.list_detail(actor, sale.vlist_id)
        if vlist.status in RETURNED_LIST_STATES:
            with transaction.atomic(durable=True):  # recorded, then refused: the enterprise corrects or cancels
                _mark_returned(actor, DomesticSale.objects.select_for_update().get(pk=sale.pk))
            raise DomainError(problem("status", "domestic_list_returned", list=vlist.display_number,
                                      state=vlist.status, reason=vlist.reject_reason or "—"))
        if vlist.status == "submitted":
            list_services.approve_list(actor=actor, list_id=vlist.pk, idempotency_key=_derived(idempotency_key, "approve"))
        elif vlist.status != "approved":
            raise DomainError(problem("status", "domestic_state", state=f"list {vlist.status}", expected="submitted"))

    def do() -> dict:
        locked = get_scoped(DomesticSale.objects.select_for_update(), actor, sale_id, action="change")
        _mark_returned(actor, locked)
        _require(locked, DomesticSaleStatus.DECLARED)
        before = sale_snapshot(locked)
        amounts = bill_amounts(locked.chosen_quote)
        bill = TaxBill.objects.create(
            number="tmp", enterprise_id=locked.enterprise_id, zone_id=locked.zone_id, vlist_id=locked.vlist_id,
            sale=locked, basis=locked.basis, rate_date=locked.declared_on, issued_on=today,
            due_on=rules.due_date(today, work_calendar()), detail=locked.chosen_quote, **amounts)
        bill.number = f"SD{today:%y}{bill.pk:08d}"
        bill.save(update_fields=["number"])
        locked.status = DomesticSaleStatus.CONFIRMED
        locked.save(update_fields=["status"])
        audit.record(actor, "duties.domestic_confirmed", locked, before=before, after=sale_snapshot(locked))
        audit.record(actor, "duties.tax_bill_issued", bill, after={"number": bill.number, "total": str(bill.total),
                                                                    "due_on": bill.due_on.isoformat()})
        return {"sale_id": locked.pk, "bill_id": bill.pk}

    idempotency.run(actor, idempotency_key, "duties.domestic_confirm", {"sale_id": str(sale_id)}, do)
    return DomesticSale.objects.get(pk=sale.pk)


def _total(q: dict | None) -> str | None:
    return (q or {}).get("totals", {}).get("total")


def requote_open_sales(*, reason: str, today: date | None = None) -> int:
    """Re-rate every domestic sale still quoted after a rate table changed: both bases computed again from
    the tables (the sale's own rate date), the new figures stored, and the difference kept in `requotes`
    for the user to see (or the problem, when a rate is now missing: the old figures stay). A system
    job (rate tables are reference data for every zone); returns how many sales changed."""
    from bondzone.core.actor import SYSTEM

    today = today or timezone.localdate()
    changed = 0
    for pk in DomesticSale.objects.filter(status=DomesticSaleStatus.QUOTED).values_list("pk", flat=True):
        with transaction.atomic(durable=True):
            sale = DomesticSale.objects.select_for_update().select_related("book").get(pk=pk)
            if sale.status != DomesticSaleStatus.QUOTED:
                continue
            lines = [{"item_id": ln.item_id, "quantity": ln.quantity, "customs_value": ln.customs_value}
                     for ln in sale.lines.all()]
            items = {i.pk: i for i in books.items(SYSTEM, sale.book_id).filter(pk__in=[ln["item_id"] for ln in lines])}
            entry: dict[str, Any] = {"on": today.isoformat(), "reason": reason[:200]}
            try:
                goods, materials = quote_both(SYSTEM, sale.book, items, lines, sale.declared_on,
                                              sale.interest_since or sale.book.valid_from)
            except DomainError as exc:
                entry["problem"] = "; ".join(f"{p.field}: {p.code}" for p in exc.problems)[:500]
                if sale.requotes and sale.requotes[-1].get("problem") == entry["problem"]:
                    continue  # the same problem again: nothing new to show
                sale.requotes = [*sale.requotes, entry]
                sale.save(update_fields=["requotes"])
                audit.record(SYSTEM, "duties.domestic_requote_failed", sale, after=entry)
                continue
            before = (_total(sale.goods_quote), _total(sale.materials_quote))
            after = (_total(goods), _total(materials))
            if before == after and goods == sale.goods_quote and materials == sale.materials_quote:
                continue
            entry.update({"goods": list((before[0], after[0])), "materials": list((before[1], after[1]))})
            sale.goods_quote, sale.materials_quote = goods, materials
            sale.cheaper = rules.MATERIALS if materials and Decimal(materials["totals"]["total"]) < \
                Decimal(goods["totals"]["total"]) else rules.GOODS
            sale.requotes = [*sale.requotes, entry]
            sale.save(update_fields=["goods_quote", "materials_quote", "cheaper", "requotes"])
            audit.record(SYSTEM, "duties.domestic_requoted", sale, after=entry)
            changed += 1
    return changed
