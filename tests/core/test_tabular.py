"""Exports never hand a spreadsheet a formula: text starting with = + - @ (or a tab / carriage return) is
made inert in CSV and XLSX; numbers, negative ones included, stay numbers."""

from __future__ import annotations

import io
import logging

import openpyxl
import pytest
from django.utils import translation

from bondzone.core import tabular
from bondzone.core.domain.errors import DomainError
from bondzone.core.messages import as_dicts


@pytest.mark.parametrize("value, shown", [
    ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"), ("+1+cmd|' /C calc'!A0", "'+1+cmd|' /C calc'!A0"),
    ("-2+3", "'-2+3"), ("@SUM(A1)", "'@SUM(A1)"), ("\t=1", "'\t=1"),
    ("-5.25", "-5.25"), ("+7", "+7"), ("plain", "plain"), (12, 12), ("-1e3", "-1e3"),
    # not finite numbers but words, which a spreadsheet runs as a formula (=-inf → #NAME?)
    ("-inf", "'-inf"), ("+NaN", "'+NaN"), ("-Infinity", "'-Infinity"),
])
def test_cells_are_inert(value, shown):
    assert tabular.inert(value) == shown


def test_csv_and_xlsx_exports_carry_no_formula_but_json_keeps_the_value():
    headers, rows = ["title", "delta"], [["=1+1", "-3"]]
    assert "'=1+1" in tabular.write_rows(headers, rows, "csv").decode("utf-8-sig")
    sheet = openpyxl.load_workbook(io.BytesIO(tabular.write_rows(headers, rows, "xlsx"))).worksheets[0]
    assert sheet["A2"].value == "'=1+1" and sheet["A2"].data_type == "s" and sheet["B2"].value == "-3"
    assert b'"=1+1"' in tabular.write_rows(headers, rows, "json")



CSV = "zone,series,year,value,unit,note\nBJ-TZ,revenue,2025,5,亿元,区管委会填报\n"


@pytest.mark.parametrize("raw", [CSV.encode("gbk"), CSV.encode("gb18030"), b"\xef\xbb\xbf" + CSV.encode(), CSV.encode()])
def test_a_csv_saved_by_excel_in_gbk_reads_as_the_utf_8_one(raw):
    """Excel on a Chinese Windows saves "CSV" in GBK: it was refused with the codec's English sentence."""
    rows = tabular.read_rows(io.BytesIO(raw), "csv", required=["zone", "unit"],
                             known=["zone", "series", "year", "value", "unit", "note"])
    assert rows == [{"zone": "BJ-TZ", "series": "revenue", "year": "2025", "value": "5", "unit": "亿元",
                     "note": "区管委会填报"}]


def test_bytes_that_are_no_text_are_one_refusal_in_both_languages():
    with pytest.raises(DomainError) as exc:
        tabular.read_rows(io.BytesIO(b"zone,unit\n\x80\xff,x\n"), "csv", required=["zone"], known=["unit"])
    assert [(p.field, p.code) for p in exc.value.problems] == [("file", "file_not_text")]
    with translation.override("zh-hans"):
        assert "请另存为 CSV（UTF-8）" in as_dicts(exc.value.problems)[0]["message"]


def test_headings_from_names_are_inert_and_still_read_back_as_their_code():
    """A column's name may be a user's (an evaluation category's): its heading is no formula either."""
    headers, rows, names = ["score"], [["1"]], {"score": "=HYPERLINK(\"http://x\")"}
    text = tabular.write_rows(headers, rows, "csv", names=names).decode("utf-8-sig")
    assert text.startswith("\"'=HYPERLINK(") and "\n=HYPERLINK" not in text
    book = tabular.write_rows(headers, rows, "xlsx", names=names, notes=[])
    assert openpyxl.load_workbook(io.BytesIO(book)).worksheets[0]["A1"].value == "'=HYPERLINK(\"http://x\") (score)"
    assert tabular.read_rows(io.BytesIO(text.encode()), "csv", required=["score"], known=None) == [{"score": "1"}]


@pytest.mark.parametrize("fmt, raw, expected_en, expected_zh", [
    ("xlsx", b"not a workbook", "an Excel workbook (.xlsx)", "Excel 工作簿（.xlsx）"),
    ("json", b'{"rows": 3', "a JSON list of objects", "JSON 对象列表"),
])
def test_an_unreadable_file_is_named_with_the_format_expected_without_the_parser_text(fmt, raw, expected_en,
                                                                                      expected_zh, caplog):
    """The refusal carried the parser's English ("File is not a zip file", tablib's "Please check format
    documentation https://…"): now the file and what it should be, in the reader's language; the parser's text is
    logged."""
    caplog.set_level(logging.INFO, logger="bondzone.core.tabular")
    with pytest.raises(DomainError) as exc:
        tabular.read_rows(io.BytesIO(raw), fmt, required=["zone"], known=[], name=f"values.{fmt}")
    assert [(p.field, p.code) for p in exc.value.problems] == [("file", "file_unreadable")]
    with translation.override("en"):
        message = as_dicts(exc.value.problems)[0]["message"]
    assert message.startswith(f"values.{fmt} could not be read as {fmt.upper()}: it should be {expected_en}")
    with translation.override("zh-hans"):
        message_zh = as_dicts(exc.value.problems)[0]["message"]
    assert f"values.{fmt}" in message_zh and expected_zh in message_zh
    for text in (message, message_zh):
        assert "http" not in text and "zip" not in text and "Expecting" not in text
    assert f"values.{fmt} could not be read as {fmt}" in caplog.text


def test_an_unknown_column_is_refused_naming_it_and_the_known_ones():
    """A misspelt optional heading (unit_prise) lost its column's data in silence."""
    raw = b"zone,unit,unit_prise,\nBJ-TZ,x,3,\n"
    with pytest.raises(DomainError) as exc:
        tabular.read_rows(io.BytesIO(raw), "csv", required=["zone"], known=["unit", "unit_price"])
    assert [(p.field, p.code) for p in exc.value.problems] == [("file", "unknown_columns")]
    with translation.override("en"):
        assert as_dicts(exc.value.problems)[0]["message"] == (
            "Unknown columns: unit_prise (a misspelt heading?). The columns of this file are: zone, unit, unit_price.")
    with translation.override("zh-hans"):
        assert "未知的列：unit_prise" in as_dicts(exc.value.problems)[0]["message"]
    # an empty heading (a trailing comma) is no column; the known ones read
    assert tabular.read_rows(io.BytesIO(raw.replace(b"unit_prise", b"unit_price")), "csv", required=["zone"],
                             known=["unit", "unit_price"]) == [{"zone": "BJ-TZ", "unit": "x", "unit_price": "3", "": ""}]

