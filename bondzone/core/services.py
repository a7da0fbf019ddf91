"""Writes to the core models. Each service owns its transaction and writes its audit row."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction

from . import audit
from .actor import Actor
from .domain.errors import DomainError, problem
from .domain.identifiers import CustomsCreditClass, check_customs_code, normalize_credit_code
from .domain.inputs import collect_date
from .domain.roles import Role
from .models import Enterprise, Profile, Zone
from .scoping import get_scoped


def enterprise_snapshot(e: Enterprise) -> dict:
    return {
        "name": e.name,
        "name_en": e.name_en,
        "credit_code": e.credit_code,
        "customs_code": e.customs_code,
        "zone": e.zone_id,
        "business_type": e.business_type,
        "customs_credit_class": e.customs_credit_class,
        "customs_credit_class_since": e.customs_credit_class_since.isoformat() if e.customs_credit_class_since else None,
    }


# Fields an enterprise's registry record may change through update_enterprise, and who may change them:
# the registry (zone administration, market supervision) keeps names and codes, customs sets its credit class.
REGISTRY_FIELDS = ("name", "name_en", "credit_code", "customs_code", "business_type")
CREDIT_FIELDS = ("customs_credit_class", "customs_credit_class_since")


def update_enterprise(*, actor: Actor, enterprise_id: int, changes: dict) -> Enterprise:
    """Change some fields of an enterprise; the audit row holds only what changed (before and after), which
    is the enterprise's change history (selectors.enterprise_history)."""
    unknown = sorted(set(changes) - set(REGISTRY_FIELDS) - set(CREDIT_FIELDS))
    if unknown:
        raise DomainError([problem(name, "unknown_field", value=name) for name in unknown])
    if set(changes) & set(REGISTRY_FIELDS):
        actor.require("core.change_enterprise")
    if set(changes) & set(CREDIT_FIELDS):
        actor.require("core.set_credit_class")
    enterprise = get_scoped(Enterprise, actor, enterprise_id, action="change")
    values, problems = _enterprise_values(enterprise, changes)
    if problems:
        raise DomainError(problems)
    before = enterprise_snapshot(enterprise)
    with transaction.atomic(durable=True):
        enterprise = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
        for name, value in values.items():
            setattr(enterprise, name, value)
        after = enterprise_snapshot(enterprise)
        changed = [k for k in after if after[k] != before[k]]
        if changed:
            enterprise.save(update_fields=[k for k in changed])
            audit.record(actor, "enterprise.update", enterprise, before={k: before[k] for k in changed},
                         after={k: after[k] for k in changed}, enterprise_id=enterprise.pk, zone_id=enterprise.zone_id)
    return enterprise


def _enterprise_values(enterprise: Enterprise, changes: dict) -> tuple[dict, list]:
    values, problems = {}, []
    for name, limit in (("name", 200), ("name_en", 200), ("business_type", 50)):
        if name in changes:
            value = (changes[name] or "").strip()
            if name == "name" and not value:
                problems.append(problem(name, "required"))
            elif len(value) > limit:
                problems.append(problem(name, "too_long", max=limit))
            values[name] = value
    if "credit_code" in changes:
        code, found = normalize_credit_code(changes["credit_code"])
        problems += found
        if not found and Enterprise.objects.filter(credit_code=code).exclude(pk=enterprise.pk).exists():
            problems.append(problem("credit_code", "duplicate_value", value=code))
        values["credit_code"] = code
    if "customs_code" in changes:
        code = (changes["customs_code"] or "").strip().upper()
        found = check_customs_code(code)
        problems += found
        if not found and Enterprise.objects.filter(customs_code=code).exclude(pk=enterprise.pk).exists():
            problems.append(problem("customs_code", "duplicate_value", value=code))
        values["customs_code"] = code
    if "customs_credit_class" in changes:
        value = str(changes["customs_credit_class"] or "").strip()
        if value not in {c.value for c in CustomsCreditClass}:
            problems.append(problem("customs_credit_class", "bad_choice", value=value,
                                    choices=", ".join(c.value for c in CustomsCreditClass)))
        values["customs_credit_class"] = value
    if "customs_credit_class_since" in changes:
        values["customs_credit_class_since"] = collect_date(
            changes["customs_credit_class_since"], "customs_credit_class_since", problems)
    return values, problems


def create_enterprise(
    *, actor: Actor, name: str, credit_code: str, customs_code: str, zone_id: int, name_en: str = "",
    business_type: str = "",
) -> Enterprise:
    actor.require("core.add_enterprise")
    problems = []
    name = (name or "").strip()
    if not name:
        problems.append(problem("name", "required"))
    elif len(name) > 200:
        problems.append(problem("name", "too_long", max=200))
    credit_code, credit_problems = normalize_credit_code(credit_code)
    problems += credit_problems
    customs_code = (customs_code or "").strip().upper()
    problems += check_customs_code(customs_code)
    if not credit_problems and Enterprise.objects.filter(credit_code=credit_code).exists():
        problems.append(problem("credit_code", "duplicate_value", value=credit_code))
    if customs_code and Enterprise.objects.filter(customs_code=customs_code).exists():
        problems.append(problem("customs_code", "duplicate_value", value=customs_code))
    zone = None
    try:
        zone = get_scoped(Zone, actor, zone_id)
    except DomainError:
        problems.append(problem("zone_id", "not_found", model="zone", id=str(zone_id)))
    if zone is not None and actor.zone_id is not None and zone.pk != actor.zone_id:
        problems.append(problem("zone_id", "not_found", model="zone", id=str(zone_id)))
    if problems:
        raise DomainError(problems)
    with transaction.atomic(durable=True):
        enterprise = Enterprise.objects.create(
            name=name, name_en=(name_en or "").strip()[:200], credit_code=credit_code,
            customs_code=customs_code, zone=zone, business_type=(business_type or "")[:50],
        )
        audit.record(actor, "enterprise.create", enterprise, after=enterprise_snapshot(enterprise),
                     enterprise_id=enterprise.pk, zone_id=zone.pk)
    return enterprise


def create_user(
    *, username: str, password: str, role: Role, enterprise: Enterprise | None = None, zone: Zone | None = None,
    first_name: str = "",
):
    """Used by the demo loader and `bondzone create-user`; not exposed over HTTP."""
    User = get_user_model()
    with transaction.atomic():
        user = User.objects.create_user(username=username, password=password, first_name=first_name)
        Profile.objects.create(user=user, role=role.value, enterprise=enterprise, zone=zone)
    return user
