"""Events in the outbox, subscriptions, in-app notifications and signed webhooks with retries."""

from __future__ import annotations

import json
import time
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.utils import timezone

from bondzone.core.domain.errors import DomainError, Forbidden
from bondzone.core.models import AuditEvent
from bondzone.sharing import services, transport
from bondzone.sharing.domain import webhooks
from bondzone.sharing.models import Delivery, DeliveryAttempt, OutboxEvent, Subscription

from ..conftest import PASSWORD, post_list


def _counts():
    return (Subscription.objects.count(), OutboxEvent.objects.count(), Delivery.objects.count(),
            AuditEvent.objects.count())


def _refused(fn, **kwargs) -> dict:
    with pytest.raises(DomainError) as info:
        fn(**kwargs)
    return {p.field: p.code for p in info.value.problems}


def test_approving_a_list_writes_one_event_and_its_deliveries(world, receiver):
    tax = services.create_subscription(actor=world.actor("tax"), name="税务对接", kinds=["list.approved"],
                                       webhook_url=receiver.url)
    inapp = services.create_subscription(actor=world.actor("customs"), name="海关", kinds=["list.approved"])
    market = services.create_subscription(actor=world.actor("market"), name="市场监管",
                                          kinds=["enterprise.registered"])
    vlist = post_list(world, direction="I", lines=[(1, "5")])
    event = OutboxEvent.objects.get(kind="list.approved")
    assert (event.object_id, event.enterprise_id, event.zone_id) == (str(vlist.pk), world.ent_a.pk, world.zone_a.pk)
    assert event.data["number"] == vlist.number and event.data["enterprise"] == world.ent_a.pk
    assert services.deliver_due() == {"delivered": 1, "retrying": 0, "failed": 0}
    # in-app delivery at once; the webhook sent once, signed; market did not subscribe to this kind
    assert Delivery.objects.get(subscription=inapp).status == "delivered"
    assert not Delivery.objects.filter(subscription=market).exists()
    d = Delivery.objects.get(subscription=tax)
    assert (d.status, d.attempts, d.last_status_code) == ("delivered", 1, 200)
    [got] = receiver.received
    headers = {k.lower(): v for k, v in got["headers"].items()}
    assert headers[webhooks.EVENT_HEADER.lower()] == "list.approved"
    assert headers[webhooks.DELIVERY_HEADER.lower()] == str(d.pk)
    assert webhooks.verify(tax.secret, got["body"], headers[webhooks.SIGNATURE_HEADER.lower()], now=int(time.time()))
    assert not webhooks.verify(inapp.secret or "x", got["body"], headers[webhooks.SIGNATURE_HEADER.lower()],
                               now=int(time.time()))
    body = json.loads(got["body"])
    # tax receives only the fields its role may see of a list (no remarks, no line count)
    assert set(body["data"]) == {"id", "number", "enterprise", "zone", "direction", "trade_mode", "status",
                                 "declaration_no", "decided_at", "effective_date"}
    assert body["event_id"] == event.pk and body["object"] == {"type": "supervision.verificationlist",
                                                               "id": str(vlist.pk)}
    assert services.deliver_due() == {"delivered": 0, "retrying": 0, "failed": 0}  # nothing sent twice
    assert len(receiver.received) == 1


def test_a_refused_change_leaves_no_event(world):
    from bondzone.supervision import services as supervision

    services.create_subscription(actor=world.actor("customs"), name="海关", kinds=["list.approved"])
    vlist = post_list(world, direction="I", lines=[(1, "5")])
    before = OutboxEvent.objects.count()
    with pytest.raises(DomainError):
        supervision.approve_list(actor=world.actor("customs"), list_id=vlist.pk, idempotency_key="k-again")
    assert OutboxEvent.objects.count() == before


