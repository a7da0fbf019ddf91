"""Benchmark: importing a 100,000-line verification-list file through imports.import_lists.

Builds a throw-away database (SQLite temp file by default, or PostgreSQL `bondzone_bench`, created and
dropped), one book with --items (200) items, and writes a CSV (or XLSX) file of --lines (100,000) rows
in a temp dir, split into --lists lists by inner_no (default 1: one list of 100,000 lines, the
largest the validation allows). Then times one `imports.import_lists(...)` call (read + validate every
row + insert the draft list(s) and their lines + audit, in one transaction) as the enterprise user.

Memory: ru_maxrss of this process (the peak resident set since it started, so it includes Django
and the setup) before and after the import; the import is the only large thing the process does.

    .venv/bin/python bench/import_lines.py [--format csv|xlsx] [--db sqlite|postgres] [--lines 100000]

The LAST line of output is one JSON object. No assertions on times or memory.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import random
import tempfile
import time
import uuid
from datetime import timedelta
from pathlib import Path

from _common import django_setup, log, maxrss_mb, pg_recreate  # noqa: E402

COLUMNS = ["inner_no", "direction", "trade_mode", "list_type", "item_kind", "declaration_no", "remarks",
           "item_no", "quantity", "unit", "value", "currency", "goods_status"]


def rows(n_lines: int, n_lists: int, n_items: int, rng: random.Random):
    per = -(-n_lines // n_lists)
    for i in range(n_lines):
        yield ["ERP-%06d" % (i // per + 1), "I", "5034", "0", "I", "", "bench import",
               rng.randint(1, n_items), str(rng.randint(1, 999)), "007", "12.50", "142", "bonded"]


def write_file(path: Path, fmt: str, n_lines: int, n_lists: int, n_items: int) -> None:
    rng = random.Random(7)
    if fmt == "csv":
        with path.open("w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow(COLUMNS)
            w.writerows(rows(n_lines, n_lists, n_items, rng))
    else:
        from openpyxl import Workbook

        wb = Workbook(write_only=True)
        ws = wb.create_sheet()
        ws.append(COLUMNS)
        for r in rows(n_lines, n_lists, n_items, rng):
            ws.append(r)
        wb.save(path)


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--format", choices=["csv", "xlsx"], default="csv")
    p.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    p.add_argument("--lines", type=int, default=100_000)
    p.add_argument("--lists", type=int, default=1)
    p.add_argument("--items", type=int, default=200)
    args = p.parse_args()

    tmp = tempfile.mkdtemp(prefix="bz-bench-imp-")
    django_setup(args.db, tmp)
    from django.db import connection
    from django.utils import timezone

    from bondzone.core.actor import actor_of
    from bondzone.core.domain.roles import Role
    from bondzone.core.models import Enterprise, Zone
    from bondzone.core.services import create_user
    from bondzone.supervision import imports, services
    from bondzone.supervision.models import VerificationListLine

    zone = Zone.objects.create(code="TZ", name_zh="天竺综保区", name_en="Tianzhu", customs_office_code="0110")
    ent = Enterprise.objects.create(name="企业甲", credit_code="91110000600037341L", customs_code="1101960001", zone=zone)
    owner = actor_of(create_user(username="ent", password="bench-pass-1", role=Role.ENTERPRISE, enterprise=ent))
    customs = actor_of(create_user(username="customs", password="bench-pass-1", role=Role.CUSTOMS))
    today = timezone.localdate()
    book = services.create_book(actor=customs, enterprise_id=ent.pk, number="T0110W000001", kind="T",
                                valid_from=today - timedelta(days=400), valid_until=today + timedelta(days=400))
    for i in range(1, args.items + 1):
        services.add_item(actor=customs, book_id=book.pk, data={
            "item_no": i, "hs_code": "8471300000", "name_zh": f"商品{i}", "declared_unit": "007",
            "legal_unit": "007", "unit_price": "10.5"})

    path = Path(tmp) / f"lists.{args.format}"
    t = time.perf_counter()
    write_file(path, args.format, args.lines, args.lists, args.items)
    log(f"wrote {path.stat().st_size / 1e6:.1f} MB {args.format} in {time.perf_counter() - t:.1f} s")

    rss_before = maxrss_mb()
    t = time.perf_counter()
    with path.open("rb") as f:
        list_ids = imports.import_lists(actor=owner, book_id=book.pk, stream=f, fmt=args.format,
                                        idempotency_key=uuid.uuid4().hex)
    seconds = time.perf_counter() - t
    rss_after = maxrss_mb()
    lines_in_db = VerificationListLine.objects.filter(vlist_id__in=list_ids).count()
    size_mb = path.stat().st_size / 1e6
    connection.close()
    if args.db == "postgres":
        pg_recreate(drop_only=True)

    print(json.dumps({
        "bench": "import_lines",
        "db": args.db,
        "format": args.format,
        "file_mb": round(size_mb, 1),
        "lines": args.lines,
        "lists": len(list_ids),
        "lines_in_db": lines_in_db,
        "seconds": round(seconds, 2),
        "lines_per_s": round(args.lines / seconds),
        "maxrss_mb_before": round(rss_before, 1),
        "maxrss_mb_peak": round(rss_after, 1),
        "maxrss_mb_growth": round(rss_after - rss_before, 1),
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
    }))


if __name__ == "__main__":
    main()
