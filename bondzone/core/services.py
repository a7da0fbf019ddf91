"""Writes to the core models. Each service owns its transaction and writes its audit row."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from . import audit
from .actor import Actor
from .domain.errors import DomainError, NotFound, problem
from .domain.inputs import collect_int, collect_text
from .domain.identifiers import check_customs_code, normalize_credit_code
from .domain.roles import Role
from .models import TOKEN_DAYS, ApiToken, Enterprise, Profile, Zone
from .scoping import get_scoped


def enterprise_snapshot(e: Enterprise) -> dict:
    return {
        "name": e.name,
        "name_en": e.name_en,
        "credit_code": e.credit_code,
        "customs_code": e.customs_code,
        "zone": e.zone_id,
        "business_type": e.business_type,
    }


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


MAX_TOKEN_DAYS = 366


def issue_token(*, actor: Actor, name: str, days: int | str = TOKEN_DAYS, scope: str = ApiToken.WRITE,
                user_id: int | None = None) -> tuple[ApiToken, str]:
    """A new bearer token for the actor (an administrator: for any user); the raw token is returned once."""
    problems: list = []
    name = collect_text(name, "name", problems, max_length=100, required=True)
    days = collect_int(days, "days", problems, lo=1, hi=MAX_TOKEN_DAYS, required=True)
    if scope not in (ApiToken.READ, ApiToken.WRITE):
        problems.append(problem("scope", "bad_choice", value=scope, choices="read, write"))
    if user_id not in (None, actor.user_id) and not actor.is_admin:
        raise NotFound(problem("user_id", "not_found", model="user", id=user_id))
    user = get_user_model().objects.filter(pk=user_id or actor.user_id, is_active=True).first()
    if user is None:
        problems.append(problem("user_id", "not_found", model="user", id=user_id or actor.user_id))
    if problems:
        raise DomainError(problems)
    with transaction.atomic(durable=True):
        token, raw = ApiToken.issue(user, name, days=days, scope=scope)
        audit.record(actor, "token.issue", token, after={"user": user.get_username(), "name": name, "scope": scope,
                                                         "expires_at": token.expires_at.isoformat()})
    return token, raw


def revoke_token(*, actor: Actor, token_id: int) -> ApiToken:
    """Revoke one of the actor's tokens (an administrator: anyone's); it stops working at once."""
    with transaction.atomic(durable=True):
        token = get_scoped(ApiToken.objects.select_for_update(), actor, token_id)
        if token.revoked_at is None:
            token.revoked_at = timezone.now()
            token.save(update_fields=["revoked_at"])
            audit.record(actor, "token.revoke", token, after={"user": token.user_id, "name": token.name})
    return token