def test_retries_with_backoff_then_gives_up_after_n_and_logs_each_attempt(world, receiver, settings):
    settings.BONDZONE_WEBHOOK_MAX_ATTEMPTS = 3
    sub = services.create_subscription(actor=world.actor("customs"), name="海关", kinds=["list.approved"],
                                       webhook_url=receiver.url)
    receiver.answers = [500, 503, 502]
    post_list(world, direction="I", lines=[(1, "5")])
    t0 = timezone.now()
    assert services.deliver_due(now=t0) == {"delivered": 0, "retrying": 1, "failed": 0}
    d = Delivery.objects.get(subscription=sub)
    assert (d.attempts, d.last_status_code, d.status) == (1, 500, "pending")
    assert d.next_attempt_at == t0 + timedelta(seconds=30)
    assert services.deliver_due(now=t0 + timedelta(seconds=29))["retrying"] == 0  # not due yet
    assert services.deliver_due(now=t0 + timedelta(seconds=30))["retrying"] == 1
    d.refresh_from_db()
    assert d.next_attempt_at == t0 + timedelta(seconds=30) + timedelta(minutes=1)
    assert services.deliver_due(now=t0 + timedelta(minutes=5)) == {"delivered": 0, "retrying": 0, "failed": 1}
    d.refresh_from_db()
    assert (d.status, d.attempts, d.next_attempt_at) == ("failed", 3, None)
    log = list(DeliveryAttempt.objects.filter(delivery=d).values_list("number", "status_code"))
    assert log == [(1, 500), (2, 503), (3, 502)]
    assert len(receiver.received) == 3
    assert services.deliver_due(now=t0 + timedelta(hours=1))["failed"] == 0  # given up: left alone
    # the agency may try again: a new series, the log keeps the old attempts
    services.redeliver(actor=world.actor("customs"), delivery_id=d.pk)
    assert services.deliver_due(now=timezone.now() + timedelta(seconds=1))["delivered"] == 1
    assert DeliveryAttempt.objects.filter(delivery=d).count() == 4


def test_transport_failure_is_logged_not_raised(world, settings, monkeypatch):
    settings.BONDZONE_WEBHOOK_ALLOW_PRIVATE = True
    sent = []
    monkeypatch.setattr(transport, "send", lambda url, body, headers, timeout: sent.append(url) or (None, "timed out"))
    sub = services.create_subscription(actor=world.actor("tax"), name="t", kinds=["list.approved"],
                                       webhook_url="http://127.0.0.1:9/hook")
    post_list(world, direction="I", lines=[(1, "5")])
    assert services.deliver_due()["retrying"] == 1
    d = Delivery.objects.get(subscription=sub)
    assert (d.last_status_code, d.last_error) == (None, "timed out") and sent == ["http://127.0.0.1:9/hook"]


def test_production_refuses_loopback_and_private_targets_and_writes_nothing(world, settings):
    settings.BONDZONE_WEBHOOK_ALLOW_PRIVATE = False
    before = _counts()
    for url in ("https://127.0.0.1/hook", "https://localhost/hook", "https://10.0.0.8/hook",
                "https://[::1]/hook", "https://169.254.169.254/"):
        assert _refused(services.create_subscription, actor=world.actor("tax"), name="x", kinds=["list.approved"],
                        webhook_url=url) == {"webhook_url": "webhook_url_private"}, url
    assert _refused(services.create_subscription, actor=world.actor("tax"), name="x", kinds=["list.approved"],
                    webhook_url="http://example.com/") == {"webhook_url": "webhook_url_not_https"}
    assert _counts() == before


def test_production_checks_the_target_again_at_delivery(world, settings, monkeypatch):
    settings.BONDZONE_WEBHOOK_ALLOW_PRIVATE = True
    sub = services.create_subscription(actor=world.actor("tax"), name="t", kinds=["list.approved"],
                                       webhook_url="http://127.0.0.1:9/hook")
    settings.BONDZONE_WEBHOOK_ALLOW_PRIVATE = False  # the setting changed (or the name now resolves privately)
    monkeypatch.setattr(transport, "send", lambda *a, **k: pytest.fail("must not send"))
    post_list(world, direction="I", lines=[(1, "5")])
    services.deliver_due()
    d = Delivery.objects.get(subscription=sub)
    assert d.attempts == 1 and "not allowed" in d.last_error


