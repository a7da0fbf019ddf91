"""The gate over HTTP: an enterprise applies, customs approves, the gate (its own token) reports."""

from __future__ import annotations

import json
import uuid

from django.test import Client

from bondzone.core.models import AuditEvent, IdempotencyRecord
from bondzone.gate import services
from bondzone.gate.models import Passage, Slip, SlipLine, SlipList

from ..conftest import PASSWORD, post_list
from .conftest import approved


def client_for(username: str) -> Client:
    c = Client()
    assert c.login(username=username, password=PASSWORD)
    return c


def post(c, path, body, **extra):
    return c.post(path, json.dumps(body), content_type="application/json",
                  HTTP_IDEMPOTENCY_KEY=uuid.uuid4().hex, **extra)


def snapshot():
    return tuple(m.objects.count() for m in (Slip, SlipList, SlipLine, Passage, AuditEvent, IdempotencyRecord))


def gate_client(gw):
    token = services.issue_gate_token(actor=gw.actor("customs"), gate_id=gw.gate.pk)
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}")


EMPTY = {"slip_type": "6", "direction": "I", "plate": "京A12345", "vehicle_wt": "8200"}


def test_apply_approve_and_pass_over_the_api(gw):
    ent, customs, gate = client_for("ent_a"), client_for("customs_a"), gate_client(gw)
    r = post(ent, "/api/v1/gate/slips", EMPTY)
    assert r.status_code == 201, r.content
    slip_id = r.json()["id"]
    assert r.json()["status"] == "applied" and r.json()["lists"] == [] and r.json()["vehicle_wt"] == "8200.000"
    r = post(customs, f"/api/v1/gate/slips/{slip_id}/approve", {})
    assert r.status_code == 200 and r.json()["status"] == "approved"
    event = {"event_id": "cam-1-0001", "plate": "京A12345", "direction": "I", "weighbridge_kg": 8230}
    r = post(gate, "/api/v1/gate/events", event)
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["outcome"] == "pass" and body["gate"] == "G1" and body["replayed"] is False
    r = post(gate, "/api/v1/gate/events", event)
    assert r.json()["replayed"] is True and r.json()["passage"] == body["passage"]
    assert ent.get(f"/api/v1/gate/slips/{slip_id}").json()["status"] == "passed"
    assert customs.get("/api/v1/gate/passages").json()["count"] == 1


def test_refusal_reasons_carry_codes_and_messages_in_the_language(gw):
    gate = gate_client(gw)
    r = post(gate, "/api/v1/gate/events", {"event_id": "e1", "plate": "京B55555", "direction": "E",
                                            "weighbridge_kg": "1000"}, HTTP_ACCEPT_LANGUAGE="en")
    reason = r.json()["reasons"][0]
    assert r.json()["outcome"] == "refuse" and reason["code"] == "unknown_plate"
    assert reason["message"] == "No slip for plate 京B55555."


def test_bad_gate_input_is_400_with_fields_and_writes_nothing(gw):
    gate = gate_client(gw)
    before = snapshot()
    r = post(gate, "/api/v1/gate/events", {"event_id": "e1", "plate": "京B55555", "direction": "E",
                                            "weighbridge_kg": "heavy"})
    assert r.status_code == 400 and r.json()["errors"][0]["field"] == "weighbridge_kg"
    r = post(gate, "/api/v1/gate/events", {"event_id": "e1", "plate": "ABC", "direction": "E", "weighbridge_kg": 5})
    assert r.status_code == 400 and [e["code"] for e in r.json()["errors"]] == ["bad_plate"]
    assert snapshot() == before


def test_only_the_gate_user_reports_events(gw):
    r = post(client_for("customs"), "/api/v1/gate/events", {"event_id": "e", "plate": "京A12345", "direction": "I",
                                                              "weighbridge_kg": 1})
    assert r.status_code == 403
    assert post(Client(), "/api/v1/gate/events", {}).status_code == 401


