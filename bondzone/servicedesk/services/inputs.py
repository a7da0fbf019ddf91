"""Loose input shared by the service desk's writes: text, a choice, a governance unit by id."""

from __future__ import annotations

from typing import Any

from bondzone.core.actor import Actor
from bondzone.core.domain.errors import DomainError, Problem, problem
from bondzone.governance import selectors as governance_selectors


def text(value: Any, field: str, max_len: int | None, problems: list[Problem], required: bool = False) -> str:
    text = str(value or "").strip()
    if required and not text:
        problems.append(problem(field, "required"))
    elif max_len is not None and len(text) > max_len:
        problems.append(problem(field, "too_long", max=max_len))
    return text


def choice(value: Any, field: str, choices, problems: list[Problem], default: str | None = None) -> str:
    text = str(value or "").strip() or (default or "")
    allowed = [str(c) for c in choices]
    if text not in allowed:
        problems.append(problem(field, "bad_choice", value=text, choices=", ".join(allowed)))
    return text


def unit(actor: Actor, unit_id: Any, field: str, problems: list[Problem], required: bool = True):
    if unit_id in (None, ""):
        if required:
            problems.append(problem(field, "required"))
        return None
    try:
        return governance_selectors.unit(actor, int(str(unit_id).strip()))
    except (DomainError, ValueError):
        problems.append(problem(field, "not_found", model="unit", id=str(unit_id)))
        return None
