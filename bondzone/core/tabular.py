"""Reading an uploaded table (CSV / XLSX / JSON, via tablib) into rows keyed by lower-case header names."""

from __future__ import annotations

from datetime import date
from typing import IO

import tablib

from .domain.errors import DomainError, problem

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
}


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
    headers = [str(h or "").strip().lower() for h in (ds.headers or [])]
    missing = [c for c in required if c not in headers]
    if missing:
        raise DomainError(problem("file", "missing_columns", columns=", ".join(missing)))
    rows = [{h: cell(v) for h, v in zip(headers, row)} for row in ds]
    if not rows:
        raise DomainError(problem("file", "file_empty"))
    return rows


def write_rows(headers: list[str], rows: list[list], fmt: str) -> bytes:
    if fmt not in FORMATS:
        raise DomainError(problem("format", "unknown_format", value=fmt))
    out = tablib.Dataset(*rows, headers=headers).export(fmt)
    return out.encode("utf-8-sig" if fmt == "csv" else "utf-8") if isinstance(out, str) else out
