"""Reading uploaded tables (CSV / XLSX / JSON via tablib) into rows of strings keyed by lower-case header.

The one reader every importer of small reference files uses (evaluation values, duty rate tables);
the verification-list importer streams its 100,000-line files itself (supervision.imports)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import IO

import tablib

from .domain.errors import DomainError, problem

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
}
MAX_IMPORT_BYTES = 20 * 1024 * 1024


def guess_format(name: str) -> str:
    return name.rsplit(".", 1)[-1].lower() if "." in name else "csv"


def read_rows(stream: IO[bytes], fmt: str, required: Sequence[str]) -> list[dict[str, str]]:
    """Every row as {column: stripped text}; a bad file, missing columns or no rows is a clear error."""
    if fmt not in FORMATS:
        raise DomainError(problem("format", "unknown_format", value=fmt))
    raw = stream.read(MAX_IMPORT_BYTES + 1)
    if len(raw) > MAX_IMPORT_BYTES:
        raise DomainError(problem("file", "file_too_large", name="file", max=MAX_IMPORT_BYTES // (1024 * 1024)))
    try:
        if fmt == "xlsx":
            ds = tablib.Dataset().load(raw, format="xlsx")
        else:
            ds = tablib.Dataset().load(raw.decode("utf-8-sig"), format=fmt)
    except Exception as exc:  # any parser failure is the file's fault
        raise DomainError(problem("file", "file_unreadable", format=fmt, reason=str(exc)[:200])) from None
    headers = [str(h or "").strip().lower() for h in (ds.headers or [])]
    missing = [c for c in required if c not in headers]
    if missing:
        raise DomainError(problem("file", "missing_columns", columns=", ".join(missing)))
    rows = [{h: ("" if v is None else str(v).strip()) for h, v in zip(headers, row)} for row in ds]
    if not rows:
        raise DomainError(problem("file", "file_empty"))
    return rows
