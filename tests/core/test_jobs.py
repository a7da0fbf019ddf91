"""The one Celery app's periodic schedule holds every sweep of the platform, and each sweep's task runs
(eagerly, without a broker) as the system actor."""

from datetime import timedelta

from django.utils import timezone

from bondzone.core import jobs
from bondzone.supervision import services
from bondzone.supervision.models import VerificationList

from ..conftest import key, post_list

SWEEPS = {
    "supervision.expire-reservations": "supervision.expire_reservations",
    "duties.regime-alerts": "duties.regime_alerts",
    "governance.run-reminders": "governance.run_reminders",
    "servicedesk.run-reminders": "servicedesk.run_reminders",
    "sharing.deliver-due": "sharing.deliver_due",
    "sharing.run-exports": "sharing.run_exports",
    "processing.run-queued-writeoffs": "processing.run_queued_writeoffs",
}


def test_every_sweep_is_on_the_schedule():
    schedule = jobs.schedule()
    assert {name: entry["task"] for name, entry in schedule.items() if name in SWEEPS} == SWEEPS
    assert set(SWEEPS.values()) <= set(jobs.app.tasks)
    assert jobs.app.conf.beat_schedule.keys() == schedule.keys()


def test_the_expiry_task_voids_a_stale_list(world):
    post_list(world, direction="I", lines=[(1, "10")], when=timezone.localdate() - timedelta(days=200))
    owner = world.actor("ent_a")
    v = services.create_list(actor=owner, book_id=world.book_a.pk, idempotency_key=key(), data={
        "direction": "E", "trade_mode": "5034", "lines": [{"item_no": 1, "quantity": "3", "unit": "007"}]})
    services.submit_list(actor=owner, list_id=v.pk, idempotency_key=key())
    services.approve_list(actor=world.actor("customs"), list_id=v.pk, idempotency_key=key(),
                          effective_date=timezone.localdate() - timedelta(days=services.EXPIRY_DAYS))
    result = jobs.app.tasks["supervision.expire_reservations"].apply().get()
    assert result == {"expired": 1, "lists": [v.pk]}
    assert VerificationList.objects.get(pk=v.pk).posting_state == "voided"


def test_the_other_sweeps_run_as_the_system(world):

    alerts = jobs.app.tasks["duties.regime_alerts"].apply().get()
    assert isinstance(alerts, dict) and all(isinstance(n, int) for n in alerts.values())
    reminders = jobs.app.tasks["governance.run_reminders"].apply().get()
    assert reminders["date"] == timezone.localdate().isoformat() and reminders["no_calendar"] == 0
    assert isinstance(jobs.app.tasks["servicedesk.run_reminders"].apply().get(), dict)


def test_jobs_that_need_a_user_act_as_the_systems_own_inactive_user(db):
    from django.contrib.auth import get_user_model

    from bondzone.core.actor import SYSTEM_USERNAME, job_actor
    from bondzone.core.domain.errors import DomainError
    from bondzone.core.domain.roles import Role
    from bondzone.core.services import create_user

    first, again = job_actor(), job_actor()
    assert first == again and first.user_id is not None and first.role == Role.PLATFORM_ADMIN
    user = get_user_model().objects.get(pk=first.user_id)
    assert user.username == SYSTEM_USERNAME and not user.is_active and not user.has_usable_password()
    get_user_model().objects.filter(pk=user.pk).delete()
    try:
        create_user(username=SYSTEM_USERNAME, password="long enough", role=Role.CUSTOMS)
    except DomainError as exc:
        assert exc.problems[0].code == "reserved_username"
    else:
        raise AssertionError("the system user's name was accepted")
    assert not get_user_model().objects.filter(username=SYSTEM_USERNAME).exists()
