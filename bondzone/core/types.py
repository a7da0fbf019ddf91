"""Schema types that validate at the boundary (django-ninja / pydantic), built on core.domain.inputs.

    from bondzone.core.types import Id, Text, TextOf, IntOf, DecimalOf, DateIn, Code, Numbered, Pagination, parse
    from bondzone.core.domain.inputs import PLANNED

    class ThingIn(Schema):
        name: TextOf(Thing, "name")              # max length read from the model column; no NUL, no lone surrogate
        note: Text(2000) = ""
        zone_id: Id                              # 1 … 2**63-1, ASCII digits only
        count: IntOf(Thing, "count")             # the column's integer range (and its Min/MaxValueValidators)
        share: DecimalOf(Thing, "share")         # the column's max_digits / decimal_places
        due: DateIn(PLANNED)                     # within the window around today
        code: Code(re.compile(r"[A-Z][0-9]{4}"), "T0110", 5)  # has the form (fullmatch, case included)
        lines: Numbered(LineIn)                  # errors name lines[1] for the first line

A failing value becomes a 400 with `errors: [{field, code, message}]` (bondzone/api.py). Page forms, the
CLI and importers validate a mapping with the same schema through `parse(ThingIn, data)` (a DomainError
with field-level problems) or call the `collect_*` functions of core.domain.inputs directly.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Annotated, Any

from django.core.validators import MaxValueValidator, MinValueValidator
from ninja import Field
from ninja.conf import settings as ninja_settings
from ninja.pagination import LimitOffsetPagination
from pydantic import AfterValidator, BeforeValidator, WrapValidator
from pydantic import ValidationError as PydanticValidationError
from pydantic_core import InitErrorDetails, PydanticCustomError

from .domain import inputs
from .domain.errors import DomainError, Problem, problem
from .messages import MESSAGES, render


def _raise(p: Problem):
    # the problem code becomes the pydantic error type; its params the context (see problems_of)
    raise PydanticCustomError(p.code, str(render(p)), {k: str(v) for k, v in p.params.items()})


def _refusing(find_problem) -> AfterValidator:
    """A validator that raises the Problem `find_problem(value)` returns (None: the value is fine)."""

    def check(value):
        found = find_problem(value)
        if found is not None:
            _raise(found)
        return value

    return AfterValidator(check)


def Text(max_length: int = inputs.TEXT_FIELD_MAX):  # noqa: N802 - a type factory reads like a type
    """str of at most max_length characters, no NUL, no lone surrogate."""
    return Annotated[str, _refusing(lambda v: inputs.text_problem(v, "", max_length)), Field(max_length=max_length)]


def Code(form: re.Pattern, example: str, max_length: int = inputs.TEXT_FIELD_MAX):  # noqa: N802
    """Text that has the form `form` (fullmatch, case included), e.g. an account book number; `example`
    is a valid one, shown in the refusal."""
    return Annotated[str, _refusing(lambda v: inputs.text_problem(v, "", max_length)
                                    or inputs.code_problem(v, "", form, example)),
                     Field(max_length=max_length, description=f"e.g. {example}")]


HSCode = Annotated[str, _refusing(lambda v: inputs.hs_code_problem(v, "")),
                   Field(max_length=10, description="10-digit HS code (商品编码), chapters 01–97 but 77")]


def Choice(*choices: str):  # noqa: N802
    """Blank (no filter) or one of `choices`; anything else is a field-level 400 that names them."""
    allowed = tuple(dict.fromkeys(str(c) for c in choices))

    def problem_of(value: str):
        if value == "" or value in allowed:
            return None
        return inputs.text_problem(value, "", 200) or problem("", "bad_choice", value=inputs.shown(value),
                                                              choices=", ".join(allowed))

    return Annotated[str, _refusing(problem_of), Field(json_schema_extra={"enum": ["", *allowed]})]


def ChoiceOf(model, field_name: str, *more: str):  # noqa: N802
    """Choice among the codes of a model column's choices (and `more`: a filter's own words, like "open")."""
    return Choice(*(code for code, _ in _column(model, field_name).choices), *more)


def _column(model, field_name: str):
    return model._meta.get_field(field_name)


def TextOf(model, field_name: str):  # noqa: N802
    """Text bounded by the model column's max_length (TextField: inputs.TEXT_FIELD_MAX)."""
    return Text(_column(model, field_name).max_length or inputs.TEXT_FIELD_MAX)


def _ascii_int(value: Any) -> Any:
    if isinstance(value, bool):  # JSON true/false: pydantic's int would take it as 1/0
        _raise(Problem("", "not_an_integer", {"value": str(value).lower()}))
    if isinstance(value, str):
        n = inputs.parse_int(value)
        if n is None:
            _raise(Problem("", "not_an_integer", {"value": inputs.shown(value)}))
        return n
    return value


