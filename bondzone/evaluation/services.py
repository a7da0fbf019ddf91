"""Writes of the zone evaluation. Each service checks the actor's permission, validates with the pure
rules in domain/, writes in one durable transaction and records an audit row in it.

An evaluation run is frozen: the framework snapshot, the parameters and every input value (with its
revision) are stored with the run, and `reproduce_run` recomputes from them and compares hashes.
"""

from __future__ import annotations

import hashlib
import json
import time
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone

from bondzone.core import audit, idempotency
from bondzone.core.actor import Actor
from bondzone.core.domain.errors import Conflict, DomainError, Forbidden, Problem, problem
from bondzone.core.domain.inputs import (
    BIGINT, HISTORICAL, SMALLINT, collect_date, collect_decimal, collect_int, collect_text, parse_int, shown,
)
from bondzone.core.domain.roles import Role
from bondzone.core.models import Zone
from bondzone.core.scoping import get_scoped
from bondzone.governance import selectors as governance_selectors
from bondzone.governance import services as governance_services

from . import selectors
from .domain import framework as fw
from .domain.assumptions import Assumption, assumptions_of
from .domain import tradestats
from .domain.derive import derive_values
from .domain.engine import IMPUTES, OUTLIER_RULES, Params, ZoneInput, evaluate, validate_params
from .domain.series import ENTRY_PRIORITY, SERIES, counting_revision, value_problems
from .domain.uncertainty import FACTORS as MC_FACTORS
from .domain.uncertainty import Sensitivity, rank_intervals, sensitivity_indices
from .domain.zones import check_dates
from .models import (
    EvalZone, EvaluationRun, Framework, Indicator, NodeScore, Rectification, Region, SeriesValue, Source, ZoneArea, ZoneKind,
    ZoneResult,
)

MIN_YEAR, MAX_YEAR = 2000, 2100
# Assumed default, no rule fixes it: a rectification task is due 60 working days (about three months) after
# it is opened, counted on the core working-day calendar.
RECTIFICATION_WORKDAYS = 60
MAX_DRAWS = 5000
DEFAULT_BANDS = [["A", "20"], ["B", "70"], ["C", "100"]]
# series derived from the zone's areas when no value was entered for them
AREA_SERIES = {
    "approved_area_accepted_rate": lambda a: a.accepted_km2 / a.planned_km2 * 100,
    "fence_developed_rate": lambda a: (a.developed_km2 / a.fenced_km2 * 100) if a.fenced_km2 else None,
}
NODE_FIELDS = ("code", "parent", "kind", "name_zh", "name_en", "weight", "direction", "unit", "formula", "series",
               "normalisation", "goal_low", "goal_high", "points", "cap", "weight_assumed")


# ---------------------------------------------------------------- small parsers


def _year(value: Any, field: str, problems: list[Problem]) -> int | None:
    year = parse_int(value)
    if year is None:
        blank = value is None or not str(value).strip()
        problems.append(problem(field, "required") if blank else problem(field, "not_an_integer", value=shown(value)))
        return None
    if not MIN_YEAR <= year <= MAX_YEAR:
        problems.append(problem(field, "year_out_of_range", value=year, min=MIN_YEAR, max=MAX_YEAR))
        return None
    return year


def _digits(column: str) -> dict:
    """max_digits / decimal_places of an Indicator decimal column, for collect_decimal."""
    f = Indicator._meta.get_field(column)
    return {"max_digits": f.max_digits, "decimal_places": f.decimal_places}


def _raise(problems: list[Problem]) -> None:
    if problems:
        raise DomainError(problems)


# ---------------------------------------------------------------- frameworks
def to_domain(framework: Framework, weights: dict[str, Decimal] | None = None) -> fw.Framework:
    """The pure framework of a stored one (optionally with some weights replaced, for validation)."""
    nodes = []
    for i in framework.indicators.all().order_by("position", "id"):
        nodes.append(node_of(i, weights))
    return fw.Framework(code=framework.code, name=framework.name, nodes=tuple(nodes))


