"""Posting to the account book in the database: the one place that writes balances, entries and
reservations.

Called inside a service's transaction. Lock order, everywhere: the document row (list) the service
locks, then its reservations (by id), then the accounts in sorted key order (item id, goods status,
unit), so concurrent postings cannot deadlock.

- `post_list` (approval, reversal) reads a list's lines joined to their accounts and locks those
  accounts in one statement when they all exist; otherwise (`post_moves`, `lock_accounts`) they are
  locked by one SELECT … FOR UPDATE per chunk when they all exist, else created-or-locked by one upsert
  per chunk, in the same key order. With `reserve`, the movements open reservations (预核扣) instead of
  moving `posted`: outbound ones move `reserved` (unavailable at once), inbound ones `incoming` (never
  available before they are posted).
- `post_shares` posts shares of open reservations (a gate passage), `void` ends what is left of them,
  `resize` changes the quantity of reservations nothing of which has posted (变更 of a door list).

The rule of `domain.posting` decides (on integer units: `net_if_covered`, `shares`; `check` names the
short lines); balances move by one set-based UPDATE, entries and reservations are inserted
in bulk. The CHECK constraints on the balance and reservation rows are the last line of defence.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache

from django.db import connection
from django.utils import timezone

from bondzone.core.domain.errors import DomainError
from bondzone.core.rawrows import prepared_cursor
from bondzone.core.domain.quantity import from_units, to_units

from .domain.codes import EntryKind, ReservationState
from .domain.posting import AccountKey, Balance, Movement, SourceRef, check, net_if_covered
from .domain.posting import list_moves as domain_list_moves

CHUNK = 400  # rows per statement: keeps SQLite under its bound-parameter limit

ACCOUNT_TABLE = "supervision_stockaccount"
ENTRY_TABLE = "supervision_stockentry"
RESERVATION_TABLE = "supervision_reservation"
EVENT_TABLE = "supervision_postingevent"


@dataclass(frozen=True)
class LineMove:
    line: int  # the source document's line
    item_id: int
    item_no: int
    status: str
    unit: str
    delta: Decimal  # signed


@dataclass(frozen=True)
class ReservationRow:
    """A reservation as read under lock; quantities in integer units."""

    id: int
    source_kind: str
    source_id: int
    line: int
    account_id: int
    book_id: int
    unit: str
    sign: int
    quantity: int
    posted: int
    state: str

    @property
    def remaining(self) -> int:
        return self.quantity - self.posted if self.state == ReservationState.OPEN else 0


def last_posting_date(book_id: int) -> date | None:
    """The latest posting date of a book's approved lists (index-only on list_book_status_date)."""
    with connection.cursor() as cur:
        cur.execute(
            "SELECT MAX(effective_date) FROM supervision_verificationlist WHERE book_id = %s AND status = 'approved'",
            [book_id],
        )
        value = cur.fetchone()[0]
    if isinstance(value, str):  # SQLite returns the ISO text
        return date.fromisoformat(value)
    return value


def list_moves(list_id: int, sign: int) -> list[LineMove]:
    """The signed movements of a list's lines (domain.posting.list_moves: a status change line is two),
    in line order, in the items' declared units (one query, no ORM)."""
    with connection.cursor() as cur:
        cur.execute(
            "SELECT l.seq, l.item_id, i.item_no, l.goods_status, l.book_quantity, l.book_unit, l.target_status "
            "FROM supervision_verificationlistline l JOIN supervision_bookitem i ON i.id = l.item_id "
            "WHERE l.vlist_id = %s ORDER BY l.seq",
            [list_id],
        )
        rows = cur.fetchall()
    item_of = {(r[0]): r[1] for r in rows}
    moves = domain_list_moves(sign, [(seq, item_no, status, from_units(int(qty)), unit, target)
                                     for seq, _, item_no, status, qty, unit, target in rows])
    return [LineMove(m.line, item_of[m.line], m.item_no, m.goods_status, m.unit, m.quantity) for m in moves]


def _chunks(seq: Sequence, size: int = CHUNK):
    for i in range(0, len(seq), size):
        yield seq[i : i + size]


