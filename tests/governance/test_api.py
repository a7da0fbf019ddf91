"""The governance API end to end and bad input over HTTP: 4xx with field-level errors, nothing written."""

from __future__ import annotations

import json
from datetime import date, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from bondzone.governance.models import Evidence, ExtensionRequest, ProgressReport, Task

from ..conftest import PASSWORD
from .test_services import snapshot


def client_for(username: str | None) -> Client:
    c = Client()
    if username:
        assert c.login(username=username, password=PASSWORD)
    return c


def send(c, method, path, body=None):
    return c.generic(method, path, json.dumps(body or {}), content_type="application/json")


def fields(r) -> dict:
    return {e["field"]: e["code"] for e in r.json()["errors"]}


def test_task_tree_weights_and_paginated_list(gov):
    c = client_for("commerce")
    root = gov.measure.parent_id
    r = send(c, "POST", "/api/v1/governance/tasks", {"title": "子任务", "parent_id": gov.measure.pk,
                                                    "lead_unit_id": gov.zone_unit.pk, "zone_ids": ["TZ"],
                                                    "start_date": "2025-02-01", "due_date": "2025-06-30"})
    assert r.status_code == 201, r.content
    assert r.json()["zone_ids"] == [gov.world.zone_a.pk] and r.json()["light"] in ("green", "yellow", "red")
    r = c.get("/api/v1/governance/tasks?limit=2")
    assert r.status_code == 200 and r.json()["count"] == 4 and len(r.json()["items"]) == 2
    child = Task.objects.get(title="子任务")
    for query, expected in ((f"parent_id={gov.measure.pk}", {child.pk}), ("q=子任务", {child.pk}),
                            (f"unit_id={gov.zone_unit.pk}", set(Task.objects.filter(lead_unit=gov.zone_unit)
                                                                .values_list("pk", flat=True))),
                            ("status=nonexistent", set())):
        r = c.get(f"/api/v1/governance/tasks?limit=500&{query}")
        assert {t["id"] for t in r.json()["items"]} == expected, query
    r = send(c, "PUT", f"/api/v1/governance/tasks/{root}/weights",
             {"mode": "weighted", "weights": {str(gov.measure.pk): "50", str(gov.other_task.pk): "50"}})
    assert r.status_code == 200 and r.json()["progress_mode"] == "weighted"
    r = send(c, "PATCH", f"/api/v1/governance/tasks/{gov.other_task.pk}", {"progress": "80"})
    assert r.status_code == 200 and r.json()["progress"] == "80.00"
    assert c.get(f"/api/v1/governance/tasks/{root}").json()["progress"] == "40.00"


def test_bad_input_over_http_writes_nothing(gov):
    c = client_for("commerce")
    root = gov.measure.parent_id
    before = snapshot()
    r = send(c, "POST", "/api/v1/governance/tasks", {"title": "x", "start_date": "2025-05-01",
                                                    "due_date": "2025-04-01"})
    assert r.status_code == 400 and fields(r) == {"due_date": "end_before_start"}
    r = send(c, "PATCH", f"/api/v1/governance/tasks/{root}", {"parent_id": gov.measure.pk})
    assert r.status_code == 400 and fields(r) == {"parent_id": "task_cycle"} and "循环" in r.json()["detail"]
    r = send(c, "PUT", f"/api/v1/governance/tasks/{root}/weights",
             {"mode": "weighted", "weights": {str(gov.measure.pk): "50", str(gov.other_task.pk): "40"}})
    assert r.status_code == 400 and fields(r) == {"weights": "weights_not_100"}
    r = send(c, "POST", "/api/v1/governance/tasks", {"title": "x", "progress": "abc"})
    assert r.status_code == 400 and fields(r) == {"progress": "not_a_number"}
    assert snapshot() == before


def test_report_upload_review_and_other_unit_refused(gov):
    z = client_for("zone_a")
    r = z.post(f"/api/v1/governance/tasks/{gov.measure.pk}/reports", {
        "period": "2025Q3", "text": "进展", "progress": "55", "unit_id": gov.zone_unit.pk,
        "files": [SimpleUploadedFile("a.txt", b"alpha"), SimpleUploadedFile("b.txt", b"beta")]})
    assert r.status_code == 201, r.content
    report_id = r.json()["id"]
    assert sorted(e["name"] for e in r.json()["evidence"]) == ["a.txt", "b.txt"]
    ev = Evidence.objects.filter(report_id=report_id).first()
    got = z.get(f"/governance/evidence/{ev.pk}/")
    assert got.status_code == 200 and b"".join(got.streaming_content) in (b"alpha", b"beta")
    assert client_for("tax").get(f"/governance/evidence/{ev.pk}/").status_code == 404
    c = client_for("commerce")
    r = send(c, "POST", f"/api/v1/governance/reports/{report_id}/review", {"decision": "accept"})
    assert r.status_code == 200 and r.json()["status"] == "accepted"
    assert Task.objects.get(pk=gov.measure.pk).progress == 55
    # a unit reporting on a task that is not its own (published, so visible)
    send(c, "PATCH", f"/api/v1/governance/tasks/{gov.other_task.pk}", {"published": True})
    before = snapshot()
    r = z.post(f"/api/v1/governance/tasks/{gov.other_task.pk}/reports", {
        "period": "2025Q3", "text": "x", "progress": "10", "files": [SimpleUploadedFile("c.txt", b"c")]})
    assert r.status_code == 400 and fields(r) == {"task_id": "task_not_of_unit"}
    assert snapshot() == before and ProgressReport.objects.count() == 1
    # the reviewer action is refused to a unit
    r = send(z, "POST", f"/api/v1/governance/reports/{report_id}/review", {"decision": "accept"})
    assert r.status_code == 403


