"""Reads of the account book. Every query starts from scoping.restrict()."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Case, Count, DecimalField, F, Min, Q, QuerySet, Sum, When

from bondzone.core.actor import Actor
from bondzone.core.domain import inputs
from bondzone.core.domain.errors import NotFound, Problem, problem
from bondzone.core.domain.quantity import from_units
from bondzone.core.rawrows import convert, converters, prepared_cursor
from bondzone.core.scoping import get_scoped, restrict

from .domain import trade_modes
from .domain.codes import (
    LEFTOVER_DOMESTIC_MODE, Direction, GoodsStatus, ItemKind, Leftover, ListStatus, PostingState, ProcessingKind,
)
from .domain.posting import AccountKey, Balance, Draw, Movement, draws, list_moves
from .domain.validation import BookInfo
from .models import (
    AccountBook, BookItem, Reservation, StockAccount, StockEntry, VerificationList, VerificationListLine,
)


def books(actor: Actor, *, enterprise_id: int | None = None, q: str = "") -> QuerySet[AccountBook]:
    qs = restrict(AccountBook, actor).select_related("enterprise", "zone")
    if enterprise_id:
        qs = qs.filter(enterprise_id=enterprise_id)
    if q:
        qs = qs.filter(Q(number__icontains=q) | Q(enterprise__name__icontains=q))
    return qs


def book(actor: Actor, book_id: int) -> AccountBook:
    return get_scoped(AccountBook.objects.select_related("enterprise", "zone"), actor, book_id)


def scrap_sale_mode(book: AccountBook, item: BookItem) -> str | None:
    """The trade mode a domestic sale (内销) of the item's goods takes when they are scrap or by-products:
    0844 (进料加工) or 0845 (来料加工) by the book's processing kind, "" while the book does not record it;
    None for any other item."""
    if item.leftover not in (Leftover.SCRAP, Leftover.BY_PRODUCT):
        return None
    return LEFTOVER_DOMESTIC_MODE.get(book.processing_kind, "")


def scrap_sale_kind_not_recorded(book: AccountBook) -> Problem:
    """The refusal of a domestic sale of scrap or by-products while the book does not record its processing kind:
    the one a 0844 / 0845 list of the book gets (trade_modes.kind_not_recorded), on the sale's book."""
    return trade_modes.kind_not_recorded("book_id", book.number, book.get_absolute_url(),
                                         LEFTOVER_DOMESTIC_MODE[ProcessingKind.IMPORTED])


def bom_item_no(item: BookItem) -> int:
    """The finished item whose BOM (单耗) the item's goods consumed: defective goods (残次品) the finished item they
    were produced as (`leftover_of`, as the production report consumed them), any other item its own number."""
    return item.leftover_of if item.leftover == Leftover.DEFECTIVE and item.leftover_of else item.item_no


def domestic_sale_mode(book: AccountBook, item: BookItem, *, in_zone: bool) -> str:
    """The trade mode of the list a domestic sale (内销) of the item's goods files: 9900 with the goods duty-paid in
    the zone, else out across the second line as scrap or by-products (0844 / 0845 by the book's processing kind;
    a book that does not record it is refused at the request, scrap_sale_kind_not_recorded), finished goods (5100) or
    materials (5000)."""
    if in_zone:
        return "9900"
    return scrap_sale_mode(book, item) or ("5100" if item.kind == ItemKind.FINISHED else "5000")


def solid_waste_sale_problem(book: AccountBook, item: BookItem, trade_mode: str, field: str, line: int) -> Problem | None:
    """The refusal the list of a domestic sale (内销) of the item gets when customs records it as solid waste
    (trade_modes.solid_waste_problem: every domestic sale takes its goods into China), on the sale's line; None
    for any other item."""
    if not item.solid_waste:
        return None
    return trade_modes.solid_waste_problem(field, item, book, trade_mode, line)


def solid_waste_regime_problem(book: AccountBook, item: BookItem, regime: str, trade_mode: str, field: str,
                               line: int) -> Problem | None:
    """The refusal a time-limited regime (duties) taking the item out of the zone to 境内区外 gets when customs
    records it as solid waste (trade_modes.solid_waste_problem, naming the regime); None for any other item."""
    if not item.solid_waste:
        return None
    return trade_modes.solid_waste_problem(field, item, book, trade_mode, line, regime=regime)


