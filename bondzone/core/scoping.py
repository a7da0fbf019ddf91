"""The one permission chokepoint for reads (NetBox's restricted queryset, with rules in code).

Every list, detail, API, export and CLI read of a scoped model goes through `restrict()`.
Each model registers exactly one rule; a model without a rule cannot be read (fail closed).
"""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import Model, Q, QuerySet

from .actor import Actor
from .domain.errors import NotFound, problem
from .domain.inputs import as_id, shown
from .domain.roles import Role

Rule = Callable[[QuerySet, Actor, str], QuerySet]
_RULES: dict[type[Model], Rule] = {}


def scope_rule(model: type[Model]) -> Callable[[Rule], Rule]:
    def register(fn: Rule) -> Rule:
        if model in _RULES:
            raise RuntimeError(f"{model.__name__} already has a scoping rule")
        _RULES[model] = fn
        return fn

    return register


def scoped_models() -> list[type[Model]]:
    return list(_RULES)


def restrict(source: QuerySet | type[Model], actor: Actor, action: str = "view") -> QuerySet:
    qs = source._default_manager.all() if isinstance(source, type) else source
    rule = _RULES.get(qs.model)
    if rule is None:
        raise LookupError(f"{qs.model.__name__} has no scoping rule; add one in its app's scopes.py")
    if actor.role is None:
        return qs.none()
    if actor.role == Role.PLATFORM_ADMIN:
        return qs
    return rule(qs, actor, action)


def get_scoped(source: QuerySet | type[Model], actor: Actor, pk, action: str = "view", field: str = "pk"):
    """One object the actor may see, else NotFound (never 403: existence is not leaked)."""
    qs = restrict(source, actor, action)
    if field == "pk" and as_id(pk) is None:  # "²", 2**64: no row can have it, and the database would overflow
        raise NotFound(problem("id", "not_found", model=qs.model._meta.verbose_name, id=shown(pk)))
    try:
        return qs.get(**{field: pk})
    except (qs.model.DoesNotExist, ValueError, TypeError):
        raise NotFound(problem("id", "not_found", model=qs.model._meta.verbose_name, id=str(pk))) from None


def by_enterprise_or_zone(enterprise_path: str, zone_path: str, needs: str | None = None) -> Rule:
    """Common rule: enterprise users see their own rows; zone-bound staff see their zone's rows;
    other staff see all rows. With `needs`, roles without that permission see nothing."""

    def rule(qs: QuerySet, actor: Actor, action: str) -> QuerySet:
        if needs is not None and not actor.can(needs):
            return qs.none()
        if actor.role == Role.ENTERPRISE:
            return qs.filter(**{enterprise_path: actor.enterprise_id})
        if actor.zone_id is not None:
            return qs.filter(**{zone_path: actor.zone_id})
        return qs

    return rule


def nothing(qs: QuerySet, actor: Actor, action: str) -> QuerySet:
    return qs.none()


__all__ = ["Q", "by_enterprise_or_zone", "get_scoped", "restrict", "scope_rule", "scoped_models"]
