"""The error page for a GET on a POST-only page (405) and for a page export asked in a format it is not
written in (400): the project's page in the reader's language, with a way back, not a blank or bare-text
answer."""

from __future__ import annotations

import pytest
from django.test import Client

from ..conftest import PASSWORD

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def client_for(name: str) -> Client:
    c = Client()
    assert c.login(username=name, password=PASSWORD)
    return c


@pytest.mark.parametrize("headers, title, explanation", [
    (ZH, "不能这样打开", "此地址只接收从其页面提交的表单"),
    (EN, "Not opened this way", "This address only takes a form sent from its page"),
])
def test_get_on_a_post_only_page_is_the_error_page_in_the_readers_language(world, headers, title, explanation):
    r = client_for("commerce").get("/evaluation/values/new", **headers)
    body = r.content.decode()
    assert r.status_code == 405 and r["Allow"] == "POST"
    assert 'data-testid="error-page" data-status="405"' in body and title in body and explanation in body
    assert 'data-testid="error-back"' in body and 'href="/evaluation/values/"' in body  # the page above it


@pytest.mark.parametrize("user, path", [
    ("zone_a", "/calendar/import/"),  # require_POST outside `page`
    ("commerce", "/evaluation/values/compute"),  # require_POST inside `page`
    ("customs", "/gate/slips/1/approve/"),  # a view answering HttpResponseNotAllowed itself
])
def test_every_kind_of_post_only_page_answers_with_the_page(world, user, path):
    r = client_for(user).get(path, **EN)
    assert r.status_code == 405 and r["Allow"] == "POST"
    assert 'data-status="405"' in r.content.decode()


def test_the_way_back_is_the_page_the_reader_came_from_on_this_site(world):
    c = client_for("zone_a")
    r = c.get("/calendar/import/", HTTP_REFERER="http://testserver/calendar/2027/", **EN)
    assert 'href="http://testserver/calendar/2027/"' in r.content.decode()
    r = c.get("/calendar/import/", HTTP_REFERER="https://elsewhere.example/", **EN)
    assert "elsewhere.example" not in r.content.decode() and 'href="/calendar/"' in r.content.decode()


def test_the_api_keeps_its_own_405(world):
    r = client_for("admin").get("/api/v1/calendar/import", **EN)
    assert r.status_code == 405 and "error-page" not in r.content.decode()


@pytest.mark.parametrize("headers, sentence", [
    (ZH, "没有“doc”格式的导出：请选择 csv, xlsx, json。"),
    (EN, "There is no export as “doc”: choose csv, xlsx, json."),
])
def test_an_export_in_an_unknown_format_is_the_400_page_naming_the_formats(world, headers, sentence):
    r = client_for("zone_a").get("/calendar/2026/export/?format=doc", **headers)
    body = r.content.decode()
    assert r.status_code == 400 and r["Content-Type"].startswith("text/html")
    assert 'data-status="400"' in body and sentence in body


@pytest.mark.parametrize("user, path, formats", [
    ("commerce", "/evaluation/values/export?format=pdf", "csv, xlsx, json"),
    ("ent_a", "/supervision/lists/import/template/?format=json", "csv, xlsx"),
    ("admin", "/sharing/audit/export/?format=json", "csv, xlsx"),
    ("admin", "/governance/export/?format=exe", "csv, xlsx, json"),
])
def test_each_page_export_names_its_own_formats(world, user, path, formats):
    r = client_for(user).get(path, **EN)
    assert r.status_code == 400 and f": choose {formats}." in r.content.decode()
