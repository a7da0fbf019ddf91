"""The pure evaluation engine, with hand-computed expectations (no database)."""

from __future__ import annotations

import re
from dataclasses import replace
from decimal import ROUND_HALF_UP
from decimal import Decimal as D
from pathlib import Path

import pytest

from bondzone.core.domain.errors import DomainError, NotFound
from bondzone.evaluation.domain import engine, framework, gacc2020, series, synthetic
from bondzone.evaluation.domain.derive import derive_values
from bondzone.evaluation.domain.engine import Params, ZoneInput, class_of, evaluate, validate_params
from bondzone.evaluation.domain.exitwatch import exit_watch, positions
from bondzone.evaluation.domain.framework import MESSAGES, Formula, Framework, Kind, Node, Normalisation, validate
from bondzone.evaluation.domain.gacc2020 import GACC_2020
from bondzone.evaluation.domain.profile import strengths_weaknesses
from bondzone.evaluation.domain.uncertainty import Interval, rank_intervals

MINMAX, ZSCORE, GOAL, RANK = Normalisation.MINMAX, Normalisation.ZSCORE, Normalisation.GOALPOSTS, Normalisation.RANK


# --------------------------------------------------------------------------- builders
def cat(code, weight):
    return Node(code, None, Kind.CATEGORY, code, code, weight=D(weight))


def ind(code, parent, weight, *, direction=1, norm=MINMAX, low=None, high=None, series_code="trade_total",
        formula=Formula.RAW):
    return Node(code, parent, Kind.INDICATOR, code, code, weight=D(weight), direction=direction, series=series_code,
                formula=formula, normalisation=norm, goal_low=None if low is None else D(low),
                goal_high=None if high is None else D(high))


def adj(code, kind, points, cap, series_code="smuggling_cases"):
    return Node(code, None, kind, code, code, series=series_code, points=D(points), cap=D(cap), unit="count")


def fw(*nodes):
    return Framework("t", "test", tuple(nodes))


def one_indicator(**kw):
    return fw(cat("C", 100), ind("X", "C", 100, **kw))


def zones_of(*codes, region="east"):
    return [ZoneInput(c, region) for c in codes]


def run(framework_, raw: dict, params=Params(), regions: dict | None = None):
    """raw: {zone: {node: value or None}}."""
    zs = [ZoneInput(z, (regions or {}).get(z, "east")) for z in raw]
    values = {(z, n): (None if v is None else D(str(v))) for z, row in raw.items() for n, v in row.items()}
    return evaluate(framework_, zs, values, params)


def normalised(result, node="X"):
    return {code: z.indicators[node].normalised for code, z in result.zones.items()}


def single(values, **kw):
    """Evaluate one indicator X over zones A, B, C … with the given raw values."""
    raw = {chr(65 + i): {"X": v} for i, v in enumerate(values)}
    return run(one_indicator(**kw), raw)


# --------------------------------------------------------------------------- normalisation
def test_minmax_and_its_direction():
    r = single([10, 20, 40])
    assert normalised(r) == {"A": D("0.0000"), "B": D("33.3333"), "C": D("100.0000")}
    assert [z.rank_national for z in r.zones.values()] == [1, 2, 3] and list(r.zones) == ["C", "B", "A"]
    r = single([10, 20, 40], direction=-1)
    assert normalised(r) == {"A": D("100.0000"), "B": D("66.6667"), "C": D("0.0000")}
    assert r.zones["A"].base == D("100.0000") and r.zones["A"].rank_national == 1


def test_zscore_maps_plus_minus_three_sd_linearly():
    r = single([1, 2, 3], norm=ZSCORE)  # mean 2, sd √(2/3): z = ∓1.2247 → 50 ∓ 20.4124
    assert normalised(r) == {"A": D("29.5876"), "B": D("50.0000"), "C": D("70.4124")}
    r = single([1, 2, 3], norm=ZSCORE, direction=-1)
    assert normalised(r) == {"A": D("70.4124"), "B": D("50.0000"), "C": D("29.5876")}
    # sixteen zeros and one 1: mean 1/17, sd 4/17 → z(1) = 4, clipped to 3 → 100; z(0) = −0.25 → 45.8333
    r = single([0] * 16 + [1], norm=ZSCORE)
    scores = normalised(r)
    assert scores["Q"] == D("100.0000") and set(scores.values()) == {D("100.0000"), D("45.8333")}