def node_of(i: Indicator, weights: dict[str, Decimal] | None = None) -> fw.Node:
    return fw.Node(
        code=i.code, parent=i.parent_code or None, kind=fw.Kind(i.kind), name_zh=i.name_zh, name_en=i.name_en,
        weight=(weights or {}).get(i.code, i.weight), direction=i.direction, unit=i.unit,
        formula=fw.Formula(i.formula), series=i.series, normalisation=fw.Normalisation(i.normalisation),
        goal_low=i.goal_low, goal_high=i.goal_high, points=i.points, cap=i.cap, weight_assumed=i.weight_assumed)


def node_to_json(n: fw.Node) -> dict:
    out = {}
    for f in NODE_FIELDS:
        v = getattr(n, f)
        out[f] = str(v) if isinstance(v, Decimal) else (v.value if hasattr(v, "value") else v)
    return out


def node_from_json(d: dict) -> fw.Node:
    dec = lambda v: None if v is None else Decimal(v)  # noqa: E731
    return fw.Node(code=d["code"], parent=d["parent"], kind=fw.Kind(d["kind"]), name_zh=d["name_zh"],
                   name_en=d["name_en"], weight=Decimal(d["weight"]), direction=int(d["direction"]), unit=d["unit"],
                   formula=fw.Formula(d["formula"]), series=d["series"],
                   normalisation=fw.Normalisation(d["normalisation"]), goal_low=dec(d["goal_low"]),
                   goal_high=dec(d["goal_high"]), points=dec(d["points"]), cap=dec(d["cap"]),
                   weight_assumed=bool(d["weight_assumed"]))


def _bands_of(raw: Any, problems: list[Problem]) -> list[list[str]]:
    try:
        bands = [[str(name).strip(), Decimal(str(share))] for name, share in raw]
        shares = [s for _, s in bands]
        ok = (bands and all(n for n, _ in bands) and shares[-1] == 100 and all(s > 0 for s in shares)
              and all(a < b for a, b in zip(shares, shares[1:])) and len({n for n, _ in bands}) == len(bands))
    except (TypeError, ValueError, InvalidOperation):
        ok = False
    if not ok:
        problems.append(problem("class_bands", "bad_class_bands", value=json.dumps(raw, default=str,
                                                                                     ensure_ascii=False)))
        return []
    return [[n, str(s)] for n, s in bands]


def install_framework(actor: Actor | None, definition: fw.Framework, *, name: str | None = None,
                      based_on: Framework | None = None, description: str = "") -> Framework:
    """Store a pure framework (the shipped GACC 2020 one, or a clone). Refused whole if it is invalid."""
    _raise(fw.validate(definition))
    with transaction.atomic():
        f = Framework.objects.create(code=definition.code, name=name or definition.name, based_on=based_on,
                                     description=description, class_bands=DEFAULT_BANDS,
                                     created_by_id=actor.user_id if actor else None)
        Indicator.objects.bulk_create([
            Indicator(framework=f, code=n.code, parent_code=n.parent or "", kind=n.kind.value, name_zh=n.name_zh,
                      name_en=n.name_en, weight=n.weight, weight_assumed=n.weight_assumed, direction=n.direction,
                      unit=n.unit, formula=n.formula.value, series=n.series, normalisation=n.normalisation.value,
                      goal_low=n.goal_low, goal_high=n.goal_high, points=n.points, cap=n.cap, position=pos)
            for pos, n in enumerate(definition.nodes)])
        if actor is not None:
            audit.record(actor, "evaluation.framework_installed", f, after={"code": f.code, "nodes": len(definition.nodes)})
    return f


def clone_framework(*, actor: Actor, framework_id: int, code: str, name: str) -> Framework:
    actor.require("evaluation.manage")
    source = get_scoped(Framework, actor, framework_id)
    problems: list[Problem] = []
    code = collect_text(code, "code", problems, max_length=40, required=True)
    name = collect_text(name, "name", problems, max_length=200)
    if code and Framework.objects.filter(code=code).exists():
        problems.append(problem("code", "duplicate_value", value=code))
    if not name:
        problems.append(problem("name", "required"))
    _raise(problems)
    definition = to_domain(source)
    clone = fw.Framework(code=code, name=name, nodes=definition.nodes)
    with transaction.atomic():
        f = install_framework(None, clone, based_on=source, description=source.description)
        f.aggregation, f.impute, f.class_bands = source.aggregation, source.impute, source.class_bands
        f.min_coverage, f.outliers = source.min_coverage, source.outliers
        f.save(update_fields=["aggregation", "impute", "class_bands", "min_coverage", "outliers"])
        audit.record(actor, "evaluation.framework_cloned", f, after={"code": code, "from": source.code})
    return f


