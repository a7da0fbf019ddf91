"""The bad-input cases issue 14 names, end to end over HTTP (API and pages): a request against a closed
category, a transfer to a unit that does not exist, feedback on another enterprise's request, a webhook
target on loopback or a private range with production settings — each a clear 4xx (or a refused form), and
nothing written."""

from __future__ import annotations

import pytest
from django.test import Client

from bondzone.core.models import AuditEvent
from bondzone.servicedesk import services
from bondzone.servicedesk.models import RequestEvent, ServiceRequest
from bondzone.sharing.models import OutboxEvent, Subscription

from ..conftest import PASSWORD

API = "/api/v1/servicedesk"


def client(user: str, language: str = "en") -> Client:
    c = Client(HTTP_ACCEPT_LANGUAGE=language)
    assert c.login(username=user, password=PASSWORD)
    c.cookies["django_language"] = language
    return c


def written():
    return (ServiceRequest.objects.count(), RequestEvent.objects.count(), AuditEvent.objects.exclude(
        action__startswith="read.").count(), OutboxEvent.objects.count(), Subscription.objects.count(),
        list(ServiceRequest.objects.order_by("pk").values_list("status", "lead_unit_id", "satisfaction")))


@pytest.mark.parametrize("language, word", [("en", "does not take new requests"), ("zh-hans", "不再受理新诉求")])
def test_a_request_against_a_closed_category(desk, language, word):
    services.update_category(actor=desk.world.actor("admin"), category_id=desk.category.pk, data={"active": False})
    before = written()
    c = client("ent_a", language)
    r = c.post(f"{API}/requests", {"category_id": desk.category.pk, "title": "咨询", "description": "d"},
               content_type="application/json")
    assert r.status_code == 400
    [err] = r.json()["errors"]
    assert err["field"] == "category_id" and err["code"] == "category_closed" and word in err["message"]
    page = c.post("/services/new/", {"category_id": desk.category.pk, "title": "咨询", "description": "d"})
    assert page.status_code in (200, 302)
    assert written() == before


def test_a_transfer_to_a_unit_that_does_not_exist(desk):
    req = desk.file()
    services.sign(actor=desk.world.actor("customs_a"), request_id=req.pk)
    before = written()
    c = client("customs_a")
    for unit in (999999, "abc", None):
        r = c.post(f"{API}/requests/{req.pk}/transfer", {"unit_id": unit, "reason": "涉及税务"},
                   content_type="application/json")
        assert r.status_code in (400, 422) and r.status_code < 500, (unit, r.content)
    assert c.post(f"/services/requests/{req.pk}/transfer/", {"unit_id": "999999", "reason": "x"}).status_code == 302
    assert written() == before


def test_feedback_on_another_enterprises_request(desk):
    req = desk.file()
    services.sign(actor=desk.world.actor("customs_a"), request_id=req.pk)
    services.reply(actor=desk.world.actor("customs_a"), request_id=req.pk, text="已答复")
    before = written()
    other = client("ent_b")
    r = other.post(f"{API}/requests/{req.pk}/feedback", {"satisfaction": "unsatisfied", "solved": False},
                   content_type="application/json")
    assert r.status_code == 404  # not 403: another enterprise's request does not exist for it
    assert other.post(f"/services/requests/{req.pk}/feedback/", {"satisfaction": "unsatisfied",
                                                                 "solved": "no"}).status_code == 404
    assert written() == before


@pytest.mark.parametrize("url", ["https://127.0.0.1/hook", "https://localhost/hook", "https://10.1.2.3/hook",
                                 "https://192.168.0.5/hook", "https://[::1]/hook", "https://169.254.169.254/latest",
                                 "http://example.com/hook", "https://user:pw@example.com/hook", "ftp://example.com/"])
def test_a_webhook_target_that_is_not_allowed_in_production(world, settings, url):
    settings.BONDZONE_WEBHOOK_ALLOW_PRIVATE = False  # the production default (DEBUG off)
    before = written()
    c = client("tax")
    r = c.post("/api/v1/sharing/subscriptions", {"name": "税务", "kinds": ["list.approved"], "webhook_url": url},
               content_type="application/json")
    assert r.status_code == 400, r.content
    assert [e["field"] for e in r.json()["errors"]] == ["webhook_url"]
    page = c.post("/sharing/subscriptions/new/", {"name": "税务", "kinds": ["list.approved"], "webhook_url": url})
    assert page.status_code == 302  # refused form: back to the list with the field's message
    assert written() == before


BIG = "99999999999999999999999"


@pytest.mark.parametrize("path", [f"{API}/requests?zone_id={BIG}", f"{API}/requests?category_id={BIG}",
                                  f"{API}/requests/{BIG}", f"{API}/projects?unit_id={BIG}",
                                  f"{API}/promotion-events?project_id={BIG}", f"{API}/rates?zone_id={BIG}",
                                  f"{API}/knowledge?category_id={BIG}"])
def test_an_id_beyond_a_bigint_is_a_field_level_400(desk, path):
    # these ids were plain `int`: the database overflowed and the answer was a 500 page
    r = client("admin").get(path)
    assert r.status_code == 400, r.content[:200]
    assert r.json()["errors"][0]["code"] == "out_of_range"


def test_an_open311_status_other_than_open_or_closed_is_refused(desk):
    # was ignored: every request listed as if no status were asked
    r = client("admin").get("/api/v1/open311/requests.json?status=bogus")
    assert r.status_code == 400 and r.json()["errors"][0]["field"].endswith("status")
    assert client("admin").get("/api/v1/open311/requests.json?status=open").status_code == 200
