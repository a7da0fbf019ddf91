"""Evaluation runs: create (frozen inputs), sensitivity, reproduce, publish."""

from __future__ import annotations

import hashlib
import json
import time
from decimal import Decimal
from typing import Any

from django.db import transaction

from bondzone.core import audit, idempotency
from bondzone.core.actor import Actor
from bondzone.core.domain.errors import DomainError, Problem, problem
from bondzone.core.domain.inputs import BIGINT, collect_int, collect_text
from bondzone.core.scoping import get_scoped

from .. import selectors
from ..domain import framework as fw
from ..domain.assumptions import Assumption, assumptions_of
from ..domain.derive import derive_values
from ..domain.engine import Params, ZoneInput, evaluate, validate_params
from ..domain.series import SERIES, counting_revision
from ..domain.uncertainty import FACTORS as MC_FACTORS
from ..domain.uncertainty import Sensitivity, rank_intervals, sensitivity_indices
from ..models import EvalZone, EvaluationRun, Framework, NodeScore, SeriesValue, ZoneArea, ZoneResult
from .common import DEFAULT_BANDS, parse_year, refuse_if
from .frameworks import node_from_json, node_to_json, to_domain

MAX_DRAWS = 5000

# series derived from the zone's areas when no value was entered for them
AREA_SERIES = {
    "approved_area_accepted_rate": lambda a: a.accepted_km2 / a.planned_km2 * 100,
    "fence_developed_rate": lambda a: (a.developed_km2 / a.fenced_km2 * 100) if a.fenced_km2 else None,
}


def _current_values(year: int, zone_ids) -> dict[tuple[int, str, int], tuple[Decimal, int, str]]:
    """{(zone id, series, year): (value, revision, source)} of the revision that counts (an official one
    before a computed one, then the newest: series.counting_revision), for the year and the one before."""
    revisions: dict[tuple[int, str, int], list] = {}
    for zid, series, y, value, rev, source in (
            SeriesValue.objects.filter(year__in=(year, year - 1), zone_id__in=zone_ids)
            .values_list("zone_id", "series", "year", "value", "revision", "source")):
        revisions.setdefault((zid, series, y), []).append((rev, source, value))
    out = {}
    for key, revs in revisions.items():
        rev, source, value = counting_revision(revs)
        out[key] = (value, rev, source)
    return out


def gather_inputs(framework: Framework, year: int) -> dict:
    """Everything a run needs, as plain JSON: the zones taking part, their areas and the newest
    revision of every value for the year and the year before."""
    zones = [z for z in EvalZone.objects.order_by("code") if z.takes_part(year)]
    if not zones:
        raise DomainError(problem("year", "no_zones_to_evaluate", year=year))
    ids = [z.pk for z in zones]
    areas = {a.zone_id: a for a in ZoneArea.objects.filter(zone_id__in=ids, year=year)}
    values = _current_values(year, ids)
    zone_rows, value_rows = [], []
    for z in zones:
        a = areas.get(z.pk)
        zone_rows.append({"id": z.pk, "code": z.code, "region": z.region, "synthetic": z.synthetic,
                          "area_km2": str(a.accepted_km2 or a.planned_km2) if a else None})
        for series, rule in AREA_SERIES.items():
            if a is not None and (z.pk, series, year) not in values and series in SERIES:
                derived = rule(a)
                if derived is not None:
                    value_rows.append([z.code, series, year, str(Decimal(derived).quantize(Decimal("0.0001"))), 0,
                                       "area"])
    code_of = {z.pk: z.code for z in zones}
    for (zid, series, y), (value, rev, source) in values.items():
        value_rows.append([code_of[zid], series, y, str(value), rev, source])
    value_rows.sort()
    return {"year": year, "zones": zone_rows, "values": value_rows}


def _frozen(snapshot: list[dict], params_json: dict, inputs: dict):
    """The engine's inputs from a run's frozen JSON: framework, zones, indicator values, parameters."""
    definition = fw.Framework(code="run", name="run", nodes=tuple(node_from_json(n) for n in snapshot))
    year = inputs["year"]
    codes = [z["code"] for z in inputs["zones"]]
    current, previous = {}, {}
    for code, series, y, value, *_revision_and_source in inputs["values"]:
        (current if y == year else previous)[(code, series)] = Decimal(value)
    areas = {z["code"]: Decimal(z["area_km2"]) for z in inputs["zones"] if z["area_km2"] is not None}
    values = derive_values(definition, codes, current, previous, areas)
    zones = [ZoneInput(code=z["code"], region=z["region"]) for z in inputs["zones"]]
    return definition, zones, values, params_from_json(params_json)