def _key_order(prefix: str = "") -> str:
    """Lock order = Python's sorted(keys): code-point order for the strings."""
    if connection.vendor == "postgresql":
        return f'ORDER BY {prefix}item_id, {prefix}goods_status COLLATE "C", {prefix}unit COLLATE "C"'
    return f"ORDER BY {prefix}item_id, {prefix}goods_status, {prefix}unit"


def lock_accounts(
    book_id: int, enterprise_id: int, zone_id: int, keys: list[tuple[int, str, str]]
) -> dict[tuple[int, str, str], tuple[int, int, int]]:
    """Create missing accounts and lock all of them, in key order. Returns key -> (id, posted, reserved) in units."""
    out: dict[tuple[int, str, str], tuple[int, int, int]] = {}
    ordered = sorted(set(keys))
    lock = " FOR UPDATE" if connection.vendor == "postgresql" else ""
    with connection.cursor() as cur:
        # Fast path (every posting after an account's first): lock the existing rows with a plain
        # SELECT … FOR UPDATE, in the same key order as the upsert below, so both paths take row locks in
        # one global order. (An upsert on an existing row writes a new row version just to take the lock.)
        # The COUNT guard makes the statement lock nothing unless every key of the chunk exists: a missing
        # key falls through to the upsert, which then locks and creates in key order as before.
        for chunk in _chunks(ordered):
            rows = ", ".join(["(%s, %s, %s)"] * len(chunk))
            keys_params = [v for key in chunk for v in key]
            cur.execute(
                f"SELECT id, item_id, goods_status, unit, posted, reserved FROM {ACCOUNT_TABLE} "
                f"WHERE book_id = %s AND (item_id, goods_status, unit) IN (VALUES {rows}) "
                f"AND (SELECT COUNT(*) FROM {ACCOUNT_TABLE} WHERE book_id = %s "
                f"     AND (item_id, goods_status, unit) IN (VALUES {rows})) = %s " + _key_order() + lock,
                [book_id, *keys_params, book_id, *keys_params, len(chunk)],
            )
            found = cur.fetchall()
            if len(found) != len(chunk):
                break  # nothing of this chunk is locked; earlier chunks' locks precede it in key order
            for acc_id, item_id, status, unit, posted, reserved in found:
                out[(item_id, status, unit)] = (acc_id, int(posted), int(reserved))
        if len(out) == len(ordered):
            return out
        for chunk in _chunks(ordered):
            values = ", ".join(["(%s, %s, %s, %s, %s, %s, 0, 0, 0)"] * len(chunk))
            params: list = []
            for item_id, status, unit in chunk:
                params += [book_id, item_id, status, unit, enterprise_id, zone_id]
            cur.execute(
                f"INSERT INTO {ACCOUNT_TABLE} (book_id, item_id, goods_status, unit, enterprise_id, zone_id, "
                f"posted, reserved, incoming) VALUES {values} "
                f"ON CONFLICT (book_id, item_id, goods_status, unit) DO UPDATE SET posted = {ACCOUNT_TABLE}.posted "
                f"RETURNING id, item_id, goods_status, unit, posted, reserved",
                params,
            )
            for acc_id, item_id, status, unit, posted, reserved in cur.fetchall():
                out[(item_id, status, unit)] = (acc_id, int(posted), int(reserved))
    return out


def post_moves(*, book_id: int, enterprise_id: int, zone_id: int, moves: list[LineMove], source: SourceRef,
               effective_date: date, reserve: bool = False, field: str = "lines") -> int:
    """Post (or, with `reserve`, reserve) signed movements of one source document all-or-nothing;
    raises DomainError naming every short line (`field[line].quantity`). Returns the entry count."""
    if not moves:
        return 0
    locked = lock_accounts(book_id, enterprise_id, zone_id, [(m.item_id, m.status, m.unit) for m in moves])
    item_no_of = {m.item_id: m.item_no for m in moves}
    balances = {
        AccountKey(item_no_of[item_id], status, unit): Balance(from_units(posted), from_units(reserved))
        for (item_id, status, unit), (_, posted, reserved) in locked.items()
    }
    _, problems = check([Movement(m.line, AccountKey(m.item_no, m.status, m.unit), m.delta) for m in moves],
                        balances, reserve=reserve, field=field)
    if problems:
        raise DomainError(problems)
    _write_moves([(locked[(m.item_id, m.status, m.unit)][0], m.line, to_units(m.delta)) for m in moves],
                 source, effective_date, reserve)
    return len(moves)