def items(actor: Actor, book_id: int, *, q: str = "") -> QuerySet[BookItem]:
    qs = restrict(BookItem, actor).filter(book_id=book_id)
    if q:
        qs = qs.filter(Q(name_zh__icontains=q) | Q(name_en__icontains=q) | Q(part_no__icontains=q) | Q(hs_code__startswith=q))
    return qs


def line_item(actor: Actor, book_id: int | None, ref: str) -> BookItem | None:
    """The book item a list line names: by record number (备案序号), else by part number (料号)."""
    if not book_id or not ref:
        return None
    qs = restrict(BookItem, actor).filter(book_id=book_id)
    number = inputs.as_id(ref)
    found = qs.filter(item_no=number).first() if number is not None else None
    return found or qs.filter(part_no=ref[:64]).order_by("item_no").first()


def item_stock(actor: Actor, item: BookItem) -> list[StockAccount]:
    """The item's accounts (one per goods status), for the stock shown beside a list line."""
    return list(restrict(StockAccount, actor).filter(item=item).order_by("goods_status"))


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
        qs = qs.filter(Q(number__icontains=q) | Q(pre_entry_no__icontains=q) | Q(inner_no__icontains=q)
                       | Q(declaration_no__icontains=q))
    if date_from:
        qs = qs.filter(created_at__date__gte=date_from)
    if date_to:
        qs = qs.filter(created_at__date__lte=date_to)
    return qs


MONEY = DecimalField(max_digits=18, decimal_places=2)  # a sum of line values, to the cent on every database


def domestic_entries(actor: Actor) -> QuerySet[VerificationList]:
    """The basis of 入区退税 (trade_modes.DOMESTIC_ENTRY_MODES): approved inbound second-line lists of domestic
    goods whose goods have all passed the gate (posted), not reversed nor a reversal, not filed as 非报关. Each
    carries `value` and `currency` (its non-bonded lines'; both None when those lines use more than one
    currency), `domestic_lines` (how many non-bonded lines) and the enterprise's `credit_code` (the taxpayer's
    id), newest posting date first."""
    non_bonded = Q(lines__goods_status=GoodsStatus.NON_BONDED.value)
    return (restrict(VerificationList, actor)
            .filter(direction=Direction.IN.value, trade_mode__in=trade_modes.DOMESTIC_ENTRY_MODES,
                    status=ListStatus.APPROVED.value, posting_state=PostingState.POSTED.value,
                    reverses__isnull=True, reversed_by__isnull=True)
            .exclude(declaration_flag="2")
            .annotate(domestic_lines=Count("lines", filter=non_bonded),
                      line_value=Sum("lines__value", filter=non_bonded, output_field=MONEY),
                      line_currency=Min("lines__currency", filter=non_bonded),
                      currencies=Count("lines__currency", filter=non_bonded, distinct=True))
            .filter(domestic_lines__gt=0)
            .annotate(value=Case(When(currencies=1, then=F("line_value")), output_field=MONEY),
                      currency=Case(When(currencies=1, then=F("line_currency"))),
                      credit_code=F("enterprise__credit_code"))
            .select_related("enterprise", "zone")
            .order_by("-effective_date", "-id"))


def list_detail(actor: Actor, list_id: int) -> VerificationList:
    return get_scoped(
        VerificationList.objects.select_related("book", "enterprise", "reverses", "created_by", "decided_by"),
        actor, list_id,
    )


def list_lines(vlist: VerificationList):
    return vlist.lines.select_related("item").order_by("seq")


@dataclass(frozen=True)
class StockCheck:
    """A list's outbound lines (and the old status of a status change) against the stock available now."""

    draws: list[Draw]

    @property
    def short(self) -> bool:
        return any(d.short for d in self.draws)

    def of_line(self, seq: int) -> list[Draw]:
        return [d for d in self.draws if d.line_seq == seq]


