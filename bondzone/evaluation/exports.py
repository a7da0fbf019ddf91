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
MAX_IMPORT_BYTES = 20 * 1024 * 1024


def guess_format(name: str) -> str:
    return name.rsplit(".", 1)[-1].lower() if "." in name else "csv"


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
    if fmt not in FORMATS:
        raise DomainError(problem("format", "unknown_format", value=fmt))
    raw = stream.read(MAX_IMPORT_BYTES + 1)
    if len(raw) > MAX_IMPORT_BYTES:
        raise DomainError(problem("file", "file_too_large", name="file", max=MAX_IMPORT_BYTES // (1024 * 1024)))
    try:
        if fmt == "xlsx":
            ds = tablib.Dataset().load(raw, format="xlsx")
        else:
            ds = tablib.Dataset().load(raw.decode("utf-8-sig"), format=fmt)
    except Exception as exc:  # any parser failure is the file's fault
        raise DomainError(problem("file", "file_unreadable", format=fmt, reason=str(exc)[:200])) from None
    headers = [str(h or "").strip().lower() for h in (ds.headers or [])]
    missing = [c for c in VALUE_COLUMNS[:5] if c not in headers]
    if missing:
        raise DomainError(problem("file", "missing_columns", columns=", ".join(missing)))
    rows = []
    for row in ds:
        d = {h: ("" if v is None else str(v).strip()) for h, v in zip(headers, row)}
        rows.append(d)
    if not rows:
        raise DomainError(problem("file", "file_empty"))
    return rows
