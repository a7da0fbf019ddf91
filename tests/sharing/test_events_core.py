"""Events raised outside the service desk: enterprises registered or changed through core (API), a
time-limited regime going overdue (duties' sweep); and the webhook secret shown once, then masked."""

from __future__ import annotations

import json
import time
from datetime import date
from decimal import Decimal

import pytest
from django.test import Client

from bondzone.core import services as core_services
from bondzone.core.domain.errors import DomainError
from bondzone.core.models import AuditEvent, Enterprise
from bondzone.duties import services as duties_services
from bondzone.duties.models import Regime
from bondzone.sharing import services
from bondzone.sharing.domain import webhooks
from bondzone.sharing.models import Delivery, OutboxEvent, Subscription

from ..conftest import PASSWORD

NEW = {"name": "北京新登记物流有限公司", "credit_code": "91110105MA00BAJ37B", "customs_code": "1105960124"}


def client(name: str) -> Client:
    c = Client()
    assert c.login(username=name, password=PASSWORD)
    return c


def test_an_enterprise_registered_through_the_core_api_raises_the_event(world, receiver):
    market = services.create_subscription(actor=world.actor("market"), name="市场监管",
                                          kinds=["enterprise.registered"], webhook_url=receiver.url)
    r = client("zone_a").post("/api/v1/enterprises", {**NEW, "zone_id": world.zone_a.pk},
                              content_type="application/json")
    assert r.status_code == 201, r.content
    event = OutboxEvent.objects.get(kind="enterprise.registered")
    assert (event.object_id, event.enterprise_id, event.zone_id) == (str(r.json()["id"]), r.json()["id"],
                                                                     world.zone_a.pk)
    services.deliver_due()
    [got] = receiver.received
    body = json.loads(got["body"])
    assert body["event"] == "enterprise.registered" and body["data"]["credit_code"] == NEW["credit_code"]
    assert "customs_credit_class" not in body["data"]  # market supervision's field policy
    headers = {k.lower(): v for k, v in got["headers"].items()}
    assert webhooks.verify(market.secret, got["body"], headers[webhooks.SIGNATURE_HEADER.lower()], now=int(time.time()))


def test_a_refused_registration_raises_no_event(world):
    before = (Enterprise.objects.count(), OutboxEvent.objects.count(), AuditEvent.objects.count())
    r = client("zone_a").post("/api/v1/enterprises", {**NEW, "credit_code": "123", "zone_id": world.zone_a.pk},
                              content_type="application/json")
    assert r.status_code == 400
    assert (Enterprise.objects.count(), OutboxEvent.objects.count(), AuditEvent.objects.count()) == before


def test_a_listener_that_fails_rolls_the_registration_back(world, monkeypatch):
    def broken(actor, kind, *args, **kwargs):
        raise RuntimeError("outbox down")

    monkeypatch.setattr(services, "record_event", broken)
    with pytest.raises(RuntimeError):
        core_services.create_enterprise(actor=world.actor("zone_a"), zone_id=world.zone_a.pk, **NEW)
    assert not Enterprise.objects.filter(credit_code=NEW["credit_code"]).exists()


def test_a_change_is_told_to_the_agencies_that_may_see_the_changed_field(world):
    market = services.create_subscription(actor=world.actor("market"), name="市场监管", kinds=["enterprise.changed"])
    customs = services.create_subscription(actor=world.actor("customs"), name="海关", kinds=["enterprise.changed"])
    # customs changes the credit class: customs hears of it, market supervision (which may not see it) does not
    r = client("customs").patch(f"/api/v1/enterprises/{world.ent_a.pk}", {"customs_credit_class": "advanced_certified"},
                                content_type="application/json")
    assert r.status_code == 200, r.content
    event = OutboxEvent.objects.get(kind="enterprise.changed")
    assert event.data["changed"] == ["customs_credit_class"]
    services.fan_out()
    assert Delivery.objects.filter(event=event, subscription=customs).exists()
    assert not Delivery.objects.filter(event=event, subscription=market).exists()
    # the registry name changes: both hear of it; market's copy names only fields it may see
    r = client("market").patch(f"/api/v1/enterprises/{world.ent_a.pk}", {"name": "北京甲贸易有限公司（更名）"},
                               content_type="application/json")
    assert r.status_code == 200, r.content
    services.fan_out()
    renamed = OutboxEvent.objects.filter(kind="enterprise.changed").order_by("-pk").first()
    d = Delivery.objects.get(event=renamed, subscription=market)
    body = json.loads(services.body_of(d))
    assert body["data"]["changed"] == ["name"] and body["data"]["name"] == "北京甲贸易有限公司（更名）"
    assert "customs_credit_class" not in body["data"]
    # nothing changed (same value): no audit row, no event
    n = OutboxEvent.objects.count()
    client("market").patch(f"/api/v1/enterprises/{world.ent_a.pk}", {"name": "北京甲贸易有限公司（更名）"},
                           content_type="application/json")
    assert OutboxEvent.objects.count() == n


