"""What every ledger benchmark shares: a throw-away database (PostgreSQL `bondzone_bench`, or the name in
BONDZONE_BENCH_DB, created and dropped here, or a SQLite file in a temp dir) migrated through Django, and
logging."""

from __future__ import annotations

import os
import resource
import sys
from pathlib import Path

PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
PG_BENCH_DB = os.environ.get("BONDZONE_BENCH_DB", "bondzone_bench")  # one per person on a shared server
PG_BENCH = f"postgresql://postgres@127.0.0.1:5432/{PG_BENCH_DB}"


def log(*a) -> None:
    print(*a, flush=True)


def maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def pg_recreate(drop_only: bool = False) -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True) as c:
        c.execute(f'DROP DATABASE IF EXISTS "{PG_BENCH_DB}" WITH (FORCE)')
        if not drop_only:
            c.execute(f'CREATE DATABASE "{PG_BENCH_DB}"')


def django_setup(db: str, tmp: str) -> None:
    if db == "postgres":
        pg_recreate()
        os.environ["BONDZONE_DATABASE_URL"] = PG_BENCH
    else:
        os.environ["BONDZONE_DATABASE_URL"] = f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bondzone.settings")
    os.environ["BONDZONE_FAST_PASSWORDS"] = "1"
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.MEDIA_ROOT = str(Path(tmp) / "media")
    call_command("migrate", verbosity=0)
