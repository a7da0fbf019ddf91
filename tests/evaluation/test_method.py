"""Method rules of issue 15 on the demo field (seed 2020, 160 zones): missing data must not pay."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from bondzone.evaluation.domain import synthetic
from bondzone.evaluation.domain.derive import derive_values
from bondzone.evaluation.domain.engine import IMPUTES, Params, evaluate
from bondzone.evaluation.domain.gacc2020 import GACC_2020
from bondzone.evaluation.models import DEFAULT_MIN_COVERAGE

FRAMEWORK_DEFAULT = Params(impute="worst", min_coverage=DEFAULT_MIN_COVERAGE)


@pytest.fixture(scope="module")
def demo():
    field = synthetic.generate_field(2020, n=160)
    codes = [z.code for z in field.zones]
    values = derive_values(GACC_2020, codes, field.values(2025), field.values(2024), field.areas())
    return field.zone_inputs(), values


def _withhold(values, zone, codes):
    return {k: v for k, v in values.items() if not (k[0] == zone and k[1] in codes)}


def _gamer(demo, params):
    """A zone ranked about 121st that withholds its weakest indicators, as many as the coverage rule lets it."""
    zones, values = demo
    honest = evaluate(GACC_2020, zones, values, params)
    zone = min(honest.zones.values(), key=lambda z: abs(z.rank_national - 121))
    n = len(GACC_2020.indicators())
    allowed = max(k for k in range(n) if (D(n - k) * 100 / n).quantize(D("0.0001")) >= DEFAULT_MIN_COVERAGE)
    weakest = sorted(zone.indicators, key=lambda c: zone.indicators[c].normalised)[:allowed]
    return honest, zone, weakest


def test_withholding_weak_indicators_paid_under_the_old_rule(demo):
    zones, values = demo
    honest, zone, weakest = _gamer(demo, Params(impute="median"))
    gamed = evaluate(GACC_2020, zones, _withhold(values, zone.code, weakest), Params(impute="median"))
    assert gamed.zones[zone.code].rank_national < zone.rank_national  # the problem the issue measured


def test_withholding_does_not_pay_under_the_framework_defaults(demo):
    zones, values = demo
    honest, zone, weakest = _gamer(demo, FRAMEWORK_DEFAULT)
    assert len(weakest) == 9  # 27 indicators, coverage ≥ 66.6667 % → at most 9 may be missing
    gamed = evaluate(GACC_2020, zones, _withhold(values, zone.code, weakest), FRAMEWORK_DEFAULT)
    g = gamed.zones[zone.code]
    assert g.rank_national >= zone.rank_national and g.overall <= zone.overall
    assert {c for c, s in g.indicators.items() if s.imputed} == set(weakest)
    assert g.coverage == D("66.6667")
    # one more gap and the zone is not rated at all
    more = sorted(zone.indicators, key=lambda c: zone.indicators[c].normalised)[:len(weakest) + 1]
    unrated = evaluate(GACC_2020, zones, _withhold(values, zone.code, more), FRAMEWORK_DEFAULT)
    assert zone.code in unrated.unrated and zone.code not in unrated.zones


@pytest.mark.parametrize("impute", IMPUTES)
def test_every_imputation_choice_flags_and_never_moves_the_reporters(demo, impute):
    zones, values = demo
    honest, zone, weakest = _gamer(demo, Params(impute=impute))
    gamed = evaluate(GACC_2020, zones, _withhold(values, zone.code, weakest[:3]), Params(impute=impute))
    g = gamed.zones[zone.code]
    assert [c for c, s in g.indicators.items() if s.imputed] == [c for c in g.indicators if c in weakest[:3]]
    other = next(z for z in honest.zones if z != zone.code)
    for c in weakest[:3]:  # the reporting zones keep their scores on the withheld indicators
        assert gamed.zones[other].indicators[c].normalised == honest.zones[other].indicators[c].normalised
    if impute in ("worst", "zero"):
        assert g.rank_national >= zone.rank_national


def test_region_median_uses_the_zones_own_board(demo):
    zones, values = demo
    _, zone, weakest = _gamer(demo, Params(impute="region_median"))
    gamed = evaluate(GACC_2020, zones, _withhold(values, zone.code, weakest[:1]), Params(impute="region_median"))
    c = weakest[0]
    peers = sorted(z.indicators[c].normalised for z in gamed.zones.values()
                   if z.region == zone.region and z.code != zone.code)
    mid = len(peers) // 2
    median = peers[mid] if len(peers) % 2 else (peers[mid - 1] + peers[mid]) / 2
    assert abs(gamed.zones[zone.code].indicators[c].normalised - median) <= D("0.0001")
