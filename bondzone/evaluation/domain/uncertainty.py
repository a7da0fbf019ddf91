"""Monte Carlo rank intervals (OECD/JRC Handbook step 8): how much a zone's national rank depends on
the choices made in building the index.

Each draw multiplies every category and indicator weight by an independent factor, uniform in
[1 − jitter, 1 + jitter], picks one normalisation uniformly from `factors.normalisations` for all
indicators (None = each indicator's own method, the framework's), aggregates, adds the bonus / penalty
points and ranks the zones nationally (competition ranks on the quantized overall score, as
`engine.evaluate` does), and within each region board. The result per zone is the median and the 5th /
95th percentile (linear interpolation) of its national and of its regional ranks, to 0.01.

Which choices vary is `factors` (runs keep the version they were made with, so an old run reproduces):
  version 1  weights; normalisation among min-max, z-score, rank; always arithmetic
  version 2  also the framework's own normalisation and its aggregation; the rule for missing values
             (engine.IMPUTES) per draw, and, when the framework treats outliers, the treatment (winsorise
             then log, or log only: outliers.TREATING — leaving heavily skewed data untreated is not a
             plausible alternative once the framework found it skewed); each bonus / penalty item's points
             by their own factor in [1 − jitter, 1 + jitter] — so the published method is one of the
             draws and its choices are inside the uncertainty, not beside it

Random numbers are drawn per weighted node in framework order and per draw, never per zone, from
numpy's PCG64 seeded with `seed`: the same inputs and seed give the same output, in any zone order.
With jitter 0 and one normalisation every draw reproduces `evaluate` with that normalisation (same
float operations in the same order), so the intervals collapse to its ranks.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal

import numpy as np

from bondzone.core.domain.errors import DomainError, Problem

from .engine import (
    IMPUTES,
    Params,
    ZoneInput,
    as_decimal,
    arithmetic,
    base_weights,
    effective_weights,
    geometric,
    prepare,
    SCALE,
    quantize,
    region_groups,
    score_matrix,
    validate_params,
)
from .framework import Framework, Kind, Normalisation, prob
from .outliers import TREATING

MAX_DRAWS = 100_000
CENT = Decimal("0.01")
DEFAULT_NORMALISATIONS = (Normalisation.MINMAX, Normalisation.ZSCORE, Normalisation.RANK)


@dataclass(frozen=True)
class Factors:
    """The inputs a draw varies besides the weights (see the module doc)."""

    normalisations: tuple[Normalisation | None, ...] = DEFAULT_NORMALISATIONS
    own_aggregation: bool = False  # False: every draw aggregates arithmetically
    imputes: tuple[str, ...] = ()  # () = params.impute in every draw
    outlier_rules: tuple[str, ...] = ()  # () = params.outliers in every draw; else when params.outliers is one
    points: bool = False  # vary each bonus / penalty item's points


FACTORS = {
    1: Factors(),
    2: Factors(normalisations=(None, *DEFAULT_NORMALISATIONS), own_aggregation=True, imputes=IMPUTES,
               outlier_rules=TREATING, points=True),
}


@dataclass(frozen=True)
class Interval:
    """National rank over the draws, and the rank within the zone's region board over the same draws."""

    median: Decimal
    p05: Decimal
    p95: Decimal
    regional_median: Decimal | None = None
    regional_p05: Decimal | None = None
    regional_p95: Decimal | None = None


def row_ranks(v: np.ndarray) -> np.ndarray:
    """Descending competition ranks (1, 2, 2, 4) of each row of a 2-D array."""
    d, z = v.shape
    order = np.argsort(-v, axis=1, kind="stable")
    srt = np.take_along_axis(v, order, axis=1)
    new = np.ones((d, z), bool)
    new[:, 1:] = srt[:, 1:] != srt[:, :-1]
    start = np.maximum.accumulate(np.where(new, np.arange(z)[None, :], 0), axis=1)
    ranks = np.empty((d, z), np.int64)
    np.put_along_axis(ranks, order, start + 1, axis=1)
    return ranks


def _check(framework: Framework, params: Params, draws: object, weight_jitter: object,
           normalisations: Sequence[Normalisation | None]) -> list[Problem]:
    problems: list[Problem] = []
    if isinstance(draws, bool) or not isinstance(draws, int) or not 1 <= draws <= MAX_DRAWS:
        problems.append(prob("draws", "draws_out_of_range", min=1, max=MAX_DRAWS))
    j = as_decimal(weight_jitter)
    if j is None or not (0 <= j < 1):
        problems.append(prob("weight_jitter", "bad_jitter", value=str(weight_jitter)))
    if not normalisations:
        problems.append(prob("normalisations", "no_normalisations"))
    for m in normalisations:
        if m is not None and m not in {x.value for x in Normalisation}:
            problems.append(prob("normalisations", "bad_normalisation", code="*", value=m))
    if Normalisation.GOALPOSTS in normalisations:
        for p in validate_params(replace(params, normalisation=Normalisation.GOALPOSTS), framework):
            if p.code in ("goalposts_missing", "goalposts_order"):
                problems.append(prob("normalisations", p.code, **p.params))
    return problems