@lru_cache(maxsize=4)
def _lines_with_locked_accounts_sql(vendor: str) -> str:
    """A list's lines, each with its account's id and balance; on PostgreSQL the accounts are locked in
    key order (the order of lock_accounts, so both paths take row locks in one global order).

    PostgreSQL: the NOT EXISTS guard (uncorrelated, evaluated once) makes the statement return and lock
    nothing unless every line's account exists, like the COUNT guard of lock_accounts; a list that opens
    an account then falls back to lock_accounts, which locks and creates in the same key order.
    SQLite has no row locks (the IMMEDIATE transaction holds the write lock), so a LEFT JOIN is enough:
    a line without an account comes back with a NULL id and the list takes the same fallback."""
    select = ("SELECT l.id, l.seq, l.item_id, l.goods_status, l.book_unit, l.book_quantity, a.id, a.posted, "
              "a.reserved ")
    lines = "FROM supervision_verificationlistline l "
    on = (f"{ACCOUNT_TABLE} a ON a.book_id = %s AND a.item_id = l.item_id AND a.goods_status = l.goods_status "
          "AND a.unit = l.book_unit ")
    if vendor != "postgresql":
        return select + lines + "LEFT JOIN " + on + "WHERE l.vlist_id = %s ORDER BY l.seq"
    return (
        select + lines + "JOIN " + on
        + "WHERE l.vlist_id = %s AND NOT EXISTS ("
        "  SELECT 1 FROM supervision_verificationlistline m WHERE m.vlist_id = %s AND NOT EXISTS ("
        f"    SELECT 1 FROM {ACCOUNT_TABLE} b WHERE b.book_id = %s AND b.item_id = m.item_id"
        "     AND b.goods_status = m.goods_status AND b.unit = m.book_unit)) "
        'ORDER BY a.item_id, a.goods_status COLLATE "C", a.unit COLLATE "C" FOR UPDATE OF a'
    )


def post_list(*, list_id: int, book_id: int, enterprise_id: int, zone_id: int, sign: int, effective_date: date,
              reserve: bool = False, changes_status: bool = False) -> int:
    """Post (or, with `reserve`, reserve) every line of a list (sign +1 in, -1 out) all-or-nothing;
    raises DomainError naming every short line. Returns the entry count.

    Every posting after an account's first: ONE statement reads the lines with their accounts and locks
    the accounts in key order; the check runs on integer units (domain.posting.net_if_covered, the same
    rule as domain.posting.check, which is run to name the short lines when there are any); then one
    UPDATE of the balances, (reserving) one INSERT of the reservations, and one INSERT of the entries.
    A list that opens an account, or changes goods statuses (a line is two movements), goes through
    list_moves + post_moves (upsert of the missing accounts, same lock order)."""
    source = SourceRef("list", list_id)
    if changes_status:
        return post_moves(book_id=book_id, enterprise_id=enterprise_id, zone_id=zone_id,
                          moves=list_moves(list_id, sign), source=source, effective_date=effective_date,
                          reserve=reserve)
    with connection.cursor() as cur:
        params = [book_id, list_id, list_id, book_id] if connection.vendor == "postgresql" else [book_id, list_id]
        cur.execute(_lines_with_locked_accounts_sql(connection.vendor), params)
        rows = cur.fetchall()
    if not rows or any(r[6] is None for r in rows):  # an account to open (or no line at all)
        return post_moves(book_id=book_id, enterprise_id=enterprise_id, zone_id=zone_id,
                          moves=list_moves(list_id, sign), source=source, effective_date=effective_date,
                          reserve=reserve)
    rows.sort(key=lambda r: r[1])  # line order, for the check
    available = {r[6]: int(r[7]) - int(r[8]) for r in rows}
    moves = [(r[6], sign * int(r[5])) for r in rows]
    if net_if_covered(moves, available, reserve=reserve) is None:
        _refuse_short_lines(rows, sign, reserve)
    _write_moves([(r[6], r[1], d) for r, (_, d) in zip(rows, moves, strict=True)], source, effective_date,
                 reserve)
    return len(rows)


