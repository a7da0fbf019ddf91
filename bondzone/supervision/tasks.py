"""Celery task of the account book and its periodic entry (core/jobs.py)."""

from __future__ import annotations

from celery.schedules import crontab

from bondzone.core.jobs import app, every


@app.task(name="supervision.expire_reservations")
def expire_reservations() -> dict:
    """The daily sweep of stale reservations (services.expire_reservations), as the system actor."""
    from bondzone.core.actor import SYSTEM

    from . import services

    done = services.expire_reservations(actor=SYSTEM)
    return {"expired": len(done), "lists": [e.list_id for e in done]}


every("supervision.expire-reservations", "supervision.expire_reservations", crontab(hour=1, minute=30))
