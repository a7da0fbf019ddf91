"""Gate pages (slips, officer screen, settings) and the CLI, in both languages."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from bondzone.gate.models import GateSettings, Passage, Slip

from ..conftest import PASSWORD
from .conftest import apply, approved, empty_slip, report


def client_for(username: str, lang: str = "zh-hans") -> Client:
    c = Client(HTTP_ACCEPT_LANGUAGE=lang)
    assert c.login(username=username, password=PASSWORD)
    return c


def test_enterprise_applies_on_the_page_and_customs_approves(gw):
    ent = client_for("ent_a", "en")
    r = ent.get("/gate/slips/new/")
    assert r.status_code == 200 and b"Apply for a release slip" in r.content
    r = ent.post("/gate/slips/new/", {**empty_slip(), "idempotency_key": "k1"})
    slip = Slip.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/gate/slips/{slip.pk}/"
    customs = client_for("customs_a")
    r = customs.post(f"/gate/slips/{slip.pk}/approve/", {"idempotency_key": "k2"})
    assert r.status_code == 302
    slip.refresh_from_db()
    assert slip.status == "approved"
    page = customs.get(f"/gate/slips/{slip.pk}/").content.decode()
    assert slip.number in page and "已审批" in page


def test_bad_form_renders_again_with_messages_and_writes_nothing(gw):
    ent = client_for("ent_a", "en")
    r = ent.post("/gate/slips/new/", {**empty_slip(), "plate": "XYZ", "vehicle_wt": "abc", "idempotency_key": "k"})
    assert r.status_code == 400
    body = r.content.decode()
    # each problem under its input, the input marked, what was typed kept (not the field's key above the form)
    assert '<span class="field-error" id="slip-plate-error" data-field="plate">“XYZ” is not a vehicle plate' in body
    assert 'id="slip-vehicle_wt-error"' in body and "“abc” is not a number" in body
    assert 'name="plate" aria-invalid="true" aria-describedby="slip-plate-error" value="XYZ"' in body
    assert "correct the marked fields" in body and "plate:" not in body and "vehicle_wt:" not in body
    assert Slip.objects.count() == 0


def test_a_list_the_enterprise_may_not_see_is_marked_on_its_input(gw):
    ent = client_for("ent_a", "en")
    r = ent.post("/gate/slips/new/", {**empty_slip(slip_type="2", total_gross_wt="10"), "lists": "999",
                                      "idempotency_key": "k"})
    assert r.status_code == 400
    body = r.content.decode()
    assert ('name="lists" aria-invalid="true" aria-describedby="slip-lists-error" value="999"><span class="field-error" '
            'id="slip-lists-error" data-field="lists">No verification list with id 999 that you may see.') in body
    assert "lists[1]:" not in body and Slip.objects.count() == 0


def test_officer_screen_shows_the_decision_and_refreshes(gw):
    approved(gw, empty_slip())
    report(gw, weighbridge_kg="9500")
    c = client_for("customs_a", "en")
    page = c.get("/gate/screen/").content.decode()
    assert 'hx-trigger="every 3s"' in page and "京A12345" in page and 'data-code="weight_outside_tolerance"' in page
    assert "Weighbridge 9500 kg" in page  # the reason as a sentence for the officer, its code beside it
    assert "地磅 9500 千克" in client_for("customs_a").get("/gate/screen/feed/").content.decode()
    feed = c.get("/gate/screen/feed/").content.decode()
    assert "<html" not in feed and "hold" in feed and "Waiting for inspection" in feed
    assert client_for("ent_a").get("/gate/screen/").status_code == 403


@pytest.mark.parametrize("lang, words", [
    ("zh-hans", {"passed_first": "已过一卡", "not_selected": "未布控", "hold": "卡口拦截：重量超出允许误差"}),
    ("en", {"passed_first": "passed the first gate", "not_selected": "not selected",
            "hold": "held at the gate: weight outside the tolerance"}),
])
def test_filters_and_a_hold_read_in_words_not_codes(gw, lang, words):
    """The slip list's status and inspection choices, and the reason an inspection opened at the gate, are
    named (core.labels) in the page's language; the codes stay the values sent."""
    slip = approved(gw, empty_slip())
    report(gw, weighbridge_kg="9500")
    c = client_for("customs_a", lang)
    index = c.get("/gate/?status=passed_first").content.decode()
    assert f'<option value="passed_first" selected>{words["passed_first"]}</option>' in index
    assert f'<option value="not_selected" >{words["not_selected"]}</option>' in index
    assert ">passed_first<" not in index and ">not_selected<" not in index
    detail = c.get(f"/gate/slips/{slip.pk}/").content.decode()
    assert f'<li data-code="risk_gate_hold">{words["hold"]}</li>' in detail
    assert "weight_outside_tolerance</li>" not in detail


