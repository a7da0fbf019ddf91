"""Trade figures count each zone crossing in its own series: 一线 (zone ↔ abroad) as imports and exports,
二线 (zone ↔ 境内区外, transport mode Y) as 进出区货物, transfers and write-offs in neither."""

from decimal import Decimal

import pytest

from bondzone.evaluation.domain.tradestats import TradeRow, trade_series

YI = Decimal(100_000_000)


@pytest.mark.parametrize("mode, crossing, expected", [
    ("5034", "first_line", {"trade_total": 1, "trade_logistics": 1}),
    ("5015", "first_line", {"trade_total": 1, "trade_processing": 1}),
    ("0664", "first_line", {"trade_total": 1, "trade_processing": 1}),
    ("5000", "second_line", {"second_line_value": 1}),
    ("5100", "second_line", {"second_line_value": 1}),
    ("1210", "second_line", {"second_line_value": 1}),  # CBEC retail leaving the zone
    ("1523", "second_line", {"second_line_value": 1, "leasing_trade": 1}),
    ("1200", "inter_zone", {}),
    ("5034", "in_zone", {}),  # 区内流转
    ("9700", "none", {}),
])
def test_each_crossing_counts_in_its_series(mode, crossing, expected):
    got = trade_series([TradeRow(mode, "142", YI, crossing)], {"142": Decimal(1)})
    assert {s: v for s, v in got.items() if v} == {s: Decimal(n) for s, n in expected.items()}
