"""Properties of the duty engine: never negative, monotone in value, the CBEC 70 % relation."""

from decimal import Decimal as D

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bondzone.duties.domain import cbec
from bondzone.duties.domain.engine import Line, Rate, TaxKind, declaration, line_taxes, to_fen

money = st.decimals(min_value=D("0"), max_value=D("10000000"), places=2)
small_money = st.decimals(min_value=D("0"), max_value=D("2500"), places=2)
frac = st.decimals(min_value=D("0"), max_value=D("1"), places=4)
ct_frac = st.decimals(min_value=D("0"), max_value=D("0.9"), places=4)
per_unit = st.decimals(min_value=D("0"), max_value=D("100"), places=2)
qty = st.decimals(min_value=D("0"), max_value=D("10000"), places=3)


@st.composite
def lines(draw, value=money):
    return Line("3304100010", draw(qty), "035", draw(value),
                Rate(draw(st.none() | frac), draw(st.none() | per_unit)),
                Rate(draw(st.none() | ct_frac), draw(st.none() | per_unit)), draw(frac))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(lines())
def test_taxes_never_negative(ln):
    taxed = line_taxes(ln)
    assert min(taxed.tariff, taxed.consumption_tax, taxed.vat) >= 0
    assert all(v >= 0 for v in declaration([ln]).totals.values())


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(lines(), money)
def test_monotone_in_value(ln, extra):
    more = Line(ln.hs_code, ln.quantity, ln.unit, ln.customs_value + extra, ln.tariff, ln.consumption_tax,
                ln.vat_rate)
    low, high = line_taxes(ln), line_taxes(more)
    for kind in TaxKind:
        assert low.amount(kind) <= high.amount(kind)
    assert declaration([ln]).total <= declaration([more]).total


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(lines(small_money), min_size=1, max_size=2))
def test_cbec_within_limits_is_seventy_percent_of_statutory_at_zero_tariff(order):
    got, problems = cbec.assess(order, D("0"))
    assert problems == [] and got.treatment == cbec.Treatment.WITHIN_LIMITS
    for lt in got.quote.lines:
        statutory = line_taxes(lt.line, with_tariff=False)
        assert lt.tariff == 0
        assert lt.consumption_tax == to_fen(statutory.consumption_tax * D("0.7"))
        assert lt.vat == to_fen(statutory.vat * D("0.7"))
        assert abs(lt.total - statutory.total * D("0.7")) <= D("0.01")
