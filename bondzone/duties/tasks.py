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


@app.task(name="duties.sync_returned_sales")
def sync_returned_sales() -> int:
    """Domestic sales whose list customs rejected (or the enterprise withdrew) in supervision's pages become
    `returned`, to correct and resubmit or cancel (services.sync_returned_sales), as the system."""
    from . import services

    return services.sync_returned_sales()


every("duties.sync-returned-sales", "duties.sync_returned_sales", crontab(minute="*/10"))


@app.task(name="duties.settle_regime_returns")
def settle_regime_returns() -> dict:
    """Regimes whose goods came back through the gate (passed slips of their back lists) are closed, or
    partly closed, as the system (services.settle_regime_returns)."""
    from . import services

    return services.settle_regime_returns()


every("duties.settle-regime-returns", "duties.settle_regime_returns", crontab(minute="*/10"))