def test_bad_slip_input_names_fields(gw):
    ent = client_for("ent_a")
    before = snapshot()
    r = post(ent, "/api/v1/gate/slips", {**EMPTY, "plate": "X1", "vehicle_wt": "-3", "containers": ["ABCD1234567"]})
    assert r.status_code == 400
    assert [e["field"] for e in r.json()["errors"]] == ["plate", "vehicle_wt", "containers[1]"]
    r = post(ent, "/api/v1/gate/slips", {**EMPTY, "vehicle_wt": "abc"})
    assert r.status_code == 400 and r.json()["errors"][0]["code"] == "not_a_number"
    assert snapshot() == before


def test_a_bad_first_item_is_item_1_in_schema_refusals(gw):
    ent, customs = client_for("ent_a"), client_for("customs_a")
    r = post(ent, "/api/v1/gate/slips", EMPTY)
    assert r.status_code == 201, r.content
    slip_id = r.json()["id"]
    before = snapshot()
    r = post(ent, "/api/v1/gate/slips", {**EMPTY, "lists": ["x", 1], "lines": [{"seq": 1, "quantity": "abc"}]})
    assert r.status_code == 400
    assert {(e["field"], e["code"]) for e in r.json()["errors"]} == {("lists[1]", "not_an_integer"),
                                                                      ("lines[1].quantity", "not_a_number")}
    r = post(customs, f"/api/v1/gate/slips/{slip_id}/inspection", {
        "result": "discrepancy", "release": False, "discrepancies": [{"seq": "x", "found": "1"}]})
    assert r.status_code == 400
    assert [(e["field"], e["code"]) for e in r.json()["errors"]] == [("discrepancies[1].seq", "not_an_integer")]
    assert snapshot() == before


def test_settings_read_and_change(gw, world):
    customs = client_for("customs_a")
    r = customs.get(f"/api/v1/gate/settings/{world.zone_a.pk}")
    assert r.status_code == 200 and r.json()["weight_tolerance_pct"] == "3"
    r = customs.patch(f"/api/v1/gate/settings/{world.zone_a.pk}", json.dumps({"weight_tolerance_pct": "1.5"}),
                      content_type="application/json")
    assert r.status_code == 200 and r.json()["weight_tolerance_pct"] == "1.5"
    r = customs.patch(f"/api/v1/gate/settings/{world.zone_b.pk}", json.dumps({"weight_tolerance_pct": "1.5"}),
                      content_type="application/json")
    assert r.status_code == 404


def test_the_settings_and_their_risk_rules_are_not_for_enterprises_or_gates(gw, world):
    """A zone's settings hold customs' risk rules (credit classes, trade modes, HS chapters, the random rate): the
    enterprises they select and the gate devices are refused them, on the API and the page; the zone
    administration reads them."""
    api, page = f"/api/v1/gate/settings/{world.zone_a.pk}", f"/gate/settings/{world.zone_a.pk}/"
    ent = client_for("ent_a")
    assert (ent.get(api).status_code, ent.get(page).status_code) == (403, 403)
    assert gate_client(gw).get(api).status_code == 403
    zone = client_for("zone_a")
    assert (zone.get(api).status_code, zone.get(page).status_code) == (200, 200)
    assert "risk_trade_modes" in zone.get(api).json()


def test_the_settings_scope_is_customs_the_zone_s_own_administration_and_admins(gw, world):
    """Data level, not only the permission: the settings rows (customs' risk rules) are read by customs (a
    zone-bound officer its zone's), the zone administration of that zone and admins, and by nobody else — an
    enterprise, a bureau or a gate device reading GateSettings through the scoping rule gets no row; a zone
    administration asking for another zone's settings is 404."""
    from bondzone.core.scoping import restrict
    from bondzone.gate.models import GateSettings

    rows = {GateSettings.objects.create(zone=z).pk: z.pk for z in (world.zone_a, world.zone_b)}
    everyone = {world.zone_a.pk, world.zone_b.pk}
    expected = {"admin": everyone, "customs": everyone, "customs_a": {world.zone_a.pk}, "zone_a": {world.zone_a.pk},
                "tax": set(), "market": set(), "commerce": set(), "ent_a": set(), "ent_b": set()}
    for username, zones in expected.items():
        seen = {rows[pk] for pk in restrict(GateSettings, world.actor(username)).values_list("pk", flat=True)}
        assert seen == zones, username
    assert not restrict(GateSettings, gw.gate_actor).exists()
    zone = client_for("zone_a")
    for path in (f"/api/v1/gate/settings/{world.zone_b.pk}", f"/gate/settings/{world.zone_b.pk}/"):
        assert zone.get(path).status_code == 404, path
        assert client_for("customs_a").get(path).status_code == 404, path
        assert client_for("customs").get(path).status_code == 200, path


