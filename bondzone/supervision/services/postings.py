"""Postings other than a list's approval: the passage of a list's goods (gate, or the interim "goods
passed" action), and generic source documents (production reports, stock-take adjustments, status
changes) that post or reserve movements, then post or void their reservations.

Each public function has an `_in_transaction` form (or is one) for callers that write their own rows
in the same transaction (the gate records its passage with the posting)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import connection
from django.utils import timezone

from bondzone.core import audit, idempotency
from bondzone.core.actor import Actor
from bondzone.core.domain.errors import DomainError, Problem, problem
from bondzone.core.domain.quantity import check_quantity, decimal_places, from_units, parse_decimal, to_units
from bondzone.core.scoping import get_scoped

from .. import ledger, selectors
from ..domain.codes import UNITS, GoodsStatus, ListStatus, PostingState
from ..domain.posting import Move, OpenReservation, SourceRef, shares as decide_shares
from ..domain.validation import BookInfo
from ..models import AccountBook, BookItem
from .books import book_info, item_info, share_items
from .lists import check_posting_date, is_door_list, list_snapshot, set_posting_state

_SOURCE_KIND = re.compile(r"^[a-z][a-z0-9_]{0,15}$")
MAX_EVENT_ID = 64


@dataclass(frozen=True)
class PassageResult:
    list_id: int
    posted: dict[int, Decimal]  # line -> quantity posted by this passage
    complete: bool  # everything of the list is posted now


@dataclass(frozen=True)
class PostingResult:
    entries: int
    reservations: int


def _require_outer_transaction() -> None:
    if not connection.in_atomic_block:
        raise RuntimeError("call this inside the caller's transaction.atomic(durable=True)")


def _check_event_id(event_id: str) -> str:
    event_id = (event_id or "").strip()
    if not event_id or len(event_id) > MAX_EVENT_ID:
        raise DomainError(problem("event_id", "bad_event_id", value=event_id[:80]))
    return event_id


def _claim(event_id: str, source: SourceRef) -> int:
    pk = ledger.claim_event(event_id, source)
    if pk is None:
        raise DomainError(problem("event_id", "event_already_posted", event=event_id))
    return pk


def _requested_shares(shares: dict | None, units: dict[int, str]) -> tuple[dict[int, Decimal] | None, list[Problem]]:
    """Parse `shares` (line -> quantity) against each reserved line's unit scale."""
    if shares is None:
        return None, []
    out: dict[int, Decimal] = {}
    problems: list[Problem] = []
    for raw_line, raw_qty in shares.items():
        try:
            line = int(raw_line)
        except (TypeError, ValueError):
            problems.append(problem(f"shares[{raw_line}]", "not_an_integer", value=str(raw_line)))
            continue
        field = f"shares[{line}]"
        qty, p = parse_decimal(raw_qty, field)
        if p:
            problems.append(p)
            continue
        unit = units.get(line)
        if unit is not None:
            ps = check_quantity(qty, UNITS[unit].scale if unit in UNITS else 5, field)
            if ps:
                problems += ps
                continue
        out[line] = qty
    return out, problems


def _decide(reservations: list[ledger.ReservationRow], shares: dict | None) -> dict[int, int]:
    requested, problems = _requested_shares(shares, {r.line: r.unit for r in reservations})
    if problems:
        raise DomainError(problems)
    if requested is None:  # everything still reserved: the rule runs on the integer units themselves
        chosen, problems = decide_shares([OpenReservation(r.id, r.line, r.remaining) for r in reservations
                                          if r.remaining > 0], None)
        if problems:
            raise DomainError(problems)
        return chosen
    open_ = [OpenReservation(r.id, r.line, from_units(r.remaining)) for r in reservations if r.remaining > 0]
    chosen, problems = decide_shares(open_, requested)  # quantities, so that refusals name them
    if problems:
        raise DomainError(problems)
    return {rid: to_units(q) for rid, q in chosen.items()}


