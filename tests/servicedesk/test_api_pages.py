"""The service desk over HTTP: API steps with field-level 4xx, Open311 read API, pages and the CLI."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from bondzone.servicedesk import services
from bondzone.servicedesk.models import ServiceRequest

from ..conftest import PASSWORD
from .conftest import snapshot


def client(user):
    c = Client()
    assert c.login(username=user, password=PASSWORD)
    return c


def test_api_life_cycle_and_field_errors(desk):
    ent = client("ent_a")
    r = ent.post("/api/v1/servicedesk/requests", {"category_id": desk.category.pk, "title": "", "description": "d",
                                                  "attributes": {"port": "XXX"}}, content_type="application/json")
    assert r.status_code == 400
    assert {e["field"] for e in r.json()["errors"]} == {"title", "attributes.port"}
    r = ent.post("/api/v1/servicedesk/requests", {"category_id": desk.category.pk, "title": "咨询",
                                                  "description": "d"}, content_type="application/json")
    assert r.status_code == 201 and r.json()["status"] == "dispatched"
    pk = r.json()["id"]
    customs = client("customs_a")
    assert customs.post(f"/api/v1/servicedesk/requests/{pk}/sign").json()["status"] == "signed"
    r = customs.post(f"/api/v1/servicedesk/requests/{pk}/transfer", {"unit_id": 99999, "reason": "x"},
                     content_type="application/json")
    assert r.status_code == 400 and r.json()["errors"][0]["field"] == "unit_id"
    r = customs.post(f"/api/v1/servicedesk/requests/{pk}/reply", {"text": "答复"}, content_type="application/json")
    assert r.json()["status"] == "replied" and r.json()["replied_on_time"] is True
    other = client("ent_b")
    r = other.post(f"/api/v1/servicedesk/requests/{pk}/feedback", {"satisfaction": "satisfied", "solved": True},
                   content_type="application/json")
    assert r.status_code == 404
    r = ent.post(f"/api/v1/servicedesk/requests/{pk}/feedback", {"satisfaction": "satisfied", "solved": True},
                 content_type="application/json")
    assert r.json()["status"] == "closed"
    rates = client("commerce").get("/api/v1/servicedesk/rates?by=category").json()
    assert rates[0]["group"] == desk.category.name and rates[0]["satisfaction_rate"] == "100.0"


def test_open311_services_and_requests(desk):
    anon = Client()
    services = anon.get("/api/v1/open311/services.json").json()
    mine = next(s for s in services if s["service_code"] == "customs-help")
    assert mine["metadata"] is True and mine["type"] == "realtime"
    definition = anon.get("/api/v1/open311/services/customs-help.json").json()
    assert definition["attributes"][0]["code"] == "port"
    assert [v["key"] for v in definition["attributes"][0]["values"]] == ["PEK", "PKX"]
    assert anon.get("/api/v1/open311/services/nope.json").status_code == 404
    req = desk.file()
    assert anon.get("/api/v1/open311/requests.json").status_code == 401
    rows = client("ent_a").get("/api/v1/open311/requests.json?status=open").json()
    assert [(r["service_request_id"], r["status"], r["agency_responsible"]) for r in rows] == [
        (req.number, "open", desk.customs_unit.name)]
    assert rows[0]["expected_datetime"] is not None
    assert client("ent_b").get("/api/v1/open311/requests.json").json() == []
    assert client("ent_b").get(f"/api/v1/open311/requests/{req.number}.json").status_code == 404
    assert client("ent_a").get("/api/v1/open311/requests.json?status=closed").json() == []


def test_pages_file_sign_reply_rate(desk):
    ent = client("ent_a")
    assert ent.get("/services/new/").status_code == 200
    r = ent.post("/services/new/", {"category_id": desk.category.pk, "title": "", "description": "d"})
    assert r.status_code == 200 and ServiceRequest.objects.count() == 0  # form shown again with the error
    r = ent.post("/services/new/", {"category_id": desk.category.pk, "title": "展会物品", "description": "d",
                                    "attributes.port": "PKX"})
    req = ServiceRequest.objects.get()
    assert r.status_code == 302 and req.attributes == {"port": "PKX"}
    customs = client("customs_a")
    page = customs.get(f"/services/requests/{req.pk}/").content.decode()
    assert 'id="do-sign"' in page
    customs.post(f"/services/requests/{req.pk}/sign/")
    customs.post(f"/services/requests/{req.pk}/reply/", {"text": "可以"})
    page = ent.get(f"/services/requests/{req.pk}/").content.decode()
    assert 'id="do-rate"' in page and "可以" in page
    ent.post(f"/services/requests/{req.pk}/feedback/", {"satisfaction": "satisfied", "solved": "yes"})
    req.refresh_from_db()
    assert req.status == "closed" and req.solved is True
    assert client("ent_b").get(f"/services/requests/{req.pk}/").status_code == 404
    before = snapshot()
    r = customs.post(f"/services/requests/{req.pk}/reply/", {"text": "again"})
    assert r.status_code == 302 and snapshot() == before
    dash = client("commerce").get("/services/rates/?by=zone").content.decode()
    assert "chart-data" in dash and "TZ" in dash
    assert client("ent_a").get("/services/rates/").status_code == 403


def test_category_page_changes_time_limits(desk):
    admin = client("admin")
    admin.post("/services/categories/save/", {"category_id": desk.category.pk, "name": "通关求助",
                                              "resolve_within": "3", "sign_within": "0.5", "active": "on"})
    desk.category.refresh_from_db()
    assert str(desk.category.resolve_within) == "3.00" and str(desk.category.sign_within) == "0.50"
    before = snapshot()
    admin.post("/services/categories/save/", {"category_id": desk.category.pk, "name": "x", "resolve_within": "-1"})
    desk.category.refresh_from_db()
    assert desk.category.name == "通关求助" and snapshot() == before


def test_cli_file_act_and_list(desk, capsys):
    call_command("service_request", "--user", "ent_a", "file", "--category", "customs-help", "--title", "t",
                 "--description", "d", "--attribute", "port=PEK")
    number = capsys.readouterr().out.split()[0]
    call_command("service_request", "--user", "customs_a", "act", number, "sign")
    assert capsys.readouterr().out.split() == [number, "signed"]
    with pytest.raises(CommandError, match="reason"):
        call_command("service_request", "--user", "customs_a", "act", number, "pause")
    with pytest.raises(CommandError):
        call_command("service_request", "--user", "ent_b", "act", number, "sign")
    call_command("service_request", "--user", "ent_a", "list", "--status", "open")
    assert number in capsys.readouterr().out
    call_command("run_service_reminders", "--user", "commerce")
    assert '"overdue": 0' in capsys.readouterr().out


def test_cli_refuses_an_unknown_status_and_an_attribute_without_a_value(desk, capsys):
    # a misspelt status listed nothing with exit 0; "--attribute port" (no "=") was dropped and the request
    # filed without it: both are now a sentence and a non-zero exit, nothing written
    with pytest.raises(CommandError, match="status"):
        call_command("service_request", "--user", "ent_a", "list", "--status", "opne")
    before = ServiceRequest.objects.count()
    with pytest.raises(CommandError, match="--attribute: “port”格式不正确"):
        call_command("service_request", "--user", "ent_a", "file", "--category", "customs-help", "--title", "t",
                     "--description", "d", "--attribute", "port")
    assert ServiceRequest.objects.count() == before


def test_a_refused_request_form_marks_each_field_and_keeps_what_was_typed(desk):
    # the refusals were flashes above the form ("no category numbered ''" with the code word "category"):
    # now each under its input, the form as typed, nothing filed
    before = ServiceRequest.objects.count()
    r = client("ent_a").post("/services/new/", {"category_id": "", "title": "", "description": "保留这段描述"},
                             HTTP_ACCEPT_LANGUAGE="zh-hans")
    html = r.content.decode()
    assert r.status_code == 200 and ServiceRequest.objects.count() == before
    assert 'id="request-category_id-error"' in html and 'id="request-title-error"' in html
    assert 'aria-describedby="request-title-error"' in html and "保留这段描述" in html
    assert "category。" not in html and "的category" not in html


def test_a_refused_request_form_keeps_what_was_typed_in_the_categorys_extra_fields(desk):
    """The extra fields' values were lost on the form shown again (their inputs were not named as their problems,
    so flash_refusal kept nothing of them): every typed value comes back, the refused field marked. The form
    shows every category's extra fields; the blank ones of another category are not answers of this one."""
    services.create_category(actor=desk.world.actor("admin"), data={
        "code": "building-help", "name": "楼宇服务", "kind": "help", "default_unit_id": desk.zone_unit.pk,
        "attributes": [{"code": "building", "datatype": "singlevaluelist", "values": ["A1", "B1"]}]})
    category = services.create_category(actor=desk.world.actor("admin"), data={
        "code": "cargo-help", "name": "货物咨询", "kind": "help", "default_unit_id": desk.customs_unit.pk,
        "attributes": [{"code": "list_no", "datatype": "string", "description": "核注清单编号"},
                       {"code": "weight", "datatype": "number", "description": "重量"},
                       {"code": "gate", "datatype": "singlevaluelist", "values": ["南卡口", "北卡口"]}]})
    ent = client("ent_a")
    typed = {"category_id": category.pk, "title": "货物查验", "description": "请协助",
             "attributes.list_no": "QD0110260000123", "attributes.weight": "十二吨", "attributes.gate": "北卡口",
             "attributes.port": "", "attributes.building": ""}  # as a browser sends the form
    before = ServiceRequest.objects.count()
    r = ent.post("/services/new/", typed, HTTP_ACCEPT_LANGUAGE="zh-hans")
    html = r.content.decode()
    assert r.status_code == 200 and ServiceRequest.objects.count() == before
    assert ('<input name="attributes.weight" value="十二吨" aria-invalid="true" '
            'aria-describedby="request-attributes.weight-error">') in html
    assert 'id="request-attributes.weight-error" data-field="attributes.weight">“十二吨”不是数字。' in html
    assert '<input name="attributes.list_no" value="QD0110260000123">' in html
    assert '<option selected>北卡口</option>' in html and '<option>南卡口</option>' in html
    assert 'aria-describedby="request-attributes.port-error"' not in html  # another category's: not refused
    r = ent.post("/services/new/", {**typed, "attributes.weight": "12.5"})
    req = ServiceRequest.objects.get(title="货物查验")
    assert r.status_code == 302 and req.attributes == {"list_no": "QD0110260000123", "weight": "12.5",
                                                        "gate": "北卡口"}
