"""Posting to the account book in the database: the one place that writes balances and entries.

Called inside a service's transaction. Accounts are locked in sorted key order (a deterministic lock
order, so concurrent postings cannot deadlock). `post_list` (approval, reversal) reads a list's lines
joined to their accounts and locks those accounts in one statement when they all exist; otherwise
(`post`, `lock_accounts`) they are locked by one SELECT … FOR UPDATE per chunk when they all exist, else
created-or-locked by one upsert per chunk, in the same key order. The rule of `domain.posting` decides
(on integer units, `net_if_covered`; `check` names the short lines); balances move by one set-based UPDATE
per chunk and entries are inserted in bulk. The CHECK constraint on the balance row is the last line of
defence.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from datetime import date
from decimal import Decimal

from django.db import connection
from django.utils import timezone

from bondzone.core.domain.errors import DomainError
from bondzone.core.domain.quantity import from_units, to_units

from .domain.posting import AccountKey, Balance, Movement, check, net_if_covered

CHUNK = 400  # rows per statement: keeps SQLite under its bound-parameter limit

ACCOUNT_TABLE = "supervision_stockaccount"
ENTRY_TABLE = "supervision_stockentry"


@dataclass(frozen=True)
class LineMove:
    line_id: int
    line_seq: int
    item_id: int
    item_no: int
    status: str
    unit: str
    delta: Decimal  # signed


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
    """The signed movements of a list's lines, in line order (one query, no ORM)."""
    with connection.cursor() as cur:
        cur.execute(
            "SELECT l.id, l.seq, l.item_id, i.item_no, l.goods_status, l.unit, l.quantity "
            "FROM supervision_verificationlistline l JOIN supervision_bookitem i ON i.id = l.item_id "
            "WHERE l.vlist_id = %s ORDER BY l.seq",
            [list_id],
        )
        return [LineMove(pk, seq, item_id, item_no, status, unit, from_units(int(qty)) * sign)
                for pk, seq, item_id, item_no, status, unit, qty in cur.fetchall()]


def _chunks(seq: Sequence, size: int = CHUNK):
    for i in range(0, len(seq), size):
        yield seq[i : i + size]


def lock_accounts(
    book_id: int, enterprise_id: int, zone_id: int, keys: list[tuple[int, str, str]]
) -> dict[tuple[int, str, str], tuple[int, int, int]]:
    """Create missing accounts and lock all of them, in key order. Returns key -> (id, posted, reserved) in units."""
    out: dict[tuple[int, str, str], tuple[int, int, int]] = {}
    ordered = sorted(set(keys))
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
                f"     AND (item_id, goods_status, unit) IN (VALUES {rows})) = %s "
                + (  # lock order = Python's sorted(keys): code-point order for the strings
                    'ORDER BY item_id, goods_status COLLATE "C", unit COLLATE "C" FOR UPDATE'
                    if connection.vendor == "postgresql" else "ORDER BY item_id, goods_status, unit"
                ),
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
            values = ", ".join(["(%s, %s, %s, %s, %s, %s, 0, 0)"] * len(chunk))
            params: list = []
            for item_id, status, unit in chunk:
                params += [book_id, item_id, status, unit, enterprise_id, zone_id]
            cur.execute(
                f"INSERT INTO {ACCOUNT_TABLE} (book_id, item_id, goods_status, unit, enterprise_id, zone_id, posted, reserved) "
                f"VALUES {values} "
                f"ON CONFLICT (book_id, item_id, goods_status, unit) DO UPDATE SET posted = {ACCOUNT_TABLE}.posted "
                f"RETURNING id, item_id, goods_status, unit, posted, reserved",
                params,
            )
            for acc_id, item_id, status, unit, posted, reserved in cur.fetchall():
                out[(item_id, status, unit)] = (acc_id, int(posted), int(reserved))
    return out


def post(*, book_id: int, enterprise_id: int, zone_id: int, moves: list[LineMove], effective_date: date) -> int:
    """Post signed movements all-or-nothing; raises DomainError naming every short line. Returns entry count."""
    if not moves:
        return 0
    locked = lock_accounts(book_id, enterprise_id, zone_id, [(m.item_id, m.status, m.unit) for m in moves])
    item_no_of = {m.item_id: m.item_no for m in moves}
    balances = {
        AccountKey(item_no_of[item_id], status, unit): Balance(from_units(posted), from_units(reserved))
        for (item_id, status, unit), (_, posted, reserved) in locked.items()
    }
    net, problems = check([Movement(m.line_seq, AccountKey(m.item_no, m.status, m.unit), m.delta) for m in moves], balances)
    if problems:
        raise DomainError(problems)

    by_item_no = {m.item_no: m.item_id for m in moves}
    deltas = sorted(
        (locked[(by_item_no[k.item_no], k.status, k.unit)][0], to_units(d)) for k, d in net.items() if d
    )
    entries = [(locked[(m.item_id, m.status, m.unit)][0], m.line_id, to_units(m.delta)) for m in moves]
    _write(deltas, entries, effective_date)
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
    select = "SELECT l.id, l.seq, l.item_id, l.goods_status, l.unit, l.quantity, a.id, a.posted, a.reserved "
    lines = "FROM supervision_verificationlistline l "
    on = (f"{ACCOUNT_TABLE} a ON a.book_id = %s AND a.item_id = l.item_id AND a.goods_status = l.goods_status "
          "AND a.unit = l.unit ")
    if vendor != "postgresql":
        return select + lines + "LEFT JOIN " + on + "WHERE l.vlist_id = %s ORDER BY l.seq"
    return (
        select + lines + "JOIN " + on
        + "WHERE l.vlist_id = %s AND NOT EXISTS ("
        "  SELECT 1 FROM supervision_verificationlistline m WHERE m.vlist_id = %s AND NOT EXISTS ("
        f"    SELECT 1 FROM {ACCOUNT_TABLE} b WHERE b.book_id = %s AND b.item_id = m.item_id"
        "     AND b.goods_status = m.goods_status AND b.unit = m.unit)) "
        # lock order = Python's sorted(keys), as in lock_accounts
        'ORDER BY a.item_id, a.goods_status COLLATE "C", a.unit COLLATE "C" FOR UPDATE OF a'
    )


