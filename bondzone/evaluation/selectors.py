"""Reads of the zone evaluation. Every query starts from core.scoping.restrict (the one chokepoint)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Exists, F, OuterRef, Q, QuerySet

from bondzone.core import labels
from bondzone.core.actor import PUBLIC_READER, Actor
from bondzone.core.scoping import get_scoped, restrict

from .domain.exitwatch import exit_watch
from .domain.series import SERIES
from .models import (
    EvalZone, EvaluationRun, Framework, Indicator, NodeScore, Rectification, SeriesValue, ZoneArea, ZoneResult,
)


PUBLIC = PUBLIC_READER  # the public ranking page: public runs only, logged in or not


def zones(actor: Actor, *, q: str = "", region: str = "", synthetic: bool | None = None) -> QuerySet:
    qs = restrict(EvalZone, actor)
    if q:
        qs = qs.filter(Q(code__icontains=q) | Q(name_zh__icontains=q) | Q(name_en__icontains=q))
    if region:
        qs = qs.filter(region=region)
    if synthetic is not None:
        qs = qs.filter(synthetic=synthetic)
    return qs


def zone(actor: Actor, zone_id) -> EvalZone:
    return get_scoped(EvalZone, actor, zone_id)


def areas(actor: Actor, zone_obj: EvalZone) -> QuerySet:
    return restrict(ZoneArea, actor).filter(zone=zone_obj).order_by("-year")


def frameworks(actor: Actor) -> QuerySet:
    return restrict(Framework, actor).select_related("based_on")


def framework(actor: Actor, framework_id) -> Framework:
    return get_scoped(Framework, actor, framework_id)


def framework_by_code(actor: Actor, code: str) -> Framework:
    return get_scoped(Framework, actor, code, field="code")


def indicator(actor: Actor, framework_obj: Framework, indicator_id) -> Indicator:
    return get_scoped(Indicator.objects.filter(framework=framework_obj), actor, indicator_id)


def categories(framework_obj: Framework) -> QuerySet:
    return framework_obj.indicators.filter(kind="category").order_by("position", "id")


@dataclass
class TreeRow:
    node: Indicator
    depth: int
    children: int


def framework_tree(f: Framework) -> list[TreeRow]:
    """Categories with their indicators under them, then the bonus / penalty items, in framework order."""
    nodes = list(f.indicators.all().order_by("position", "id"))
    kids = defaultdict(list)
    for n in nodes:
        kids[n.parent_code].append(n)
    rows: list[TreeRow] = []

    def walk(parent: str, depth: int) -> None:
        for n in kids.get(parent, []):
            rows.append(TreeRow(n, depth, len(kids.get(n.code, []))))
            if depth < 10:
                walk(n.code, depth + 1)

    walk("", 0)
    return rows


def values(actor: Actor, *, zone_id=None, series: str = "", year=None, source: str = "",
           current_only: bool = True) -> QuerySet:
    qs = restrict(SeriesValue, actor).select_related("zone", "entered_by")
    if zone_id:
        qs = qs.filter(zone_id=zone_id)
    if series:
        qs = qs.filter(series=series)
    if year:
        qs = qs.filter(year=year)
    if source:
        qs = qs.filter(source=source)
    if current_only:
        newer = SeriesValue.objects.filter(zone_id=OuterRef("zone_id"), series=OuterRef("series"),
                                           year=OuterRef("year"), revision__gt=OuterRef("revision"))
        qs = qs.exclude(Exists(newer))
    return qs.order_by("zone__code", "series", "-year", "-revision")


def revisions(actor: Actor, value: SeriesValue) -> QuerySet:
    return restrict(SeriesValue, actor).filter(zone_id=value.zone_id, series=value.series, year=value.year)


def runs(actor: Actor, *, year=None, framework_id=None) -> QuerySet:
    qs = restrict(EvaluationRun, actor).select_related("framework", "created_by")
    if year:
        qs = qs.filter(year=year)
    if framework_id:
        qs = qs.filter(framework_id=framework_id)
    return qs


def run(actor: Actor, run_id) -> EvaluationRun:
    return get_scoped(EvaluationRun.objects.select_related("framework"), actor, run_id)


def latest_run(actor: Actor) -> EvaluationRun | None:
    return runs(actor).order_by("-year", "-id").first()


def ranking(actor: Actor, run_obj: EvaluationRun, *, region: str = "", klass: str = "", q: str = "") -> QuerySet:
    qs = restrict(ZoneResult, actor).filter(run=run_obj).select_related("zone")
    if region:
        qs = qs.filter(region=region).order_by("rank_regional", "zone__code")
    if klass:
        qs = qs.filter(class_regional=klass) if region else qs.filter(class_national=klass)
    if q:
        qs = qs.filter(Q(zone__code__icontains=q) | Q(zone__name_zh__icontains=q) | Q(zone__name_en__icontains=q))
    return qs


def outside_interval(run_obj: EvaluationRun) -> list[str]:
    """Codes of the zones whose published national or regional rank lies outside its own Monte Carlo
    5–95 % interval (a run without draws has no interval: none)."""
    national = Q(mc_p05__gt=F("rank_national")) | Q(mc_p95__lt=F("rank_national"))
    regional = Q(mc_regional_p05__gt=F("rank_regional")) | Q(mc_regional_p95__lt=F("rank_regional"))
    return list(ZoneResult.objects.filter(run=run_obj).filter(national | regional)
                .order_by("zone__code").values_list("zone__code", flat=True))


def imputed_codes(actor: Actor, run_obj: EvaluationRun, zone_ids: list[int] | None = None) -> dict[int, list[str]]:
    """{zone id: indicator codes whose value was imputed} for a run (framework order of the codes as stored)."""
    qs = restrict(NodeScore, actor).filter(run=run_obj, imputed=True)
    if zone_ids is not None:
        qs = qs.filter(zone_id__in=zone_ids)
    out: dict[int, list[str]] = {}
    for zid, code in qs.order_by("zone_id", "id").values_list("zone_id", "code"):
        out.setdefault(zid, []).append(code)
    return out


def nodes_of(run_obj: EvaluationRun) -> dict[str, dict]:
    """The run's frozen framework nodes by code (the framework may have changed since)."""
    return {n["code"]: n for n in run_obj.framework_snapshot}


