"""The duty engine: the single home of every import-tax formula (tariff, consumption tax, import VAT).

Formulas (V = dutiable value in CNY, q = quantity, t / s_t = tariff ad valorem / per unit,
c / s = consumption-tax ad valorem / per unit, v = VAT rate):

  tariff       T   = V·t + q·s_t                       (either part may be absent: ad valorem, specific, compound)
  CT           CT  = (V + T + q·s) / (1 − c) · c + q·s  (组成计税价格 composite-price base; specific: q·s)
  VAT          VAT = (V + T + CT) · v

Rounding: each tax is rounded half up to 0.01 CNY (分以下四舍五入) as soon as it is computed, and the
rounded amount enters the next base (T → CT → VAT). The composite price (组成计税价格) is not rounded:
only tax amounts are.

Thresholds: for one declaration (一票货物), each tax kind is summed over the lines and a sum of 50.00 CNY
or less is not collected (关税/增值税/消费税税额在人民币50元以下的 — “以下” includes 50 in Chinese
statutes). The waived tariff still counts in the VAT and CT bases (they are computed per line before the
declaration is summed). Cross-border retail (CBEC) has no threshold; see cbec.py.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from bondzone.core.domain.errors import Problem, problem
from bondzone.core.domain.inputs import hs_code_problem

ZERO = Decimal("0")
ONE = Decimal("1")
FEN = Decimal("0.01")
THRESHOLD = Decimal("50.00")



class TaxKind(StrEnum):
    TARIFF = "tariff"
    CONSUMPTION_TAX = "consumption_tax"
    VAT = "vat"


def to_fen(amount: Decimal) -> Decimal:
    """Round half up to 0.01 (分以下四舍五入)."""
    return amount.quantize(FEN, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Rate:
    """A tax rate: ad valorem (a fraction, 0.10 = 10 %), specific (CNY per unit), or both (compound)."""

    ad_valorem: Decimal | None = None
    specific: Decimal | None = None

    @property
    def is_zero(self) -> bool:
        return not self.ad_valorem and not self.specific

    def as_json(self) -> dict[str, str]:
        out = {}
        if self.ad_valorem is not None:
            out["ad_valorem"] = str(self.ad_valorem)
        if self.specific is not None:
            out["specific"] = str(self.specific)
        return out


NO_RATE = Rate()


@dataclass(frozen=True)
class Line:
    hs_code: str
    quantity: Decimal
    unit: str
    customs_value: Decimal  # CNY
    tariff: Rate
    consumption_tax: Rate
    vat_rate: Decimal


@dataclass(frozen=True)
class LineTaxes:
    line: Line
    tariff: Decimal
    consumption_tax: Decimal
    vat: Decimal

    @property
    def total(self) -> Decimal:
        return self.tariff + self.consumption_tax + self.vat

    def amount(self, kind: TaxKind) -> Decimal:
        return getattr(self, kind.value)


@dataclass(frozen=True)
class Quote:
    lines: tuple[LineTaxes, ...]
    totals: dict[TaxKind, Decimal]  # per tax kind, after the threshold
    computed: dict[TaxKind, Decimal]  # per tax kind, before the threshold
    waived: tuple[TaxKind, ...]  # kinds not collected under the 50-yuan threshold

    @property
    def total(self) -> Decimal:
        return sum(self.totals.values(), ZERO)


def tariff(value: Decimal, quantity: Decimal, rate: Rate) -> Decimal:
    amount = ZERO
    if rate.ad_valorem:
        amount += value * rate.ad_valorem
    if rate.specific:
        amount += quantity * rate.specific
    return to_fen(amount)


def consumption_tax(value: Decimal, tariff_amount: Decimal, quantity: Decimal, rate: Rate) -> Decimal:
    specific = quantity * rate.specific if rate.specific else ZERO
    amount = specific
    if rate.ad_valorem:
        composite = (value + tariff_amount + specific) / (ONE - rate.ad_valorem)
        amount += composite * rate.ad_valorem
    return to_fen(amount)


def vat(value: Decimal, tariff_amount: Decimal, ct_amount: Decimal, vat_rate: Decimal) -> Decimal:
    return to_fen((value + tariff_amount + ct_amount) * vat_rate)


def line_taxes(line: Line, *, with_tariff: bool = True) -> LineTaxes:
    """Statutory taxes of one line; `with_tariff=False` computes with a 0 % tariff (CBEC within limits)."""
    t = tariff(line.customs_value, line.quantity, line.tariff) if with_tariff else ZERO
    ct = consumption_tax(line.customs_value, t, line.quantity, line.consumption_tax)
    return LineTaxes(line, t, ct, vat(line.customs_value, t, ct, line.vat_rate))


def sum_kinds(lines: Iterable[LineTaxes]) -> dict[TaxKind, Decimal]:
    totals = {kind: ZERO for kind in TaxKind}
    for lt in lines:
        for kind in TaxKind:
            totals[kind] += lt.amount(kind)
    return totals


def declaration(lines: Iterable[Line], *, threshold: bool = True) -> Quote:
    """Taxes of one declaration (一票货物) at general rates, with the 50-yuan threshold per tax kind."""
    taxed = tuple(line_taxes(line) for line in lines)
    computed = sum_kinds(taxed)
    waived = tuple(k for k in TaxKind if threshold and ZERO < computed[k] <= THRESHOLD)
    totals = {k: (ZERO if k in waived else computed[k]) for k in TaxKind}
    return Quote(taxed, totals, computed, waived)


# --- validation of one line's figures (the parser in quote_io.py and the rate tables use it) ---

def check_rate(rate: Rate, field: str, problems: list[Problem], *, below_one: bool = False) -> None:
    if rate.ad_valorem is not None:
        if rate.ad_valorem < 0:
            problems.append(problem(f"{field}.ad_valorem", "rate_negative", value=rate.ad_valorem))
        elif rate.ad_valorem > 1 or (below_one and rate.ad_valorem >= 1):
            problems.append(problem(f"{field}.ad_valorem", "rate_too_high", value=rate.ad_valorem))
    if rate.specific is not None and rate.specific < 0:
        problems.append(problem(f"{field}.specific", "rate_negative", value=rate.specific))


def check_hs_code(value: str, field: str, problems: list[Problem]) -> None:
    found = hs_code_problem(value or "", field)
    if found:
        problems.append(found)


def check_line(field: str, problems: list[Problem], *, hs_code: str, quantity: Decimal | None,
               value: Decimal | None, tariff: Rate | None, consumption_tax: Rate | None,
               vat_rate: Decimal | None, value_field: str = "customs_value") -> None:
    """Problems of one line's figures; a figure that is None (missing or unparsable) is skipped."""
    check_hs_code(hs_code, f"{field}.hs_code", problems)
    for name, amount in (("quantity", quantity), (value_field, value)):
        if amount is not None and amount < 0:
            problems.append(problem(f"{field}.{name}", "amount_negative", value=amount))
    if tariff is not None:
        check_rate(tariff, f"{field}.tariff", problems)
    if consumption_tax is not None:
        check_rate(consumption_tax, f"{field}.consumption_tax", problems, below_one=True)
    if vat_rate is not None and vat_rate < 0:
        problems.append(problem(f"{field}.vat_rate", "rate_negative", value=vat_rate))
    elif vat_rate is not None and vat_rate > 1:
        problems.append(problem(f"{field}.vat_rate", "rate_too_high", value=vat_rate))