def compute(snapshot: list[dict], params_json: dict, inputs: dict, draws: int, seed: int):
    """Pure recomputation from frozen JSON (used by create_run and reproduce_run)."""
    definition, zones, values, params = _frozen(snapshot, params_json, inputs)
    result = evaluate(definition, zones, values, params)
    factors = MC_FACTORS[params_json.get("mc", 1)]
    intervals = rank_intervals(definition, zones, values, params, draws=draws, seed=seed, factors=factors) if draws else {}
    return result, intervals


MC_VERSION = max(MC_FACTORS)  # what a new run's Monte Carlo varies (uncertainty.FACTORS)


def run_assumptions(run: EvaluationRun) -> list[Assumption]:
    """What the run rests on that GACC did not publish, from its frozen framework and parameters."""
    definition = fw.Framework(code="run", name="run", nodes=tuple(node_from_json(n) for n in run.framework_snapshot))
    return assumptions_of(definition, params_from_json(run.params))


def params_from_json(p: dict) -> Params:
    return Params(aggregation=p.get("aggregation", "arithmetic"),
                  class_bands=tuple((n, Decimal(s)) for n, s in p.get("class_bands") or DEFAULT_BANDS),
                  impute=p.get("impute", "median"), min_coverage=Decimal(p.get("min_coverage", "0")),
                  outliers=p.get("outliers", "none"))


def treatments_json(result) -> dict:
    return {code: {"method": t.method, "points": t.points, "skewness": round(t.skewness, 4),
                   "kurtosis": round(t.kurtosis, 4)} for code, t in result.treatments.items()}


def result_hash(result, intervals) -> str:
    body = {"zones": {code: _zone_json(z) for code, z in result.zones.items()},
            "intervals": {c: [str(i.median), str(i.p05), str(i.p95), str(i.regional_median), str(i.regional_p05),
                              str(i.regional_p95)] for c, i in sorted(intervals.items())}}
    return hashlib.sha256(json.dumps(body, sort_keys=True, default=str).encode()).hexdigest()


def _zone_json(z) -> dict:
    return {"base": str(z.base), "adjustment": str(z.adjustment), "overall": str(z.overall),
            "ranks": [z.rank_national, z.rank_regional, z.class_national, z.class_regional],
            "categories": {c: [str(s.score), s.rank_national, s.rank_regional] for c, s in sorted(z.categories.items())},
            "indicators": {c: [str(s.value), s.imputed, str(s.normalised), s.rank_national, s.rank_regional,
                               str(s.percentile)] for c, s in sorted(z.indicators.items())}}


def create_run(*, actor: Actor, framework_id: Any, year: Any, draws: Any = 1000, seed: Any = 0, label: str = "",
               sensitivity_draws: Any = 0, idempotency_key: str | None = None) -> EvaluationRun:
    """Evaluate `year` with the framework and freeze the run; with `sensitivity_draws` N > 0 (and Monte
    Carlo draws) also its Sobol indices, from the same frozen inputs and seed (see store_sensitivity)."""
    actor.require("evaluation.manage")
    framework = get_scoped(Framework, actor, framework_id)
    problems: list[Problem] = []
    y = parse_year(year, "year", problems)
    n_draws = collect_int(draws, "draws", problems, required=True) or 0
    if not 0 <= n_draws <= MAX_DRAWS:
        problems.append(problem("draws", "draws_out_of_range", min=0, max=MAX_DRAWS))
    n_seed = collect_int(seed, "seed", problems, lo=BIGINT[0], hi=BIGINT[1]) or 0
    label = collect_text(label, "label", problems, max_length=200)
    n_sensitivity, _ = _sensitivity_args(sensitivity_draws or 0, n_seed, problems, allow_zero=True)
    if n_sensitivity and not n_draws:
        problems.append(problem("sensitivity_draws", "sensitivity_without_monte_carlo"))
    refuse_if(problems)
    definition = to_domain(framework)
    params_json = {"aggregation": framework.aggregation, "impute": framework.impute,
                   "class_bands": framework.class_bands or DEFAULT_BANDS, "min_coverage": str(framework.min_coverage),
                   "outliers": framework.outliers, "mc": MC_VERSION}
    refuse_if(fw.validate(definition) + validate_params(params_from_json(params_json)))

    def work() -> dict:
        run = _create_run(actor, framework, definition, params_json, y, n_draws, n_seed, label, n_sensitivity)
        return {"id": run.pk}

    if idempotency_key:
        payload = {"framework_id": framework.pk, "year": y, "draws": n_draws, "seed": n_seed, "label": label}
        if n_sensitivity:
            payload["sensitivity_draws"] = n_sensitivity
        result, _ = idempotency.run(actor, idempotency_key, "evaluation.create_run", payload, work)
        return EvaluationRun.objects.get(pk=result["id"])
    with transaction.atomic():
        return EvaluationRun.objects.get(pk=work()["id"])