def _refuse_short_lines(rows: list[tuple], sign: int, reserve: bool) -> None:
    """Some line overdraws: the pure check (on Decimals) names every short line (by item number, which
    only this path needs)."""
    with connection.cursor() as cur:
        item_ids = sorted({r[2] for r in rows})
        cur.execute(f"SELECT id, item_no FROM supervision_bookitem WHERE id IN ({', '.join(['%s'] * len(item_ids))})",
                    item_ids)
        item_no = dict(cur.fetchall())
    keys = {r[6]: AccountKey(item_no[r[2]], r[3], r[4]) for r in rows}
    balances = {keys[r[6]]: Balance(from_units(int(r[7])), from_units(int(r[8]))) for r in rows}
    _, problems = check([Movement(r[1], keys[r[6]], from_units(sign * int(r[5]))) for r in rows], balances,
                        reserve=reserve)
    if not problems:
        raise AssertionError("net_if_covered and check disagree")
    raise DomainError(problems)


# ---------------------------------------------------------------- reservations: post shares, void
def lock_reservations(source_kind: str, source_id: int) -> list[ReservationRow]:
    """Every reservation of a source document, locked (FOR UPDATE on PostgreSQL), in line order."""
    lock = " FOR UPDATE" if connection.vendor == "postgresql" else ""
    with connection.cursor() as cur:
        cur.execute(
            f"SELECT r.id, r.source_line, r.account_id, a.book_id, a.unit, r.sign, r.quantity, r.posted, r.state "
            f"FROM {RESERVATION_TABLE} r JOIN {ACCOUNT_TABLE} a ON a.id = r.account_id "
            f"WHERE r.source_kind = %s AND r.source_id = %s ORDER BY r.id" + (" FOR UPDATE OF r" if lock else ""),
            [source_kind, source_id],
        )
        return reservation_rows(source_kind, source_id, cur.fetchall())


def reservation_rows(source_kind: str, source_id: int, rows: list[tuple]) -> list[ReservationRow]:
    """Rows of the columns lock_reservations reads (id, line, account, book, unit, sign, quantity, posted,
    state) → ReservationRows in line order."""
    out = [ReservationRow(pk, source_kind, source_id, line, acc, book, unit, sign, int(q), int(p), state)
           for pk, line, acc, book, unit, sign, q, p, state in rows]
    return sorted(out, key=lambda r: (r.line, r.id))


def claim_event(event_id: str, source: SourceRef) -> int | None:
    """Record a posting event; None when its id was already used (the same passage cannot post twice)."""
    with connection.cursor() as cur:
        cur.execute(
            f"INSERT INTO {EVENT_TABLE} (event_id, source_kind, source_id, recorded_at) VALUES (%s, %s, %s, %s) "
            "ON CONFLICT (event_id) DO NOTHING RETURNING id",
            [event_id, source.kind, source.id, connection.ops.adapt_datetimefield_value(timezone.now())],
        )
        row = cur.fetchone()
    return row[0] if row else None


def post_shares(reservations: list[ReservationRow], shares: dict[int, int], source: SourceRef,
                effective_date: date) -> int:
    """Post `shares` (reservation id -> units, each ≤ what is left, checked by domain.posting.shares) of
    locked open reservations: outbound ones move reserved → posted out, inbound ones incoming → posted in.
    A reservation whose last share posts ends `posted`. Entries name `source` (the passage) with the
    reserved line. Returns the entry count."""
    return _end(reservations, shares, source, effective_date, void=False)


def void(reservations: list[ReservationRow], source: SourceRef | None, effective_date: date) -> int:
    """Void what is left of every open reservation given (locked): it returns to the account and the
    reservation ends `voided`. Entries name `source` (default: each reservation's own source line)."""
    left = {r.id: r.remaining for r in reservations if r.remaining > 0}
    return _end(reservations, left, source, effective_date, void=True)


