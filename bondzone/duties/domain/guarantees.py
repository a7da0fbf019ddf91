"""Customs guarantees (海关事务担保: 保证金 deposit, 保函 bank guarantee, 总担保 general guarantee).

A guarantee of `amount` is partly `used` (covering taxes or regimes now) and partly `released` (given
back to the enterprise); the rest is free. A use larger than the free amount is refused, naming the
shortfall; freeing a use or releasing more than is there is refused too. Amounts are Decimal to 0.01.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from bondzone.core.domain.errors import Problem, problem

from .engine import ZERO


@dataclass(frozen=True)
class Balance:
    amount: Decimal
    used: Decimal
    released: Decimal

    @property
    def free(self) -> Decimal:
        return self.amount - self.used - self.released


def positive(value: Decimal, field: str) -> list[Problem]:
    if value <= ZERO:
        return [problem(field, "amount_not_positive", value=value)]
    if value != value.quantize(Decimal("0.01")):
        return [problem(field, "too_many_decimals", value=value, scale=2)]
    return []


def use(balance: Balance, value: Decimal) -> tuple[Balance | None, list[Problem]]:
    problems = positive(value, "amount")
    if not problems and value > balance.free:
        problems.append(problem("amount", "guarantee_short", needed=value, free=balance.free,
                                shortfall=value - balance.free))
    return (None, problems) if problems else (Balance(balance.amount, balance.used + value, balance.released), [])


def free_use(balance: Balance, value: Decimal) -> tuple[Balance | None, list[Problem]]:
    problems = positive(value, "amount")
    if not problems and value > balance.used:
        problems.append(problem("amount", "guarantee_not_used", value=value, used=balance.used))
    return (None, problems) if problems else (Balance(balance.amount, balance.used - value, balance.released), [])


def release(balance: Balance, value: Decimal) -> tuple[Balance | None, list[Problem]]:
    problems = positive(value, "amount")
    if not problems and value > balance.free:
        problems.append(problem("amount", "guarantee_short", needed=value, free=balance.free,
                                shortfall=value - balance.free))
    return (None, problems) if problems else (Balance(balance.amount, balance.used, balance.released + value), [])


def lodged_validity(valid_to: date | None, today: date) -> list[Problem]:
    """A guarantee lodged today covers nothing if its validity has already ended (no end date: open-ended)."""
    if valid_to is not None and valid_to < today:
        return [problem("valid_to", "guarantee_already_ended", value=valid_to, today=today)]
    return []


GIVEN_BACK, EXPIRED, USED_UP, IN_FORCE = "given_back", "expired", "used_up", "in_force"


def status(balance: Balance, valid_to: date | None, today: date) -> str:
    """Where a guarantee stands: all given back, past its validity, nothing free, or in force."""
    if balance.released == balance.amount:
        return GIVEN_BACK
    if valid_to is not None and valid_to < today:
        return EXPIRED
    if balance.free == ZERO:
        return USED_UP
    return IN_FORCE
