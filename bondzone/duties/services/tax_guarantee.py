"""A guarantee covering taxes that fall due later (CBEC 1210: customs releases each order against the
withholding agent's tax guarantee, and the tax is paid in the periodic settlement — domain-customs.md §6.1,
GACC 2018 No. 194). These run inside the caller's transaction: the caller owns the audit row of its own
write; each move here is a guarantee entry naming what it is for."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from bondzone.core.domain.errors import DomainError, problem

from .. import selectors
from ..domain import guarantees as guarantee_rules
from ..models import Guarantee, GuaranteeEntry

ZERO = Decimal("0.00")


def charge_tax(*, enterprise_id: int, amount: Decimal, purpose: str, on: date, field: str = "guarantee") -> int:
    """Use `amount` of one guarantee of the enterprise in force on `on` with enough free amount (the oldest
    such, rows locked); refused naming the shortfall when none has enough. Returns the guarantee's id."""
    locked = list(selectors.tax_guarantees_in_force(enterprise_id, on).select_for_update().order_by("pk"))
    for g in locked:
        after, problems = guarantee_rules.use(guarantee_rules.Balance(g.amount, g.used, g.released), amount)
        if not problems:
            g.used = after.used
            g.save(update_fields=["used"])
            GuaranteeEntry.objects.create(guarantee=g, kind="use", amount=amount, purpose=purpose[:200])
            return g.pk
    best = max((g.free for g in locked), default=ZERO)
    raise DomainError(problem(field, "tax_guarantee_short", needed=amount, free=best, shortfall=amount - best))


def free_tax(*, guarantee_id: int, amount: Decimal, purpose: str) -> None:
    """Give back to the free amount a use made by `charge_tax` (tax not levied, or paid)."""
    g = Guarantee.objects.select_for_update().get(pk=guarantee_id)
    after, problems = guarantee_rules.free_use(guarantee_rules.Balance(g.amount, g.used, g.released), amount)
    if problems:
        raise DomainError(problems)
    g.used = after.used
    g.save(update_fields=["used"])
    GuaranteeEntry.objects.create(guarantee=g, kind="free", amount=amount, purpose=purpose[:200])
