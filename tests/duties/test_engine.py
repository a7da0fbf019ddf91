"""The duty engine against the worked examples of docs (domain-customs.md §5.3, §6.2) and the edges."""

from datetime import date
from decimal import Decimal as D

import pytest

from bondzone.duties.domain import cbec
from bondzone.duties.domain.dated import Dated, FxRate, RateDateRule, check_periods, convert, fixing_date, in_force, rate_date
from bondzone.duties.domain.engine import NO_RATE, Line, Rate, TaxKind, declaration, line_taxes, to_fen
from bondzone.duties.domain.tariffs import TariffBasis, applicable_tariff


def line(value, *, t=None, ts=None, c=None, cs=None, vat="0.13", qty="1", hs="3304100010"):
    return Line(hs, D(qty), "035", D(value), Rate(D(t) if t else None, D(ts) if ts else None),
                Rate(D(c) if c else None, D(cs) if cs else None), D(vat))


# (name, line, tariff, consumption tax, VAT)
GENERAL = [
    ("A ad valorem, no CT", line("100000.00", t="0.08"), "8000.00", "0.00", "14040.00"),
    ("B ad valorem CT on the composite price", line("20000.00", t="0.05", c="0.15"), "1000.00", "3705.88", "3211.76"),
    ("C compound CT", line("50000.00", t="0.25", c="0.56", cs="0.30", qty="10000"), "12500.00", "86363.64",
     "19352.27"),
    ("D finished-goods basis (万元 ×10 000)", line("1200000.00", t="0.20"), "240000.00", "0.00", "187200.00"),
    ("specific tariff", line("1000.00", ts="3.00", qty="10"), "30.00", "0.00", "133.90"),
    ("compound tariff", line("1000.00", t="0.10", ts="3.00", qty="10"), "130.00", "0.00", "146.90"),
    ("specific CT only", line("1000.00", cs="0.50", qty="100"), "0.00", "50.00", "136.50"),
    ("half a fen rounds up", line("0.05", t="0.10", vat="0"), "0.01", "0.00", "0.00"),
    ("just under half a fen rounds down", line("0.04", t="0.10", vat="0"), "0.00", "0.00", "0.00"),
    # T = 65.01625 → 65.02 and the rounded tariff enters the VAT base: (1000.25 + 65.02) × 0.13 = 138.4851
    # (the unrounded tariff would give 138.4801 → 138.48)
    ("rounded tariff enters the VAT base", line("1000.25", t="0.065"), "65.02", "0.00", "138.49"),
]


@pytest.mark.parametrize("name,ln,tariff,ct,vat", GENERAL, ids=[g[0] for g in GENERAL])
def test_line_taxes_match_worked_examples(name, ln, tariff, ct, vat):
    taxed = line_taxes(ln)
    assert (taxed.tariff, taxed.consumption_tax, taxed.vat) == (D(tariff), D(ct), D(vat))


def test_example_b_total_and_d_total():
    assert declaration([GENERAL[1][1]]).total == D("7917.64")
    assert declaration([GENERAL[3][1]]).total == D("427200.00")  # 42.72 万元


# (name, lines, waived kinds, totals tariff / CT / VAT)
THRESHOLD = [
    ("E tariff 42.30 waived, VAT payable", [line("423.00", t="0.10")], ["tariff"], ("0.00", "0.00", "60.49")),
    ("exactly 50.00 is waived (五十元以下 includes 50)", [line("500.00", t="0.10", vat="0.20")], ["tariff"],
     ("0.00", "0.00", "110.00")),
    ("50.01 is collected", [line("500.10", t="0.10")], [], ("50.01", "0.00", "71.51")),
    ("per declaration: two lines of 30.00 sum to 60.00 and are collected",
     [line("300.00", t="0.10"), line("300.00", t="0.10")], [], ("60.00", "0.00", "85.80")),
    ("each kind on its own: small VAT waived, tariff kept", [line("1000.00", t="0.10", vat="0.03")], ["vat"],
     ("100.00", "0.00", "0.00")),
]


