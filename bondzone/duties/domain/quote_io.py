"""The quote document (JSON in, JSON out) shared by `bondzone duty quote`, the API and the pages.

Input:
  {"regime": "general" | "cbec",            optional, default general
   "declared_on": "YYYY-MM-DD",             optional, the rate date (default: today / the CBEC order date)
   "consumer_id": "…", "order_date": "…",   CBEC only; "annual_used": "…" overrides the stored total
   "lines": [{"hs_code": "3304100010", "quantity": "2", "unit": "035",
              "customs_value": "300.00"        CNY — or "value": "40.00", "currency": "USD"
              "tariff": {"ad_valorem": "0.10", "specific": "3.00"},   either or both; omitted: rate table
              "consumption_tax": {...},        optional, same shape
              "vat_rate": "0.13",              omitted: rate table
              "origin": "KR"}]}                optional, for agreement rates
Output: per line tariff, consumption_tax, vat, total; declaration totals after the threshold; what was
waived; the rate date; for CBEC the treatment and the buyer's annual total before and after.

Lookups (rate tables, exchange rates, the buyer's annual total) are passed in, so this stays pure.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, localcontext
from typing import Any

from stdnum.cn import ric
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidLength
from stdnum.exceptions import ValidationError as StdnumError

from bondzone.core.domain.errors import Problem, problem
from bondzone.core.domain.inputs import collect_date, collect_decimal, collect_quantity

from . import cbec
from .dated import FxRate, RateDateRule, convert, rate_date
from .engine import NO_RATE, ZERO, Line, Quote, Rate, TaxKind, check_line, declaration

MAX_LINES = 1000
# The sizes the stored figures have (TaxRate, RegimeLine, the ledger): a document beyond them is refused on the
# field instead of overflowing the arithmetic (a 40-digit value cannot be rounded to the fen in 28 digits).
VALUE_DIGITS, RATE_DIGITS, SPECIFIC_DIGITS, RATE_PLACES = 16, 7, 14, 4
PRECISION = 50  # digits the engine computes with: the largest figures above, through CT's ÷ (1 − 0.9999), fit
REGIMES = ("general", "cbec")


@dataclass(frozen=True)
class TableRates:
    """What the rate tables give for a code on a day (with where each figure came from)."""

    tariff: Rate
    consumption_tax: Rate
    vat_rate: Decimal
    sources: dict[str, str] = field(default_factory=dict)


RateLookup = Callable[[str, date, str, Decimal, Decimal], "TableRates | None"]
FxLookup = Callable[[str, date], "FxRate | None"]
AnnualLookup = Callable[[str, int], Decimal]


@dataclass(frozen=True)
class QuoteRequest:
    regime: str
    on: date
    lines: tuple[Line, ...]
    sources: tuple[dict[str, str], ...]
    consumer_id: str = ""
    order_date: date | None = None
    annual_used: Decimal | None = None


def parse(doc: Any, *, today: date, rates: RateLookup | None = None, fx: FxLookup | None = None
          ) -> tuple[QuoteRequest | None, list[Problem]]:
    problems: list[Problem] = []
    if not isinstance(doc, Mapping):
        return None, [problem("", "quote_not_object")]
    regime = doc.get("regime") or "general"
    if regime not in REGIMES:
        problems.append(problem("regime", "bad_choice", value=regime, choices=", ".join(REGIMES)))
    declared_on = collect_date(doc.get("declared_on"), "declared_on", problems)
    consumer_id, order_date, annual_used = "", None, None
    if regime == "cbec":
        consumer_id = check_consumer_id(doc.get("consumer_id"), "consumer_id", problems)
        order_date = collect_date(doc.get("order_date"), "order_date", problems)
        if order_date is None and not any(p.field == "order_date" for p in problems):
            problems.append(problem("order_date", "required"))
        annual_used = collect_decimal(doc.get("annual_used"), "annual_used", problems, max_digits=VALUE_DIGITS,
                                      decimal_places=2)
        if annual_used is not None and annual_used < 0:
            problems.append(problem("annual_used", "amount_negative", value=annual_used))
    on = rate_date(RateDateRule.DECLARATION, declared_on=declared_on or order_date or today)
    raw_lines = doc.get("lines")
    if not isinstance(raw_lines, list) or not raw_lines:
        problems.append(problem("lines", "no_lines"))
        raw_lines = []
    elif len(raw_lines) > MAX_LINES:
        problems.append(problem("lines", "too_many_lines", max=MAX_LINES, count=len(raw_lines)))
        raw_lines = []
    lines, sources = [], []
    for i, raw in enumerate(raw_lines, start=1):
        parsed = _line(raw, f"lines[{i}]", on, rates, fx, problems)
        if parsed is not None:
            lines.append(parsed[0])
            sources.append(parsed[1])
    if problems:
        return None, problems
    return QuoteRequest(regime, on, tuple(lines), tuple(sources), consumer_id, order_date, annual_used), []


def check_consumer_id(value: Any, field_name: str, problems: list[Problem]) -> str:
    """A PRC resident identity card number (18 characters, GB 11643 check digit), via python-stdnum."""
    text = str(value or "").strip()
    if not text:
        problems.append(problem(field_name, "required"))
        return ""
    try:
        return ric.validate(text)
    except StdnumError as exc:
        problems.append(problem(field_name, "bad_id_number", value=text, reason=_id_fault(exc)))
        return ""


def _id_fault(exc: StdnumError) -> str:
    """What python-stdnum found wrong, as a code (labels kind "id_number_fault" names it in the reader's language)."""
    for kind, code in ((InvalidChecksum, "check_digit"), (InvalidLength, "length"), (InvalidComponent, "component")):
        if isinstance(exc, kind):
            return code
    return "format"


def _rate(raw: Any, field_name: str, problems: list[Problem]) -> Rate | None:
    if raw is None:
        return None
    if not isinstance(raw, Mapping) or not set(raw) <= {"ad_valorem", "specific"}:
        problems.append(problem(field_name, "bad_rate_shape", value=raw))
        return None
    return Rate(collect_decimal(raw.get("ad_valorem"), f"{field_name}.ad_valorem", problems,
                                max_digits=RATE_DIGITS, decimal_places=RATE_PLACES),
                collect_decimal(raw.get("specific"), f"{field_name}.specific", problems,
                                max_digits=SPECIFIC_DIGITS, decimal_places=RATE_PLACES))


def _line(raw: Any, f: str, on: date, rates: RateLookup | None, fx: FxLookup | None,
          problems: list[Problem]) -> tuple[Line, dict[str, str]] | None:
    if not isinstance(raw, Mapping):
        problems.append(problem(f, "line_not_object"))
        return None
    before = len(problems)
    hs_code = str(raw.get("hs_code") or "").strip()
    quantity = collect_quantity(raw.get("quantity"), f"{f}.quantity", problems)
    unit = str(raw.get("unit") or "").strip()
    if not unit:
        problems.append(problem(f"{f}.unit", "required"))
    sources: dict[str, str] = {}
    value = _value(raw, f, on, fx, problems, sources)
    tariff = _rate(raw.get("tariff"), f"{f}.tariff", problems)
    ct = _rate(raw.get("consumption_tax"), f"{f}.consumption_tax", problems)
    vat_rate = collect_decimal(raw.get("vat_rate"), f"{f}.vat_rate", problems, max_digits=RATE_DIGITS,
                               decimal_places=RATE_PLACES)
    if tariff is None or vat_rate is None:
        origin = str(raw.get("origin") or "").strip().upper()
        ready = rates and hs_code and value is not None and quantity is not None
        table = rates(hs_code, on, origin, value, quantity) if ready else None
        if table is None and (rates is None or ready):
            for name, given in (("tariff", tariff), ("vat_rate", vat_rate)):
                if given is None and not any(p.field.startswith(f"{f}.{name}") for p in problems[before:]):
                    code = "no_rate_for_code" if rates else "required"
                    problems.append(problem(f"{f}.{name}", code, value=hs_code, date=on))
        elif table is not None:
            sources.update(table.sources)
            tariff = tariff if tariff is not None else table.tariff
            ct = ct if ct is not None or "consumption_tax" in raw else table.consumption_tax
            vat_rate = vat_rate if vat_rate is not None else table.vat_rate
    value_field = "value" if "value" in raw and "customs_value" not in raw else "customs_value"
    check_line(f, problems, hs_code=hs_code, quantity=quantity, value=value, tariff=tariff, consumption_tax=ct,
               vat_rate=vat_rate, value_field=value_field)
    if len(problems) > before or tariff is None or vat_rate is None or quantity is None or value is None:
        return None
    return Line(hs_code, quantity, unit, value, tariff, ct or NO_RATE, vat_rate), sources


def _value(raw: Mapping, f: str, on: date, fx: FxLookup | None, problems: list[Problem],
           sources: dict[str, str]) -> Decimal | None:
    currency = str(raw.get("currency") or "").strip().upper()
    if not currency or currency == "CNY":
        key = "customs_value" if "customs_value" in raw or "value" not in raw else "value"
        return collect_decimal(raw.get(key), f"{f}.{key}", problems, required=True, max_digits=VALUE_DIGITS)
    amount = collect_decimal(raw.get("value"), f"{f}.value", problems, required=True, max_digits=VALUE_DIGITS)
    if amount is None:
        return None
    rate = fx(currency, on) if fx else None
    if rate is None:
        problems.append(problem(f"{f}.currency", "no_fx_rate_on", currency=currency, date=on))
        return None
    sources["fx"] = f"{currency} {rate.cny}/{rate.per} @ {on.isoformat()}"
    return convert(amount, rate)


def evaluate(req: QuoteRequest, annual: AnnualLookup | None = None
             ) -> tuple[Quote | None, cbec.CbecQuote | None, list[Problem]]:
    with localcontext(prec=PRECISION):
        return _evaluate(req, annual)


def _evaluate(req: QuoteRequest, annual: AnnualLookup | None) -> tuple[Quote | None, cbec.CbecQuote | None,
                                                                        list[Problem]]:
    if req.regime != "cbec":
        return declaration(req.lines), None, []
    used = req.annual_used
    if used is None:
        used = annual(req.consumer_id, req.order_date.year) if annual else ZERO
    assessed, problems = cbec.assess(req.lines, used)
    return (assessed.quote if assessed else None), assessed, problems


def _money(amount: Decimal) -> str:
    return str(amount.quantize(Decimal("0.01")))


def render(req: QuoteRequest, quote: Quote, assessed: cbec.CbecQuote | None = None) -> dict[str, Any]:
    with localcontext(prec=PRECISION):
        return _render(req, quote, assessed)


def _render(req: QuoteRequest, quote: Quote, assessed: cbec.CbecQuote | None) -> dict[str, Any]:
    lines = []
    for i, (lt, src) in enumerate(zip(quote.lines, req.sources), start=1):
        row = {"line": i, "hs_code": lt.line.hs_code, "quantity": str(lt.line.quantity), "unit": lt.line.unit,
               "customs_value": _money(lt.line.customs_value), "tariff_rate": lt.line.tariff.as_json(),
               "consumption_tax_rate": lt.line.consumption_tax.as_json(), "vat_rate": str(lt.line.vat_rate)}
        row.update({k.value: _money(lt.amount(k)) for k in TaxKind})
        row["total"] = _money(lt.total)
        if src:
            row["sources"] = src
        lines.append(row)
    out: dict[str, Any] = {
        "regime": req.regime,
        "rate_date": req.on.isoformat(),
        "lines": lines,
        "totals": {**{k.value: _money(quote.totals[k]) for k in TaxKind}, "total": _money(quote.total)},
        "computed": {k.value: _money(quote.computed[k]) for k in TaxKind},
        "waived": [k.value for k in quote.waived],
    }
    if assessed is not None:
        out["cbec"] = {"consumer_id": req.consumer_id, "order_date": req.order_date.isoformat(),
                       "treatment": assessed.treatment.value, "order_value": _money(assessed.order_value),
                       "annual_before": _money(assessed.annual_before),
                       "annual_after": _money(assessed.annual_after)}
    return out