def test_extensions_lists_issues_and_reminders_over_http(gov):
    z, c = client_for("zone_a"), client_for("commerce")
    due = timezone.localdate() + timedelta(days=30)
    send(c, "PATCH", f"/api/v1/governance/tasks/{gov.measure.pk}", {"start_date": None, "due_date": due.isoformat()})
    new_due = (due + timedelta(days=60)).isoformat()
    r = send(z, "POST", f"/api/v1/governance/tasks/{gov.measure.pk}/extensions", {"new_due": new_due, "reason": "延后"})
    assert r.status_code == 201, r.content
    r = send(z, "POST", f"/api/v1/governance/extensions/{r.json()['id']}/decide", {"approve": True})
    assert r.status_code == 403
    ext_id = ExtensionRequest.objects.get().pk
    r = send(c, "POST", f"/api/v1/governance/extensions/{ext_id}/decide", {"approve": True})
    assert r.status_code == 200 and Task.objects.get(pk=gov.measure.pk).due_date.isoformat() == new_due
    r = send(c, "POST", "/api/v1/governance/annual-lists", {"kind": "policies", "year": 2026, "published": True,
                                                          "items": [{"name": "政策一", "lead_unit_id": gov.office.pk}]})
    assert r.status_code == 201 and len(r.json()["items"]) == 1
    list_id = r.json()["id"]
    r = send(c, "POST", f"/api/v1/governance/annual-lists/{list_id}/revise", {"add": [{"name": "政策二"}]})
    assert r.status_code == 201 and r.json()["version"] == 2 and len(r.json()["items"]) == 2
    assert client_for("ent_a").get("/api/v1/governance/annual-lists").json()["count"] == 2
    r = send(z, "POST", "/api/v1/governance/issues", {"title": "问题"})
    assert r.status_code == 201 and r.json()["level"] == "zone"
    issue_id = r.json()["id"]
    r = send(z, "POST", f"/api/v1/governance/issues/{issue_id}/escalate", {"to_level": "national", "reason": "x"})
    assert r.status_code == 400 and fields(r) == {"to_level": "forbidden_action"}
    r = send(c, "POST", f"/api/v1/governance/issues/{issue_id}/decisions",
             {"text": "议定", "lead_unit_id": gov.zone_unit.pk, "due_in_workdays": 5})
    assert r.status_code == 201
    r = send(c, "POST", f"/api/v1/governance/issues/{issue_id}/close")
    assert r.status_code == 400 and fields(r) == {"issue_id": "issue_tasks_open"}
    r1 = send(c, "POST", "/api/v1/governance/reminders/run", {"date": "2025-12-29"})
    r2 = send(c, "POST", "/api/v1/governance/reminders/run", {"date": "2025-12-29"})
    assert r1.status_code == r2.status_code == 200 and r1.json()["created"] > 0 and r2.json()["created"] == 0


def test_scoping_enterprise_sees_only_published_and_anonymous_public_view(gov):
    c = client_for("commerce")
    send(c, "PATCH", f"/api/v1/governance/tasks/{gov.measure.pk}", {"published": True})
    ent = client_for("ent_a")
    ids = {t["id"] for t in ent.get("/api/v1/governance/tasks?limit=500").json()["items"]}
    assert ids == {gov.measure.pk}
    assert ent.get(f"/api/v1/governance/tasks/{gov.other_task.pk}").status_code == 404
    zone_ids = {t["id"] for t in client_for("zone_a").get("/api/v1/governance/tasks?limit=500").json()["items"]}
    assert zone_ids == {gov.measure.pk}  # its unit's task (the root and the other unit's task are hidden)
    anon = client_for(None)
    assert anon.get("/api/v1/governance/tasks").status_code == 401
    public = anon.get("/api/v1/governance/public/tasks").json()
    assert [t["id"] for t in public["items"]] == [gov.measure.pk]


def test_export_and_import_over_http(gov):
    c = client_for("commerce")
    r = c.get("/api/v1/governance/export?format=csv")
    assert r.status_code == 200 and "实现功能特色" in r.content.decode("utf-8-sig")
    edited = r.content.decode("utf-8-sig").replace("实现功能特色", "新标题")
    r = c.post("/api/v1/governance/import", {"file": SimpleUploadedFile("ledger.csv", edited.encode())})
    assert r.status_code == 200 and r.json()["changed"] == 1
    r = c.post("/api/v1/governance/import", {"file": SimpleUploadedFile("ledger.csv", b"id,title\nabc,x\n")})
    assert r.status_code == 400 and r.json()["errors"][0]["code"] == "row"
    assert client_for("zone_a").post("/api/v1/governance/import", {
        "file": SimpleUploadedFile("ledger.csv", edited.encode())}).status_code == 403


