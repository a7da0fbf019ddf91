"""Issue 10's findings on governance, each reproduced over HTTP and on pages: a field-level 4xx, nothing
written, never a 500 (dates outside the window, text no column can hold, numbers past the column)."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from bondzone.governance.models import AnnualList, ExtensionRequest, Task, UnitMember

from ..conftest import PASSWORD
from .test_services import snapshot


def client_for(username: str | None) -> Client:
    c = Client(raise_request_exception=False)
    if username:
        assert c.login(username=username, password=PASSWORD)
    return c


def send(c, method, path, body=None):
    return c.generic(method, path, json.dumps(body or {}), content_type="application/json")


def fields(r) -> dict:
    return {e["field"]: e["code"] for e in r.json()["errors"]}


@pytest.mark.parametrize("body, field, code", [
    ({"title": "x", "due_date": "9999-12-31"}, "due_date", "date_out_of_window"),
    ({"title": "x", "start_date": "0001-01-01"}, "start_date", "date_out_of_window"),
    ({"title": "x" * 100_000}, "title", "too_long"),
    ({"title": "x\x00"}, "title", "nul_character"),
    ({"title": "x", "text": "\ud800"}, "text", "bad_unicode"),
    ({"title": "x", "weight": "123456"}, "weight", "decimal_too_large"),
    ({"title": "x", "year": 2**63}, "year", "out_of_range"),
    ({"title": "x", "parent_id": "²"}, "parent_id", "not_an_integer"),
    ({"title": "x", "lead_unit_id": 2**64}, "lead_unit_id", "out_of_range"),
    ({"title": "x", "due_in_workdays": 10**30}, "due_in_workdays", "out_of_range"),
])
def test_bad_task_fields_are_refused_before_anything_is_written(gov, body, field, code):
    c = client_for("commerce")
    before = snapshot()
    r = send(c, "POST", "/api/v1/governance/tasks", body)
    assert r.status_code == 400, r.content[:300]
    assert fields(r) == {field: code}
    assert snapshot() == before


def test_patch_longer_than_the_column_and_far_dates(gov):
    c = client_for("commerce")
    before = snapshot()
    for body, field, code in (({"code": "x" * 41}, "code", "too_long"),
                              ({"due_date": "9999-12-31"}, "due_date", "date_out_of_window"),
                              ({"public_summary": "x" * 100_000}, "public_summary", "too_long")):
        r = send(c, "PATCH", f"/api/v1/governance/tasks/{gov.measure.pk}", body)
        assert r.status_code == 400 and fields(r) == {field: code}
    assert snapshot() == before


def test_an_extension_to_9999_is_refused_and_pages_stay_up(gov):
    z, c = client_for("zone_a"), client_for("commerce")
    r = send(z, "POST", f"/api/v1/governance/tasks/{gov.measure.pk}/extensions",
             {"new_due": "9999-12-31", "reason": "延后"})
    assert r.status_code == 400 and fields(r) == {"new_due": "date_out_of_window"}
    assert not ExtensionRequest.objects.exists()
    for path in ("/governance/", "/governance/public/", f"/governance/tasks/{gov.measure.pk}/"):
        assert c.get(path).status_code == 200, path


def test_reminder_run_for_year_one_is_refused_quickly(gov):
    r = send(client_for("commerce"), "POST", "/api/v1/governance/reminders/run", {"date": "0001-01-01"})
    assert r.status_code == 400 and fields(r) == {"date": "date_out_of_window"}


def test_annual_list_items_beyond_their_columns(gov):
    c = client_for("commerce")
    before = (snapshot(), AnnualList.objects.count())
    r = send(c, "POST", "/api/v1/governance/annual-lists", {"kind": "projects", "year": 2026, "items": [
        {"name": "项目", "investment": "1e20", "planned_start": "2027-01-01", "planned_end": "2026-01-01"},
        {"name": "x" * 201, "planned_start": "9999-01-01"}]})
    assert r.status_code == 400
    assert fields(r) == {"items[1].investment": "decimal_too_large", "items[2].name": "too_long",
                         "items[2].planned_start": "date_out_of_window"}
    r = send(c, "POST", "/api/v1/governance/annual-lists", {"kind": "projects", "year": 2026, "items": [
        {"name": "项目", "planned_start": "2027-01-01", "planned_end": "2026-01-01"}]})
    assert r.status_code == 400 and fields(r) == {"items[1].planned_end": "end_before_start"}
    assert (snapshot(), AnnualList.objects.count()) == before


def test_a_bad_first_list_item_is_item_1_in_schema_and_service_refusals(gov):
    c = client_for("commerce")
    before = (snapshot(), AnnualList.objects.count())
    r = send(c, "POST", "/api/v1/governance/annual-lists", {"kind": "projects", "year": 2026, "items": [
        {"name": "项目", "lead_unit_id": "abc"}, {"name": "项目二"}]})
    assert r.status_code == 400 and fields(r) == {"items[1].lead_unit_id": "not_an_integer"}
    r = send(c, "POST", "/api/v1/governance/annual-lists", {"kind": "projects", "year": 2026, "items": [
        {"name": "项目", "zone": "NOPE"}, {"name": "项目二"}]})
    assert r.status_code == 400 and fields(r) == {"items[1].zone": "not_found"}
    assert (snapshot(), AnnualList.objects.count()) == before


def test_member_with_an_unknown_user_is_a_field_level_refusal(gov):
    c = client_for("commerce")
    for user_id, code in ((999_999, "not_found"), (2**63, "out_of_range")):
        r = send(c, "POST", f"/api/v1/governance/units/{gov.office.pk}/members", {"user_id": user_id})
        assert r.status_code == 400 and fields(r) == {"user_id": code}
    assert UnitMember.objects.count() == 3


@pytest.mark.parametrize("path", ["/governance/tasks/99999999999999999999/", "/governance/lists/9223372036854775808/"])
def test_page_ids_past_the_column_are_404(gov, path):
    assert client_for("commerce").get(path).status_code == 404


@pytest.mark.parametrize("query", ["unit=%C2%B2", "zone=%C2%B2", "year=%C2%B2", "year=99999999999999999999",
                                   "q=%00", "page=%C2%B2"])
def test_page_filters_with_hostile_values_never_500(gov, query):
    r = client_for("commerce").get(f"/governance/?{query}")
    assert r.status_code in (200, 400), (query, r.status_code)


def test_page_form_with_superscript_ids_and_far_dates(gov):
    c = client_for("commerce")
    before = snapshot()
    r = c.post(f"/governance/tasks/{gov.measure.pk}/add/", {"title": "x", "lead_unit_id": "²",
                                                         "due_date": "9999-12-31", "weight": "1e30"})
    assert r.status_code in (200, 302, 400)
    assert snapshot() == before
    assert not Task.objects.filter(title="x").exists()


def test_the_governance_export_makes_a_hostile_title_inert(gov):
    from bondzone.governance import exports, services

    services.update_task(actor=gov.actor("commerce"), task_id=gov.measure.pk, data={"title": "=cmd|' /C calc'!A0"})
    body = exports.export_ledger(gov.actor("commerce"), fmt="csv").decode("utf-8-sig")
    assert "'=cmd|' /C calc'!A0" in body and ",=cmd" not in body
