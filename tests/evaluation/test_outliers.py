"""Outlier treatment (issue 15): heavily skewed indicators are winsorised or log-transformed before
normalisation, the choice is recorded in the run and shown; the reported value stays what was reported."""

from __future__ import annotations

from decimal import Decimal as D

import numpy as np
import pytest
from django.test import Client
from hypothesis import given, settings
from hypothesis import strategies as st

from bondzone.evaluation import services
from bondzone.evaluation.domain import synthetic
from bondzone.evaluation.domain.derive import derive_values
from bondzone.evaluation.domain.engine import Params, evaluate, validate_params
from bondzone.evaluation.domain.gacc2020 import GACC_2020
from bondzone.evaluation.domain.outliers import MAX_WINSORISED, moments, outlying, treat
from bondzone.evaluation.models import EvaluationRun, Framework, SeriesValue

from ..conftest import PASSWORD
from .conftest import YEAR, build_field


def test_moments_are_the_spreadsheet_skewness_and_excess_kurtosis():
    skew, kurt = moments(np.array([0.0, 0.0, 0.0, 1.0]))  # SKEW(0,0,0,1) = 2, KURT(0,0,0,1) = 4
    assert skew == pytest.approx(2.0) and kurt == pytest.approx(4.0)
    assert moments(np.array([5.0, 5.0, 5.0, 5.0])) == (0.0, 0.0)


def test_one_extreme_value_is_winsorised_and_the_rest_is_untouched():
    values = np.array([2.0, 3, 2, 4, 3, 2, 3, 2, 3, 3, 2, 4, 3, 2, 3, 500])
    assert outlying(values)
    treated, t = treat(values, "winsorise_log")
    assert (t.method, t.points) == ("winsorise", 1) and t.skewness > 2 and t.kurtosis > 3.5
    assert treated.max() == 4 and list(treated[:-1]) == list(values[:-1])
    assert not outlying(treated)


def test_a_long_tail_beyond_five_points_is_logged_and_a_negative_skew_mirrored():
    values = np.array([1.0] * 30 + [10, 20, 50, 100, 300, 1000, 5000, 20000])
    treated, t = treat(values, "winsorise_log")
    assert t.method == "log" and t.points == 0
    assert list(np.argsort(treated, kind="stable")) == list(np.argsort(values, kind="stable"))
    mirrored, t2 = treat(-values, "winsorise_log")
    assert t2.method == "log" and t2.skewness < -2
    assert list(np.argsort(mirrored, kind="stable")) == list(np.argsort(-values, kind="stable"))


def test_rule_none_and_small_or_tame_samples_are_left_as_reported():
    skewed = np.array([1.0] * 20 + [1000])
    assert treat(skewed, "none") == (skewed, None)
    assert treat(np.array([1.0, 1, 1000]), "winsorise_log")[1] is None  # fewer than four values
    tame = np.arange(20, dtype=float)
    assert treat(tame, "winsorise_log")[1] is None


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(min_value=0, max_value=1e6, allow_nan=False), min_size=4, max_size=60))
def test_treatment_never_reverses_the_order_of_two_zones(raw):
    values = np.array(raw)
    treated, t = treat(values, "winsorise_log")
    for i in range(len(values)):
        for j in range(len(values)):
            if values[i] < values[j]:
                assert treated[i] <= treated[j]
    if t and t.method == "winsorise":
        assert 1 <= t.points <= MAX_WINSORISED


@pytest.fixture(scope="module")
def demo():
    field = synthetic.generate_field(2020, n=160)
    codes = [z.code for z in field.zones]
    return field.zone_inputs(), derive_values(GACC_2020, codes, field.values(2025), field.values(2024), field.areas())


def _under_ten(result, code):
    return sum(1 for z in result.zones.values() if z.indicators[code].normalised < 10)


def test_on_the_demo_field_treatment_lifts_the_mass_of_zones_off_the_floor(demo):
    zones, values = demo
    raw = evaluate(GACC_2020, zones, values, Params(impute="worst", outliers="none"))
    treated = evaluate(GACC_2020, zones, values, Params(impute="worst", outliers="winsorise_log"))
    assert raw.treatments == {} and treated.treatments
    for code in treated.treatments:
        assert _under_ten(treated, code) < _under_ten(raw, code)
    # the value shown is the reported one, only its score changes
    zone = next(iter(treated.zones))
    code = next(iter(treated.treatments))
    assert treated.zones[zone].indicators[code].value == raw.zones[zone].indicators[code].value


def test_an_unknown_rule_is_refused():
    problems = validate_params(Params(outliers="trim"))
    assert [(p.field, p.code) for p in problems] == [("outliers", "bad_outliers")]


@pytest.fixture
def ev(world):
    return build_field(world)


def test_a_run_records_the_treatments_and_the_run_page_shows_them(ev):
    commerce = ev.actor("commerce")
    assert ev.gacc.outliers == "winsorise_log"
    # one zone's active enterprises (S10, a raw count) a hundred times the others': one outlier to winsorise
    series = SeriesValue.objects.filter(year=YEAR, series="active_enterprises")
    series.update(value=D(10))
    series.filter(zone=ev.zone_a).update(value=D(1000))
    run = services.create_run(actor=commerce, framework_id=ev.gacc.pk, year=YEAR, draws=0)
    assert run.params["outliers"] == "winsorise_log"
    assert run.treatments["S10"]["method"] == "winsorise" and run.treatments["S10"]["points"] == 1
    assert services.reproduce_run(actor=commerce, run_id=run.pk)[0]
    c = Client()
    assert c.login(username="commerce", password=PASSWORD)
    page = c.get(f"/evaluation/runs/{run.pk}/").content.decode()
    assert 'data-testid="treatments"' in page and next(iter(run.treatments)) in page


def test_the_rule_is_a_framework_setting_and_a_bad_one_writes_nothing(ev):
    commerce = ev.actor("commerce")
    f = services.clone_framework(actor=commerce, framework_id=ev.gacc.pk, code="raw", name="raw")
    assert f.outliers == "winsorise_log"
    c = Client()
    assert c.login(username="commerce", password=PASSWORD)
    bad = c.patch(f"/api/v1/evaluation/frameworks/{f.pk}", {"outliers": "trim"},
                  content_type="application/json", HTTP_IDEMPOTENCY_KEY="o1")
    assert bad.status_code == 400 and "outliers" in bad.content.decode()
    assert Framework.objects.get(pk=f.pk).outliers == "winsorise_log"
    services.update_settings(actor=commerce, framework_id=f.pk, data={"outliers": "none"})
    run = services.create_run(actor=commerce, framework_id=f.pk, year=YEAR, draws=0)
    assert run.params["outliers"] == "none" and run.treatments == {}
    assert EvaluationRun.objects.filter(framework=f).count() == 1
    assert D(run.params["min_coverage"]) == f.min_coverage
