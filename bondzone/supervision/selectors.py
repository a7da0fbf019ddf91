"""Reads of the account book. Every query starts from scoping.restrict()."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum

from bondzone.core.actor import Actor
from bondzone.core.scoping import get_scoped, restrict

from .models import AccountBook, BookItem, StockAccount, StockEntry, VerificationList


def books(actor: Actor, *, enterprise_id: int | None = None, q: str = "") -> QuerySet[AccountBook]:
    qs = restrict(AccountBook, actor).select_related("enterprise", "zone")
    if enterprise_id:
        qs = qs.filter(enterprise_id=enterprise_id)
    if q:
        qs = qs.filter(Q(number__icontains=q) | Q(enterprise__name__icontains=q))
    return qs


def book(actor: Actor, book_id: int) -> AccountBook:
    return get_scoped(AccountBook.objects.select_related("enterprise", "zone"), actor, book_id)


def items(actor: Actor, book_id: int, *, q: str = "") -> QuerySet[BookItem]:
    qs = restrict(BookItem, actor).filter(book_id=book_id)
    if q:
        qs = qs.filter(Q(name_zh__icontains=q) | Q(name_en__icontains=q) | Q(part_no__icontains=q) | Q(hs_code__startswith=q))
    return qs


def accounts(
    actor: Actor, *, book_id: int | None = None, item_id: int | None = None, goods_status: str = "",
    nonzero: bool = False,
) -> QuerySet[StockAccount]:
    qs = restrict(StockAccount, actor).select_related("item", "book")
    if book_id:
        qs = qs.filter(book_id=book_id)
    if item_id:
        qs = qs.filter(item_id=item_id)
    if goods_status:
        qs = qs.filter(goods_status=goods_status)
    if nonzero:
        qs = qs.exclude(posted=0, reserved=0)
    return qs


def account(actor: Actor, account_id: int) -> StockAccount:
    return get_scoped(StockAccount.objects.select_related("item", "book", "book__enterprise"), actor, account_id)


def stock_by_status(actor: Actor, book_id: int) -> list[dict]:
    """Posted quantity per (goods status, unit) for a book: the dashboard's stock split."""
    rows = (
        restrict(StockAccount, actor)
        .filter(book_id=book_id)
        .values("goods_status", "unit")
        .annotate(posted=Sum("posted"), reserved=Sum("reserved"), accounts=Count("id"))
        .order_by("goods_status", "unit")
    )
    return list(rows)


def lists(
    actor: Actor, *, status: str = "", book_id: int | None = None, direction: str = "", q: str = "",
    date_from: date | None = None, date_to: date | None = None,
) -> QuerySet[VerificationList]:
    qs = restrict(VerificationList, actor).select_related("book", "enterprise")
    if status:
        qs = qs.filter(status=status)
    if book_id:
        qs = qs.filter(book_id=book_id)
    if direction:
        qs = qs.filter(direction=direction)
    if q:
        qs = qs.filter(Q(number__icontains=q) | Q(inner_no__icontains=q) | Q(declaration_no__icontains=q))
    if date_from:
        qs = qs.filter(created_at__date__gte=date_from)
    if date_to:
        qs = qs.filter(created_at__date__lte=date_to)
    return qs


def list_detail(actor: Actor, list_id: int) -> VerificationList:
    return get_scoped(
        VerificationList.objects.select_related("book", "enterprise", "reverses", "created_by", "decided_by"),
        actor, list_id,
    )


def list_lines(vlist: VerificationList):
    return vlist.lines.select_related("item").order_by("seq")


@dataclass(frozen=True)
class MovementRow:
    entry_id: int
    effective_date: date
    list_id: int
    list_number: str
    line_seq: int
    delta: Decimal
    balance: Decimal


def movements(
    actor: Actor, account_id: int, *, offset: int = 0, limit: int = 50, date_from: date | None = None,
    date_to: date | None = None,
) -> tuple[StockAccount, list[MovementRow], int, Decimal]:
    """Entries of one account, oldest first, with the running balance computed on read.

    Returns (account, rows, total count, opening balance of the page)."""
    acc = account(actor, account_id)
    entries = StockEntry.objects.filter(account=acc)
    if date_to:
        entries = entries.filter(effective_date__lte=date_to)
    opening = Decimal(0)
    if date_from:
        opening = entries.filter(effective_date__lt=date_from).aggregate(s=Sum("posted_delta"))["s"] or Decimal(0)
        entries = entries.filter(effective_date__gte=date_from)
    entries = entries.order_by("effective_date", "id")
    total = entries.count()
    page = list(
        entries.values_list("id", "effective_date", "line__vlist_id", "line__vlist__number", "line__seq", "posted_delta")[
            offset : offset + limit
        ]
    )
    if page and offset:
        first_date, first_id = page[0][1], page[0][0]
        before = entries.filter(Q(effective_date__lt=first_date) | Q(effective_date=first_date, id__lt=first_id))
        opening += before.aggregate(s=Sum("posted_delta"))["s"] or Decimal(0)
    rows, running = [], opening
    for entry_id, eff, list_id, number, seq, delta in page:
        running += delta
        rows.append(MovementRow(entry_id, eff, list_id, number, seq, delta, running))
    return acc, rows, total, opening


def stock_as_of(actor: Actor, book_id: int, as_of: date) -> list[dict]:
    """Posted balance of every account of a book at the end of `as_of`, folded from the entries."""
    bk = book(actor, book_id)
    rows = (
        StockEntry.objects.filter(account__book=bk, effective_date__lte=as_of)
        .values("account_id", "account__item__item_no", "account__item__name_zh", "account__goods_status",
                "account__unit")
        .annotate(quantity=Sum("posted_delta"))
        .order_by("account__item__item_no", "account__goods_status", "account__unit")
    )
    return [r for r in rows if r["quantity"]]


def dashboard(actor: Actor) -> dict:
    bks = list(books(actor)[:20])
    totals = {
        (r["book_id"], r["goods_status"]): r
        for r in restrict(StockAccount, actor)
        .filter(book__in=bks)
        .values("book_id", "goods_status")
        .annotate(accounts=Count("id", filter=~Q(posted=0)), posted=Sum("posted"))
    }
    counts = dict(
        restrict(VerificationList, actor).values_list("status").annotate(n=Count("id")).order_by()
    )
    return {
        "books": bks,
        "totals": totals,
        "recent": list(lists(actor)[:10]),
        "counts": counts,
    }
