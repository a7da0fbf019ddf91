"""How a document moves an account book (docs/domain-customs.md §2.7), as pure functions.

An account is (book item, goods status, unit). A document becomes signed movements (`Move`): a list's
direction gives each line's sign, a counter-list (reversal) carries the opposite sign, a status change
is two movements of one line. A set of movements is accepted whole or refused whole: every line that
would take an account below zero is reported with its shortfall.

Two-stage posting (预核扣 → 正式核扣): a reservation holds a movement until the goods pass. Outbound
reservations make stock unavailable at once; inbound ones never count as available before they are
posted (`check(..., reserve=True)`). A reservation is posted in shares (`shares`) or voided, once.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from bondzone.core.domain.errors import Problem, problem

ZERO = Decimal(0)


@dataclass(frozen=True)
class SourceRef:
    """The document an entry or reservation comes from: kind ("list", "passage", "production",
    "stocktake", "status"...), its id, and the line within it (0 when the document has none)."""

    kind: str
    id: int
    line: int = 0


@dataclass(frozen=True)
class Move:
    """One signed movement a document asks for: + into the book, − out of it. `unit` "" = the item's
    declared unit."""

    line: int
    item_no: int
    goods_status: str
    quantity: Decimal
    unit: str = ""


def status_change(line: int, item_no: int, quantity: Decimal, unit: str, from_status: str,
                  to_status: str) -> list[Move]:
    """A status change (bonded → duty-paid after a domestic sale, non-bonded ↔ bonded through 库门):
    one line, two movements of the same item."""
    return [Move(line, item_no, from_status, -quantity, unit), Move(line, item_no, to_status, quantity, unit)]


def list_moves(sign: int, lines: Iterable[tuple[int, int, str, Decimal, str, str]]) -> list[Move]:
    """A verification list's movements: (seq, item_no, goods status, quantity, unit, target status)
    per line; a line with a target status is a status change (two movements), else one movement with
    the list's sign."""
    out: list[Move] = []
    for seq, item_no, status, qty, unit, target in lines:
        if target:
            out += status_change(seq, item_no, qty, unit, status, target)
        else:
            out.append(Move(seq, item_no, status, qty * sign, unit))
    return out


@dataclass(frozen=True, order=True)
class AccountKey:
    item_no: int
    status: str
    unit: str


@dataclass(frozen=True)
class Balance:
    posted: Decimal = ZERO
    reserved: Decimal = ZERO

    @property
    def available(self) -> Decimal:
        return self.posted - self.reserved


@dataclass(frozen=True)
class Movement:
    line_seq: int
    key: AccountKey
    delta: Decimal  # signed


def movements(sign: int, lines: Iterable[tuple[int, AccountKey, Decimal]]) -> list[Movement]:
    """Signed movements for (line seq, account, positive quantity) triples."""
    return [Movement(seq, key, qty * sign) for seq, key, qty in lines]


def check(moves: list[Movement], balances: Mapping[AccountKey, Balance], *, reserve: bool = False,
          field: str = "lines") -> tuple[dict[AccountKey, Decimal], list[Problem]]:
    """Net delta per account, and a problem for every line that would overdraw its account.

    Lines are applied in order, so when two lines draw on one account the second is the one
    reported short. Reserved quantity is never available. With `reserve`, the movements are
    reservations: an inbound one adds nothing to what later lines may draw.
    """
    running: dict[AccountKey, Decimal] = {}
    net: dict[AccountKey, Decimal] = {}
    problems: list[Problem] = []
    for m in moves:
        available = running.get(m.key, balances.get(m.key, Balance()).available)
        after = available + m.delta
        if m.delta < 0 and after < 0:
            problems.append(
                problem(
                    f"{field}[{m.line_seq}].quantity",
                    "insufficient_stock",
                    line=m.line_seq,
                    item=m.key.item_no,
                    status=m.key.status,
                    unit=m.key.unit,
                    available=str(max(available, ZERO)),
                    required=str(-m.delta),
                    shortfall=str(-after if available >= 0 else -m.delta),
                )
            )
            # keep checking later lines against what is really there
            continue
        running[m.key] = available if reserve and m.delta > 0 else after
        net[m.key] = net.get(m.key, ZERO) + m.delta
    return net, problems


@dataclass(frozen=True)
class Draw:
    """One outbound movement and the quantity its account has for it at that point of the document."""

    line_seq: int
    key: AccountKey
    available: Decimal  # after the document's earlier lines
    required: Decimal

    @property
    def short(self) -> bool:
        return self.required > self.available


