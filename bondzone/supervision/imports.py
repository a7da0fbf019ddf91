"""Import verification lists from what an enterprise's ERP exports: CSV, XLSX or JSON.

One row per list line; rows with the same `inner_no` (企业内部清单编号) form one list, whose header
columns come from its first row. All or nothing: every bad row is reported as
"row N, field: message" and nothing is written. Files are read as streams (csv, openpyxl
read-only), so a 100,000-line file does not sit in memory twice.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Iterator
from functools import lru_cache
from typing import BinaryIO

from django.utils import translation
from django.utils.translation import gettext_lazy as _

from bondzone.core import idempotency, tabular
from bondzone.core.actor import Actor
from bondzone.core.domain.errors import DomainError, Problem, problem
from bondzone.core.files import MB, read_upload
from bondzone.core.scoping import get_scoped

from .domain import trade_modes
from .domain.validation import MAX_LINES, validate_header, validate_line
from .models import AccountBook
from .services import book_info, insert_list, items_of

HEADER_COLUMNS = ("direction", "trade_mode", "list_type", "item_kind", "declaration_no", "remarks", "transport_mode",
                  "departure_country", "declaration_flag", "declaration_type", "related_book_no")
LINE_COLUMNS = ("item_no", "quantity", "unit", "legal_quantity", "second_quantity", "unit_price", "value", "currency",
                "origin_country", "destination_country", "levy_mode", "gross_weight", "net_weight", "goods_status",
                "target_status")
REQUIRED = ("inner_no", "direction", "trade_mode", "item_no", "quantity", "unit")
MAX_PROBLEMS = 1000
MAX_IMPORT_BYTES = 20 * MB  # lists of up to MAX_LINES lines each, as XLSX

# The columns' names (INV101's), for the template's headings "名称 (code)"; a heading may be the code, the
# name in either language, or both as the template writes them.
COLUMN_NAMES = {
    "inner_no": _("Enterprise internal number"), "direction": _("Import/export mark"), "trade_mode": _("Trade mode"),
    "list_type": _("List type"), "item_kind": _("Material/finished mark"), "declaration_no": _("Declaration number"),
    "remarks": _("Remarks"), "item_no": _("Record number"), "quantity": _("Declared quantity"),
    "unit": _("Declared unit"), "legal_quantity": _("Legal quantity"), "second_quantity": _("Second legal quantity"),
    "unit_price": _("Unit price"), "value": _("Total value"), "currency": _("Currency"),
    "origin_country": _("Country of origin"), "destination_country": _("Country of destination"),
    "levy_mode": _("Levy mode"), "gross_weight": _("Gross weight"), "net_weight": _("Net weight"),
    "goods_status": _("Goods status"), "target_status": _("New goods status"),
    "transport_mode": _("Transport mode"), "departure_country": _("Country of departure or arrival"),
    "declaration_flag": _("Declared to customs"), "declaration_type": _("Declaration type"),
    "related_book_no": _("Related book number"),
}
TEMPLATE_COLUMNS = ("inner_no", *HEADER_COLUMNS, *LINE_COLUMNS)
TEMPLATE_EXAMPLE = {"inner_no": "ERP-0001", "direction": "I", "trade_mode": "5034", "list_type": "0", "item_kind": "I",
                    "item_no": "1", "quantity": "10", "unit": "007", "unit_price": "100.00", "value": "1000.00",
                    "currency": "502", "origin_country": "502", "levy_mode": "3", "goods_status": "bonded"}


def template(fmt: str) -> bytes:
    """An empty import file to fill in: every column, headed "名称 (code)" in the active language, one example row."""
    return tabular.write_rows(list(TEMPLATE_COLUMNS), [[TEMPLATE_EXAMPLE.get(c, "") for c in TEMPLATE_COLUMNS]], fmt,
                              names=COLUMN_NAMES)


def column_code(heading) -> str:
    """The column a heading names: "备案序号 (item_no)" or "item_no" -> item_no; a bare name in Chinese or English
    -> its code; anything else as it is."""
    code = tabular.header_code(heading)
    if code in COLUMN_NAMES:
        return code
    return _codes_by_name().get(str(heading or "").strip().lower(), code)


@lru_cache(maxsize=1)
def _value_names() -> dict[str, dict[str, str]]:
    """column -> {a coded value's name in Chinese or English, lower-cased: its code}."""
    from .models import GOODS_STATUS_LABELS

    names = {"direction": {"进口": "I", "进": "I", "进区": "I", "import": "I", "in": "I",
                           "出口": "E", "出": "E", "出区": "E", "export": "E", "out": "E"},
             "item_kind": {"料件": "I", "material": "I", "成品": "E", "finished": "E", "finished goods": "E"}}
    statuses: dict[str, str] = {}
    for language in ("zh-hans", "en"):
        with translation.override(language):
            statuses.update({str(label).lower(): code for code, label in GOODS_STATUS_LABELS.items()})
    statuses.update({"保税货物": "bonded", "非保税货物": "non_bonded", "口岸货物": "port"})
    names["goods_status"] = names["target_status"] = statuses
    return names


VALUE_NAMES = ("direction", "item_kind", "goods_status", "target_status")


def value_code(column: str, value):
    """A coded column's value as its code: "保税" or "bonded" -> bonded, "进口" -> I; anything else as it is
    (validation names what it does not know)."""
    if not isinstance(value, str) or not value.strip():
        return value
    return _value_names()[column].get(value.strip().lower(), value)


@lru_cache(maxsize=1)
def _codes_by_name() -> dict[str, str]:
    out = {}
    for language in ("zh-hans", "en"):
        with translation.override(language):
            out.update({str(name).lower(): code for code, name in COLUMN_NAMES.items()})
    return out


def _rows_csv(stream: BinaryIO) -> Iterator[tuple[int, dict]]:
    # UTF-8, or GBK as Excel on a Chinese Windows saves "CSV" (tabular.decoded_text)
    records = csv.reader(io.StringIO(tabular.decoded_text(stream.read()), newline=""))
    header = next(records, [])
    for row_no, values in enumerate(records, start=2):  # a record spanning lines (a quoted newline) is one row
        if any(v.strip() for v in values):
            yield row_no, {h: (values[i] if i < len(values) else "") for i, h in enumerate(header)}


def _rows_xlsx(stream: BinaryIO) -> Iterator[tuple[int, dict]]:
    from openpyxl import load_workbook

    wb = load_workbook(stream, read_only=True, data_only=True)
    try:
        rows = wb.worksheets[0].iter_rows(values_only=True)
        header = [str(c).strip() if c is not None else "" for c in next(rows, [])]
        for row_no, values in enumerate(rows, start=2):
            if values is None or all(v is None or v == "" for v in values):
                continue
            yield row_no, {h: ("" if v is None else v) for h, v in zip(header, values, strict=False) if h}
    finally:
        wb.close()


def _rows_json(stream: BinaryIO) -> Iterator[tuple[int, dict]]:
    data = json.load(stream)
    if isinstance(data, dict):
        data = data.get("rows", data.get("lines"))
    if not isinstance(data, list):
        raise ValueError("expected a list of row objects (or {\"rows\": [...]})")
    for row_no, row in enumerate(data, start=2):  # numbered as the same rows under a header row in a sheet
        if not isinstance(row, dict):
            raise ValueError("every row must be an object")
        yield row_no, row


READERS = {"csv": _rows_csv, "xlsx": _rows_xlsx, "json": _rows_json}


def guess_format(filename: str) -> str:
    return filename.rsplit(".", 1)[-1].lower() if "." in filename else ""


def _row_problem(row_no: int, p: Problem) -> Problem:
    return problem(f"row {row_no}", "row", row=row_no, field=p.field, inner_code=p.code, inner_params=p.params)


def parse(book: AccountBook, stream: BinaryIO, fmt: str, items: dict | None = None, *, name: str = ""):
    """Validate every row (against `items`, the book's items as read by items_of); return [(header, lines)] per
    list, or raise DomainError with every bad row. A column that is none of TEMPLATE_COLUMNS is refused (a
    misspelt `unit_prise` would lose its data), naming the file `name` when it cannot be read at all."""
    if fmt not in READERS:
        raise DomainError(problem("format", "unknown_format", value=fmt))
    info = book_info(book)
    if items is None:
        items, _ = items_of(book)
    groups: dict[str, dict] = {}
    problems: list[Problem] = []
    total = 0
    columns_checked = False
    heading_codes: dict = {}  # a file's headings are read as codes once, not on every row
    try:
        for row_no, raw in READERS[fmt](stream):
            row = {}
            new_codes = []
            for k, v in raw.items():
                if k is not None:
                    code = heading_codes.get(k)
                    if code is None:
                        code = heading_codes[k] = column_code(k)
                        new_codes.append(code)
                    row[code] = v
            if new_codes and (refusal := tabular.unknown_columns(new_codes, TEMPLATE_COLUMNS)) is not None:
                raise refusal
            row.update({c: value_code(c, row[c]) for c in VALUE_NAMES if c in row})
            if not columns_checked:
                missing = [c for c in REQUIRED if c not in row]
                if missing:
                    raise DomainError(problem("file", "missing_columns", columns=", ".join(missing)))
                columns_checked = True
            inner_no = str(row.get("inner_no") or "").strip()
            if not inner_no:
                problems.append(_row_problem(row_no, problem("inner_no", "required")))
                continue
            group = groups.get(inner_no)
            if group is None:
                header, header_problems = validate_header({**row, "inner_no": inner_no}, info)
                problems += [_row_problem(row_no, p) for p in header_problems]
                group = groups[inner_no] = {"header": header, "first_row": row_no, "first": row, "lines": [], "rows": []}
            else:
                for col in HEADER_COLUMNS:
                    if str(row.get(col) or "").strip() != str(group["first"].get(col) or "").strip():
                        problems.append(_row_problem(row_no, problem(
                            col, "header_differs", first=group["first_row"], list=inner_no)))
            seq = len(group["lines"]) + 1
            kind = group["header"].item_kind if group["header"] else None
            line, line_problems = validate_line(row, seq, items, info, kind, "")
            problems += [_row_problem(row_no, p) for p in line_problems]
            if line is not None:
                group["lines"].append(line)
                group["rows"].append(row_no)
            total += 1
            if len(problems) >= MAX_PROBLEMS:
                break
    except DomainError:
        raise
    except Exception as exc:  # csv, json and openpyxl (its own zoo of errors on a corrupt file) alike
        raise tabular.unreadable(name, fmt, exc) from None
    if total == 0 and not problems:
        raise DomainError(problem("file", "file_empty"))
    for inner_no, g in groups.items():
        if g["header"] is not None:
            row_of = dict(zip((ln.seq for ln in g["lines"]), g["rows"], strict=True))
            problems += [_row_problem(row_of.get(p.params.get("line"), g["first_row"]),
                                      Problem(p.field.split("].")[-1], p.code, p.params))
                         for p in trade_modes.check(g["header"], g["lines"], info, items)]
        if len(g["lines"]) > MAX_LINES:
            problems.append(problem(f"inner_no {inner_no}", "too_many_lines", max=MAX_LINES, count=len(g["lines"])))
    if problems:
        raise DomainError(problems)
    return [(g["header"], g["lines"]) for g in groups.values()]


def import_lists(*, actor: Actor, book_id: int, stream: BinaryIO, fmt: str, idempotency_key: str | None,
                 name: str = "") -> list[int]:
    """Create one draft list per inner_no; returns their ids. All or nothing."""
    actor.require("supervision.add_list")
    data = read_upload(stream, MAX_IMPORT_BYTES)
    payload = {"book_id": book_id, "format": fmt, "sha256": hashlib.sha256(data).hexdigest()}

    def do() -> dict:
        book = get_scoped(AccountBook.objects.select_related("zone"), actor, book_id, action="change")
        read, _ = items_of(book)
        parsed = parse(book, io.BytesIO(data), fmt, read, name=name)
        # the items the lines name, locked FOR SHARE (services.books.share_items) and read again: a unit change
        # committed since the file was read is validated against, and a later one waits for this transaction
        named = {ln.item_no for _, lines in parsed for ln in lines}
        items, declared = items_of(book, lock=named)
        if any(items.get(n) != read.get(n) for n in named):
            parsed = parse(book, io.BytesIO(data), fmt, items, name=name)
        return {"list_ids": [insert_list(actor, book, h, lines, declared).pk for h, lines in parsed]}

    result, _ = idempotency.run(actor, idempotency_key, "list.import", payload, do)
    return result["list_ids"]
