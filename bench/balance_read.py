"""Benchmark: reading an account's balance with 1,000,000 entries vs with 10.

Builds a throw-away database (PostgreSQL `bondzone_bench`, created and dropped; or a SQLite temp file),
one book with two items, and generates with set-based SQL (PostgreSQL `INSERT … SELECT generate_series`,
SQLite a recursive CTE): approved list headers of 1,000 lines each, their lines, and one entry per
line — --big entries (1,000,000) on the "big" account, --small (10) on the "small" one. Every entry
references a real list line (FK), and each balance row is set to the fold of its entries (checked).

Timed: `selectors.account(actor, account_id)` — the scoped balance read (StockAccount row with item,
book, enterprise; `selectors.movements` starts with it) — as the enterprise user, --reps times per
account, interleaved big/small, after a warm-up; median and p95 in microseconds; ratio = big / small.
For context (not the goal) also the first page of `selectors.movements` (the account page and
GET /api/v1/accounts/{id}/movements), --movement-reps times: it counts the account's entries.

    .venv/bin/python bench/balance_read.py --db postgres [--big 1000000] [--reps 2000]
    .venv/bin/python bench/balance_read.py --db sqlite

The LAST line of output is one JSON object. No assertions on times.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import tempfile
import time
from datetime import timedelta

from _common import django_setup, log, pg_recreate  # noqa: E402

PER_LIST = 1000
QTY_UNITS = 100_000  # 1.00000 per entry


def generate(db: str, book, account_id: int, item_id: int, n: int, user_id: int, tag: str) -> None:
    """n entries on one account, each on its own line of approved lists of PER_LIST lines; set-based."""
    from django.db import connection

    n_lists = -(-n // PER_LIST)
    with connection.cursor() as cur:
        if db == "postgres":
            series_lists = "generate_series(1, %s) AS g(i)"
            series_lines = "generate_series(1, %s) AS g(i)"
            prefix = ""
        else:
            prefix = "WITH RECURSIVE g(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM g WHERE i < %s) "
            series_lists = series_lines = "g"
        now = "CURRENT_TIMESTAMP"
        # list headers: numbers BL<tag><i>, effective dates spread over the past year
        cur.execute(
            prefix + "INSERT INTO supervision_verificationlist (number, pre_entry_no, book_id, enterprise_id, zone_id, "
            "direction, trade_mode, list_type, item_kind, declaration_no, inner_no, remarks, status, posting_state, "
            "change_count, related_no, changes_status, line_count, created_by_id, created_at, submitted_at, "
            "decided_at, decided_by_id, effective_date, reject_reason) "
            f"SELECT 'BL{tag}' || i, 'BL{tag}' || i, %s, %s, %s, 'I', '5034', '0', 'I', '', '', '', 'approved', "
            f"'posted', 0, '', FALSE, %s, %s, {now}, {now}, {now}, %s, %s, '' FROM {series_lists}",
            [n_lists, book.pk, book.enterprise_id, book.zone_id, PER_LIST, user_id, user_id, book.valid_from]
            if db == "sqlite" else
            [book.pk, book.enterprise_id, book.zone_id, PER_LIST, user_id, user_id, book.valid_from, n_lists],
        )
        cur.execute(f"SELECT MIN(id) FROM supervision_verificationlist WHERE number LIKE 'BL{tag}%%'")
        first_list = cur.fetchone()[0]
        div = "/" if db == "sqlite" else "/"
        cur.execute(
            prefix + "INSERT INTO supervision_verificationlistline (vlist_id, seq, item_id, quantity, unit, "
            "book_quantity, book_unit, value, currency, goods_status, target_status, unit_price, origin_country, "
            "destination_country, levy_mode, reverses_id) "
            f"SELECT %s + (i - 1) {div} {PER_LIST}, (i - 1) %% {PER_LIST} + 1, %s, {QTY_UNITS}, '007', {QTY_UNITS}, "
            f"'007', 1, '142', 'bonded', '', 0, '', '', '', NULL FROM {series_lines}",
            [n, first_list, item_id] if db == "sqlite" else [first_list, item_id, n],
        )
        cur.execute(
            "INSERT INTO supervision_stockentry (account_id, kind, source_kind, source_id, source_line, "
            "posted_delta, reserved_delta, incoming_delta, effective_date, recorded_at) "
            f"SELECT %s, 'direct', 'list', v.id, l.seq, l.quantity, 0, 0, v.effective_date, {now} "
            "FROM supervision_verificationlistline l "
            "JOIN supervision_verificationlist v ON v.id = l.vlist_id "
            f"WHERE v.number LIKE 'BL{tag}%%' ORDER BY l.id",
            [account_id],
        )
        cur.execute(
            "UPDATE supervision_stockaccount SET posted = "
            "(SELECT COALESCE(SUM(posted_delta), 0) FROM supervision_stockentry WHERE account_id = %s) WHERE id = %s",
            [account_id, account_id],
        )


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--db", choices=["postgres", "sqlite"], default="postgres")
    p.add_argument("--big", type=int, default=1_000_000)
    p.add_argument("--small", type=int, default=10)
    p.add_argument("--reps", type=int, default=2000)
    p.add_argument("--movement-reps", type=int, default=20)
    args = p.parse_args()

    tmp = tempfile.mkdtemp(prefix="bz-bench-bal-")
    django_setup(args.db, tmp)
    from django.db import connection, transaction
    from django.utils import timezone

    from bondzone.core.actor import actor_of
    from bondzone.core.domain.roles import Role
    from bondzone.core.models import Enterprise, Zone
    from bondzone.core.services import create_user
    from bondzone.supervision import selectors, services
    from bondzone.supervision.models import StockAccount

    zone = Zone.objects.create(code="TZ", name_zh="天竺综保区", name_en="Tianzhu", customs_office_code="0110")
    ent = Enterprise.objects.create(name="企业甲", credit_code="91110000600037341L", customs_code="1101960001", zone=zone)
    owner = actor_of(create_user(username="ent", password="bench-pass-1", role=Role.ENTERPRISE, enterprise=ent))
    customs = actor_of(create_user(username="customs", password="bench-pass-1", role=Role.CUSTOMS))
    today = timezone.localdate()
    book = services.create_book(actor=customs, enterprise_id=ent.pk, number="T0110W000001", kind="T",
                                valid_from=today - timedelta(days=400), valid_until=today + timedelta(days=400))
    items = [services.add_item(actor=customs, book_id=book.pk, data={
        "item_no": i, "hs_code": "8471300000", "name_zh": f"商品{i}", "declared_unit": "007", "legal_unit": "007",
        "unit_price": "10.5"}) for i in (1, 2)]
    accs = [StockAccount.objects.create(book=book, item=it, goods_status="bonded", unit="007", enterprise=ent,
                                        zone=zone) for it in items]

    t0 = time.perf_counter()
    with transaction.atomic():
        generate(args.db, book, accs[0].pk, items[0].pk, args.big, customs.user_id, "B")
        generate(args.db, book, accs[1].pk, items[1].pk, args.small, customs.user_id, "S")
    gen_s = time.perf_counter() - t0
    with connection.cursor() as cur:
        cur.execute("VACUUM ANALYZE" if args.db == "postgres" else "ANALYZE")
        counts = {}
        for a in accs:
            cur.execute("SELECT COUNT(*), COALESCE(SUM(posted_delta), 0) FROM supervision_stockentry WHERE account_id = %s",
                        [a.pk])
            n, total = cur.fetchone()
            cur.execute("SELECT posted FROM supervision_stockaccount WHERE id = %s", [a.pk])
            counts[a.pk] = {"entries": int(n), "fold_equals_balance": int(total) == int(cur.fetchone()[0])}
    log(f"generated {args.big + args.small:,} entries (+ lines and lists) in {gen_s:.1f} s: {counts}")

    big, small = accs
    for _ in range(200):  # warm-up
        selectors.account(owner, big.pk)
        selectors.account(owner, small.pk)
    times = {big.pk: [], small.pk: []}
    for _ in range(args.reps):
        for a in (big, small):
            t = time.perf_counter()
            acc = selectors.account(owner, a.pk)
            _ = (acc.posted, acc.available, acc.item.item_no, acc.book.number)
            times[a.pk].append(time.perf_counter() - t)
    # For context, not the goal: the account page / movements API (selectors.movements, first page of 50),
    # which also counts the account's entries.
    mtimes = {big.pk: [], small.pk: []}
    for _ in range(args.movement_reps):
        for a in (big, small):
            t = time.perf_counter()
            _, rows, total, _ = selectors.movements(owner, a.pk, limit=50)
            mtimes[a.pk].append(time.perf_counter() - t)
    mmed = {k: statistics.median(v) * 1e3 for k, v in mtimes.items()}
    med = {k: statistics.median(v) * 1e6 for k, v in times.items()}
    p95 = {k: sorted(v)[int(len(v) * 0.95)] * 1e6 for k, v in times.items()}
    balance_big = selectors.account(owner, big.pk).posted
    connection.close()
    if args.db == "postgres":
        pg_recreate(drop_only=True)

    print(json.dumps({
        "bench": "balance_read",
        "db": args.db,
        "read": "selectors.account(enterprise actor, id)",
        "entries_big": counts[big.pk]["entries"],
        "entries_small": counts[small.pk]["entries"],
        "fold_equals_balance": all(c["fold_equals_balance"] for c in counts.values()),
        "balance_big": str(balance_big),
        "generate_s": round(gen_s, 1),
        "reps": args.reps,
        "median_us_big": round(med[big.pk], 1),
        "median_us_small": round(med[small.pk], 1),
        "p95_us_big": round(p95[big.pk], 1),
        "p95_us_small": round(p95[small.pk], 1),
        "ratio": round(med[big.pk] / med[small.pk], 3),
        "movements_page_reps": args.movement_reps,
        "movements_page_median_ms_big": round(mmed[big.pk], 2),
        "movements_page_median_ms_small": round(mmed[small.pk], 2),
        "movements_page_ratio": round(mmed[big.pk] / mmed[small.pk], 1),
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
    }))


if __name__ == "__main__":
    main()