def test_goalposts_clip_and_do_not_special_case_a_constant():
    assert normalised(single([-10, 25, 80], norm=GOAL, low=0, high=50)) == {
        "A": D("0.0000"), "B": D("50.0000"), "C": D("100.0000")}
    assert normalised(single([-10, 25, 80], norm=GOAL, low=0, high=50, direction=-1)) == {
        "A": D("100.0000"), "B": D("50.0000"), "C": D("0.0000")}
    assert set(normalised(single([25, 25], norm=GOAL, low=0, high=50)).values()) == {D("50.0000")}


def test_rank_is_percentile_rank_with_ties_averaged():
    r = single([5, 1, 5, 3], norm=RANK)
    assert normalised(r) == {"A": D("83.3333"), "B": D("0.0000"), "C": D("83.3333"), "D": D("33.3333")}
    r = single([5, 1, 5, 3], norm=RANK, direction=-1)
    assert normalised(r) == {"A": D("16.6667"), "B": D("100.0000"), "C": D("16.6667"), "D": D("66.6667")}


@pytest.mark.parametrize("norm", [MINMAX, ZSCORE, RANK])
def test_constant_indicator_gives_everybody_50(norm):
    r = single([7, 7, 7], norm=norm)
    assert set(normalised(r).values()) == {D("50.0000")}
    assert {z.rank_national for z in r.zones.values()} == {1}
    assert {z.indicators["X"].percentile for z in r.zones.values()} == {D("50.0000")}


def test_normalisation_override():
    r = run(one_indicator(norm=GOAL, low=0, high=1000), {"A": {"X": 10}, "B": {"X": 20}, "C": {"X": 40}},
            Params(normalisation=MINMAX))
    assert normalised(r)["B"] == D("33.3333")


# --------------------------------------------------------------------------- imputation
def with_y(values, params=Params(), **kw):
    """Indicator X with these values plus a constant Y that every zone reports (so all are rated)."""
    f = fw(cat("C", 100), ind("X", "C", 50, **kw), ind("Y", "C", 50))
    return run(f, {chr(65 + i): {"X": v, "Y": 1} for i, v in enumerate(values)}, params)


def test_median_imputation_of_the_normalised_score_odd_and_even():
    r = with_y([10, 20, 40, None])
    d = r.zones["D"].indicators["X"]
    assert (d.imputed, d.normalised, d.value) == (True, D("33.3333"), D("20"))
    assert not r.zones["A"].indicators["X"].imputed
    r = with_y([0, 10, 20, 40, None])  # scores 0, 25, 50, 100 → median 37.5; value (10 + 20) / 2
    e = r.zones["E"].indicators["X"]
    assert (e.imputed, e.normalised, e.value) == (True, D("37.5000"), D("15.0000"))


def test_zero_imputation_and_reporters_unaffected():
    r = with_y([1, 2, 3, None], Params(impute="zero"), norm=ZSCORE)
    d = r.zones["D"].indicators["X"]
    assert (d.imputed, d.normalised, d.value) == (True, D("0.0000"), None)
    assert r.zones["D"].rank_national == 4
    # the zones that reported keep the scores they have without D
    assert normalised(r)["A"] == D("29.5876") and normalised(r)["C"] == D("70.4124")


def test_zone_without_data_is_unrated_and_indicator_without_data_is_left_out():
    f = fw(cat("C", 100), ind("X", "C", 50), ind("Y", "C", 50))
    r = run(f, {"A": {"X": 1, "Y": None}, "B": {"X": 3, "Y": None}, "E": {"X": None, "Y": None}})
    assert r.unrated == ("E",) and list(r.zones) == ["B", "A"] and r.zone_count == 2
    assert r.excluded_indicators == ("Y",)
    assert r.zones["B"].base == D("100.0000")  # Y's weight went to X
    y = r.zones["A"].indicators["Y"]
    assert (y.value, y.imputed, y.normalised, y.rank_national, y.percentile) == (None, True, D("0.0000"), 1,
                                                                                   D("0.0000"))
    assert r.zones["A"].coverage == D("50.0000")
    r = run(f, {"A": {"X": 1, "Y": 2}, "B": {"X": 3, "Y": None}}, Params(min_coverage=D(60)))
    assert r.unrated == ("B",) and r.zone_count == 1


