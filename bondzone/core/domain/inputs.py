"""Optional form and payload fields parsed into plain values, collecting problems instead of raising.

Services of several parts read the same kinds of loose input (a text box, a JSON value, a CSV cell):
an empty value means "not given", anything else must parse or it becomes a field-level problem.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from .errors import Problem, problem


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and value.strip() == "")


def collect_decimal(value: Any, field: str, problems: list[Problem], *, required: bool = False) -> Decimal | None:
    if _blank(value):
        if required:
            problems.append(problem(field, "required"))
        return None
    try:
        d = Decimal(str(value).strip())
        if not d.is_finite():
            raise InvalidOperation
        return d
    except (InvalidOperation, ValueError):
        problems.append(problem(field, "not_a_number", value=value))
        return None


def collect_date(value: Any, field: str, problems: list[Problem]) -> date | None:
    if _blank(value):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        problems.append(problem(field, "bad_date", value=value))
        return None