def test_subscription_rules(world):
    before = _counts()
    # market supervision receives registrations, not lists; enterprises may not subscribe
    assert _refused(services.create_subscription, actor=world.actor("market"), name="m",
                    kinds=["list.approved"]) == {"kinds": "event_kind_not_allowed"}
    assert _refused(services.create_subscription, actor=world.actor("tax"), name="", kinds=[]) == {
        "name": "required", "kinds": "required"}
    assert _refused(services.create_subscription, actor=world.actor("admin"), name="x", kinds=["list.approved"],
                    role="enterprise") == {"role": "bad_choice"}
    assert _refused(services.create_subscription, actor=world.actor("admin"), name="x", kinds=["list.approved"],
                    role="tax", zone_id="999999") == {"zone_id": "not_found"}
    with pytest.raises(Forbidden):
        services.create_subscription(actor=world.actor("ent_a"), name="x", kinds=["list.approved"])
    admin = Client()
    admin.login(username="admin", password=PASSWORD)
    r = admin.post("/sharing/subscriptions/new/", {"name": "x", "kinds": "list.approved", "role": "tax",
                                                   "zone_id": "99999999999999999999"})
    assert r.status_code == 302
    assert _counts() == before
    # a zone-bound agency subscribes for its zone only: events of another zone do not reach it
    sub = services.create_subscription(actor=world.actor("customs_a"), name="天竺海关", kinds=["list.approved"])
    assert sub.zone_id == world.zone_a.pk and sub.role == "customs" and sub.secret == ""
    post_list(world, direction="I", lines=[(1, "5")], book=world.book_b, enterprise_user="ent_b")
    services.fan_out()
    assert not Delivery.objects.filter(subscription=sub).exists()
    post_list(world, direction="I", lines=[(1, "5")])
    services.fan_out()
    assert Delivery.objects.filter(subscription=sub).count() == 1
    # paused: no more deliveries
    services.set_subscription_active(actor=world.actor("customs_a"), subscription_id=sub.pk, active=False)
    post_list(world, direction="I", lines=[(1, "6")])
    services.fan_out()
    assert Delivery.objects.filter(subscription=sub).count() == 1


def test_eager_celery_delivers_after_the_commit(world, receiver, django_capture_on_commit_callbacks):
    from bondzone.core import jobs

    assert jobs.is_eager()
    sub = services.create_subscription(actor=world.actor("customs"), name="海关", kinds=["list.approved"],
                                       webhook_url=receiver.url)
    with django_capture_on_commit_callbacks(execute=True):
        post_list(world, direction="I", lines=[(1, "5")])
    assert Delivery.objects.get(subscription=sub).status == "delivered" and len(receiver.received) == 1


def test_periodic_schedule_registry():
    from bondzone.core import jobs

    entry = jobs.schedule()["sharing.deliver-due"]
    assert entry["task"] == "sharing.deliver_due" and entry["task"] in jobs.app.tasks
    assert jobs.schedule()["sharing.run-exports"]["task"] in jobs.app.tasks
    jobs.every("test.sweep", "sharing.deliver_due", jobs.crontab(minute="*/5"))
    try:
        assert "test.sweep" in jobs.app.conf.beat_schedule and "sharing.deliver-due" in jobs.app.conf.beat_schedule
    finally:
        jobs._SCHEDULE.pop("test.sweep")
        jobs.app.conf.beat_schedule = dict(jobs._SCHEDULE)


def test_cli_deliver_events(world, receiver, capsys):
    services.create_subscription(actor=world.actor("customs"), name="海关", kinds=["list.approved"],
                                 webhook_url=receiver.url)
    post_list(world, direction="I", lines=[(1, "5")])
    call_command("deliver_events")
    assert json.loads(capsys.readouterr().out) == {"delivered": 1, "retrying": 0, "failed": 0}
    assert AuditEvent.objects.filter(action="sharing.deliveries.run").exists()
    with pytest.raises(CommandError, match="--limit: “0”超出范围（1 至"):
        call_command("deliver_events", "--limit", "0")
    with pytest.raises(CommandError, match="--limit: “9223372036854775808”超出范围"):  # was the database's IntegrityError, as a traceback
        call_command("deliver_events", "--limit", str(2**63))
    with pytest.raises(CommandError, match="forbidden|may not|not allowed|权限|无权"):
        call_command("deliver_events", "--user", "tax")


