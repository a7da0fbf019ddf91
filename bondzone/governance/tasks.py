"""Celery task of the policy ledger and its periodic entry (core/jobs.py)."""

from __future__ import annotations

from celery.schedules import crontab

from bondzone.core.jobs import app, every


@app.task(name="governance.run_reminders")
def run_reminders() -> dict:
    """The daily near-due / overdue / escalation / report-due reminders, as the system scheduler."""
    from django.utils import timezone

    from . import selectors, services

    return services.run_reminders(actor=services.SYSTEM, today=timezone.localdate(), rules=selectors.light_rules())


every("governance.run-reminders", "governance.run_reminders", crontab(hour=6, minute=0))
