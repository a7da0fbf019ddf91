"""The input types at the boundary (core.domain.inputs, core.types): each hostile value of issue 10 is a
field-level problem, never an exception, and every accepted value fits its column."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings, strategies as st
from ninja import Schema

from bondzone.core.domain import inputs
from bondzone.core.domain.errors import DomainError
from bondzone.core.models import Enterprise, Zone
from bondzone.supervision.models import BookItem
from bondzone.core.types import Code, DateIn, DecimalOf, Id, Int, IntOf, Numbered, TextOf, parse

TODAY = date(2026, 6, 1)


def codes(problems) -> list[str]:
    return [p.code for p in problems]


@pytest.mark.parametrize("value, code", [
    ("a\x00b", "nul_character"), ("\ud800", "bad_unicode"), ("x" * 201, "too_long"), ({"a": 1}, "not_text"),
])
def test_text_refusals(value, code):
    problems = []
    assert inputs.collect_text(value, "name", problems, max_length=200) == ""
    assert codes(problems) == [code]


def test_text_strips_and_requires():
    problems = []
    assert inputs.collect_text("  ok  ", "name", problems, max_length=2) == "ok"
    inputs.collect_text("   ", "name", problems, required=True)
    assert codes(problems) == ["required"]


@pytest.mark.parametrize("value, code", [
    (None, "reason_required"), ("   ", "reason_required"), ("x" * 501, "too_long"), ("a\x00b", "nul_character"),
    ("\ud800", "bad_unicode"), (["list"], "not_text"),
])
def test_a_required_reason_is_refused_at_once(value, code):
    with pytest.raises(DomainError) as exc:
        inputs.required_reason(value)
    assert [(p.field, p.code) for p in exc.value.problems] == [("reason", code)]


def test_a_required_reason_is_stripped_text_of_up_to_500_characters():
    assert inputs.required_reason("  破损  ") == "破损"
    assert inputs.required_reason(12) == "12"  # a number in a JSON body is read as its text, not a crash
    assert inputs.required_reason("x" * 500, "note") == "x" * 500


@pytest.mark.parametrize("value, code", [
    ("²", "not_an_integer"), ("１２", "not_an_integer"), ("1e3", "not_an_integer"), ("2147483648", "out_of_range"),
    (2**63, "out_of_range"), ("9" * 5000, "not_an_integer"), (True, "not_an_integer"),
])
def test_int_refusals(value, code):
    problems = []
    assert inputs.collect_int(value, "item_no", problems, lo=1, hi=inputs.INT[1]) is None
    assert codes(problems) == [code]
    assert problems[0].params.get("value") not in (None, "None")


def test_ids_are_ascii_digits_in_bigint_range():
    assert inputs.as_id("42") == 42
    assert [inputs.as_id(v) for v in ("²", "0", "-1", str(2**63), "", None, "1.0")] == [None] * 7


@pytest.mark.parametrize("value, code", [
    ("NaN", "not_a_number"), ("Infinity", "not_a_number"), ("1e999999", "decimal_too_large"),
    ("100000", "decimal_too_large"), ("1.0001", "too_many_decimals"), ("-1", "out_of_range"), ("abc", "not_a_number"),
])
def test_decimal_refusals(value, code):
    problems = []
    got = inputs.collect_decimal(value, "area", problems, max_digits=8, decimal_places=3, lo=Decimal(0))
    assert got is None and codes(problems) == [code]


def test_decimal_trailing_zeros_fit():
    problems = []
    assert inputs.collect_decimal("1.50000", "x", problems, max_digits=8, decimal_places=3) == Decimal("1.5")
    assert problems == []


@pytest.mark.parametrize("window", list(inputs.DATE_WINDOWS.values()))
@pytest.mark.parametrize("value", ["9999-12-31", "0001-01-01"])
def test_every_window_refuses_the_calendar_extremes(window, value):
    problems = []
    assert inputs.collect_date(value, "due", problems, window=window, today=TODAY) is None
    assert codes(problems) == ["date_out_of_window"]


def test_date_window_edges_and_formats():
    problems = []
    assert inputs.collect_date("2056-06-01", "d", problems, window=inputs.PLANNED, today=TODAY) == date(2056, 6, 1)
    assert inputs.collect_date("2056-06-02", "d", problems, window=inputs.PLANNED, today=TODAY) is None
    assert inputs.collect_date("20260101", "d", problems, today=TODAY) is None
    assert inputs.collect_date("2026-02-30", "d", problems, today=TODAY) is None
    assert codes(problems) == ["date_out_of_window", "bad_date", "bad_date"]
    assert inputs.PLANNED.bounds(date(2024, 2, 29)) == (date(1994, 2, 28), date(2054, 2, 28))


class ThingIn(Schema):
    name: TextOf(Enterprise, "name")
    zone_id: Id
    area: DecimalOf(Zone, "planned_area_km2") | None = None
    due: DateIn() | None = None


def test_schema_types_read_the_columns():
    with pytest.raises(DomainError) as exc:
        parse(ThingIn, {"name": "x" * 201, "zone_id": "²", "area": "123456.1", "due": "9999-12-31"})
    assert {(p.field, p.code) for p in exc.value.problems} == {
        ("name", "too_long"), ("zone_id", "not_an_integer"), ("area", "decimal_too_large"),
        ("due", "date_out_of_window")}
    ok = parse(ThingIn, {"name": "x" * 200, "zone_id": "7", "area": "99999.999"})
    assert ok.zone_id == 7 and ok.area == Decimal("99999.999")


class ItemNo(Schema):
    item_no: IntOf(BookItem, "item_no")


def test_int_of_reads_the_column_range():
    with pytest.raises(DomainError) as exc:
        parse(ItemNo, {"item_no": 2**31})
    assert exc.value.problems[0].code == "out_of_range"
    assert parse(ItemNo, {"item_no": 2**31 - 1}).item_no == 2**31 - 1


def test_an_int_refusal_names_both_bounds_and_the_value():
    with pytest.raises(DomainError) as exc:
        parse(ItemNo, {"item_no": -5})
    assert exc.value.problems[0].params == {"value": "-5", "min": "0", "max": str(2**31 - 1)}


class Numbers(Schema):
    code: Code(re.compile(r"[A-Z][0-9]{4}"), "T0110", 5)
    count: Int(1, 9) = 1


class Document(Schema):
    lines: Numbered(Numbers)


@pytest.mark.parametrize("value", ["t0110", "T011", "T01100", "T01 0", "\x00"])
def test_code_refuses_another_form_and_shows_the_value(value):
    with pytest.raises(DomainError) as exc:
        parse(Numbers, {"code": value})
    assert exc.value.problems[0].field == "code"
    assert exc.value.problems[0].code in ("bad_format", "too_long", "nul_character")
    assert parse(Numbers, {"code": "T0110"}).code == "T0110"


def test_numbered_lists_name_their_items_from_1():
    with pytest.raises(DomainError) as exc:
        parse(Document, {"lines": [{"code": "T0110"}, {"code": "x", "count": 10}]})
    assert {(p.field, p.code) for p in exc.value.problems} == {("lines[2].code", "bad_format"),
                                                               ("lines[2].count", "out_of_range")}
    assert {p.params["value"] for p in exc.value.problems} == {"x", "10"}


@pytest.mark.parametrize("value, code", [
    ("0000000000", "hs_chapter_unknown"), ("7712345678", "hs_chapter_unknown"), ("9812345678", "hs_chapter_unknown"),
    ("847130000", "bad_hs_code"), ("８４７１３０００００", "bad_hs_code"), ("8471 30000", "bad_hs_code"),
])
def test_hs_codes_of_no_chapter_or_form_are_refused(value, code):
    assert inputs.hs_code_problem(value, "hs_code").code == code
    assert inputs.hs_code_problem("0101210000", "hs_code") is None
    assert inputs.hs_code_problem("9706100000", "hs_code") is None


hostile_text = st.one_of(st.text(), st.text(alphabet=st.sampled_from(["\x00", "\ud800", "\udfff", "²", "a", "é"])))
hostile_scalar = st.one_of(
    hostile_text, st.integers(min_value=-(2**80), max_value=2**80), st.floats(allow_nan=True, allow_infinity=True),
    st.decimals(allow_nan=True, allow_infinity=True), st.none(), st.booleans(), st.dates().map(date.isoformat),
    st.from_regex(r"[0-9]{1,30}", fullmatch=True), st.from_regex(r"-?[0-9]{1,12}\.[0-9]{1,12}", fullmatch=True),
)


@settings(max_examples=300, deadline=None)
@given(hostile_scalar)
def test_hostile_values_never_raise_and_what_passes_fits(value):
    problems = []
    text = inputs.collect_text(value, "t", problems, max_length=50)
    assert "\x00" not in text and len(text) <= 50
    text.encode("utf-8")
    n = inputs.collect_int(value, "n", problems)
    assert n is None or inputs.INT[0] <= n <= inputs.INT[1]
    d = inputs.collect_decimal(value, "d", problems, max_digits=12, decimal_places=4)
    assert d is None or (d.is_finite() and abs(d) < Decimal(10) ** 8 and d == d.quantize(Decimal("0.0001")))
    when = inputs.collect_date(value, "w", problems, window=inputs.RECORDED, today=TODAY)
    assert when is None or date(1996, 6, 1) <= when <= date(2027, 6, 1)
    for p in problems:
        assert p.params.get("value", "") is not None


@pytest.mark.parametrize("value, scale, expected", [("1.5", 0, None), ("1.25", 2, Decimal("1.25")),
                                                     ("1.2345", 3, None), ("2.000", 0, Decimal("2.000"))])
def test_collect_quantity_refuses_more_decimals_than_the_items_unit_counts(value, scale, expected):
    problems = []
    assert inputs.collect_quantity(value, "counts[1].counted", problems, scale=scale) == expected
    assert [(p.field, p.code) for p in problems] == ([] if expected is not None else
                                                     [("counts[1].counted", "too_many_decimals")])


@pytest.mark.parametrize("value", ["NaN", "Infinity", "-Infinity"])
def test_a_number_that_is_not_finite_is_echoed_as_written_not_as_python_spells_it(value):
    from bondzone.core.messages import render

    with pytest.raises(DomainError) as exc:
        parse(ThingIn, {"name": "x", "zone_id": "7", "area": value})
    [p] = exc.value.problems
    assert (p.field, p.code) == ("area", "not_a_number")
    assert f"“{value}”" in render(p) and "Decimal" not in render(p)
