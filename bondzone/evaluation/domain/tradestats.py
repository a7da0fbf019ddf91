"""Which platform figures feed which data series: trade value by zone crossing and trade mode (监管方式)
from posted verification lists, and active enterprises. Pure: the caller supplies the summed rows.

Only first-line crossings (zone ↔ abroad) are the zone's imports and exports; second-line moves
(zone ↔ 境内区外, transport mode Y) are 进出区货物 (second_line_value); transfers between zones or within
the zone and write-offs are neither (docs/domain-customs.md §1.3, §4.2)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

YI = Decimal(100_000_000)  # 亿元: the series unit for trade values
FOUR_PLACES = Decimal("0.0001")

FIRST_LINE = "first_line"
SECOND_LINE = "second_line"

# first-line trade mode -> the series it counts toward besides trade_total (GACC's 加工贸易 / 物流货物 split)
MODE_SERIES: dict[str, str] = {
    **dict.fromkeys(("5014", "5015", "0664", "0265", "0864", "0865", "0300", "0700", "4400", "4600", "1371"),
                    "trade_processing"),
    **dict.fromkeys(("5034", "1210", "1239", "4561"), "trade_logistics"),
    "0110": "trade_general",
}
# 租赁贸易 is its own indicator, whichever line the leased goods cross
LEASING_MODES = frozenset({"1500", "1523", "9800"})
TRADE_SERIES = ("trade_total", "trade_processing", "trade_logistics", "trade_general", "second_line_value")

# Yuan per unit of foreign currency (customs currency codes) come from the duties part's dated
# exchange-rate table (duties.selectors.yearly_fx: the year's monthly customs rates, averaged); the
# platform keeps list values in the declared currency.


@dataclass(frozen=True)
class TradeRow:
    """Sum of approved, unreversed line values of one zone crossing, trade mode and currency."""

    trade_mode: str
    currency: str
    value: Decimal
    crossing: str  # supervision.domain.trade_modes.Crossing value


def trade_series(rows: Iterable[TradeRow], fx: Mapping[str, Decimal]) -> dict[str, Decimal]:
    """Trade values in 亿元 per series. A currency without a rate is an error, never silently zero."""
    yuan = {s: Decimal(0) for s in TRADE_SERIES}
    for row in rows:
        if row.currency not in fx:
            raise KeyError(f"no exchange rate for currency {row.currency}")
        amount = row.value * fx[row.currency]
        if row.trade_mode in LEASING_MODES:
            yuan["leasing_trade"] = yuan.get("leasing_trade", Decimal(0)) + amount
        if row.crossing == FIRST_LINE:
            yuan["trade_total"] += amount
            extra = MODE_SERIES.get(row.trade_mode)
            if extra:
                yuan[extra] += amount
        elif row.crossing == SECOND_LINE:
            yuan["second_line_value"] += amount
    return {s: (v / YI).quantize(FOUR_PLACES) for s, v in yuan.items()}