def test_first_line_list_on_a_second_line_slip_is_400_in_words_and_writes_nothing(gw):
    post_list(gw.world, direction="I", lines=[(1, "10")])
    vlist = post_list(gw.world, direction="E", lines=[(1, "4")], passed=False)  # 5034: goods leave abroad
    ent = client_for("ent_a")
    second_line = {"slip_type": "3", "binding": "2", "direction": "E", "plate": "京A12345", "vehicle_wt": "8000",
                   "total_gross_wt": "500", "lists": [vlist.pk]}
    before = snapshot()
    r = post(ent, "/api/v1/gate/slips", second_line)
    assert r.status_code == 400
    [error] = r.json()["errors"]
    assert (error["field"], error["code"]) == ("lists[1]", "list_crossing_not_for_slip_type")
    assert error["message"] == (f"清单 {vlist.number}（监管方式 5034）货物经一线进出（区内 ↔ 境外）："
                                "应关联类型 2 的核放单，不能关联类型 3 的核放单。")
    r = post(ent, "/api/v1/gate/slips", second_line, HTTP_ACCEPT_LANGUAGE="en")
    assert r.json()["errors"][0]["message"] == (
        f"List {vlist.number} (trade mode 5034) crosses the first line (zone ↔ abroad): it goes on a slip of type 2, "
        "not 3.")
    assert snapshot() == before
    r = post(ent, "/api/v1/gate/slips", {**second_line, "slip_type": "2"})
    assert r.status_code == 201, r.content


def as_schema_writes_it(body: dict) -> dict:
    from bondzone.gate.schemas import GateAnswerOut

    return json.loads(GateAnswerOut.model_validate(body).model_dump_json())


def test_every_kind_of_gate_answer_is_written_as_its_schema_says(gw):
    """The event endpoint writes its answer out without validating it against GateAnswerOut (the gate's hot
    path): each kind — pass with found quantities, hold, refusal, replay, a double-gate stage — is exactly what
    the schema would have written, every optional key present."""
    from .test_double_gate import double
    from .test_posting import inspect, outbound, slip_for

    post_list(gw.world, direction="I", lines=[(1, "100"), (2, "50")])
    gate = gate_client(gw)
    bodies = []

    def event(**kw):
        body = {"event_id": uuid.uuid4().hex, "plate": "京A12345", "direction": "E", "weighbridge_kg": "12000", **kw}
        r = post(gate, "/api/v1/gate/events", body)
        assert r.status_code == 200, r.content
        bodies.append(r.json())
        return body, r.json()

    slip = approved(gw, slip_for([outbound(gw, [(1, "30"), (2, "10")])]))
    assert event()[1]["outcome"] == "hold"
    inspect(gw, slip, [{"seq": 1, "found": "28"}])
    sent, passed = event()
    assert passed["outcome"] == "pass" and passed["found"] and passed["stage"] is None
    post(gate, "/api/v1/gate/events", sent)
    bodies.append(post(gate, "/api/v1/gate/events", sent).json())
    assert bodies[-1]["replayed"] is True
    assert event(plate="京B55555")[1]["reasons"][0]["code"] == "unknown_plate"
    double(gw)
    approved(gw, slip_for([outbound(gw, [(1, "5")])]))
    assert event()[1]["stage"] == 1
    for body in bodies:
        assert body == as_schema_writes_it(body)
    assert {k for k, v in bodies[0].items() if v is None} == {"found", "stage"}
