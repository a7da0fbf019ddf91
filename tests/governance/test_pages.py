"""Pages: the ledger tree with lights and filters, print view, dashboards, public view, forms, demo data."""

from __future__ import annotations

import random

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from bondzone.governance import selectors, services
from bondzone.governance.models import ProgressReport, Task

from ..conftest import PASSWORD


def client_for(username: str | None) -> Client:
    c = Client()
    if username:
        assert c.login(username=username, password=PASSWORD)
    return c


def test_ledger_is_a_tree_with_bars_lights_and_filters(gov):
    c = client_for("commerce")
    html = c.get("/governance/").content.decode()
    root, a, b = gov.measure.parent_id, gov.measure.pk, gov.other_task.pk
    assert html.index(f'data-task="{root}"') < html.index(f'data-task="{a}"') < html.index(f'data-task="{b}"')
    assert 'class="depth-1' in html and 'role="progressbar"' in html and 'data-light="' in html
    filtered = c.get(f"/governance/?unit={gov.other.pk}").content.decode()
    assert f'data-task="{b}"' in filtered and f'data-task="{a}"' not in filtered
    assert f'class="depth-0 context" data-task="{root}"' in filtered  # ancestor kept as context
    assert "/governance/print/" in html and "format=xlsx" in html


def test_ledger_query_count_does_not_grow_with_tasks(gov):
    c = client_for("commerce")
    c.get("/governance/")
    with CaptureQueriesContext(connection) as small:
        assert c.get("/governance/").status_code == 200
    for i in range(30):
        services.create_task(actor=gov.actor("commerce"), data={
            "title": f"t{i}", "parent_id": gov.measure.pk, "lead_unit_id": gov.zone_unit.pk,
            "co_unit_ids": [gov.customs_unit.pk], "zone_ids": ["TZ"]})
    with CaptureQueriesContext(connection) as big:
        assert c.get("/governance/").status_code == 200
    assert len(big.captured_queries) == len(small.captured_queries)


def test_print_view_and_exports(gov):
    c = client_for("tax")
    r = c.get("/governance/print/")
    assert r.status_code == 200 and b"governance.css" in r.content and b"data-print" in r.content
    r = c.get("/governance/export/?format=xlsx")
    assert r.status_code == 200 and r.content[:2] == b"PK"


def test_leadership_dashboard_uses_vendored_echarts(gov):
    r = client_for("commerce").get("/governance/leadership/")
    html = r.content.decode()
    assert r.status_code == 200 and "bondzone/vendor/echarts.min.js" in html and 'id="chart-data"' in html
    assert "cdn" not in html.lower()
    assert client_for("ent_a").get("/governance/leadership/").status_code == 403


def test_public_view_shows_only_published_without_login(gov):
    services.update_task(actor=gov.actor("commerce"), task_id=gov.measure.pk,
                         data={"published": True, "public_summary": "公开摘要"})
    html = client_for(None).get("/governance/public/").content.decode()
    assert "实现功能特色" in html and "公开摘要" in html and "鼓励拓展保税服务" not in html
    r = client_for("ent_a").get("/governance/")
    assert r.status_code == 302 and r["Location"].endswith("/governance/public/")


def test_unit_dashboard_and_report_form_with_evidence(gov):
    z = client_for("zone_a")
    r = z.get("/governance/my/")
    assert r.status_code == 302 and r["Location"].endswith(f"/governance/units/{gov.zone_unit.pk}/")
    html = z.get(r["Location"]).content.decode()
    assert "实现功能特色" in html and "鼓励拓展保税服务" not in html
    page = z.get(f"/governance/tasks/{gov.measure.pk}/").content.decode()
    assert 'enctype="multipart/form-data"' in page
    r = z.post(f"/governance/tasks/{gov.measure.pk}/report/", {
        "unit_id": gov.zone_unit.pk, "period": "2025Q4", "progress": "30", "text": "进展",
        "files": SimpleUploadedFile("证据.txt", "证据".encode())})
    assert r.status_code == 302
    report = ProgressReport.objects.get()
    assert report.evidence.get().name == "证据.txt"
    c = client_for("commerce")
    assert 'value="accept"' in c.get(f"/governance/tasks/{gov.measure.pk}/").content.decode()
    c.post(f"/governance/reports/{report.pk}/review/", {"decision": "accept"})
    assert Task.objects.get(pk=gov.measure.pk).progress == 30
    # a bad form post shows the error and writes nothing
    r = z.post(f"/governance/tasks/{gov.measure.pk}/report/", {"unit_id": gov.zone_unit.pk, "period": "x",
                                                              "progress": "30", "text": "t"}, follow=True)
    assert ProgressReport.objects.count() == 1 and "YYYY-MM" in r.content.decode()


