"""Which date's rates apply, and effective-dated lookups (rate tables and exchange rates share them).

Rate date (关税法 2024, 第二十二条 ff., as applied by customs):
- an import declaration — general trade, domestic sale out of the zone (内销), a CBEC retail list
  (申报清单), a finance-lease rent declaration — uses the rates in force on the day the declaration is
  completed (完成申报之日);
- goods declared before arrival (先行申报) use the day the carrying means of transport declared entry;
- goods of a time-limited regime not returned by the deadline: the duty falls due the day after the
  deadline, and that day's rates apply (our rule where the regulation names no declaration).

Exchange rate (海关进出口货物征税管理办法 第十六条): the rate customs uses for a month is the PBOC central
parity of the third Wednesday of the previous month (the fourth Wednesday when the third is a public
holiday); a stored row is valid for its month, so the engine only asks "which row covers the rate date".
Converted values are rounded half up to 0.01 CNY.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Generic, TypeVar

from bondzone.core.domain.errors import Problem, problem

from .engine import to_fen

T = TypeVar("T")


class RateDateRule(StrEnum):
    DECLARATION = "declaration"  # general import, 内销, CBEC list, lease rent
    ADVANCE_DECLARATION = "advance_declaration"  # 先行申报: the transport's entry date
    REGIME_OVERDUE = "regime_overdue"  # not returned by the deadline: the day after


def rate_date(rule: RateDateRule, *, declared_on: date | None = None, entry_on: date | None = None,
              deadline: date | None = None) -> date:
    if rule == RateDateRule.ADVANCE_DECLARATION:
        if entry_on is None:
            raise ValueError("an advance declaration needs the transport's entry date")
        return entry_on
    if rule == RateDateRule.REGIME_OVERDUE:
        if deadline is None:
            raise ValueError("an overdue regime needs its deadline")
        return deadline + timedelta(days=1)
    if declared_on is None:
        raise ValueError("a declaration needs its date")
    return declared_on


def fixing_date(year: int, month: int, is_holiday: Callable[[date], bool] = lambda d: False) -> date:
    """The PBOC fixing that gives customs' rate for (year, month): third Wednesday of the month before,
    the fourth when the third is a public holiday."""
    prev = date(year, month, 1) - timedelta(days=1)
    first = prev.replace(day=1)
    first_wednesday = first + timedelta(days=(2 - first.weekday()) % 7)
    third = first_wednesday + timedelta(weeks=2)
    return third + timedelta(weeks=1) if is_holiday(third) else third


@dataclass(frozen=True)
class Dated(Generic[T]):
    """A value valid from `valid_from` to `valid_to` inclusive (None: open-ended)."""

    key: str
    valid_from: date
    valid_to: date | None
    value: T

    def covers(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


def in_force(rows: Iterable[Dated[T]], key: str, day: date) -> Dated[T] | None:
    for row in rows:
        if row.key == key and row.covers(day):
            return row
    return None


def check_periods(rows: Sequence[Dated], field: str = "valid_to") -> list[Problem]:
    """Each row's period is in order and no two rows of one key overlap (which rate would apply?)."""
    problems = []
    by_key: dict[str, list[tuple[int, Dated]]] = {}
    for i, row in enumerate(rows):
        if row.valid_to is not None and row.valid_to < row.valid_from:
            problems.append(problem(f"[{i}].{field}", "period_reversed", start=row.valid_from, end=row.valid_to))
            continue
        by_key.setdefault(row.key, []).append((i, row))
    for key, items in by_key.items():
        items.sort(key=lambda item: item[1].valid_from)
        latest = items[0][1]  # the row reaching furthest so far
        for j, b in items[1:]:
            if latest.valid_to is None or b.valid_from <= latest.valid_to:
                problems.append(problem(f"[{j}].valid_from", "period_overlap", key=key, start=b.valid_from,
                                        other_start=latest.valid_from, other_end=latest.valid_to or "…"))
            if latest.valid_to is not None and (b.valid_to is None or b.valid_to > latest.valid_to):
                latest = b
    return problems


@dataclass(frozen=True)
class FxRate:
    """CNY for `per` units of the currency (PBOC quotes some currencies, e.g. JPY, per 100)."""

    cny: Decimal
    per: int = 1


def convert(amount: Decimal, rate: FxRate) -> Decimal:
    return to_fen(amount * rate.cny / rate.per)
