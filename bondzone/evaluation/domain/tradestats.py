"""Which platform figures feed which data series: trade value by trade mode (监管方式) from posted
verification lists, and active enterprises. Pure: the caller supplies the summed rows."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

YI = Decimal(100_000_000)  # 亿元: the series unit for trade values
FOUR_PLACES = Decimal("0.0001")

# trade mode -> series it counts toward besides trade_total (GACC's 加工贸易 / 物流货物 / 一般贸易 split)
MODE_SERIES: dict[str, str] = {
    "5000": "trade_processing", "5100": "trade_processing", "5014": "trade_processing",
    "5015": "trade_processing", "0664": "trade_processing", "0844": "trade_processing",
    "1371": "trade_processing", "5200": "trade_processing",
    "5034": "trade_logistics", "1200": "trade_logistics", "1210": "trade_logistics", "4561": "trade_logistics",
    "0110": "trade_general",
    "1523": "leasing_trade", "9800": "leasing_trade",
}
TRADE_SERIES = ("trade_total", "trade_processing", "trade_logistics", "trade_general")

# Yuan per unit of foreign currency (customs currency codes). The platform keeps list values in the
# declared currency; a deployment sets its monthly customs rates with BONDZONE_FX_RATES.
DEFAULT_FX: dict[str, Decimal] = {
    "142": Decimal(1), "502": Decimal("7.10"), "300": Decimal("7.80"), "116": Decimal("0.047"),
    "303": Decimal("9.10"), "110": Decimal("0.91"),
}


@dataclass(frozen=True)
class TradeRow:
    """Sum of approved, unreversed line values of one trade mode and currency."""

    trade_mode: str
    currency: str
    value: Decimal


def trade_series(rows: Iterable[TradeRow], fx: Mapping[str, Decimal] = DEFAULT_FX) -> dict[str, Decimal]:
    """Trade values in 亿元 per series. A currency without a rate is an error, never silently zero."""
    yuan = {s: Decimal(0) for s in TRADE_SERIES}
    for row in rows:
        if row.currency not in fx:
            raise KeyError(f"no exchange rate for currency {row.currency}")
        amount = row.value * fx[row.currency]
        yuan["trade_total"] += amount
        extra = MODE_SERIES.get(row.trade_mode)
        if extra:
            yuan[extra] = yuan.get(extra, Decimal(0)) + amount
    return {s: (v / YI).quantize(FOUR_PLACES) for s, v in yuan.items()}