def _editable(actor: Actor, framework_id: int) -> Framework:
    actor.require("evaluation.manage")
    f = get_scoped(Framework, actor, framework_id)
    if f.locked:
        raise Conflict(fw.prob("framework", "framework_locked", code=f.code))  # prob: `code` may be a parameter
    return f


def set_weights(*, actor: Actor, framework_id: int, weights: dict[str, Any]) -> Framework:
    """Change several weights at once (one weight alone can never keep the sums right)."""
    f = _editable(actor, framework_id)
    problems: list[Problem] = []
    known = set(f.indicators.values_list("code", flat=True))
    parsed: dict[str, Decimal] = {}
    for code, raw in (weights or {}).items():
        if code not in known:
            problems.append(problem(f"weights.{code}", "unknown_indicator", framework=f.code, value=code))
            continue
        d = collect_decimal(raw, f"weights.{code}", problems, required=True, **_digits("weight"))
        if d is not None:
            parsed[code] = d
    if not parsed and not problems:
        problems.append(problem("weights", "required"))
    _raise(problems)
    _raise(fw.validate(to_domain(f, parsed)))
    with transaction.atomic():
        current = dict(f.indicators.select_for_update().filter(code__in=parsed).values_list("code", "weight"))
        changed = {c: w for c, w in parsed.items() if w != current[c]}
        for i in f.indicators.filter(code__in=changed):
            i.weight = changed[i.code]
            i.weight_assumed = True  # an administrator's weight is, by definition, not the published one
            i.save(update_fields=["weight", "weight_assumed"])
        if changed:
            audit.record(actor, "evaluation.weights_changed", f, before={c: str(current[c]) for c in changed},
                         after={c: str(w) for c, w in changed.items()})
    return f


INDICATOR_EDITABLE = ("name_zh", "name_en", "direction", "unit", "normalisation", "goal_low", "goal_high", "points",
                      "cap")


def update_indicator(*, actor: Actor, framework_id: int, code: str, data: dict) -> Indicator:
    f = _editable(actor, framework_id)
    try:
        ind = f.indicators.get(code=code)
    except Indicator.DoesNotExist:
        raise DomainError(problem("code", "unknown_indicator", framework=f.code, value=code)) from None
    problems: list[Problem] = []
    changes: dict[str, Any] = {}
    for key, raw in (data or {}).items():
        if key not in INDICATOR_EDITABLE or raw is None:
            continue
        if key in ("goal_low", "goal_high", "points", "cap"):
            changes[key] = collect_decimal(raw, key, problems, **_digits(key))
        elif key == "direction":
            changes[key] = collect_int(raw, key, problems, lo=SMALLINT[0], hi=SMALLINT[1])
        elif key == "normalisation":
            if raw not in {n.value for n in fw.Normalisation}:
                problems.append(problem(key, "bad_choice", value=raw,
                                        choices=", ".join(n.value for n in fw.Normalisation)))
            changes[key] = raw
        else:
            changes[key] = collect_text(raw, key, problems, max_length=Indicator._meta.get_field(key).max_length)
    _raise(problems)
    before = node_to_json(node_of(ind))
    for k, v in changes.items():
        setattr(ind, k, v)
    nodes = tuple(node_of(ind) if n.code == code else n for n in to_domain(f).nodes)
    _raise(fw.validate(fw.Framework(code=f.code, name=f.name, nodes=nodes)))
    with transaction.atomic():
        ind.save()
        audit.record(actor, "evaluation.indicator_changed", ind, before=before, after=node_to_json(node_of(ind)))
    return ind


NEW_NODE_KINDS = (fw.Kind.INDICATOR.value, fw.Kind.BONUS.value, fw.Kind.PENALTY.value)