def _create_run(actor, framework, definition, params_json, year, draws, seed, label,
                sensitivity_draws: int = 0) -> EvaluationRun:
    started = time.perf_counter()
    inputs = gather_inputs(framework, year)
    snapshot = [node_to_json(n) for n in definition.nodes]
    result, intervals = compute(snapshot, params_json, inputs, draws, seed)
    if not result.zones:
        raise DomainError(problem("year", "no_rated_zones", year=year))
    run = EvaluationRun.objects.create(
        framework=framework, year=year, label=label, params=params_json, framework_snapshot=snapshot, inputs=inputs,
        draws=draws, seed=seed, result_hash=result_hash(result, intervals), zone_count=len(result.zones),
        treatments=treatments_json(result),
        synthetic=any(z["synthetic"] for z in inputs["zones"]), created_by_id=actor.user_id)
    zone_ids = {z["code"]: z["id"] for z in inputs["zones"]}
    _store_results(run, result, intervals, zone_ids)
    run.duration_ms = int((time.perf_counter() - started) * 1000)  # the evaluation, not the indices
    if sensitivity_draws:
        run.sensitivity = _sensitivity_of(run, sensitivity_draws, seed)
    run.save(update_fields=["duration_ms", "sensitivity"])
    audit.record(actor, "evaluation.run_created", run,
                 after={"framework": framework.code, "year": year, "zones": run.zone_count, "draws": draws,
                        "seed": seed, "hash": run.result_hash,
                        **({"sensitivity_draws": sensitivity_draws} if sensitivity_draws else {})})
    return run


def _store_results(run, result, intervals, zone_ids) -> None:
    results, scores = [], []
    for code, z in result.zones.items():
        iv = intervals.get(code)
        results.append(ZoneResult(
            run=run, zone_id=zone_ids[code], region=z.region, base=z.base, adjustment=z.adjustment, overall=z.overall,
            rank_national=z.rank_national, rank_regional=z.rank_regional, class_national=z.class_national,
            class_regional=z.class_regional, mc_median=iv.median if iv else None, mc_p05=iv.p05 if iv else None,
            mc_p95=iv.p95 if iv else None, mc_regional_median=iv.regional_median if iv else None,
            mc_regional_p05=iv.regional_p05 if iv else None, mc_regional_p95=iv.regional_p95 if iv else None))
        for c, s in z.categories.items():
            scores.append(NodeScore(run=run, zone_id=zone_ids[code], code=c, value=None, score=s.score,
                                    rank_national=s.rank_national, rank_regional=s.rank_regional, percentile=None))
        for c, s in z.indicators.items():
            scores.append(NodeScore(run=run, zone_id=zone_ids[code], code=c, value=s.value, imputed=s.imputed,
                                    score=s.normalised, rank_national=s.rank_national,
                                    rank_regional=s.rank_regional, percentile=s.percentile))
    ZoneResult.objects.bulk_create(results, batch_size=500)
    NodeScore.objects.bulk_create(scores, batch_size=2000)


MAX_SENSITIVITY_DRAWS = 4096
MIN_SENSITIVITY_DRAWS = 16
DEFAULT_SENSITIVITY_DRAWS = 512


def _sensitivity_args(draws: Any, seed: Any, problems: list[Problem], *, allow_zero: bool = False) -> tuple[int, int]:
    """The base sample size N (16–4,096; with `allow_zero`, 0 = none) and the seed."""
    if allow_zero:
        n_draws = collect_int(draws, "sensitivity_draws", problems, lo=0, hi=MAX_SENSITIVITY_DRAWS) or 0
        if 0 < n_draws < MIN_SENSITIVITY_DRAWS:
            problems.append(problem("sensitivity_draws", "sensitivity_draws_out_of_range",
                                    min=MIN_SENSITIVITY_DRAWS, max=MAX_SENSITIVITY_DRAWS))
    else:
        n_draws = collect_int(draws, "draws", problems, required=True, lo=MIN_SENSITIVITY_DRAWS,
                              hi=MAX_SENSITIVITY_DRAWS) or 0
    n_seed = collect_int(seed, "seed", problems, lo=BIGINT[0], hi=BIGINT[1]) or 0
    return n_draws, n_seed