# ---------------------------------------------------------------- passage of a list's goods
def pass_goods(
    *, actor: Actor, list_id: int, event_id: str, source: SourceRef | None = None, shares: dict | None = None,
    effective_date: date | None = None, idempotency_key: str | None,
) -> PassageResult:
    """The goods of an approved list (or a share of them: line -> quantity) passed the gate: their
    reservations post (预核扣 → 正式核扣). One durable transaction, idempotent by key."""
    actor.require("supervision.pass_goods")
    payload = {"list_id": list_id, "event_id": event_id, "shares": {str(k): str(v) for k, v in (shares or {}).items()},
               "all": shares is None, "source": [source.kind, source.id, source.line] if source else None,
               "effective_date": effective_date.isoformat() if effective_date else None}

    def do() -> idempotency.Settled:
        r, post = _prepare_passage(actor, list_id, event_id, source, shares, effective_date)
        return idempotency.Settled({"list_id": r.list_id, "posted": {str(k): str(v) for k, v in r.posted.items()},
                                    "complete": r.complete}, post)

    result, _ = idempotency.run(actor, idempotency_key, "list.pass", payload, do)
    return PassageResult(result["list_id"], {int(k): Decimal(v) for k, v in result["posted"].items()},
                         result["complete"])


def pass_goods_in_transaction(
    *, actor: Actor, list_id: int, event_id: str, source: SourceRef | None = None, shares: dict | None = None,
    effective_date: date | None = None,
) -> PassageResult:
    """pass_goods inside the caller's durable transaction (the gate writes its passage row with it)."""
    actor.require("supervision.pass_goods")
    _require_outer_transaction()
    return _pass(actor, list_id, event_id, source, shares, effective_date)


def pass_door_goods_in_transaction(
    *, actor: Actor, list_id: int, event_id: str, source: SourceRef, shares: dict,
) -> PassageResult:
    """库门: goods of a bonded ↔ non-bonded status-change list crossed a warehouse door; their share of the
    list's reservations posts (as pass_goods does for the gate), inside the caller's durable transaction
    (the gate app writes its door passage row with it). Open to whoever may post documents (the owner,
    customs): only a list whose every line is such a change (lists.is_door_list) is accepted."""
    actor.require("supervision.post_document")
    _require_outer_transaction()
    result, post = _prepare_passage(actor, list_id, event_id, source, shares, None, door=True)
    post()
    return result


def _pass(actor: Actor, list_id: int, event_id: str, source: SourceRef | None, shares: dict | None,
          effective_date: date | None) -> PassageResult:
    if connection.vendor == "postgresql" and source is not None:
        folded = _pass_folded(actor, list_id, event_id, source, shares, effective_date)
        if folded is not None:
            return folded
    result, post = _prepare_passage(actor, list_id, event_id, source, shares, effective_date)
    post()
    return result


def _pass_folded(actor: Actor, list_id: int, event_id: str, source: SourceRef, shares: dict | None,
                 effective_date: date | None) -> PassageResult | None:
    """PostgreSQL, two statements: the list and its reservations locked by one (list first, then the
    reservations), the rules of _prepare_passage applied in between, then the event claim, the list's state,
    its audit row and the posting by one more (ledger.post_shares_folded), which locks the accounts only for
    itself and the commit. None, nothing done, when the first finds no reservation to lock: the caller takes
    _prepare_passage, which names the refusal."""
    event_id = _check_event_id(event_id)
    locked = selectors.lock_list_with_reservations(actor, list_id)
    if locked is None:
        return None
    vlist, book, last, rows = locked
    reservations = ledger.reservation_rows("list", vlist.pk, rows)
    when, chosen, complete, posted = _check_passage(vlist, book, last, reservations, shares, effective_date)
    before = list_snapshot(vlist)
    state = (PostingState.POSTED if complete else PostingState.PARTIAL).value
    changes = vlist.posting_state != state
    vlist.posting_state = state
    audit_row = audit.insert_parts(actor, "list.pass", vlist, before=before, after={
        **list_snapshot(vlist), "event_id": event_id, "posted": {str(k): str(v) for k, v in posted.items()}})
    if not ledger.post_shares_folded(reservations, chosen, source, when, event_id, SourceRef("list", vlist.pk),
                                     ledger.ListState(vlist.pk, state if changes else None, audit_row)):
        raise DomainError(problem("event_id", "event_already_posted", event=event_id))
    return PassageResult(vlist.pk, posted, complete)