def _end(reservations: list[ReservationRow], amounts: dict[int, int], source: SourceRef | None,
         effective_date: date, *, void: bool) -> int:
    if not amounts:
        return 0
    deltas, entries, updates, now = _ending(reservations, amounts, source, void=void)
    table, params = _rows(_RESERVATION_END, updates)
    with connection.cursor() as cur:
        cur.execute(f"UPDATE {RESERVATION_TABLE} AS r SET posted = u.posted, voided = u.voided, state = u.state, "
                    f"ended_at = u.ended_at FROM {table} WHERE r.id = u.id AND r.state = 'open'", params)
        if cur.rowcount != len(updates):
            raise RuntimeError("a reservation ended under a lock")
    _lock_account_ids(sorted(deltas))  # the reservations are locked already; the accounts last
    _write(sorted((acc, *d) for acc, d in deltas.items()), entries, effective_date, now)
    return len(entries)


def _ending(reservations: list[ReservationRow], amounts: dict[int, int], source: SourceRef | None, *,
            void: bool) -> tuple[dict[int, list[int]], list[tuple], list[tuple], object]:
    """What posting (or voiding) `amounts` of locked reservations writes: balance deltas per account,
    entries, reservation updates (id, posted, voided, state, ended_at) and the time recorded."""
    by_id = {r.id: r for r in reservations}
    chosen = [by_id[i] for i in sorted(amounts)]
    deltas: dict[int, list[int]] = {}
    entries = []
    for r in chosen:
        amount = amounts[r.id]
        d = deltas.setdefault(r.account_id, [0, 0, 0])
        posted_delta = 0 if void else r.sign * amount
        reserved_delta = -amount if r.sign < 0 else 0
        incoming_delta = -amount if r.sign > 0 else 0
        d[0] += posted_delta
        d[1] += reserved_delta
        d[2] += incoming_delta
        src = source or SourceRef(r.source_kind, r.source_id)
        entries.append((r.account_id, EntryKind.VOID.value if void else EntryKind.POST.value, src.kind,
                        src.id, r.line, r.id, posted_delta, reserved_delta, incoming_delta))
    now = timezone.now()
    ended_at = connection.ops.adapt_datetimefield_value(now)
    updates = []
    for r in chosen:
        amount = amounts[r.id]
        if void:
            updates.append((r.id, r.posted, amount, ReservationState.VOIDED.value, ended_at))
        else:
            done = r.posted + amount == r.quantity
            updates.append((r.id, r.posted + amount, 0,
                            ReservationState.POSTED.value if done else ReservationState.OPEN.value,
                            ended_at if done else None))
    return deltas, entries, updates, now


def resize(reservations: list[ReservationRow], quantities: dict[int, int], keys: dict[int, AccountKey],
           effective_date: date) -> int:
    """变更 of a document none of whose reservations has posted a share: each locked open reservation of
    `quantities` (reservation id -> its new quantity in units) takes that quantity; its account's `reserved`
    (outbound) or `incoming` (inbound) moves by the difference, recorded by one more reserve entry of the
    reservation. What more an outbound one takes must be available (`check`, naming the line by `keys`:
    reservation id -> its account key). Returns the entry count."""
    by_id = {r.id: r for r in reservations}
    changed = sorted((pk, units - by_id[pk].quantity) for pk, units in quantities.items()
                     if units != by_id[pk].quantity)
    if not changed:
        return 0
    if any(by_id[pk].state != ReservationState.OPEN or by_id[pk].posted for pk, _ in changed):
        raise RuntimeError("only an open reservation of which nothing posted is resized")
    balances = _locked_balances(sorted({by_id[pk].account_id for pk, _ in changed}))
    # an outbound reservation draws on what is available; an inbound one (incoming) never counts as available
    moves = [Movement(by_id[pk].line, keys[pk], from_units(-diff)) for pk, diff in changed if by_id[pk].sign < 0]
    _, problems = check(moves, {keys[pk]: balances[by_id[pk].account_id] for pk, _ in changed}, reserve=True)
    if problems:
        raise DomainError(problems)
    table, params = _rows(_RESERVATION_SIZE, [(pk, quantities[pk]) for pk, _ in changed])
    with connection.cursor() as cur:
        cur.execute(f"UPDATE {RESERVATION_TABLE} AS r SET quantity = u.quantity FROM {table} "
                    "WHERE r.id = u.id AND r.state = 'open' AND r.posted = 0", params)
        if cur.rowcount != len(changed):
            raise RuntimeError("a reservation changed under a lock")
    deltas: dict[int, list[int]] = {}
    entries = []
    for pk, diff in changed:
        r = by_id[pk]
        reserved, incoming = (diff, 0) if r.sign < 0 else (0, diff)
        d = deltas.setdefault(r.account_id, [0, 0, 0])
        d[1] += reserved
        d[2] += incoming
        entries.append((r.account_id, EntryKind.RESERVE.value, r.source_kind, r.source_id, r.line, r.id, 0,
                        reserved, incoming))
    _write(sorted((acc, *d) for acc, d in deltas.items()), entries, effective_date, timezone.now())
    return len(entries)


