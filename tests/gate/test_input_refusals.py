"""Bad input at the gate's API, as a hostile tester sent it: refused in the reader's language, naming the field,
never echoing a 400-digit value, nothing written; a role that may not write is refused (403) whatever the body."""

from __future__ import annotations

import json
import uuid

import pytest
from django.test import Client

from bondzone.core.models import AuditEvent
from bondzone.gate.models import DoorPassage, GateSettings
from bondzone.supervision.models import VerificationListLine

from ..conftest import PASSWORD
from .test_api import EMPTY, gate_client, snapshot
from .test_door import stocked  # noqa: F401


def client(username: str, lang: str = "zh-hans") -> Client:
    c = Client(HTTP_ACCEPT_LANGUAGE=lang)
    assert c.login(username=username, password=PASSWORD)
    return c


def send(c, path, body, method="post", lang="zh-hans"):
    raw = body if isinstance(body, str) else json.dumps(body)
    return getattr(c, method)(path, raw, content_type="application/json", HTTP_IDEMPOTENCY_KEY=uuid.uuid4().hex,
                              HTTP_ACCEPT_LANGUAGE=lang)


def errors(r) -> list[tuple[str, str]]:
    return [(e["field"], e["code"]) for e in r.json()["errors"]]


def event(**kw) -> dict:
    return {"event_id": "hostile-2", "plate": "京B55555", "direction": "E", "weighbridge_kg": "1000", **kw}


# ---------------------------------------------------------------- 1. null for a required number
def test_a_null_weighbridge_reading_is_required_in_the_readers_language(gw):
    gate = gate_client(gw)
    before = snapshot()
    r = send(gate, "/api/v1/gate/events", event(weighbridge_kg=None))
    assert r.status_code == 400, r.content
    assert errors(r) == [("weighbridge_kg", "required")]
    assert r.json()["errors"][0]["message"] == "此项为必填项。"  # not “None” is not a number
    assert snapshot() == before


# ---------------------------------------------------------------- 2. "1_000", full-width digits, booleans
@pytest.mark.parametrize("weight", ["1_000", "１２３", True, False])
def test_a_weighbridge_reading_is_ascii_digits_not_a_bool(gw, weight):
    gate = gate_client(gw)
    before = snapshot()
    r = send(gate, "/api/v1/gate/events", event(weighbridge_kg=weight), lang="en")
    assert r.status_code == 400, r.content
    assert errors(r) == [("weighbridge_kg", "not_a_number")]
    assert snapshot() == before


@pytest.mark.parametrize("field, value, code", [
    ("item_no", True, "not_an_integer"), ("item_no", "1_0", "not_an_integer"), ("item_no", "１", "not_an_integer"),
    ("quantity", True, "not_a_number"), ("quantity", "1_0", "not_a_number"), ("quantity", "３", "not_a_number"),
])
def test_a_door_crossing_refuses_bools_underscores_and_full_width_digits(stocked, field, value, code):  # noqa: F811
    w = stocked
    body = {"book_id": w.book_a.pk, "event_id": "hostile-door", "door": "d2", "item_no": 1, "quantity": "3",
            "from_status": "non_bonded", "to_status": "bonded", "reference": w.door_list.number, field: value}
    r = send(client("ent_a"), "/api/v1/gate/door-passages", body)
    assert r.status_code == 400, r.content
    assert errors(r) == [(field, code)]
    assert not DoorPassage.objects.exists()


# ---------------------------------------------------------------- 3. a 400-digit value is not echoed
def test_a_huge_door_list_quantity_names_the_field_without_echoing_its_digits(stocked):  # noqa: F811
    w = stocked
    lines = list(VerificationListLine.objects.filter(vlist=w.door_list).values_list("seq", "quantity"))
    huge = "1" + "0" * 400
    body = '{"lines": {"1": {"quantity": %s}}, "reason": "x"}' % huge
    r = send(client("ent_a", "en"), f"/api/v1/gate/door-lists/{w.door_list.pk}/change", body, lang="en")
    assert r.status_code == 400, r.content
    [err] = r.json()["errors"]
    assert err["field"].endswith("quantity"), err
    assert "0" * 40 not in err["message"] and len(err["message"]) < 120, err["message"]
    assert "…" in err["message"] and "13 digits" in err["message"], err["message"]  # the bound, not the digits
    assert list(VerificationListLine.objects.filter(vlist=w.door_list).values_list("seq", "quantity")) == lines


