"""Input at the boundary: the checks every entry point (API schema, page form, importer, CLI) applies to
text, whole numbers, ids, decimals and dates, as pure functions.

Two shapes of the same rules:
- `*_problem(...)` returns the one Problem a value has (or None): the API's schema types
  (bondzone.core.types) raise it as a validation error;
- `collect_*(value, field, problems, ...)` parses loose input (a form box, a JSON value, a CSV cell):
  an empty value means "not given", anything else must parse and fit, or it becomes a field-level problem
  appended to `problems` instead of raising.

The bounds are those of the database columns (so a value that passes is never refused by the database)
and, for dates, a window around today per kind of date (DATE_WINDOWS, documented in docs/security.md).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from .errors import DomainError, Problem, problem
from .quantity import SCALE, decimal_places

# Ranges of the database's integer columns (identical on SQLite and PostgreSQL).
SMALLINT = (-(2**15), 2**15 - 1)
INT = (-(2**31), 2**31 - 1)
BIGINT = (-(2**63), 2**63 - 1)
ID_RANGE = (1, 2**63 - 1)  # BigAutoField primary keys
TEXT_FIELD_MAX = 20000  # unbounded TextField columns still get a limit at the boundary

_ASCII_INT = re.compile(r"[+-]?[0-9]+")
# A number as people and programs write it: ASCII digits, one point, an exponent; no "1_000" (Python's digit
# grouping) nor full-width "１２３" or other scripts' digits, which Decimal() and int() read silently.
_ASCII_NUMBER = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?|[+-]?(?:inf|infinity|nan|snan)",
                           re.IGNORECASE)
SHOWN_MAX = 32  # a bad value echoed in a message: at most this many characters (then "…")


def is_blank(value: Any) -> bool:
    """Not given: None, or text of nothing but spaces."""
    return value is None or (isinstance(value, str) and value.strip() == "")


def null_problems(changes: dict[str, Any], clearable: frozenset[str] | set[str] = frozenset()) -> list[Problem]:
    """A partial change (PATCH): a field left out keeps its value, and an explicit null is never read as the
    field's default. It clears only the fields in `clearable` (an optional text, a nullable value); on any other
    field it is refused, naming the field."""
    return [problem(name, "null_not_allowed") for name, value in changes.items()
            if value is None and name not in clearable]


def shown(value: Any, limit: int = 80) -> str:
    """The bad value as it may be echoed in a message: bounded, printable."""
    # a Decimal as written ("NaN"), not as Python spells it ("Decimal('NaN')")
    text = value if isinstance(value, str) else str(value) if isinstance(value, Decimal) else repr(value)
    text = text.encode("utf-8", "backslashreplace").decode("utf-8").replace("\x00", "\\x00")
    return text if len(text) <= limit else text[:limit] + "…"


# ---------------------------------------------------------------- text
def text_problem(value: str, field: str, max_length: int | None) -> Problem | None:
    """A NUL character, a lone surrogate (valid JSON "\\ud800", not encodable) or too many characters."""
    if "\x00" in value:
        return problem(field, "nul_character")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return problem(field, "bad_unicode")
    if max_length is not None and len(value) > max_length:
        return problem(field, "too_long", max=max_length, length=len(value))
    return None


def collect_text(value: Any, field: str, problems: list[Problem], *, max_length: int | None = TEXT_FIELD_MAX,
                 required: bool = False, strip: bool = True) -> str:
    """Text of at most `max_length` characters ("" when not given)."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        if isinstance(value, (dict, list, tuple, set, bytes)):
            problems.append(problem(field, "not_text"))
            return ""
        value = str(value)
    if strip:
        value = value.strip()
    found = text_problem(value, field, max_length)
    if found is not None:
        problems.append(found)
        return ""
    if required and not value:
        problems.append(problem(field, "required"))
    return value


REASON_MAX = 500


def required_reason(value: Any, field: str = "reason") -> str:
    """The reason an action must give (reject, cancel, reverse, change …): text of at most REASON_MAX characters,
    not blank; refused at once (`reason_required`, `too_long`)."""
    problems: list[Problem] = []
    reason = collect_text(value, field, problems, max_length=REASON_MAX)
    if not problems and not reason:
        problems.append(problem(field, "reason_required"))
    if problems:
        raise DomainError(problems)
    return reason