def _locked_balances(account_ids: list[int]) -> dict[int, Balance]:
    """Accounts known by id, locked in the global key order (PostgreSQL), with their balances."""
    lock = " FOR UPDATE" if connection.vendor == "postgresql" else ""
    with connection.cursor() as cur:
        cur.execute(f"SELECT id, posted, reserved FROM {ACCOUNT_TABLE} WHERE id IN "
                    f"({', '.join(['%s'] * len(account_ids))}) " + _key_order() + lock, account_ids)
        return {pk: Balance(from_units(int(posted)), from_units(int(reserved))) for pk, posted, reserved in cur.fetchall()}


@dataclass(frozen=True)
class ListState:
    """The posting state a list's passage leaves (written only when it changes) and its audit row
    (core.audit.insert_parts)."""

    list_id: int
    posting_state: str | None
    audit: tuple[str, str, list]


def post_shares_folded(reservations: list[ReservationRow], shares: dict[int, int], source: SourceRef,
                       effective_date: date, event_id: str, event_source: SourceRef, state: ListState) -> bool:
    """PostgreSQL: claim_event, the list's state and audit row, then post_shares, as ONE statement (data-
    modifying CTEs), issued after the list and its reservations are locked: the accounts are locked by
    it in key order, just before the commit. Every write hangs on the event claim: False, and nothing
    written, when the event id was already used."""
    deltas, entries, updates, now = _ending(reservations, shares, source, void=False)
    moving = sorted((acc, *d) for acc, d in deltas.items() if any(d))
    end_table, end_params = _rows(_RESERVATION_END, updates)
    move_table, move_params = _rows(_BALANCE_MOVE, moving)
    entry_table, entry_params = _rows(_ENTRY_NEW, entries)
    audit_table, audit_values, audit_params = state.audit
    state_params = [state.posting_state, state.list_id] if state.posting_state else []
    with prepared_cursor() as cur:
        cur.execute(
            _folded_sql(bool(state.posting_state), audit_table, audit_values, end_table, move_table, entry_table),
            [event_id, event_source.kind, event_source.id, connection.ops.adapt_datetimefield_value(now),
             *state_params, *audit_params, *end_params, [d[0] for d in moving], *move_params,
             connection.ops.adapt_datefield_value(effective_date), connection.ops.adapt_datetimefield_value(now),
             *entry_params],
        )
        claimed, ended, moved = cur.fetchone()
    if claimed is None:
        return False
    if ended != len(updates) or moved != len(moving):
        raise RuntimeError("a reservation ended or a balance row changed under a lock")
    return True


