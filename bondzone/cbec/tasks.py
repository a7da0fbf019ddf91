"""Celery task of cross-border retail and its periodic entry (core/jobs.py)."""

from __future__ import annotations

from celery.schedules import crontab

from bondzone.core.jobs import app, every


@app.task(name="cbec.consolidate_released")
def consolidate_released() -> dict:
    """Each night, the orders released up to yesterday go on type-8 lists (consolidation.consolidate_released),
    as the system; `bondzone cbec-consolidate --due` runs the same from a cron."""
    from . import consolidation

    return consolidation.consolidate_released()


every("cbec.consolidate-released", "cbec.consolidate_released", crontab(hour=1, minute=30))


@app.task(name="cbec.settle_due")
def settle_due() -> dict:
    """Each day, the orders whose return window closed are settled per enterprise in periods of at most 15
    release days (settlement.settle_due); `bondzone cbec-settle --due` runs the same from a cron."""
    from . import settlement

    return settlement.settle_due()


every("cbec.settle-due", "cbec.settle_due", crontab(hour=2, minute=0))