def stock_checks(actor: Actor, list_ids) -> dict[int, StockCheck]:
    """List id -> its stock check, for the lists of `list_ids` (ids, or a values("pk") queryset) the actor
    may see. Each list is checked alone against its book's available stock (posted − reserved), as its
    approval would check it now: approving one list can make another one short."""
    visible = restrict(VerificationList, actor).filter(pk__in=list_ids)
    heads = dict(visible.values_list("pk", "direction").order_by())
    if not heads:
        return {}
    line_rows = restrict(VerificationListLine, actor).filter(vlist__in=visible)
    lines = line_rows.values_list("vlist_id", "vlist__book_id", "seq", "item__item_no", "goods_status",
                                  "book_quantity", "book_unit", "target_status").order_by("vlist_id", "seq")
    accounts = (restrict(StockAccount, actor)
                .filter(book_id__in=visible.values("book_id"), item_id__in=line_rows.values("item_id"))
                .values_list("book_id", "item__item_no", "goods_status", "unit", "posted", "reserved"))
    balances: dict[int, dict[AccountKey, Balance]] = {}
    for book_id, item_no, status, unit, posted, reserved in accounts:
        balances.setdefault(book_id, {})[AccountKey(item_no, status, unit)] = Balance(posted, reserved)
    by_list: dict[int, tuple[int, list]] = {}
    for list_id, book_id, seq, item_no, status, quantity, unit, target in lines:
        by_list.setdefault(list_id, (book_id, []))[1].append((seq, item_no, status, quantity, unit, target))
    out = {pk: StockCheck([]) for pk in heads}
    for list_id, (book_id, rows) in by_list.items():
        moves = [Movement(m.line, AccountKey(m.item_no, m.goods_status, m.unit), m.quantity)
                 for m in list_moves(Direction(heads[list_id]).sign, rows)]
        out[list_id] = StockCheck(draws(moves, balances.get(book_id, {})))
    return out


QUEUE_ORDERS = {
    "waiting_longest": ("submitted_at", "id"),
    "waiting_shortest": ("-submitted_at", "-id"),
    "value_highest": ("-declared_value", "submitted_at", "id"),
    "value_lowest": ("declared_value", "submitted_at", "id"),
}
STOCK_FILTERS = ("short", "ok")


def approval_queue(
    actor: Actor, *, zone_id: int | None = None, enterprise_id: int | None = None, list_type: str = "",
    stock: str = "", order: str = "",
) -> QuerySet[VerificationList]:
    """Submitted lists the actor may see, with their declared value (sum of the lines' values; `currency`
    is meaningful when `currency_count` is 1). `stock`: "short" = only lists some outbound line of which
    the available stock does not cover, "ok" = only the others."""
    qs = lists(actor, status=ListStatus.SUBMITTED.value).select_related("zone")
    if zone_id:
        qs = qs.filter(zone_id=zone_id)
    if enterprise_id:
        qs = qs.filter(enterprise_id=enterprise_id)
    if list_type:
        qs = qs.filter(list_type=list_type)
    if stock in STOCK_FILTERS:
        short = [pk for pk, c in stock_checks(actor, qs.values("pk")).items() if c.short]
        qs = qs.filter(pk__in=short) if stock == "short" else qs.exclude(pk__in=short)
    return (qs.annotate(declared_value=Sum("lines__value"), currency=Min("lines__currency"),
                        currency_count=Count("lines__currency", distinct=True))
            .order_by(*QUEUE_ORDERS.get(order, QUEUE_ORDERS["waiting_longest"])))


def queue_choices(actor: Actor) -> dict:
    """The zones, enterprises and list types among the actor's waiting lists (the queue's filters)."""
    waiting = lists(actor, status=ListStatus.SUBMITTED.value).order_by()
    return {
        "zones": list(waiting.values_list("zone_id", "zone__name_zh").distinct().order_by("zone__name_zh")),
        "enterprises": list(waiting.values_list("enterprise_id", "enterprise__name").distinct()
                            .order_by("enterprise__name")),
        "list_types": sorted(set(waiting.values_list("list_type", flat=True))),
    }


