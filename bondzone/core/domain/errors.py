"""Errors as values: a rule reports every problem it finds, each tied to a field.

A `Problem` carries a message *code* and parameters, not text: the web layer renders it in the
request's language (see bondzone/core/messages.py), so the rules stay free of Django.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Problem:
    field: str
    code: str
    params: dict[str, Any] = field(default_factory=dict)


class DomainError(Exception):
    """Bad input or a refused business operation; nothing has been written."""

    status = 400

    def __init__(self, problems: list[Problem] | Problem):
        self.problems = [problems] if isinstance(problems, Problem) else list(problems)
        super().__init__("; ".join(f"{p.field}: {p.code} {p.params}" for p in self.problems))


class NotFound(DomainError):
    status = 404


class Forbidden(DomainError):
    status = 403


class Conflict(DomainError):
    status = 409


class TooLarge(DomainError):
    """An upload or body over its limit, refused before more of it is read."""

    status = 413


def problem(field_name: str, code: str, **params: Any) -> Problem:
    return Problem(field_name, code, params)
