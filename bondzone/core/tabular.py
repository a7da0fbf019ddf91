"""The one tabular module: uploaded tables (CSV / XLSX / JSON, via tablib) read into rows keyed by column
code, and exports written with headings in the reader's language and the column code beside each
("状态 (status)"), which read back as the code, so an exported file can be imported again in any language; no
exported cell is one a spreadsheet would run as a formula."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import IO

import tablib
from django.http import HttpResponse

from .domain.errors import DomainError, problem
from .domain.inputs import parse_decimal

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
}


_CODED = re.compile(r"\(([A-Za-z0-9_.]+)\)\s*$")


def heading(code: str, names: Mapping[str, object] | None = None) -> str:
    """A column's heading: its name in the active language with the code beside it, or the bare code."""
    name = str((names or {}).get(code) or "")
    return f"{name} ({code})" if name and name != code else code


def header_code(text) -> str:
    """The column code of a heading: "状态 (status)" -> "status"; a bare heading lower-cased."""
    t = str(text or "").strip()
    m = _CODED.search(t)
    return (m.group(1) if m else t).lower()


def guess_format(name: str) -> str:
    return name.rsplit(".", 1)[-1].lower() if "." in name else "csv"


def cell(value) -> str:
    if value is None:
        return ""
    if hasattr(value, "date") and callable(value.date):  # XLSX datetimes
        value = value.date()
    return value.isoformat() if isinstance(value, date) else str(value).strip()


def read_rows(stream: IO[bytes], fmt: str, *, required: list[str], max_bytes: int = 2 * 1024 * 1024) -> list[dict]:
    """Rows as {header: text}; a file that is unreadable, too large, empty or missing a required column is
    one clear error (nothing has been read into the database)."""
    if fmt not in FORMATS:
        raise DomainError(problem("format", "unknown_format", value=fmt))
    raw = stream.read(max_bytes + 1)
    if len(raw) > max_bytes:
        raise DomainError(problem("file", "file_too_large", name="file", max=max(1, max_bytes // (1024 * 1024))))
    try:
        ds = tablib.Dataset().load(raw if fmt == "xlsx" else raw.decode("utf-8-sig"), format=fmt)
    except Exception as exc:  # any parser failure is the file's fault
        raise DomainError(problem("file", "file_unreadable", format=fmt, reason=str(exc)[:200])) from None
    headers = [header_code(h) for h in (ds.headers or [])]
    missing = [c for c in required if c not in headers]
    if missing:
        raise DomainError(problem("file", "missing_columns", columns=", ".join(missing)))
    rows = [{h: cell(v) for h, v in zip(headers, row)} for row in ds]
    if not rows:
        raise DomainError(problem("file", "file_empty"))
    return rows


# A cell starting with one of these is a formula to Excel / LibreOffice (OWASP "CSV injection").
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def inert(value):
    """The cell as text a spreadsheet shows rather than runs: a leading apostrophe before formula-like text;
    numbers (also negative ones, as text) stay as they are."""
    if isinstance(value, str) and value.startswith(FORMULA_START) and parse_decimal(value) is None:
        return "'" + value
    return value


def download(body: bytes, fmt: str, stem: str) -> HttpResponse:
    """An export as a file to save: `stem.fmt` with the format's content type."""
    response = HttpResponse(body, content_type=FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="{stem}.{fmt}"'
    return response


def write_rows(headers: list[str], rows: list[list], fmt: str, *, names: Mapping[str, object] | None = None) -> bytes:
    """A table in `fmt` (CSV with a BOM for Excel); with `names` (code -> name), CSV and XLSX headings are
    "name (code)" in the active language (JSON keeps the codes: it is read by programs); CSV and XLSX cells
    made inert."""
    if fmt not in FORMATS:
        raise DomainError(problem("format", "unknown_format", value=fmt))
    if fmt == "json":
        names = None
    else:
        rows = [[inert(v) for v in row] for row in rows]
    out = tablib.Dataset(*rows, headers=[heading(h, names) for h in headers]).export(fmt)
    return out.encode("utf-8-sig" if fmt == "csv" else "utf-8") if isinstance(out, str) else out
