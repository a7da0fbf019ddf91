"""Responsible units and their members."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction

from bondzone.core import audit
from bondzone.core.actor import Actor
from bondzone.core.domain.errors import DomainError, Problem, problem
from bondzone.core.domain.inputs import collect_id, collect_text
from bondzone.core.scoping import get_scoped

from ..models import Unit, UnitKind, UnitMember
from .common import _choice, _one_unit, _one_zone


def create_unit(*, actor: Actor, name: str, kind: str = UnitKind.OTHER, name_en: str = "", short_name: str = "",
                parent_id: int | None = None, zone_id: int | None = None) -> Unit:
    actor.require("governance.manage")
    problems: list[Problem] = []
    name = collect_text(name, "name", problems, max_length=100, required=True)
    _choice(kind, "kind", list(UnitKind.values), problems)
    if name and Unit.objects.filter(name=name).exists():
        problems.append(problem("name", "duplicate_value", value=name))
    parent = _one_unit(parent_id, "parent_id", problems)
    zone = _one_zone(zone_id, "zone_id", problems)
    if problems:
        raise DomainError(problems)
    with transaction.atomic(durable=True):
        unit = Unit.objects.create(name=name, kind=kind, name_en=(name_en or "")[:200],
                                   short_name=(short_name or "")[:40], parent=parent, zone=zone)
        audit.record(actor, "unit.create", unit, after={"name": name, "kind": kind})
    return unit


def add_member(*, actor: Actor, unit_id: int, user_id: int, is_leader: bool = False) -> UnitMember:
    actor.require("governance.manage")
    unit = get_scoped(Unit, actor, unit_id)
    problems: list[Problem] = []
    user_pk = collect_id(user_id, "user_id", problems, required=True)
    if user_pk is not None and not get_user_model().objects.filter(pk=user_pk).exists():
        problems.append(problem("user_id", "not_found", model="user", id=user_pk))
    if problems:
        raise DomainError(problems)
    user_id = user_pk
    with transaction.atomic(durable=True):
        member, _ = UnitMember.objects.update_or_create(user_id=user_id, unit=unit, defaults={"is_leader": is_leader})
        audit.record(actor, "unit.add_member", member, after={"unit": unit.pk, "user": user_id, "leader": is_leader})
    return member