# ---------------------------------------------------------------- 4. schema errors in the reader's language
@pytest.mark.parametrize("lang, message", [("zh-hans", "应为列表。"), ("en", "Expected a list.")])
def test_a_wrong_json_type_is_refused_in_the_readers_language(gw, lang, message):
    before = snapshot()
    r = send(client("ent_a", lang), "/api/v1/gate/slips", {**EMPTY, "lists": "12"}, lang=lang)
    assert r.status_code == 400, r.content
    assert r.json()["errors"] == [{"field": "lists", "code": "not_a_list", "message": message}]
    assert snapshot() == before


def test_a_missing_field_is_required_in_chinese(gw):
    body = {k: v for k, v in EMPTY.items() if k != "plate"}
    r = send(client("ent_a"), "/api/v1/gate/slips", body)
    assert r.status_code == 400 and r.json()["errors"] == [
        {"field": "plate", "code": "required", "message": "此项为必填项。"}]


# ---------------------------------------------------------------- 5. permission before the body
BAD = '{"lists": "x", "vehicle_wt": [], "reason": 7, "seq": {}}'
GATE_WRITES = [  # (method, path): none of them is the gate device's to call
    ("post", "/api/v1/gate/slips"),
    ("post", "/api/v1/gate/slips/{slip}/approve"),
    ("post", "/api/v1/gate/slips/{slip}/cancel"),
    ("post", "/api/v1/gate/slips/{slip}/inspection"),
    ("patch", "/api/v1/gate/settings/{zone}"),
    ("post", "/api/v1/gate/gates"),
    ("post", "/api/v1/gate/gates/{gate}/token"),
    ("post", "/api/v1/gate/door-passages"),
    ("post", "/api/v1/gate/door-lists/{slip}/change"),
    ("post", "/api/v1/gate/receipts"),
]


@pytest.mark.parametrize("method, path", GATE_WRITES)
@pytest.mark.parametrize("body", [BAD, "[]", "{}", json.dumps(EMPTY)])
def test_a_gate_token_is_refused_before_its_body_is_read(gw, method, path, body):
    path = path.format(slip=1, zone=gw.world.zone_a.pk, gate=gw.gate.pk)
    gate = gate_client(gw)
    before = snapshot()
    r = send(gate, path, body, method=method)
    assert r.status_code == 403, (path, r.content)
    assert snapshot() == before


def test_an_enterprise_reporting_a_vehicle_is_refused_before_its_body_is_read(gw):
    r = send(client("ent_a"), "/api/v1/gate/events", BAD)
    assert r.status_code == 403, r.content


def test_the_permitted_role_still_gets_the_field_errors(gw):
    r = send(gate_client(gw), "/api/v1/gate/events", event(weighbridge_kg=[]), lang="en")
    assert r.status_code == 400 and errors(r) == [("weighbridge_kg", "not_a_number")]
    r = send(client("ent_a", "en"), "/api/v1/gate/slips", BAD, lang="en")
    assert r.status_code == 400 and ("lists", "not_a_list") in errors(r)


# ---------------------------------------------------------------- 6. slip validity out of its range
@pytest.mark.parametrize("hours", [-1, 0, 2161, "-1"])
def test_slip_validity_out_of_range_names_the_bounds(gw, hours):
    zone = gw.world.zone_a.pk
    before = (GateSettings.objects.count(), AuditEvent.objects.count())
    r = send(client("customs", "en"), f"/api/v1/gate/settings/{zone}", {"slip_valid_hours": hours},
             method="patch", lang="en")
    assert r.status_code == 400, r.content
    assert errors(r) == [("slip_valid_hours", "out_of_range")]
    message = r.json()["errors"][0]["message"]
    assert "1" in message and "2160" in message and "not a whole number" not in message, message
    assert (GateSettings.objects.count(), AuditEvent.objects.count()) == before