def Int(lo: int = inputs.INT[0], hi: int = inputs.INT[1]):  # noqa: N802
    """int in [lo, hi]; a refusal names both bounds (pydantic's ge/le would name only the one crossed)."""
    return Annotated[int, BeforeValidator(_ascii_int), _refusing(lambda v: inputs.int_problem(v, "", lo, hi)),
                     Field(json_schema_extra={"minimum": lo, "maximum": hi})]


_INT_RANGES = {
    "SmallIntegerField": inputs.SMALLINT, "PositiveSmallIntegerField": (0, inputs.SMALLINT[1]),
    "IntegerField": inputs.INT, "PositiveIntegerField": (0, inputs.INT[1]),
    "BigIntegerField": inputs.BIGINT, "PositiveBigIntegerField": (0, inputs.BIGINT[1]),
    "AutoField": (1, inputs.INT[1]), "BigAutoField": inputs.ID_RANGE, "ForeignKey": inputs.ID_RANGE,
}


def _validator_bounds(column, lo, hi):
    for v in column.validators:
        if isinstance(v, MinValueValidator) and not callable(v.limit_value):
            lo = max(lo, v.limit_value) if lo is not None else v.limit_value
        elif isinstance(v, MaxValueValidator) and not callable(v.limit_value):
            hi = min(hi, v.limit_value) if hi is not None else v.limit_value
    return lo, hi


def int_bounds(model, field_name: str) -> tuple[int, int]:
    column = _column(model, field_name)
    lo, hi = _INT_RANGES.get(column.get_internal_type(), inputs.INT)
    return _validator_bounds(column, lo, hi)


def IntOf(model, field_name: str):  # noqa: N802
    """int within the column's range and its Min/MaxValueValidators."""
    return Int(*int_bounds(model, field_name))


Id = Int(*inputs.ID_RANGE)


def _ascii_decimal(value: Any) -> Any:
    """A bool, "1_000" or full-width digits are not a number (pydantic's Decimal reads the last two)."""
    if value is None or isinstance(value, (dict, list)):
        return value  # pydantic's own refusal (required, wrong type)
    parsed = inputs.parse_decimal(value)
    if parsed is None:
        _raise(Problem("", "not_a_number", {"value": inputs.shown(str(value).lower() if isinstance(value, bool)
                                                                  else value)}))
    return parsed


def Dec(max_digits: int | None = None, decimal_places: int | None = None,  # noqa: N802
        lo: Decimal | None = None, hi: Decimal | None = None):
    """A finite Decimal that fits DECIMAL(max_digits, decimal_places) and lies in [lo, hi]."""
    return Annotated[Decimal, BeforeValidator(_ascii_decimal), _refusing(lambda v: inputs.decimal_problem(v, "", max_digits, decimal_places, lo, hi))]


def decimal_bounds(model, field_name: str) -> dict:
    column = _column(model, field_name)
    lo, hi = _validator_bounds(column, None, None)
    return {"max_digits": column.max_digits, "decimal_places": column.decimal_places, "lo": lo, "hi": hi}


def DecimalOf(model, field_name: str):  # noqa: N802
    """Decimal within the column's digits (and its Min/MaxValueValidators)."""
    return Dec(**decimal_bounds(model, field_name))


def DateIn(window: inputs.DateWindow = inputs.PLANNED):  # noqa: N802
    """A date within the window around today (core.domain.inputs.DATE_WINDOWS)."""
    return Annotated[date, _refusing(lambda v: inputs.date_problem(v, "", window)), Field(
        description=f"YYYY-MM-DD, from {window.years_before} years before today to {window.years_after} after")]


def _numbered_from_1(value, validate):
    try:
        return validate(value)
    except PydanticValidationError as exc:
        details = []
        for err in exc.errors(include_url=False):
            loc = list(err["loc"])
            if loc and isinstance(loc[0], int):
                loc[0] += 1
            template = err["msg"].replace("{", "{{").replace("}", "}}")
            details.append(InitErrorDetails(type=PydanticCustomError(err["type"], template, err.get("ctx")),
                                            loc=tuple(loc), input=err.get("input")))
        raise PydanticValidationError.from_exception_data(exc.title, details) from None


def Numbered(item):  # noqa: N802
    """list[item] whose errors name the items from 1 (`lines[1]` is the first line), as the domain numbers
    the lines of a document (a list's line 1, an import's row 2)."""
    return Annotated[list[item], WrapValidator(_numbered_from_1)]