def next_in_queue(actor: Actor) -> int | None:
    """The list that has waited longest for approval among those the actor may see."""
    return (lists(actor, status=ListStatus.SUBMITTED.value).order_by(*QUEUE_ORDERS["waiting_longest"])
            .values_list("pk", flat=True).first())


@dataclass(frozen=True)
class MovementRow:
    entry_id: int
    effective_date: date
    kind: str  # direct, reserve, post, void
    source_kind: str
    source_id: int
    line_seq: int
    list_id: int | None  # the list the entry (or its reservation) comes from, when it is a list
    list_number: str
    delta: Decimal  # posted
    reserved_delta: Decimal
    incoming_delta: Decimal
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
        entries.values_list("id", "effective_date", "kind", "source_kind", "source_id", "source_line", "posted_delta",
                            "reserved_delta", "incoming_delta", "reservation__source_kind",
                            "reservation__source_id")[offset : offset + limit]
    )
    if page and offset:
        first_date, first_id = page[0][1], page[0][0]
        before = entries.filter(Q(effective_date__lt=first_date) | Q(effective_date=first_date, id__lt=first_id))
        opening += before.aggregate(s=Sum("posted_delta"))["s"] or Decimal(0)
    list_of = {e[0]: e[4] if e[3] == "list" else (e[10] if e[9] == "list" else None) for e in page}
    numbers = dict(VerificationList.objects.filter(pk__in={v for v in list_of.values() if v}).values_list("pk", "number"))
    rows, running = [], opening
    for entry_id, eff, kind, src_kind, src_id, seq, delta, reserved, incoming, _, _ in page:
        running += delta
        list_id = list_of[entry_id]
        rows.append(MovementRow(entry_id, eff, kind, src_kind, src_id, seq, list_id, numbers.get(list_id, ""), delta,
                                reserved, incoming, running))
    return acc, rows, total, opening


def reservations(actor: Actor, *, list_id: int | None = None, book_id: int | None = None,
                 source_kind: str = "", source_id: int | None = None, open_only: bool = False) -> QuerySet[Reservation]:
    """Reservations (预核扣) the actor may see, oldest first; a list's by `list_id`."""
    qs = restrict(Reservation, actor).select_related("account", "account__item").order_by("id")
    if list_id is not None:
        qs = qs.filter(source_kind="list", source_id=list_id)
    if source_kind:
        qs = qs.filter(source_kind=source_kind)
    if source_id is not None:
        qs = qs.filter(source_id=source_id)
    if book_id:
        qs = qs.filter(account__book_id=book_id)
    if open_only:
        qs = qs.filter(state="open")
    return qs


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


# ---------------------------------------------------------------- the list row an approval locks
# An approval reads one list under a row lock, scoped to the actor, plus its book and the book's last
# posting date. Compiling the restrict() queryset costs ~0.2–0.3 ms of Python per call (more than the
# query itself), so the compiled SQL of `restrict(VerificationList, actor, action).filter(pk=…)` is kept
# per (actor, action, vendor) with the id as a parameter. The cache holds SQL only — no rows, no
# decisions: the VerificationList scoping rule is a pure function of the actor and the action (roles and
# permissions are fixed at import), and an Actor is immutable, so the same key always compiles to the
# same SQL. Any change of a user's role, enterprise or zone gives a new Actor, hence a new key.
_ID = -987_654_321_987  # stands for the list id while compiling; real ids are positive


@lru_cache(maxsize=1024)
def _list_scope_sql(actor: Actor, action: str, vendor: str) -> tuple[str, tuple, int] | None:
    """(sql, params, index of the id in params) selecting the id of one list the actor may see, or None
    when the actor sees no list at all."""
    qs = restrict(VerificationList, actor, action).filter(pk=_ID).values("pk").order_by()
    try:
        sql, params = qs.query.sql_with_params()
    except EmptyResultSet:
        return None
    at = [i for i, p in enumerate(params) if p == _ID]
    if len(at) != 1:
        raise RuntimeError("cannot place the list id in the scoped query")
    return sql, tuple(params), at[0]


