"""How bad input is refused at the one home of each concern (a hostile tester's findings): numbers are ASCII
digits and never a bool, a JSON null for a required number is `required`, an echoed value is bounded, and
pydantic's schema errors speak the reader's language with their field paths."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import translation
from ninja import Schema

from bondzone.core.domain import inputs, quantity
from bondzone.core.domain.errors import DomainError, Problem
from bondzone.core.messages import render
from bondzone.core.types import Dec, Int, Text, parse
from bondzone.processing.schemas import BomIn

NOT_NUMBERS = ["1_000", "１２３", "٣", "1_0.5", True, False]


def problems_of(collect, value, **kw) -> list[tuple[str, str]]:
    problems: list[Problem] = []
    assert collect(value, "qty", problems, **kw) is None
    return [(p.field, p.code) for p in problems]


# ---------------------------------------------------------------- the collectors of core.domain.inputs
@pytest.mark.parametrize("value", NOT_NUMBERS)
def test_decimal_collectors_refuse_underscores_full_width_digits_and_bools(value):
    assert inputs.parse_decimal(value) is None
    assert problems_of(inputs.collect_decimal, value) == [("qty", "not_a_number")]
    assert problems_of(inputs.collect_quantity, value) == [("qty", "not_a_number")]


@pytest.mark.parametrize("value", NOT_NUMBERS)
def test_int_collectors_refuse_underscores_full_width_digits_and_bools(value):
    assert inputs.parse_int(value) is None and inputs.as_id(value) is None
    assert problems_of(inputs.collect_int, value) == [("qty", "not_an_integer")]
    assert problems_of(inputs.collect_id, value) == [("qty", "not_an_integer")]


@pytest.mark.parametrize("value, expected", [
    ("12", Decimal("12")), (" 1.50 ", Decimal("1.50")), (".5", Decimal("0.5")), ("1e3", Decimal("1E+3")),
    (7, Decimal(7)), (1.25, Decimal("1.25")), (Decimal("3.1"), Decimal("3.1")), ("-4", Decimal(-4)),
])
def test_plain_numbers_still_parse(value, expected):
    assert inputs.parse_decimal(value) == expected


@pytest.mark.parametrize("value", ["1_000", "１２３", True])
def test_the_ledgers_decimal_parser_refuses_them_too(value):
    parsed, found = quantity.parse_decimal(value, "lines[1].quantity")
    assert parsed is None and (found.field, found.code) == ("lines[1].quantity", "not_a_number")


@pytest.mark.parametrize("value", [None, "", "  "])
def test_nothing_given_to_the_ledgers_decimal_parser_is_required_not_none_as_a_number(value):
    parsed, found = quantity.parse_decimal(value, "lines[1].quantity")
    assert parsed is None and (found.field, found.code) == ("lines[1].quantity", "required")


def test_a_thousands_separator_still_reads_for_the_ledger():
    assert quantity.parse_decimal("1,000.5", "q") == (Decimal("1000.5"), None)
    assert quantity.parse_decimal("-12,345,678", "q") == (Decimal("-12345678"), None)


@pytest.mark.parametrize("value", ["1,5", "12,34.5", "1,2,3", ",500", "1,,000", "1000,", "1.000,5"])
def test_a_comma_that_is_no_thousands_separator_is_not_a_number(value):
    """"1,5" (a decimal comma) was read as 15 and "1,2,3" as 123, silently."""
    assert quantity.parse_decimal(value, "q") == (None, Problem("q", "not_a_number", {"value": value}))


# ---------------------------------------------------------------- the schema types built on them
class NumbersIn(Schema):
    count: Int(0, 100)
    share: Dec(max_digits=10, decimal_places=2)
    maybe: Dec() | None = None
    note: Text(10) = ""


GOOD = {"count": 3, "share": "1.5"}


@pytest.mark.parametrize("field, value, code", [
    ("count", True, "not_an_integer"), ("count", False, "not_an_integer"), ("count", "1_0", "not_an_integer"),
    ("count", "１", "not_an_integer"), ("share", True, "not_a_number"), ("share", "1_000", "not_a_number"),
    ("share", "１２３", "not_a_number"), ("maybe", True, "not_a_number"),
])
def test_schema_numbers_refuse_bools_underscores_and_full_width_digits(field, value, code):
    with pytest.raises(DomainError) as exc:
        parse(NumbersIn, {**GOOD, field: value})
    assert [(p.field, p.code) for p in exc.value.problems] == [(field, code)]


def test_a_processing_bom_refuses_true_as_its_finished_item():
    bom = {"finished_no": True, "version": "V1", "valid_from": "2026-01-01", "lines": [
        {"material_no": False, "net": True}]}
    with pytest.raises(DomainError) as exc:
        parse(BomIn, bom)
    assert [(p.field, p.code) for p in exc.value.problems] == [
        ("finished_no", "not_an_integer"), ("lines[1].material_no", "not_an_integer"), ("lines[1].net", "not_a_number")]


@pytest.mark.parametrize("field", ["count", "share"])
def test_a_json_null_for_a_required_number_is_required_in_the_readers_language(field):
    with pytest.raises(DomainError) as exc:
        parse(NumbersIn, {**GOOD, field: None})
    [p] = exc.value.problems
    assert (p.field, p.code) == (field, "required")
    with translation.override("zh-hans"):
        assert render(p) == "此项为必填项。"


# ---------------------------------------------------------------- an echoed value is bounded
def test_a_huge_value_is_not_echoed_whole_whoever_made_the_problem():
    huge = "1" + "0" * 400
    for p in (Problem("lines[1].quantity", "quantity_too_large", {"value": huge}),
              Problem("quantity", "not_a_number", {"value": huge}),
              Problem("quantity", "out_of_range", {"value": 10 ** 400, "min": 0, "max": 5})):
        text = render(p)
        assert "0" * 40 not in text and "…" in text, text
    with translation.override("en"):  # a short value is shown as it is (not its repr)
        assert render(Problem("q", "out_of_range", {"value": Decimal("7.5"), "min": 0, "max": 5})) == \
            "“7.5” is out of range (0 to 5)."


def test_a_huge_number_in_a_schema_names_the_bound_not_its_digits():
    with pytest.raises(DomainError) as exc:
        parse(NumbersIn, {**GOOD, "share": 10 ** 400})
    [p] = exc.value.problems
    assert (p.field, p.code) == ("share", "decimal_too_large")
    with translation.override("en"):
        assert "0" * 40 not in render(p) and "more than 8 digits" in render(p), render(p)


# ---------------------------------------------------------------- pydantic's errors in the reader's language
class ShapesIn(Schema):
    lines: list[int]
    header: dict[str, str]
    flag: bool
    name: str
    tags: list[str] = []


@pytest.mark.parametrize("data, field, code, zh", [
    ({"lines": "1"}, "lines", "not_a_list", "应为列表。"),
    ({"header": [1]}, "header", "not_an_object", "应为对象（{…}）。"),
    ({"flag": "perhaps"}, "flag", "not_a_boolean", "应为 true 或 false。"),
    ({"name": 5}, "name", "not_text", "应为文本。"),
    ({"lines": ["x"]}, "lines[0]", "not_an_integer", None),
    ({"name": None}, "name", "required", "此项为必填项。"),
])
def test_pydantic_errors_have_codes_and_translated_messages_with_field_paths(data, field, code, zh):
    good = {"lines": [1], "header": {}, "flag": True, "name": "n"}
    with pytest.raises(DomainError) as exc:
        parse(ShapesIn, {**good, **data})
    [p] = exc.value.problems
    assert (p.field, p.code) == (field, code)
    with translation.override("zh-hans"):
        chinese = render(p)
    with translation.override("en"):
        english = render(p)
    assert chinese != english, chinese
    if zh:
        assert chinese == zh


def test_a_missing_field_is_required_and_an_unknown_pydantic_error_keeps_its_text():
    from bondzone.core.types import problems_of
    [missing, odd] = problems_of([
        {"type": "missing", "loc": ("body", "payload", "lines", 2, "seq"), "msg": "Field required", "input": {}},
        {"type": "uuid_parsing", "loc": ("query", "ref"), "msg": "Input should be a valid UUID", "input": "x"},
    ], located=True)
    assert (missing.field, missing.code) == ("lines[2].seq", "required")
    assert (odd.field, odd.code) == ("ref", "invalid")
    with translation.override("zh-hans"):
        assert render(odd) == "Input should be a valid UUID"


def _schema_problems(schema, data) -> list[tuple[str, str]]:
    with pytest.raises(DomainError) as exc:
        parse(schema, data)
    return [(p.field, p.code) for p in exc.value.problems]


@pytest.mark.parametrize("schema, field, value, code", [
    ("bondzone.supervision.schemas.LineIn", "quantity", "1_000", "not_a_number"),
    ("bondzone.supervision.schemas.LineIn", "quantity", "１２３", "not_a_number"),
    ("bondzone.supervision.schemas.LineIn", "quantity", None, "required"),
    ("bondzone.duties.schemas.GuaranteeIn", "enterprise_id", True, "not_an_integer"),
    ("bondzone.duties.schemas.GuaranteeIn", "amount", "1_000", "not_a_number"),
    ("bondzone.servicedesk.schemas.RequestIn", "category_id", True, "not_an_integer"),
    ("bondzone.core.api.CalendarYearIn", "year", True, "not_an_integer"),
    ("bondzone.gate.schemas.GateIn", "stage", True, "not_an_integer"),
    ("bondzone.processing.schemas.CountIn", "counted", "1_0", "not_a_number"),
])
def test_the_apps_input_schemas_use_the_core_number_types(schema, field, value, code):
    from django.utils.module_loading import import_string
    assert (field, code) in _schema_problems(import_string(schema), {field: value})
