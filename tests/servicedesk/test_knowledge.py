"""The knowledge base: writers draft and publish, everyone logged in reads and searches published answers,
handlers link one to a request and the enterprise follows the link."""

from __future__ import annotations

import pytest
from django.test import Client

from bondzone.core.domain.errors import Forbidden
from bondzone.core.models import AuditEvent
from bondzone.servicedesk import services
from bondzone.servicedesk.models import Article, ServiceRequest

from ..conftest import PASSWORD
from .conftest import refused

API = "/api/v1/servicedesk/knowledge"


def client(user):
    c = Client()
    assert c.login(username=user, password=PASSWORD)
    return c


def write(desk, published=True, **data):
    body = {"title": "保税仓库入库申报流程", "title_en": "Declaring goods into a bonded warehouse",
            "body": "先在金关二期系统录入核注清单。", "body_en": "First enter the verification list in the system.",
            "category_id": desk.category.pk, "tags": "入库，bonded, 核注清单"}
    body.update(data)
    return services.create_article(actor=desk.world.actor("zone_a"), data={**body, "published": published})


def test_search_finds_by_chinese_and_english_words(desk):
    article = write(desk)
    write(desk, title="出口退税", title_en="Export tax refund", body="退税", body_en="refund", tags="tax",
          category_id="")
    ent = client("ent_a")
    for q in ("入库申报", "bonded warehouse", "核注清单", "VERIFICATION"):
        rows = ent.get(API, {"q": q}).json()["items"]
        assert [r["id"] for r in rows] == [article.pk], q
    assert rows[0]["tags"] == ["入库", "bonded", "核注清单"] and rows[0]["category_id"] == desk.category.pk
    assert ent.get(API, {"q": "仓库 refund"}).json()["count"] == 0  # every word must match
    assert ent.get(API, {"category_id": desk.category.pk}).json()["count"] == 1
    assert article.tag_list == ["入库", "bonded", "核注清单"]
    page = ent.get("/services/knowledge/", {"q": "bonded"})
    assert page.status_code == 200 and "保税仓库入库申报流程" in page.content.decode()
    assert "出口退税" not in page.content.decode()
    empty = ent.get("/services/knowledge/", {"q": "不存在的词"}).content.decode()
    assert 'id="no-articles"' in empty and "没有匹配的文章" in empty


def test_drafts_are_hidden_from_enterprises(desk):
    draft = write(desk, published=False)
    ent = client("ent_a")
    assert ent.get(f"{API}/{draft.pk}").status_code == 404
    assert ent.get(f"/services/knowledge/{draft.pk}/").status_code == 404
    assert ent.get(API).json()["count"] == 0
    writer = client("zone_a")
    assert writer.get(f"{API}/{draft.pk}").json()["published"] is False
    assert writer.post(f"/services/knowledge/{draft.pk}/publish/", {"published": "1"}).status_code == 302
    assert ent.get(f"{API}/{draft.pk}").json()["title"] == draft.title
    actions = list(AuditEvent.objects.filter(action__startswith="servicedesk.article").values_list("action", flat=True))
    assert sorted(actions) == ["servicedesk.article.create", "servicedesk.article.publish"]
    assert writer.patch(f"{API}/{draft.pk}", {"published": False}, content_type="application/json").status_code == 200
    assert ent.get(f"{API}/{draft.pk}").status_code == 404
    assert AuditEvent.objects.filter(action="servicedesk.article.unpublish").count() == 1


def test_enterprise_may_not_write(desk):
    before = (Article.objects.count(), AuditEvent.objects.count())
    r = client("ent_a").post(API, {"title": "t", "body": "b"}, content_type="application/json")
    assert r.status_code == 403
    assert client("ent_a").post("/services/knowledge/new/", {"title": "t", "body": "b"}).status_code == 403
    assert (Article.objects.count(), AuditEvent.objects.count()) == before
    with pytest.raises(Forbidden):
        services.create_article(actor=desk.world.actor("customs_a"), data={"title": "t", "body": "b"})


