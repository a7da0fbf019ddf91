"""Released cross-border orders consolidated into type-8 verification lists (清单类型 8 保税电商, trade mode
1210) on the e-commerce enterprise's T book (domain-customs.md §2.6, §6: retail goods leave the zone on
consolidated out-of-zone lists).

`consolidate(actor, book_id, start, end)`: the released orders of the book's enterprise in the period that
are on no list yet; their lines summed per book item (the item of the book with the line's HS code, the
lowest item number if several); one list made and submitted through supervision's services (customs
approves it there: it reserves the goods, the gate's passage posts them). Then, in this app's transaction,
the orders are locked, checked still free, linked to the list, and the audit row is written. Should another
request have taken some of the orders in between, the new list is withdrawn and deleted through
supervision's services and the request is refused (nothing of it remains).

Idempotent: the same key and body answer the first result (the list's creation and submission use keys
derived from it, so a retry after a failure in between replays the same list)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy
from django.utils import timezone

from bondzone.core import audit, idempotency
from bondzone.core.actor import Actor, job_actor
from bondzone.core.domain.errors import DomainError, NotFound, Problem, problem
from bondzone.core.domain.inputs import collect_date, collect_id
from bondzone.supervision import selectors as books
from bondzone.supervision import services as supervision

from .models import CbecOrder, ConsolidatedList
from .selectors import to_consolidate

TRADE_MODE = "1210"
LIST_TYPE = "8"


def _derived(key: str | None, step: str) -> str | None:
    return f"{key}:{step}" if key else None


def _plan(actor: Actor, book, orders: list[CbecOrder]) -> tuple[dict, list[Problem]]:
    codes = {ln.hs_code for o in orders for ln in o.lines.all()}
    by_code: dict[str, Any] = {}
    for item in books.items(actor, book.pk).filter(hs_code__in=codes).order_by("item_no"):
        by_code.setdefault(item.hs_code, item)
    problems: list[Problem] = []
    sums: dict[tuple[int, str], list[Decimal]] = defaultdict(lambda: [Decimal(0), Decimal(0)])
    for o in orders:
        for ln in o.lines.all():
            item = by_code.get(ln.hs_code)
            if item is None:
                problems.append(problem("orders", "cbec_no_book_item", value=ln.hs_code, order=o.order_no,
                                        book=book.number))
                continue
            s = sums[(item.item_no, ln.unit)]
            s[0] += ln.quantity
            s[1] += ln.value
    lines = [{"item_no": no, "quantity": str(q.normalize()), "unit": unit, "value": str(v), "currency": "142",
              "goods_status": "bonded"} for (no, unit), (q, v) in sorted(sums.items())]
    return {"direction": "E", "trade_mode": TRADE_MODE, "list_type": LIST_TYPE, "item_kind": "I", "lines": lines}, problems


class _Fresh(Exception):
    pass


def _fresh() -> dict:
    raise _Fresh


def _replayed(actor: Actor, key: str | None, payload: dict) -> dict | None:
    """The first result when this key has already done this consolidation (the probe writes nothing)."""
    try:
        result, _ = idempotency.run(actor, key, "cbec.consolidate", payload, _fresh)
    except _Fresh:
        return None
    return result


def consolidate(*, actor: Actor, book_id: Any, start: Any, end: Any, idempotency_key: str | None,
                today: date | None = None) -> ConsolidatedList:
    actor.require("cbec.declare")
    today = today or timezone.localdate()
    problems: list[Problem] = []
    pk = collect_id(book_id, "book_id", problems, required=True)
    first = collect_date(start, "start", problems, required=True, today=today)
    last = collect_date(end, "end", problems, required=True, today=today)
    if first and last and last < first:
        problems.append(problem("end", "period_reversed", start=first, end=last))
    book = None
    if pk is not None:
        try:
            book = books.book(actor, pk)
        except NotFound:
            problems.append(problem("book_id", "not_found", model=gettext_lazy("account book"), id=str(pk)))
    if book is not None and book.kind != "T":
        problems.append(problem("book_id", "cbec_book_kind", book=book.number))
    if problems:
        raise DomainError(problems)
    payload = {"book_id": pk, "start": first.isoformat(), "end": last.isoformat()}
    replay = _replayed(actor, idempotency_key, payload)
    if replay is not None:
        return ConsolidatedList.objects.get(pk=replay["consolidated_id"])
    orders = list(to_consolidate(book.enterprise_id, first, last))
    if not orders:
        raise DomainError(problem("start", "cbec_nothing_to_consolidate", enterprise=book.enterprise.name,
                                  start=first, end=last))
    data, problems = _plan(actor, book, orders)
    if problems:
        raise DomainError(problems)
    n = len(orders)
    data["remarks"] = f"保税电商集报 {first.isoformat()}–{last.isoformat()} ({n})"
    vlist = supervision.create_list(actor=actor, book_id=book.pk, data=data,
                                    idempotency_key=_derived(idempotency_key, "list"))
    supervision.submit_list(actor=actor, list_id=vlist.pk, idempotency_key=_derived(idempotency_key, "submit"))
    ids = [o.pk for o in orders]

    def do() -> dict:
        locked = list(CbecOrder.objects.select_for_update().filter(pk__in=ids, consolidated__isnull=True,
                                                                    status="released"))
        if len(locked) != len(ids):
            raise DomainError(problem("start", "cbec_consolidated_meanwhile"))
        c = ConsolidatedList.objects.create(
            enterprise_id=book.enterprise_id, zone_id=book.zone_id, book_id=book.pk, vlist_id=vlist.pk,
            period_from=first, period_to=last, order_count=n,
            goods_value=sum((o.goods_value for o in locked), Decimal(0)),
            tax_total=sum((o.tax_total for o in locked), Decimal(0)))
        CbecOrder.objects.filter(pk__in=ids).update(consolidated=c)
        audit.record(actor, "cbec.orders_consolidated", c, after={
            "list_id": vlist.pk, "orders": n, "goods_value": str(c.goods_value), "tax_total": str(c.tax_total),
            "period": [first.isoformat(), last.isoformat()]})
        return {"consolidated_id": c.pk}

    try:
        result, _ = idempotency.run(actor, idempotency_key, "cbec.consolidate", payload, do)
    except DomainError as exc:
        if any(p.code == "cbec_consolidated_meanwhile" for p in exc.problems):  # undo the list: nothing remains
            supervision.withdraw_list(actor=actor, list_id=vlist.pk)
            supervision.delete_list(actor=actor, list_id=vlist.pk)
        raise
    return ConsolidatedList.objects.get(pk=result["consolidated_id"])


def consolidate_released(*, actor: Actor | None = None, today: date | None = None) -> dict[str, Any]:
    """The periodic run (cbec/tasks.py, `bondzone cbec-consolidate --due`): for every enterprise in the
    actor's scope with released orders waiting up to yesterday, one consolidation from its earliest
    waiting release day to yesterday on its first T book that holds every code (in id order). The key is
    derived from the enterprise, the day and the book, so a second run on the same day replays instead of
    adding a list (and the orders it took are no longer waiting either).
    Returns {"lists": [ids], "skipped": [{"enterprise", "problem"}]}.

    Without an actor the job acts as the system's own user (core.actor.job_actor)."""
    from .selectors import waiting

    actor = actor or job_actor()
    actor.require("cbec.declare")  # a role that may not consolidate is refused once, not skipped per enterprise
    today = today or timezone.localdate()
    last = date.fromordinal(today.toordinal() - 1)
    made: list[int] = []
    skipped: list[dict] = []
    for row in waiting(actor, until=last):
        t_books = books.books(actor, enterprise_id=row["enterprise_id"]).filter(kind="T").order_by("pk")
        problems: list[str] = []
        for book in t_books:
            try:
                c = consolidate(actor=actor, book_id=book.pk, start=row["first"], end=last, today=today,
                                idempotency_key=f"cbec-due:{row['enterprise_id']}:{last.isoformat()}:{book.pk}")
            except DomainError as exc:
                problems += [p.code for p in exc.problems]
                continue
            made.append(c.pk)
            break
        else:
            skipped.append({"enterprise_id": row["enterprise_id"], "problem": ", ".join(problems) or "cbec_book_kind"})
    return {"lists": made, "skipped": skipped}
