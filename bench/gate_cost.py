"""Benchmark: what one gate decision costs beside the trivial endpoint, in-process and one request at a time
(no HTTP server, no concurrency): the CPU of this process (Python) and of its PostgreSQL backend per request,
and the backend's CPU per statement. bench/gate_decision.py measures the latency under 8 clients; under
saturation its p99 ratio follows the ratio of these costs, so this says where a decision's cost lies.

Same workload as gate_decision.py (its `build`): each timed gate event is a new event for a plate whose
slip is approved, decided and posted. Requests go through the WSGI application with every middleware,
authenticated by the gate's bearer token, alternating rounds of GET /api/v1/me and POST /api/v1/gate/events.

    .venv/bin/python bench/gate_cost.py [--requests 300] [--rounds 3]

PostgreSQL only (the backend's CPU is read from /proc/<backend pid>/stat: PostgreSQL on this machine, readable by
this user). Statements are timed by a Django execute wrapper: BEGIN is sent with the first statement of a
transaction and counted in it; COMMIT and the per-request rest are the total less the statements. Creates and
drops BONDZONE_BENCH_DB (default `bz_gate_cost`). The LAST line of output is one JSON object. No assertions.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

os.environ.setdefault("BONDZONE_BENCH_DB", "bz_gate_cost")
os.environ.setdefault("BONDZONE_DB_CONN_MAX_AGE", "60")  # the production setting (docs/configuration.md)
os.environ["BONDZONE_DEBUG"] = "0"
os.environ["BONDZONE_ALLOWED_HOSTS"] = "127.0.0.1"
from _common import log, pg_recreate  # noqa: E402
from gate_decision import build, gate_event, setup_django  # noqa: E402

TICKS = os.sysconf("SC_CLK_TCK")


def backend_cpu(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def statement_name(sql: str) -> str:
    words = " ".join(sql.split())
    for prefix, name in (("WITH ev AS", "posting (event, list state, audit, reservations, accounts, entries)"),
                         ("WITH p AS", "passage, slip, audit"),
                         ('SELECT g."id"', "gate, answer, plate's slips (locked)"),
                         ('SELECT v."id"', "list and reservations (locked)"),
                         ('SELECT "core_apitoken"', "token"), ('SELECT "core_profile"', "profile"),
                         ("SELECT 1", "connection health check")):
        if words.startswith(prefix):
            return name
    return words[:60]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--requests", type=int, default=300, help="requests of each endpoint per round")
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    tmp = tempfile.mkdtemp()
    setup_django("postgres", tmp)
    warm = 30
    per_list = 150
    lists = -(-(args.requests * args.rounds + warm + 1) // per_list)
    log(f"building {lists} lists × {per_list} slips …")
    token, plates, _ = build(lists, per_list)
    from django.db import connection, connections

    with connection.cursor() as cur:
        cur.execute("VACUUM (ANALYZE)")
    import bondzone.wsgi  # every view imported, the loaded objects frozen, as gunicorn serves it

    app = bondzone.wsgi.application

    def call(method: str, path: str, body: bytes = b"") -> None:
        environ = {"REQUEST_METHOD": method, "PATH_INFO": path, "QUERY_STRING": "", "SERVER_NAME": "127.0.0.1",
                   "SERVER_PORT": "80", "HTTP_HOST": "127.0.0.1", "REMOTE_ADDR": "127.0.0.1",
                   "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(body), "wsgi.errors": sys.stderr,
                   "CONTENT_LENGTH": str(len(body)), "CONTENT_TYPE": "application/json",
                   "HTTP_AUTHORIZATION": f"Bearer {token}"}
        status = []
        b"".join(app(environ, lambda s, h, exc_info=None: status.append(s)))
        if not status[0].startswith("200"):
            raise SystemExit(f"{method} {path} answered {status[0]}")

    def me() -> None:
        call("GET", "/api/v1/me")

    def gate() -> None:
        _, path, body = gate_event(plates.pop())
        call("POST", path, body)

    for _ in range(warm):
        me()
        gate()
    connection.ensure_connection()
    pid = connection.connection.info.backend_pid
    per_statement: dict[str, dict[str, list[float]]] = {"me": defaultdict(list), "gate": defaultdict(list)}
    current = ["me"]

    def timed(execute, sql, params, many, context):
        before = backend_cpu(pid)
        try:
            return execute(sql, params, many, context)
        finally:
            per_statement[current[0]][statement_name(sql)].append(backend_cpu(pid) - before)

    results: dict[str, list[tuple[float, float]]] = {"me": [], "gate": []}
    for r in range(args.rounds):
        for name, fn in (("me", me), ("gate", gate)):
            current[0] = name
            with connection.execute_wrapper(timed):
                cpu0, pg0 = time.process_time(), backend_cpu(pid)
                for _ in range(args.requests):
                    fn()
                cpu1, pg1 = time.process_time(), backend_cpu(pid)
            results[name].append(((cpu1 - cpu0) / args.requests * 1000, (pg1 - pg0) / args.requests * 1000))
            log(f"round {r + 1} {name}: python {results[name][-1][0]:.2f} ms, postgres {results[name][-1][1]:.2f} ms")
    connections.close_all()
    pg_recreate(drop_only=True)

    def summary(name: str) -> dict:
        py = statistics.median(p for p, _ in results[name])
        pg = statistics.median(g for _, g in results[name])
        n = args.requests * args.rounds
        statements = {k: round(sum(v) / n * 1000, 3) for k, v in sorted(per_statement[name].items())}
        return {"python_ms": round(py, 3), "postgres_ms": round(pg, 3), "total_ms": round(py + pg, 3),
                "postgres_per_statement_ms": statements,
                "postgres_commit_and_rest_ms": round(pg - sum(statements.values()), 3),
                "rounds": [[round(p, 3), round(g, 3)] for p, g in results[name]]}

    gate_s, me_s = summary("gate"), summary("me")
    print(json.dumps({
        "bench": "gate_cost", "requests_per_round": args.requests, "rounds": args.rounds,
        "machine": f"{platform.machine()} {os.cpu_count()} cpu", "loadavg_end": Path("/proc/loadavg").read_text().split()[:3],
        "gate": gate_s, "trivial": me_s, "cost_ratio": round(gate_s["total_ms"] / me_s["total_ms"], 2),
    }, ensure_ascii=False))


if __name__ == "__main__":
    main()
