"""Indicator values from base series (COINr's "denominated" data set): raw, per km², year-on-year.

  RAW      the series value
  PER_KM2  value ÷ area (km²); None when the area is missing or not above 0
  YOY      (current − previous) ÷ |previous| × 100 (%); None when the previous value is missing or 0
A missing (or non-finite) series value gives None. Results are Decimals quantized to 0.0001 (half up);
bonus / penalty items get their series value as it is (RAW), whatever their formula says.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import ROUND_HALF_UP, Context, Decimal

from .framework import Formula, Framework

FOUR_PLACES = Decimal("0.0001")
_CTX = Context(prec=60)  # wide enough for any value × 10 000 without rounding before the quantize


def q4(value: Decimal) -> Decimal:
    return value.quantize(FOUR_PLACES, rounding=ROUND_HALF_UP, context=_CTX)


def _finite(value: object) -> Decimal | None:
    if value is None:
        return None
    if not isinstance(value, Decimal):
        value = Decimal(str(value))
    return value if value.is_finite() else None


def derive_one(formula: str, current: Decimal | None, previous: Decimal | None, area: Decimal | None) -> Decimal | None:
    cur = _finite(current)
    if cur is None:
        return None
    if formula == Formula.PER_KM2:
        a = _finite(area)
        if a is None or a <= 0:
            return None
        return q4(_CTX.divide(cur, a))
    if formula == Formula.YOY:
        prev = _finite(previous)
        if prev is None or prev == 0:
            return None
        return q4(_CTX.divide(_CTX.multiply(_CTX.subtract(cur, prev), Decimal(100)), abs(prev)))
    return q4(cur)


def derive_values(framework: Framework, zones: Sequence[str], current: Mapping[tuple[str, str], Decimal],
                  previous: Mapping[tuple[str, str], Decimal],
                  area_km2: Mapping[str, Decimal]) -> dict[tuple[str, str], Decimal | None]:
    """{(zone, node code): value} for every zone × (indicator and bonus / penalty item)."""
    out: dict[tuple[str, str], Decimal | None] = {}
    indicators = framework.indicators()
    adjustments = framework.adjustments()
    for zone in zones:
        for n in indicators:
            out[(zone, n.code)] = derive_one(n.formula, current.get((zone, n.series)),
                                             previous.get((zone, n.series)), area_km2.get(zone))
        for n in adjustments:
            out[(zone, n.code)] = derive_one(Formula.RAW, current.get((zone, n.series)), None, None)
    return out
