"""Base data values: entered, imported and computed from the platform's own records."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Max

from bondzone.core import audit
from bondzone.core.actor import Actor
from bondzone.core.domain.errors import DomainError, Problem, problem
from bondzone.core.domain.inputs import collect_decimal, collect_text
from bondzone.core.domain.roles import Role

from ..domain import tradestats
from ..domain.series import ENTRY_PRIORITY, SERIES, value_problems
from ..models import EvalZone, SeriesValue, Source
from .common import parse_year, refuse_if
from .zones import writable_zone


def _check_value(zone: EvalZone, row: dict, prefix: str, problems: list[Problem]) -> dict | None:
    series = str(row.get("series") or "").strip()
    spec = SERIES.get(series)
    if spec is None:
        problems.append(problem(prefix + "series", "no_such_series", value=series))
    year = parse_year(row.get("year"), prefix + "year", problems)
    value = collect_decimal(row.get("value"), prefix + "value", problems, required=True, decimal_places=4)
    unit = str(row.get("unit") or "").strip()
    if spec is not None and unit != spec.unit:
        problems.append(problem(prefix + "unit", "wrong_value_unit", series=series, expected=spec.unit,
                                value=unit or "—"))
    if value is not None and abs(value) >= Decimal("1e15"):
        problems.append(problem(prefix + "value", "amount_too_large", value=value))
    elif value is not None and spec is not None:
        problems += value_problems(spec, value, prefix + "value")
    note = collect_text(row.get("note"), prefix + "note", problems, max_length=300)
    if problems:
        return None
    return {"zone": zone, "series": series, "year": year, "value": value, "unit": unit, "note": note}


def _store_values(actor: Actor, rows: list[dict], source: str) -> list[SeriesValue]:
    """New revisions for each (zone, series, year); the caller holds the transaction."""
    keys = {(r["zone"].pk, r["series"], r["year"]) for r in rows}
    zone_ids = {k[0] for k in keys}
    # writers of a zone's values queue on the zone row (in id order, so two imports cannot deadlock);
    # then the newest revisions cannot change under us
    list(EvalZone.objects.select_for_update().filter(pk__in=zone_ids).order_by("pk").values_list("pk", flat=True))
    latest = {}
    for zid, s, y, rev in (SeriesValue.objects
                           .filter(zone_id__in=zone_ids, series__in={k[1] for k in keys}, year__in={k[2] for k in keys})
                           .values("zone_id", "series", "year").annotate(rev=Max("revision"))
                           .values_list("zone_id", "series", "year", "rev")):
        latest[(zid, s, y)] = rev
    objs = []
    for r in rows:
        k = (r["zone"].pk, r["series"], r["year"])
        latest[k] = latest.get(k, 0) + 1
        objs.append(SeriesValue(zone=r["zone"], series=r["series"], year=r["year"], value=r["value"], unit=r["unit"],
                                note=r["note"], source=source, revision=latest[k], entered_by_id=actor.user_id))
    return SeriesValue.objects.bulk_create(objs)


def record_value(*, actor: Actor, zone_id: Any, data: dict) -> SeriesValue:
    zone = writable_zone(actor, zone_id)
    problems: list[Problem] = []
    row = _check_value(zone, data, "", problems)
    refuse_if(problems)
    with transaction.atomic():
        (v,) = _store_values(actor, [row], Source.ENTERED)
        audit.record(actor, "evaluation.value_recorded", object_type="evaluation.seriesvalue", object_id=v.pk,
                     zone_id=zone.zone_id,  # not from v: its zone_id is an EvalZone id
                     after={"zone": zone.code, "series": v.series, "year": v.year, "value": str(v.value),
                            "revision": v.revision})
    return v


def import_values(*, actor: Actor, rows: list[dict]) -> list[SeriesValue]:
    """All-or-nothing import of rows {zone, series, year, value, unit, note}; every bad row is reported
    as "row N, field: message" (row 1 is the header) and nothing is written."""
    actor.require("evaluation.enter_values")
    if not rows:
        raise DomainError(problem("file", "file_empty"))
    zones = {z.code: z for z in EvalZone.objects.filter(code__in={str(r.get("zone") or "").strip() for r in rows})}
    problems: list[Problem] = []
    good = []
    for n, raw in enumerate(rows, start=2):
        row_problems: list[Problem] = []
        code = str(raw.get("zone") or "").strip()
        zone = zones.get(code)
        if zone is None:
            row_problems.append(problem("zone", "not_found", model="zone", id=code or "—"))
        elif actor.role == Role.ZONE_ADMIN and zone.zone_id != actor.zone_id:
            row_problems.append(problem("zone", "zone_not_yours"))
        else:
            row = _check_value(zone, raw, "", row_problems)
            if row:
                good.append(row)
        problems += [problem("", "row", row=n, field=p.field, inner_code=p.code, inner_params=p.params)
                     for p in row_problems]
    refuse_if(problems)
    with transaction.atomic():
        stored = _store_values(actor, good, Source.IMPORTED)
        audit.record(actor, "evaluation.values_imported", object_type="evaluation.seriesvalue", object_id="",
                     after={"rows": len(stored)})
    return stored


def platform_figures(zone: EvalZone, year: int) -> dict[str, tuple[Decimal, str]]:
    """Series computed from the account books of a platform zone for a calendar year: trade by zone
    crossing and trade mode from approved lists that were not reversed (counter-lists excluded), and active
    enterprises (with at least one such list). Returns {series: (value, provenance)}."""
    from bondzone.supervision import selectors as supervision

    totals, n_lists, active = supervision.zone_trade(zone.zone_id, year)
    from bondzone.duties import selectors as duties  # the one dated exchange-rate table (customs' monthly rates)

    fx = duties.yearly_fx(year)
    missing = sorted({t.currency for t in totals} - set(fx))
    if missing:
        raise DomainError(problem("year", "no_fx_rate", currency=", ".join(missing)))
    trade = tradestats.trade_series(
        [tradestats.TradeRow(t.trade_mode, t.currency, t.value, t.crossing) for t in totals], fx)
    note = f"{n_lists} approved lists, {year}"
    out = {s: (v, note) for s, v in trade.items()}
    out["active_enterprises"] = (Decimal(active), note)
    return out


OFFICIAL_SOURCES = [s for s, rank in ENTRY_PRIORITY.items() if rank > ENTRY_PRIORITY[Source.COMPUTED]]


def compute_platform_values(*, actor: Actor, year: Any) -> list[SeriesValue]:
    """Record the platform-computed series of every zone run on the platform, as new revisions."""
    actor.require("evaluation.manage")
    problems: list[Problem] = []
    y = parse_year(year, "year", problems)
    refuse_if(problems)
    zones = list(EvalZone.objects.filter(zone__isnull=False).order_by("code"))
    official = set(SeriesValue.objects.filter(zone__in=zones, year=y, source__in=OFFICIAL_SOURCES)
                   .values_list("zone_id", "series"))
    rows, kept_official = [], 0
    for zone in zones:
        for series, (value, note) in platform_figures(zone, y).items():
            if (zone.pk, series) in official:  # an official figure stands; the books' figure is not stored
                kept_official += 1
                continue
            rows.append({"zone": zone, "series": series, "year": y, "value": value, "unit": SERIES[series].unit,
                         "note": note})
    with transaction.atomic():
        stored = _store_values(actor, rows, Source.COMPUTED)
        audit.record(actor, "evaluation.values_computed", object_type="evaluation.seriesvalue", object_id="",
                     after={"year": y, "rows": len(stored), "official_kept": kept_official})
    return stored
