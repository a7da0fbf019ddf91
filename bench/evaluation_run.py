"""Benchmark: one zone-evaluation run through the service layer, and its pages.

Loads the evaluation demo data into a throw-away database (the Beijing zones plus a synthetic field:
--field 168 gives 170 rated zones; the GACC 2020 framework = 27 indicators + 8 bonus / penalty items
= 35 nodes; values for 2022–2025), then times, best of --repeat:
  * engine   services.compute on the gathered inputs (derive, evaluate, Monte Carlo) — no database;
  * run      services.create_run: gather inputs, compute, store results and scores, audit (one transaction);
  * verify   services.reproduce_run (recompute from the frozen inputs, compare hashes);
  * pages    the ranking page and a zone's page (server time, query count) with Django's test client.
Side-by-side ratio: run ÷ engine (what the database part costs). Prints progress lines and, as its LAST
line, one JSON object. No assertions on time.

    .venv/bin/python bench/evaluation_run.py [--db sqlite|postgres] [--field 168] [--draws 1000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import django_setup, log, maxrss_mb, pg_recreate  # noqa: E402


def best(fn, repeat: int) -> tuple[float, object]:
    times, out = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return min(times), out


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    p.add_argument("--field", type=int, default=168)
    p.add_argument("--draws", type=int, default=1000)
    p.add_argument("--repeat", type=int, default=3)
    args = p.parse_args()
    tmp = tempfile.mkdtemp(prefix="bz-bench-eval-")
    django_setup(args.db, tmp)
    try:
        run_bench(args)
    finally:
        if args.db == "postgres":
            from django.db import connections

            connections.close_all()
            pg_recreate(drop_only=True)


def run_bench(args) -> None:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from bondzone.core.domain.roles import Role
    from bondzone.core.services import create_user
    from bondzone.evaluation import demo, services
    from bondzone.evaluation.models import EvalZone, Framework

    t0 = time.perf_counter()
    demo.load_demo(random.Random(1), field_size=args.field, draws=0)
    log(f"loaded {EvalZone.objects.count()} zones in {time.perf_counter() - t0:.1f} s")
    framework = Framework.objects.get(code="gacc-2020")
    definition = services.to_domain(framework)
    params = {"aggregation": framework.aggregation, "impute": framework.impute, "class_bands": framework.class_bands}
    inputs = services.gather_inputs(framework, 2025)
    snapshot = [services.node_to_json(n) for n in definition.nodes]
    nodes = len(snapshot) - len(definition.categories())
    engine_s, (result, _) = best(lambda: services.compute(snapshot, params, inputs, args.draws, 7), args.repeat)
    log(f"engine: {len(result.zones)} rated zones x {nodes} indicators and items, {args.draws} draws: {engine_s:.3f} s")
    runs = []
    run_s, _ = best(lambda: runs.append(services.create_run(actor=services.SYSTEM, framework_id=framework.pk,
                                                           year=2025, draws=args.draws, seed=7)), args.repeat)
    log(f"create_run: {run_s:.3f} s")
    verify_s, (same, _) = best(lambda: services.reproduce_run(actor=services.SYSTEM, run_id=runs[-1].pk), args.repeat)
    log(f"reproduce_run: {verify_s:.3f} s, identical={same}")

    create_user(username="commerce", password="bench-pass-1", role=Role.COMMERCE)
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.login(username="commerce", password="bench-pass-1")
    pages = {}
    zone_id = runs[-1].results.order_by("rank_national").values_list("zone_id", flat=True)[10]
    for name, url in (("ranking", f"/evaluation/runs/{runs[-1].pk}/"),
                      ("zone", f"/evaluation/runs/{runs[-1].pk}/zones/{zone_id}/")):
        client.get(url)
        times = []
        for _ in range(5):
            with CaptureQueriesContext(connection) as q:
                t0 = time.perf_counter()
                r = client.get(url)
                times.append((time.perf_counter() - t0) * 1000)
            assert r.status_code == 200, (url, r.status_code)
        pages[name] = {"median_ms": round(statistics.median(times), 1), "queries": len(q), "bytes": len(r.content)}
        log(f"page {name}: {pages[name]}")
    out = {"bench": "evaluation_run", "db": args.db, "zones": len(result.zones), "nodes": nodes, "draws": args.draws,
           "engine_s": round(engine_s, 3), "create_run_s": round(run_s, 3), "reproduce_s": round(verify_s, 3),
           "run_over_engine": round(run_s / engine_s, 2), "identical": same, "pages": pages,
           "maxrss_mb": round(maxrss_mb(), 1), "python": platform.python_version(), "machine": platform.machine()}
    print(json.dumps(out))


if __name__ == "__main__":
    main()
