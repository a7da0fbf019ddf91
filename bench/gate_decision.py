"""Benchmark: the gate decision (POST /api/v1/gate/events) under 8 concurrent clients against the
production server (gunicorn, several worker processes) beside a trivial endpoint of the same server
(GET /api/v1/me with the same bearer token: authentication + one profile read), in the same run.

Workload: one zone with one gate; --lists outbound verification lists (one line each) approved, so their
goods are reserved; each list carries --slips-per-list 一票多车 slips of quantity 1, approved. Every
timed gate event is a new event id for a plate whose slip is approved: the decision locks the plate's
slips, decides, records the passage and posts its share through the ledger (reserved → posted) in one
transaction. Before the rounds, --warmup untimed requests of each endpoint (the gate's with plates of their
own) warm every worker alike; their slowest is reported apart. Rounds alternate trivial / gate so both see the
same machine load. Queries per decision are counted in-process (CaptureQueriesContext) on one more pass
of a fresh slip.

    .venv/bin/python bench/gate_decision.py --db postgres [--workers 4] [--clients 8] [--conn-max-age 60] [--spread]
                                            [--rate R] [--floor]

By default the clients run a closed loop (each sends again as soon as it is answered): on this project's 2-core
machines that saturates the cores, and the latency measures queueing for them. With --rate R the clients send R
requests a second in all, each when it is due, and a latency counts from when its request was due.

With --floor a third endpoint joins the rounds: GET /favicon.ico, the server's cheapest answer (every middleware
and a redirect view, no authentication, no database); what any request of this server costs under the same load.

The server runs with the documented production setting BONDZONE_DB_CONN_MAX_AGE=60 (each worker keeps its
database connection); --conn-max-age 0 measures a connection per request.

PostgreSQL: creates and drops BONDZONE_BENCH_DB (default `bz_gate_bench`); SQLite: a temp file (gunicorn workers then
queue on SQLite's one writer). The LAST line of output is one JSON object. No assertions on times.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
os.environ.setdefault("BONDZONE_BENCH_DB", "bz_gate_bench")
from _common import PG_BENCH, django_setup, log, pg_recreate  # noqa: E402


def setup_django(db: str, tmp: str) -> str:
    django_setup(db, tmp)
    return PG_BENCH if db == "postgres" else os.environ["BONDZONE_DATABASE_URL"]


def key() -> str:
    return uuid.uuid4().hex


def build(lists: int, per_list: int, spread: bool = False):
    """Zone, enterprise, T book with one item, outbound lists reserved, 一票多车 slips approved. With
    `spread`, each list moves an item of its own and the plates alternate between the lists, so concurrent
    decisions rarely share a list, reservation or account row (the lock contention taken out)."""
    from django.utils import timezone

    from bondzone.core.actor import actor_of
    from bondzone.core.domain.roles import Role
    from bondzone.core.models import Enterprise, Zone
    from bondzone.core.services import create_user
    from bondzone.gate import services as gate
    from bondzone.supervision import services as ledger

    zone = Zone.objects.create(code="TZ", name_zh="天竺综保区", name_en="Tianzhu", customs_office_code="0110")
    ent = Enterprise.objects.create(name="企业甲", credit_code="91110000600037341L", customs_code="1101960001", zone=zone)
    owner = actor_of(create_user(username="ent", password="x", role=Role.ENTERPRISE, enterprise=ent))
    customs = actor_of(create_user(username="customs", password="x", role=Role.CUSTOMS))
    today = timezone.localdate()
    book = ledger.create_book(actor=customs, enterprise_id=ent.pk, number="T0110W000001", kind="T",
                              valid_from=today - timedelta(days=30), valid_until=today + timedelta(days=365))
    items = range(1, lists + 1) if spread else (1,)
    for item_no in items:
        ledger.add_item(actor=customs, book_id=book.pk, data={
            "item_no": item_no, "hs_code": "8471300001", "name_zh": f"商品{item_no}", "declared_unit": "007",
            "legal_unit": "007"})

    def approved_list(direction: str, qty: int, item_no: int = 1):
        data = {"direction": direction, "trade_mode": "5034",
                "lines": [{"item_no": item_no, "quantity": str(qty), "unit": "007", "value": "1.00"}]}
        v = ledger.create_list(actor=owner, book_id=book.pk, data=data, idempotency_key=key())
        ledger.submit_list(actor=owner, list_id=v.pk, idempotency_key=key())
        v = ledger.approve_list(actor=customs, list_id=v.pk, idempotency_key=key())
        if v.posting_state not in ("posted",) and direction == "I":
            ledger.pass_goods(actor=customs, list_id=v.pk, event_id=key(), idempotency_key=key())
        return v

    for item_no in items:
        approved_list("I", lists * per_list * 2, item_no)
    gate_row = gate.create_gate(actor=customs, zone_id=zone.pk, code="G1", name="bench gate")
    token = gate.issue_gate_token(actor=customs, gate_id=gate_row.pk)
    plates = []
    n = 0
    for i in range(lists):
        v = approved_list("E", per_list, i + 1 if spread else 1)
        for _ in range(per_list):
            n += 1
            plate = f"京A{n:05d}"
            slip = gate.apply_slip(actor=owner, data={
                "slip_type": "2", "binding": "3", "direction": "E", "plate": plate, "vehicle_wt": "8000",
                "total_gross_wt": "10", "lists": [v.pk], "lines": [{"seq": 1, "quantity": "1"}]},
                idempotency_key=key())
            gate.approve_slip(actor=customs, slip_id=slip.pk, idempotency_key=key(), draw=None)
            plates.append(plate)
    if spread:  # list 1's first slip, list 2's first, …, then each list's second, …
        plates = [plates[i * per_list + j] for j in range(per_list) for i in range(lists)]
    return token, plates, gate_row


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def hammer(port: int, token: str, requests: list[tuple[str, str, bytes | None]], clients: int,
           rate: float | None = None, ok: int = 200) -> tuple[list[float], int]:
    """Send the requests from `clients` threads (new connection each: gunicorn's sync workers close them).
    Closed loop (rate None): each client sends its next request when the last is answered, so the clients keep the
    server saturated. Open loop (`rate` requests a second in all): the k-th request is due at k / rate; a free
    client sends it then, and its latency counts from when it was due, so a client that falls behind does not
    hide the wait (no coordinated omission)."""
    lock = threading.Lock()
    todo = list(requests)
    times: list[float] = []
    errors = [0]
    sent = [0]
    start = time.perf_counter() + 0.05

    def worker():
        while True:
            with lock:
                if not todo:
                    return
                method, path, body = todo.pop()
                due = start + sent[0] / rate if rate else None
                sent[0] += 1
            if due is not None:
                time.sleep(max(0.0, due - time.perf_counter()))
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
            t0 = due if due is not None else time.perf_counter()
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            response.read()
            elapsed = time.perf_counter() - t0
            conn.close()
            with lock:
                times.append(elapsed * 1000)
                if response.status != ok:
                    errors[0] += 1

    threads = [threading.Thread(target=worker) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return times, errors[0]


def autovacuum_runs(db: str) -> int:
    """Autovacuum and autoanalyze passes the server has counted so far on the bench database's tables (they
    compete for the cores during the timed rounds; a fresh database's small tables reach their thresholds soon)."""
    if db != "postgres":
        return 0
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SELECT pg_stat_clear_snapshot()")
        cur.execute("SELECT COALESCE(SUM(autovacuum_count + autoanalyze_count), 0) FROM pg_stat_user_tables")
        return int(cur.fetchone()[0])


FLOOR_PATH = "/favicon.ico"


def gate_event(plate: str) -> tuple[str, str, bytes]:
    return ("POST", "/api/v1/gate/events", json.dumps({
        "event_id": key(), "plate": plate, "direction": "E", "weighbridge_kg": "8010"}).encode())


def queries_per_decision(gate_row, plate: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from bondzone.core.actor import actor_of
    from bondzone.gate import services as gate

    with CaptureQueriesContext(connection) as ctx:
        answer, _ = gate.report_passage(actor=actor_of(gate_row.user), data={
            "event_id": key(), "plate": plate, "direction": "E", "weighbridge_kg": "8010"})
    assert answer["outcome"] == "pass", answer
    return len(ctx.captured_queries)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", choices=["postgres", "sqlite"], default="postgres")
    ap.add_argument("--lists", type=int, default=20)
    ap.add_argument("--slips-per-list", type=int, default=41)
    ap.add_argument("--workers", type=int, default=4)
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--rate", type=float, default=None,
                    help="open loop: this many requests a second from all clients together (default: closed loop, "
                         "each client sends as soon as its last request is answered)")
    ap.add_argument("--spread", action="store_true",
                    help="each list its own item and the plates alternating between lists (no shared rows)")
    ap.add_argument("--warmup", type=int, default=32,
                    help="untimed requests of each endpoint before the rounds (the gate's use plates of their own)")
    ap.add_argument("--floor", action="store_true",
                    help=f"a third endpoint in the same rounds: {FLOOR_PATH}, the server's cheapest answer (every "
                         "middleware and a redirect view; no authentication, no database)")
    ap.add_argument("--port", type=int, default=8137)
    ap.add_argument("--conn-max-age", type=int, default=60,
                    help="BONDZONE_DB_CONN_MAX_AGE of the server (docs/configuration.md, Production: 60; 0 = a "
                         "database connection per request)")
    args = ap.parse_args()
    tmp = tempfile.mkdtemp()
    url = setup_django(args.db, tmp)
    log(f"building {args.lists} lists × {args.slips_per_list} slips …")
    token, plates, gate_row = build(args.lists, args.slips_per_list, args.spread)
    if args.db == "postgres":
        # as autovacuum leaves the tables the build wrote (otherwise its passes over them, and the plans they
        # change, fall in the timed rounds); the rounds' own writes may still start some (counted in the JSON)
        from django.db import connection

        with connection.cursor() as cur:
            cur.execute("VACUUM (ANALYZE)")
    spare = plates.pop()  # for the in-process query count
    warm_plates = plates[-args.warmup:] if args.warmup else []
    del plates[len(plates) - len(warm_plates):]
    env = {**os.environ, "BONDZONE_DATABASE_URL": url, "BONDZONE_DEBUG": "0", "BONDZONE_ALLOWED_HOSTS": "127.0.0.1",
           "BONDZONE_SECRET_KEY": "bench-" + key(), "BONDZONE_DB_CONN_MAX_AGE": str(args.conn_max_age)}
    server = subprocess.Popen([str(Path(sys.executable).parent / "gunicorn"), "bondzone.wsgi", "-w", str(args.workers),
                               "-b", f"127.0.0.1:{args.port}", "--log-level", "warning"], cwd=ROOT, env=env)
    try:
        for _ in range(100):
            try:
                conn = http.client.HTTPConnection("127.0.0.1", args.port, timeout=2)
                conn.request("GET", "/api/v1/me", headers={"Authorization": f"Bearer {token}"})
                if conn.getresponse().status == 200:
                    break
            except OSError:
                time.sleep(0.2)
        # both endpoints warmed alike before the timed rounds: each worker's first gate decision pays what the
        # first /me does not (its modules, its tables in the backend's catalog caches, its statements prepared);
        # those untimed latencies are reported apart
        warm_trivial, _ = hammer(args.port, token, [("GET", "/api/v1/me", None)] * len(warm_plates), args.clients)
        warm_gate, _ = hammer(args.port, token, [gate_event(p) for p in warm_plates], args.clients)
        load_start = Path("/proc/loadavg").read_text().split()[:3]
        maintenance_start = autovacuum_runs(args.db)
        per_round = len(plates) // args.rounds
        trivial_ms, gate_ms, floor_ms, errors = [], [], [], 0
        for r in range(args.rounds):
            batch = plates[r * per_round:(r + 1) * per_round]
            if args.floor:
                t, e = hammer(args.port, token, [("GET", FLOOR_PATH, None)] * len(batch), args.clients, args.rate, ok=301)
                floor_ms += t
                errors += e
            t, e = hammer(args.port, token, [("GET", "/api/v1/me", None)] * len(batch), args.clients, args.rate)
            trivial_ms += t
            errors += e
            t, e = hammer(args.port, token, [gate_event(p) for p in batch], args.clients, args.rate)
            gate_ms += t
            errors += e
            log(f"round {r + 1}: trivial p99 {percentile(trivial_ms, 99):.1f} ms, gate p99 {percentile(gate_ms, 99):.1f} ms")
        maintenance = autovacuum_runs(args.db) - maintenance_start
    finally:
        server.terminate()
        server.wait(timeout=20)
    from bondzone.gate.models import Passage

    passed = Passage.objects.filter(outcome="pass", posted=True).count()
    queries = queries_per_decision(gate_row, spare)
    from django.db import connections

    connections.close_all()
    if args.db == "postgres":
        pg_recreate(drop_only=True)

    def summary(ms):
        return {"n": len(ms), "p50_ms": round(percentile(ms, 50), 2), "p95_ms": round(percentile(ms, 95), 2),
                "p99_ms": round(percentile(ms, 99), 2), "mean_ms": round(statistics.fmean(ms), 2)}

    gate_s, trivial_s = summary(gate_ms), summary(trivial_ms)
    print(json.dumps({
        "bench": "gate_decision", "db": args.db, "workers": args.workers, "clients": args.clients, "rate_per_s": args.rate,
        "spread": args.spread,
        "conn_max_age": args.conn_max_age, "loadavg_start": load_start,
        "loadavg_end": Path("/proc/loadavg").read_text().split()[:3],
        "machine": f"{platform.machine()} {os.cpu_count()} cpu", "gate": gate_s, "trivial": trivial_s,
        "p99_ratio": round(gate_s["p99_ms"] / trivial_s["p99_ms"], 2), "p50_ratio": round(gate_s["p50_ms"] / trivial_s["p50_ms"], 2),
        "floor": summary(floor_ms) if floor_ms else None,
        "warmup": {"n": len(warm_plates), "gate_max_ms": round(max(warm_gate, default=0), 2),
                   "trivial_max_ms": round(max(warm_trivial, default=0), 2)},
        "autovacuum_runs_during_rounds": maintenance,
        "queries_per_decision": queries, "passages_posted": passed, "http_errors": errors,
    }))


if __name__ == "__main__":
    main()
