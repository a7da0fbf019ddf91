"""Celery tasks of the processing trade (core/jobs.py): the period write-off as a background job.

The write-off row is the job and its progress record (the page polls it): `request_writeoff` queues the
row and, once its transaction commits, sends `processing.run_writeoff`; the runner claims the row with one
conditional UPDATE (queued → running), so it runs once whoever starts it. Without a broker the task runs
eagerly in the requesting process. A row left queued (a broker that was down, a restart) is picked up by
the periodic sweep or by `bondzone run-jobs` from a cron."""

from __future__ import annotations

import logging

from bondzone.core.jobs import app, every

log = logging.getLogger(__name__)


@app.task(name="processing.run_writeoff")
def run_writeoff(writeoff_id: int) -> dict:
    from . import services

    return {"writeoff": writeoff_id, "ran": services.run_writeoff(writeoff_id)}


@app.task(name="processing.run_queued_writeoffs")
def run_queued_writeoffs() -> dict:
    from . import services

    return {"ran": services.run_queued()}


every("processing.run-queued-writeoffs", "processing.run_queued_writeoffs", 300.0)


def enqueue_writeoff(writeoff_id: int) -> None:
    """Send the job (called after the request's commit); a broker that is down must not fail the request
    that committed: the row stays queued for the sweep."""
    try:
        run_writeoff.delay(writeoff_id)
    except Exception:
        log.exception("could not queue write-off %s; it stays queued for the sweep", writeoff_id)
