"""Knowledge articles (知识库): written and published by the service centre, linked from requests."""

from __future__ import annotations

import re
from typing import Any

from django.db import transaction
from django.utils import timezone

from bondzone.core import audit
from bondzone.core.actor import Actor
from bondzone.core.domain.errors import DomainError, Problem, problem
from bondzone.core.domain.inputs import as_id
from bondzone.core.scoping import get_scoped

from ..models import Article, Category
from .inputs import text as _text

BODY_MAX = 20000
TAGS_MAX = 200
_TAG_SEPARATORS = re.compile(r"[,，、;；]")


def article_snapshot(a: Article) -> dict:
    return {"title": a.title, "title_en": a.title_en, "body": a.body, "body_en": a.body_en,
            "category": a.category_id, "tags": a.tags, "published": a.published}


def _tags(value: Any, problems: list[Problem]) -> str:
    raw = value if isinstance(value, list | tuple) else _TAG_SEPARATORS.split(str(value or ""))
    tags = list(dict.fromkeys(t for t in (str(t).strip() for t in raw) if t))
    joined = ", ".join(tags)
    if len(joined) > TAGS_MAX:
        problems.append(problem("tags", "too_long", max=TAGS_MAX))
    return joined


def _category(value: Any, problems: list[Problem]) -> Category | None:
    if value in (None, ""):
        return None
    try:
        return Category.objects.get(pk=as_id(value))
    except Category.DoesNotExist:
        problems.append(problem("category_id", "not_found", model="category", id=str(value)[:40]))
        return None


def _article_values(data: dict, creating: bool) -> tuple[dict, list[Problem]]:
    problems: list[Problem] = []
    values: dict[str, Any] = {}
    if creating or "title" in data:
        values["title"] = _text(data.get("title"), "title", 200, problems, required=True)
    if creating or "body" in data:
        values["body"] = _text(data.get("body"), "body", BODY_MAX, problems, required=True)
    if "title_en" in data:
        values["title_en"] = _text(data.get("title_en"), "title_en", 200, problems)
    if "body_en" in data:
        values["body_en"] = _text(data.get("body_en"), "body_en", BODY_MAX, problems)
    if "category_id" in data:
        values["category"] = _category(data.get("category_id"), problems)
    if "tags" in data:
        values["tags"] = _tags(data.get("tags"), problems)
    return values, problems


def create_article(*, actor: Actor, data: dict) -> Article:
    """A draft unless `published` is true."""
    actor.require("servicedesk.write_knowledge")
    values, problems = _article_values(data, creating=True)
    if problems:
        raise DomainError(problems)
    with transaction.atomic(durable=True):
        article = Article.objects.create(**values, published=bool(data.get("published")),
                                         updated_at=timezone.now(), updated_by_id=actor.user_id)
        audit.record(actor, "servicedesk.article.create", article, after=article_snapshot(article))
    return article


def update_article(*, actor: Actor, article_id: int, data: dict) -> Article:
    """Change the text, category or tags; publishing is its own step (publish_article)."""
    actor.require("servicedesk.write_knowledge")
    get_scoped(Article, actor, article_id, action="change")
    values, problems = _article_values(data, creating=False)
    if problems:
        raise DomainError(problems)
    with transaction.atomic(durable=True):
        article = Article.objects.select_for_update().get(pk=article_id)
        before = article_snapshot(article)
        for name, value in values.items():
            setattr(article, name, value)
        after = article_snapshot(article)
        changed = [k for k in after if after[k] != before[k]]
        if changed:
            article.updated_at, article.updated_by_id = timezone.now(), actor.user_id
            article.save()
            audit.record(actor, "servicedesk.article.update", article, before={k: before[k] for k in changed},
                         after={k: after[k] for k in changed})
    return article


def publish_article(*, actor: Actor, article_id: int, published: bool) -> Article:
    """Publish (enterprises can read it) or take back to draft; a no-op when already so."""
    actor.require("servicedesk.write_knowledge")
    get_scoped(Article, actor, article_id, action="change")
    with transaction.atomic(durable=True):
        article = Article.objects.select_for_update().get(pk=article_id)
        if article.published != published:
            article.published = published
            article.updated_at, article.updated_by_id = timezone.now(), actor.user_id
            article.save()
            audit.record(actor, "servicedesk.article.publish" if published else "servicedesk.article.unpublish",
                         article, before={"published": not published}, after={"published": published})
    return article