def _indices(snapshot: list[dict], params_json: dict, inputs: dict, draws: int, seed: int) -> list[Sensitivity]:
    definition, zones, values, params = _frozen(snapshot, params_json, inputs)
    return sensitivity_indices(definition, zones, values, params, draws=draws, seed=seed,
                               factors=MC_FACTORS[params_json.get("mc", 1)])


def sensitivity_json(indices: list[Sensitivity], draws: int, seed: int, mc: int) -> dict:
    """What a run stores: the indices with the N, seed and Monte Carlo version that made them."""
    return {"draws": draws, "seed": seed, "mc": mc,
            "indices": [{"factor": s.factor, "first_order": str(s.first_order), "total": str(s.total)}
                        for s in indices]}


def _sensitivity_of(run: EvaluationRun, draws: int, seed: int) -> dict:
    indices = _indices(run.framework_snapshot, run.params, run.inputs, draws, seed)
    return sensitivity_json(indices, draws, seed, run.params.get("mc", 1))


def run_sensitivity(*, actor: Actor, run_id: Any, draws: Any = DEFAULT_SENSITIVITY_DRAWS,
                    seed: Any = 0) -> list[Sensitivity]:
    """First-order and total Sobol indices of the factors the run's Monte Carlo varies, recomputed from its
    frozen inputs (writes nothing)."""
    actor.require("evaluation.view")
    run = get_scoped(EvaluationRun, actor, run_id)
    problems: list[Problem] = []
    n_draws, n_seed = _sensitivity_args(draws, seed, problems)
    refuse_if(problems)
    return _indices(run.framework_snapshot, run.params, run.inputs, n_draws, n_seed)


def store_sensitivity(*, actor: Actor, run_id: Any, draws: Any = DEFAULT_SENSITIVITY_DRAWS,
                      seed: Any = None) -> EvaluationRun:
    """Compute the run's Sobol indices from its frozen inputs (base sample N = `draws`, `seed` — the run's
    own by default) and keep them on the run with N and seed, so its page and exports show them without
    recomputing. The same N and seed again writes nothing."""
    actor.require("evaluation.manage")
    run = get_scoped(EvaluationRun, actor, run_id)
    problems: list[Problem] = []
    n_draws, n_seed = _sensitivity_args(draws, run.seed if seed in (None, "") else seed, problems)
    refuse_if(problems)
    body = _sensitivity_of(run, n_draws, n_seed)
    with transaction.atomic():
        run = EvaluationRun.objects.select_for_update().get(pk=run.pk)
        if run.sensitivity == body:
            return run
        before = run.sensitivity or None
        run.sensitivity = body
        run.save(update_fields=["sensitivity"])
        audit.record(actor, "evaluation.sensitivity_stored", run, before=before, after=body)
    return run


def sensitivity_reproduces(run: EvaluationRun) -> bool | None:
    """Do the stored indices come out again from the frozen inputs with the stored N and seed? None: none
    stored."""
    stored = run.sensitivity
    if not stored:
        return None
    return _sensitivity_of(run, stored["draws"], stored["seed"]) == stored


def reproduce_run(*, actor: Actor, run_id: Any) -> tuple[bool, str]:
    """Recompute a run from its frozen inputs; (same?, new hash). Writes only an audit row."""
    actor.require("evaluation.view")
    run = get_scoped(EvaluationRun, actor, run_id)
    result, intervals = compute(run.framework_snapshot, run.params, run.inputs, run.draws, run.seed)
    got = result_hash(result, intervals)
    indices_same = sensitivity_reproduces(run)
    same = got == run.result_hash and indices_same is not False
    after = {"hash": got, "same": same}
    if indices_same is not None:
        after["sensitivity_same"] = indices_same
    with transaction.atomic():
        audit.record(actor, "evaluation.run_reproduced", run, after=after)
    return same, got


def publish_run(*, actor: Actor, run_id: Any, public: bool) -> EvaluationRun:
    actor.require("evaluation.manage")
    run = get_scoped(EvaluationRun, actor, run_id)
    outside = selectors.outside_interval(run) if public else []
    if outside:
        raise DomainError(problem("public", "rank_outside_interval", zones=", ".join(outside[:10]),
                                  count=len(outside)))
    with transaction.atomic():
        before = run.public
        run.public = bool(public)
        run.save(update_fields=["public"])
        audit.record(actor, "evaluation.run_published" if public else "evaluation.run_unpublished", run,
                     before={"public": before}, after={"public": run.public})
    return run