def add_node(*, actor: Actor, framework_id: int, data: dict) -> Indicator:
    """Add an indicator (under a category) or a bonus / penalty item to an unlocked framework. It starts with
    weight 0, so every sum still holds; give it weight afterwards with `set_weights`."""
    f = _editable(actor, framework_id)
    data = {k: (v.strip() if isinstance(v, str) else v) for k, v in (data or {}).items()}
    problems: list[Problem] = []
    code = collect_text(data.get("code"), "code", problems, max_length=20, required=True)
    kind = data.get("kind") or fw.Kind.INDICATOR.value
    if kind not in NEW_NODE_KINDS:
        problems.append(problem("kind", "bad_new_kind", value=kind))
    for field, required in (("name_zh", True), ("name_en", False), ("unit", False), ("parent", False),
                            ("series", False)):
        limit = Indicator._meta.get_field("parent_code" if field == "parent" else field).max_length
        data[field] = collect_text(data.get(field), field, problems, max_length=limit, required=required)
    direction = collect_int(data.get("direction"), "direction", problems, lo=SMALLINT[0], hi=SMALLINT[1]) or 1
    decimals = {k: collect_decimal(data.get(k), k, problems, **_digits(k)) for k in ("goal_low", "goal_high", "points",
                                                                                      "cap")}
    formula = data.get("formula") or fw.Formula.RAW.value
    series = data.get("series") or ""
    unit = data.get("unit") or (fw.value_unit(SERIES[series].unit, formula) if series in SERIES else "")
    with transaction.atomic():
        _lock_structure(f)
        if code and f.indicators.filter(code=code).exists():
            problems.append(problem("code", "duplicate_value", value=code))
        _raise(problems)
        node = fw.Node(code=code, parent=(data.get("parent") or None) if kind == fw.Kind.INDICATOR else None,
                       kind=fw.Kind(kind), name_zh=data["name_zh"], name_en=data.get("name_en") or "",
                       direction=direction, unit=unit, formula=formula, series=series,
                       normalisation=data.get("normalisation") or fw.Normalisation.MINMAX.value,
                       weight_assumed=True, **decimals)
        prefix = f"nodes.{code}."
        _raise([Problem(p.field.removeprefix(prefix), p.code, p.params)
                for p in fw.validate(fw.Framework(code=f.code, name=f.name, nodes=(*to_domain(f).nodes, node)))])
        after = f.indicators.filter(parent_code=node.parent) if node.parent else f.indicators.all()
        position = (after.aggregate(p=Max("position"))["p"] or 0) + 1
        f.indicators.filter(position__gte=position).update(position=F("position") + 1)
        ind = Indicator.objects.create(
            framework=f, code=code, parent_code=node.parent or "", kind=node.kind.value, name_zh=node.name_zh,
            name_en=node.name_en, weight=0, weight_assumed=True, direction=direction, unit=unit, formula=formula,
            series=series, normalisation=node.normalisation, position=position, **decimals)
        audit.record(actor, "evaluation.node_added", ind, after=node_to_json(node))
    ind.refresh_from_db()  # decimals as stored (0.0000), like every other read of a node
    return ind


def remove_node(*, actor: Actor, framework_id: int, code: str) -> Framework:
    """Remove a node of an unlocked framework (a category with its indicators). Only weightless nodes go:
    the weights are moved to the other nodes first, on purpose, with `set_weights`."""
    f = _editable(actor, framework_id)
    with transaction.atomic():
        _lock_structure(f)
        removed = list(f.indicators.filter(code=code)) + list(f.indicators.filter(parent_code=code or "-"))
        if not removed:
            raise DomainError(problem("code", "unknown_indicator", framework=f.code, value=code))
        _raise([fw.prob("code", "node_has_weight", code=n.code, value=fw.fmt(n.weight))
                for n in removed if n.weight])
        gone = {n.code for n in removed}
        rest = tuple(n for n in to_domain(f).nodes if n.code not in gone)
        _raise(fw.validate(fw.Framework(code=f.code, name=f.name, nodes=rest)))
        f.indicators.filter(pk__in=[n.pk for n in removed]).delete()
        audit.record(actor, "evaluation.node_removed", f, before={n.code: node_to_json(node_of(n)) for n in removed})
    return f


def _lock_structure(f: Framework) -> None:
    """One change of a framework's nodes at a time: checks (free code, sums) and the write see the same tree."""
    Framework.objects.select_for_update().filter(pk=f.pk).values_list("pk", flat=True).get()


