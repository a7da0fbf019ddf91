"""The demo's dated exchange-rate table covers the evaluation demo's data years and 2025–2026 for duties,
every row labelled synthetic, and the evaluation reads a year's rates from it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

from bondzone.core.actor import SYSTEM
from bondzone.duties import demo, selectors, services
from bondzone.duties.models import ExchangeRate
from bondzone.evaluation import demo as evaluation_demo


def test_demo_fx_covers_the_evaluation_years_and_the_duty_years(db):
    services.import_exchange_rates(actor=SYSTEM, rows=demo._fx_rows())
    years = set(evaluation_demo.YEARS) | {2025, 2026}
    for year in years:
        fx = selectors.yearly_fx(year)
        assert {"502", "300", "116", "110", "303"} <= set(fx), year  # USD EUR JPY HKD GBP
        assert D("6") < fx["502"] < D("8")
    assert selectors.yearly_fx(2021) == {"142": D(1)}  # nothing invented outside the table
    sources = set(ExchangeRate.objects.values_list("source", flat=True))
    assert sources == {demo.FX_SOURCE} and "synthetic" in demo.FX_SOURCE
    # one rate per currency and month, no gaps: January 2022 to December 2026
    usd = ExchangeRate.objects.filter(currency="USD").order_by("valid_from")
    assert usd.count() == 60 and usd.first().valid_from == date(2022, 1, 1) and usd.last().valid_to == date(2026, 12, 31)
    assert selectors.yearly_fx(2026)["502"] == D("7.147500")  # unchanged for the duties' year: 7.12 + 0.005 × 5.5
