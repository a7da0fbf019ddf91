"""The composite evaluation: normalise, impute, weight, aggregate, adjust, rank and class the zones.

Method (every choice documented here is the engine's, the GACC formulas are not public):

Population. A zone is *rated* when it has at least one reported (non-missing, finite) indicator value
  and its coverage — reported indicators ÷ all indicators × 100 — is at least `Params.min_coverage`.
  Zones that are not rated are left out of every statistic and every ranking and are listed in
  `EvaluationResult.unrated`. An indicator that no rated zone reported is left out of the aggregation
  (its weight goes to its siblings) and listed in `EvaluationResult.excluded_indicators`; every zone then
  shows value None, normalised 0, rank 1 and percentile 0 on it. A category whose indicators are all
  left out is left out of the base the same way (score 0, rank 1).

Normalisation (0–100, direction −1 flips), computed over the *reported* values of the rated zones:
  minmax     (x − min) ÷ (max − min) × 100
  zscore     z = (x − mean) ÷ sd (population sd, exact sums), clipped to ±3 sd and mapped linearly:
             (z + 3) ÷ 6 × 100, so the mean maps to 50 and ±3 sd to 0 / 100 — a fixed transform, so a
             score means the same in every run
  goalposts  (clip(x, low, high) − low) ÷ (high − low) × 100
  rank       percentile rank with ties averaged: (#below + (#equal − 1) ÷ 2) ÷ (n − 1) × 100
  A *constant* indicator (every reported value equal, including a single reporting zone) carries no
  information: every zone gets the neutral 50 under minmax, zscore and rank (z = 0 is 50, and a
  percentile rank with every zone tied is 50). (100 was rejected: under zscore the best of two
  different values scores 66.7, so a zone improving on a constant indicator would *lose* points, and
  a lone reporter would hand its non-reporting peers 100 through median imputation.) Goalposts are
  absolute and do not special-case it.

Missing values (`Params.impute`, the options of the JRC/COINr imputation step): "worst" gives the zone the
  lowest normalised score any reporting zone got on that indicator, so withholding a figure never beats
  reporting it (the default of new frameworks); "median" / "mean" the median / mean of the reporting zones'
  scores (value shown = median of the reported values for "median"); "region_median" the median within the
  zone's region board (the national median when nobody in the region reported); "zero" a score of 0. Every
  imputed cell is flagged. Imputation never changes the scores of the zones that reported. With
  `Params.min_coverage` (a framework setting) a zone reporting fewer indicators is not rated at all.

Outliers (`Params.outliers`, outliers.py): before normalisation, each indicator whose reported values are
  heavily skewed is winsorised or log-transformed; the value shown stays the reported one, and the treatment
  is listed in `EvaluationResult.treatments`. Goalpost indicators are not treated (their goalposts clip).

Aggregation. Category score = weighted mean of its indicators' normalised scores, weights renormalised
  within the category (all-zero weights → equal weights). Base = Σ category weight × category score ÷ Σ
  category weights (so 100 when the weights sum to 100). Computed as one weighted sum over indicators
  with effective weights (category share × share within the category), in framework order, so that the
  Monte Carlo (uncertainty.py) gives bit-identical bases. "geometric": weighted geometric means at both
  levels, exp(Σ w ln max(s, floor)), with `Params.geometric_floor` (default 1 point) so that a zero does
  not annihilate the product.

Adjustments. Each bonus / penalty item gives min(max(value, 0) × points, cap) points (missing value = 0);
  adjustment = Σ bonus − Σ penalty; overall = base + adjustment (may leave 0–100).

Ranks. Competition ranking with ties sharing the best rank (1, 2, 2, 4), by the *quantized* score (what
  is shown), nationally and within the region, for the overall score, every category and every indicator.
  Classes: the first band (label, cumulative share %) with rank ≤ ceil(n × share ÷ 100); since tied zones
  share the lower rank, a tie never splits a class.

All scores are Decimals with four places. Internally floats (numpy); every statistic is computed on the
zones sorted by code, with exact sums (math.fsum) where a sum is taken over zones, so the output does
not depend on the order of `zones` or of `values`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal, InvalidOperation

import numpy as np

from bondzone.core.domain.errors import DomainError, Problem

from .framework import Framework, Kind, Node, Normalisation, prob, validate
from .outliers import RULES as OUTLIER_RULES
from .outliers import Treatment, treat

HUNDRED = Decimal(100)
FOUR_PLACES = Decimal("0.0001")
SCALE = 10_000  # scores are kept as integers of 0.0001 for ranking and output
CONSTANT = 50.0  # normalised score of every zone on a constant indicator (minmax, zscore, rank)
AGGREGATIONS = ("arithmetic", "geometric")
IMPUTES = ("worst", "median", "mean", "region_median", "zero")


@dataclass(frozen=True)
class ZoneInput:
    code: str
    region: str


@dataclass(frozen=True)
class Params:
    aggregation: str = "arithmetic"  # or "geometric"
    # (label, cumulative top share %), the last share is 100
    class_bands: tuple[tuple[str, Decimal], ...] = (("A", Decimal(20)), ("B", Decimal(70)), ("C", Decimal(100)))
    impute: str = "median"  # one of IMPUTES
    normalisation: Normalisation | None = None  # override every indicator's own method
    weights: Mapping[str, Decimal] | None = None  # override node weights (what-if)
    geometric_floor: Decimal = Decimal(1)  # geometric aggregation: scores below count as this (0 < floor ≤ 100)
    min_coverage: Decimal = Decimal(0)  # % of indicators a zone must report to be rated (and at least one)
    outliers: str = "none"  # one of outliers.RULES


@dataclass(frozen=True)
class Score:
    score: Decimal
    rank_national: int
    rank_regional: int


@dataclass(frozen=True)
class IndicatorScore:
    value: Decimal | None  # the derived value; for an imputed one the median of the reported values (or None)
    imputed: bool
    normalised: Decimal  # 0–100
    rank_national: int
    rank_regional: int
    percentile: Decimal  # 0–100, ties averaged, over the normalised scores


@dataclass(frozen=True)
class ZoneResult:
    code: str
    region: str
    base: Decimal  # weighted composite 0–100 before adjustments
    adjustment: Decimal  # bonus − penalty points, each item capped
    overall: Decimal  # base + adjustment
    rank_national: int
    rank_regional: int
    class_national: str
    class_regional: str
    categories: dict[str, Score]  # framework order
    indicators: dict[str, IndicatorScore]  # framework order
    adjustments: dict[str, Decimal] = field(default_factory=dict)  # item -> signed points (penalties < 0)
    coverage: Decimal = HUNDRED  # % of indicators the zone reported


@dataclass(frozen=True)
class EvaluationResult:
    zones: dict[str, ZoneResult]  # ordered by national rank, then code
    zone_count: int
    region_counts: dict[str, int]  # sorted by region
    unrated: tuple[str, ...] = ()  # zones without enough data, sorted
    excluded_indicators: tuple[str, ...] = ()  # indicators no rated zone reported, framework order
    treatments: dict[str, Treatment] = field(default_factory=dict)  # outlying indicators, framework order


# --------------------------------------------------------------------------- parameters
def as_decimal(value: object) -> Decimal | None:
    try:
        d = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        return None
    return d if d.is_finite() else None


def bands_ok(bands: object) -> bool:
    try:
        pairs = [(label, as_decimal(share)) for label, share in bands]  # type: ignore[union-attr]
    except (TypeError, ValueError):
        return False
    if not pairs or any(not isinstance(lb, str) or not lb.strip() or s is None for lb, s in pairs):
        return False
    shares = [s for _, s in pairs]
    return (len({lb for lb, _ in pairs}) == len(pairs) and shares[0] > 0 and shares[-1] == HUNDRED
            and all(a < b for a, b in zip(shares, shares[1:])))


def validate_params(params: Params, framework: Framework | None = None) -> list[Problem]:
    """Every problem of a run's parameters (with `framework`, also the weight overrides' codes and the
    goalposts a normalisation override needs)."""
    problems: list[Problem] = []
    if params.aggregation not in AGGREGATIONS:
        problems.append(prob("aggregation", "bad_aggregation", value=params.aggregation))
    if params.impute not in IMPUTES:
        problems.append(prob("impute", "bad_impute", value=params.impute))
    if params.outliers not in OUTLIER_RULES:
        problems.append(prob("outliers", "bad_outliers", value=params.outliers))
    if not bands_ok(params.class_bands):
        try:
            shown = ", ".join(f"{lb} {s}" for lb, s in params.class_bands)
        except (TypeError, ValueError):
            shown = repr(params.class_bands)
        problems.append(prob("class_bands", "bad_class_bands", value=shown))
    if params.normalisation is not None and params.normalisation not in {m.value for m in Normalisation}:
        problems.append(prob("normalisation", "bad_normalisation", code="*", value=params.normalisation))
    elif params.normalisation == Normalisation.GOALPOSTS and framework is not None:
        for n in framework.indicators():
            if n.goal_low is None or n.goal_high is None:
                problems.append(prob("normalisation", "goalposts_missing", code=n.code))
            elif n.goal_low >= n.goal_high:
                problems.append(prob("normalisation", "goalposts_order", code=n.code, low=str(n.goal_low),
                                        high=str(n.goal_high)))
    floor = as_decimal(params.geometric_floor)
    if floor is None or not (0 < floor <= HUNDRED):
        problems.append(prob("geometric_floor", "bad_floor", value=str(params.geometric_floor)))
    cover = as_decimal(params.min_coverage)
    if cover is None or not (0 <= cover <= HUNDRED):
        problems.append(prob("min_coverage", "bad_min_coverage", value=str(params.min_coverage)))
    if params.weights:
        weighted = None if framework is None else {
            n.code for n in framework.nodes if n.kind in (Kind.CATEGORY, Kind.INDICATOR)}
        for code in sorted(params.weights, key=str):
            w = as_decimal(params.weights[code])
            if w is None:
                problems.append(prob(f"weights.{code}", "bad_weight", code=code, value=str(params.weights[code])))
            elif w < 0:
                problems.append(prob(f"weights.{code}", "negative_weight", code=code, value=str(w)))
            if weighted is not None and code not in weighted:
                problems.append(prob(f"weights.{code}", "unknown_weight_node", code=code))
    return problems


# --------------------------------------------------------------------------- preparation
@dataclass
class Prepared:
    """The rated population and its data, zones sorted by code (shared with uncertainty.py)."""

    codes: list[str]
    regions: list[str]
    unrated: tuple[str, ...]
    coverage: list[Decimal]
    indicators: list[Node]
    categories: list[Node]
    cat_of: np.ndarray  # (I,) index of each indicator's category
    raw: list[list[Decimal | None]]  # [indicator][zone]
    x: np.ndarray  # (I, Z) float, nan where missing
    observed: np.ndarray  # (I, Z) bool
    active: np.ndarray  # (I,) bool: reported by at least one rated zone
    adjustments: list[dict[str, Decimal]]  # per zone: item -> signed points
    adj_q: np.ndarray  # (Z,) int64: adjustment in 0.0001 points
    treatments: dict[str, Treatment]  # indicator -> outlier treatment applied to x

    @property
    def n(self) -> int:
        return len(self.codes)


def _finite(value: object) -> Decimal | None:
    if value is None:
        return None
    return as_decimal(value)


def _check_zones(zones: Sequence[ZoneInput]) -> list[Problem]:
    seen, problems = set(), []
    for z in sorted(zones, key=lambda z: z.code):
        if z.code in seen:
            problems.append(prob("zones", "duplicate_zone", code=z.code))
        seen.add(z.code)
    return problems


def prepare(framework: Framework, zones: Sequence[ZoneInput], values: Mapping[tuple[str, str], Decimal | None],
            params: Params) -> Prepared:
    """Validate everything and gather the rated population's data; raises DomainError."""
    problems = validate(framework) + validate_params(params, framework) + _check_zones(zones)
    if problems:
        raise DomainError(problems)
    indicators = framework.indicators()
    categories = framework.categories()
    cat_index = {c.code: k for k, c in enumerate(categories)}
    ordered = sorted(zones, key=lambda z: z.code)
    min_cover = as_decimal(params.min_coverage) or Decimal(0)

    rated: list[ZoneInput] = []
    coverage: list[Decimal] = []
    unrated: list[str] = []
    raw_by_zone: list[list[Decimal | None]] = []
    for z in ordered:
        row = [_finite(values.get((z.code, n.code))) for n in indicators]
        count = sum(v is not None for v in row)
        cover = (Decimal(count) * HUNDRED / Decimal(len(indicators))).quantize(FOUR_PLACES, ROUND_HALF_UP)
        if count >= 1 and cover >= min_cover:
            rated.append(z)
            coverage.append(cover)
            raw_by_zone.append(row)
        else:
            unrated.append(z.code)

    n_ind, n_z = len(indicators), len(rated)
    raw = [[raw_by_zone[j][i] for j in range(n_z)] for i in range(n_ind)]
    x = np.full((n_ind, n_z), np.nan)
    for i in range(n_ind):
        for j, v in enumerate(raw[i]):
            if v is not None:
                x[i, j] = float(v)
    observed = ~np.isnan(x)
    # a value too large for a float is as good as missing
    if np.isinf(x).any():
        for i, j in zip(*np.nonzero(np.isinf(x))):
            x[i, j], observed[i, j], raw[i][j] = np.nan, False, None
    active = observed.any(axis=1) if n_z else np.zeros(n_ind, bool)
    treatments: dict[str, Treatment] = {}
    for i, node in enumerate(indicators):
        if node.normalisation == Normalisation.GOALPOSTS or params.normalisation == Normalisation.GOALPOSTS:
            continue
        x[i, observed[i]], applied = treat(x[i, observed[i]], params.outliers)
        if applied:
            treatments[node.code] = applied

    adj_nodes = framework.adjustments()
    adjustments: list[dict[str, Decimal]] = []
    adj_q = np.zeros(n_z, dtype=np.int64)
    for j, z in enumerate(rated):
        items: dict[str, Decimal] = {}
        for n in adj_nodes:
            v = _finite(values.get((z.code, n.code))) or Decimal(0)
            pts = min(max(v, Decimal(0)) * n.points, n.cap).quantize(FOUR_PLACES, ROUND_HALF_UP)
            items[n.code] = -pts if n.kind == Kind.PENALTY and pts else pts  # never "-0.0000"
        adjustments.append(items)
        adj_q[j] = int(sum(items.values(), Decimal(0)) * SCALE)
    return Prepared(
        codes=[z.code for z in rated], regions=[z.region for z in rated], unrated=tuple(unrated),
        coverage=coverage, indicators=indicators, categories=categories,
        cat_of=np.array([cat_index[n.parent] for n in indicators], dtype=np.int64), raw=raw, x=x,
        observed=observed, active=active, adjustments=adjustments, adj_q=adj_q, treatments=treatments)