def update_settings(*, actor: Actor, framework_id: int, data: dict) -> Framework:
    f = _editable(actor, framework_id)
    problems: list[Problem] = []
    fields: dict[str, Any] = {}
    if data.get("aggregation") is not None:
        if data["aggregation"] not in ("arithmetic", "geometric"):
            problems.append(problem("aggregation", "bad_choice", value=data["aggregation"],
                                    choices="arithmetic, geometric"))
        fields["aggregation"] = data["aggregation"]
    if data.get("impute") is not None:
        if data["impute"] not in IMPUTES:
            problems.append(problem("impute", "bad_choice", value=data["impute"], choices=", ".join(IMPUTES)))
        fields["impute"] = data["impute"]
    if data.get("outliers") is not None:
        if data["outliers"] not in OUTLIER_RULES:
            problems.append(problem("outliers", "bad_choice", value=data["outliers"], choices=", ".join(OUTLIER_RULES)))
        fields["outliers"] = data["outliers"]
    if data.get("min_coverage") not in (None, ""):
        cover = collect_decimal(data["min_coverage"], "min_coverage", problems)
        if cover is not None and not (Decimal(0) <= cover <= Decimal(100)):
            problems.append(fw.prob("min_coverage", "bad_min_coverage", value=str(cover)))
        elif cover is not None:
            fields["min_coverage"] = cover.quantize(Decimal("0.0001"))
    if data.get("class_bands") is not None:
        fields["class_bands"] = _bands_of(data["class_bands"], problems)
    if data.get("name"):
        fields["name"] = collect_text(data["name"], "name", problems, max_length=200)
    _raise(problems)
    if not fields:
        return f
    with transaction.atomic():
        before = {k: getattr(f, k) for k in fields}
        for k, v in fields.items():
            setattr(f, k, v)
        f.save(update_fields=list(fields))

        def plain(d: dict) -> dict:
            return {k: str(v) if isinstance(v, Decimal) else v for k, v in d.items()}

        audit.record(actor, "evaluation.framework_settings", f, before=plain(before), after=plain(fields))
    return f


def edit_framework(*, actor: Actor, framework_id: int, weights: dict[str, Any], settings: dict) -> Framework:
    """The framework page's one form: weights and settings together, all or nothing."""
    with transaction.atomic():
        f = set_weights(actor=actor, framework_id=framework_id, weights=weights)
        if settings:
            f = update_settings(actor=actor, framework_id=framework_id, data=settings)
    return f


# ---------------------------------------------------------------- zones and areas
def _writable_zone(actor: Actor, zone_id: Any) -> EvalZone:
    """A zone the actor may enter data for: zone administrations only their own platform zone."""
    actor.require("evaluation.enter_values")
    zone = get_scoped(EvalZone, actor, zone_id)
    if actor.role == Role.ZONE_ADMIN and (zone.zone_id is None or zone.zone_id != actor.zone_id):
        raise Forbidden(problem("zone", "zone_not_yours"))
    return zone


ZONE_FIELDS = ("code", "name_zh", "name_en", "kind", "region", "province", "platform_zone", "approved_on",
               "accepted_on", "evaluated_from")