# --------------------------------------------------------------------------- aggregation
TWO_CATS = fw(cat("X", 60), ind("X1", "X", 40), ind("X2", "X", 20), cat("Y", 40), ind("Y1", "Y", 40))
TWO_CATS_RAW = {"A": {"X1": 0, "X2": 100, "Y1": 0}, "B": {"X1": 50, "X2": 0, "Y1": 100},
                "C": {"X1": 100, "X2": 50, "Y1": 25}}


def test_category_scores_weighted_base_and_tied_ranks():
    r = run(TWO_CATS, TWO_CATS_RAW)
    cats = {c: (z.categories["X"].score, z.categories["Y"].score) for c, z in r.zones.items()}
    assert cats == {"A": (D("33.3333"), D("0.0000")), "B": (D("33.3333"), D("100.0000")),
                    "C": (D("83.3333"), D("25.0000"))}
    assert {c: z.base for c, z in r.zones.items()} == {"A": D("20.0000"), "B": D("60.0000"), "C": D("60.0000")}
    assert {c: z.rank_national for c, z in r.zones.items()} == {"B": 1, "C": 1, "A": 3}
    assert list(r.zones) == ["B", "C", "A"]
    assert {c: z.categories["X"].rank_national for c, z in r.zones.items()} == {"A": 2, "B": 2, "C": 1}
    assert {c: z.categories["Y"].rank_national for c, z in r.zones.items()} == {"A": 3, "B": 1, "C": 2}


def test_what_if_weights_are_renormalised():
    r = run(TWO_CATS, TWO_CATS_RAW, Params(weights={"X": D(0)}))  # only Y counts
    assert {c: z.base for c, z in r.zones.items()} == {"A": D("0.0000"), "B": D("100.0000"), "C": D("25.0000")}
    r = run(TWO_CATS, TWO_CATS_RAW, Params(weights={"X1": D(0), "X2": D(0)}))  # X falls back to equal weights
    assert r.zones["A"].categories["X"].score == D("50.0000")


def test_geometric_aggregation_with_a_floor():
    f = fw(cat("C", 100), ind("X1", "C", 50, norm=GOAL, low=0, high=100), ind("X2", "C", 50, norm=GOAL, low=0,
                                                                           high=100))
    raw = {"A": {"X1": 25, "X2": 100}, "B": {"X1": 0, "X2": 100}}
    arith = run(f, raw)
    assert (arith.zones["A"].base, arith.zones["B"].base) == (D("62.5000"), D("50.0000"))
    geo = run(f, raw, Params(aggregation="geometric"))
    assert (geo.zones["A"].base, geo.zones["B"].base) == (D("50.0000"), D("10.0000"))  # √(25·100), √(1·100)
    assert geo.zones["A"].categories["C"].score == D("50.0000")
    geo = run(f, raw, Params(aggregation="geometric", geometric_floor=D(4)))
    assert geo.zones["B"].base == D("20.0000")


# --------------------------------------------------------------------------- ranks and classes
def test_competition_ranks_nationally_and_regionally():
    f = one_indicator(norm=GOAL, low=0, high=100)
    raw = {"A": {"X": 90}, "B": {"X": 80}, "C": {"X": 80}, "D": {"X": 80}, "E": {"X": 70}, "F": {"X": 60}}
    regions = {"A": "east", "B": "east", "C": "east", "D": "west", "E": "west", "F": "east"}
    r = run(f, raw, regions=regions)
    assert {c: z.rank_national for c, z in r.zones.items()} == {"A": 1, "B": 2, "C": 2, "D": 2, "E": 5, "F": 6}
    assert {c: z.rank_regional for c, z in r.zones.items()} == {"A": 1, "B": 2, "C": 2, "F": 4, "D": 1, "E": 2}
    assert {c: z.indicators["X"].rank_national for c, z in r.zones.items()}["D"] == 2
    assert {c: z.indicators["X"].rank_regional for c, z in r.zones.items()}["F"] == 4
    assert r.region_counts == {"east": 4, "west": 2} and r.zone_count == 6
    assert list(r.zones) == ["A", "B", "C", "D", "E", "F"]
    # percentile over the normalised scores, ties averaged: F 0, E 20, B/C/D (2 + 1) / 5 = 60, A 100
    assert [z.indicators["X"].percentile for z in r.zones.values()] == [
        D("100.0000"), D("60.0000"), D("60.0000"), D("60.0000"), D("20.0000"), D("0.0000")]