# --------------------------------------------------------------------------- normalisation
def normalise(values: np.ndarray, method: str, direction: int = 1, low: float | None = None,
              high: float | None = None) -> np.ndarray:
    """0–100 scores of reported values (1-D float array, no nan) under one method; see the module doc."""
    n = len(values)
    if n == 0:
        return np.zeros(0)
    if method != Normalisation.GOALPOSTS:
        lo, hi = float(values.min()), float(values.max())
        if lo == hi:
            return np.full(n, CONSTANT)
    if method == Normalisation.MINMAX:
        s = (values - lo) / (hi - lo) * 100.0 if direction > 0 else (hi - values) / (hi - lo) * 100.0
    elif method == Normalisation.ZSCORE:
        mean = math.fsum(values.tolist()) / n
        sd = math.sqrt(math.fsum(((values - mean) ** 2).tolist()) / n)
        if sd == 0 or not math.isfinite(sd):
            return np.full(n, CONSTANT)
        z = (values - mean) / sd * (1.0 if direction > 0 else -1.0)
        s = (np.clip(z, -3.0, 3.0) + 3.0) / 6.0 * 100.0
    elif method == Normalisation.GOALPOSTS:
        assert low is not None and high is not None and low < high
        c = np.clip(values, low, high)
        s = (c - low) / (high - low) * 100.0 if direction > 0 else (high - c) / (high - low) * 100.0
    elif method == Normalisation.RANK:
        srt = np.sort(values)
        below = np.searchsorted(srt, values, side="left")
        equal = np.searchsorted(srt, values, side="right") - below
        pct = (below + (equal - 1) / 2.0) / (n - 1) * 100.0
        s = pct if direction > 0 else 100.0 - pct
    else:
        raise ValueError(f"unknown normalisation {method!r}")
    return np.clip(s, 0.0, 100.0)