def value_sources(run_obj: EvaluationRun, zone_code: str) -> dict[str, str]:
    """{series: how the value the run used came in} for one zone and the run's year (runs made before the
    source was recorded: empty)."""
    return {row[1]: row[5] for row in run_obj.inputs.get("values", [])
            if row[0] == zone_code and row[2] == run_obj.year and len(row) > 5}


def has_demo_figures(zone_obj: EvalZone, run_obj: EvaluationRun | None = None) -> bool:
    """Does a real zone show made-up (demo) figures: values of source "synthetic" — the ones a run used, or
    any the zone has?"""
    if run_obj is not None:
        return "synthetic" in value_sources(run_obj, zone_obj.code).values()
    return zone_obj.values.filter(source="synthetic").exists()


def categories_of(run_obj: EvaluationRun) -> list[dict]:
    return [n for n in run_obj.framework_snapshot if n["kind"] == "category"]


def indicators_of(run_obj: EvaluationRun) -> list[dict]:
    return [n for n in run_obj.framework_snapshot if n["kind"] == "indicator"]


def zone_scores(actor: Actor, run_obj: EvaluationRun, zone_id) -> tuple[ZoneResult, dict[str, NodeScore]]:
    result = get_scoped(restrict(ZoneResult, actor).filter(run=run_obj).select_related("zone"), actor, zone_id,
                        field="zone_id")
    scores = {s.code: s for s in restrict(NodeScore, actor).filter(run=run_obj, zone_id=zone_id)}
    return result, scores


def category_scores(actor: Actor, run_obj: EvaluationRun, zone_ids: list[int]) -> dict[int, dict[str, Decimal]]:
    codes = [c["code"] for c in categories_of(run_obj)]
    out: dict[int, dict[str, Decimal]] = defaultdict(dict)
    for zid, code, score in (restrict(NodeScore, actor).filter(run=run_obj, zone_id__in=zone_ids, code__in=codes)
                             .values_list("zone_id", "code", "score")):
        out[zid][code] = score
    return out