@pytest.mark.parametrize("language, mode", [("zh-hans", "（子任务平均）"), ("en", "(average of sub-tasks)")])
def test_report_form_only_where_the_readers_unit_may_report(gov, language, mode):
    """The report form offers the reader's units the task is assigned to, and only on a task whose progress
    units report (not on a parent that computes it, nor on another unit's task); the refusal on a parent
    names its roll-up in words."""
    root = gov.measure.parent
    Task.objects.filter(pk=root.pk).update(lead_unit=gov.office)
    Task.objects.filter(pk=gov.other_task.pk).update(published=True)  # another unit's task, readable by all
    customs = client_for("customs")  # member of the measure's co-unit only
    customs.cookies["django_language"] = language
    own = customs.get(f"/governance/tasks/{gov.measure.pk}/").content.decode()
    assert 'id="report-form"' in own and f'<option value="{gov.customs_unit.pk}"' in own
    assert 'id="extension-form"' in own
    other = customs.get(f"/governance/tasks/{gov.other_task.pk}/")
    assert other.status_code == 200
    assert 'id="report-form"' not in other.content.decode() and 'id="extension-form"' not in other.content.decode()
    c = client_for("commerce")
    c.cookies["django_language"] = language
    parent = c.get(f"/governance/tasks/{root.pk}/").content.decode()
    assert 'id="report-form"' not in parent and 'data-testid="report-note"' in parent and mode in parent
    r = c.post(f"/api/v1/governance/tasks/{root.pk}/reports", {"period": "2025Q4", "text": "t", "progress": "5"},
               HTTP_ACCEPT_LANGUAGE=language)
    message = r.json()["errors"][0]["message"]
    assert r.status_code == 400 and mode in message and "average)" not in message.replace(mode, "")
    assert ProgressReport.objects.count() == 0


def test_pages_of_issues_lists_and_404_for_invisible(gov):
    issue = services.raise_issue(actor=gov.actor("zone_a"), title="难点")
    assert client_for("zone_a").get(f"/governance/issues/{issue.pk}/").status_code == 200
    assert client_for("tax").get(f"/governance/issues/{issue.pk}/").status_code == 404
    r = client_for("zone_a").post(f"/governance/issues/{issue.pk}/escalate/", {"to_level": "district", "reason": "r"})
    assert r.status_code == 302
    issue.refresh_from_db()
    assert issue.level == "district"
    assert client_for("commerce").get("/governance/lists/").status_code == 200


def test_demo_loads_the_ledger(db):
    from bondzone.core import demo as core_demo
    from bondzone.governance import demo

    rng = random.Random(1)
    core_demo.load(rng)
    demo.load_demo(rng)
    # 2 sections, 5 groups, 17 measures from the text; 三(二) and 三(三) expanded per district / zone
    assert Task.objects.filter(policy__isnull=False, expanded_from__isnull=True).count() == 24
    assert Task.objects.filter(parent__code="三(二)", expanded_from__isnull=False).count() == 3
    assert Task.objects.filter(parent__code="三(三)", expanded_from__isnull=False).count() == 7
    assert Task.objects.get(code="二(一)2").progress_mode == "weighted"
    assert ProgressReport.objects.filter(status="accepted").exists()
    assert ProgressReport.objects.filter(status="returned").exists()
    c = Client()
    assert c.login(username="zone_tz", password=core_demo.DEMO_PASSWORD)
    assert c.get("/governance/").status_code == 200
    html = c.get("/governance/my/", follow=True).content.decode()
    assert "北京天竺综合保税区管理委员会" in html
    assert c.get("/governance/issues/").content.decode().count("天竺综保区冷链查验场地不足") == 1


