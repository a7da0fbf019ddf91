"""Pages every part shares: the public landing page, error pages, favicon, where each role lands, names for
codes, one date format per language, links a reader may not open shown as text."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import formats, translation

from bondzone.core import labels
from bondzone.core.error_pages import server_error
from bondzone.governance.models import AnnualList, Task

from ..conftest import PASSWORD
from ..governance.conftest import build_gov


def client_for(username: str | None, language: str = "zh-hans") -> Client:
    c = Client()
    c.cookies["django_language"] = language
    if username:
        assert c.login(username=username, password=PASSWORD)
    return c


def text(response) -> str:
    return response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("language, title", [("zh-hans", "公开信息"), ("en", "Public information")])
def test_visitor_gets_a_public_landing_page_linked_from_login(language, title):
    c = client_for(None, language)
    page = c.get("/")
    assert page.status_code == 200 and f"<title>{title}" in text(page)
    for href in ("/governance/public/", "/evaluation/public/", "/api/v1/docs", "/login/"):
        assert f'href="{href}"' in text(page)
    assert 'href="/"' in text(c.get("/login/"))


@pytest.mark.parametrize("user, target", [
    ("customs", "/supervision/queue/"), ("commerce", "/governance/"), ("market", "/governance/"),
    ("ent_a", "/supervision/"), ("zone_a", "/supervision/"), ("tax", "/supervision/"), ("admin", "/supervision/"),
])
def test_each_role_lands_where_its_work_is(world, user, target):
    r = client_for(user).get("/")
    assert r.status_code == 302 and r["Location"] == target
    assert client_for(user).get(target).status_code == 200


@pytest.mark.parametrize("language, words", [("zh-hans", "页面不存在"), ("en", "Page not found")])
def test_404_is_a_translated_page_with_the_navigation(world, language, words):
    for user in (None, "ent_a"):
        r = client_for(user, language).get("/no-such-page/")
        body = text(r)
        assert r.status_code == 404 and 'data-status="404"' in body and words in body
        assert 'aria-label="' in body and 'href="/governance/' in body  # the menu is there
    logged_in = text(client_for("ent_a", language).get("/supervision/books/999999/"))
    assert 'data-testid="whoami"' in logged_in and words in logged_in


@pytest.mark.parametrize("language, words", [("zh-hans", "无权"), ("en", "may not")])
def test_403_names_the_reason_in_the_page_language(world, language, words):
    r = client_for("zone_a", language).get("/governance/import/")
    assert r.status_code == 403 and 'data-status="403"' in text(r) and words in text(r)
    assert 'data-testid="whoami"' in text(r)


@pytest.mark.django_db
@pytest.mark.parametrize("language, words", [("zh-hans", "出错了"), ("en", "Something went wrong")])
def test_500_page_needs_no_database_query(language, words):
    request = RequestFactory().get("/anything/")
    with translation.override(language), CaptureQueriesContext(connection) as queries:
        r = server_error(request)
    body = r.content.decode()
    assert r.status_code == 500 and words in body and 'href="/governance/public/"' in body
    assert len(queries.captured_queries) == 0


@pytest.mark.django_db
def test_favicon_is_served_without_an_external_fetch():
    c = client_for(None)
    assert 'rel="icon" href="/static/bondzone/favicon.svg"' in text(c.get("/login/"))
    r = c.get("/favicon.ico")
    assert r.status_code == 301 and r["Location"].endswith("/static/bondzone/favicon.svg")
    svg = c.get("/static/bondzone/favicon.svg")
    assert svg.status_code == 200 and b"<svg" in b"".join(svg.streaming_content)


@pytest.mark.django_db
def test_codes_have_names_in_the_reader_language():
    with translation.override("zh-hans"):
        assert labels.name("role", "customs") == "海关"
        assert labels.name("audit_action", "report.submit") == "提交进展报告"
        assert labels.name("object_type", "governance.task") == Task._meta.verbose_name
        assert labels.name("progress_mode", "average") == "子任务平均"
    with translation.override("en"):
        assert labels.name("role", "customs") == "customs"
        assert labels.name("audit_action", "report.submit") == "progress report submitted"
    assert labels.name("role", "no_such_role") == "no_such_role"  # never hidden
    assert labels.name("no_such_kind", "x") == "x" and labels.name("role", None) == ""
    assert labels.coded("nothing", "007") == "007"


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_dates_have_one_format_per_language(language):
    with translation.override(language):
        assert formats.date_format(date(2026, 3, 9)) == "2026-03-09"
        assert formats.date_format(datetime(2026, 3, 9, 14, 5), "DATETIME_FORMAT") == "2026-03-09 14:05"


def test_audit_trail_shows_names_not_codes_and_filters_by_object(world):
    gov = build_gov(world)
    c = client_for("commerce")
    body = text(c.get("/sharing/audit/"))
    assert '<td title="task.create">新建任务</td>' in body and "<td>task.create</td>" not in body
    assert '<td class="nowrap">市商务局（两区办）</td>' in body and '<td class="nowrap">commerce</td>' not in body
    one = text(c.get(f"/sharing/audit/?object_type=governance.task&object_id={gov.measure.pk}"))
    assert 'data-testid="object-filter"' in one and one.count("<tr>") == 2  # header + its creation


def test_organisational_unit_and_annual_list_kind_have_their_own_words(world):
    gov = build_gov(world)
    AnnualList.objects.create(year=2026, kind="project", version=1, published=True)
    c = client_for("commerce")
    ledger = text(c.get("/governance/"))
    assert "单位<br>" in ledger and "计量单位" not in ledger
    lists = text(c.get("/governance/lists/"))
    assert "清单类别" in lists and "料件/成品" not in lists
    assert gov


def test_a_parent_the_reader_may_not_open_is_text_not_a_link(world):
    gov = build_gov(world)
    Task.objects.filter(pk=gov.measure.pk).update(published=True)
    Task.objects.filter(pk=gov.measure.parent_id).update(published=False)
    page = text(client_for("ent_a").get(f"/governance/tasks/{gov.measure.pk}/"))
    parent = page.split('data-testid="parent">', 1)[1].split("</dd>", 1)[0]
    assert "主要任务" in parent and "<a " not in parent
    assert client_for("ent_a").get(f"/governance/tasks/{gov.measure.parent_id}/").status_code == 404
    manager = text(client_for("commerce").get(f"/governance/tasks/{gov.measure.pk}/"))
    assert f'href="/governance/tasks/{gov.measure.parent_id}/"' in manager


def test_task_page_links_to_its_audit_events(world):
    gov = build_gov(world)
    c = client_for("commerce")
    page = text(c.get(f"/governance/tasks/{gov.measure.pk}/"))
    href = page.split('data-testid="audit-link"', 1)[0].rsplit('href="', 1)[1].split('"', 1)[0].replace("&amp;", "&")
    assert href == f"/sharing/audit/?object_type=governance.task&object_id={gov.measure.pk}"
    events = text(c.get(href))
    assert '<td title="task.create">新建任务</td>' in events and events.count("<tr>") == 2
