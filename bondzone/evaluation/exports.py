"""Rankings out (CSV / XLSX / JSON via tablib) and base data values in (the same formats)."""

from __future__ import annotations

from typing import IO

import tablib

from bondzone.core import tabular
from bondzone.core.actor import Actor
from bondzone.core.domain.errors import DomainError, problem

from . import selectors
from .models import EvaluationRun

FORMATS = tabular.FORMATS
VALUE_COLUMNS = ["zone", "series", "year", "value", "unit", "note"]
guess_format = tabular.guess_format


def export_ranking(actor: Actor, run: EvaluationRun, *, fmt: str) -> bytes:
    if fmt not in FORMATS:
        raise DomainError(problem("format", "unknown_format", value=fmt))
    cats = [c["code"] for c in selectors.categories_of(run)]
    ds = tablib.Dataset(headers=["rank_national", "rank_regional", "zone", "name", "region", "synthetic", "overall",
                                 "base", "adjustment", "class_national", "class_regional", "mc_median", "mc_p05",
                                 "mc_p95", "mc_regional_median", "mc_regional_p05", "mc_regional_p95", *cats,
                                 "imputed"])
    rows = list(selectors.ranking(actor, run))
    cat_scores: dict[tuple[int, str], str] = {}
    for zid, code, score in (selectors.restrict(selectors.NodeScore, actor)
                             .filter(run=run, code__in=cats).values_list("zone_id", "code", "score")):
        cat_scores[(zid, code)] = str(score)
    imputed = selectors.imputed_codes(actor, run)
    for r in rows:
        ds.append([r.rank_national, r.rank_regional, r.zone.code, r.zone.name_zh, r.region,
                   "1" if r.zone.synthetic else "0", str(r.overall), str(r.base), str(r.adjustment), r.class_national,
                   r.class_regional, "" if r.mc_median is None else str(r.mc_median),
                   "" if r.mc_p05 is None else str(r.mc_p05), "" if r.mc_p95 is None else str(r.mc_p95),
                   *("" if v is None else str(v) for v in (r.mc_regional_median, r.mc_regional_p05, r.mc_regional_p95)),
                   *[cat_scores.get((r.zone_id, c), "") for c in cats], " ".join(imputed.get(r.zone_id, []))])
    return tabular.render(ds, fmt)


def read_rows(stream: IO[bytes], fmt: str) -> list[dict]:
    """Rows of an uploaded values file as dicts keyed by the header; a bad file is a clear error."""
    return tabular.read_rows(stream, fmt, required=VALUE_COLUMNS[:5], max_bytes=20 * 1024 * 1024)
