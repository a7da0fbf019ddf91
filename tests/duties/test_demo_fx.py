"""The demo's dated exchange-rate table covers the evaluation demo's data years and the duties' years through the
end of next year, every row labelled synthetic, and the evaluation reads a year's rates from it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D
from unittest import mock

from django.utils import timezone

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
    # one rate per currency and month, no gaps: January 2022 to December of next year
    last = max(2026, timezone.localdate().year + 1)
    usd = ExchangeRate.objects.filter(currency="USD").order_by("valid_from")
    assert usd.count() == 12 * (last - 2021)
    assert usd.first().valid_from == date(2022, 1, 1) and usd.last().valid_to == date(last, 12, 31)
    assert selectors.yearly_fx(2026)["502"] == D("7.147500")  # unchanged for the duties' year: 7.12 + 0.005 × 5.5


def test_the_demo_tables_run_to_the_end_of_next_year_whenever_it_loads():
    with mock.patch.object(timezone, "localdate", return_value=date(2029, 12, 20)):
        fx = demo._fx_rows()
        provisional = {r["valid_to"] for r in demo._rows() if r["kind"] == "provisional"}
    usd = [r for r in fx if r["currency"] == "USD"]
    assert usd[-1]["valid_to"] == "2030-12-31" and len(usd) == 12 * 9  # 2022–2030, no month missing
    assert usd[-1]["cny"] == usd[-13]["cny"]  # later years repeat the last year's figures
    assert provisional == {"2030-12-31"}