# limit 1..max and offset 0..int: a refusal names both bounds (ninja's Field(ge=…, le=…) said "(1 to )")
PageLimit = Int(1, ninja_settings.PAGINATION_MAX_LIMIT)
PageOffset = Int(0, inputs.INT[1])


class Pagination(LimitOffsetPagination):
    """limit/offset with an upper bound on offset (an offset past the int range is a 400, not a 500)."""

    class Input(LimitOffsetPagination.Input):
        limit: PageLimit = ninja_settings.PAGINATION_PER_PAGE
        offset: PageOffset = 0


# ---------------------------------------------------------------- pydantic errors → problems
# pydantic's error types as problem codes, so the message is in the reader's language (an unknown type keeps
# pydantic's English text, code "invalid").
_PYDANTIC_CODES = {
    "missing": "required",
    "bool_parsing": "not_a_boolean",
    "bool_type": "not_a_boolean",
    "list_type": "not_a_list",
    "tuple_type": "not_a_list",
    "set_type": "not_a_list",
    "dict_type": "not_an_object",
    "model_type": "not_an_object",
    "model_attributes_type": "not_an_object",
    "dataclass_type": "not_an_object",
    "too_long": "too_many_items",
    "too_short": "too_few_items",
    "string_too_short": "text_too_short",
    "literal_error": "bad_choice",
    "enum": "bad_choice",
    "datetime_parsing": "bad_datetime",
    "datetime_type": "bad_datetime",
    "datetime_from_date_parsing": "bad_datetime",
    "json_invalid": "bad_request",
    "json_type": "bad_request",
    "float_type": "not_a_number",
    "decimal_parsing": "not_a_number",
    "decimal_type": "not_a_number",
    "finite_number": "not_a_number",
    "float_parsing": "not_a_number",
    "int_parsing": "not_an_integer",
    "int_type": "not_an_integer",
    "int_from_float": "not_an_integer",
    "int_parsing_size": "out_of_range",
    "string_too_long": "too_long",
    "string_type": "not_text",
    "string_unicode": "bad_unicode",
    "date_from_datetime_parsing": "bad_date",
    "date_from_datetime_inexact": "bad_date",
    "date_parsing": "bad_date",
    "date_type": "bad_date",
    "greater_than_equal": "out_of_range",
    "less_than_equal": "out_of_range",
    "greater_than": "out_of_range",
    "less_than": "out_of_range",
}


_SOURCES = ("body", "query", "path", "form", "file", "header", "cookie")  # ninja's first element of an API error
_PARAMS = ("payload", "filters")  # the project's names of the schema parameter of an operation


def field_path(loc, located: bool = False) -> str:
    """`lines[2].quantity` from pydantic's loc. An API error's loc (`located`) starts with where ninja read it
    and the schema parameter's name, which are not the field; a field named like them ("header") keeps its name."""
    parts = list(loc)
    if located and parts and parts[0] in _SOURCES:
        parts = parts[1:]
        if parts and parts[0] in _PARAMS:
            parts = parts[1:]
    out = ""
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def problems_of(errors, located: bool = False) -> list[Problem]:
    """pydantic error dicts (ninja's ValidationError.errors, `located`, or pydantic's .errors()) as problems."""
    problems = []
    for err in errors:
        kind = err.get("type", "")
        ctx = err.get("ctx") or {}
        value = err.get("input")
        shown = "" if isinstance(value, (dict, list)) else inputs.shown(value)
        ours = kind in MESSAGES and (kind not in _PYDANTIC_CODES or (kind == "too_long" and "field_type" not in ctx))
        if ours:  # raised by our own types: code + params as is
            code, params = kind, {"value": shown, **ctx}
        elif value is None and (kind == "missing" or kind.endswith("_type")):  # JSON null for a required field
            code, params = "required", {}
        else:
            code = _PYDANTIC_CODES.get(kind, "invalid")
            params = {"message": err.get("msg", ""), "value": shown}
            if code in ("too_long", "too_many_items"):
                params["max"] = ctx.get("max_length", "")
            elif code in ("text_too_short", "too_few_items"):
                params["min"] = ctx.get("min_length", "")
            elif code == "bad_choice":
                params["choices"] = str(ctx.get("expected", ""))
            elif code == "out_of_range":
                params["min"] = ctx.get("ge", ctx.get("gt", ""))
                params["max"] = ctx.get("le", ctx.get("lt", ""))
        problems.append(Problem(field_path(err.get("loc", ()), located), code, params))
    return problems


def parse(schema, data: Any):
    """Validate a mapping (form data, a CSV row, CLI options) with an API schema; DomainError if bad."""
    try:
        return schema.model_validate(data)
    except PydanticValidationError as exc:
        raise DomainError(problems_of(exc.errors())) from None