@lru_cache(maxsize=8)
def _folded_sql(sets_state: bool, audit_table: str, audit_values: str, end_table: str, move_table: str,
                entry_table: str) -> str:
    state = ("st AS (UPDATE supervision_verificationlist SET posting_state = %s WHERE id = %s "
             "AND EXISTS (SELECT FROM ev)), ") if sets_state else ""
    return (
        f"WITH ev AS (INSERT INTO {EVENT_TABLE} (event_id, source_kind, source_id, recorded_at) "
        "VALUES (%s, %s, %s, %s) ON CONFLICT (event_id) DO NOTHING RETURNING id), "
        + state
        + f"au AS (INSERT INTO {audit_table} SELECT {audit_values} FROM ev), "
        f"rv AS (UPDATE {RESERVATION_TABLE} AS r SET posted = u.posted, voided = u.voided, state = u.state, "
        f"ended_at = u.ended_at FROM {end_table} WHERE r.id = u.id AND r.state = 'open' "
        "AND EXISTS (SELECT FROM ev) RETURNING r.id), "
        # the accounts are locked in key order before they are updated (the UPDATE alone takes no order)
        f"lk AS MATERIALIZED (SELECT id FROM {ACCOUNT_TABLE} WHERE id = ANY(%s::bigint[]) "
        "AND EXISTS (SELECT FROM ev) " + _key_order() + " FOR UPDATE), "
        f"ac AS (UPDATE {ACCOUNT_TABLE} AS a SET posted = a.posted + u.posted, reserved = a.reserved + u.reserved, "
        f"incoming = a.incoming + u.incoming FROM {move_table} JOIN lk ON lk.id = u.id WHERE a.id = u.id "
        "RETURNING a.id), "
        f"en AS (INSERT INTO {ENTRY_TABLE} ({_ENTRY_COLUMNS}) SELECT u.account_id, u.kind, u.source_kind, "
        f"u.source_id, u.source_line, u.reservation_id, u.posted, u.reserved, u.incoming, %s, %s FROM {entry_table} "
        "WHERE EXISTS (SELECT FROM ev)) "
        "SELECT (SELECT id FROM ev), (SELECT COUNT(*) FROM rv), (SELECT COUNT(*) FROM ac)"
    )