def draws(moves: list[Movement], balances: Mapping[AccountKey, Balance]) -> list[Draw]:
    """Every decrement of a document with what is available to it, by the rule of `check` (lines in
    order; a short line takes nothing), so a Draw is short exactly when `check` names its line. No
    `reserve` flag: only a status change moves both ways, and its increments count as `check` counts them
    without reservation."""
    running: dict[AccountKey, Decimal] = {}
    out: list[Draw] = []
    for m in moves:
        available = running.get(m.key, balances.get(m.key, Balance()).available)
        if m.delta < 0:
            out.append(Draw(m.line_seq, m.key, available, -m.delta))
            if available + m.delta < 0:
                continue
        running[m.key] = available + m.delta
    return out


def apply(balances: Mapping[AccountKey, Balance], net: Mapping[AccountKey, Decimal]) -> dict[AccountKey, Balance]:
    """New balances after a checked set of net deltas (used by the reference model and reports)."""
    out = dict(balances)
    for key, delta in net.items():
        old = out.get(key, Balance())
        out[key] = Balance(old.posted + delta, old.reserved)
    return out


def net_if_covered(moves: Iterable[tuple[Hashable, int]], available: Mapping[Hashable, int], *,
                   reserve: bool = False) -> dict[Hashable, int] | None:
    """`check` for the common case, on exact integers: (account, signed delta) pairs in line order and
    the available quantity per account (any exact numbers, e.g. integer units). Returns the net delta
    per account when no line overdraws its account, else None — then `check` names every short line.

    Same rule as `check` (lines in order, a decrement may not take the running available below zero),
    so when this returns a dict, `check` returns the same net and no problem."""
    running = dict(available)
    net: dict[Hashable, int] = {}
    for key, delta in moves:
        after = running.get(key, 0) + delta
        if delta < 0 and after < 0:
            return None
        if not (reserve and delta > 0):
            running[key] = after
        net[key] = net.get(key, 0) + delta
    return net


@dataclass(frozen=True)
class OpenReservation:
    """What a share decision needs of a reservation (quantities exact, e.g. integer units)."""

    id: int
    line: int
    remaining: int


def shares(open_: list[OpenReservation], requested: Mapping[int, int] | None,
           field: str = "shares") -> tuple[dict[int, int], list[Problem]]:
    """Reservation id -> share to post now. `requested`: line -> quantity (None = everything still
    reserved). A status change line holds two reservations (out of the old status, into the new): a share
    of the line is a share of each. A line with no open reservation, a share of zero or one above what is
    left is refused, naming the line."""
    by_line: dict[int, list[OpenReservation]] = {}
    for r in open_:
        by_line.setdefault(r.line, []).append(r)
    if requested is None:
        out = {r.id: r.remaining for r in open_ if r.remaining > 0}
        return out, ([] if out else [problem(field, "nothing_reserved")])
    out: dict[int, int] = {}
    problems: list[Problem] = []
    for line, qty in sorted(requested.items()):
        held = by_line.get(line)
        if not held:
            problems.append(problem(f"{field}[{line}]", "nothing_reserved_on_line", line=line))
        elif qty <= 0:
            problems.append(problem(f"{field}[{line}]", "quantity_not_positive", value=str(qty)))
        elif qty > (remaining := min(r.remaining for r in held)):
            problems.append(problem(f"{field}[{line}]", "share_exceeds_reserved", line=line, share=str(qty),
                                    remaining=str(remaining)))
        else:
            out.update((r.id, qty) for r in held)
    if not out and not problems:
        problems.append(problem(field, "nothing_reserved"))
    return out, problems


# 库门: a status change between these two is goods crossing a warehouse door between its bonded and
# non-bonded areas (seed 二(五) 库门管理, 保税与非保税货物分类管理)
DOOR_STATUSES = frozenset({"bonded", "non_bonded"})


def crosses_warehouse_door(lines: Iterable[tuple[str, str]]) -> bool:
    """(goods status, target status) per line: True when every line is a status change between bonded and
    non-bonded. Such a list reserves at approval and the door passage posts it (as the gate posts the
    lists a vehicle carries); other status changes (bonded → duty-paid after a sale) post at approval."""
    pairs = list(lines)
    return bool(pairs) and all(target and {status, target} == DOOR_STATUSES for status, target in pairs)
