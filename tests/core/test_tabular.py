"""Exports never hand a spreadsheet a formula: text starting with = + - @ (or a tab / carriage return) is
made inert in CSV and XLSX; numbers, negative ones included, stay numbers."""

from __future__ import annotations

import io

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
    rows = tabular.read_rows(io.BytesIO(raw), "csv", required=["zone", "unit"])
    assert rows == [{"zone": "BJ-TZ", "series": "revenue", "year": "2025", "value": "5", "unit": "亿元",
                     "note": "区管委会填报"}]


def test_bytes_that_are_no_text_are_one_refusal_in_both_languages():
    with pytest.raises(DomainError) as exc:
        tabular.read_rows(io.BytesIO(b"zone,unit\n\x80\xff,x\n"), "csv", required=["zone"])
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
    assert tabular.read_rows(io.BytesIO(text.encode()), "csv", required=["score"]) == [{"score": "1"}]
