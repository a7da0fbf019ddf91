"""Cross-border e-commerce retail import (跨境电商零售进口, bonded mode 1210): limits and tax treatment.

财关税〔2016〕18号 as amended by 财关税〔2018〕49号:
- within the limits (one transaction ≤ 5 000.00 CNY, the buyer's calendar-year total ≤ 26 000.00 including
  this order): tariff rate 0 %, import VAT and consumption tax at 70 % of the statutory amount, no 50-yuan
  exemption (取消免征税额);
- an order of exactly one item (订单下仅一件商品) whose dutiable price exceeds 5 000 but is below 26 000
  (低于26000元) may still come through CBEC when the annual total stays within 26 000: tariff, VAT and CT
  in full at general rates, counted toward the annual total;
- anything else over a limit is refused (it must go through general trade).

Statutory amounts are computed by the engine with a 0 % tariff; the 70 % is applied to each rounded
statutory amount and rounded again (VAT's base holds the full statutory CT, as the law computes it).
Returns (海关总署公告2020年第45号): applied within 30 days of release and goods back within 45 days of
release → the tax is not levied and the annual total is restored.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum

from bondzone.core.domain.errors import Problem, problem

from .engine import ZERO, Line, LineTaxes, Quote, declaration, line_taxes, sum_kinds, to_fen

SINGLE_LIMIT = Decimal("5000.00")
ANNUAL_LIMIT = Decimal("26000.00")
SHARE = Decimal("0.7")
RETURN_APPLY_DAYS = 30
RETURN_BACK_DAYS = 45


class Treatment(StrEnum):
    WITHIN_LIMITS = "within_limits"  # tariff 0, VAT and CT at 70 %
    SINGLE_ITEM_FULL = "single_item_full"  # one item over 5 000: general rates in full, counted


@dataclass(frozen=True)
class CbecQuote:
    treatment: Treatment
    quote: Quote
    order_value: Decimal
    annual_before: Decimal
    annual_after: Decimal


def order_value(lines: Sequence[Line]) -> Decimal:
    """The transaction's dutiable price: retail price + freight + insurance, as the lines carry it."""
    return sum((line.customs_value for line in lines), ZERO)


def is_single_item(lines: Sequence[Line]) -> bool:
    return len(lines) == 1 and lines[0].quantity == 1


def assess(lines: Sequence[Line], annual_used: Decimal) -> tuple[CbecQuote | None, list[Problem]]:
    """The tax on one CBEC order given the buyer's total so far this calendar year, or why it is refused."""
    value = order_value(lines)
    after = annual_used + value
    if after > ANNUAL_LIMIT:
        return None, [problem("cbec", "cbec_annual_limit", value=value, used=annual_used, limit=ANNUAL_LIMIT)]
    if value <= SINGLE_LIMIT:
        taxed = tuple(_within_limits(line) for line in lines)
        totals = sum_kinds(taxed)
        quote = Quote(taxed, totals, totals, ())
        return CbecQuote(Treatment.WITHIN_LIMITS, quote, value, annual_used, after), []
    if not is_single_item(lines):
        return None, [problem("cbec", "cbec_single_limit", value=value, limit=SINGLE_LIMIT)]
    if value >= ANNUAL_LIMIT:
        return None, [problem("cbec", "cbec_item_over_annual", value=value, limit=ANNUAL_LIMIT)]
    quote = declaration(lines, threshold=False)
    return CbecQuote(Treatment.SINGLE_ITEM_FULL, quote, value, annual_used, after), []


def _within_limits(line: Line) -> LineTaxes:
    statutory = line_taxes(line, with_tariff=False)
    return LineTaxes(line, ZERO, to_fen(statutory.consumption_tax * SHARE), to_fen(statutory.vat * SHARE))


def year_total(orders: Sequence[tuple[date, Decimal]], year: int) -> Decimal:
    """The buyer's counted total of a calendar year from (order date, counted value) pairs."""
    return sum((value for day, value in orders if day.year == year), ZERO)


def check_return(released_on: date, applied_on: date, back_on: date | None) -> list[Problem]:
    """A return is tax-free and restores the annual total only inside both windows."""
    problems = []
    if applied_on < released_on:
        problems.append(problem("applied_on", "return_before_release", value=applied_on, released=released_on))
    elif applied_on > released_on + timedelta(days=RETURN_APPLY_DAYS):
        problems.append(problem("applied_on", "return_apply_late", value=applied_on, days=RETURN_APPLY_DAYS,
                                deadline=released_on + timedelta(days=RETURN_APPLY_DAYS)))
    if back_on is not None:
        if back_on < applied_on:
            problems.append(problem("back_on", "return_back_before_apply", value=back_on))
        elif back_on > released_on + timedelta(days=RETURN_BACK_DAYS):
            problems.append(problem("back_on", "return_back_late", value=back_on, days=RETURN_BACK_DAYS,
                                    deadline=released_on + timedelta(days=RETURN_BACK_DAYS)))
    return problems

