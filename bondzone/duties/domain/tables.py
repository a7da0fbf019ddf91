"""Rate-table and exchange-rate rows as they come from a file (CSV / XLSX / JSON cells), validated.

Tax-rate file columns: kind, hs_code, origin, ad_valorem, specific, valid_from, valid_to, source
  kind ∈ mfn | provisional | agreement | consumption_tax | vat; origin (ISO country) only, and required,
  for agreement rates; at least one of ad_valorem / specific (VAT: ad_valorem only).
Exchange-rate file columns: currency, cny, per, valid_from, valid_to, source
Rows of one key (kind + code + origin; currency) must not overlap, in the file or with stored rows.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from bondzone.core.domain.errors import Problem, problem
from bondzone.core.domain.inputs import collect_date, collect_decimal

from .dated import Dated, FxRate, check_periods
from .engine import Rate, check_hs_code, check_rate

RATE_KINDS = ("mfn", "provisional", "agreement", "consumption_tax", "vat")
TARIFF_KINDS = ("mfn", "provisional", "agreement")
RATE_COLUMNS = ("kind", "hs_code", "origin", "ad_valorem", "specific", "valid_from", "valid_to", "source")
FX_COLUMNS = ("currency", "cny", "per", "valid_from", "valid_to", "source")
RATE_REQUIRED = ["kind", "hs_code", "valid_from"]
FX_REQUIRED = ["currency", "cny", "valid_from"]
MAX_FILE_BYTES = 20 * 1024 * 1024  # a whole national tariff as XLSX
_ORIGIN = re.compile(r"[A-Z]{2,3}")
_CURRENCY = re.compile(r"[A-Z]{3}")


@dataclass(frozen=True)
class RateRow:
    kind: str
    hs_code: str
    origin: str
    rate: Rate
    valid_from: date
    valid_to: date | None
    source: str

    @property
    def key(self) -> str:
        return rate_key(self.kind, self.hs_code, self.origin)


@dataclass(frozen=True)
class FxRow:
    currency: str
    rate: FxRate
    valid_from: date
    valid_to: date | None
    source: str


def rate_key(kind: str, hs_code: str, origin: str) -> str:
    return f"{kind} {hs_code}{' ' + origin if origin else ''}"


def _text(row: Mapping, name: str) -> str:
    value = row.get(name)
    return "" if value is None else str(value).strip()


def _period(row: Mapping, problems: list[Problem]) -> tuple[date | None, date | None]:
    start = collect_date(row.get("valid_from"), "valid_from", problems)
    if start is None and not any(p.field == "valid_from" for p in problems):
        problems.append(problem("valid_from", "required"))
    return start, collect_date(row.get("valid_to"), "valid_to", problems)


def parse_rate_row(row: Mapping) -> tuple[RateRow | None, list[Problem]]:
    problems: list[Problem] = []
    kind = _text(row, "kind").lower()
    if kind not in RATE_KINDS:
        problems.append(problem("kind", "bad_choice", value=kind, choices=", ".join(RATE_KINDS)))
    hs_code = _text(row, "hs_code")
    check_hs_code(hs_code, "hs_code", problems)
    origin = _text(row, "origin").upper()
    if kind == "agreement" and not _ORIGIN.fullmatch(origin):
        problems.append(problem("origin", "origin_required", value=origin))
    elif kind != "agreement" and origin:
        problems.append(problem("origin", "origin_only_for_agreement", value=origin))
    rate = Rate(collect_decimal(row.get("ad_valorem"), "ad_valorem", problems),
                collect_decimal(row.get("specific"), "specific", problems))
    check_rate(rate, "rate", problems, below_one=kind == "consumption_tax")
    if rate.ad_valorem is None and rate.specific is None and not any(
            p.field in ("ad_valorem", "specific") for p in problems):
        problems.append(problem("ad_valorem", "rate_missing"))
    if kind == "vat" and rate.specific is not None:
        problems.append(problem("specific", "vat_is_ad_valorem"))
    start, end = _period(row, problems)
    if problems:
        return None, problems
    return RateRow(kind, hs_code, origin, rate, start, end, _text(row, "source")[:200]), []


def parse_fx_row(row: Mapping) -> tuple[FxRow | None, list[Problem]]:
    problems: list[Problem] = []
    currency = _text(row, "currency").upper()
    if not _CURRENCY.fullmatch(currency) or currency == "CNY":
        problems.append(problem("currency", "bad_currency", value=currency))
    cny = collect_decimal(row.get("cny"), "cny", problems, required=True)
    if cny is not None and cny <= 0:
        problems.append(problem("cny", "fx_not_positive", value=cny))
    per_raw = _text(row, "per") or "1"
    if per_raw not in ("1", "100"):
        problems.append(problem("per", "bad_choice", value=per_raw, choices="1, 100"))
    start, end = _period(row, problems)
    if problems:
        return None, problems
    return FxRow(currency, FxRate(cny, int(per_raw)), start, end, _text(row, "source")[:200]), []


def check_rate_table(new: Sequence[RateRow], stored: Sequence[RateRow]) -> list[Problem]:
    """Overlaps among the new rows and with the stored ones; problems name the new rows (from 1)."""
    return _overlaps([Dated(r.key, r.valid_from, r.valid_to, r) for r in new],
                     [Dated(r.key, r.valid_from, r.valid_to, r) for r in stored])


def check_fx_table(new: Sequence[FxRow], stored: Sequence[FxRow]) -> list[Problem]:
    return _overlaps([Dated(r.currency, r.valid_from, r.valid_to, r) for r in new],
                     [Dated(r.currency, r.valid_from, r.valid_to, r) for r in stored])


def _overlaps(new: list[Dated], stored: list[Dated]) -> list[Problem]:
    """Overlaps within the new rows, then of each new row with a stored row of its key."""
    out = [problem(f"row {int(p.field[1:p.field.index(']')]) + 1}", p.code, **p.params) for p in check_periods(new)]
    by_key: dict[str, list[Dated]] = {}
    for row in stored:
        by_key.setdefault(row.key, []).append(row)
    for i, row in enumerate(new, start=1):
        for old in by_key.get(row.key, ()):
            if _intersect(row, old):
                out.append(problem(f"row {i}", "period_overlap", key=row.key, start=row.valid_from,
                                   other_start=old.valid_from, other_end=old.valid_to or "…"))
                break
    return out


def _intersect(a: Dated, b: Dated) -> bool:
    return (a.valid_to is None or b.valid_from <= a.valid_to) and (b.valid_to is None or a.valid_from <= b.valid_to)