def test_class_of_bands():
    bands = Params().class_bands
    assert [class_of(r, 150, bands) for r in (1, 30, 31, 105, 106, 150)] == ["A", "A", "B", "B", "C", "C"]
    assert [class_of(r, 3, bands) for r in (1, 2, 3)] == ["A", "B", "B"]  # ceil(0.6) = 1, ceil(2.1) = 3
    assert [class_of(r, 10, bands) for r in (2, 3, 7, 8)] == ["A", "B", "B", "C"]


def _field(n, scores, regions=None):
    raw = {f"Z{i:03d}": {"X": s} for i, s in enumerate(scores)}
    return run(one_indicator(norm=GOAL, low=0, high=1000), raw, regions=regions)


def test_150_zones_make_30_a_and_a_tie_at_the_boundary_is_not_split():
    r = _field(150, [1000 - i for i in range(150)])
    classes = [z.class_national for z in r.zones.values()]
    assert classes.count("A") == 30 and classes.count("B") == 75 and classes.count("C") == 45
    scores = [1000 - i for i in range(150)]
    scores[30] = scores[29]  # the 31st ties with the 30th
    r = _field(150, scores)
    z30, z31 = r.zones["Z029"], r.zones["Z030"]
    assert (z30.rank_national, z31.rank_national) == (30, 30)
    assert (z30.class_national, z31.class_national) == ("A", "A")
    assert [z.class_national for z in r.zones.values()].count("A") == 31
    assert r.zones["Z031"].class_national == "B"


def test_regional_classes_use_the_region_count():
    regions = {f"Z{i:03d}": ("east" if i < 10 else "west") for i in range(15)}
    r = _field(15, [100 - i for i in range(15)], regions)
    east = [z.class_regional for z in r.zones.values() if z.region == "east"]
    west = [z.class_regional for z in r.zones.values() if z.region == "west"]
    assert east == ["A", "A", "B", "B", "B", "B", "B", "C", "C", "C"]  # ceil(2), ceil(7)
    assert west == ["A", "B", "B", "B", "C"]  # ceil(1), ceil(3.5) = 4
    # nationally (n = 15): A up to rank ceil(3) = 3, B up to ceil(10.5) = 11
    assert r.zones["Z010"].rank_national == 11 and r.zones["Z010"].class_national == "B"
    assert (r.zones["Z010"].rank_regional, r.zones["Z010"].class_regional) == (1, "A")


# --------------------------------------------------------------------------- bonus / penalty
def test_bonus_and_penalty_points_are_capped():
    f = fw(cat("C", 100), ind("X", "C", 100, norm=GOAL, low=0, high=100),
           adj("B1", Kind.BONUS, "1.5", "4", "innovation_pilots"), adj("P1", Kind.PENALTY, "2", "5"))
    raw = {"A": {"X": 50, "B1": 2, "P1": 1}, "B": {"X": 50, "B1": 5, "P1": 3}, "C": {"X": 50, "B1": -3, "P1": None}}
    r = run(f, raw)
    a, b, c = r.zones["A"], r.zones["B"], r.zones["C"]
    assert a.adjustments == {"B1": D("3.0000"), "P1": D("-2.0000")} and a.adjustment == D("1.0000")
    assert b.adjustments == {"B1": D("4.0000"), "P1": D("-5.0000")} and b.adjustment == D("-1.0000")
    assert c.adjustment == D("0.0000") and [str(v) for v in c.adjustments.values()] == ["0.0000", "0.0000"]
    assert (a.overall, b.overall, c.overall) == (D("51.0000"), D("49.0000"), D("50.0000"))
    assert [z.code for z in r.zones.values()] == ["A", "C", "B"]


