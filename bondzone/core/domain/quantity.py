"""Decimal quantities and money, never floats.

Quantities are stored as integers of 10^-SCALE units so that database arithmetic is exact on
SQLite (whose NUMERIC is a float) and PostgreSQL alike.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from .errors import Problem, problem

SCALE = 5
# commas as thousands separators only, in groups of three ("1,000.5"); "1,5" is a decimal comma, not 15
GROUPED = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d*)?")
_FACTOR = Decimal(10) ** SCALE


def to_units(q: Decimal) -> int:
    scaled = q * _FACTOR
    if scaled != scaled.to_integral_value():
        raise ValueError(f"{q} has more than {SCALE} decimal places")
    return int(scaled)


def from_units(units: int) -> Decimal:
    """Exact value with no trailing zeros and no exponent notation (10, not 1E+1)."""
    value = Decimal(units) / _FACTOR
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()


def parse_decimal(raw: object, field_name: str) -> tuple[Decimal | None, Problem | None]:
    """Parse user input into a finite Decimal (a float by its shortest repr); nothing given (None, JSON null,
    blank text) is `required`; a bool, "1_000" or full-width digits are not a number (core.domain.inputs)."""
    from .inputs import is_blank, is_number_text  # inputs imports this module

    if is_blank(raw):
        return None, problem(field_name, "required")
    if isinstance(raw, bool):
        return None, problem(field_name, "not_a_number", value=str(raw).lower())
    text = repr(raw) if isinstance(raw, float) else str(raw).strip()
    if "," in text and GROUPED.fullmatch(text):
        text = text.replace(",", "")
    if not is_number_text(text):
        return None, problem(field_name, "not_a_number", value=str(raw))
    try:
        value = Decimal(text)
    except (InvalidOperation, ValueError):
        return None, problem(field_name, "not_a_number", value=str(raw))
    if not value.is_finite():
        return None, problem(field_name, "not_a_number", value=str(raw))
    return value, None


def decimal_places(value: Decimal) -> int:
    exponent = value.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def check_quantity(value: Decimal, scale: int, field_name: str) -> list[Problem]:
    problems = []
    if value <= 0:
        problems.append(problem(field_name, "quantity_not_positive", value=str(value)))
    if decimal_places(value) > scale:
        problems.append(problem(field_name, "too_many_decimals", value=str(value), scale=scale))
    if abs(value) >= Decimal(10) ** 13:
        problems.append(problem(field_name, "quantity_too_large", value=str(value)))
    return problems


def check_money(value: Decimal, field_name: str, places: int = 2, allow_zero: bool = True) -> list[Problem]:
    problems = []
    if value < 0 or (value == 0 and not allow_zero):
        problems.append(problem(field_name, "amount_negative", value=str(value)))
    if decimal_places(value) > places:
        problems.append(problem(field_name, "too_many_decimals", value=str(value), scale=places))
    if abs(value) >= Decimal(10) ** 15:
        problems.append(problem(field_name, "amount_too_large", value=str(value)))
    return problems