@dataclass(frozen=True)
class _Model:
    """The composite score as a function of one draw's inputs (shared by the intervals and the indices)."""

    preps: list  # engine.Prepared per outlier rule drawn from (the first is the run's own)
    params: Params
    factors: Factors
    imputes: tuple[str, ...]
    weight_columns: tuple[np.ndarray, np.ndarray]  # columns of the weight factors: indicators, categories
    n_weighted: int
    jitter: float

    @property
    def prep(self):
        return self.preps[0]


@dataclass(frozen=True)
class _Sample:
    """Per-draw inputs: weight factors (D, weighted nodes), normalisation / imputation / outlier-rule
    choices (D,), bonus / penalty point factors (D, items) or None."""

    weights: np.ndarray
    normalisation: np.ndarray
    impute: np.ndarray
    outliers: np.ndarray
    points: np.ndarray | None


def _model(framework: Framework, zones: Sequence[ZoneInput], values: Mapping[tuple[str, str], Decimal | None],
           params: Params, draws: object, weight_jitter: object, factors: Factors) -> _Model | None:
    problems = _check(framework, params, draws, weight_jitter, factors.normalisations)
    if problems:
        raise DomainError(problems)
    rules = factors.outlier_rules if params.outliers in factors.outlier_rules else (params.outliers,)
    preps = [prepare(framework, zones, values, replace(params, outliers=rule)) for rule in rules]
    if preps[0].n == 0:
        return None
    weighted = [n for n in framework.nodes if n.kind in (Kind.CATEGORY, Kind.INDICATOR)]
    column = {n.code: c for c, n in enumerate(weighted)}
    columns = (np.array([column[n.code] for n in preps[0].indicators], dtype=np.int64),
               np.array([column[c.code] for c in preps[0].categories], dtype=np.int64))
    return _Model(preps=preps, params=params, factors=factors, imputes=factors.imputes or (params.impute,),
                  weight_columns=columns, n_weighted=len(weighted), jitter=float(as_decimal(weight_jitter)))


def _sample(model: _Model, rng: np.random.Generator, draws: int) -> _Sample:
    j, f = model.jitter, model.factors
    weights = rng.uniform(1.0 - j, 1.0 + j, size=(draws, model.n_weighted))
    normalisation = rng.integers(0, len(f.normalisations), size=draws)
    impute = rng.integers(0, len(model.imputes), size=draws) if f.imputes else np.zeros(draws, np.int64)
    outliers = rng.integers(0, len(model.preps), size=draws) if len(model.preps) > 1 else np.zeros(draws, np.int64)
    items = len(model.prep.adjustments[0]) if model.prep.adjustments else 0
    points = rng.uniform(1.0 - j, 1.0 + j, size=(draws, items)) if f.points and items else None
    return _Sample(weights, normalisation, impute, outliers, points)


def _overall(model: _Model, sample: _Sample) -> np.ndarray:
    """(D, Z) overall scores in 0.0001 points, as engine.evaluate quantizes them."""
    prep, params = model.prep, model.params
    draws = len(sample.normalisation)
    ind_w0, cat_w0 = base_weights(prep, params)
    ind_w = ind_w0[None, :] * sample.weights[:, model.weight_columns[0]]
    cat_w = cat_w0[None, :] * sample.weights[:, model.weight_columns[1]]
    _, eff = effective_weights(prep, ind_w, cat_w)
    geo = model.factors.own_aggregation and params.aggregation == "geometric"
    floor = float(params.geometric_floor)
    base = np.zeros((draws, prep.n))
    for r, rule_prep in enumerate(model.preps):
        for m, method in enumerate(model.factors.normalisations):
            for k, impute in enumerate(model.imputes):
                rows = np.nonzero((sample.normalisation == m) & (sample.impute == k) & (sample.outliers == r))[0]
                if rows.size:
                    scores, _ = score_matrix(rule_prep, method, impute)
                    base[rows] = geometric(eff[rows], scores, floor) if geo else arithmetic(eff[rows], scores)
    return quantize(np.clip(base, 0.0, 100.0)) + _adjustments(prep, draws, sample.points)