# --------------------------------------------------------------------------- derive
def test_derive_raw_per_km2_and_yoy():
    f = fw(cat("C", 100), ind("R", "C", 25), ind("K", "C", 25, formula=Formula.PER_KM2),
           ind("G", "C", 50, formula=Formula.YOY), adj("P", Kind.PENALTY, 1, 2))
    current = {("A", "trade_total"): D("100"), ("B", "trade_total"): D("10"), ("C", "trade_total"): D("-25"),
               ("A", "smuggling_cases"): D(2)}
    previous = {("A", "trade_total"): D("80"), ("B", "trade_total"): D("0"), ("C", "trade_total"): D("-50")}
    area = {"A": D("3"), "B": D("0")}
    out = derive_values(f, ["A", "B", "C", "E"], current, previous, area)
    assert out[("A", "R")] == D("100.0000") and out[("A", "K")] == D("33.3333") and out[("A", "G")] == D("25.0000")
    assert out[("B", "K")] is None and out[("B", "G")] is None  # area 0, previous 0
    assert out[("C", "K")] is None and out[("C", "G")] == D("50.0000")  # no area; −25 vs −50 is +50 %
    assert out[("E", "R")] is None and out[("E", "G")] is None  # no data at all
    assert out[("A", "P")] == D("2.0000") and out[("B", "P")] is None
    assert len(out) == 4 * 4


def test_derive_on_the_gacc_framework_covers_every_indicator_and_item():
    field = synthetic.generate_field(3, n=6)
    codes = [z.code for z in field.zones]
    out = derive_values(GACC_2020, codes, field.values(2024), field.values(2023), field.areas())
    assert len(out) == 6 * 35 and all(v is not None for v in out.values())
    z = codes[0]
    expected = (field.series[(z, "trade_total", 2024)] / field.areas()[z]).quantize(D("0.0001"), ROUND_HALF_UP)
    assert out[(z, "Q01")] == expected


# --------------------------------------------------------------------------- validate
def codes(problems):
    return sorted(p.code for p in problems)


def rendered(problems):
    """Every problem renders in both languages with its own parameters."""
    out = []
    for p in problems:
        en, zh = MESSAGES[p.code]
        out.append((en.format(**p.params), zh.format(**p.params)))
    return out


def test_gacc_2020_is_valid_and_complete():
    assert validate(GACC_2020) == []
    assert len(GACC_2020.indicators()) == 27 and len(GACC_2020.adjustments()) == 8
    assert [(c.code, c.weight) for c in GACC_2020.categories()] == [
        ("S", D(50)), ("Q", D(20)), ("L", D(10)), ("R", D(10)), ("I", D(10))]
    sizes = {c.code: len(GACC_2020.children(c.code)) for c in GACC_2020.categories()}
    assert sizes == {"S": 10, "Q": 8, "L": 3, "R": 4, "I": 2}
    assert {n.weight for n in GACC_2020.children("S")} == {D(5)}
    assert {n.weight for n in GACC_2020.children("Q")} == {D("2.5")}
    assert GACC_2020.node("R").weight_assumed and GACC_2020.node("I").weight_assumed
    assert not GACC_2020.node("S01").weight_assumed
    assert GACC_2020.node("Q01").formula == Formula.PER_KM2 and GACC_2020.node("Q07").formula == Formula.YOY
    kinds = [n.kind for n in GACC_2020.adjustments()]
    assert kinds.count(Kind.BONUS) == 4 and kinds.count(Kind.PENALTY) == 4
    assert all(n.points > 0 and n.cap > 0 for n in GACC_2020.adjustments())
    for code in ("trade_total", "trade_processing", "trade_logistics", "trade_general", "active_enterprises",
                 "leasing_trade"):
        assert series.SERIES[code].source == "platform"
    assert all(s.source in series.SOURCES for s in series.SERIES.values())
    assert {n.series for n in GACC_2020.nodes if n.kind != Kind.CATEGORY} <= set(series.SERIES)


