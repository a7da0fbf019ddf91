"""Frameworks: install, clone, weights, nodes and their settings."""

from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import F, Max

from bondzone.core import audit
from bondzone.core.actor import Actor
from bondzone.core.domain.errors import Conflict, DomainError, Problem, problem
from bondzone.core.domain.inputs import SMALLINT, collect_decimal, collect_int, collect_text
from bondzone.core.scoping import get_scoped

from ..domain import framework as fw
from ..domain.engine import IMPUTES, OUTLIER_RULES
from ..domain.series import SERIES
from ..models import Framework, Indicator
from .common import DEFAULT_BANDS, indicator_digits, refuse_if

NODE_FIELDS = ("code", "parent", "kind", "name_zh", "name_en", "weight", "direction", "unit", "formula", "series",
               "normalisation", "goal_low", "goal_high", "points", "cap", "weight_assumed")


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
    refuse_if(fw.validate(definition))
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
    refuse_if(problems)
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
        d = collect_decimal(raw, f"weights.{code}", problems, required=True, **indicator_digits("weight"))
        if d is not None:
            parsed[code] = d
    if not parsed and not problems:
        problems.append(problem("weights", "required"))
    refuse_if(problems)
    refuse_if(fw.validate(to_domain(f, parsed)))
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
            changes[key] = collect_decimal(raw, key, problems, **indicator_digits(key))
        elif key == "direction":
            changes[key] = collect_int(raw, key, problems, lo=SMALLINT[0], hi=SMALLINT[1])
        elif key == "normalisation":
            if raw not in {n.value for n in fw.Normalisation}:
                problems.append(problem(key, "bad_choice", value=raw,
                                        choices=", ".join(n.value for n in fw.Normalisation)))
            changes[key] = raw
        else:
            changes[key] = collect_text(raw, key, problems, max_length=Indicator._meta.get_field(key).max_length)
    refuse_if(problems)
    before = node_to_json(node_of(ind))
    for k, v in changes.items():
        setattr(ind, k, v)
    nodes = tuple(node_of(ind) if n.code == code else n for n in to_domain(f).nodes)
    refuse_if(fw.validate(fw.Framework(code=f.code, name=f.name, nodes=nodes)))
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
    decimals = {k: collect_decimal(data.get(k), k, problems, **indicator_digits(k)) for k in ("goal_low", "goal_high", "points",
                                                                                      "cap")}
    formula = data.get("formula") or fw.Formula.RAW.value
    series = data.get("series") or ""
    unit = data.get("unit") or (fw.value_unit(SERIES[series].unit, formula) if series in SERIES else "")
    with transaction.atomic():
        _lock_structure(f)
        if code and f.indicators.filter(code=code).exists():
            problems.append(problem("code", "duplicate_value", value=code))
        refuse_if(problems)
        node = fw.Node(code=code, parent=(data.get("parent") or None) if kind == fw.Kind.INDICATOR else None,
                       kind=fw.Kind(kind), name_zh=data["name_zh"], name_en=data.get("name_en") or "",
                       direction=direction, unit=unit, formula=formula, series=series,
                       normalisation=data.get("normalisation") or fw.Normalisation.MINMAX.value,
                       weight_assumed=True, **decimals)
        prefix = f"nodes.{code}."
        refuse_if([Problem(p.field.removeprefix(prefix), p.code, p.params)
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
        refuse_if([fw.prob("code", "node_has_weight", code=n.code, value=fw.fmt(n.weight))
                for n in removed if n.weight])
        gone = {n.code for n in removed}
        rest = tuple(n for n in to_domain(f).nodes if n.code not in gone)
        refuse_if(fw.validate(fw.Framework(code=f.code, name=f.name, nodes=rest)))
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
    refuse_if(problems)
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
