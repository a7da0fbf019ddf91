"""The Monte Carlo covers the published method (issue 15): the framework's own normalisation and
aggregation, the missing-value rule, the outlier treatment and the bonus / penalty points vary too, and a
published rank outside its own interval is a failed run that cannot be published."""

from __future__ import annotations

import io
import json
from dataclasses import replace
from decimal import Decimal as D

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from bondzone.evaluation import services
from bondzone.evaluation.domain import synthetic
from bondzone.evaluation.domain.derive import derive_values
from bondzone.evaluation.domain.engine import Params, evaluate
from bondzone.evaluation.domain.gacc2020 import GACC_2020
from bondzone.evaluation.domain.uncertainty import (
    DEFAULT_NORMALISATIONS,
    FACTORS,
    Factors,
    rank_intervals,
    sensitivity_indices,
)
from bondzone.evaluation.models import DEFAULT_MIN_COVERAGE, EvaluationRun, ZoneResult

from ..conftest import PASSWORD
from .conftest import YEAR, build_field

SHIPPED = Params(impute="worst", min_coverage=DEFAULT_MIN_COVERAGE, outliers="winsorise_log")


@pytest.fixture(scope="module")
def demo():
    field = synthetic.generate_field(2020, n=160)
    codes = [z.code for z in field.zones]
    return field.zone_inputs(), derive_values(GACC_2020, codes, field.values(2025), field.values(2024), field.areas())


def _outside(zones, values, params, factors):
    published = evaluate(GACC_2020, zones, values, params)
    iv = rank_intervals(GACC_2020, zones, values, params, draws=500, seed=0, factors=factors)
    return [c for c, z in published.zones.items()
            if not (iv[c].p05 <= z.rank_national <= iv[c].p95
                    and iv[c].regional_p05 <= z.rank_regional <= iv[c].regional_p95)]


@pytest.mark.parametrize("aggregation", ["arithmetic", "geometric"])
def test_on_the_demo_field_every_published_rank_is_inside_its_own_interval(demo, aggregation):
    zones, values = demo
    params = replace(SHIPPED, aggregation=aggregation)
    assert _outside(zones, values, params, FACTORS[2]) == []


def test_the_first_method_left_geometric_ranks_outside_their_intervals(demo):
    zones, values = demo  # what issue 15 measured: the draws never used the framework's own choices
    assert len(_outside(zones, values, replace(SHIPPED, aggregation="geometric"), FACTORS[1])) > 20


def test_version_one_is_the_old_monte_carlo_so_old_runs_reproduce(demo):
    zones, values = demo
    params = Params(impute="median")
    old = rank_intervals(GACC_2020, zones, values, params, draws=100, seed=3, normalisations=DEFAULT_NORMALISATIONS)
    assert rank_intervals(GACC_2020, zones, values, params, draws=100, seed=3, factors=FACTORS[1]) == old
    assert rank_intervals(GACC_2020, zones, values, params, draws=100, seed=3, factors=FACTORS[2]) != old


def test_varied_points_move_ranks_only_through_the_bonus_and_penalty_items(demo):
    zones, values = demo
    no_points = replace(FACTORS[2], points=False)
    a = rank_intervals(GACC_2020, zones, values, SHIPPED, draws=200, seed=1, factors=no_points)
    b = rank_intervals(GACC_2020, zones, values, SHIPPED, draws=200, seed=1, factors=FACTORS[2])
    assert a != b


@pytest.fixture
def ev(world):
    return build_field(world)


def test_a_run_with_a_rank_outside_its_interval_is_not_published(ev):
    commerce = ev.actor("commerce")
    run = services.create_run(actor=commerce, framework_id=ev.gacc.pk, year=YEAR, draws=200)
    assert run.params["mc"] == 2
    c = Client()
    assert c.login(username="commerce", password=PASSWORD)
    assert 'data-testid="outside-interval"' not in c.get(f"/evaluation/runs/{run.pk}/").content.decode()
    first = ZoneResult.objects.filter(run=run).order_by("rank_national").first()
    ZoneResult.objects.filter(pk=first.pk).update(mc_p05=D(first.rank_national + 1), mc_p95=D(first.rank_national + 3))
    refused = c.post(f"/api/v1/evaluation/runs/{run.pk}/publish", {"public": True}, content_type="application/json",
                     HTTP_IDEMPOTENCY_KEY="p1")
    assert refused.status_code == 400 and first.zone.code in refused.content.decode()
    assert not EvaluationRun.objects.get(pk=run.pk).public
    assert 'data-testid="outside-interval"' in c.get(f"/evaluation/runs/{run.pk}/").content.decode()
    ZoneResult.objects.filter(pk=first.pk).update(mc_p05=D(first.rank_national), mc_p95=D(first.rank_national))
    services.publish_run(actor=commerce, run_id=run.pk, public=True)
    assert EvaluationRun.objects.get(pk=run.pk).public


def test_sobol_indices_of_a_single_factor_take_all_the_variance(demo):
    zones, values = demo  # only the weights vary: their first-order and total index are both ≈ 1
    (only,) = sensitivity_indices(GACC_2020, zones, values, SHIPPED, draws=256, factors=Factors(normalisations=(None,)))
    assert only.factor == "weights" and abs(only.first_order - 1) < D("0.05") and abs(only.total - 1) < D("0.05")


def test_sobol_indices_on_the_demo_field_name_the_factors_that_move_ranks(demo):
    zones, values = demo
    found = {s.factor: s for s in sensitivity_indices(GACC_2020, zones, values, SHIPPED, draws=256, factors=FACTORS[2])}
    assert list(found) == ["weights", "normalisation", "impute", "outliers", "points"]
    # the demo field has no gaps and every skewed indicator is logged under both treatments: no effect
    assert found["impute"].total == 0 and found["outliers"].total == 0
    assert found["normalisation"].total > found["weights"].total > found["points"].total > 0
    for s in found.values():
        assert s.first_order <= s.total + D("0.05")  # interactions only add


def test_the_cli_reports_the_indices_of_a_run_and_refuses_a_bad_sample_size(world):
    ev = build_field(world)
    run = services.create_run(actor=ev.actor("commerce"), framework_id=ev.gacc.pk, year=YEAR, draws=0)
    out = io.StringIO()
    call_command("evaluation_sensitivity", run=str(run.pk), user="commerce", draws="32", format="json", stdout=out)
    assert [row["factor"] for row in json.loads(out.getvalue())] == ["weights", "normalisation", "impute",
                                                                       "outliers", "points"]
    with pytest.raises(CommandError, match="draws"):
        call_command("evaluation_sensitivity", run=str(run.pk), user="commerce", draws="5")