def save_zone(*, actor: Actor, data: dict, zone_id: Any = None) -> EvalZone:
    """Create an evaluated zone, or change one (only the fields given). `platform_zone` is the code of the
    platform's own zone it is (empty: none); `evaluated_from` empty means not evaluated yet."""
    actor.require("evaluation.manage")
    zone = get_scoped(EvalZone, actor, zone_id) if zone_id is not None else None
    data = {k: "" if v is None else v for k, v in (data or {}).items() if k in ZONE_FIELDS}  # null: cleared
    if zone is None:
        data = {"name_en": "", "kind": ZoneKind.CBZ, "province": "", **data}
    problems: list[Problem] = []
    clean: dict[str, Any] = {}
    for field in ("code", "name_zh", "name_en", "province"):
        if field in data:
            clean[field] = collect_text(data[field], field, problems, required=field in ("code", "name_zh"),
                                        max_length=EvalZone._meta.get_field(field).max_length)
    if zone is None:
        for field in ("code", "name_zh", "region"):
            if field not in data:
                problems.append(problem(field, "required"))
    if clean.get("code") and EvalZone.objects.filter(code=clean["code"]).exclude(pk=getattr(zone, "pk", None)).exists():
        problems.append(problem("code", "duplicate_value", value=clean["code"]))
    for field, choices in (("kind", ZoneKind.values), ("region", Region.values)):
        if field in data:
            if data[field] not in choices:
                problems.append(problem(field, "bad_choice", value=data[field], choices=", ".join(choices)))
            clean[field] = data[field]
    if "platform_zone" in data:
        code = collect_text(data["platform_zone"], "platform_zone", problems, max_length=16)
        platform = Zone.objects.filter(code=code).first() if code else None
        if code and platform is None:
            problems.append(problem("platform_zone", "not_found", model="zone", id=code))
        elif platform and EvalZone.objects.filter(zone=platform).exclude(pk=getattr(zone, "pk", None)).exists():
            problems.append(problem("platform_zone", "duplicate_value", value=code))
        clean["zone"] = platform
    for field in ("approved_on", "accepted_on"):
        if field in data:
            clean[field] = collect_date(data[field], field, problems, window=HISTORICAL)
    if "evaluated_from" in data:
        raw = str(data["evaluated_from"]).strip()
        clean["evaluated_from"] = _year(raw, "evaluated_from", problems) if raw else None
    _raise(problems)
    merged = {f: clean.get(f, getattr(zone, f, None)) for f in ("approved_on", "accepted_on", "evaluated_from")}
    _raise(check_dates(merged["approved_on"], merged["accepted_on"], merged["evaluated_from"]))
    with transaction.atomic():
        before = None
        if zone is None:
            zone = EvalZone.objects.create(**clean)
        else:
            zone = EvalZone.objects.select_for_update().get(pk=zone.pk)
            before = {k: str(getattr(zone, k)) for k in clean}
            for k, v in clean.items():
                setattr(zone, k, v)
            zone.save()
        audit.record(actor, "evaluation.zone_created" if before is None else "evaluation.zone_changed", zone,
                     before=before, after={k: str(v) for k, v in clean.items()})
    return zone


def set_area(*, actor: Actor, zone_id: int, year: Any, planned: Any, accepted: Any, fenced: Any,
             developed: Any) -> ZoneArea:
    zone = _writable_zone(actor, zone_id)
    problems: list[Problem] = []
    y = _year(year, "year", problems)
    vals = {k: collect_decimal(v, k, problems, required=True, max_digits=9, decimal_places=4) for k, v in
            (("planned_km2", planned), ("accepted_km2", accepted), ("fenced_km2", fenced),
             ("developed_km2", developed))}
    if not problems:
        if vals["planned_km2"] <= 0:
            problems.append(problem("planned_km2", "amount_negative", value=vals["planned_km2"]))
        for k in ("accepted_km2", "fenced_km2", "developed_km2"):
            if vals[k] < 0:
                problems.append(problem(k, "amount_negative", value=vals[k]))
        if any(vals[k] > vals["planned_km2"] for k in ("accepted_km2", "fenced_km2", "developed_km2")):
            problems.append(problem("planned_km2", "area_order"))
    _raise(problems)
    with transaction.atomic():
        old = ZoneArea.objects.select_for_update().filter(zone=zone, year=y).first()
        before = None if old is None else {k: str(getattr(old, k)) for k in vals}
        area, _ = ZoneArea.objects.update_or_create(zone=zone, year=y, defaults=vals)
        area.refresh_from_db()  # answer with the stored (quantized) figures
        # no obj: audit would take the row's zone_id (an EvalZone id) for the platform zone
        audit.record(actor, "evaluation.area_set", object_type="evaluation.zonearea", object_id=area.pk,
                     before=before, after={k: str(v) for k, v in vals.items()}, zone_id=zone.zone_id)
    return area


# ---------------------------------------------------------------- base data values
def _check_value(zone: EvalZone, row: dict, prefix: str, problems: list[Problem]) -> dict | None:
    series = str(row.get("series") or "").strip()
    spec = SERIES.get(series)
    if spec is None:
        problems.append(problem(prefix + "series", "no_such_series", value=series))
    year = _year(row.get("year"), prefix + "year", problems)
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
    zone = _writable_zone(actor, zone_id)
    problems: list[Problem] = []
    row = _check_value(zone, data, "", problems)
    _raise(problems)
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
    _raise(problems)
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
    y = _year(year, "year", problems)
    _raise(problems)
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


