"""Celery tasks of information sharing, and its periodic entry (core/jobs.py)."""

from __future__ import annotations

from bondzone.core.jobs import app, every


@app.task(name="sharing.deliver_event")
def deliver_event(event_id: int) -> dict:
    """Send the due webhooks of one event (queued when the event's transaction commits)."""
    from . import services

    return services.deliver_due(event_id=event_id)


@app.task(name="sharing.deliver_due")
def deliver_due() -> dict:
    """Send every due webhook (retries after their back-off): the periodic sweep."""
    from . import services

    return services.deliver_due()


every("sharing.deliver-due", "sharing.deliver_due", 60.0)


@app.task(name="sharing.run_exports")
def run_exports() -> dict:
    """Run the scheduled exports that are due."""
    from . import services

    return services.run_due_exports()


every("sharing.run-exports", "sharing.run_exports", 300.0)