def test_validate_weights_not_summing():
    f = fw(cat("A", 60), ind("A1", "A", 30), ind("A2", "A", 20), cat("B", 30), ind("B1", "B", 30))
    problems = validate(f)
    assert codes(problems) == ["weights_do_not_sum", "weights_do_not_sum"]
    by_parent = {p.params["parent"]: p.params for p in problems}
    assert by_parent["root"] == {"parent": "root", "expected": "100", "actual": "90"}
    assert by_parent["A"] == {"parent": "A", "expected": "60", "actual": "50"}
    assert ("The weights under root sum to 90; they must sum to 100.", "root 下的权重合计为 90，应为 100。") in rendered(problems)


def test_validate_cycle_and_unknown_parent():
    f = fw(cat("A", 100), ind("A1", "A", 100), Node("X", "Y", Kind.CATEGORY, "x", "x"),
           Node("Y", "X", Kind.INDICATOR, "y", "y", series="revenue"), ind("Z1", "NOPE", 0), ind("Q1", "A1", 0))
    problems = validate(f)
    cyc = [p for p in problems if p.code == "cycle"]
    assert sorted(p.params["code"] for p in cyc) == ["X", "Y"] and cyc[0].params["path"] == "X → Y → X"
    unknown = [p for p in problems if p.code == "unknown_parent"]
    assert [(p.field, p.params) for p in unknown] == [("nodes.Z1.parent", {"code": "Z1", "parent": "NOPE"})]
    assert codes(problems) == ["category_with_parent", "cycle", "cycle", "parent_not_category", "unknown_parent"]
    assert rendered(problems)


def test_validate_goalposts_duplicates_direction_and_adjustments():
    f = fw(cat("A", 100), ind("A1", "A", 26, norm=GOAL), ind("A2", "A", 25, norm=GOAL, low=5, high=5),
           ind("A3", "A", 25, direction=0), ind("A3", "A", 25), ind("A4", "A", 25, series_code="nope"),
           Node("P", None, Kind.PENALTY, "p", "p", series="smuggling_cases", points=D(1)),
           Node("B", None, Kind.BONUS, "b", "b", series="first_cases", points=D(0), cap=D(-1)),
           cat("E", 0), ind("N", None, 0), ind("W", "A", -1))
    problems = validate(f)
    assert codes(problems) == sorted([
        "goalposts_missing", "goalposts_order", "bad_direction", "duplicate_code", "unknown_series",
        "adjustment_needs_points_and_cap", "adjustment_needs_points_and_cap", "empty_category",
        "indicator_without_category", "negative_weight"])
    fields = {p.code: p.field for p in problems}
    assert fields["goalposts_order"] == "nodes.A2.goal_high" and fields["duplicate_code"] == "nodes.A3.code"
    assert fields["negative_weight"] == "nodes.W.weight"
    assert sorted(p.field for p in problems if p.code == "adjustment_needs_points_and_cap") == ["nodes.B.points",
                                                                                                 "nodes.P.cap"]
    text = dict(zip([p.code for p in problems], rendered(problems)))
    assert text["goalposts_missing"][0] == "A1 is normalised with goalposts but has no low and high goalpost."
    assert text["goalposts_order"][1] == "A2 的目标值下限（5）必须小于上限（5）。"


def test_validate_reports_a_framework_without_indicators():
    assert codes(validate(fw())) == ["no_indicators"]


def test_every_problem_code_has_english_and_chinese_messages():
    src = Path(framework.__file__).parent
    used = set()
    for path in src.glob("*.py"):
        used |= set(re.findall(r'\bprob\(\s*[^,]+,\s*"([a-z_]+)"', path.read_text(encoding="utf-8")))
    assert len(used) > 30
    assert used <= set(MESSAGES), used - set(MESSAGES)
    for code, (en, zh) in MESSAGES.items():
        assert en and zh and set(re.findall(r"{(\w+)}", en)) == set(re.findall(r"{(\w+)}", zh)), code