# ---------------------------------------------------------------- runs
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
    y = _year(year, "year", problems)
    n_draws = collect_int(draws, "draws", problems, required=True) or 0
    if not 0 <= n_draws <= MAX_DRAWS:
        problems.append(problem("draws", "draws_out_of_range", min=0, max=MAX_DRAWS))
    n_seed = collect_int(seed, "seed", problems, lo=BIGINT[0], hi=BIGINT[1]) or 0
    label = collect_text(label, "label", problems, max_length=200)
    n_sensitivity, _ = _sensitivity_args(sensitivity_draws or 0, n_seed, problems, allow_zero=True)
    if n_sensitivity and not n_draws:
        problems.append(problem("sensitivity_draws", "sensitivity_without_monte_carlo"))
    _raise(problems)
    definition = to_domain(framework)
    params_json = {"aggregation": framework.aggregation, "impute": framework.impute,
                   "class_bands": framework.class_bands or DEFAULT_BANDS, "min_coverage": str(framework.min_coverage),
                   "outliers": framework.outliers, "mc": MC_VERSION}
    _raise(fw.validate(definition) + validate_params(params_from_json(params_json)))

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
    _raise(problems)
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
    _raise(problems)
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



# ---------------------------------------------------------------- rectification (整改) from the exit watch
def open_rectification(*, actor: Actor, run_id: Any, zone_id: Any, today: date | None = None) -> Rectification:
    """Open 整改 for a zone on a published run's exit watch: one task in the ledger (lead unit: the zone's
    administration) and one joint-meeting issue naming it, both written by governance's own services and
    transactions. A second call for the same run and zone returns what the first opened."""
    actor.require("evaluation.rectify")
    run = get_scoped(EvaluationRun, actor, run_id)
    zone = get_scoped(EvalZone, actor, zone_id)
    done = Rectification.objects.filter(run=run, zone=zone).first()
    if done is not None and done.task_id and done.issue_id:
        return done
    if not run.public:
        raise DomainError(problem("run_id", "run_not_published", run=str(run)))
    if zone.pk not in {z.pk for z in selectors.exit_watch_zones(actor, run)}:
        raise DomainError(problem("zone_id", "zone_not_on_exit_watch", zone=zone.name_zh))
    unit = governance_selectors.zone_administration(actor, zone.zone_id) if zone.zone_id else None
    if unit is None:
        raise DomainError(problem("zone_id", "zone_without_administration", zone=zone.name_zh))
    if done is None:
        done, created = _claim_rectification(actor, run, zone)
    else:
        created = False
    if done.task_id is None and not created:
        raise Conflict(problem("zone_id", "rectification_in_progress", zone=zone.name_zh))
    title = f"{zone.name_zh} {run.year}年度综合评价退出预警整改"[:200]
    if done.task_id is None:
        try:
            task = governance_services.create_task(actor=actor, data={
                "title": title, "lead_unit_id": unit.pk, "zone_ids": [zone.zone_id],
                "start_date": today or timezone.localdate(), "due_in_workdays": RECTIFICATION_WORKDAYS,
                "text": f"{run}：{zone.name_zh}连续两个数据年度位列全国及所在区域后5名，进入退出预警。"})
        except Exception:
            Rectification.objects.filter(pk=done.pk, task__isnull=True).delete()
            raise
        with transaction.atomic():
            Rectification.objects.filter(pk=done.pk).update(task=task)
        done.task = task
    # a failure here leaves the task linked; the next call raises the issue only
    issue = governance_services.raise_issue(
        actor=actor, title=title, zone_id=zone.zone_id,
        description=f"整改任务 #{done.task_id}（牵头单位：{unit.name}）。{run}")
    with transaction.atomic():
        Rectification.objects.filter(pk=done.pk).update(issue=issue)
        done.issue = issue
        audit.record(actor, "evaluation.rectification_opened", run,
                     after={"zone": zone.code, "task": done.task_id, "issue": issue.pk})
    return done


def _claim_rectification(actor: Actor, run: EvaluationRun, zone: EvalZone) -> tuple[Rectification, bool]:
    """The (run, zone) row, unique, written before governance's writes so two concurrent calls cannot both
    open a task: the loser finds it without a task and is refused."""
    with transaction.atomic():
        return Rectification.objects.get_or_create(run=run, zone=zone, defaults={"opened_by_id": actor.user_id})