@pytest.mark.parametrize("name,lines,waived,totals", THRESHOLD, ids=[t[0] for t in THRESHOLD])
def test_fifty_yuan_threshold_per_declaration_and_kind(name, lines, waived, totals):
    q = declaration(lines)
    assert [k.value for k in q.waived] == waived
    assert (q.totals[TaxKind.TARIFF], q.totals[TaxKind.CONSUMPTION_TAX], q.totals[TaxKind.VAT]) == tuple(map(D, totals))


def test_threshold_can_be_switched_off():
    q = declaration([line("423.00", t="0.10")], threshold=False)
    assert q.totals[TaxKind.TARIFF] == D("42.30") and q.waived == ()


# --- CBEC (§6.2) ---

def test_cbec_milk_powder_within_limits():
    got, problems = cbec.assess([line("1000.00", t="0.15", hs="0402100000")], D("0"))
    assert problems == [] and got.treatment == cbec.Treatment.WITHIN_LIMITS
    assert (got.quote.totals[TaxKind.TARIFF], got.quote.totals[TaxKind.VAT]) == (D("0.00"), D("91.00"))


def test_cbec_lipstick_ct_and_vat_at_seventy_percent():
    got, _ = cbec.assess([line("300.00", t="0.10", c="0.15")], D("0"))
    lt = got.quote.lines[0]
    assert (lt.tariff, lt.consumption_tax, lt.vat, got.quote.total) == (D("0"), D("37.06"), D("32.12"), D("69.18"))


def test_cbec_small_tax_is_not_waived():
    got, _ = cbec.assess([line("100.00")], D("0"))
    assert got.quote.total == D("9.10") and got.quote.waived == ()


def test_cbec_single_camera_over_5000_full_rates_and_counted():
    got, problems = cbec.assess([line("6000.00", t="0.10")], D("15000.00"))
    assert problems == [] and got.treatment == cbec.Treatment.SINGLE_ITEM_FULL
    assert (got.quote.totals[TaxKind.TARIFF], got.quote.totals[TaxKind.VAT], got.quote.total) == (
        D("600.00"), D("858.00"), D("1458.00"))
    assert got.annual_after == D("21000.00")


# (name, line values (quantity 1 each unless given), annual used, treatment or refusal code)
LIMITS = [
    ("exactly 5 000.00 in two lines is within", [("2500.00", "1"), ("2500.00", "1")], "0", "within_limits"),
    ("5 000.01 in two lines is refused", [("2500.00", "1"), ("2500.01", "1")], "0", "cbec_single_limit"),
    ("5 000.01 for one item is taxed in full", [("5000.01", "1")], "0", "single_item_full"),
    ("one line of two pieces over 5 000 is refused", [("5600.00", "2")], "0", "cbec_single_limit"),
    ("two items totalling 5 600 refused (example 4)", [("2800.00", "1"), ("2800.00", "1")], "15000",
     "cbec_single_limit"),
    ("annual total reaching exactly 26 000 is allowed", [("5000.00", "1")], "21000.00", "within_limits"),
    ("annual total crossing 26 000 by 0.01 is refused", [("5000.00", "1")], "21000.01", "cbec_annual_limit"),
    ("24 000 used + 3 000 refused (example 5)", [("3000.00", "1")], "24000", "cbec_annual_limit"),
    ("single item of 25 999.99 with nothing used", [("25999.99", "1")], "0", "single_item_full"),
    ("single item of 26 000.00 is not below the annual limit", [("26000.00", "1")], "0", "cbec_item_over_annual"),
    ("single item within annual only if the total stays within", [("6000.00", "1")], "20000.01",
     "cbec_annual_limit"),
]


@pytest.mark.parametrize("name,values,used,outcome", LIMITS, ids=[x[0] for x in LIMITS])
def test_cbec_limit_edges(name, values, used, outcome):
    got, problems = cbec.assess([line(v, t="0.10", qty=q) for v, q in values], D(used))
    if outcome.startswith("cbec_"):
        assert got is None and [p.code for p in problems] == [outcome]
    else:
        assert problems == [] and got.treatment.value == outcome
        assert got.annual_after == D(used) + sum(D(v) for v, _ in values)