def _list_and_book_columns() -> str:
    q = connection.ops.quote_name
    cols = ", ".join(f"v.{q(f.column)}" for f in VerificationList._meta.concrete_fields)
    return (
        f"{cols}, b.number, b.kind, b.valid_from, b.valid_until, b.active, "
        "(SELECT MAX(x.effective_date) FROM supervision_verificationlist x "
        " WHERE x.book_id = v.book_id AND x.status = 'approved') "  # index-only on list_book_status_date
    )


@lru_cache(maxsize=8)
def _lock_sql(vendor: str) -> str:
    return (
        f"SELECT {_list_and_book_columns()}"
        "FROM supervision_verificationlist v JOIN supervision_accountbook b ON b.id = v.book_id "
        "WHERE v.id = %s AND v.id IN ({scope})" + (" FOR UPDATE OF v" if vendor == "postgresql" else "")
    )


@lru_cache(maxsize=8)
def _lock_with_reservations_sql(vendor: str) -> str:
    # one row per reservation (after the list's and book's columns, those ledger.lock_reservations reads); the
    # rows are sorted before they are locked, so the list row is locked first, then the reservations by id
    return (
        f"SELECT {_list_and_book_columns()}, r.id, r.source_line, r.account_id, a.book_id, a.unit, r.sign, "
        "r.quantity, r.posted, r.state "
        "FROM supervision_verificationlist v JOIN supervision_accountbook b ON b.id = v.book_id "
        "JOIN supervision_reservation r ON r.source_kind = 'list' AND r.source_id = v.id "
        "JOIN supervision_stockaccount a ON a.id = r.account_id "
        "WHERE v.id = %s AND v.id IN ({scope}) ORDER BY r.id" + (" FOR UPDATE OF v, r" if vendor == "postgresql" else "")
    )


@lru_cache(maxsize=8)
def _row_converters(vendor: str) -> tuple[list, list]:
    book_fields = [AccountBook._meta.get_field(n) for n in ("number", "kind", "valid_from", "valid_until", "active")]
    return converters(VerificationList._meta.concrete_fields), converters(book_fields)


def lock_list_for_posting(actor: Actor, list_id: int, action: str = "change") -> tuple[VerificationList, BookInfo, date | None]:
    """The list (locked FOR UPDATE on PostgreSQL; SQLite's IMMEDIATE transaction already holds the write
    lock), its book and the book's last posting date, in one statement. NotFound unless the actor may
    see the list (the restrict() rule of VerificationList, as get_scoped would apply it)."""
    def not_found() -> NotFound:
        return NotFound(problem("id", "not_found", model=VerificationList._meta.verbose_name, id=str(list_id)))

    try:
        pk = int(list_id)
    except (TypeError, ValueError):
        raise not_found() from None
    scope = _list_scope_sql(actor, action, connection.vendor)
    if scope is None:
        raise not_found()
    with connection.cursor() as cur:
        cur.execute(_lock_sql(connection.vendor).format(scope=scope[0]), _lock_params(pk, scope))
        row = cur.fetchone()
    if row is None:
        raise not_found()
    return _locked_list_row(row)


def lock_list_with_reservations(actor: Actor, list_id: int, action: str = "change") -> tuple[
        VerificationList, BookInfo, date | None, list[tuple]] | None:
    """PostgreSQL: what lock_list_for_posting returns and the rows of the list's reservations (for
    ledger.reservation_rows), in one statement that locks the list row, then its reservations by id — the
    ledger's lock order. None when that returns nothing (a list not found or not the actor's, or one
    holding no reservation): the caller then takes lock_list_for_posting, which says why."""
    scope = _list_scope_sql(actor, action, connection.vendor)
    if scope is None:
        return None
    try:
        pk = int(list_id)
    except (TypeError, ValueError):
        return None
    with prepared_cursor() as cur:
        cur.execute(_lock_with_reservations_sql(connection.vendor).format(scope=scope[0]), _lock_params(pk, scope))
        rows = cur.fetchall()
    if not rows:
        return None
    vlist, book, last = _locked_list_row(rows[0])
    n = len(_LIST_ATTNAMES) + 6
    return vlist, book, last, [r[n:] for r in rows]


