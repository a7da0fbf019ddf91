"""Rankings out (CSV / XLSX / JSON via tablib) and base data values in (the same formats)."""

from __future__ import annotations

from typing import IO

from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from bondzone.core import tabular
from bondzone.core.actor import Actor
from bondzone.core.domain.errors import DomainError, problem

from . import selectors
from .models import EvaluationRun

FORMATS = tabular.FORMATS
guess_format = tabular.guess_format
VALUE_COLUMNS = ["zone", "series", "year", "value", "unit", "note"]
MAX_IMPORT_BYTES = 20 * 1024 * 1024


RANKING_NAMES = {
    "rank_national": _("National rank"), "rank_regional": _("Regional rank"), "zone": _("Zone code"),
    "name": _("Zone name"), "region": _("Region"), "synthetic": _("Synthetic"), "overall": _("Score"),
    "base": _("Base score"), "adjustment": _("Bonus / penalty"), "class_national": _("National class"),
    "class_regional": _("Regional class"), "mc_median": _("Median rank (Monte Carlo)"),
    "mc_p05": _("Rank, 5th percentile"), "mc_p95": _("Rank, 95th percentile"),
    "mc_regional_median": _("Regional median rank"), "mc_regional_p05": _("Regional rank, 5th percentile"),
    "mc_regional_p95": _("Regional rank, 95th percentile"),
}
IMPUTED_NAME = _("Imputed indicators")


def export_ranking(actor: Actor, run: EvaluationRun, *, fmt: str) -> bytes:
    if fmt not in FORMATS:
        raise DomainError(problem("format", "unknown_format", value=fmt))
    cats = [c["code"] for c in selectors.categories_of(run)]
    headers = [*RANKING_NAMES, *cats, "imputed"]
    table = []
    rows = list(selectors.ranking(actor, run))
    cat_scores: dict[tuple[int, str], str] = {}
    for zid, code, score in (selectors.restrict(selectors.NodeScore, actor)
                             .filter(run=run, code__in=cats).values_list("zone_id", "code", "score")):
        cat_scores[(zid, code)] = str(score)
    imputed = selectors.imputed_codes(actor, run)
    for r in rows:
        table.append([
            r.rank_national, r.rank_regional, r.zone.code, r.zone.name_zh, r.region, "1" if r.zone.synthetic else "0",
            str(r.overall), str(r.base), str(r.adjustment), r.class_national, r.class_regional,
            *("" if v is None else str(v) for v in (r.mc_median, r.mc_p05, r.mc_p95, r.mc_regional_median,
                                                     r.mc_regional_p05, r.mc_regional_p95)),
            *[cat_scores.get((r.zone_id, c), "") for c in cats], " ".join(imputed.get(r.zone_id, []))])
    zh = (get_language() or "").startswith("zh")
    names = {**RANKING_NAMES, "imputed": IMPUTED_NAME,
             **{c["code"]: c["name_zh"] if zh else c["name_en"] for c in selectors.categories_of(run)}}
    return tabular.write_rows(headers, table, fmt, names=names)


def read_rows(stream: IO[bytes], fmt: str) -> list[dict]:
    """Rows of an uploaded values file as dicts keyed by the column code; a bad file is a clear error."""
    return tabular.read_rows(stream, fmt, required=VALUE_COLUMNS[:5], max_bytes=MAX_IMPORT_BYTES)
