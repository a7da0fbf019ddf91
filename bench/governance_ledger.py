"""Benchmark: the governance ledger page (/governance/) with 2,000 tasks.

Builds a throw-away SQLite database in a temp directory, loads the seed policy, adds tasks up to
--tasks (three levels, lead and co-units, zones, due dates so every light occurs), then renders the
ledger page as the ledger office with Django's test client. Prints progress lines and, as its LAST
line, one JSON object: server time per request (median / min / max, ms), query count, rows, bytes.

    .venv/bin/python bench/governance_ledger.py [--tasks 2000] [--runs 7]
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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tasks", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()

    tmp = tempfile.mkdtemp(prefix="bz-bench-gov-")
    os.environ["BONDZONE_DATABASE_URL"] = f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bondzone.settings")
    os.environ["BONDZONE_FAST_PASSWORDS"] = "1"
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    settings.MEDIA_ROOT = str(Path(tmp) / "media")
    call_command("migrate", verbosity=0)

    from bondzone.core.actor import actor_of
    from bondzone.core.domain.roles import Role
    from bondzone.core.models import Zone
    from bondzone.core.services import create_user
    from bondzone.governance import services
    from bondzone.governance.models import Task, Unit, UnitMember

    rng = random.Random(2021)
    zones = [Zone.objects.create(code=c, name_zh=c, name_en=c) for c in ("TZ", "DX", "ZGC", "YZ")]
    user = create_user(username="commerce", password="bench-pass-1", role=Role.COMMERCE)
    services.load_policy(actor=services.SYSTEM, text=settings.BONDZONE_SEED_POLICY.read_text(encoding="utf-8"))
    units = list(Unit.objects.all())
    UnitMember.objects.create(user=user, unit=units[0], is_leader=True)
    today = timezone.localdate()
    roots = list(Task.objects.filter(children__isnull=True))
    t0 = time.perf_counter()
    made, level = Task.objects.count(), roots
    while made < args.tasks:
        batch = []
        for parent in level:
            for i in range(rng.randint(2, 4)):
                if made + len(batch) >= args.tasks:
                    break
                batch.append(Task(parent=parent, position=i + 1, code=f"{parent.code}.{i + 1}"[:40],
                                  title=f"子任务 {parent.code}.{i + 1}", lead_unit=rng.choice(units), source="manual",
                                  start_date=today - timedelta(days=rng.randint(30, 300)),
                                  due_date=today + timedelta(days=rng.randint(-30, 200)),
                                  progress=Decimal(rng.randint(0, 100)), status="in_progress", year=today.year))
        if not batch:
            break
        level = Task.objects.bulk_create(batch, batch_size=500)
        made += len(level)
    through_u, through_z = Task.co_units.through, Task.zones.through
    all_ids = list(Task.objects.values_list("pk", flat=True))
    through_u.objects.bulk_create([through_u(task_id=t, unit_id=u.pk) for t in all_ids
                                   for u in rng.sample(units, 2)], batch_size=1000, ignore_conflicts=True)
    through_z.objects.bulk_create([through_z(task_id=t, zone_id=rng.choice(zones).pk) for t in all_ids],
                                  batch_size=1000, ignore_conflicts=True)
    print(f"built {len(all_ids)} tasks in {time.perf_counter() - t0:.1f}s", flush=True)

    client = Client()
    client.force_login(user)
    actor_of(user)
    response = client.get("/governance/")  # warm-up (templates, calendar cache)
    assert response.status_code == 200, response.status_code
    times, queries, size = [], 0, 0
    for _ in range(args.runs):
        with CaptureQueriesContext(connection) as ctx:
            start = time.perf_counter()
            response = client.get("/governance/")
            times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200
        queries, size = len(ctx.captured_queries), len(response.content)
    rows = response.content.decode().count("data-task=")
    print(f"runs: {', '.join(f'{t:.0f}' for t in times)} ms", flush=True)
    print(json.dumps({
        "benchmark": "governance_ledger", "page": "/governance/", "tasks": len(all_ids), "rows_rendered": rows,
        "runs": args.runs, "median_ms": round(statistics.median(times), 1), "min_ms": round(min(times), 1),
        "max_ms": round(max(times), 1), "queries": queries, "bytes": size, "database": "sqlite (temp file)",
        "python": platform.python_version(), "machine": platform.machine(), "cpus": os.cpu_count(),
        "date": timezone.now().isoformat(timespec="seconds"),
    }, ensure_ascii=False))


if __name__ == "__main__":
    main()