def _lock_params(pk: int, scope: tuple[str, tuple, int]) -> list:
    _, scope_params, at = scope
    params = list(scope_params)
    params[at] = pk
    return [pk, *params]


def _locked_list_row(row: tuple) -> tuple[VerificationList, BookInfo, date | None]:
    list_conv, book_conv = _row_converters(connection.vendor)
    n = len(list_conv)
    vlist = VerificationList.from_db(connection.alias, _LIST_ATTNAMES, convert(list_conv, row[:n]))
    number, kind, valid_from, valid_until, active = convert(book_conv, row[n : n + 5])
    last = row[n + 5]
    if isinstance(last, str):  # SQLite returns an aggregate of dates as ISO text
        last = date.fromisoformat(last)
    return vlist, BookInfo(number, kind, valid_from, valid_until, active), last


_LIST_ATTNAMES = [f.attname for f in VerificationList._meta.concrete_fields]


@dataclass(frozen=True)
class TradeTotal:
    """Sum of the values of approved, unreversed list lines of one kind of zone crossing, trade mode and currency."""

    crossing: str  # domain.trade_modes.Crossing: first_line = imports/exports, second_line = 进出区货物 …
    trade_mode: str
    currency: str
    value: Decimal


def zone_trade(zone_id: int, year: int) -> tuple[list[TradeTotal], int, int]:
    """For statistics (evaluation): the trade totals of a zone's approved lists effective in `year` that were
    not reversed (counter-lists excluded), the number of those lists and of enterprises that filed them.
    Not scoped: the figures are aggregates the zone's evaluators may see whatever their role."""
    lists = (VerificationList.objects.filter(zone_id=zone_id, status="approved", effective_date__year=year,
                                             reverses__isnull=True, reversed_by__isnull=True)
             .exclude(posting_state="voided"))  # voided before its goods passed: no trade happened
    rows = (VerificationListLine.objects.filter(vlist__in=lists)
            .values("vlist__trade_mode", "vlist__list_type", "vlist__direction", "currency")
            .annotate(total=Sum("value")).order_by())
    totals = [TradeTotal(trade_modes.crossing(r["vlist__trade_mode"], r["vlist__list_type"], r["vlist__direction"]).value,
                         r["vlist__trade_mode"], r["currency"], r["total"] or Decimal(0)) for r in rows]
    return totals, lists.count(), lists.values("enterprise_id").distinct().count()


@dataclass(frozen=True)
class AccountFlows:
    """Posted movements of one (item no, goods status) of a book up to the end of a period: the total before
    the period, and within it the increases and decreases of each named group of source kinds and the
    total of every other kind. None: no movement of that kind (a zero is a movement that netted out)."""

    item_no: int
    goods_status: str
    opening: Decimal | None
    flows: dict[tuple[str, bool], Decimal]  # (group, increase) → total, only the groups that moved
    other: Decimal | None
    other_kinds: frozenset[str]  # the source kinds in `other`