def score_matrix(prep: Prepared, method: str | None, impute: str) -> tuple[np.ndarray, np.ndarray]:
    """(I, Z) normalised scores after imputation, and the (I, Z) imputed mask. `method` None = each
    indicator's own normalisation. Left-out indicators score 0 (and carry no weight)."""
    n_ind, n_z = prep.x.shape
    scores = np.zeros((n_ind, n_z))
    imputed = ~prep.observed
    for i, node in enumerate(prep.indicators):
        obs = prep.observed[i]
        if not obs.any():
            continue
        m = method or node.normalisation
        low = float(node.goal_low) if node.goal_low is not None else None
        high = float(node.goal_high) if node.goal_high is not None else None
        s = normalise(prep.x[i, obs], m, node.direction, low, high)
        scores[i, obs] = s
        if not obs.all():
            scores[i, ~obs] = _imputed(prep, i, s, impute)
    return scores, imputed


def _imputed(prep: Prepared, i: int, reported: np.ndarray, impute: str) -> np.ndarray | float:
    """Scores for the zones missing indicator i, given the reporting zones' scores (in zone order)."""
    if impute == "worst":
        return float(reported.min())
    if impute == "mean":
        return math.fsum(reported.tolist()) / len(reported)
    if impute == "zero":
        return 0.0
    if impute == "region_median":
        obs = prep.observed[i]
        regions = np.array(prep.regions)
        national = float(np.median(reported))
        out = []
        for j in np.nonzero(~obs)[0]:
            peers = reported[regions[obs] == regions[j]]
            out.append(float(np.median(peers)) if len(peers) else national)
        return np.array(out)
    return float(np.median(reported))


