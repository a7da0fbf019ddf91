"""Small parsers the evaluation's services share."""

from __future__ import annotations

from typing import Any


from bondzone.core.domain.errors import DomainError, Problem, problem
from bondzone.core.domain.inputs import parse_int, shown

from ..models import Indicator

MIN_YEAR, MAX_YEAR = 2000, 2100

DEFAULT_BANDS = [["A", "20"], ["B", "70"], ["C", "100"]]


def parse_year(value: Any, field: str, problems: list[Problem]) -> int | None:
    year = parse_int(value)
    if year is None:
        blank = value is None or not str(value).strip()
        problems.append(problem(field, "required") if blank else problem(field, "not_an_integer", value=shown(value)))
        return None
    if not MIN_YEAR <= year <= MAX_YEAR:
        problems.append(problem(field, "year_out_of_range", value=year, min=MIN_YEAR, max=MAX_YEAR))
        return None
    return year


def indicator_digits(column: str) -> dict:
    """max_digits / decimal_places of an Indicator decimal column, for collect_decimal."""
    f = Indicator._meta.get_field(column)
    return {"max_digits": f.max_digits, "decimal_places": f.decimal_places}


def refuse_if(problems: list[Problem]) -> None:
    if problems:
        raise DomainError(problems)
