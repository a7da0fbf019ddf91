"""Domestic sale out of the zone (内销) on both bases, and the tax bill (税款缴款书) it leads to.

Two quotations of the same finished goods, side by side (domain-customs.md §5.1, §5.2, worked example D):

- **goods** (实际状态): tariff, consumption tax and VAT on the goods as they leave the zone — the engine's
  ordinary declaration;
- **materials** (选择性征收关税, 对应进口料件): the tariff is the sum of each consumed imported material's
  tariff (value × its rate, each rounded to 0.01 as computed); consumption tax and VAT stay on the finished
  goods, their base taking that materials tariff in place of the goods' tariff; plus deferred-tax interest
  (缓税利息) on the materials tariff: I = T_m × days × r ÷ 360 (海关总署公告2009年第13号), rounded to 0.01.

The 50-yuan threshold applies per declaration and tax kind on both bases. Whether it also waives the
interest is unconfirmed in the notes: `interest_threshold` decides (default: no — interest is charged
as computed). The cheaper basis is the one with the smaller total including interest; a tie is the goods
basis (no interest period to prove).

Only goods produced or processed in the zone (finished goods with a BOM) may use the materials basis;
goods merely stored or traded are taxed as they are.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from bondzone.core.domain.workdays import WorkCalendar, is_workday

from .engine import THRESHOLD, ZERO, Line, Rate, TaxKind, consumption_tax, declaration, tariff, to_fen, vat

GOODS = "goods"
MATERIALS = "materials"
BASES = (GOODS, MATERIALS)
DAYS_IN_YEAR = Decimal(360)
PAYMENT_DAYS = 15  # 缴款期限: 15 days from the issue of the tax payment notice (海关法 Art. 60; 总署公告2022年第61号)
SURCHARGE_RATE = Decimal("0.0005")  # 滞纳金: 万分之五 per day of the unpaid tax
DEMAND_RATE = Decimal("0.0035")  # PBOC demand-deposit rate since 2015-10 (notes §5.3 D); settings may override


@dataclass(frozen=True)
class Material:
    """One imported material consumed by a finished line (quantity through the BOM's 单耗)."""

    item_no: int
    hs_code: str
    quantity: Decimal
    unit: str
    customs_value: Decimal  # CNY
    tariff: Rate


@dataclass(frozen=True)
class MaterialTaxes:
    material: Material
    tariff: Decimal


@dataclass(frozen=True)
class BasisLine:
    line: Line
    tariff: Decimal
    consumption_tax: Decimal
    vat: Decimal
    materials: tuple[MaterialTaxes, ...] = ()

    @property
    def total(self) -> Decimal:
        return self.tariff + self.consumption_tax + self.vat


@dataclass(frozen=True)
class Basis:
    name: str
    lines: tuple[BasisLine, ...]
    totals: dict[TaxKind, Decimal]  # after the threshold
    computed: dict[TaxKind, Decimal]
    waived: tuple[TaxKind, ...]
    interest: Decimal = ZERO
    interest_days: int = 0

    @property
    def taxes(self) -> Decimal:
        return sum(self.totals.values(), ZERO)

    @property
    def total(self) -> Decimal:
        return self.taxes + self.interest


def _threshold(computed: dict[TaxKind, Decimal]) -> tuple[dict[TaxKind, Decimal], tuple[TaxKind, ...]]:
    waived = tuple(k for k in TaxKind if ZERO < computed[k] <= THRESHOLD)
    return {k: (ZERO if k in waived else computed[k]) for k in TaxKind}, waived


def goods_basis(lines: Sequence[Line]) -> Basis:
    q = declaration(lines)
    return Basis(GOODS, tuple(BasisLine(lt.line, lt.tariff, lt.consumption_tax, lt.vat) for lt in q.lines),
                 q.totals, q.computed, q.waived)


def interest(amount: Decimal, days: int, rate: Decimal) -> Decimal:
    """缓税利息 = tax × days × rate ÷ 360, rounded half up to 0.01."""
    if amount <= 0 or days <= 0:
        return ZERO
    return to_fen(amount * days * rate / DAYS_IN_YEAR)


def interest_days(since: date, until: date) -> int:
    """Days of the interest period: from the first import (or the write-off period's start) to the day
    the domestic-sale declaration is accepted (the start day not counted)."""
    return max((until - since).days, 0)


def materials_basis(lines: Sequence[Line], materials: Sequence[Sequence[Material]], *, days: int,
                    rate: Decimal = DEMAND_RATE, interest_threshold: bool = False) -> Basis:
    """Selective tariff: per finished line, the tariff of the materials it consumed; CT and VAT on the
    finished goods with that tariff in their base; interest on the materials tariff after the threshold."""
    out = []
    for line, mats in zip(lines, materials, strict=True):
        taxed = tuple(MaterialTaxes(m, tariff(m.customs_value, m.quantity, m.tariff)) for m in mats)
        t = sum((m.tariff for m in taxed), ZERO)
        ct = consumption_tax(line.customs_value, t, line.quantity, line.consumption_tax)
        out.append(BasisLine(line, t, ct, vat(line.customs_value, t, ct, line.vat_rate), taxed))
    computed = {k: sum((getattr(bl, k.value) for bl in out), ZERO) for k in TaxKind}
    totals, waived = _threshold(computed)
    i = interest(totals[TaxKind.TARIFF], days, rate)
    if interest_threshold and i <= THRESHOLD:
        i = ZERO
    return Basis(MATERIALS, tuple(out), totals, computed, waived, i, days)


def cheaper(goods: Basis, materials: Basis | None) -> str:
    if materials is not None and materials.total < goods.total:
        return MATERIALS
    return GOODS


def statutory_due_date(issued: date) -> date:
    """The 15th day after the tax bill's issue (the issue day not counted)."""
    return issued + timedelta(days=PAYMENT_DAYS)


def due_date(issued: date, calendar: WorkCalendar) -> date:
    """缴款期限: 15 days from the issue of the tax bill; a last day that is a rest day or public holiday moves
    to the next working day of the official calendar (调休 make-up days count as working days). Raises
    workdays.CalendarMissing when the calendar does not know the year."""
    due = statutory_due_date(issued)
    while not is_workday(calendar, due, field="due_on"):
        due += timedelta(days=1)
    return due


def late_days(due: date, paid_on: date) -> int:
    """Days the tax is late: from the day after the deadline to the day it is paid, both counted — natural
    days, rest days and holidays inside the period included (only the deadline moves)."""
    return max((paid_on - due).days, 0)


def surcharge_base(tariff: Decimal, consumption_tax: Decimal, vat: Decimal) -> Decimal:
    """滞纳税款: the taxes left unpaid (tariff, consumption tax, VAT); the deferred-tax interest is not a tax."""
    return tariff + consumption_tax + vat


def late_surcharge(unpaid: Decimal, days_late: int) -> Decimal:
    """滞纳金 = unpaid tax × 0.05 % × days late, rounded half up to 0.01; its 起征点 is 50 yuan: an amount
    below 50.00 is not collected, 50.00 is."""
    if unpaid <= 0 or days_late <= 0:
        return ZERO
    s = to_fen(unpaid * SURCHARGE_RATE * days_late)
    return ZERO if s < THRESHOLD else s


def _money(v: Decimal) -> str:
    return str(v.quantize(Decimal("0.01")))


def render_basis(b: Basis) -> dict:
    """The JSON form stored with a request and shown side by side."""
    return {
        "basis": b.name,
        "lines": [{
            "hs_code": bl.line.hs_code, "quantity": str(bl.line.quantity), "unit": bl.line.unit,
            "customs_value": _money(bl.line.customs_value), "tariff_rate": bl.line.tariff.as_json(),
            "consumption_tax_rate": bl.line.consumption_tax.as_json(), "vat_rate": str(bl.line.vat_rate),
            "tariff": _money(bl.tariff), "consumption_tax": _money(bl.consumption_tax), "vat": _money(bl.vat),
            "total": _money(bl.total),
            "materials": [{"item_no": m.material.item_no, "hs_code": m.material.hs_code,
                           "quantity": str(m.material.quantity), "unit": m.material.unit,
                           "customs_value": _money(m.material.customs_value),
                           "tariff_rate": m.material.tariff.as_json(), "tariff": _money(m.tariff)}
                          for m in bl.materials],
        } for bl in b.lines],
        "totals": {**{k.value: _money(b.totals[k]) for k in TaxKind}, "taxes": _money(b.taxes),
                   "interest": _money(b.interest), "total": _money(b.total)},
        "computed": {k.value: _money(b.computed[k]) for k in TaxKind},
        "waived": [k.value for k in b.waived],
        "interest_days": b.interest_days,
    }


def bill_sections(chosen: dict) -> list[tuple[str, list[dict], str]]:
    """The tax bill's layout: one section per tax kind collected (税款缴款书 are issued per tax kind),
    each with its lines (HS code, value, rate, amount) and the kind's total; interest as its own section."""
    sections = []
    for kind in TaxKind:
        total = Decimal(chosen["totals"][kind.value])
        if total <= 0:
            continue
        rows = [{"hs_code": ln["hs_code"], "quantity": ln["quantity"], "unit": ln["unit"],
                 "customs_value": ln["customs_value"], "rate": _rate_text(ln, kind), "amount": ln[kind.value]}
                for ln in chosen["lines"] if Decimal(ln[kind.value]) > 0]
        sections.append((kind.value, rows, _money(total)))
    if Decimal(chosen["totals"].get("interest", "0")) > 0:
        sections.append(("interest", [], chosen["totals"]["interest"]))
    return sections


def _rate_text(ln: dict, kind: TaxKind) -> str:
    if kind is TaxKind.VAT:
        return ln["vat_rate"]
    rate = ln["tariff_rate" if kind is TaxKind.TARIFF else "consumption_tax_rate"]
    if kind is TaxKind.TARIFF and ln.get("materials"):
        return "BOM"
    return " + ".join(f"{v}{'/unit' if k == 'specific' else ''}" for k, v in rate.items())


def bill_total(sections: Iterable[tuple[str, list[dict], str]]) -> Decimal:
    return sum((Decimal(t) for _, _, t in sections), ZERO)


# customs currency codes (as book items carry them) → the ISO code of the exchange-rate table
CUSTOMS_CURRENCY = {"142": "CNY", "502": "USD", "300": "EUR", "116": "JPY", "303": "GBP", "110": "HKD"}