def _check_passage(vlist, book: BookInfo, last: date | None, reservations: list[ledger.ReservationRow],
                   shares: dict | None, effective_date: date | None, *, door: bool = False
                   ) -> tuple[date, dict[int, int], bool, dict[int, Decimal]]:
    """The rules of a passage on the locked list and reservations: (posting date, reservation id → units
    posted, whether the list is complete then, line → quantity posted)."""
    if vlist.status != ListStatus.APPROVED or vlist.posting_state not in (PostingState.RESERVED,
                                                                          PostingState.PARTIAL):
        state = vlist.posting_state if vlist.status == ListStatus.APPROVED else vlist.status
        raise DomainError(problem("status", "list_not_awaiting_passage", list=vlist.display_number, state=state))
    if door and not (vlist.changes_status and is_door_list(vlist.pk)):
        raise DomainError(problem("list", "list_not_door_change", list=vlist.display_number))
    when = effective_date or timezone.localdate()
    check_posting_date(book, when, last)
    chosen = _decide(reservations, shares)
    by_id = {r.id: r for r in reservations}
    complete = all(r.remaining - chosen.get(r.id, 0) == 0 for r in reservations)
    posted = {by_id[rid].line: from_units(q) for rid, q in chosen.items()}
    held = [params for params in vlist.solid_waste_held if params["line"] in posted]
    if held:  # an item marked as solid waste after approval (books.hold_open_lists): its goods stay
        raise DomainError([problem(f"lines[{p['line']}].item_no", "trade_mode_solid_waste", **p) for p in held])
    return when, chosen, complete, posted


def _prepare_passage(actor: Actor, list_id: int, event_id: str, source: SourceRef | None, shares: dict | None,
                     effective_date: date | None, *, door: bool = False) -> tuple[PassageResult, Callable[[], None]]:
    """Everything of a passage but the posting itself, which is returned to run last: the list and its
    reservations are locked, the shares decided, the event claimed, the list's state and the audit row
    written; the accounts are locked only by the returned step, for it and the commit."""
    event_id = _check_event_id(event_id)
    vlist, book, last = selectors.lock_list_for_posting(actor, list_id)
    if vlist.status == ListStatus.APPROVED and vlist.posting_state in (PostingState.RESERVED, PostingState.PARTIAL):
        reservations = ledger.lock_reservations("list", vlist.pk)
    else:
        reservations = []  # _check_passage refuses the list before any reservation counts
    when, chosen, complete, posted = _check_passage(vlist, book, last, reservations, shares, effective_date,
                                                    door=door)
    event_pk = _claim(event_id, SourceRef("list", vlist.pk))
    before = list_snapshot(vlist)
    vlist.posting_state = (PostingState.POSTED if complete else PostingState.PARTIAL).value
    set_posting_state(vlist)
    audit.record(actor, "list.pass", vlist, before=before, after={
        **list_snapshot(vlist), "event_id": event_id, "posted": {str(k): str(v) for k, v in posted.items()}})

    def post() -> None:
        ledger.post_shares(reservations, chosen, source or SourceRef("passage", event_pk), when)

    return PassageResult(vlist.pk, posted, complete), post


