"""The one tabular module: uploaded tables (CSV / XLSX / JSON, via tablib) read into rows keyed by column
code, and exports written with headings in the reader's language and the column code beside each
("状态 (status)"), which read back as the code, so an exported file can be imported again in any language; no
exported cell is one a spreadsheet would run as a formula.

An export whose figures are partly synthetic (demo) or rest on assumptions carries `notes` saying which and
why (`Note`), and may carry further small tables (`Sheet`): in CSV as leading lines starting with "#"
(skipped on import), in XLSX as a notes sheet and one sheet per table after the data sheet, in JSON as an
object {"synthetic": …, "notes": […], "rows": […], <sheet key>: […]} instead of a bare list of rows."""

from __future__ import annotations

import csv
import io
import json
import logging
import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import IO

import tablib
from django.http import HttpResponse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import labels
from .domain.errors import DomainError, problem
from .domain.inputs import parse_decimal
from .files import read_upload
from .messages import CODED_PARAMS

log = logging.getLogger(__name__)

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
}

# what a file of each format must be, said when a file cannot be read as its format (file_unreadable)
labels.register("table_format", {
    "csv": gettext_lazy("CSV text (UTF-8 or GBK), the column headings in the first line, the values separated by commas"),
    "xlsx": gettext_lazy("an Excel workbook (.xlsx), the column headings in the first row of the first sheet"),
    "json": gettext_lazy("a JSON list of objects, one per row, keyed by column"),
})
CODED_PARAMS["file_unreadable"] = {"expected": "table_format"}


def unreadable(name: str, fmt: str, exc: BaseException) -> DomainError:
    """The refusal of a file its parser could not read: the file and what it should be, in the reader's language;
    the parser's own (English) text goes to the log only."""
    log.info("%s could not be read as %s: %s: %s", name, fmt, type(exc).__name__, str(exc)[:500])
    return DomainError(problem("file", "file_unreadable", name=name or _("The file"), format=fmt.upper(),
                               expected=fmt))


def unknown_columns(headers: Collection[str], known: Collection[str]) -> DomainError | None:
    """Columns a file carries that the import does not know (a misspelt heading would lose its data): the
    refusal naming them and the known ones, or None."""
    unknown = [h for h in dict.fromkeys(headers) if h and h not in known]
    if not unknown:
        return None
    return DomainError(problem("file", "unknown_columns", columns=", ".join(unknown), known=", ".join(known)))


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


def read_rows(stream: IO[bytes], fmt: str, *, required: Sequence[str], known: Sequence[str] | None, name: str = "",
              max_bytes: int = 2 * 1024 * 1024) -> list[dict]:
    """Rows as {header: text}; a file (`name`, for the refusals) that is unreadable, too large, empty, missing a
    required column or carrying one outside `known` is one clear error (nothing has been read into the database).
    Every import names its `known` columns (those it reads, and those its own export writes, so an export imports
    again): a misspelt heading is refused instead of losing its data; None (reading back an export whole, not an
    import) takes any column. Pass the upload itself (Django's UploadedFile), not its `.file`: its declared size
    refuses a file over `max_bytes` before it is read."""
    if fmt not in FORMATS:
        raise DomainError(problem("format", "unknown_format", value=fmt))
    raw = read_upload(stream, max_bytes)
    body = raw if fmt == "xlsx" else decoded_text(raw)
    try:
        ds = tablib.Dataset().load(body if fmt == "xlsx" else _without_notes(body, fmt), format=fmt)
    except Exception as exc:  # any parser failure is the file's fault
        raise unreadable(name, fmt, exc) from None
    headers = [header_code(h) for h in (ds.headers or [])]
    missing = [c for c in required if c not in headers]
    if missing:
        raise DomainError(problem("file", "missing_columns", columns=", ".join(missing)))
    if known is not None and (refusal := unknown_columns(
            headers, [*required, *(c for c in known if c not in required)])) is not None:
        raise refusal
    rows = [{h: cell(v) for h, v in zip(headers, row)} for row in ds]
    if not rows:
        raise DomainError(problem("file", "file_empty"))
    return rows


def decoded_text(raw: bytes) -> str:
    """A CSV or JSON file's text: UTF-8 (with or without a byte order mark), else GB18030 — which reads GBK and
    GB2312, what Excel on a Chinese Windows saves as "CSV"; bytes that are neither are one refusal."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise DomainError(problem("file", "file_not_text", position=exc.start)) from None


def _without_notes(text: str, fmt: str) -> str:
    """The rows of an exported file without its notes: CSV without the leading "#" lines, JSON's "rows"."""
    if fmt == "csv":
        lines = text.splitlines(keepends=True)
        while lines and lines[0].lstrip('"').startswith(NOTE_MARK):
            lines.pop(0)
        return "".join(lines)
    if fmt == "json" and text.lstrip().startswith("{"):
        body = json.loads(text)
        if isinstance(body, dict) and isinstance(body.get("rows"), list):
            return json.dumps(body["rows"])
    return text


