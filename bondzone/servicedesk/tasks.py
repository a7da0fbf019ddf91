"""Celery task of the service desk and its periodic entry (core/jobs.py)."""

from __future__ import annotations

from bondzone.core.jobs import app, every


@app.task(name="servicedesk.run_reminders")
def run_reminders() -> dict:
    """Sign and reply reminders owed now (hourly: the SLA clocks count working hours too)."""
    from bondzone.core.actor import SYSTEM

    from .services import run_reminders as owed

    return owed(actor=SYSTEM)


every("servicedesk.run-reminders", "servicedesk.run_reminders", 3600.0)