# ---------------------------------------------------------------- generic source documents
def post_document(
    *, actor: Actor, book_id: int, source_kind: str, source_id: int, moves: list[Move], event_id: str,
    effective_date: date | None = None, reserve: bool = False, idempotency_key: str | None,
) -> PostingResult:
    """Post (or reserve) the movements of one source document all-or-nothing, in one durable transaction."""
    actor.require("supervision.post_document")
    payload = {"book_id": book_id, "source": [source_kind, source_id], "event_id": event_id, "reserve": reserve,
               "moves": [[m.line, m.item_no, m.goods_status, str(m.quantity), m.unit] for m in moves],
               "effective_date": effective_date.isoformat() if effective_date else None}

    def do() -> dict:
        r = _post_document(actor, book_id, source_kind, source_id, moves, event_id, effective_date, reserve)
        return {"entries": r.entries, "reservations": r.reservations}

    result, _ = idempotency.run(actor, idempotency_key, "ledger.post_document", payload, do)
    return PostingResult(result["entries"], result["reservations"])


def post_document_in_transaction(
    *, actor: Actor, book_id: int, source_kind: str, source_id: int, moves: list[Move], event_id: str,
    effective_date: date | None = None, reserve: bool = False,
) -> PostingResult:
    """post_document inside the caller's durable transaction (the caller writes its document row with it)."""
    actor.require("supervision.post_document")
    _require_outer_transaction()
    return _post_document(actor, book_id, source_kind, source_id, moves, event_id, effective_date, reserve)


def _locked_book(actor: Actor, book_id: int) -> AccountBook:
    return get_scoped(AccountBook.objects.select_for_update(), actor, book_id, action="change")


def _check_source(source_kind: str, source_id) -> SourceRef:
    problems = []
    if not isinstance(source_kind, str) or not _SOURCE_KIND.match(source_kind):
        problems.append(problem("source_kind", "bad_source_kind", value=str(source_kind)[:40]))
    if isinstance(source_id, bool) or not isinstance(source_id, int) or source_id < 0:
        problems.append(problem("source_id", "not_an_integer", value=str(source_id)[:40]))
    if problems:
        raise DomainError(problems)
    return SourceRef(source_kind, source_id)


def _ledger_moves(book: AccountBook, moves: list[Move]) -> list[ledger.LineMove]:
    """Check each movement against the book's items (item, unit of the item, unit scale, status)."""
    if not moves:
        raise DomainError(problem("moves", "no_moves"))
    named = {m.item_no for m in moves}
    share_items(book.pk, named)  # FOR SHARE: a unit change of them waits for this posting (change_item counts it)
    items = {i.item_no: i for i in BookItem.objects.filter(book=book, item_no__in=named)}
    statuses = {s.value for s in GoodsStatus}
    out, problems = [], []
    for m in moves:
        field = f"moves[{m.line}]"
        item = items.get(m.item_no)
        if item is None:
            problems.append(problem(f"{field}.item_no", "unknown_item", value=m.item_no, book=book.number))
            continue
        unit = m.unit or item.declared_unit
        factor = item_info(item.item_no, item.kind, item.declared_unit, item.legal_unit, item.legal_factor,
                           item.second_unit, item.second_factor).factor(unit)
        if not factor:
            problems.append(problem(f"{field}.unit", "wrong_unit", value=unit, item=m.item_no,
                                    allowed=", ".join(item.units)))
            continue
        if m.goods_status not in statuses:
            problems.append(problem(f"{field}.goods_status", "bad_choice", value=m.goods_status,
                                    choices=", ".join(sorted(statuses))))
            continue
        if not isinstance(m.quantity, Decimal) or not m.quantity.is_finite():
            problems.append(problem(f"{field}.quantity", "not_a_number", value=str(m.quantity)))
            continue
        if m.quantity == 0:
            problems.append(problem(f"{field}.quantity", "quantity_zero"))
            continue
        ps = check_quantity(abs(m.quantity), UNITS[unit].scale if unit in UNITS else 5, f"{field}.quantity")
        if ps:
            problems += ps
            continue
        # one stock per item and status, in the declared unit: convert through the item's factor, exactly
        book_quantity = m.quantity / factor
        scale = UNITS[item.declared_unit].scale if item.declared_unit in UNITS else 5
        if decimal_places(book_quantity) > scale:
            problems.append(problem(f"{field}.quantity", "unit_conversion_inexact", value=str(m.quantity), unit=unit,
                                    declared=item.declared_unit, result=str(book_quantity.normalize())))
            continue
        out.append(ledger.LineMove(m.line, item.pk, item.item_no, m.goods_status, item.declared_unit,
                                   book_quantity.normalize()))
    if problems:
        raise DomainError(problems)
    return out