NOTE_MARK = "#"


@dataclass(frozen=True)
class Note:
    """A sentence an export carries about its figures: `kind` "synthetic" (made up for the demo) or
    "assumed" (rests on a choice no source fixes), `text` in the reader's language with the reason, and
    for programs the `subject` and the `codes` (rows, columns, nodes) it concerns."""

    kind: str
    text: str
    subject: str = ""
    codes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Sheet:
    """A small table travelling with an export (its own XLSX sheet, a JSON field, "#" lines in CSV)."""

    key: str
    title: str
    headers: list[str]
    rows: list[list]
    names: Mapping[str, object] | None = field(default=None)


NOTE_HEADERS = ["kind", "subject", "codes", "text"]


def _note_kind(kind: str) -> str:
    return {"synthetic": _("Synthetic data"), "assumed": _("Assumed")}.get(kind, kind)


def _note_names() -> dict:
    return {"kind": _("Kind of note"), "subject": _("Subject"), "codes": _("Concerns"), "text": _("Note")}


def _one_line(text: object) -> str:
    return " ".join(str(text).split())


def _comment_lines(notes: Sequence[Note], sheets: Sequence[Sheet]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for n in notes:
        writer.writerow([f"{NOTE_MARK} {_note_kind(n.kind)}: {_one_line(n.text)}"])
    for sh in sheets:
        writer.writerow([f"{NOTE_MARK} {_one_line(sh.title)}"])
        for row in sh.rows:
            writer.writerow([f"{NOTE_MARK}   " + "; ".join(
                f"{heading(h, sh.names)} {_one_line(v)}" for h, v in zip(sh.headers, row))])
    return out.getvalue()


# A cell starting with one of these is a formula to Excel / LibreOffice (OWASP "CSV injection").
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def inert(value):
    """The cell as text a spreadsheet shows rather than runs: a leading apostrophe before formula-like text;
    finite numbers (also negative ones, as text) stay as they are ("-inf" or "-nan" are words to a spreadsheet,
    run as a formula)."""
    if isinstance(value, Promise):  # a lazy translation is text too
        value = str(value)
    if isinstance(value, str) and value.startswith(FORMULA_START):
        number = parse_decimal(value)
        if number is None or not number.is_finite():
            return "'" + value
    return value


def _headings(codes: Sequence[str], names: Mapping[str, object] | None) -> list:
    """The headings of a CSV / XLSX table, inert: a name may be a user's (an evaluation category's)."""
    return [inert(heading(h, names)) for h in codes]


def download(body: bytes, fmt: str, stem: str) -> HttpResponse:
    """An export as a file to save: `stem.fmt` with the format's content type."""
    response = HttpResponse(body, content_type=FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="{stem}.{fmt}"'
    return response


def write_rows(headers: list[str], rows: list[list], fmt: str, *, names: Mapping[str, object] | None = None,
               notes: Sequence[Note] | None = None, sheets: Sequence[Sheet] = ()) -> bytes:
    """A table in `fmt` (CSV with a BOM for Excel); with `names` (code -> name), CSV and XLSX headings are
    "name (code)" in the active language (JSON keeps the codes: it is read by programs); CSV and XLSX cells
    made inert. With `notes` (even none) or `sheets` the file says which figures are synthetic or assumed
    (see the module doc); without, it is the bare table."""
    if fmt not in FORMATS:
        raise DomainError(problem("format", "unknown_format", value=fmt))
    annotated = notes is not None or bool(sheets)
    notes = list(notes or ())
    if fmt == "json":
        data = tablib.Dataset(*rows, headers=headers).export("json")
        if not annotated:
            return data.encode("utf-8")
        body = {"synthetic": any(n.kind == "synthetic" for n in notes),
                "notes": [{"kind": n.kind, "subject": n.subject, "codes": list(n.codes), "text": str(n.text)}
                          for n in notes],
                "rows": json.loads(data)}
        for sh in sheets:
            body[sh.key] = [dict(zip(sh.headers, row)) for row in sh.rows]
        return json.dumps(body, ensure_ascii=False, default=str).encode("utf-8")
    rows = [[inert(v) for v in row] for row in rows]
    table = tablib.Dataset(*rows, headers=_headings(headers, names))
    if fmt == "csv":
        return ((_comment_lines(notes, sheets) if annotated else "") + table.export("csv")).encode("utf-8-sig")
    if not annotated:
        return table.export(fmt)
    table.title = _("Data")
    note_rows = [[_note_kind(n.kind), n.subject, ", ".join(n.codes), str(n.text)] for n in notes]
    book = [table, tablib.Dataset(*[[inert(v) for v in r] for r in note_rows],
                                  headers=_headings(NOTE_HEADERS, _note_names()), title=_("Notes"))]
    for sh in sheets:
        book.append(tablib.Dataset(*[[inert(v) for v in r] for r in sh.rows],
                                   headers=_headings(sh.headers, sh.names), title=str(sh.title)[:31]))
    return tablib.Databook(book).export("xlsx")
