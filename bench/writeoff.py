"""Benchmark: the period write-off (processing.services.run_writeoff) of an H book with --entries
(1,000,000) movements against its floor, one SQL GROUP BY (item, goods status) over the same entries and
period, in the same run; peak Python memory of the write-off (tracemalloc, in one more run that is not timed:
tracing slows every allocation).

The movements are generated in the database (PostgreSQL generate_series; SQLite a recursive CTE) straight
into the ledger's entry table — 200 items, source kinds list / passage / production / stocktake, dates
spread over the year — because posting a million movements through the services would take hours and is
not what is measured. On PostgreSQL the tables are then vacuumed and analysed, as autovacuum leaves an append-only
table (--no-vacuum: analysed only). Rounds alternate floor / write-off; the figures are the best of --rounds.

    .venv/bin/python bench/writeoff.py --db postgres [--entries 1000000] [--rounds 3]

PostgreSQL: creates and drops BONDZONE_BENCH_DB (default `bz_gate_wo_bench`). The LAST line of output is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import tempfile
import time
import tracemalloc
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
os.environ.setdefault("BONDZONE_BENCH_DB", "bz_gate_wo_bench")
from _common import django_setup, log, pg_recreate  # noqa: E402

ITEMS = 200


def build(entries: int, start: date, vacuum: bool = True):
    from bondzone.core.actor import actor_of
    from bondzone.core.domain.roles import Role
    from bondzone.core.models import Enterprise, Zone
    from bondzone.core.services import create_user
    from bondzone.supervision import services as ledger
    from django.db import connection

    zone = Zone.objects.create(code="TZ", name_zh="天竺综保区", name_en="Tianzhu", customs_office_code="0110")
    ent = Enterprise.objects.create(name="企业甲", credit_code="91110000600037341L", customs_code="1101960001", zone=zone)
    owner = actor_of(create_user(username="ent", password="x", role=Role.ENTERPRISE, enterprise=ent))
    customs = actor_of(create_user(username="customs", password="x", role=Role.CUSTOMS))
    book = ledger.create_book(actor=customs, enterprise_id=ent.pk, number="H01101000001", kind="H",
                              valid_from=start - timedelta(days=400), valid_until=start + timedelta(days=800))
    for n in range(1, ITEMS + 1):
        ledger.add_item(actor=customs, book_id=book.pk, data={"item_no": n, "kind": "I" if n <= ITEMS // 2 else "E",
                                                              "hs_code": "7408110000", "name_zh": f"商品{n}",
                                                              "declared_unit": "035", "legal_unit": "035"})
    with connection.cursor() as cur:
        cur.execute(
            "INSERT INTO supervision_stockaccount (book_id, item_id, goods_status, unit, enterprise_id, zone_id, "
            "posted, reserved, incoming) SELECT %s, id, 'bonded', '035', %s, %s, 0, 0, 0 "
            "FROM supervision_bookitem WHERE book_id = %s",
            [book.pk, ent.pk, zone.pk, book.pk])
        cur.execute("SELECT MIN(id) FROM supervision_stockaccount WHERE book_id = %s", [book.pk])
        first = cur.fetchone()[0]
        kinds = ("CASE WHEN g %% 10 < 4 THEN 'list' WHEN g %% 10 < 6 THEN 'passage' WHEN g %% 10 < 9 "
                 "THEN 'production' ELSE 'stocktake' END")
        delta = "((g %% 7) - 3 + CASE WHEN g %% 7 = 3 THEN 1 ELSE 0 END) * 100000"
        if connection.vendor == "postgresql":
            cur.execute(
                f"INSERT INTO supervision_stockentry (account_id, kind, source_kind, source_id, source_line, "
                f"posted_delta, reserved_delta, incoming_delta, effective_date, recorded_at) "
                f"SELECT %s + (g %% {ITEMS}), 'direct', {kinds}, g / 50, 1, {delta}, 0, 0, "
                f"%s::date + (g %% 365), now() FROM generate_series(1, %s) g",
                [first, start, entries])
        else:
            cur.execute(
                f"WITH RECURSIVE s(g) AS (SELECT 1 UNION ALL SELECT g + 1 FROM s WHERE g < %s) "
                f"INSERT INTO supervision_stockentry (account_id, kind, source_kind, source_id, source_line, "
                f"posted_delta, reserved_delta, incoming_delta, effective_date, recorded_at) "
                f"SELECT %s + (g %% {ITEMS}), 'direct', {kinds}, g / 50, 1, {delta}, 0, 0, "
                f"date(%s, '+' || (g %% 365) || ' days'), datetime('now') FROM s",
                [entries, first, start.isoformat()])
        if connection.vendor == "postgresql":
            # every table the queries read: with the accounts unanalysed (a server without autovacuum) the
            # planner expected 3 accounts and had the floor sort the movements on disk. VACUUM as autovacuum does
            # an append-only table after inserts: pages all-visible, so an index can answer without the table
            # (a write-off reads a past period); --no-vacuum measures the movements just loaded
            cur.execute(("VACUUM (ANALYZE) " if vacuum else "ANALYZE ")
                        + "supervision_stockentry, supervision_stockaccount, supervision_bookitem")
    return book, owner


def floor(book_id: int, start: date, end: date) -> float:
    from django.db import connection

    t0 = time.perf_counter()
    with connection.cursor() as cur:
        cur.execute(
            "SELECT a.item_id, a.goods_status, SUM(e.posted_delta) FROM supervision_stockentry e "
            "JOIN supervision_stockaccount a ON a.id = e.account_id "
            "WHERE a.book_id = %s AND e.effective_date >= %s AND e.effective_date <= %s "
            "GROUP BY a.item_id, a.goods_status", [book_id, start, end])
        rows = cur.fetchall()
    assert rows
    return time.perf_counter() - t0


def writeoff(owner, book_id: int, start: date, end: date, *, traced: bool = False) -> tuple[float, int, int]:
    """(seconds, peak Python bytes or 0, snapshot rows) of one write-off. tracemalloc slows every allocation, so
    a traced run measures the memory only; the timed runs are not traced."""
    from bondzone.processing import services
    from bondzone.processing.models import WriteOff

    job = services.request_writeoff(actor=owner, book_id=book_id, period_start=start.isoformat(),
                                    period_end=end.isoformat(), background=False)
    if traced:
        tracemalloc.start()
    t0 = time.perf_counter()
    assert services.run_writeoff(job.pk)
    elapsed = time.perf_counter() - t0
    peak = tracemalloc.get_traced_memory()[1] if traced else 0
    tracemalloc.stop()
    job = WriteOff.objects.get(pk=job.pk)
    assert job.status == "done", job.error
    return elapsed, peak, job.rows


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", choices=["postgres", "sqlite"], default="postgres")
    ap.add_argument("--entries", type=int, default=1_000_000)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--no-vacuum", dest="vacuum", action="store_false",
                    help="PostgreSQL: ANALYZE only after loading (no VACUUM: the pages are not yet all-visible)")
    args = ap.parse_args()
    django_setup(args.db, tempfile.mkdtemp())
    start = date.today().replace(month=1, day=1) - timedelta(days=366)
    t0 = time.perf_counter()
    book, owner = build(args.entries, start, vacuum=args.vacuum)
    log(f"built {args.entries} entries in {time.perf_counter() - t0:.1f} s")
    # the period: the year after the first 30 days (so there is an opening balance too)
    p_start, p_end = start + timedelta(days=30), start + timedelta(days=364)
    floors, runs, rows = [], [], 0
    for r in range(args.rounds):
        floors.append(floor(book.pk, p_start, p_end))
        elapsed, _, rows = writeoff(owner, book.pk, p_start, p_end)
        runs.append(elapsed)
        log(f"round {r + 1}: floor {floors[-1] * 1000:.0f} ms, write-off {elapsed * 1000:.0f} ms")
    _, peak, _ = writeoff(owner, book.pk, p_start, p_end, traced=True)
    log(f"traced write-off: peak {peak / 2**20:.1f} MiB")
    from django.db import connections

    connections.close_all()
    if args.db == "postgres":
        pg_recreate(drop_only=True)
    best_floor, best_run = min(floors), min(runs)
    print(json.dumps({
        "bench": "writeoff", "db": args.db, "entries": args.entries, "rows": rows, "vacuumed": args.vacuum,
        "machine": f"{platform.machine()} {os.cpu_count()} cpu",
        "floor_group_by_s": round(best_floor, 3), "writeoff_s": round(best_run, 3),
        "ratio": round(best_run / best_floor, 2), "ratios": [round(w / f, 2) for f, w in zip(floors, runs)],
        "peak_python_mib": round(peak / 2**20, 2), "loadavg": Path("/proc/loadavg").read_text().split()[:3],
    }))


if __name__ == "__main__":
    main()
