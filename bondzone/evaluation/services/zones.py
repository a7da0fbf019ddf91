"""Evaluated zones and their areas."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from bondzone.core import audit
from bondzone.core.actor import Actor
from bondzone.core.domain.errors import Forbidden, Problem, problem
from bondzone.core.domain.inputs import HISTORICAL, collect_date, collect_decimal, collect_text
from bondzone.core.domain.roles import Role
from bondzone.core.models import Zone
from bondzone.core.scoping import get_scoped

from ..domain.zones import check_dates
from ..models import EvalZone, Region, ZoneArea, ZoneKind
from .common import parse_year, refuse_if


def writable_zone(actor: Actor, zone_id: Any) -> EvalZone:
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
        clean["evaluated_from"] = parse_year(raw, "evaluated_from", problems) if raw else None
    refuse_if(problems)
    merged = {f: clean.get(f, getattr(zone, f, None)) for f in ("approved_on", "accepted_on", "evaluated_from")}
    refuse_if(check_dates(merged["approved_on"], merged["accepted_on"], merged["evaluated_from"]))
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
    zone = writable_zone(actor, zone_id)
    problems: list[Problem] = []
    y = parse_year(year, "year", problems)
    vals = {k: collect_decimal(v, k, problems, required=True, max_digits=9, decimal_places=4) for k, v in
            (("planned_km2", planned), ("accepted_km2", accepted), ("fenced_km2", fenced),
             ("developed_km2", developed))}
    if not problems:
        if vals["planned_km2"] <= 0:
            problems.append(problem("planned_km2", "area_not_positive", value=vals["planned_km2"]))
        for k in ("accepted_km2", "fenced_km2", "developed_km2"):
            if vals[k] < 0:
                problems.append(problem(k, "area_negative", value=vals[k]))
        if any(vals[k] > vals["planned_km2"] for k in ("accepted_km2", "fenced_km2", "developed_km2")):
            problems.append(problem("planned_km2", "area_order"))
    refuse_if(problems)
    with transaction.atomic():
        old = ZoneArea.objects.select_for_update().filter(zone=zone, year=y).first()
        before = None if old is None else {k: str(getattr(old, k)) for k in vals}
        area, _ = ZoneArea.objects.update_or_create(zone=zone, year=y, defaults=vals)
        area.refresh_from_db()  # answer with the stored (quantized) figures
        # no obj: audit would take the row's zone_id (an EvalZone id) for the platform zone
        audit.record(actor, "evaluation.area_set", object_type="evaluation.zonearea", object_id=area.pk,
                     before=before, after={k: str(v) for k, v in vals.items()}, zone_id=zone.zone_id)
    return area