def posted_entry_flows(book_id: int, start: date, end: date, *,
                       groups: dict[str, tuple[str, ...]]) -> list[AccountFlows]:
    """A book's posted movements up to `end`, per (item, goods status): ONE scan of the ledger's entries
    summed per account, source kind, before or within the period and sign — a handful of rows per account,
    classified here (before `start`; within the period per group of source kinds and sign; every other
    kind). Plain columns to group by cost the database less per movement than a conditional sum for each
    figure. The accounts of one (item, status), one per unit, are added up. `groups` names at least one
    source kind.

    Not scoped: the caller has checked that the actor may see the book."""
    group_of = {kind: name for name, kinds in groups.items() for kind in kinds}
    # per (item no, goods status): opening, {(group, increase): total}, other — in units, None while nothing
    # moved —, and the kinds in other
    totals: dict[tuple[int, str], list] = {}
    with connection.cursor() as cur:
        accounts = _book_accounts(cur, book_id)
        if not accounts:
            return []
        of_book, book_params = _entries_of(accounts, book_id)
        cur.execute("SELECT e.account_id, e.source_kind, e.effective_date < %s, e.posted_delta > 0, SUM(e.posted_delta) "
                    f"FROM supervision_stockentry e WHERE {of_book} AND e.effective_date <= %s AND e.posted_delta <> 0 "
                    "GROUP BY 1, 2, 3, 4", [start, *book_params, end])
        for account_id, kind, before, increase, total in cur.fetchall():
            key = accounts[account_id]
            found = totals.get(key)
            if found is None:
                found = totals[key] = [None, {}, None, set()]
            total = int(total)
            if before:
                found[0] = total + (found[0] or 0)
            elif kind in group_of:
                flow = (group_of[kind], bool(increase))
                found[1][flow] = total + found[1].get(flow, 0)
            else:
                found[2] = total + (found[2] or 0)
                found[3].add(kind)

    def qty(total) -> Decimal | None:
        return None if total is None else from_units(total)

    return [AccountFlows(item_no, status, qty(opening), {k: from_units(t) for k, t in flows.items()}, qty(other),
                         frozenset(kinds))
            for (item_no, status), (opening, flows, other, kinds) in totals.items()]


def source_documents(book_id: int, start: date, end: date, keys: list[tuple[int, str]], *,
                     kinds: tuple[str, ...]) -> dict[tuple[int, str], set[str]]:
    """(item no, goods status) → the documents ("kind:id") of these source kinds that moved it within the
    period, for the few keys a write-off must explain: a second read restricted to their accounts and the
    kinds, which the entries' index by account, kind and date answers without reading the table."""
    if not keys or not kinds:
        return {}
    wanted = set(keys)
    out: dict[tuple[int, str], set[str]] = {}
    with connection.cursor() as cur:
        accounts = {a: key for a, key in _book_accounts(cur, book_id).items() if key in wanted}
        of_accounts, account_params = _entries_of(accounts)
        # each account's documents as one space-separated string (a source kind is lowercase letters, digits
        # and _, services.postings; an id a number), not DISTINCT: the sets drop the repeats, for less than
        # a row per movement and the database's sort
        concat = "string_agg" if connection.vendor == "postgresql" else "group_concat"
        cur.execute(f"SELECT e.account_id, {concat}(e.source_kind || ':' || e.source_id, ' ') "
                    f"FROM supervision_stockentry e WHERE {of_accounts} AND e.effective_date >= %s "
                    f"AND e.effective_date <= %s AND e.posted_delta <> 0 AND e.source_kind IN ({_marks(kinds)}) "
                    "GROUP BY e.account_id", [*account_params, start, end, *kinds])
        for account_id, documents in cur.fetchall():
            out.setdefault(accounts[account_id], set()).update(documents.split(" "))
    return out


def _book_accounts(cur, book_id: int) -> dict[int, tuple[int, str]]:
    """Account id → (item no, goods status) of a book's accounts."""
    cur.execute("SELECT a.id, i.item_no, a.goods_status FROM supervision_stockaccount a "
                "JOIN supervision_bookitem i ON i.id = a.item_id WHERE a.book_id = %s", [book_id])
    return {account_id: (item_no, status) for account_id, item_no, status in cur.fetchall()}


def _entries_of(accounts: dict[int, tuple[int, str]], book_id: int | None = None) -> tuple[str, list]:
    """The WHERE term restricting entries to these accounts (all of `book_id`'s, if given). On PostgreSQL
    the ids as one bigint[] parameter: the planner estimates the scan from the entries' own statistics,
    where a sub-select of the book's accounts let it expect a few rows and sort a million (and psycopg
    sends small ids as int2[], which it costed as an index scan). SQLite caps the number of parameters:
    the book's accounts by a sub-select."""
    if connection.vendor == "postgresql":
        return "e.account_id = ANY(%s::bigint[])", [list(accounts)]
    if book_id is not None:
        return "e.account_id IN (SELECT id FROM supervision_stockaccount WHERE book_id = %s)", [book_id]
    return f"e.account_id IN ({_marks(accounts)})", list(accounts)


def _marks(values) -> str:
    return ", ".join(["%s"] * len(values))