def code_problem(value: str, field: str, form: re.Pattern, example: str) -> Problem | None:
    """A code (a book number, a registration number …) that does not have its `form` (a fullmatch, case
    included: a lowercase number is not silently upper-cased); `example` shows a valid one."""
    if not form.fullmatch(value):
        return problem(field, "bad_format", value=shown(value), example=example)
    return None


_HS_CODE = re.compile(r"[0-9]{10}")
# HS chapters 01–97; chapter 77 is reserved by the Harmonized System for future use
HS_CHAPTERS = frozenset(f"{n:02d}" for n in range(1, 98) if n != 77)


def hs_code_problem(value: str, field: str) -> Problem | None:
    """A 10-digit 商品编码 (8-digit tariff line + 2 supplementary digits) of an existing HS chapter."""
    if not _HS_CODE.fullmatch(value):
        return problem(field, "bad_hs_code", value=shown(value))
    if value[:2] not in HS_CHAPTERS:
        return problem(field, "hs_chapter_unknown", value=value, chapter=value[:2])
    return None


# ---------------------------------------------------------------- integers and ids
def int_problem(value: int, field: str, lo: int, hi: int) -> Problem | None:
    if not lo <= value <= hi:
        return problem(field, "out_of_range", value=value, min=lo, max=hi)
    return None


