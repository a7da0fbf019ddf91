"""Benchmark: posting 50-line verification lists through the service layer vs a raw-SQL floor.

Service side: `supervision.services.approve_list` (idempotency.run → lock list → date checks →
ledger.post → list status → audit row) on lists created and submitted through the services
beforehand (not timed). Floor side: the same database work without Django — psycopg 3 (PostgreSQL) or
sqlite3 directly — per list: lock the balance rows in id order (`SELECT … ORDER BY id FOR UPDATE`;
on SQLite `BEGIN IMMEDIATE` is the lock), one guarded `UPDATE … WHERE id = ? AND posted + ? >= reserved`
per account (rowcount checked), one multi-row INSERT of the entries, COMMIT. The floor works on the
SAME tables (supervision_stockaccount / supervision_stockentry, with their indexes, FKs, CHECKs and
append-only trigger), on a second book with its own accounts and its own pre-created lists, so the two
sides never touch each other's rows. The floor does not lock or update the list header, write an
idempotency record or an audit row: it is the ledger's irreducible work.

Workload: one book per side with --items (200) items; each account is seeded by one approved inbound
list (1,000,000 units per item). Each timed list has --lines (50) distinct random items; --outbound
(0.5) of the lists are outbound with quantities 1..10, the rest inbound 1..100, so nothing can
overdraw and the lock sets overlap heavily (every list locks 50 of the same 200 rows). Rounds alternate
floor / service (--rounds 2) so both sides see the same machine load; the figures are sums.

Deadlocks: PostgreSQL's pg_stat_database.deadlocks for the bench database (delta over the run), plus
retries seen by core.idempotency (it retries 40P01/40001 silently) and by the floor.

    .venv/bin/python bench/posting_throughput.py --db postgres [--lists 400] [--workers 4]
    .venv/bin/python bench/posting_throughput.py --db sqlite   [--lists 400] [--workers 4]

PostgreSQL: creates and drops the database `bondzone_bench` (postgres://postgres@127.0.0.1:5432);
SQLite: a temp file. The LAST line of output is one JSON object. No assertions on times.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import queue
import random
import tempfile
import threading
import time
import uuid
from datetime import date, timedelta

from _common import PG_ADMIN, PG_BENCH, django_setup, log, pg_recreate  # noqa: E402

SEED_UNITS = 1_000_000


def key() -> str:
    return uuid.uuid4().hex


def build(n_items: int):
    """Zone, enterprise, an enterprise user, a customs user, two books of n_items items each."""
    from django.utils import timezone

    from bondzone.core.actor import actor_of
    from bondzone.core.domain.roles import Role
    from bondzone.core.models import Enterprise, Zone
    from bondzone.core.services import create_user
    from bondzone.supervision import services

    zone = Zone.objects.create(code="TZ", name_zh="天竺综保区", name_en="Tianzhu", customs_office_code="0110")
    ent = Enterprise.objects.create(name="企业甲", credit_code="91110000600037341L", customs_code="1101960001", zone=zone)
    owner = actor_of(create_user(username="ent", password="bench-pass-1", role=Role.ENTERPRISE, enterprise=ent))
    customs = actor_of(create_user(username="customs", password="bench-pass-1", role=Role.CUSTOMS))
    today = timezone.localdate()
    books = []
    for number in ("T0110W000001", "T0110W000002"):
        book = services.create_book(actor=customs, enterprise_id=ent.pk, number=number, kind="T",
                                    valid_from=today - timedelta(days=400), valid_until=today + timedelta(days=400))
        for item_no in range(1, n_items + 1):
            services.add_item(actor=customs, book_id=book.pk, data={
                "item_no": item_no, "hs_code": "8471300000", "name_zh": f"商品{item_no}",
                "declared_unit": "007", "legal_unit": "007", "unit_price": "10.5",
            })
        books.append(book)
    return owner, customs, books


def make_lists(owner, book, specs) -> list[int]:
    """Create and submit one list per spec (direction, [(item_no, qty)]) through the services."""
    from bondzone.supervision import services

    ids = []
    for direction, lines in specs:
        data = {"direction": direction, "trade_mode": "5034",
                "lines": [{"item_no": i, "quantity": str(q), "unit": "007", "goods_status": "bonded", "value": "1.00"}
                          for i, q in lines]}
        v = services.create_list(actor=owner, book_id=book.pk, data=data, idempotency_key=key())
        services.submit_list(actor=owner, list_id=v.pk, idempotency_key=key())
        ids.append(v.pk)
    return ids


def gen_specs(rng: random.Random, n: int, n_items: int, n_lines: int, outbound: float):
    specs = []
    for _ in range(n):
        items = rng.sample(range(1, n_items + 1), n_lines)
        if rng.random() < outbound:
            specs.append(("E", [(i, rng.randint(1, 10)) for i in items]))
        else:
            specs.append(("I", [(i, rng.randint(1, 100)) for i in items]))
    return specs


# ------------------------------------------------------------------ service side
def run_service(customs, list_ids: list[int], workers: int) -> dict:
    from django.db import connection

    from bondzone.supervision import services

    q: queue.Queue = queue.Queue()
    for lid in list_ids:
        q.put(lid)
    errors: list[str] = []

    def worker() -> None:
        try:
            while True:
                try:
                    lid = q.get_nowait()
                except queue.Empty:
                    return
                try:
                    services.approve_list(actor=customs, list_id=lid, idempotency_key=key())
                except Exception as exc:  # noqa: BLE001 - counted and reported
                    errors.append(f"{type(exc).__name__}: {exc}"[:200])
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(workers)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return {"seconds": time.perf_counter() - t0, "errors": errors}


# ------------------------------------------------------------------ floor side
def floor_jobs(list_ids: list[int]) -> list[list[tuple[int, int, int]]]:
    """Per list: [(account_id, line_id, signed_units)] read before timing (the floor knows its lines)."""
    from bondzone.supervision.models import StockAccount, VerificationList

    jobs = []
    acc = {(a.item_id, a.goods_status, a.unit): a.pk for a in StockAccount.objects.all()}
    for lid in list_ids:
        v = VerificationList.objects.get(pk=lid)
        sign = 1 if v.direction == "I" else -1
        rows = []
        for line_id, item_id, status, unit, quantity in v.lines.values_list("pk", "item_id", "goods_status", "unit",
                                                                            "quantity"):
            rows.append((acc[(item_id, status, unit)], line_id, sign * int(quantity * 100000)))
        jobs.append(rows)
    return jobs


def run_floor(db: str, sqlite_path: str | None, jobs, workers: int) -> dict:
    q: queue.Queue = queue.Queue()
    for j in jobs:
        q.put(j)
    errors: list[str] = []
    retries = [0]
    lock = threading.Lock()
    today = date.today()

    def post_pg(conn, rows) -> None:
        import psycopg

        ids = sorted({a for a, _, _ in rows})
        deltas: dict[int, int] = {}
        for a, _, d in rows:
            deltas[a] = deltas.get(a, 0) + d
        for attempt in range(3):
            try:
                with conn.transaction():
                    cur = conn.cursor()
                    cur.execute("SELECT id, posted, reserved FROM supervision_stockaccount WHERE id = ANY(%s) "
                                "ORDER BY id FOR UPDATE", (ids,))
                    if len(cur.fetchall()) != len(ids):
                        raise RuntimeError("missing account")
                    cur.executemany(
                        "UPDATE supervision_stockaccount SET posted = posted + %s WHERE id = %s AND posted + %s >= reserved",
                        [(deltas[a], a, deltas[a]) for a in ids],
                    )
                    if cur.rowcount != len(ids):
                        raise RuntimeError(f"guarded update refused ({cur.rowcount}/{len(ids)})")
                    now = time.time()
                    values = ", ".join(["(%s, %s, %s, 0, %s, to_timestamp(%s))"] * len(rows))
                    params = [v for a, line, d in rows for v in (a, line, d, today, now)]
                    cur.execute("INSERT INTO supervision_stockentry (account_id, line_id, posted_delta, reserved_delta, "
                                f"effective_date, recorded_at) VALUES {values}", params)
                return
            except (psycopg.errors.DeadlockDetected, psycopg.errors.SerializationFailure):
                with lock:
                    retries[0] += 1
        raise RuntimeError("gave up after 3 deadlocks")

    def post_sqlite(conn, rows) -> None:
        ids = sorted({a for a, _, _ in rows})
        deltas: dict[int, int] = {}
        for a, _, d in rows:
            deltas[a] = deltas.get(a, 0) + d
        conn.execute("BEGIN IMMEDIATE")
        try:
            marks = ", ".join("?" * len(ids))
            got = conn.execute(f"SELECT id, posted, reserved FROM supervision_stockaccount WHERE id IN ({marks}) "
                               "ORDER BY id", ids).fetchall()
            if len(got) != len(ids):
                raise RuntimeError("missing account")
            cur = conn.executemany(
                "UPDATE supervision_stockaccount SET posted = posted + ? WHERE id = ? AND posted + ? >= reserved",
                [(deltas[a], a, deltas[a]) for a in ids],
            )
            if cur.rowcount != len(ids):
                raise RuntimeError(f"guarded update refused ({cur.rowcount}/{len(ids)})")
            now = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime())
            values = ", ".join(["(?, ?, ?, 0, ?, ?)"] * len(rows))
            params = [v for a, line, d in rows for v in (a, line, d, today.isoformat(), now)]
            conn.execute("INSERT INTO supervision_stockentry (account_id, line_id, posted_delta, reserved_delta, "
                         f"effective_date, recorded_at) VALUES {values}", params)
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise

    def worker() -> None:
        if db == "postgres":
            import psycopg

            conn = psycopg.connect(PG_BENCH, autocommit=True)
            post = post_pg
        else:
            import sqlite3

            conn = sqlite3.connect(sqlite_path, timeout=30, isolation_level=None)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute("PRAGMA foreign_keys=ON")
            post = post_sqlite
        try:
            while True:
                try:
                    rows = q.get_nowait()
                except queue.Empty:
                    return
                try:
                    post(conn, rows)
                except Exception as exc:  # noqa: BLE001 - counted and reported
                    errors.append(f"{type(exc).__name__}: {exc}"[:200])
        finally:
            conn.close()

    threads = [threading.Thread(target=worker) for _ in range(workers)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return {"seconds": time.perf_counter() - t0, "errors": errors, "retries": retries[0]}


def pg_deadlocks() -> int:
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True) as c:
        c.execute("SELECT pg_stat_clear_snapshot()")
        return int(c.execute("SELECT deadlocks FROM pg_stat_database WHERE datname = 'bondzone_bench'").fetchone()[0])


def check_invariants() -> dict:
    """Every balance row equals the fold of its entries; none is negative."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(
            "SELECT COUNT(*) FROM supervision_stockaccount a LEFT JOIN ("
            "  SELECT account_id, SUM(posted_delta) s FROM supervision_stockentry GROUP BY account_id) e "
            "ON e.account_id = a.id WHERE a.posted <> COALESCE(e.s, 0)"
        )
        mismatched = cur.fetchone()[0]
        cur.execute("SELECT COUNT(*) FROM supervision_stockaccount WHERE posted < reserved OR posted < 0")
        negative = cur.fetchone()[0]
        cur.execute("SELECT COUNT(*) FROM supervision_stockentry")
        entries = cur.fetchone()[0]
    return {"balance_rows_not_equal_fold": mismatched, "negative_balances": negative, "entries": entries}


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--db", choices=["postgres", "sqlite"], default="postgres")
    p.add_argument("--lists", type=int, default=400, help="timed lists per side")
    p.add_argument("--lines", type=int, default=50)
    p.add_argument("--items", type=int, default=200)
    p.add_argument("--workers", type=int, default=4)
    p.add_argument("--rounds", type=int, default=2)
    p.add_argument("--outbound", type=float, default=0.5)
    p.add_argument("--seed", type=int, default=2026)
    p.add_argument("--keep", action="store_true", help="do not drop the PostgreSQL bench database")
    args = p.parse_args()

    tmp = tempfile.mkdtemp(prefix="bz-bench-post-")
    django_setup(args.db, tmp)
    from bondzone.core import idempotency
    from django.db import OperationalError, connection

    # Count the deadlocks / serialization failures core.idempotency retries silently.
    svc_retries = [0]
    svc_lock = threading.Lock()
    original_run_once = idempotency._run_once

    def counting_run_once(*a, **kw):
        try:
            return original_run_once(*a, **kw)
        except OperationalError as exc:
            if idempotency._retryable(exc):
                with svc_lock:
                    svc_retries[0] += 1
            raise

    idempotency._run_once = counting_run_once

    rng = random.Random(args.seed)
    t_setup = time.perf_counter()
    owner, customs, (book_svc, book_raw) = build(args.items)
    for book in (book_svc, book_raw):  # seed every account so outbound lists never overdraw
        from bondzone.supervision import services

        (seed_id,) = make_lists(owner, book, [("I", [(i, SEED_UNITS) for i in range(1, args.items + 1)])])
        services.approve_list(actor=customs, list_id=seed_id, idempotency_key=key())
    svc_specs = gen_specs(rng, args.lists, args.items, args.lines, args.outbound)
    raw_specs = gen_specs(rng, args.lists, args.items, args.lines, args.outbound)
    svc_ids = make_lists(owner, book_svc, svc_specs)
    raw_ids = make_lists(owner, book_raw, raw_specs)
    jobs = floor_jobs(raw_ids)
    if args.db == "postgres":
        with connection.cursor() as cur:
            cur.execute("VACUUM ANALYZE")
    sqlite_path = connection.settings_dict["NAME"] if args.db == "sqlite" else None
    connection.close()
    log(f"setup: {time.perf_counter() - t_setup:.1f} s ({args.lists} lists x {args.lines} lines per side)")

    dl0 = pg_deadlocks() if args.db == "postgres" else None
    svc = {"seconds": 0.0, "errors": []}
    raw = {"seconds": 0.0, "errors": [], "retries": 0}
    per = -(-args.lists // args.rounds)
    for r in range(args.rounds):
        sl = slice(r * per, (r + 1) * per)
        f = run_floor(args.db, sqlite_path, jobs[sl], args.workers)
        s = run_service(customs, svc_ids[sl], args.workers)
        n = len(jobs[sl]) * args.lines
        log(f"round {r + 1}: floor {n / f['seconds']:,.0f} lines/s, service {n / s['seconds']:,.0f} lines/s")
        for k in ("seconds", "errors"):
            raw[k] += f[k]
            svc[k] += s[k]
        raw["retries"] += f["retries"]
    time.sleep(0.7)  # let the statistics collector see the last transactions
    dl1 = pg_deadlocks() if args.db == "postgres" else None

    lines_total = args.lists * args.lines
    svc_rate = lines_total / svc["seconds"]
    raw_rate = lines_total / raw["seconds"]
    inv = check_invariants()
    from bondzone.supervision.models import VerificationList

    approved = VerificationList.objects.filter(pk__in=svc_ids, status="approved").count()
    connection.close()
    if args.db == "postgres" and not args.keep:
        pg_recreate(drop_only=True)

    result = {
        "bench": "posting_throughput",
        "db": args.db,
        "db_version": _db_version(args.db),
        "path": "services.approve_list (idempotency.run -> ledger.post -> audit)",
        "workers": args.workers,
        "lists_per_side": args.lists,
        "lines_per_list": args.lines,
        "items": args.items,
        "outbound_share": args.outbound,
        "rounds": args.rounds,
        "service_lines_per_s": round(svc_rate),
        "floor_lines_per_s": round(raw_rate),
        "ratio": round(svc_rate / raw_rate, 3),
        "service_lists_per_s": round(args.lists / svc["seconds"], 1),
        "floor_lists_per_s": round(args.lists / raw["seconds"], 1),
        "service_ms_per_list_per_worker": round(svc["seconds"] * 1000 * args.workers / args.lists, 2),
        "floor_ms_per_list_per_worker": round(raw["seconds"] * 1000 * args.workers / args.lists, 2),
        "pg_deadlocks": (dl1 - dl0) if dl0 is not None else None,
        "service_retries": svc_retries[0],
        "floor_retries": raw["retries"],
        "service_errors": len(svc["errors"]),
        "floor_errors": len(raw["errors"]),
        "first_errors": (svc["errors"] + raw["errors"])[:3],
        "service_lists_approved": approved,
        **inv,
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
    }
    print(json.dumps(result, ensure_ascii=False))


def _db_version(db: str) -> str:
    if db == "sqlite":
        import sqlite3

        return f"SQLite {sqlite3.sqlite_version}"
    import psycopg

    with psycopg.connect(PG_ADMIN) as c:
        return c.execute("SHOW server_version").fetchone()[0]


if __name__ == "__main__":
    main()
