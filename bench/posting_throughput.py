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
import multiprocessing
import os
import platform
import random
import tempfile
import time
import uuid
from datetime import date, timedelta

from _common import PG_ADMIN, PG_BENCH, PG_BENCH_DB, django_setup, log, pg_recreate  # noqa: E402

SEED_UNITS = 1_000_000


def key() -> str:
    return uuid.uuid4().hex


def build(n_items: int, n_books: int):
    """Zone, enterprise, an enterprise user, a customs user, n_books books of n_items items each."""
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
    for number in (f"T0110W{n:06d}" for n in range(1, n_books + 1)):
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


# ------------------------------------------------------------------ processes
# Both sides run as forked worker processes (as the service is deployed: several gunicorn / worker
# processes, each with its own connection). Each worker connects, then waits at a barrier; the clock runs
# from the barrier to the last worker's end, so process start and connection set-up are not timed.
CTX = multiprocessing.get_context("fork")


def _run_workers(target, work: list, workers: int, *args) -> dict:
    q = CTX.Queue()
    for w in work:
        q.put(w)
    for _ in range(workers):
        q.put(None)
    out = CTX.Queue()
    barrier = CTX.Barrier(workers + 1)
    procs = [CTX.Process(target=target, args=(q, out, barrier, *args)) for _ in range(workers)]
    for p in procs:
        p.start()
    barrier.wait()
    t0 = time.perf_counter()
    results = [out.get() for _ in procs]
    seconds = time.perf_counter() - t0
    for p in procs:
        p.join()
    return {"seconds": seconds, "errors": [e for r in results for e in r["errors"]],
            "retries": sum(r["retries"] for r in results), "done": sum(r["done"] for r in results)}


# ------------------------------------------------------------------ service side
def _service_worker(q, out, barrier, customs, two_stage: bool) -> None:
    from django.db import OperationalError, connection

    from bondzone.core import idempotency
    from bondzone.supervision import services

    counts = {"retries": 0, "done": 0, "errors": []}
    original_run_once = idempotency._run_once

    def counting_run_once(*a, **kw):  # core.idempotency retries deadlocks silently: count them
        try:
            return original_run_once(*a, **kw)
        except OperationalError as exc:
            if idempotency._retryable(exc):
                counts["retries"] += 1
            raise

    idempotency._run_once = counting_run_once
    connection.ensure_connection()
    barrier.wait()
    for lid in iter(q.get, None):
        try:
            services.approve_list(actor=customs, list_id=lid, idempotency_key=key())
            if two_stage:
                services.pass_goods(actor=customs, list_id=lid, event_id=key(), idempotency_key=key())
            counts["done"] += 1
        except Exception as exc:  # noqa: BLE001 - counted and reported
            counts["errors"].append(f"{type(exc).__name__}: {exc}"[:200])
    connection.close()
    out.put(counts)


def run_service(customs, list_ids: list[int], workers: int, two_stage: bool) -> dict:
    return _run_workers(_service_worker, list_ids, workers, customs, two_stage)


# ------------------------------------------------------------------ floor side
def floor_jobs(list_ids: list[int]) -> list[tuple]:
    """Per list, read before timing (the floor knows its lines): (list id, account ids sorted, net delta per
    account, and per line: account id, line id, signed delta), quantities in the stored 10^-5 units."""
    from bondzone.supervision.models import StockAccount, VerificationList

    jobs = []
    acc = {(a.item_id, a.goods_status, a.unit): a.pk for a in StockAccount.objects.all()}
    for lid in list_ids:
        v = VerificationList.objects.get(pk=lid)
        sign = 1 if v.direction == "I" else -1
        lines = [(acc[(item_id, status, unit)], line_id, sign * int(quantity * 100000))
                 for line_id, item_id, status, unit, quantity
                 in v.lines.values_list("pk", "item_id", "goods_status", "unit", "quantity")]
        net: dict[int, int] = {}
        for a, _, d in lines:
            net[a] = net.get(a, 0) + d
        ids = sorted(net)
        jobs.append((lid, ids, [net[a] for a in ids], lines))
    return jobs