def parse_int(value: Any) -> int | None:
    """An int from an int or a string of ASCII digits (not '²' or '٣', which pass str.isdigit(), nor "1_000");
    else None. A bool (JSON true/false) is not a number, though Python's bool is an int."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and _ASCII_INT.fullmatch(value.strip()) and len(value.strip()) <= 40:
        return int(value.strip())
    return None


def _collect(value: Any, field: str, problems: list[Problem], required: bool, parse, bad_code: str, check):
    """Blank: None (or `required`); unparseable: `bad_code`; parsed: the problem `check` finds, or the value."""
    if is_blank(value):
        if required:
            problems.append(problem(field, "required"))
        return None
    parsed = parse(value)
    if parsed is None:
        problems.append(problem(field, bad_code, value=shown(value)))
        return None
    found = check(parsed)
    if found is not None:
        problems.append(found)
        return None
    return parsed


def collect_int(value: Any, field: str, problems: list[Problem], *, lo: int = INT[0], hi: int = INT[1],
                required: bool = False) -> int | None:
    return _collect(value, field, problems, required, parse_int, "not_an_integer",
                    lambda n: int_problem(n, field, lo, hi))


def as_id(value: Any) -> int | None:
    """A primary key from user input, or None when it cannot be one (then nothing can match it)."""
    n = parse_int(value)
    return n if n is not None and ID_RANGE[0] <= n <= ID_RANGE[1] else None


def collect_id(value: Any, field: str, problems: list[Problem], *, required: bool = False) -> int | None:
    return collect_int(value, field, problems, lo=ID_RANGE[0], hi=ID_RANGE[1], required=required)


def refuse_reversed_range(date_from: date | None, date_to: date | None, field: str = "date_to") -> None:
    """A filter from a later date to an earlier one matches nothing, which reads as "no data": it is refused."""
    if date_from and date_to and date_to < date_from:
        raise DomainError(problem(field, "end_before_start", start=date_from.isoformat(), end=date_to.isoformat()))


# ---------------------------------------------------------------- decimals
def decimal_problem(value: Decimal, field: str, max_digits: int | None = None, decimal_places: int | None = None,
                    lo: Decimal | None = None, hi: Decimal | None = None) -> Problem | None:
    """A finite decimal that fits a DECIMAL(max_digits, decimal_places) column and lies in [lo, hi]."""
    if not value.is_finite():
        return problem(field, "not_a_number", value=shown(str(value)))
    if max_digits is not None and abs(value) >= Decimal(10) ** (max_digits - (decimal_places or 0)):
        return problem(field, "decimal_too_large", value=shown(str(value)), digits=max_digits - (decimal_places or 0))
    if decimal_places is not None and value.as_tuple().exponent < -decimal_places:
        try:
            exact = value == value.quantize(Decimal(1).scaleb(-decimal_places))
        except InvalidOperation:
            exact = False
        if not exact:
            return problem(field, "too_many_decimals", value=shown(str(value)), scale=decimal_places)
    if lo is not None and value < lo:
        return problem(field, "out_of_range", value=shown(str(value)), min=lo, max="" if hi is None else hi)
    if hi is not None and value > hi:
        return problem(field, "out_of_range", value=shown(str(value)), min="" if lo is None else lo, max=hi)
    return None


def is_number_text(text: str) -> bool:
    """Text that reads as a number in ASCII (see _ASCII_NUMBER): Decimal("1_000") and Decimal("１２３") are
    numbers to Python but not to a customs declaration."""
    return _ASCII_NUMBER.fullmatch(text) is not None


def parse_decimal(value: Any) -> Decimal | None:
    """A Decimal from a number or its ASCII text (at most 100 characters); None when it is not one (a bool,
    "1_000", full-width digits included)."""
    if isinstance(value, (bool, dict, list, tuple, set, bytes)) or value is None:
        return None
    if isinstance(value, (Decimal, int)):  # an int of any length (JSON's are bounded): its size is checked after
        return Decimal(value)
    text = repr(value) if isinstance(value, float) else str(value).strip()
    if len(text) > 100 or not is_number_text(text):
        return None
    try:
        return Decimal(text)
    except (InvalidOperation, ValueError):
        return None


def collect_decimal(value: Any, field: str, problems: list[Problem], *, required: bool = False,
                    max_digits: int | None = None, decimal_places: int | None = None,
                    lo: Decimal | None = None, hi: Decimal | None = None) -> Decimal | None:
    return _collect(value, field, problems, required, parse_decimal, "not_a_number",
                    lambda d: decimal_problem(d, field, max_digits, decimal_places, lo, hi))


QUANTITY_DIGITS = 18  # a ledger quantity is a BIGINT of 10⁻⁵ units: at most 13 digits before the point, 5 after


def collect_quantity(value: Any, field: str, problems: list[Problem], *, scale: int = SCALE) -> Decimal | None:
    """A required quantity the ledger can hold (quantity.to_units): finite, at most SCALE decimals, below 10¹³;
    with `scale`, the decimals its item's unit counts (个: 0, 千克: 3), which the ledger's posting also refuses."""
    found = collect_decimal(value, field, problems, required=True, max_digits=QUANTITY_DIGITS, decimal_places=SCALE)
    if found is not None and scale < SCALE and decimal_places(found) > scale:
        problems.append(problem(field, "too_many_decimals", value=shown(str(found)), scale=scale))
        return None
    return found


# ---------------------------------------------------------------- dates
@dataclass(frozen=True)
class DateWindow:
    """Dates a kind of field accepts: from `years_before` years before today to `years_after` after it."""

    name: str
    years_before: int
    years_after: int

    def bounds(self, today: date | None = None) -> tuple[date, date]:
        today = today or date.today()
        return _shift_years(today, -self.years_before), _shift_years(today, self.years_after)


def _shift_years(d: date, years: int) -> date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February
        return d.replace(year=d.year + years, day=28)


# Per kind of date field (docs/security.md, "Date windows"):
RECORDED = DateWindow("recorded", 30, 1)  # something that happened: posting, declaration, meeting, report
PLANNED = DateWindow("planned", 30, 30)  # deadlines, due dates, planned starts and ends, extensions
VALIDITY = DateWindow("validity", 30, 50)  # validity of an account book, a licence
HISTORICAL = DateWindow("historical", 100, 1)  # founding facts: a zone's approval or acceptance
QUERY = DateWindow("query", 100, 100)  # filters and as-of dates in searches
DATE_WINDOWS = {w.name: w for w in (RECORDED, PLANNED, VALIDITY, HISTORICAL, QUERY)}


def date_problem(value: date, field: str, window: DateWindow, today: date | None = None) -> Problem | None:
    earliest, latest = window.bounds(today)
    if not earliest <= value <= latest:
        return problem(field, "date_out_of_window", value=value.isoformat(), earliest=earliest.isoformat(),
                       latest=latest.isoformat())
    return None


def parse_date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    if len(text) != 10:  # YYYY-MM-DD only (fromisoformat also takes 20240101 and week dates)
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def collect_date(value: Any, field: str, problems: list[Problem], *, window: DateWindow = PLANNED,
                 required: bool = False, today: date | None = None) -> date | None:
    return _collect(value, field, problems, required, parse_date, "bad_date",
                    lambda d: date_problem(d, field, window, today))