def test_registration_and_escalation_events(desk, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    from django.core.files.uploadedfile import SimpleUploadedFile

    from bondzone.core.actor import ANONYMOUS
    from bondzone.servicedesk import services as sd

    w = desk.world
    services.create_subscription(actor=w.actor("market"), name="市场监管", kinds=["enterprise.registered"])
    services.create_subscription(actor=w.actor("commerce"), name="两区办", kinds=["request.escalated"])
    reg = sd.register(actor=ANONYMOUS, data={
        "name": "北京新入区科技有限公司", "credit_code": "91110105MA00BAJ37B", "customs_code": "1105960123",
        "contact_name": "李女士", "contact_phone": "010-12345678", "username": "ent_new",
        "password": "a-long-passw0rd", "zone_id": str(w.zone_a.pk)},
        files=[SimpleUploadedFile("licence.pdf", b"%PDF-1.4 licence")])
    sd.review(actor=w.actor("zone_a"), registration_id=reg.pk, approve=True)
    event = OutboxEvent.objects.get(kind="enterprise.registered")
    assert event.data["credit_code"] == "91110105MA00BAJ37B" and event.zone_id == w.zone_a.pk
    req = desk.file()
    sd.sign(actor=w.actor("customs_a"), request_id=req.pk)
    sd.escalate(actor=w.actor("zone_a"), request_id=req.pk, reason="涉及跨部门政策调整")
    esc = OutboxEvent.objects.get(kind="request.escalated")
    assert esc.data["number"] == req.number and esc.data["issue"]
    services.fan_out()
    market = Client()
    market.login(username="market", password=PASSWORD)
    page = market.get("/sharing/notifications/").content.decode()
    assert "enterprise registered" in page or "企业" in page
    items = market.get("/api/v1/sharing/notifications").json()["items"]
    assert [i["event"] for i in items] == ["enterprise.registered"]
    commerce = Client()
    commerce.login(username="commerce", password=PASSWORD)
    assert [i["event"] for i in commerce.get("/api/v1/sharing/notifications").json()["items"]] == ["request.escalated"]


def test_a_broker_that_is_down_fails_nothing_and_the_cron_catches_up(world, receiver, django_capture_on_commit_callbacks):
    from bondzone.core import jobs

    sub = services.create_subscription(actor=world.actor("customs"), name="海关", kinds=["list.approved"],
                                       webhook_url=receiver.url)
    conf = jobs.app.conf
    saved = (conf.task_always_eager, conf.broker_url)
    conf.task_always_eager, conf.broker_url = False, "redis://127.0.0.1:1/0"  # nothing listens there
    try:
        with django_capture_on_commit_callbacks(execute=True):
            vlist = post_list(world, direction="I", lines=[(1, "5")])
    finally:
        conf.task_always_eager, conf.broker_url = saved
        jobs.app.pool.force_close_all()
    assert vlist.status == "approved" and not Delivery.objects.filter(subscription=sub).exists()
    call_command("deliver_events")
    assert Delivery.objects.get(subscription=sub).status == "delivered" and len(receiver.received) == 1


def test_an_event_nobody_wants_costs_the_change_no_second_transaction(world, django_capture_on_commit_callbacks):
    """With no subscription, the commit runs no task and writes nothing more; the periodic sweep marks the
    event as fanned out in one UPDATE."""
    with django_capture_on_commit_callbacks(execute=True):
        v = post_list(world, direction="I", lines=[(1, "1")])
    event = OutboxEvent.objects.get(object_id=str(v.pk), kind="list.approved")
    assert event.fanned_out_at is None and Delivery.objects.count() == 0
    services.deliver_due()
    event.refresh_from_db()
    assert event.fanned_out_at is not None and Delivery.objects.count() == 0