def test_pages_and_errors_in_chinese_by_default_and_english_on_request(gov):
    c = client_for("commerce")
    assert "政策任务台账" in c.get("/governance/").content.decode()
    assert "Policy task ledger" in c.get("/governance/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    r = c.generic("PATCH", f"/api/v1/governance/tasks/{gov.measure.parent_id}", f'{{"parent_id": {gov.measure.pk}}}',
                  content_type="application/json")
    assert "循环" in r.json()["detail"]
    r = c.generic("PATCH", f"/api/v1/governance/tasks/{gov.measure.parent_id}", f'{{"parent_id": {gov.measure.pk}}}',
                  content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")
    assert "cycle" in r.json()["detail"]


def test_office_edits_weights_and_adds_sub_tasks_through_the_task_page(gov):
    c = client_for("commerce")
    root = gov.measure.parent_id
    page = c.get(f"/governance/tasks/{root}/").content.decode()
    assert 'id="weights-form"' in page and f'name="weight_{gov.measure.pk}"' in page
    r = c.post(f"/governance/tasks/{root}/weights/", {"mode": "weighted", f"weight_{gov.measure.pk}": "70",
                                                      f"weight_{gov.other_task.pk}": "20"}, follow=True)
    assert Task.objects.get(pk=root).progress_mode == "average"  # refused: 70 + 20 ≠ 100
    assert "100" in r.content.decode()
    c.post(f"/governance/tasks/{root}/weights/", {"mode": "weighted", f"weight_{gov.measure.pk}": "70",
                                                  f"weight_{gov.other_task.pk}": "30"})
    assert Task.objects.get(pk=root).progress_mode == "weighted"
    c.post(f"/governance/tasks/{gov.measure.pk}/add/", {"title": "分解任务", "due_date": "2025-06-30"})
    child = Task.objects.get(title="分解任务")
    assert child.parent_id == gov.measure.pk and child.zones.get().code == "TZ"
    c.post(f"/governance/tasks/{child.pk}/edit/", {"status": "completed", "progress": "100", "published_present": "1"})
    child.refresh_from_db()
    assert child.status == "completed" and child.progress == 100 and not child.published
    assert client_for("zone_a").post(f"/governance/tasks/{child.pk}/edit/", {"title": "x"}).status_code == 404
    assert client_for("zone_a").post(f"/governance/tasks/{gov.measure.pk}/edit/", {"title": "x"}).status_code == 403


def test_issue_raised_and_decided_through_pages(gov):
    z, c = client_for("zone_a"), client_for("commerce")
    r = z.post("/governance/issues/new/", {"title": "园区配套不足", "description": "d"})
    issue = selectors.issues(gov.actor("commerce")).get(title="园区配套不足")
    assert r.status_code == 302 and r["Location"].endswith(f"/governance/issues/{issue.pk}/")
    c.post(f"/governance/issues/{issue.pk}/decide/", {"text": "区政府牵头解决", "lead_unit_id": gov.zone_unit.pk,
                                                      "due_in_workdays": "5"})
    d = issue.decisions.get()
    assert d.task.lead_unit_id == gov.zone_unit.pk and d.task.due_date is not None
    assert client_for("tax").post("/governance/issues/new/", {"title": "x"}).status_code == 403


def test_parent_rows_show_the_worst_light_below_them(gov):
    from datetime import timedelta

    from django.utils import timezone

    commerce = gov.actor("commerce")
    yesterday = timezone.localdate() - timedelta(days=1)
    services.update_task(actor=commerce, task_id=gov.other_task.pk,
                         data={"start_date": yesterday - timedelta(days=30), "due_date": yesterday})
    services.update_task(actor=commerce, task_id=gov.measure.pk,
                         data={"start_date": None, "due_date": yesterday + timedelta(days=400)})
    rows = {r.task.pk: r for r in selectors.ledger(commerce)}
    assert rows[gov.measure.pk].light == "green"
    assert rows[gov.other_task.pk].light == "red"
    assert rows[gov.measure.parent_id].light == "red"  # no deadline of its own, but a red child
    assert selectors.light_counts(list(rows.values()))["red"] == 1  # counted once, at the leaf
    red = [r.task.pk for r in selectors.ledger(commerce, light_filter="red") if r.matched]
    assert red == [gov.measure.parent_id, gov.other_task.pk]


def test_public_view_lists_items_of_published_lists_only(gov):
    commerce = gov.actor("commerce")
    services.create_annual_list(actor=commerce, kind="projects", year=2026, published=True,
                                items=[{"name": "公开项目", "zone": "TZ"}])
    services.create_annual_list(actor=commerce, kind="policies", year=2026, published=False,
                                items=[{"name": "内部政策"}])
    html = client_for(None).get("/governance/public/").content.decode()
    assert "公开项目" in html and "内部政策" not in html


def test_lead_unit_is_not_its_own_co_unit(gov):
    t = services.create_task(actor=gov.actor("commerce"), data={
        "title": "x", "lead_unit_id": gov.zone_unit.pk, "co_unit_ids": [gov.zone_unit.pk, gov.other.pk, gov.other.pk]})
    assert list(t.co_units.values_list("pk", flat=True)) == [gov.other.pk]


def test_unit_dashboard_lists_reports_due_and_evidence_types_are_checked(gov):
    from bondzone.core.domain.errors import DomainError
    from bondzone.governance.domain.schedule import period_of
    from django.utils import timezone

    zone = gov.actor("zone_a")
    period = period_of(timezone.localdate(), "quarterly")
    data = selectors.unit_dashboard(zone, gov.zone_unit.pk)
    assert [(t.pk, p) for t, p in data["reports_due"]] == [(gov.measure.pk, period)]
    try:
        services.submit_report(actor=zone, task_id=gov.measure.pk, unit_id=gov.zone_unit.pk, period=period,
                               text="t", progress="5", files=[SimpleUploadedFile("run.exe", b"MZ")])
    except DomainError as exc:
        assert [(p.field, p.code) for p in exc.problems] == [("files[1]", "file_type_not_allowed")]
    else:
        raise AssertionError("an .exe was accepted as evidence")
    services.submit_report(actor=zone, task_id=gov.measure.pk, unit_id=gov.zone_unit.pk, period=period,
                           text="t", progress="5", files=[SimpleUploadedFile("scan.PDF", b"%PDF")])
    assert selectors.unit_dashboard(zone, gov.zone_unit.pk)["reports_due"] == []
