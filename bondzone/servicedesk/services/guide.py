"""The investment guide (投资指南) of each zone: versions written by the zone administration, one published.

Every write makes a new draft version (the fields not given are copied from the zone's latest version, so
an edit of one section keeps the rest); publishing a version makes it the zone's public guide and the
version published before it `superseded`. Versions are never changed or deleted after they are written,
so the history of what the zone published stays readable."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from bondzone.core import audit
from bondzone.core.actor import Actor
from bondzone.core.domain.errors import DomainError, Forbidden, NotFound, Problem, problem
from bondzone.core.domain.inputs import PLANNED, collect_date, collect_decimal, null_problems
from bondzone.core.domain.roles import Role
from bondzone.core.models import Zone
from bondzone.core.scoping import get_scoped
from bondzone.governance import selectors as governance_selectors

from ..models import GUIDE_TEXTS, GuideStatus, GuideVersion, SpaceKind, SpaceListing
from .inputs import choice
from .inputs import text as _text

SECTION_MAX = 5000
SPACES_MAX = 100
TASKS_MAX = 50
# An explicit null (the API's JSON) clears a text or the planned area of the new version, or a space's rent, date
# and note; on the title, the demo flag, the policies, the spaces and a space's building, kind, area and bonded
# flag it is refused on the field (null_not_allowed), never read as "", false, "no policies" or a default.
GUIDE_NULL_CLEARS = frozenset({"title_en", "planned_area_km2", "note", *GUIDE_TEXTS, *(f"{n}_en" for n in GUIDE_TEXTS)})
SPACE_NULL_CLEARS = frozenset({"rent", "available_from", "note"})


def zone_of(ref: Any) -> Zone:
    """A zone by its code (TZ) or id; NotFound otherwise."""
    raw = str(ref or "").strip()
    zone = Zone.objects.filter(code=raw.upper()).first()
    if zone is None and raw.isascii() and raw.isdigit() and len(raw) < 12:
        zone = Zone.objects.filter(pk=int(raw)).first()
    if zone is None:
        raise NotFound(problem("zone", "not_found", model="zone", id=raw[:40]))
    return zone


def may_write_zone(actor: Actor, zone: Zone) -> bool:
    """The zone administration writes its own zone's guide; the platform admin any zone's."""
    if not actor.can("servicedesk.write_guide"):
        return False
    return actor.role != Role.ZONE_ADMIN or actor.zone_id == zone.pk


def _require_zone(actor: Actor, zone: Zone) -> None:
    actor.require("servicedesk.write_guide")
    if not may_write_zone(actor, zone):
        raise Forbidden(problem("zone", "guide_other_zone", zone=zone.code))


def guide_snapshot(v: GuideVersion) -> dict:
    out = {"zone": v.zone.code, "version": v.version, "status": v.status, "title": v.title, "title_en": v.title_en,
           "planned_area_km2": v.planned_area_km2, "synthetic": v.synthetic,
           "policy_tasks": sorted(v.policy_tasks.values_list("pk", flat=True)),
           "spaces": [space_snapshot(s) for s in v.spaces.all()]}
    for name in GUIDE_TEXTS:
        out[name], out[f"{name}_en"] = getattr(v, name), getattr(v, f"{name}_en")
    return out


def space_snapshot(s: SpaceListing) -> dict:
    return {"building": s.building, "kind": s.kind, "floor_area_m2": s.floor_area_m2, "rent": s.rent,
            "bonded": s.bonded, "available_from": s.available_from, "note": s.note}


def _bool(value: Any) -> bool:
    return value is True or str(value).strip().lower() in ("1", "true", "yes", "on")


def _spaces(raw: Any, problems: list[Problem]) -> list[dict]:
    if not isinstance(raw, list | tuple):
        problems.append(problem("spaces", "bad_choice", value=type(raw).__name__, choices="list"))
        return []
    if len(raw) > SPACES_MAX:
        problems.append(problem("spaces", "too_many", max=SPACES_MAX))
        return []
    out = []
    for i, row in enumerate(raw, start=1):
        f = f"spaces[{i}]"
        if not isinstance(row, dict):
            problems.append(problem(f, "required"))
            continue
        nulls = null_problems(row, SPACE_NULL_CLEARS)
        if nulls:
            problems += [problem(f"{f}.{p.field}", p.code) for p in nulls]
            continue
        area = collect_decimal(row.get("floor_area_m2"), f"{f}.floor_area_m2", problems, required=True,
                               max_digits=12, decimal_places=2, lo=Decimal("0.01"))
        rent = collect_decimal(row.get("rent"), f"{f}.rent", problems, max_digits=10, decimal_places=2,
                               lo=Decimal(0))
        out.append({
            "building": _text(row.get("building"), f"{f}.building", 100, problems, required=True),
            "kind": choice(row.get("kind"), f"{f}.kind", SpaceKind.values, problems, default=SpaceKind.WAREHOUSE),
            "floor_area_m2": area, "rent": rent,
            "bonded": _bool(row.get("bonded", True)),
            "available_from": collect_date(row.get("available_from"), f"{f}.available_from", problems, window=PLANNED),
            "note": _text(row.get("note"), f"{f}.note", 200, problems),
        })
    return out


def _tasks(actor: Actor, raw: Any, problems: list[Problem]) -> list:
    """Policy-ledger tasks by id, each one the writer may see in the ledger."""
    ids = raw if isinstance(raw, list | tuple) else [t for t in str(raw or "").replace("，", ",").split(",") if t.strip()]
    if len(ids) > TASKS_MAX:
        problems.append(problem("policy_task_ids", "too_many", max=TASKS_MAX))
        return []
    tasks = []
    for ref in dict.fromkeys(str(i).strip() for i in ids):
        try:
            tasks.append(governance_selectors.task(actor, int(ref)))
        except (DomainError, ValueError):
            problems.append(problem("policy_task_ids", "not_found", model="task", id=ref[:40]))
    return tasks


def _values(actor: Actor, data: dict, base: GuideVersion | None) -> tuple[dict, list, list[dict] | None, list[Problem]]:
    problems: list[Problem] = null_problems(data, GUIDE_NULL_CLEARS)
    refused = {p.field for p in problems}
    data = {k: v for k, v in data.items() if k not in refused}
    values: dict[str, Any] = {}
    if (base is None and "title" not in refused) or "title" in data:
        values["title"] = _text(data.get("title"), "title", 200, problems, required=True)
    if "title_en" in data:
        values["title_en"] = _text(data.get("title_en"), "title_en", 200, problems)
    for name in GUIDE_TEXTS:
        for f in (name, f"{name}_en"):
            if f in data:
                values[f] = _text(data.get(f), f, SECTION_MAX, problems)
    if "planned_area_km2" in data:
        values["planned_area_km2"] = collect_decimal(data.get("planned_area_km2"), "planned_area_km2", problems,
                                                     max_digits=8, decimal_places=3, lo=Decimal(0))
    if "synthetic" in data:
        values["synthetic"] = _bool(data.get("synthetic"))
    if "note" in data:
        values["note"] = _text(data.get("note"), "note", 200, problems)
    tasks = _tasks(actor, data.get("policy_task_ids"), problems) if "policy_task_ids" in data else None
    spaces = _spaces(data.get("spaces"), problems) if "spaces" in data else None
    return values, tasks, spaces, problems


def write_guide(*, actor: Actor, zone: Any, data: dict) -> GuideVersion:
    """A new draft version of the zone's guide: the given sections, the others as in the latest version. An
    explicit null clears a text or the planned area and is refused on the others (GUIDE_NULL_CLEARS)."""
    z = zone if isinstance(zone, Zone) else zone_of(zone)
    _require_zone(actor, z)
    base = GuideVersion.objects.filter(zone=z).order_by("-version").first()
    values, tasks, spaces, problems = _values(actor, data, base)
    if problems:
        raise DomainError(problems)
    with transaction.atomic(durable=True):
        latest = GuideVersion.objects.select_for_update().filter(zone=z).aggregate(m=Max("version"))["m"] or 0
        base = GuideVersion.objects.filter(zone=z, version=latest).first()
        copied: dict[str, Any] = {}
        if base is not None:
            for f in ("title", "title_en", "planned_area_km2", "synthetic",
                      *GUIDE_TEXTS, *(f"{n}_en" for n in GUIDE_TEXTS)):
                copied[f] = getattr(base, f)
        elif "planned_area_km2" not in values:
            copied["planned_area_km2"] = z.planned_area_km2
        copied.setdefault("note", "")
        version = GuideVersion.objects.create(zone=z, version=latest + 1, status=GuideStatus.DRAFT,
                                              created_by_id=actor.user_id, **{**copied, **values})
        version.policy_tasks.set(tasks if tasks is not None else (base.policy_tasks.all() if base else []))
        rows = spaces if spaces is not None else ([space_snapshot(s) for s in base.spaces.all()] if base else [])
        SpaceListing.objects.bulk_create([SpaceListing(guide=version, position=i, **row)
                                          for i, row in enumerate(rows, start=1)])
        audit.record(actor, "servicedesk.guide.write", version,
                     after={"zone": z.code, "version": version.version, "from_version": latest or None,
                            "changed": sorted({*values, *(["policy_tasks"] if tasks is not None else []),
                                               *(["spaces"] if spaces is not None else [])})})
    return version


def publish_guide(*, actor: Actor, version_id: int) -> GuideVersion:
    """Make this version the zone's public guide (a superseded one may be published again)."""
    actor.require("servicedesk.write_guide")
    version = get_scoped(GuideVersion, actor, version_id, action="change")
    _require_zone(actor, version.zone)
    with transaction.atomic(durable=True):
        list(GuideVersion.objects.select_for_update().filter(zone_id=version.zone_id))
        version.refresh_from_db()
        if version.status == GuideStatus.PUBLISHED:
            return version
        before = GuideVersion.objects.filter(zone_id=version.zone_id, status=GuideStatus.PUBLISHED).first()
        if before is not None:
            before.status = GuideStatus.SUPERSEDED
            before.save(update_fields=["status"])
        version.status, version.published_at, version.published_by_id = (GuideStatus.PUBLISHED, timezone.now(),
                                                                           actor.user_id)
        version.save(update_fields=["status", "published_at", "published_by"])
        audit.record(actor, "servicedesk.guide.publish", version,
                     before={"published_version": before.version if before else None},
                     after={"published_version": version.version})
    return version


def spaces_from_lines(text: str) -> list[dict]:
    """The spaces of the page's form, one a line: building | kind | area m² | rent | bonded (yes/no) |
    available from | note (the service checks each value)."""
    out = []
    for line in str(text or "").splitlines():
        if not line.strip():
            continue
        cells = [c.strip() for c in line.replace("｜", "|").split("|")]
        cells += [""] * (7 - len(cells))
        out.append({"building": cells[0], "kind": cells[1], "floor_area_m2": cells[2], "rent": cells[3] or None,
                    "bonded": cells[4].lower() not in ("no", "n", "false", "0", "否", "非保税"),
                    "available_from": cells[5] or None, "note": "|".join(cells[6:]).strip("| ")})
    return out


def spaces_as_lines(spaces) -> str:
    return "\n".join(" | ".join([s.building, s.kind, f"{s.floor_area_m2}", "" if s.rent is None else f"{s.rent}",
                                 "yes" if s.bonded else "no", s.available_from.isoformat() if s.available_from else "",
                                 s.note]).rstrip(" |") for s in spaces)
