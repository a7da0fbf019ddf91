"""HTTP plumbing shared by the API and the pages: auth, actor lookup, error bodies."""

from __future__ import annotations

import json
import re
from dataclasses import replace

from django.db import DataError
from django.http import HttpRequest
from django.utils import timezone
from ninja.parser import Parser
from ninja.security import HttpBearer, django_auth

from .actor import Actor, actor_of
from .domain import inputs
from .domain.errors import Conflict, DomainError, Forbidden, Problem
from .messages import as_dicts
from .models import TOKEN_USE_PRECISION, ApiToken


class TokenAuth(HttpBearer):
    """`Authorization: Bearer bz_…` for ERP integrations (tokens made by `bondzone create-token` or on the
    tokens page); an expired or revoked token is no token (401)."""

    def authenticate(self, request: HttpRequest, token: str):
        now = timezone.now()
        found = (ApiToken.objects.select_related("user")
                 .filter(digest=ApiToken.digest_of(token), revoked_at__isnull=True, expires_at__gt=now).first())
        if found is None or not found.user.is_active:
            return None
        if found.scope == ApiToken.READ and request.method not in ("GET", "HEAD", "OPTIONS"):
            raise Forbidden(Problem("", "token_read_only", {"name": found.name}))
        if found.last_used_at is None or now - found.last_used_at > TOKEN_USE_PRECISION:
            ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)  # not a write per request
        request.user = found.user
        request.bondzone_token_actions = frozenset(found.actions) if found.actions else None
        return found.user


API_AUTH = [TokenAuth(), django_auth]


class _Permitting:
    """Mixed into an authenticator of API_AUTH: once it knows the user, the operation's action is checked, so a
    role (or a token) that may not do it is refused with 403 before ninja reads and validates the body (a 400
    for a bad body would tell it what the endpoint expects, and answer differently from a good body)."""

    bondzone_action = ""

    def __call__(self, request: HttpRequest):
        user = super().__call__(request)
        if user:
            actor(request).require(self.bondzone_action)
        return user


def auth_for(action: str) -> list:
    """`auth=` of a write operation whose service requires `action`: API_AUTH, then the permission (403) before
    the body. The service still checks it (pages, CLI); the OpenAPI document names the same schemes."""
    out = []
    for auth in API_AUTH:
        kind = type(type(auth).__name__, (_Permitting, type(auth)), {"bondzone_action": action})
        one = object.__new__(kind)
        one.__dict__.update(vars(auth))  # configured as API_AUTH's (csrf, header …), not constructed again
        out.append(one)
    return out


def actor(request: HttpRequest) -> Actor:
    """The acting user; through a token limited to some actions, only those."""
    base = actor_of(request.user)
    actions = getattr(request, "bondzone_token_actions", None)
    return base if actions is None else replace(base, actions=actions)


def patch_changes(payload, clearable: frozenset[str] = frozenset()) -> dict:
    """The fields a PATCH body gives (a field left out keeps its value). An explicit null clears only the fields in
    `clearable`, which the service reads as empty; on any other field it is refused on that field
    (`null_not_allowed`), never read as the default or as "unchanged"."""
    changes = payload.dict(exclude_unset=True)
    problems = inputs.null_problems(changes, clearable)
    if problems:
        raise DomainError(problems)
    return changes


def error_body(exc: DomainError) -> dict:
    errors = as_dicts(exc.problems)
    return {"detail": errors[0]["message"] if errors else "", "errors": errors}


def _hostile_text(data, path: str = "") -> Problem | None:
    """The first string (value or key) in parsed input that no column can store: NUL or a lone surrogate."""
    if isinstance(data, str):
        return inputs.text_problem(data, path, None)
    if isinstance(data, dict):
        for key, value in data.items():
            sub = f"{path}.{key}" if path else str(key)
            found = _hostile_text(key, sub) or _hostile_text(value, sub)
            if found:
                return found
    elif isinstance(data, list):
        for i, value in enumerate(data):
            found = _hostile_text(value, f"{path}[{i}]")
            if found:
                return found
    return None


class BoundaryParser(Parser):
    """JSON bodies of the API: text no column can store (NUL, lone surrogates) and integers past Python's
    digit limit are refused before any schema or service sees them (query strings and forms: see
    core.middleware.BoundaryMiddleware)."""

    def parse_body(self, request: HttpRequest):
        try:
            data = json.loads(request.body)
        except ValueError as exc:  # bad JSON, or an integer literal of more than 4300 digits
            raise DomainError(Problem("", "bad_request", {"reason": str(exc)[:200]})) from None
        found = _hostile_text(data)
        if found:
            raise DomainError(found)
        return data


def hostile_query(request: HttpRequest) -> Problem | None:
    """NUL or lone surrogates in the query string or form fields of any request (pages included)."""
    for qd in (request.GET, request.POST if request.method == "POST" else None):
        if qd is None:
            continue
        for key, values in qd.lists():
            found = _hostile_text(key, key) or _hostile_text(list(values), key)
            if found:
                return Problem(key, found.code, found.params)
    return None


_PG_KEY = re.compile(r"Key \(([^)]+)\)=\((.*)\)")
_SQLITE_COLUMN = re.compile(r"constraint failed: \w+\.(\w+)")


def database_refusal(exc: Exception) -> DomainError:
    """An IntegrityError or DataError the validation did not foresee, as a 4xx naming the field where the
    database says which (a unique key: 409; a check, a foreign key, a value the column cannot hold: 400).
    The transaction it happened in has been rolled back, so nothing was written."""
    diag = getattr(exc.__cause__, "diag", None)
    column, value, constraint = "", "", ""
    if diag is not None:  # PostgreSQL (psycopg)
        found = _PG_KEY.search(diag.message_detail or "")
        column = diag.column_name or (found.group(1) if found else "")
        value = found.group(2) if found else ""
        constraint = diag.constraint_name or ""
    else:  # SQLite
        found = _SQLITE_COLUMN.search(str(exc))
        column = found.group(1) if found else ""
    text = str(exc).lower()
    if isinstance(exc, DataError):
        return DomainError(Problem(column, "invalid", {"message": str(exc).splitlines()[0][:200]}))
    if "unique" in text or "duplicate key" in text:
        return Conflict(Problem(column, "duplicate_value", {"value": inputs.shown(value)}))
    if "foreign key" in text:
        return DomainError(Problem(column, "bad_reference", {"value": inputs.shown(value)}))
    return DomainError(Problem(column, "integrity_conflict", {"reason": constraint or str(exc).splitlines()[0][:200]}))