def post_list(*, list_id: int, book_id: int, enterprise_id: int, zone_id: int, sign: int, effective_date: date) -> int:
    """Post every line of a list (sign +1 in, -1 out) all-or-nothing; raises DomainError naming every short
    line. Returns the entry count.

    Every posting after an account's first: ONE statement reads the lines with their accounts and locks
    the accounts in key order; the check runs on integer units (domain.posting.net_if_covered, the same
    rule as domain.posting.check, which is run to name the short lines when there are any); then one
    UPDATE of the balances and one INSERT of the entries. A list that opens an account goes through
    list_moves + post (upsert of the missing accounts, same lock order)."""
    with connection.cursor() as cur:
        params = [book_id, list_id, list_id, book_id] if connection.vendor == "postgresql" else [book_id, list_id]
        cur.execute(_lines_with_locked_accounts_sql(connection.vendor), params)
        rows = cur.fetchall()
    if not rows or any(r[6] is None for r in rows):  # an account to open (or no line at all)
        return post(book_id=book_id, enterprise_id=enterprise_id, zone_id=zone_id,
                    moves=list_moves(list_id, sign), effective_date=effective_date)
    rows.sort(key=lambda r: r[1])  # line order, for the check
    available = {r[6]: int(r[7]) - int(r[8]) for r in rows}
    moves = [(r[6], sign * int(r[5])) for r in rows]
    net = net_if_covered(moves, available)
    if net is None:
        _refuse_short_lines(rows, sign)
    _write(sorted((acc_id, d) for acc_id, d in net.items() if d),
           [(r[6], r[0], d) for r, (_, d) in zip(rows, moves, strict=True)], effective_date)
    return len(rows)


def _refuse_short_lines(rows: list[tuple], sign: int) -> None:
    """Some line overdraws: the pure check (on Decimals) names every short line (by item number, which
    only this path needs)."""
    with connection.cursor() as cur:
        item_ids = sorted({r[2] for r in rows})
        cur.execute(f"SELECT id, item_no FROM supervision_bookitem WHERE id IN ({', '.join(['%s'] * len(item_ids))})",
                    item_ids)
        item_no = dict(cur.fetchall())
    keys = {r[6]: AccountKey(item_no[r[2]], r[3], r[4]) for r in rows}
    balances = {keys[r[6]]: Balance(from_units(int(r[7])), from_units(int(r[8]))) for r in rows}
    _, problems = check([Movement(r[1], keys[r[6]], from_units(sign * int(r[5]))) for r in rows], balances)
    if not problems:
        raise AssertionError("net_if_covered and check disagree")
    raise DomainError(problems)


def _write(deltas: list[tuple[int, int]], entries: list[tuple[int, int, int]], effective_date: date) -> None:
    """Move the balances (account id, units; ids sorted) by one set-based UPDATE per chunk and insert the
    entries (account id, line id, units) by one multi-row INSERT per chunk."""
    recorded_at = connection.ops.adapt_datetimefield_value(timezone.now())
    effective = connection.ops.adapt_datefield_value(effective_date)
    with connection.cursor() as cur:
        for chunk in _chunks(deltas):
            case = " ".join(["WHEN %s THEN %s"] * len(chunk))
            ids = ", ".join(["%s"] * len(chunk))
            params: list = []
            for acc_id, d in chunk:
                params += [acc_id, d]
            params += [acc_id for acc_id, _ in chunk]
            cur.execute(
                f"UPDATE {ACCOUNT_TABLE} SET posted = posted + CASE id {case} END WHERE id IN ({ids})", params
            )
            if cur.rowcount != len(chunk):
                raise RuntimeError("balance rows changed under a lock")
        for chunk in _chunks(entries):
            values = ", ".join(["(%s, %s, %s, 0, %s, %s)"] * len(chunk))
            params = []
            for acc_id, line_id, d in chunk:
                params += [acc_id, line_id, d, effective, recorded_at]
            cur.execute(
                f"INSERT INTO {ENTRY_TABLE} (account_id, line_id, posted_delta, reserved_delta, effective_date, recorded_at) "
                f"VALUES {values}",
                params,
            )
