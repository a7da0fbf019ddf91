"""Rankings out (CSV / XLSX / JSON via tablib) and base data values in (the same formats).

Every ranking export says which of its figures are synthetic (demo) and what it rests on that GACC did not
publish ("assumed", with the reason: the same sentences as the run page), and carries the run's stored
Sobol indices (core.tabular notes and sheets)."""

from __future__ import annotations

from typing import IO

from django.utils.translation import get_language
from django.utils.translation import pgettext_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from bondzone.core import tabular
from bondzone.core.actor import Actor
from bondzone.core.domain.errors import DomainError, problem

from . import selectors, services
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
SENSITIVITY_HEADERS = ["factor", "factor_name", "first_order", "total", "draws", "seed"]
SENSITIVITY_NAMES = {"factor": _("Factor"), "factor_name": _("Input factor"), "first_order": _("First-order index"),
                     "total": _("Total index"), "draws": _("Base sample N"), "seed": _("seed")}
# the input factors of the Monte Carlo (uncertainty.SENSITIVITY_FACTORS) in words
FACTOR_NAMES = {
    "weights": _("Weights (each ±20 %)"), "normalisation": _("Normalisation"),
    "impute": _("Missing-value rule"), "outliers": _("Outlier treatment"), "points": _("Bonus / penalty points"),
}


def assumption_text(a) -> str:
    """One assumption (domain.assumptions.Assumption) as the sentence the pages and exports show."""
    codes = ", ".join(a.codes)
    texts = {
        "weights": gettext("Weights not published by GACC, ours: %(codes)s."),
        "adjustments": gettext("The bonus / penalty items, their points and caps are our reading of the published "
                               "list: %(codes)s."),
        "class_bands": gettext("GACC publishes class A (the top 20 %%) only; the other bands are ours: %(codes)s."),
        "regions": gettext("The region boards (east, central, west & northeast) are our grouping of the zones."),
        "coverage": gettext("A zone must report at least %(codes)s of the indicators to be rated: GACC publishes no "
                            "rule; the JRC practice of about two thirds."),
        "impute": gettext("Missing values scored by the rule “%(codes)s”: GACC publishes no rule."),
        "outliers": gettext("Heavily skewed indicators treated by the rule “%(codes)s” (JRC / COINr practice): "
                            "GACC publishes no rule."),
    }
    text = texts.get(a.subject, a.subject)
    return text % {"codes": codes} if "%(codes)s" in text else text.replace("%%", "%")


def assumed_notes(run: EvaluationRun) -> list[tabular.Note]:
    return [tabular.Note("assumed", assumption_text(a), a.subject, tuple(a.codes))
            for a in services.run_assumptions(run)]


def synthetic_notes(run: EvaluationRun) -> list[tabular.Note]:
    """Which figures of the run are made up: the generated zones, and real zones whose values are demo ones."""
    zones = run.inputs.get("zones", [])
    generated = [z["code"] for z in zones if z.get("synthetic")]
    made_up = sorted({row[0] for row in run.inputs.get("values", []) if len(row) > 5 and row[5] == "synthetic"}
                     - set(generated))
    notes = []
    if generated:
        notes.append(tabular.Note("synthetic", gettext(
            "%(n)s zones of this ranking (synthetic = 1) are a generated national field (seeded); "
            "every figure of theirs is made up for the demo.") % {"n": len(generated)}, "zones"))
    if made_up:
        notes.append(tabular.Note("synthetic", gettext(
            "The data values of %(zones)s are made up for the demo (source “synthetic (demo)”); only "
            "the zones' names, dates and areas are real.") % {"zones": ", ".join(made_up)}, "values",
            tuple(made_up)))
    return notes


def sensitivity_rows(run: EvaluationRun) -> list[dict]:
    """The run's stored Sobol indices with their factors in words ([] when none are stored)."""
    stored = run.sensitivity or {}
    return [{**i, "name": str(FACTOR_NAMES.get(i["factor"], i["factor"]))} for i in stored.get("indices", [])]


def sensitivity_sheet(run: EvaluationRun) -> list[tabular.Sheet]:
    stored = run.sensitivity or {}
    if not stored:
        return []
    title = gettext("Sensitivity (Sobol), N = %(n)s") % {"n": stored["draws"]}
    return [tabular.Sheet("sensitivity", title, SENSITIVITY_HEADERS,
                          [[i["factor"], i["name"], i["first_order"], i["total"], stored["draws"], stored["seed"]]
                           for i in sensitivity_rows(run)], names=SENSITIVITY_NAMES)]


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
    return tabular.write_rows(headers, table, fmt, names=names, notes=synthetic_notes(run) + assumed_notes(run),
                              sheets=sensitivity_sheet(run))


VALUE_EXPORT_COLUMNS = [*VALUE_COLUMNS, "source", "revision", "synthetic"]
VALUE_NAMES = {"zone": _("Zone code"), "series": _("data series"), "year": _("year"), "value": pgettext_lazy("indicator value", "value"),
               "unit": _("unit"), "note": _("provenance"), "source": _("source"), "revision": _("revision"),
               "synthetic": _("Synthetic")}


def export_values(rows, *, fmt: str) -> bytes:
    """Base data values (a selectors.values queryset) as a file that imports back (`read_rows`), saying which
    of them are made up for the demo."""
    if fmt not in FORMATS:
        raise DomainError(problem("format", "unknown_format", value=fmt))
    table, made_up, zones = [], 0, set()
    for v in rows:
        demo = v.source == "synthetic" or v.zone.synthetic
        made_up += demo
        if demo:
            zones.add(v.zone.code)
        table.append([v.zone.code, v.series, v.year, str(v.value), v.unit, v.note, v.source, v.revision,
                      "1" if demo else "0"])
    notes = []
    if made_up:
        notes.append(tabular.Note("synthetic", gettext(
            "%(n)s of these %(total)s values (synthetic = 1) are made up for the demo: the generated zones' and "
            "those of source “synthetic (demo)”.") % {"n": made_up, "total": len(table)}, "values",
            tuple(sorted(zones))))
    return tabular.write_rows(VALUE_EXPORT_COLUMNS, table, fmt, names=VALUE_NAMES, notes=notes)


def read_rows(stream: IO[bytes], fmt: str, name: str = "") -> list[dict]:
    """Rows of an uploaded values file (`name`) as dicts keyed by the column code; a bad file is a clear error. The
    columns the export adds (source, revision, synthetic) are read back and left alone, so an export imports
    again; any other column is refused."""
    return tabular.read_rows(stream, fmt, required=VALUE_COLUMNS[:5], known=VALUE_EXPORT_COLUMNS, name=name,
                             max_bytes=MAX_IMPORT_BYTES)