# --------------------------------------------------------------------------- parameters
def test_validate_params():
    assert validate_params(Params(), GACC_2020) == []
    assert codes(validate_params(Params(aggregation="median", impute="em"))) == ["bad_aggregation", "bad_impute"]
    for bands in [(("A", D(20)), ("B", D(90))), (("A", D(50)), ("B", D(20)), ("C", D(100))),
                  (("A", D(20)), ("A", D(100))), (), (("", D(100)),)]:
        assert codes(validate_params(Params(class_bands=bands))) == ["bad_class_bands"], bands
    assert codes(validate_params(Params(weights={"S": D(-1), "AUX1": D(1), "nope": D(1)}), GACC_2020)) == [
        "negative_weight", "unknown_weight_node", "unknown_weight_node"]
    goal = validate_params(Params(normalisation=GOAL), GACC_2020)
    assert {p.code for p in goal} == {"goalposts_missing"} and len(goal) == 27 - 5
    assert codes(validate_params(Params(geometric_floor=D(0), min_coverage=D(101)))) == ["bad_floor",
                                                                                          "bad_min_coverage"]


def test_evaluate_refuses_bad_input():
    with pytest.raises(DomainError) as e:
        run(one_indicator(), {"A": {"X": 1}}, Params(aggregation="median"))
    assert e.value.problems[0].code == "bad_aggregation"
    with pytest.raises(DomainError) as e:
        evaluate(one_indicator(), [ZoneInput("A", "east"), ZoneInput("A", "west")], {})
    assert e.value.problems[0].code == "duplicate_zone"
    with pytest.raises(DomainError):
        evaluate(fw(cat("A", 50), ind("A1", "A", 50)), zones_of("A"), {("A", "A1"): D(1)})
    assert evaluate(one_indicator(), [], {}).zone_count == 0


# --------------------------------------------------------------------------- exit watch
def test_exit_watch():
    def pos(rank_n, rank_r, n=20, r=8):
        return (rank_n, n, rank_r, r)

    history = [
        {"W": pos(19, 8), "N": pos(16, 8), "Z": pos(20, 8)},  # oldest
        {"W": pos(20, 7), "N": pos(17, 3), "Y": pos(18, 8), "Z": pos(1, 1)},
        {"W": pos(16, 4), "N": pos(18, 8), "Y": pos(20, 8), "Z": pos(19, 8), "B": pos(15, 8)},
    ]
    # W: bottom 5 both ways in the last two runs (16 > 20 − 5, 4 > 8 − 5); N: not regionally in run 2;
    # Y: 18 > 15 both; Z: not in run 2; B: 15 is not > 15
    assert exit_watch(history) == ["W", "Y"]
    assert exit_watch(history, consecutive=3) == ["W"]
    assert exit_watch(history, consecutive=1) == ["N", "W", "Y", "Z"]
    assert exit_watch(history, bottom=1, consecutive=1) == ["Y"]
    assert exit_watch(history[:1], consecutive=2) == []
    history[1].pop("Y")
    assert exit_watch(history) == ["W"]
    with pytest.raises(DomainError):
        exit_watch(history, bottom=0)


def test_exit_watch_from_results_of_the_synthetic_field():
    field = synthetic.generate_field(7, n=80)
    codes_ = [z.code for z in field.zones]
    history = []
    for year in (2024, 2025):
        values = derive_values(GACC_2020, codes_, field.values(year), field.values(year - 1), field.areas())
        history.append(positions(evaluate(GACC_2020, field.zone_inputs(), values)))
    watched = exit_watch(history)
    assert watched and set(watched) <= set(field.weak)


# --------------------------------------------------------------------------- profile
def test_strengths_and_weaknesses():
    f = fw(cat("C", 100), *[ind(f"X{i}", "C", 20, norm=GOAL, low=0, high=100) for i in range(5)])
    raw = {"A": {"X0": 10, "X1": 90, "X2": 50, "X3": 90, "X4": None},
           "B": {"X0": 20, "X1": 10, "X2": 50, "X3": 10, "X4": 5},
           "C": {"X0": 30, "X1": 50, "X2": 50, "X3": 50, "X4": 6}}
    r = run(f, raw)
    best, worst = strengths_weaknesses(r, "A", k=2)
    assert best == [("X1", D("100.0000")), ("X3", D("100.0000"))]
    assert worst == [("X0", D("0.0000")), ("X2", D("50.0000"))]  # X4 is imputed: skipped
    best, _ = strengths_weaknesses(r, "C", k=5)
    assert [c for c, _ in best] == ["X0", "X4", "X1", "X2", "X3"]
    with pytest.raises(NotFound):
        strengths_weaknesses(r, "nope")


