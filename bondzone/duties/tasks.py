"""Celery task of duties and regimes, and its periodic entry (core/jobs.py)."""

from __future__ import annotations

from celery.schedules import crontab

from bondzone.core.jobs import app, every


@app.task(name="duties.regime_alerts")
def regime_alerts() -> dict:
    """The daily deadline sweep of time-limited regimes (services.send_regime_alerts), as the system."""
    from . import services

    return services.send_regime_alerts()


every("duties.regime-alerts", "duties.regime_alerts", crontab(hour=7, minute=0))