# PostgreSQL, form "set": lock the balance rows in id order, one set-based guarded UPDATE, one INSERT … SELECT
# of the entries, the list's status; BEGIN … COMMIT (6 round trips).
PG_LOCK = "SELECT id FROM supervision_stockaccount WHERE id = ANY(%s) ORDER BY id FOR UPDATE"
PG_UPDATE = ("UPDATE supervision_stockaccount a SET posted = a.posted + u.d "
             "FROM unnest(%s::bigint[], %s::bigint[]) AS u(id, d) WHERE a.id = u.id AND a.posted + u.d >= a.reserved")
PG_ENTRIES = ("INSERT INTO supervision_stockentry (account_id, line_id, posted_delta, reserved_delta, effective_date, "
              "recorded_at) SELECT u.a, u.l, u.d, 0, %s, now() "
              "FROM unnest(%s::bigint[], %s::bigint[], %s::bigint[]) AS u(a, l, d)")
PG_LIST = ("UPDATE supervision_verificationlist SET status = 'approved', decided_at = now(), effective_date = %s "
           "WHERE id = %s AND status = 'submitted'")
# form "cte": the same work as ONE statement (lock in id order, guarded update, list status, entries) between
# BEGIN and COMMIT; the entries are inserted only if every account passed its guard and the list was found.
PG_ONE = """
WITH locked AS (SELECT id FROM supervision_stockaccount WHERE id = ANY(%(ids)s) ORDER BY id FOR UPDATE),
upd AS (UPDATE supervision_stockaccount a SET posted = a.posted + u.d
        FROM unnest(%(ids)s::bigint[], %(net)s::bigint[]) AS u(id, d), locked
        WHERE a.id = u.id AND locked.id = a.id AND a.posted + u.d >= a.reserved RETURNING a.id),
lst AS (UPDATE supervision_verificationlist SET status = 'approved', decided_at = now(), effective_date = %(day)s
        WHERE id = %(list)s AND status = 'submitted' RETURNING id)
INSERT INTO supervision_stockentry (account_id, line_id, posted_delta, reserved_delta, effective_date, recorded_at)
SELECT u.a, u.l, u.d, 0, %(day)s, now() FROM unnest(%(a)s::bigint[], %(l)s::bigint[], %(d)s::bigint[]) AS u(a, l, d)
WHERE (SELECT count(*) FROM upd) = %(n)s AND EXISTS (SELECT 1 FROM lst)
"""
# SQLite (no row locks: BEGIN IMMEDIATE takes the write lock), form "set": set-based guarded UPDATE … FROM
# json_each, INSERT … SELECT FROM json_each, the list's status. Form "many": executemany of one guarded
# UPDATE per account (sqlite3 loops in C over one prepared statement), one multi-row INSERT, the list.
SQ_UPDATE = ("UPDATE supervision_stockaccount AS a SET posted = a.posted + v.d FROM (SELECT "
             "json_extract(value, '$[0]') AS id, json_extract(value, '$[1]') AS d FROM json_each(?)) AS v "
             "WHERE a.id = v.id AND a.posted + v.d >= a.reserved")
SQ_ENTRIES = ("INSERT INTO supervision_stockentry (account_id, line_id, posted_delta, reserved_delta, effective_date, "
              "recorded_at) SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]'), "
              "json_extract(value, '$[2]'), 0, ?, ? FROM json_each(?)")
SQ_UPDATE_ONE = "UPDATE supervision_stockaccount SET posted = posted + ? WHERE id = ? AND posted + ? >= reserved"
SQ_LIST = ("UPDATE supervision_verificationlist SET status = 'approved', decided_at = ?, effective_date = ? "
           "WHERE id = ? AND status = 'submitted'")


class Refused(Exception):
    pass


def _post_pg(conn, form: str, job, day) -> None:
    lid, ids, net, lines = job
    a, ln, d = (list(c) for c in zip(*lines))
    with conn.transaction():
        cur = conn.cursor()
        if form == "cte":
            cur.execute(PG_ONE, {"ids": ids, "net": net, "day": day, "list": lid, "a": a, "l": ln, "d": d,
                                 "n": len(ids)})
            if cur.rowcount != len(lines):
                raise Refused(f"list {lid}: {cur.rowcount}/{len(lines)} entries")
            return
        cur.execute(PG_LOCK, (ids,))
        cur.execute(PG_UPDATE, (ids, net))
        if cur.rowcount != len(ids):
            raise Refused(f"list {lid}: guard refused ({cur.rowcount}/{len(ids)})")
        cur.execute(PG_ENTRIES, (day, a, ln, d))
        cur.execute(PG_LIST, (day, lid))
        if cur.rowcount != 1:
            raise Refused(f"list {lid} not submitted")