def test_cbec_year_total_counts_only_that_calendar_year():
    orders = [(date(2025, 12, 31), D("20000")), (date(2026, 1, 1), D("100")), (date(2026, 6, 1), D("200"))]
    assert cbec.year_total(orders, 2026) == D("300")


@pytest.mark.parametrize("applied,back,codes", [
    (date(2026, 3, 25), date(2026, 4, 10), []),  # example 6: day 24 and day 40
    (date(2026, 3, 31), date(2026, 4, 15), []),  # day 30 and day 45 are still inside
    (date(2026, 4, 1), None, ["return_apply_late"]),  # day 31
    (date(2026, 3, 25), date(2026, 4, 16), ["return_back_late"]),  # day 46
    (date(2026, 2, 28), None, ["return_before_release"]),
])
def test_cbec_return_windows(applied, back, codes):
    assert [p.code for p in cbec.check_return(date(2026, 3, 1), applied, back)] == codes


# --- rate dates, exchange rates, tariff choice ---

def test_rate_date_rules():
    d = date(2026, 5, 12)
    assert rate_date(RateDateRule.DECLARATION, declared_on=d) == d
    assert rate_date(RateDateRule.ADVANCE_DECLARATION, declared_on=d, entry_on=date(2026, 5, 20)) == date(2026, 5, 20)
    assert rate_date(RateDateRule.REGIME_OVERDUE, deadline=date(2026, 7, 10)) == date(2026, 7, 11)


def test_customs_monthly_rate_is_fixed_on_third_wednesday_of_previous_month():
    assert fixing_date(2023, 5) == date(2023, 4, 19)
    assert fixing_date(2026, 1) == date(2025, 12, 17)
    assert fixing_date(2026, 1, is_holiday=lambda d: d == date(2025, 12, 17)) == date(2025, 12, 24)


def test_dated_rows_lookup_and_overlap():
    rows = [Dated("USD", date(2026, 1, 1), date(2026, 1, 31), FxRate(D("7.1000"))),
            Dated("USD", date(2026, 2, 1), None, FxRate(D("7.2000")))]
    assert in_force(rows, "USD", date(2026, 1, 31)).value.cny == D("7.1000")
    assert in_force(rows, "USD", date(2026, 2, 1)).value.cny == D("7.2000")
    assert in_force(rows, "USD", date(2025, 12, 31)) is None
    assert check_periods(rows) == []
    overlapping = rows + [Dated("USD", date(2026, 1, 31), date(2026, 2, 5), FxRate(D("7")))]
    assert [p.code for p in check_periods(overlapping)] == ["period_overlap", "period_overlap"]
    assert [p.code for p in check_periods([Dated("EUR", date(2026, 2, 1), date(2026, 1, 1), None)])] == [
        "period_reversed"]


def test_convert_foreign_value():
    assert convert(D("100.00"), FxRate(D("7.12345"))) == D("712.35")
    assert convert(D("10000"), FxRate(D("4.8765"), per=100)) == D("487.65")


def test_tariff_choice():
    mfn, prov, agr = Rate(D("0.10")), Rate(D("0.05")), Rate(D("0.03"))
    args = dict(value=D("1000"), quantity=D("1"))
    assert applicable_tariff(mfn=mfn, provisional=None, agreement=None, **args).basis == TariffBasis.MFN
    assert applicable_tariff(mfn=mfn, provisional=prov, agreement=None, **args).basis == TariffBasis.PROVISIONAL
    assert applicable_tariff(mfn=mfn, provisional=prov, agreement=agr, **args).basis == TariffBasis.AGREEMENT
    assert applicable_tariff(mfn=mfn, provisional=agr, agreement=prov, **args).basis == TariffBasis.PROVISIONAL
    # specific vs ad valorem compared as amounts
    assert applicable_tariff(mfn=mfn, provisional=Rate(None, D("40")), agreement=agr, **args).basis == (
        TariffBasis.AGREEMENT)
    assert applicable_tariff(mfn=None, provisional=None, agreement=None, **args) is None


def test_to_fen_half_up():
    assert [to_fen(D(x)) for x in ("1.005", "1.0049", "-0.005", "2.675")] == [D("1.01"), D("1.00"), D("-0.01"),
                                                                               D("2.68")]
    assert NO_RATE.is_zero