def _lock_account_ids(account_ids: list[int]) -> None:
    """Lock accounts known by id in the global key order (PostgreSQL; SQLite holds the write lock)."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cur:
        cur.execute(f"SELECT id FROM {ACCOUNT_TABLE} WHERE id = ANY(%s::bigint[]) " + _key_order() + " FOR UPDATE",
                    [account_ids])


# ---------------------------------------------------------------- writing
def _write_moves(moves: list[tuple[int, int, int]], source: SourceRef, effective_date: date, reserve: bool) -> None:
    """(account id, source line, signed units) per movement of one source document: direct postings move
    `posted`; reservations move `reserved` (outbound) or `incoming` (inbound) and open one reservation
    per movement."""
    deltas: dict[int, list[int]] = {}
    for acc_id, _, d in moves:
        if not d:
            continue
        acc = deltas.setdefault(acc_id, [0, 0, 0])
        if not reserve:
            acc[0] += d
        elif d < 0:
            acc[1] -= d
        else:
            acc[2] += d
    now = timezone.now()
    if not reserve:
        entries = [(acc_id, EntryKind.DIRECT.value, source.kind, source.id, line, None, d, 0, 0)
                   for acc_id, line, d in moves]
    else:
        ids = _open_reservations(moves, source, now)
        entries = [(acc_id, EntryKind.RESERVE.value, source.kind, source.id, line, ids[(acc_id, line)],
                    0, -d if d < 0 else 0, d if d > 0 else 0) for acc_id, line, d in moves]
    _write(sorted((acc, *d) for acc, d in deltas.items()), entries, effective_date, now)


def _open_reservations(moves: list[tuple[int, int, int]], source: SourceRef, now) -> dict[tuple[int, int], int]:
    table, params = _rows(_RESERVATION_NEW, [(acc_id, line, 1 if d > 0 else -1, abs(d)) for acc_id, line, d in moves])
    with connection.cursor() as cur:
        cur.execute(
            f"INSERT INTO {RESERVATION_TABLE} (account_id, source_kind, source_id, source_line, sign, quantity, "
            f"posted, voided, state, created_at) SELECT u.account_id, %s, %s, u.line, u.sign, u.quantity, 0, 0, "
            f"'open', %s FROM {table} RETURNING id, account_id, source_line",
            [source.kind, source.id, connection.ops.adapt_datetimefield_value(now), *params],
        )
        return {(acc_id, line): pk for pk, acc_id, line in cur.fetchall()}


# Statements of constant text (one array per column on PostgreSQL, one JSON array of rows on SQLite), so
# the driver converts and the server parses each once, whatever the number of rows.
_BALANCE_MOVE = (("id", "bigint"), ("posted", "bigint"), ("reserved", "bigint"), ("incoming", "bigint"))
_ENTRY_NEW = (("account_id", "bigint"), ("kind", "text"), ("source_kind", "text"), ("source_id", "bigint"),
              ("source_line", "bigint"), ("reservation_id", "bigint"), ("posted", "bigint"),
              ("reserved", "bigint"), ("incoming", "bigint"))
_RESERVATION_NEW = (("account_id", "bigint"), ("line", "bigint"), ("sign", "bigint"), ("quantity", "bigint"))
_RESERVATION_SIZE = (("id", "bigint"), ("quantity", "bigint"))
_RESERVATION_END = (("id", "bigint"), ("posted", "bigint"), ("voided", "bigint"), ("state", "text"),
                    ("ended_at", "timestamptz"))


@lru_cache(maxsize=16)
def _rows_sql(vendor: str, columns: tuple[tuple[str, str], ...]) -> str:
    if vendor == "postgresql":
        return f"jsonb_to_recordset(%s::jsonb) AS u({', '.join(f'{name} {kind}' for name, kind in columns)})"
    picks = ", ".join(f"json_extract(value, '$[{i}]') AS {name}" for i, (name, _) in enumerate(columns))
    return f"(SELECT {picks} FROM json_each(%s)) AS u"


def _rows(columns: tuple[tuple[str, str], ...], rows: list[tuple]) -> tuple[str, list]:
    """Rows of parameters as a relation `u` with the given columns, and its one parameter: JSON text, which
    the standard library writes far faster than psycopg adapts one array per column (PostgreSQL types each
    column by the relation's column list)."""
    sql = _rows_sql(connection.vendor, columns)
    if connection.vendor == "postgresql":
        names = [name for name, _ in columns]
        return sql, [json.dumps([dict(zip(names, row, strict=True)) for row in rows], default=_json_time)]
    return sql, [json.dumps(rows)]


def _json_time(value: object) -> str:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not a row value")


_ENTRY_COLUMNS = ("account_id, kind, source_kind, source_id, source_line, reservation_id, posted_delta, "
                  "reserved_delta, incoming_delta, effective_date, recorded_at")


def _write(deltas: list[tuple[int, int, int, int]], entries: list[tuple], effective_date: date, now) -> None:
    """Move the balances ((account id, posted, reserved, incoming) in units; ids sorted) by one set-based
    UPDATE and insert the entries ((account id, kind, source kind, source id, source line, reservation id,
    posted, reserved, incoming)) by one INSERT … SELECT."""
    moving = [d for d in deltas if any(d[1:])]
    with connection.cursor() as cur:
        if moving:
            table, params = _rows(_BALANCE_MOVE, moving)
            cur.execute(f"UPDATE {ACCOUNT_TABLE} AS a SET posted = a.posted + u.posted, "
                        f"reserved = a.reserved + u.reserved, incoming = a.incoming + u.incoming "
                        f"FROM {table} WHERE a.id = u.id", params)
            if cur.rowcount != len(moving):
                raise RuntimeError("balance rows changed under a lock")
        if entries:
            table, params = _rows(_ENTRY_NEW, entries)
            cur.execute(
                f"INSERT INTO {ENTRY_TABLE} ({_ENTRY_COLUMNS}) SELECT u.account_id, u.kind, u.source_kind, "
                f"u.source_id, u.source_line, u.reservation_id, u.posted, u.reserved, u.incoming, %s, %s FROM {table}",
                [connection.ops.adapt_datefield_value(effective_date), connection.ops.adapt_datetimefield_value(now),
                 *params],
            )
