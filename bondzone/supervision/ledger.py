"""Posting to the account book in the database: the one place that writes balances and entries.

Called inside a service's transaction. Accounts are locked in sorted key order (a deterministic lock
order, so concurrent postings cannot deadlock): by one SELECT … FOR UPDATE per chunk when they all exist,
else created-or-locked by one upsert per chunk; the pure
domain check decides; balances move by one set-based UPDATE per chunk and entries are inserted in
bulk. The CHECK constraint on the balance row is the last line of defence.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import connection
from django.utils import timezone

from bondzone.core.domain.errors import DomainError
from bondzone.core.domain.quantity import from_units, to_units

from .domain.posting import AccountKey, Balance, Movement, check

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
        rows = [
            (locked[(m.item_id, m.status, m.unit)][0], m.line_id, to_units(m.delta), 0, effective, recorded_at)
            for m in moves
        ]
        for chunk in _chunks(rows):
            values = ", ".join(["(%s, %s, %s, %s, %s, %s)"] * len(chunk))
            params = [v for row in chunk for v in row]
            cur.execute(
                f"INSERT INTO {ENTRY_TABLE} (account_id, line_id, posted_delta, reserved_delta, effective_date, recorded_at) "
                f"VALUES {values}",
                params,
            )
    return len(moves)