def test_review_queue_is_scoped(gov):
    z = client_for("zone_a")
    r = z.post(f"/api/v1/governance/tasks/{gov.measure.pk}/reports", {"period": "2025Q3", "text": "t", "progress": "5"})
    assert r.status_code == 201
    c = client_for("customs")
    c.post(f"/api/v1/governance/tasks/{gov.measure.pk}/reports", {"period": "2025Q3", "text": "c", "progress": "5"})
    queue = client_for("commerce").get("/api/v1/governance/reports?status=submitted").json()
    assert queue["count"] == 2
    assert [x["unit_id"] for x in z.get("/api/v1/governance/reports").json()["items"]] == [gov.zone_unit.pk]
    assert client_for("ent_a").get("/api/v1/governance/reports").json()["count"] == 0
    assert client_for("ent_a").get("/api/v1/governance/extensions").json()["count"] == 0


def test_due_in_working_days_counts_holidays_and_make_up_days(gov):
    c = client_for("commerce")
    r = send(c, "POST", "/api/v1/governance/tasks", {"title": "国庆前后", "start_date": "2025-09-30",
                                                    "due_in_workdays": 3})
    assert r.status_code == 201 and r.json()["due_date"] == "2025-10-11"  # 10-09, 10-10, 10-11 (调休)
    r = send(c, "POST", "/api/v1/governance/tasks", {"title": "x", "due_date": "2025-10-01", "due_in_workdays": 3})
    assert r.status_code == 400 and fields(r) == {"due_date": "decision_due_or_days"}


def test_a_deadline_in_a_year_without_calendar_is_refused_and_the_ledger_warns(gov):
    c = client_for("commerce")
    n = Task.objects.count()
    r = send(c, "POST", "/api/v1/governance/tasks", {"title": "跨年", "start_date": "2026-12-28",
                                                    "due_in_workdays": 5})
    assert r.status_code == 400 and fields(r) == {"due_in_workdays": "calendar_year_missing"}
    assert "2027" in r.json()["errors"][0]["message"] and Task.objects.count() == n
    r = send(c, "POST", "/api/v1/governance/tasks", {"title": "远", "start_date": "0001-01-01", "due_in_workdays": 5})
    assert r.status_code == 400 and fields(r) == {"start_date": "date_out_of_window"}  # refused at the boundary
    # a task due just after New Year 2027: its light is "no calendar" and the ledger page says which year
    r = send(c, "POST", "/api/v1/governance/tasks", {"title": "元旦后", "start_date": "2026-12-01",
                                                    "due_date": "2027-01-06"})
    assert r.status_code == 201
    from bondzone.governance import selectors

    task = Task.objects.get(pk=r.json()["id"])
    assert selectors.task_light(task, today=date(2026, 12, 30)) == "no_calendar"
    assert selectors.task_light(task, today=date(2027, 1, 7)) == "red"
    page = c.get(f"/governance/tasks/{task.pk}/").content.decode()
    assert 'data-testid="calendar-gaps"' in page and "2027" in page
    # once the 2027 notice is in, the same deadline is worked out
    from bondzone.core import services as core_services

    core_services.import_calendar(actor=gov.world.actor("admin"), rows=[{"date": "2027-01-01", "kind": "holiday"}])
    r = send(c, "POST", "/api/v1/governance/tasks", {"title": "跨年", "start_date": "2026-12-28",
                                                    "due_in_workdays": 5})
    assert r.status_code == 201 and r.json()["due_date"] == "2027-01-05"  # 29, 30, 31, (1 off), 4, 5
    assert selectors.task_light(task, today=date(2026, 12, 30)) == "yellow"
    assert 'data-testid="calendar-gaps"' not in c.get(f"/governance/tasks/{task.pk}/").content.decode()


def test_report_retry_with_the_same_idempotency_key_returns_the_first(gov):
    z = client_for("zone_a")
    body = {"period": "2025Q3", "text": "进展", "progress": "15"}

    def post(key, **over):
        data = {**body, **over, "files": [SimpleUploadedFile("a.txt", b"alpha")]}
        return z.post(f"/api/v1/governance/tasks/{gov.measure.pk}/reports", data, HTTP_IDEMPOTENCY_KEY=key)

    first, again = post("k-1"), post("k-1")
    assert first.status_code == again.status_code == 201 and first.json()["id"] == again.json()["id"]
    assert ProgressReport.objects.count() == 1 and Evidence.objects.count() == 1
    clash = post("k-1", progress="16")
    assert clash.status_code == 409 and "progress" in clash.json()["detail"]
    dup = post("k-2")  # a new key for the same period: refused by the one-open-report rule
    assert dup.status_code == 400 and fields(dup) == {"period": "report_exists"}
    assert ProgressReport.objects.count() == 1