def test_an_overdue_regime_is_delivered_to_subscribed_customs(world, receiver):
    hook = services.create_subscription(actor=world.actor("customs"), name="海关时限", kinds=["regime.overdue"],
                                        webhook_url=receiver.url)
    with pytest.raises(DomainError):  # not an event the zone administration may receive (it may not read regimes)
        services.create_subscription(actor=world.actor("zone_a"), name="管委会", kinds=["regime.overdue"])
    with pytest.raises(DomainError):
        services.create_subscription(actor=world.actor("tax"), name="税务", kinds=["regime.overdue"])
    r = Regime.objects.create(number="SX-OVER", enterprise=world.ent_a, zone_id=world.ent_a.zone_id,
                              book=world.book_a, kind="repair_out", legal_basis="x", start_date=date(2026, 4, 1),
                              deadline=date(2026, 5, 31), duty_at_risk=Decimal("12.50"))
    assert duties_services.send_regime_alerts(date(2026, 5, 31))["overdue"] == 0
    assert not OutboxEvent.objects.filter(kind="regime.overdue").exists()
    assert duties_services.send_regime_alerts(date(2026, 6, 1))["overdue"] == 1
    event = OutboxEvent.objects.get(kind="regime.overdue")
    assert (event.object_id, event.enterprise_id, event.zone_id) == (str(r.pk), world.ent_a.pk, world.zone_a.pk)
    duties_services.send_regime_alerts(date(2026, 6, 2))  # flagged once: no second event
    assert OutboxEvent.objects.filter(kind="regime.overdue").count() == 1
    services.deliver_due()
    [got] = receiver.received
    body = json.loads(got["body"])
    assert body["event"] == "regime.overdue"
    assert (body["data"]["number"], body["data"]["status"], body["data"]["overdue_since"]) == (
        "SX-OVER", "overdue", "2026-06-01")
    headers = {k.lower(): v for k, v in got["headers"].items()}
    assert webhooks.verify(hook.secret, got["body"], headers[webhooks.SIGNATURE_HEADER.lower()], now=int(time.time()))
    notes = client("customs").get("/api/v1/sharing/notifications").json()["items"]
    assert [n["event"] for n in notes] == ["regime.overdue"]


def test_the_webhook_secret_is_shown_once_then_masked(world, receiver):
    c = client("tax")
    page = c.post("/sharing/subscriptions/new/", {"name": "税务对接", "kinds": ["list.approved"],
                                                  "webhook_url": receiver.url})
    assert page.status_code == 200 and page["Cache-Control"] == "no-store"
    sub = Subscription.objects.get(name="税务对接")
    assert sub.secret and sub.secret in page.content.decode()
    fingerprint = webhooks.fingerprint(sub.secret)
    # afterwards: the list page, the API, the audit trail never carry it — to the maker or a colleague
    for reader in (c, client("tax")):
        listing = reader.get("/sharing/subscriptions/").content.decode()
        assert sub.secret not in listing and fingerprint in listing
        api = reader.get("/api/v1/sharing/subscriptions").json()["items"]
        assert [s["secret_fingerprint"] for s in api] == [fingerprint] and "secret" not in api[0]
        assert sub.secret not in reader.get("/api/v1/audit-events?limit=500").content.decode()
    # rotation: the new secret in the answer only, the old one stops verifying
    old = sub.secret
    rotated = c.post(f"/sharing/subscriptions/{sub.pk}/rotate/")
    sub.refresh_from_db()
    assert sub.secret != old and sub.secret in rotated.content.decode() and rotated["Cache-Control"] == "no-store"
    api = c.post(f"/api/v1/sharing/subscriptions/{sub.pk}/rotate-secret")
    assert api.status_code == 200
    sub.refresh_from_db()
    assert api.json()["secret"] == sub.secret
    assert c.get("/sharing/subscriptions/").content.decode().count(sub.secret) == 0
    trail = " ".join(json.dumps([e.before, e.after]) for e in AuditEvent.objects.filter(action__startswith="sharing."))
    assert old not in trail and sub.secret not in trail
    assert AuditEvent.objects.filter(action="sharing.subscription.rotate_secret").count() == 2
    # another agency cannot rotate (and so read) it: not found
    assert client("market").post(f"/api/v1/sharing/subscriptions/{sub.pk}/rotate-secret").status_code == 404
    body = client("tax").post("/api/v1/sharing/subscriptions", {"name": "API", "kinds": ["list.approved"],
                                                                "webhook_url": receiver.url},
                              content_type="application/json").json()
    assert len(body["secret"]) == 64 and body["secret_fingerprint"] == webhooks.fingerprint(body["secret"])
