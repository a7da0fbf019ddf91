"""Benchmark: the service-request rates dashboard (/services/rates/) over 100,000 requests.

Builds a throw-away database (SQLite temp file, or PostgreSQL `bondzone_bench` with --db postgres),
bulk-inserts --requests synthetic requests (4 zones, 12 units, 8 categories, 18 months, every stage),
then renders the dashboard as the commerce bureau (grouped by unit, zone, category and month) with
Django's test client, and — as the floor — runs the same counts as ONE hand-written SQL GROUP BY over
the table (no ORM, no scoping, no template). Prints progress lines and, as its LAST line, one JSON
object: server time per page (median / min / max, ms), query count, the floor (ms) and the ratio.

    .venv/bin/python bench/servicedesk_rates.py [--requests 100000] [--runs 5] [--db sqlite|postgres]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import django_setup, log, pg_recreate  # noqa: E402

FLOOR_SQL = """
SELECT lead_unit_id, COUNT(*),
       SUM(CASE WHEN dispatched_at IS NOT NULL THEN 1 ELSE 0 END),
       SUM(CASE WHEN signed_on_time THEN 1 ELSE 0 END),
       SUM(CASE WHEN replied_at IS NOT NULL THEN 1 ELSE 0 END),
       SUM(CASE WHEN replied_on_time THEN 1 ELSE 0 END),
       SUM(CASE WHEN satisfaction <> '' THEN 1 ELSE 0 END),
       SUM(CASE WHEN satisfaction IN ('satisfied', 'basically') THEN 1 ELSE 0 END),
       SUM(CASE WHEN satisfaction <> '' AND solved THEN 1 ELSE 0 END),
       SUM(CASE WHEN replied_at IS NOT NULL THEN handling_days ELSE 0 END)
FROM servicedesk_servicerequest GROUP BY lead_unit_id
"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="bz-bench-sd-")
    django_setup(args.db, tmp)

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from bondzone.core.domain.roles import Role
    from bondzone.core.models import Enterprise, Zone
    from bondzone.core.services import create_user
    from bondzone.governance.models import Unit
    from bondzone.servicedesk.models import Category, ServiceRequest

    rng = random.Random(14)
    zones = [Zone.objects.create(code=c, name_zh=c, name_en=c) for c in ("TZ", "DX", "ZGC", "YZ")]
    ents = [Enterprise.objects.create(name=f"企业{i}", credit_code=f"X{i:017d}", customs_code=f"{i:010d}",
                                      zone=zones[i % 4]) for i in range(40)]
    units = [Unit.objects.create(name=f"单位{i}", kind="other") for i in range(12)]
    cats = [Category.objects.create(code=f"c{i}", name=f"类别{i}", default_unit=units[i]) for i in range(8)]
    create_user(username="commerce", password="bench-pass-1", role=Role.COMMERCE)
    now = timezone.now()
    t0 = time.perf_counter()
    batch = []
    for n in range(args.requests):
        ent = ents[n % len(ents)]
        submitted = now - timedelta(days=rng.randint(0, 540), minutes=rng.randint(0, 1440))
        stage = rng.randint(0, 5)
        replied = submitted + timedelta(days=rng.randint(0, 10)) if stage >= 3 else None
        rated = stage >= 4
        batch.append(ServiceRequest(
            number=f"SR{n:012d}", enterprise=ent, zone_id=ent.zone_id, category=cats[n % 8], kind="help",
            title="t", description="d", status=["dispatched", "signed", "in_progress", "replied", "closed",
                                                 "closed"][stage],
            lead_unit=units[rng.randrange(12)], submitted_at=submitted, dispatched_at=submitted,
            signed_at=submitted + timedelta(hours=3) if stage >= 1 else None, replied_at=replied,
            closed_at=replied if rated else None, due_at=submitted + timedelta(days=9),
            signed_on_time=(rng.random() < 0.9) if stage >= 1 else None,
            replied_on_time=(replied <= submitted + timedelta(days=9)) if replied else None,
            handling_days=Decimal(rng.randint(10, 900)) / 100 if replied else None,
            satisfaction=rng.choice(["satisfied", "satisfied", "basically", "unsatisfied"]) if rated else "",
            solved=(rng.random() < 0.85) if rated else None))
        if len(batch) == 5000:
            ServiceRequest.objects.bulk_create(batch)
            batch = []
    ServiceRequest.objects.bulk_create(batch)
    if args.db == "postgres":
        with connection.cursor() as cur:
            cur.execute("ANALYZE")
    log(f"inserted {ServiceRequest.objects.count()} requests in {time.perf_counter() - t0:.1f} s")

    client = Client()
    assert client.login(username="commerce", password="bench-pass-1")
    pages = {}
    for by in ("unit", "zone", "category", "month"):
        times, queries, size = [], 0, 0
        for _ in range(args.runs):
            with CaptureQueriesContext(connection) as ctx:
                t = time.perf_counter()
                response = client.get(f"/services/rates/?by={by}")
                times.append((time.perf_counter() - t) * 1000)
            assert response.status_code == 200, response.status_code
            queries, size = len(ctx.captured_queries), len(response.content)
        pages[by] = {"median_ms": round(statistics.median(times), 1), "min_ms": round(min(times), 1),
                     "max_ms": round(max(times), 1), "queries": queries, "bytes": size}
        log(f"by={by}: {pages[by]}")
    floor = []
    for _ in range(args.runs):
        with connection.cursor() as cur:
            t = time.perf_counter()
            cur.execute(FLOOR_SQL)
            cur.fetchall()
            floor.append((time.perf_counter() - t) * 1000)
    floor_ms = round(statistics.median(floor), 1)
    log(f"floor (one GROUP BY in SQL): {floor_ms} ms")
    result = {"bench": "servicedesk_rates", "db": args.db, "requests": args.requests, "pages": pages,
              "floor_ms": floor_ms,
              "ratio_unit_page_to_floor": round(pages["unit"]["median_ms"] / floor_ms, 1) if floor_ms else None,
              "python": platform.python_version(), "cpus": os.cpu_count()}
    if args.db == "postgres":
        connection.close()
        pg_recreate(drop_only=True)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
