"""Who is acting: the user with their role, enterprise and zone, resolved once per request."""

from __future__ import annotations

from dataclasses import dataclass

from .domain.errors import Forbidden, problem
from .domain.roles import Role, allowed


@dataclass(frozen=True)
class Actor:
    user_id: int | None
    username: str
    role: Role | None
    enterprise_id: int | None = None
    zone_id: int | None = None
    # an API token limited to some actions (ApiToken.actions): only those, of the ones the role holds
    actions: frozenset[str] | None = None

    @property
    def is_admin(self) -> bool:
        return self.role == Role.PLATFORM_ADMIN

    def can(self, action: str) -> bool:
        return allowed(self.role, action) and (self.actions is None or action in self.actions)

    def require(self, action: str) -> None:
        if not self.can(action):
            raise Forbidden(problem("", "forbidden_action", action=action, role=str(self.role)))


ANONYMOUS = Actor(user_id=None, username="anonymous", role=None)
SYSTEM = Actor(user_id=None, username="system", role=Role.PLATFORM_ADMIN)  # scheduled jobs, migrations, commands
# Public pages read as an enterprise user with no enterprise would: published rows only, the same for a
# logged-in user and an anonymous visitor (who would see nothing at all through restrict()).
PUBLIC_READER = Actor(user_id=None, username="public", role=Role.ENTERPRISE)


SYSTEM_USERNAME = "bondzone-system"


def job_actor() -> Actor:
    """SYSTEM with a user of its own, for scheduled jobs whose writes are idempotent (idempotency records are
    keyed by user). The user is made on first use, inactive and without a usable password: nobody logs in
    as it, and `create_user` refuses its name."""
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from .models import Profile

    with transaction.atomic():
        user, made = get_user_model().objects.get_or_create(username=SYSTEM_USERNAME, defaults={"is_active": False})
        if made:
            user.set_unusable_password()
            user.save(update_fields=["password"])
            Profile.objects.create(user=user, role=Role.PLATFORM_ADMIN.value)
    if user.is_active:
        raise RuntimeError(f"the user {SYSTEM_USERNAME!r} is reserved for scheduled jobs and must stay inactive")
    return Actor(user.pk, SYSTEM_USERNAME, Role.PLATFORM_ADMIN)


def actor_of(user) -> Actor:
    if user is None or not getattr(user, "is_authenticated", False):
        return ANONYMOUS
    cached = getattr(user, "_bondzone_actor", None)
    if cached is not None:
        return cached
    from .models import Profile

    profile = Profile.objects.filter(user_id=user.pk).first()
    if profile is None:
        role = Role.PLATFORM_ADMIN if user.is_superuser else None
        actor = Actor(user.pk, user.get_username(), role)
    else:
        actor = Actor(user.pk, user.get_username(), Role(profile.role), profile.enterprise_id, profile.zone_id)
    user._bondzone_actor = actor
    return actor