def category_medians(actor: Actor, run_obj: EvaluationRun) -> dict[str, Decimal]:
    """National median score of each category (the radar chart's reference line)."""
    by_code = defaultdict(list)
    codes = [c["code"] for c in categories_of(run_obj)]
    for code, score in restrict(NodeScore, actor).filter(run=run_obj, code__in=codes).values_list("code", "score"):
        by_code[code].append(score)
    out = {}
    for code, vals in by_code.items():
        vals.sort()
        n = len(vals)
        out[code] = vals[n // 2] if n % 2 else (vals[n // 2 - 1] + vals[n // 2]) / 2
    return out


def strengths_weaknesses(scores: dict[str, NodeScore], indicator_codes: list[str], k: int = 5):
    """The k indicators where the zone stands highest / lowest among all zones (by percentile);
    ties keep framework order."""
    order = {c: i for i, c in enumerate(indicator_codes)}
    rows = [s for c, s in scores.items() if c in order and s.percentile is not None]
    best = sorted(rows, key=lambda s: (-s.percentile, order[s.code]))[:k]
    worst = sorted(rows, key=lambda s: (s.percentile, order[s.code]))[:k]
    return best, worst


def heatmap(actor: Actor, run_obj: EvaluationRun, *, region: str = "", limit: int = 40) -> dict:
    """Zones (best first, at most `limit`) × indicators, normalised scores 0–100."""
    top = list(ranking(actor, run_obj, region=region)[:limit])
    codes = [n["code"] for n in indicators_of(run_obj)]
    index = {r.zone_id: i for i, r in enumerate(top)}
    col = {c: j for j, c in enumerate(codes)}
    cells = []
    for zid, code, score in (restrict(NodeScore, actor).filter(run=run_obj, zone_id__in=index, code__in=codes)
                             .values_list("zone_id", "code", "score")):
        cells.append([col[code], index[zid], float(score)])
    return {"zones": [r.zone.name_zh for r in top], "indicators": codes, "cells": sorted(cells)}


def run_history(actor: Actor, run_obj: EvaluationRun) -> list[EvaluationRun]:
    """The newest run of each data year up to this one, for the same framework (oldest first)."""
    newest: dict[int, EvaluationRun] = {}
    for r in runs(actor, framework_id=run_obj.framework_id).filter(year__lte=run_obj.year).order_by("year", "id"):
        newest[r.year] = r
    newest[run_obj.year] = run_obj
    return [newest[y] for y in sorted(newest)]


def exit_watch_zones(actor: Actor, run_obj: EvaluationRun, *, bottom: int = 5, consecutive: int = 2) -> list[EvalZone]:
    """Zones in the bottom `bottom` nationally and regionally in `consecutive` consecutive data years."""
    history = run_history(actor, run_obj)
    years = [r.year for r in history]
    # only an unbroken run of years counts as "consecutive"
    while len(years) >= 2 and years[-1] - years[-2] != 1 and len(history) > 1:
        history, years = history[-1:], years[-1:]
    maps = []
    for r in history[-consecutive:]:
        rows = list(restrict(ZoneResult, actor).filter(run=r).values_list("zone__code", "region", "rank_national",
                                                                           "rank_regional"))
        n = len(rows)
        per_region = defaultdict(int)
        for _, region, _, _ in rows:
            per_region[region] += 1
        maps.append({code: (rn, n, rr, per_region[region]) for code, region, rn, rr in rows})
    if len(maps) < consecutive:
        return []
    codes = exit_watch(maps, bottom=bottom, consecutive=consecutive)
    return list(EvalZone.objects.filter(code__in=codes).order_by("code"))


def rectifications_of(actor: Actor, run_obj: EvaluationRun) -> dict[int, Rectification]:
    """The rectifications opened from this run's exit watch, by evaluated zone id (fully opened ones only)."""
    return {r.zone_id: r for r in restrict(Rectification, actor).filter(run=run_obj, task__isnull=False,
                                                                         issue__isnull=False)}


def trend(actor: Actor, zone_obj: EvalZone, run_obj: EvaluationRun) -> list[dict]:
    """The zone's score and national rank in the newest run of each year (same framework)."""
    out = []
    for r in run_history(actor, run_obj):
        res = restrict(ZoneResult, actor).filter(run=r, zone=zone_obj).first()
        if res is not None:
            out.append({"year": r.year, "overall": float(res.overall), "rank": res.rank_national,
                        "of": r.zone_count})
    return out


def series_choices() -> list[tuple[str, str, str]]:
    return [(code, labels.name("evaluation_series", code), s.unit) for code, s in SERIES.items()]
