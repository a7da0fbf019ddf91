"""HTTP plumbing shared by the API and the pages: auth, actor lookup, error bodies."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer, django_auth

from .actor import Actor, actor_of
from .domain.errors import DomainError
from .messages import as_dicts
from .models import ApiToken


class TokenAuth(HttpBearer):
    """`Authorization: Bearer bz_…` for ERP integrations (tokens made by `bondzone create-token`)."""

    def authenticate(self, request: HttpRequest, token: str):
        found = ApiToken.objects.select_related("user").filter(digest=ApiToken.digest_of(token)).first()
        if found is None or not found.user.is_active:
            return None
        ApiToken.objects.filter(pk=found.pk).update(last_used_at=timezone.now())
        request.user = found.user
        return found.user


API_AUTH = [TokenAuth(), django_auth]


def actor(request: HttpRequest) -> Actor:
    return actor_of(request.user)


def error_body(exc: DomainError) -> dict:
    errors = as_dicts(exc.problems)
    return {"detail": errors[0]["message"] if errors else "", "errors": errors}
