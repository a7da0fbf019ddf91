"""How a verification list moves an account book (docs/domain-customs.md §2.7).

An account is (book item, goods status, unit). A list's direction gives each line's sign; a
counter-list (reversal) carries the opposite sign. A set of movements is accepted whole or refused
whole: every line that would take an account below zero is reported with its shortfall.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from bondzone.core.domain.errors import Problem, problem

ZERO = Decimal(0)


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


def check(moves: list[Movement], balances: Mapping[AccountKey, Balance]) -> tuple[dict[AccountKey, Decimal], list[Problem]]:
    """Net delta per account, and a problem for every line that would overdraw its account.

    Lines are applied in order, so when two lines draw on one account the second is the one
    reported short. Reserved quantity is never available.
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
                    f"lines[{m.line_seq}].quantity",
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
        running[m.key] = after
        net[m.key] = net.get(m.key, ZERO) + m.delta
    return net, problems


def apply(balances: Mapping[AccountKey, Balance], net: Mapping[AccountKey, Decimal]) -> dict[AccountKey, Balance]:
    """New balances after a checked set of net deltas (used by the reference model and reports)."""
    out = dict(balances)
    for key, delta in net.items():
        old = out.get(key, Balance())
        out[key] = Balance(old.posted + delta, old.reserved)
    return out


def net_if_covered(moves: Iterable[tuple[Hashable, int]], available: Mapping[Hashable, int]) -> dict[Hashable, int] | None:
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
        running[key] = after
        net[key] = net.get(key, 0) + delta
    return net
