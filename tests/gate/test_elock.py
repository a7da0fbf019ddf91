"""Customs electronic locks (电子关锁) at the gate: the slip records the lock applied at the port to a first-line
inbound vehicle, the gate reports the lock it reads, the decision holds on a lock not read, another lock, an
opened or a faulty one (and sends the vehicle to inspection), the zone may turn the check off."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from bondzone.core.models import AuditEvent
from bondzone.gate import services
from bondzone.gate.models import GateSettings, Inspection, Passage, Slip

from ..conftest import key
from .conftest import approved, report
from .test_api import client_for, gate_client, post, snapshot
from .test_pages_cli import client_for as page_client

# 先入区后报关: a first-line inbound vehicle entering on its bill of lading, locked at the port (区港联动 / 转关)
LOCKED = {"slip_type": "1", "direction": "I", "plate": "京A12345", "vehicle_wt": "8000", "total_gross_wt": "500",
          "bill_of_lading": "COSU6123456780", "elock_no": "el0001"}
WEIGHT = {"direction": "I", "weighbridge_kg": "8500"}


def test_the_slip_records_its_lock_over_the_api_and_refuses_a_bad_number(gw):
    ent = client_for("ent_a")
    r = post(ent, "/api/v1/gate/slips", LOCKED)
    assert r.status_code == 201, r.content
    assert r.json()["elock_no"] == "EL0001"
    assert ent.get(f"/api/v1/gate/slips/{r.json()['id']}").json()["elock_no"] == "EL0001"
    before = snapshot()
    r = post(ent, "/api/v1/gate/slips", {**LOCKED, "elock_no": "EL-0001"})
    assert r.status_code == 400 and [(e["field"], e["code"]) for e in r.json()["errors"]] == [("elock_no", "bad_elock")]
    assert snapshot() == before


@pytest.mark.parametrize("reading, errors", [
    ({"elock_no": "EL0001", "elock_status": "broken"}, [("elock_status", "bad_choice")]),
    ({"elock_no": "EL0001", "elock_status": 3}, [("elock_status", None)]),
    ({"elock_no": "EL0001"}, [("elock_status", "required")]),
    ({"elock_status": "opened"}, [("elock_no", "required")]),
    ({"elock_no": "EL 0001", "elock_status": "intact"}, [("elock_no", "bad_elock")]),
    ({"elock_no": "E" * 41, "elock_status": "intact"}, [("elock_no", None)]),
])
def test_a_bad_lock_reading_is_400_on_its_field_and_writes_nothing(gw, reading, errors):
    approved(gw, LOCKED)
    gate = gate_client(gw)
    before = snapshot()
    r = post(gate, "/api/v1/gate/events", {"event_id": "e1", "plate": "京A12345", **WEIGHT, **reading})
    assert r.status_code == 400, r.content
    found = [(e["field"], e["code"]) for e in r.json()["errors"]]
    assert [f for f, _ in found] == [f for f, _ in errors]
    assert all(code is None or (field, code) in found for field, code in errors), found
    assert snapshot() == before


def test_the_lock_read_is_recorded_on_the_passage_and_listed(gw):
    slip = approved(gw, LOCKED)
    answer, _ = report(gw, **WEIGHT, elock_no="el0001", elock_status="intact")
    assert answer["outcome"] == "pass" and answer["reasons"] == []
    passage = Passage.objects.get(pk=answer["passage"])
    assert (passage.elock_no, passage.elock_status) == ("EL0001", "intact")
    slip.refresh_from_db()
    assert slip.status == "passed" and slip.inspection == "not_selected"
    listed = client_for("customs_a").get("/api/v1/gate/passages").json()["items"][0]
    assert (listed["elock_no"], listed["elock_status"]) == ("EL0001", "intact")
    # the gate's audit row keeps the lock read (on PostgreSQL written with the passage in one statement)
    row = AuditEvent.objects.get(action="gate.pass", object_id=str(passage.pk))
    assert row.after == {"slip": slip.number, "plate": "京A12345", "reasons": [], "elock_no": "EL0001",
                         "elock_status": "intact"}


@pytest.mark.parametrize("reading, code, params", [
    ({}, "elock_not_read", {"expected": "EL0001"}),
    ({"elock_no": "EL0002", "elock_status": "intact"}, "elock_mismatch", {"expected": "EL0001", "read": "EL0002"}),
    ({"elock_no": "EL0001", "elock_status": "opened"}, "elock_opened", {"elock": "EL0001"}),
    ({"elock_no": "EL0001", "elock_status": "fault"}, "elock_fault", {"elock": "EL0001"}),
])
def test_each_lock_rule_holds_the_vehicle_for_inspection(gw, reading, code, params):
    slip = approved(gw, LOCKED)
    answer, _ = report(gw, **WEIGHT, **reading)
    assert answer["outcome"] == "hold" and answer["posted"] is False
    assert answer["reasons"] == [{"code": code, "params": {"slip": slip.number, **params}}]
    slip.refresh_from_db()
    assert slip.status == "approved" and slip.inspection == "pending"
    assert Inspection.objects.get(slip=slip).reasons == [{"code": "risk_gate_hold", "params": {"value": code}}]
    row = AuditEvent.objects.get(action="gate.hold", object_id=str(answer["passage"]))
    read = {"elock_no": reading["elock_no"], "elock_status": reading["elock_status"]} if reading else {}
    assert row.after == {"slip": slip.number, "plate": "京A12345", "reasons": [code], **read}  # none read: no keys


def test_an_opened_lock_is_inspected_once_then_the_vehicle_passes(gw):
    slip = approved(gw, LOCKED)
    assert report(gw, **WEIGHT, elock_no="EL0001", elock_status="opened")[0]["outcome"] == "hold"
    services.record_inspection(actor=gw.actor("customs"), slip_id=slip.pk, result="conforms", release=True,
                               note="", discrepancies=[])
    # customs opened the lock to inspect: the released vehicle is not held for it again
    answer, _ = report(gw, **WEIGHT, elock_no="EL0001", elock_status="opened")
    assert answer["outcome"] == "pass" and answer["reasons"] == []


def test_the_zone_turns_the_lock_check_off_and_on(gw, world):
    customs = client_for("customs_a")
    url = f"/api/v1/gate/settings/{world.zone_a.pk}"
    assert customs.get(url).json()["check_elock"] is True
    r = customs.patch(url, json.dumps({"check_elock": False}), content_type="application/json")
    assert r.status_code == 200 and r.json()["check_elock"] is False
    approved(gw, LOCKED)
    answer, _ = report(gw, **WEIGHT)
    assert answer["outcome"] == "pass" and answer["reasons"] == []
    approved(gw, {**LOCKED, "plate": "京A22222"})
    answer, _ = report(gw, **WEIGHT, plate="京A22222", elock_no="EL0009", elock_status="opened")
    assert answer["outcome"] == "pass" and answer["reasons"] == []
    services.update_settings(actor=gw.actor("customs"), zone_id=world.zone_a.pk, data={"check_elock": "1"})
    approved(gw, {**LOCKED, "plate": "京A33333"})
    assert [r["code"] for r in report(gw, **WEIGHT, plate="京A33333")[0]["reasons"]] == ["elock_not_read"]


def test_the_settings_page_has_the_lock_check(gw, world):
    c = page_client("customs_a", "en")
    url = f"/gate/settings/{world.zone_a.pk}/"
    assert 'name="check_elock" value="1" checked' in c.get(url).content.decode()
    form = {"weight_tolerance_pct": "3", "weight_tolerance_kg": "50", "empty_tolerance_kg": "100",
            "slip_valid_hours": "72", "random_rate_pct": "0", "risk_credit_classes": "", "risk_trade_modes": "",
            "risk_hs_chapters": ""}
    assert c.post(url, form).status_code == 302
    assert GateSettings.objects.get(zone=world.zone_a).check_elock is False
    assert c.post(url, {**form, "check_elock": "1"}).status_code == 302
    assert GateSettings.objects.get(zone=world.zone_a).check_elock is True


@pytest.mark.parametrize("lang, words", [
    ("en", ["electronic lock EL0002 opened", "Electronic lock EL0002 is not the lock of slip"]),
    ("zh-hans", ["电子关锁 EL0002 已开启", "电子关锁 EL0002 不是核放单"]),
])
def test_the_officers_queue_shows_the_lock_read_and_why_it_holds(gw, lang, words):
    approved(gw, LOCKED)
    report(gw, **WEIGHT, elock_no="EL0002", elock_status="opened")
    feed = page_client("customs_a", lang).get("/gate/screen/feed/").content.decode()
    assert 'data-code="elock_mismatch"' in feed and 'data-code="elock_opened"' in feed
    for text in words:
        assert text in feed, text


def test_the_slip_form_and_page_show_the_lock(gw):
    ent = page_client("ent_a", "en")
    assert 'name="elock_no"' in ent.get("/gate/slips/new/").content.decode()
    r = ent.post("/gate/slips/new/", {**LOCKED, "binding": "2", "idempotency_key": key()})
    slip = Slip.objects.get()
    assert r.status_code == 302 and slip.elock_no == "EL0001"
    services.approve_slip(actor=gw.actor("customs"), slip_id=slip.pk, idempotency_key=key())
    report(gw, **WEIGHT, elock_no="EL0001", elock_status="fault")
    page = page_client("customs_a").get(f"/gate/slips/{slip.pk}/").content.decode()
    assert '<span data-testid="slip-elock">EL0001</span>' in page
    assert '<td data-testid="passage-elock">EL0001 · 故障</td>' in page
    r = ent.post("/gate/slips/new/", {**LOCKED, "binding": "2", "elock_no": "EL#1", "idempotency_key": key()})
    assert r.status_code == 400 and "is not an electronic lock number" in r.content.decode()
    assert Slip.objects.count() == 1


def test_cli_applies_with_a_lock_and_reports_the_lock_read(gw, tmp_path):
    path = tmp_path / "slip.json"
    path.write_text(json.dumps(LOCKED), encoding="utf-8")
    out = StringIO()
    call_command("gate_slip", "apply", str(path), user="ent_a", stdout=out)
    assert out.getvalue().rstrip().endswith("electronic lock EL0001")
    slip = Slip.objects.get()
    call_command("gate_slip", "approve", str(slip.pk), user="customs", stdout=StringIO())
    user = gw.gate.user.username
    with pytest.raises(CommandError, match="intact, opened, fault"):
        call_command("gate_event", "京A12345", "I", "8500", elock_no="EL0001", elock_status="gone", user=user)
    assert Passage.objects.count() == 0
    out = StringIO()
    call_command("gate_event", "京A12345", "I", "8500", elock_no="EL0001", elock_status="opened", user=user,
                 stdout=out)
    assert [r["code"] for r in json.loads(out.getvalue())["reasons"]] == ["elock_opened"]
    assert Passage.objects.get().elock_status == "opened"