def _post_sqlite(conn, form: str, job, day) -> None:
    lid, ids, net, lines = job
    now = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime())
    conn.execute("BEGIN IMMEDIATE")
    try:
        if form == "set":
            cur = conn.execute(SQ_UPDATE, (json.dumps(list(zip(ids, net))),))
            if cur.rowcount != len(ids):
                raise Refused(f"list {lid}: guard refused ({cur.rowcount}/{len(ids)})")
            conn.execute(SQ_ENTRIES, (day, now, json.dumps(lines)))
        else:
            cur = conn.executemany(SQ_UPDATE_ONE, [(n, i, n) for i, n in zip(ids, net)])
            if cur.rowcount != len(ids):
                raise Refused(f"list {lid}: guard refused ({cur.rowcount}/{len(ids)})")
            values = ", ".join(["(?, ?, ?, 0, ?, ?)"] * len(lines))
            conn.execute("INSERT INTO supervision_stockentry (account_id, line_id, posted_delta, reserved_delta, "
                         f"effective_date, recorded_at) VALUES {values}",
                         [v for a, ln, d in lines for v in (a, ln, d, day, now)])
        if conn.execute(SQ_LIST, (now, day, lid)).rowcount != 1:
            raise Refused(f"list {lid} not submitted")
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise


def _floor_worker(q, out, barrier, db: str, form: str, sqlite_path: str | None) -> None:
    counts = {"retries": 0, "done": 0, "errors": []}
    if db == "postgres":
        import psycopg

        conn = psycopg.connect(PG_BENCH)
        day = date.today()
        post, retryable = _post_pg, (psycopg.errors.DeadlockDetected, psycopg.errors.SerializationFailure)
    else:
        import sqlite3

        conn = sqlite3.connect(sqlite_path, timeout=30, isolation_level=None)
        for pragma in ("journal_mode=WAL", "synchronous=NORMAL", "foreign_keys=ON"):
            conn.execute(f"PRAGMA {pragma}")
        day = date.today().isoformat()
        post, retryable = _post_sqlite, ()
    barrier.wait()
    for job in iter(q.get, None):
        for _attempt in range(3):
            try:
                post(conn, form, job, day)
                counts["done"] += 1
                break
            except retryable:
                counts["retries"] += 1
            except Exception as exc:  # noqa: BLE001 - counted and reported
                counts["errors"].append(f"{type(exc).__name__}: {exc}"[:200])
                break
    conn.close()
    out.put(counts)


def run_floor(db: str, form: str, sqlite_path: str | None, jobs, workers: int) -> dict:
    return _run_workers(_floor_worker, jobs, workers, db, form, sqlite_path)


def pg_deadlocks() -> int:
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True) as c:
        c.execute("SELECT pg_stat_clear_snapshot()")
        return int(c.execute("SELECT deadlocks FROM pg_stat_database WHERE datname = %s", (PG_BENCH_DB,)).fetchone()[0])


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


