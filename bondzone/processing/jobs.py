"""Background jobs without a broker: a job is a database row (the write-off) that a runner claims with one
conditional UPDATE, so it runs once whoever starts it.

BONDZONE_JOBS (setting or environment): "thread" (default) starts the job in a thread of the web process
after the request's transaction commits; "worker" leaves it to `bondzone run-jobs` (a cron or a systemd
timer). Either way a job queued when a process died is picked up by the next `run-jobs`. Why not Celery:
a write-off is a few per book and period; a broker (Redis / RabbitMQ) and a worker pool would be two more
services to run for that, and tests would need them."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable

from django.conf import settings
from django.db import close_old_connections, transaction


def mode() -> str:
    return getattr(settings, "BONDZONE_JOBS", None) or os.environ.get("BONDZONE_JOBS", "thread")


def start_after_commit(fn: Callable[[int], object], job_id: int) -> None:
    if mode() != "thread":
        return

    def run() -> None:
        try:
            fn(job_id)
        finally:
            close_old_connections()

    transaction.on_commit(lambda: threading.Thread(target=run, name=f"job-{job_id}", daemon=True).start())
