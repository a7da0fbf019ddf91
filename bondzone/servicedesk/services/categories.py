"""Request categories (派单目录): default unit, extra fields and time limits."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction

from bondzone.core import audit
from bondzone.core.actor import Actor
from bondzone.core.domain.errors import DomainError, Problem, problem
from bondzone.core.domain.inputs import collect_decimal
from bondzone.core.scoping import get_scoped

from ..domain import attributes as attribute_rules
from ..domain import sla
from ..domain.lifecycle import Kind
from ..models import Category
from .inputs import choice as _choice
from .inputs import text as _text
from .inputs import unit as _unit

DEFAULT_LIMITS = {  # working days to reply, by kind (the Beijing practice in governance-notes §4.1)
    Kind.CONSULTATION: Decimal(2), Kind.HELP: Decimal(5), Kind.COMPLAINT: Decimal(7), Kind.REPORT: Decimal(7),
    Kind.SUGGESTION: Decimal(7),
}


def category_snapshot(c: Category) -> dict:
    return {"code": c.code, "name": c.name, "name_en": c.name_en, "kind": c.kind, "default_unit": c.default_unit_id,
            "active": c.active, "group": c.group, "attributes": c.attributes,
            "sign_within": str(c.sign_within), "sign_unit": c.sign_unit,
            "resolve_within": str(c.resolve_within), "resolve_unit": c.resolve_unit}


def _category_values(actor: Actor, data: dict, current: Category | None) -> tuple[dict, list[Problem]]:
    problems: list[Problem] = []
    values: dict[str, Any] = {}
    creating = current is None
    if creating or "code" in data:
        values["code"] = _text(data.get("code"), "code", 40, problems, required=True)
        if values["code"] and Category.objects.filter(code=values["code"]).exclude(
                pk=getattr(current, "pk", None)).exists():
            problems.append(problem("code", "duplicate_value", value=values["code"]))
    if creating or "name" in data:
        values["name"] = _text(data.get("name"), "name", 100, problems, required=True)
    for name, limit in (("name_en", 200), ("group", 100), ("keywords", 200), ("description", None)):
        if name in data:
            values[name] = _text(data.get(name), name, limit, problems)
    if creating or "kind" in data:
        values["kind"] = _choice(data.get("kind"), "kind", list(Kind), problems, default=Kind.HELP)
    if "default_unit_id" in data:
        values["default_unit"] = _unit(actor, data.get("default_unit_id"), "default_unit_id", problems, required=False)
    if "active" in data:
        values["active"] = bool(data.get("active"))
    if "attributes" in data:
        values["attributes"], found = attribute_rules.clean_definitions(data.get("attributes"))
        problems += found
    for within, unit in (("sign_within", "sign_unit"), ("resolve_within", "resolve_unit")):
        if within in data:
            amount = collect_decimal(data.get(within), within, problems, required=True)
            if amount is not None and not (Decimal("0.01") <= amount <= Decimal(9999)):
                problems.append(problem(within, "out_of_range", value=str(amount), lo="0.01", hi="9999"))
            values[within] = amount
        if unit in data:
            values[unit] = _choice(data.get(unit), unit, list(sla.SlaUnit), problems)
    if creating and "resolve_within" not in data and not problems:
        values["resolve_within"] = DEFAULT_LIMITS[Kind(values["kind"])]
    return values, problems


def create_category(*, actor: Actor, data: dict) -> Category:
    actor.require("servicedesk.manage")
    values, problems = _category_values(actor, data, None)
    if problems:
        raise DomainError(problems)
    with transaction.atomic(durable=True):
        category = Category.objects.create(**values)
        audit.record(actor, "servicedesk.category.create", category, after=category_snapshot(category))
    return category


def update_category(*, actor: Actor, category_id: int, data: dict) -> Category:
    actor.require("servicedesk.manage")
    category = get_scoped(Category, actor, category_id, action="change")
    values, problems = _category_values(actor, data, category)
    if problems:
        raise DomainError(problems)
    before = category_snapshot(category)
    with transaction.atomic(durable=True):
        for name, value in values.items():
            setattr(category, name, value)
        category.save()
        after = category_snapshot(category)
        changed = [k for k in after if after[k] != before[k]]
        if changed:
            audit.record(actor, "servicedesk.category.update", category, before={k: before[k] for k in changed},
                         after={k: after[k] for k in changed})
    return category