def _post_document(actor: Actor, book_id: int, source_kind: str, source_id: int, moves: list[Move],
                   event_id: str, effective_date: date | None, reserve: bool) -> PostingResult:
    event_id = _check_event_id(event_id)
    source = _check_source(source_kind, source_id)
    book = _locked_book(actor, book_id)
    lines = _ledger_moves(book, moves)
    when = effective_date or timezone.localdate()
    info: BookInfo = book_info(book)
    check_posting_date(info, when, ledger.last_posting_date(book.pk))
    _claim(event_id, source)
    n = ledger.post_moves(book_id=book.pk, enterprise_id=book.enterprise_id, zone_id=book.zone_id, moves=lines,
                          source=source, effective_date=when, reserve=reserve, field="moves")
    audit.record(actor, "ledger.reserve" if reserve else "ledger.post", book, after={
        "source": [source.kind, source.id], "event_id": event_id, "moves": len(lines)})
    return PostingResult(n, n if reserve else 0)


def post_reserved(
    *, actor: Actor, book_id: int, source_kind: str, source_id: int, event_id: str, shares: dict | None = None,
    source: SourceRef | None = None, effective_date: date | None = None,
) -> PostingResult:
    """Post shares (line -> quantity; None = all) of a document's reservations, inside the caller's
    transaction (a document's owner app records its own state with it)."""
    actor.require("supervision.post_document")
    _require_outer_transaction()
    event_id = _check_event_id(event_id)
    doc = _check_source(source_kind, source_id)
    book = _locked_book(actor, book_id)
    reservations = _reservations_of_book(book, doc)
    chosen = _decide(reservations, shares)
    when = effective_date or timezone.localdate()
    check_posting_date(book_info(book), when, ledger.last_posting_date(book.pk))
    event_pk = _claim(event_id, doc)
    n = ledger.post_shares(reservations, chosen, source or SourceRef(doc.kind, doc.id), when)
    audit.record(actor, "ledger.post_reserved", book, after={"source": [doc.kind, doc.id], "event_id": event_id,
                                                             "event": event_pk})
    return PostingResult(n, 0)


def void_reservations(*, actor: Actor, book_id: int, source_kind: str, source_id: int, reason: str) -> int:
    """Void what is left of a document's open reservations (cancellation, expiry), inside the caller's
    transaction. Returns the number of reservations voided."""
    actor.require("supervision.post_document")
    _require_outer_transaction()
    doc = _check_source(source_kind, source_id)
    book = _locked_book(actor, book_id)
    reservations = _reservations_of_book(book, doc)
    n = ledger.void(reservations, None, timezone.localdate())
    audit.record(actor, "ledger.void", book, after={"source": [doc.kind, doc.id], "reason": (reason or "")[:500]})
    return n


def _reservations_of_book(book: AccountBook, doc: SourceRef) -> list[ledger.ReservationRow]:
    reservations = ledger.lock_reservations(doc.kind, doc.id)
    if not reservations or any(r.book_id != book.pk for r in reservations):
        raise DomainError(problem("source_id", "nothing_reserved"))
    return reservations