def test_inspection_from_the_screen_releases(gw):
    slip = approved(gw, empty_slip())
    report(gw, weighbridge_kg="9500")
    c = client_for("customs_a")
    r = c.post(f"/gate/slips/{slip.pk}/inspect/", {"result": "conforms", "release": "1", "next": "screen"})
    assert r.status_code == 302 and r["Location"] == "/gate/screen/"
    slip.refresh_from_db()
    assert slip.inspection == "released"
    assert report(gw, weighbridge_kg="9500")[0]["outcome"] == "pass"


def test_settings_page_saves_and_refuses_bad_values(gw, world):
    c = client_for("customs_a", "en")
    url = f"/gate/settings/{world.zone_a.pk}/"
    assert c.get(url).status_code == 200
    form = {"weight_tolerance_pct": "2", "weight_tolerance_kg": "40", "empty_tolerance_kg": "80",
            "slip_valid_hours": "24", "random_rate_pct": "5", "risk_credit_classes": "", "risk_trade_modes": "5000",
            "risk_hs_chapters": "30", "inspect_first_time_goods": "1"}
    assert c.post(url, form).status_code == 302
    s = GateSettings.objects.get(zone=world.zone_a)
    assert (str(s.weight_tolerance_pct), s.risk_trade_modes, s.inspect_first_time_goods) == ("2.00", "5000", True)
    r = c.post(url, {**form, "random_rate_pct": "150"}, follow=True)
    assert "is not between 0 and 100" in r.content.decode()
    assert str(GateSettings.objects.get(zone=world.zone_a).random_rate_pct) == "5.00"


def test_cli_apply_approve_event_and_admin(gw, world, tmp_path):
    path = tmp_path / "slip.json"
    path.write_text(json.dumps(empty_slip(plate="京A77777")), encoding="utf-8")
    out = StringIO()
    call_command("gate_slip", "apply", str(path), user="ent_a", stdout=out)
    slip = Slip.objects.get(plate="京A77777")
    call_command("gate_slip", "approve", str(slip.pk), user="customs", stdout=out)
    out = StringIO()
    call_command("gate_event", "京A77777", "I", "8210", event_id="cli-1", user=gw.gate.user.username, stdout=out)
    assert json.loads(out.getvalue())["outcome"] == "pass"
    assert Passage.objects.get().event_id == "cli-1"
    with pytest.raises(CommandError, match="heavy"):
        call_command("gate_event", "京A77777", "I", "heavy", user=gw.gate.user.username)
    with pytest.raises(CommandError, match="--set: “[^”]*”格式不正确"):
        call_command("gate_admin", "settings", zone=world.zone_a.pk, set=["x"], user="customs")
    with pytest.raises(CommandError, match="bogus"):
        call_command("gate_admin", "settings", zone=world.zone_a.pk, set=["bogus=1"], user="customs")
    out = StringIO()
    call_command("gate_admin", "create", zone=world.zone_a.pk, code="G2", name="西卡口", user="customs", stdout=out)
    assert "gate-tz-g2" in out.getvalue()


def test_a_filter_that_matches_nothing_says_so_not_no_slips_yet(gw):
    apply(gw, empty_slip())
    page = client_for("ent_a").get("/gate/?q=京Z99999").content.decode()
    assert "没有符合筛选条件的核放单。" in page and "尚无核放单" not in page
    assert "尚无核放单" in client_for("ent_b").get("/gate/").content.decode()  # nothing at all: say so