def _adjustments(prep, draws: int, point_factors: np.ndarray | None) -> np.ndarray:
    """(draws, Z) bonus − penalty in 0.0001 points: the zones' own, or each item's points times its factor."""
    if point_factors is None:
        return np.broadcast_to(prep.adj_q[None, :], (draws, prep.n))
    items = list(prep.adjustments[0])
    signed = np.array([[float(a[i]) for i in items] for a in prep.adjustments])  # (Z, items)
    return np.rint(point_factors @ signed.T * SCALE).astype(np.int64)


def rank_intervals(framework: Framework, zones: Sequence[ZoneInput],
                   values: Mapping[tuple[str, str], Decimal | None], params: Params = Params(), draws: int = 1000,
                   seed: int = 0, weight_jitter: Decimal = Decimal("0.2"),
                   normalisations: Sequence[Normalisation | None] = DEFAULT_NORMALISATIONS,
                   factors: Factors | None = None) -> dict[str, Interval]:
    """{zone: Interval} for every rated zone, sorted by code. `factors` (default: only the weights and
    `normalisations` vary) says what else a draw varies. Raises DomainError on bad input."""
    model = _model(framework, zones, values, params, draws, weight_jitter,
                   factors or Factors(normalisations=tuple(normalisations)))
    if model is None:
        return {}
    overall = _overall(model, _sample(model, np.random.default_rng(seed), draws))
    prep = model.prep
    ranks = row_ranks(overall)
    p05, med, p95 = np.percentile(ranks, [5, 50, 95], axis=0)
    regional = np.empty_like(ranks)
    for idx in region_groups(prep.regions).values():
        regional[:, idx] = row_ranks(overall[:, idx])
    r05, rmed, r95 = np.percentile(regional, [5, 50, 95], axis=0)

    def dec(x: float) -> Decimal:
        return Decimal(repr(float(x))).quantize(CENT, ROUND_HALF_UP)

    return {code: Interval(median=dec(med[j]), p05=dec(p05[j]), p95=dec(p95[j]), regional_median=dec(rmed[j]),
                           regional_p05=dec(r05[j]), regional_p95=dec(r95[j]))
            for j, code in enumerate(prep.codes)}


@dataclass(frozen=True)
class Sensitivity:
    """Share of the variance of the zones' national ranks due to one input factor: alone (first order)
    and with all its interactions (total), summed over the zones."""

    factor: str  # one of SENSITIVITY_FACTORS
    first_order: Decimal
    total: Decimal


SENSITIVITY_FACTORS = ("weights", "normalisation", "impute", "outliers", "points")
INDEX_PLACES = Decimal("0.001")


def sensitivity_indices(framework: Framework, zones: Sequence[ZoneInput],
                        values: Mapping[tuple[str, str], Decimal | None], params: Params = Params(),
                        draws: int = 512, seed: int = 0, weight_jitter: Decimal = Decimal("0.2"),
                        factors: Factors | None = None) -> list[Sensitivity]:
    """First-order and total Sobol indices of each factor the Monte Carlo varies (the weights and the
    bonus / penalty points each as one group), by Saltelli's A/B/AB_i design with Saltelli's (2010)
    first-order and Jansen's total estimator over draws × (factors + 2) evaluations; each index is the
    zones' summed partial variance of the national rank over their summed rank variance. A factor the
    Monte Carlo does not vary is left out; without any rank variance every index is 0."""
    model = _model(framework, zones, values, params, draws, weight_jitter, factors or Factors())
    if model is None:
        return []
    rng = np.random.default_rng(seed)
    a, b = _sample(model, rng, draws), _sample(model, rng, draws)

    def ranks(sample: _Sample) -> np.ndarray:
        return row_ranks(_overall(model, sample)).astype(float)

    f_a, f_b = ranks(a), ranks(b)
    variance = float(np.var(np.concatenate([f_a, f_b]), axis=0).sum())
    varied = {"weights": model.jitter > 0, "normalisation": len(model.factors.normalisations) > 1,
              "impute": len(model.imputes) > 1, "outliers": len(model.preps) > 1, "points": a.points is not None}
    out = []
    for factor in SENSITIVITY_FACTORS:
        if not varied[factor]:
            continue
        f_ab = ranks(replace(a, **{factor: getattr(b, factor)}))
        first = float(np.mean(f_b * (f_ab - f_a), axis=0).sum()) / variance if variance else 0.0
        total = float((0.5 * np.mean((f_a - f_ab) ** 2, axis=0)).sum()) / variance if variance else 0.0
        out.append(Sensitivity(factor, Decimal(repr(first)).quantize(INDEX_PLACES, ROUND_HALF_UP),
                               Decimal(repr(total)).quantize(INDEX_PLACES, ROUND_HALF_UP)))
    return out