# --------------------------------------------------------------------------- Monte Carlo
@pytest.fixture(scope="module")
def gacc_field():
    field = synthetic.generate_field(11, n=40)
    codes_ = [z.code for z in field.zones]
    values = derive_values(GACC_2020, codes_, field.values(2025), field.values(2024), field.areas())
    return field.zone_inputs(), values


def test_rank_intervals_are_reproducible_and_ordered(gacc_field):
    zones, values = gacc_field
    a = rank_intervals(GACC_2020, zones, values, draws=200, seed=5)
    b = rank_intervals(GACC_2020, list(reversed(zones)), values, draws=200, seed=5)
    assert a == b and list(a) == sorted(a) and len(a) == 40
    assert all(i.p05 <= i.median <= i.p95 for i in a.values())
    assert all(D(1) <= i.p05 and i.p95 <= D(40) for i in a.values())
    assert any(i.p05 < i.p95 for i in a.values())  # weights and methods do move some ranks
    size = {r: sum(1 for z in zones if z.region == r) for r in {z.region for z in zones}}
    region = {z.code: z.region for z in zones}
    for code, i in a.items():  # regional ranks: within the board, never worse than the national ones
        assert D(1) <= i.regional_p05 <= i.regional_median <= i.regional_p95 <= D(size[region[code]])
        assert i.regional_median <= i.median
    c = rank_intervals(GACC_2020, zones, values, draws=200, seed=6)
    assert set(c) == set(a)  # a different seed may give different intervals, over the same zones


@pytest.mark.parametrize("norm", [MINMAX, ZSCORE, RANK])
def test_rank_intervals_collapse_without_jitter(gacc_field, norm):
    zones, values = gacc_field
    point = evaluate(GACC_2020, zones, values, Params(normalisation=norm))
    iv = rank_intervals(GACC_2020, zones, values, draws=50, weight_jitter=D(0), normalisations=(norm,))
    for code, z in point.zones.items():
        r, g = D(z.rank_national), D(z.rank_regional)
        assert iv[code] == Interval(r, r, r, g, g, g), code


def test_rank_intervals_collapse_on_ties():
    iv = rank_intervals(TWO_CATS, zones_of("A", "B", "C"), {
        (z, n): D(v) for z, row in TWO_CATS_RAW.items() for n, v in row.items()},
        draws=20, weight_jitter=D(0), normalisations=(MINMAX,))
    assert {c: i.median for c, i in iv.items()} == {"A": D(3), "B": D(1), "C": D(1)}


def test_rank_intervals_refuse_bad_input(gacc_field):
    zones, values = gacc_field
    for kw, code in [({"draws": 0}, "draws_out_of_range"), ({"weight_jitter": D(1)}, "bad_jitter"),
                     ({"normalisations": ()}, "no_normalisations"),
                     ({"normalisations": (GOAL,)}, "goalposts_missing")]:
        with pytest.raises(DomainError) as e:
            rank_intervals(GACC_2020, zones, values, **kw)
        assert e.value.problems[0].code == code


# --------------------------------------------------------------------------- synthetic field
def test_synthetic_field_is_reproducible_and_complete():
    a, b = synthetic.generate_field(42, n=60), synthetic.generate_field(42, n=60)
    assert a == b and a != synthetic.generate_field(43, n=60)
    assert [z.code for z in a.zones] == [f"SYN{i:03d}" for i in range(1, 61)]
    assert len(a.series) == 60 * len(series.SERIES) * 4
    regions = [z.region for z in a.zones]
    assert (regions.count("east"), regions.count("central"), regions.count("west_northeast")) == (33, 12, 15)
    assert all(D("0.4") <= z.area_km2 <= D(10) for z in a.zones)
    assert len(a.weak) == 2
    # bigger trade in the strong years: the field's median zone grows between the first and last year
    first = sorted(a.series[(z.code, "trade_total", 2022)] for z in a.zones)[30]
    last = sorted(a.series[(z.code, "trade_total", 2025)] for z in a.zones)[30]
    assert last > first


def test_params_are_replaceable():
    p = replace(Params(), impute="zero")
    assert p.impute == "zero" and p.class_bands[0] == ("A", D(20))
    assert engine.SCALE == 10_000 and gacc2020.GACC_2020.code == "gacc-2020"
