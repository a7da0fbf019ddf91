"""Properties of the evaluation engine (Hypothesis): order invariance, bounds, monotonicity, valid ranks."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal as D

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bondzone.evaluation.domain.engine import Params, ZoneInput, evaluate
from bondzone.evaluation.domain.framework import Framework, Kind, Node, Normalisation
from bondzone.evaluation.domain.uncertainty import rank_intervals

MINMAX, ZSCORE, GOAL, RANK = Normalisation.MINMAX, Normalisation.ZSCORE, Normalisation.GOALPOSTS, Normalisation.RANK


def _ind(code, parent, weight, direction=1, norm=MINMAX, low=None, high=None):
    return Node(code, parent, Kind.INDICATOR, code, code, weight=D(weight), direction=direction, series="revenue",
                normalisation=norm, goal_low=None if low is None else D(low), goal_high=None if high is None else D(high))


FRAMEWORK = Framework("p", "property", (
    Node("A", None, Kind.CATEGORY, "A", "A", weight=D(60)),
    _ind("A1", "A", 30),
    _ind("A2", "A", 20, direction=-1, norm=ZSCORE),
    _ind("A3", "A", 10, norm=RANK),
    Node("B", None, Kind.CATEGORY, "B", "B", weight=D(40)),
    _ind("B1", "B", 25, norm=GOAL, low=-50, high=50),
    _ind("B2", "B", 15, direction=-1),
    Node("P", None, Kind.PENALTY, "P", "P", series="smuggling_cases", points=D(1), cap=D(3)),
    Node("Q", None, Kind.BONUS, "Q", "Q", series="first_cases", points=D("0.5"), cap=D(2)),
))
INDICATORS = [n for n in FRAMEWORK.nodes if n.kind == Kind.INDICATOR]
ADJUSTMENTS = ("P", "Q")
VALUE = st.one_of(st.none(), st.integers(-400, 400).map(lambda k: D(k) / 4))
PARAMS = st.builds(Params, aggregation=st.sampled_from(["arithmetic", "geometric"]),
                   impute=st.sampled_from(["median", "zero"]),
                   normalisation=st.sampled_from([None, MINMAX, ZSCORE, RANK]),
                   weights=st.one_of(st.none(), st.fixed_dictionaries({"A": st.integers(0, 100).map(D),
                                                                       "A1": st.integers(0, 50).map(D)})))
SETTINGS = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def fields(draw, min_zones=1, max_zones=9):
    n = draw(st.integers(min_zones, max_zones))
    zones = [ZoneInput(f"Z{i:02d}", draw(st.sampled_from(["east", "central", "west"]))) for i in range(n)]
    values = {}
    for z in zones:
        for node in INDICATORS:
            values[(z.code, node.code)] = draw(VALUE)
        for code in ADJUSTMENTS:
            values[(z.code, code)] = draw(st.one_of(st.none(), st.integers(0, 6).map(D)))
    return zones, values


def _assert_same(a, b):
    assert a == b
    assert list(a.zones) == list(b.zones) and list(a.region_counts) == list(b.region_counts)
    for code, z in a.zones.items():
        assert list(z.categories) == list(b.zones[code].categories)
        assert list(z.indicators) == list(b.zones[code].indicators)


@SETTINGS
@given(fields(), PARAMS, st.data())
def test_zone_and_value_order_change_nothing(field, params, data):
    zones, values = field
    result = evaluate(FRAMEWORK, zones, values, params)
    zones2 = data.draw(st.permutations(zones))
    values2 = dict(data.draw(st.permutations(list(values.items()))))
    _assert_same(result, evaluate(FRAMEWORK, zones2, values2, params))


@settings(max_examples=30, deadline=None)
@given(fields(min_zones=2), st.integers(0, 2**32), st.data())
def test_rank_intervals_ignore_zone_and_value_order(field, seed, data):
    zones, values = field
    a = rank_intervals(FRAMEWORK, zones, values, draws=15, seed=seed)
    zones2 = data.draw(st.permutations(zones))
    values2 = dict(data.draw(st.permutations(list(values.items()))))
    b = rank_intervals(FRAMEWORK, zones2, values2, draws=15, seed=seed)
    assert a == b and list(a) == list(b)
    n = len(a)
    assert all(D(1) <= i.p05 <= i.median <= i.p95 <= D(n) for i in a.values())


@SETTINGS
@given(fields(), PARAMS)
def test_scores_stay_within_bounds(field, params):
    zones, values = field
    r = evaluate(FRAMEWORK, zones, values, params)
    assert r.zone_count == len(r.zones) == len(zones) - len(r.unrated)
    assert sum(r.region_counts.values()) == r.zone_count
    for z in r.zones.values():
        assert D(0) <= z.base <= D(100)
        assert D(-3) <= z.adjustment <= D(2) and z.overall == z.base + z.adjustment
        for s in z.categories.values():
            assert D(0) <= s.score <= D(100)
        for s in z.indicators.values():
            assert D(0) <= s.normalised <= D(100) and D(0) <= s.percentile <= D(100)
            assert s.normalised == s.normalised.quantize(D("0.0001"))


def _is_competition_ranking(ranks: dict[str, int], scores: dict[str, D]) -> bool:
    return all(ranks[c] == 1 + sum(1 for o in scores.values() if o > s) for c, s in scores.items())


@SETTINGS
@given(fields(), PARAMS)
def test_ranks_are_competition_ranks_nationally_and_regionally(field, params):
    zones, values = field
    r = evaluate(FRAMEWORK, zones, values, params)
    zs = list(r.zones.values())
    regions = {z.region for z in zs}

    def check(rank_of, score_of):
        assert _is_competition_ranking({z.code: rank_of(z)[0] for z in zs}, {z.code: score_of(z) for z in zs})
        for region in regions:
            mine = [z for z in zs if z.region == region]
            assert _is_competition_ranking({z.code: rank_of(z)[1] for z in mine}, {z.code: score_of(z) for z in mine})

    check(lambda z: (z.rank_national, z.rank_regional), lambda z: z.overall)
    for c in ("A", "B"):
        check(lambda z: (z.categories[c].rank_national, z.categories[c].rank_regional), lambda z: z.categories[c].score)
    for node in INDICATORS:
        c = node.code
        check(lambda z: (z.indicators[c].rank_national, z.indicators[c].rank_regional),
              lambda z: z.indicators[c].normalised)
    # insertion order = national rank, then code
    assert [(z.rank_national, z.code) for z in zs] == sorted((z.rank_national, z.code) for z in zs)
    # classes follow the ranks: a better rank never gets a later band
    order = [b for b, _ in params.class_bands]
    for a in zs:
        for b in zs:
            if a.rank_national <= b.rank_national:
                assert order.index(a.class_national) <= order.index(b.class_national)


@SETTINGS
@given(fields(), PARAMS, st.data())
def test_a_better_value_never_lowers_the_zones_score(field, params, data):
    """Raising a value on a +1 indicator (or lowering it on a −1 one) never lowers that zone's normalised
    score on it, whatever the other zones report and whatever is imputed."""
    zones, values = field
    zone = data.draw(st.sampled_from(zones)).code
    node = data.draw(st.sampled_from(INDICATORS))
    if values[(zone, node.code)] is None:
        values[(zone, node.code)] = data.draw(VALUE.filter(lambda v: v is not None))
    delta = data.draw(st.integers(1, 400).map(lambda k: D(k) / 4))
    before = evaluate(FRAMEWORK, zones, values, params).zones[zone].indicators[node.code]
    better = dict(values)
    better[(zone, node.code)] = values[(zone, node.code)] + delta * node.direction
    after = evaluate(FRAMEWORK, zones, better, params).zones[zone].indicators[node.code]
    assert after.normalised >= before.normalised
    assert after.rank_national <= before.rank_national


@SETTINGS
@given(fields(min_zones=2), st.sampled_from([MINMAX, ZSCORE, RANK]))
def test_monte_carlo_without_jitter_reproduces_evaluate(field, norm):
    zones, values = field
    point = evaluate(FRAMEWORK, zones, values, Params(normalisation=norm))
    iv = rank_intervals(FRAMEWORK, zones, values, draws=5, weight_jitter=D(0), normalisations=(norm,))
    assert {c: i.median for c, i in iv.items()} == {c: D(z.rank_national) for c, z in point.zones.items()}
    assert all(i.p05 == i.median == i.p95 for i in iv.values())
    assert {c: i.regional_median for c, i in iv.items()} == {c: D(z.rank_regional) for c, z in point.zones.items()}
    assert all(i.regional_p05 == i.regional_median == i.regional_p95 for i in iv.values())


@SETTINGS
@given(fields(min_zones=2), PARAMS)
def test_scaling_every_weight_changes_nothing(field, params):
    """With the arithmetic mean, scaling every weight by the same factor changes nothing."""
    zones, values = field
    params = replace(params, aggregation="arithmetic", weights=None)
    a = evaluate(FRAMEWORK, zones, values, params)
    doubled = {n.code: n.weight * 2 for n in FRAMEWORK.nodes if n.kind in (Kind.CATEGORY, Kind.INDICATOR)}
    b = evaluate(FRAMEWORK, zones, values, replace(params, weights=doubled))
    for code, z in a.zones.items():
        assert abs(z.base - b.zones[code].base) <= D("0.0001")