def test_bad_input_is_refused_field_by_field(desk):
    fields = refused(services.create_article, None, actor=desk.world.actor("zone_a"),
                     data={"title": " ", "body": "x" * 100_000, "category_id": "999999", "tags": "t" * 300})
    assert fields == {"title": "required", "body": "too_long", "category_id": "not_found", "tags": "too_long"}
    r = client("zone_a").post(API, {"title": "", "body": "x" * 100_000}, content_type="application/json")
    assert r.status_code == 400 and {e["field"] for e in r.json()["errors"]} == {"title", "body"}
    assert Article.objects.count() == 0
    article = write(desk)
    r = client("zone_a").patch(f"{API}/{article.pk}", {"title": ""}, content_type="application/json")
    assert r.status_code == 400 and Article.objects.get().title == article.title


def test_form_shows_refusals_under_the_inputs(desk):
    writer = client("zone_a")
    r = writer.post("/services/knowledge/new/", {"title": "", "body": "正文", "tags": "x"}, follow=True)
    html = r.content.decode()
    assert 'id="article-title-error"' in html and "正文" in html
    assert Article.objects.count() == 0
    r = writer.post("/services/knowledge/new/", {"title": "标题", "body": "正文"})
    article = Article.objects.get()
    assert r.status_code == 302 and article.published is False and article.updated_by.username == "zone_a"
    r = writer.post(f"/services/knowledge/{article.pk}/edit/", {"title": "新标题", "body": "正文"})
    assert r.status_code == 302 and Article.objects.get().title == "新标题"
    assert AuditEvent.objects.filter(action="servicedesk.article.update").count() == 1


def test_handler_links_a_published_article_and_the_enterprise_follows_it(desk):
    req = desk.file()
    article = write(desk)
    draft = write(desk, published=False, title="草稿")
    customs = client("customs_a")
    page = customs.get(f"/services/requests/{req.pk}/").content.decode()
    assert 'id="do-link-article"' in page and "草稿" not in page
    customs.post(f"/services/requests/{req.pk}/article/", {"article_id": draft.pk})
    assert ServiceRequest.objects.get(pk=req.pk).article_id is None
    refused(services.link_article, None, actor=desk.world.actor("tax"), request_id=req.pk, article_id=article.pk)
    assert customs.post(f"/services/requests/{req.pk}/article/", {"article_id": article.pk}).status_code == 302
    assert ServiceRequest.objects.get(pk=req.pk).article_id == article.pk
    assert AuditEvent.objects.filter(action="servicedesk.request.article").count() == 1
    html = client("ent_a").get(f"/services/requests/{req.pk}/").content.decode()
    assert f'href="/services/knowledge/{article.pk}/"' in html
    services.publish_article(actor=desk.world.actor("zone_a"), article_id=article.pk, published=False)
    html = client("ent_a").get(f"/services/requests/{req.pk}/").content.decode()
    assert 'id="linked-article"' not in html


def test_the_link_to_a_request_through_the_api_and_the_cli(desk):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    req = desk.file()
    article = write(desk)
    draft = write(desk, published=False, title="草稿")
    url = f"/api/v1/servicedesk/requests/{req.pk}/article"
    customs = client("customs_a")
    before = (ServiceRequest.objects.get(pk=req.pk).article_id, AuditEvent.objects.count())
    r = customs.post(url, {"article_id": draft.pk}, content_type="application/json")
    assert r.status_code == 400 and r.json()["errors"][0]["code"] == "article_not_published"
    assert client("tax").post(url, {"article_id": article.pk}, content_type="application/json").status_code == 404
    assert client("ent_a").post(url, {"article_id": article.pk}, content_type="application/json").status_code == 403
    assert (ServiceRequest.objects.get(pk=req.pk).article_id, AuditEvent.objects.count()) == before
    r = customs.post(url, {"article_id": article.pk}, content_type="application/json")
    assert r.status_code == 200 and ServiceRequest.objects.get(pk=req.pk).article_id == article.pk
    # the CLI takes the same step
    other = write(desk, title="另一篇")
    with pytest.raises(CommandError):
        call_command("service_request", "--user", "customs_a", "act", req.number, "article", "--article-id", "999999")
    call_command("service_request", "--user", "customs_a", "act", req.number, "article", "--article-id", str(other.pk))
    assert ServiceRequest.objects.get(pk=req.pk).article_id == other.pk
    assert AuditEvent.objects.filter(action="servicedesk.request.article").count() == 2
