"""The one Celery application and its periodic schedule.

BONDZONE_BROKER_URL (setting or environment; e.g. redis://127.0.0.1:6379/0 or amqp://guest@127.0.0.1//)
names the broker. Without one, tasks run eagerly in the calling process (`task_always_eager`), so
`./dev serve` and the tests need no worker, and a cron can run the CLI commands instead
(e.g. `bondzone deliver-events`). With a broker: `celery -A bondzone.core.jobs worker -B` runs the tasks
and the periodic schedule.

Apps add their tasks in `<app>/tasks.py` with `@app.task` (found by autodiscovery) and their periodic
entries with `every(...)` (imported by the app's AppConfig.ready, so the schedule is complete in any
process that set Django up).

All background work runs here, including the period write-off (processing/tasks.py: its row is the job's
progress record, claimed once by a conditional UPDATE)."""

from __future__ import annotations

import os
from datetime import timedelta

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bondzone.settings")

app = Celery("bondzone")


def broker_url() -> str:
    from django.conf import settings

    return getattr(settings, "BONDZONE_BROKER_URL", "") or os.environ.get("BONDZONE_BROKER_URL", "")


def configure() -> None:
    from django.conf import settings

    broker = broker_url()
    app.conf.update(
        broker_url=broker or "memory://",
        task_always_eager=not broker,
        task_eager_propagates=True,
        task_ignore_result=True,
        timezone=settings.TIME_ZONE,
        enable_utc=True,
        broker_connection_retry_on_startup=True,
        broker_connection_timeout=2.0,  # a broker that is down must not hold a web request for long
        task_publish_retry_policy={"max_retries": 2, "interval_start": 0, "interval_step": 0.5, "interval_max": 1},
        worker_hijack_root_logger=False,
    )


configure()


def _apps() -> list[str]:
    from django.conf import settings

    return [a for a in settings.INSTALLED_APPS if a.startswith("bondzone.")]


app.autodiscover_tasks(_apps)

_SCHEDULE: dict[str, dict] = {}


def every(name: str, task: str, schedule: float | timedelta | crontab, *, args: tuple = (),
          kwargs: dict | None = None) -> None:
    """Add (or replace) one periodic entry: `task` (its registered name) every `schedule` (seconds, a
    timedelta or a celery crontab). Apps call it at import, from their tasks.py (the reservation expiry,
    regime alerts, both reminder runs, webhook delivery and scheduled exports are all here)."""
    entry = {"task": task, "schedule": schedule, "args": args, "kwargs": kwargs or {}}
    _SCHEDULE[name] = entry
    app.conf.beat_schedule = dict(_SCHEDULE)


def schedule() -> dict[str, dict]:
    """The periodic entries registered so far (name -> entry)."""
    return dict(_SCHEDULE)


def is_eager() -> bool:
    return bool(app.conf.task_always_eager)


__all__ = ["app", "crontab", "every", "is_eager", "schedule"]