# --------------------------------------------------------------------------- weights and aggregation
def base_weights(prep: Prepared, params: Params) -> tuple[np.ndarray, np.ndarray]:
    """(I,) indicator and (K,) category weights as floats, with the what-if overrides applied."""
    over = params.weights or {}

    def w(n: Node) -> float:
        v = as_decimal(over[n.code]) if n.code in over else n.weight
        return float(v) if v is not None else 0.0

    return np.array([w(n) for n in prep.indicators]), np.array([w(c) for c in prep.categories])


def effective_weights(prep: Prepared, ind_w: np.ndarray, cat_w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For D weight vectors ((D, I) indicator, (D, K) category): (D, I) weights within the category and
    (D, I) effective weights (category share × within-category share). Sums run in framework order, so
    a row gives the same bits whatever D is."""
    n_ind, n_cat = len(prep.indicators), len(prep.categories)
    d = ind_w.shape[0]
    cat_of, active = prep.cat_of, prep.active
    iw = np.where(active[None, :], np.maximum(ind_w, 0.0), 0.0)
    cat_active = np.zeros(n_cat, bool)
    for i in range(n_ind):
        cat_active[cat_of[i]] |= bool(active[i])

    def cat_sums(w: np.ndarray) -> np.ndarray:
        out = np.zeros((d, n_cat))
        for i in range(n_ind):
            out[:, cat_of[i]] += w[:, i]
        return out

    sums = cat_sums(iw)
    zero = (sums == 0) & cat_active[None, :]
    if zero.any():  # all-zero weights in a category with data: equal weights
        iw = np.where(zero[:, cat_of] & active[None, :], 1.0, iw)
        sums = cat_sums(iw)
    safe = np.where(sums > 0, sums, 1.0)
    within = iw / safe[:, cat_of]

    cw = np.where(cat_active[None, :], np.maximum(cat_w, 0.0), 0.0)
    total = np.zeros(d)
    for k in range(n_cat):
        total += cw[:, k]
    if (total == 0).any() and cat_active.any():
        cw = np.where((total == 0)[:, None] & cat_active[None, :], 1.0, cw)
        total = np.zeros(d)
        for k in range(n_cat):
            total += cw[:, k]
    share = cw / np.where(total > 0, total, 1.0)[:, None]
    return within, share[:, cat_of] * within


def arithmetic(weights: np.ndarray, scores: np.ndarray) -> np.ndarray:
    """(D, I) weights × (I, Z) scores → (D, Z): a sum over indicators in framework order."""
    out = np.zeros((weights.shape[0], scores.shape[1]))
    for i in range(scores.shape[0]):
        out += weights[:, i:i + 1] * scores[i][None, :]
    return out


def geometric(weights: np.ndarray, scores: np.ndarray, floor: float) -> np.ndarray:
    return np.exp(arithmetic(weights, np.log(np.maximum(scores, floor))))


def quantize(x: np.ndarray) -> np.ndarray:
    """Floats → integers of 0.0001 (half up)."""
    return np.floor(np.asarray(x, dtype=float) * SCALE + 0.5).astype(np.int64)


def to_decimal(q: int) -> Decimal:
    return Decimal(int(q)).scaleb(-4)


# --------------------------------------------------------------------------- ranks and classes
def competition_ranks(v: np.ndarray) -> np.ndarray:
    """Descending competition ranks (1, 2, 2, 4) of a 1-D array."""
    srt = np.sort(v)
    return len(v) - np.searchsorted(srt, v, side="right") + 1


def percentiles(v: np.ndarray) -> np.ndarray:
    """Percentile rank (ties averaged) of each value, 0–100; a single value → 50 (as if all tied)."""
    n = len(v)
    if n == 1:
        return np.array([CONSTANT])
    srt = np.sort(v)
    below = np.searchsorted(srt, v, side="left")
    equal = np.searchsorted(srt, v, side="right") - below
    return (below + (equal - 1) / 2.0) / (n - 1) * 100.0


def region_groups(regions: Sequence[str]) -> dict[str, np.ndarray]:
    groups: dict[str, list[int]] = {}
    for j, r in enumerate(regions):
        groups.setdefault(r, []).append(j)
    return {r: np.array(groups[r], dtype=np.int64) for r in sorted(groups, key=str)}


def ranks_both(v: np.ndarray, groups: Mapping[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    national = competition_ranks(v)
    regional = np.zeros_like(national)
    for idx in groups.values():
        regional[idx] = competition_ranks(v[idx])
    return national, regional


def class_of(rank: int, n: int, bands: Sequence[tuple[str, Decimal]]) -> str:
    """The first band whose cumulative share covers the rank: rank ≤ ceil(n × share ÷ 100)."""
    for label, share in bands:
        limit = (Decimal(n) * Decimal(share) / HUNDRED).to_integral_value(rounding=ROUND_CEILING)
        if rank <= limit:
            return label
    return bands[-1][0]


def _median_value(values: list[Decimal]) -> Decimal:
    srt = sorted(values)
    mid = len(srt) // 2
    if len(srt) % 2:
        return srt[mid]
    return ((srt[mid - 1] + srt[mid]) / 2).quantize(FOUR_PLACES, ROUND_HALF_UP)


# --------------------------------------------------------------------------- evaluate
def evaluate(framework: Framework, zones: Sequence[ZoneInput], values: Mapping[tuple[str, str], Decimal | None],
             params: Params = Params()) -> EvaluationResult:
    """Scores, ranks and classes of the zones (see the module doc). Raises DomainError on an invalid
    framework, invalid parameters or a duplicate zone."""
    prep = prepare(framework, zones, values, params)
    n_z, n_ind, n_cat = prep.n, len(prep.indicators), len(prep.categories)
    excluded = tuple(n.code for n, a in zip(prep.indicators, prep.active) if not a)
    if n_z == 0:
        return EvaluationResult(zones={}, zone_count=0, region_counts={}, unrated=prep.unrated,
                                excluded_indicators=excluded, treatments=prep.treatments)

    scores, imputed = score_matrix(prep, params.normalisation, params.impute)
    ind_w, cat_w = base_weights(prep, params)
    within, eff = effective_weights(prep, ind_w[None, :], cat_w[None, :])
    floor = float(params.geometric_floor)
    geo = params.aggregation == "geometric"

    cat_scores = np.zeros((n_cat, n_z))
    for k in range(n_cat):
        members = prep.cat_of == k
        w = np.where(members, within[0], 0.0)[None, :]
        cat_scores[k] = (geometric(w, scores, floor) if geo else arithmetic(w, scores))[0]
        if not (members & prep.active).any():
            cat_scores[k] = 0.0
    base = (geometric(eff, scores, floor) if geo else arithmetic(eff, scores))[0]

    norm_q = quantize(np.clip(scores, 0.0, 100.0))
    cat_q = quantize(np.clip(cat_scores, 0.0, 100.0))
    base_q = quantize(np.clip(base, 0.0, 100.0))
    overall_q = base_q + prep.adj_q

    groups = region_groups(prep.regions)
    region_counts = {r: len(idx) for r, idx in groups.items()}
    rank_n, rank_r = ranks_both(overall_q, groups)
    cat_ranks = [ranks_both(cat_q[k], groups) for k in range(n_cat)]
    ind_ranks = [ranks_both(norm_q[i], groups) for i in range(n_ind)]
    ind_pct = [quantize(percentiles(norm_q[i])) if prep.active[i] else np.zeros(n_z, np.int64) for i in range(n_ind)]
    medians = [_median_value([v for v in prep.raw[i] if v is not None]) if prep.active[i] else None
               for i in range(n_ind)]

    bands = tuple((label, Decimal(share)) for label, share in params.class_bands)
    results: list[ZoneResult] = []
    for j, code in enumerate(prep.codes):
        region = prep.regions[j]
        categories = {c.code: Score(to_decimal(cat_q[k, j]), int(cat_ranks[k][0][j]), int(cat_ranks[k][1][j]))
                      for k, c in enumerate(prep.categories)}
        indicators = {}
        for i, node in enumerate(prep.indicators):
            if imputed[i, j]:
                value = medians[i] if params.impute == "median" else None
            else:
                value = prep.raw[i][j]
            indicators[node.code] = IndicatorScore(
                value=value, imputed=bool(imputed[i, j]), normalised=to_decimal(norm_q[i, j]),
                rank_national=int(ind_ranks[i][0][j]), rank_regional=int(ind_ranks[i][1][j]),
                percentile=to_decimal(ind_pct[i][j]))
        results.append(ZoneResult(
            code=code, region=region, base=to_decimal(base_q[j]), adjustment=to_decimal(prep.adj_q[j]),
            overall=to_decimal(overall_q[j]), rank_national=int(rank_n[j]), rank_regional=int(rank_r[j]),
            class_national=class_of(int(rank_n[j]), n_z, bands),
            class_regional=class_of(int(rank_r[j]), region_counts[region], bands),
            categories=categories, indicators=indicators, adjustments=dict(prep.adjustments[j]),
            coverage=prep.coverage[j]))
    results.sort(key=lambda r: (r.rank_national, r.code))
    return EvaluationResult(zones={r.code: r for r in results}, zone_count=n_z, region_counts=region_counts,
                            unrated=prep.unrated, excluded_indicators=excluded, treatments=prep.treatments)