FLOOR_FORMS = {"postgres": ("set", "cte"), "sqlite": ("set", "many")}


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--db", choices=["postgres", "sqlite"], default="postgres")
    p.add_argument("--lists", type=int, default=400, help="timed lists per side")
    p.add_argument("--lines", type=int, default=50)
    p.add_argument("--items", type=int, default=200)
    p.add_argument("--workers", type=int, default=4, help="processes per side")
    p.add_argument("--rounds", type=int, default=2)
    p.add_argument("--outbound", type=float, default=0.5)
    p.add_argument("--seed", type=int, default=2026)
    p.add_argument("--keep", action="store_true", help="do not drop the PostgreSQL bench database")
    args = p.parse_args()

    tmp = tempfile.mkdtemp(prefix="bz-bench-post-")
    django_setup(args.db, tmp)
    from django.db import connection

    from bondzone.supervision import services

    forms = FLOOR_FORMS[args.db]
    two_stage = hasattr(services, "pass_goods")
    rng = random.Random(args.seed)
    t_setup = time.perf_counter()
    owner, customs, books = build(args.items, 1 + len(forms))
    for book in books:  # seed every account so outbound lists never overdraw
        (seed_id,) = make_lists(owner, book, [("I", [(i, SEED_UNITS) for i in range(1, args.items + 1)])])
        services.approve_list(actor=customs, list_id=seed_id, idempotency_key=key())
        if two_stage:
            services.pass_goods(actor=customs, list_id=seed_id, event_id=key(), idempotency_key=key())
    svc_ids = make_lists(owner, books[0], gen_specs(rng, args.lists, args.items, args.lines, args.outbound))
    floor_ids = {f: make_lists(owner, b, gen_specs(rng, args.lists, args.items, args.lines, args.outbound))
                 for f, b in zip(forms, books[1:], strict=True)}
    jobs = {f: floor_jobs(ids) for f, ids in floor_ids.items()}
    if args.db == "postgres":
        with connection.cursor() as cur:
            cur.execute("VACUUM ANALYZE")
    sqlite_path = connection.settings_dict["NAME"] if args.db == "sqlite" else None
    connection.close()  # the workers are forked: none may inherit an open connection
    log(f"setup: {time.perf_counter() - t_setup:.1f} s ({args.lists} lists x {args.lines} lines per side, "
        f"floor forms {', '.join(forms)}, two-stage {two_stage})")

    dl0 = pg_deadlocks() if args.db == "postgres" else None
    sides = {"service": [], **{f: [] for f in forms}}
    per = -(-args.lists // args.rounds)
    for r in range(args.rounds):
        sl = slice(r * per, (r + 1) * per)
        order = [*forms, "service"] if r % 2 == 0 else ["service", *reversed(forms)]
        rates = []
        for side in order:
            if side == "service":
                res = run_service(customs, svc_ids[sl], args.workers, two_stage)
            else:
                res = run_floor(args.db, side, sqlite_path, jobs[side][sl], args.workers)
            sides[side].append(res)
            rates.append(f"{side} {len(svc_ids[sl]) * args.lines / res['seconds']:,.0f}")
        log(f"round {r + 1} (lines/s): " + ", ".join(rates))
    time.sleep(0.7)  # let the statistics collector see the last transactions
    dl1 = pg_deadlocks() if args.db == "postgres" else None

    lines_total = args.lists * args.lines
    total = {side: {"seconds": sum(x["seconds"] for x in runs), "errors": [e for x in runs for e in x["errors"]],
                    "retries": sum(x["retries"] for x in runs), "done": sum(x["done"] for x in runs)}
             for side, runs in sides.items()}
    rate = {side: lines_total / t["seconds"] for side, t in total.items()}
    best = max(forms, key=lambda f: rate[f])
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
        "path": "services.approve_list" + (" + services.pass_goods" if two_stage else "")
                + f" in {args.workers} worker processes",
        "workers": args.workers,
        "lists_per_side": args.lists,
        "lines_per_list": args.lines,
        "items": args.items,
        "outbound_share": args.outbound,
        "rounds": args.rounds,
        "service_lines_per_s": round(rate["service"]),
        **{f"floor_{f}_lines_per_s": round(rate[f]) for f in forms},
        "floor": best,
        "floor_lines_per_s": round(rate[best]),
        "ratio": round(rate["service"] / rate[best], 3),
        "service_ms_per_list_per_worker": round(total["service"]["seconds"] * 1000 * args.workers / args.lists, 2),
        "floor_ms_per_list_per_worker": round(total[best]["seconds"] * 1000 * args.workers / args.lists, 2),
        "pg_deadlocks": (dl1 - dl0) if dl0 is not None else None,
        "service_retries": total["service"]["retries"],
        "floor_retries": sum(total[f]["retries"] for f in forms),
        "service_errors": len(total["service"]["errors"]),
        "floor_errors": sum(len(total[f]["errors"]) for f in forms),
        "first_errors": [e for t in total.values() for e in t["errors"]][:3],
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
