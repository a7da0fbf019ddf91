"""PATCH of a category, a knowledge article and a project: an explicit null is refused on the fields that need a
value (a category's kind became "help" and active false, a project's zone the user's own, an article's published
was kept), nothing written; it clears the fields that may be empty."""

import pytest

from bondzone.servicedesk import services
from bondzone.servicedesk.models import Article, Category, Project
from tests.patch_null import assert_null_refused, patch, row

from .test_knowledge import write
from .test_promotion import new, units  # noqa: F401  (the units fixture)

API = "/api/v1/servicedesk"


@pytest.mark.parametrize("field", ["name", "kind", "active", "attributes", "sign_within", "sign_unit",
                                   "resolve_within", "resolve_unit"])
def test_null_on_a_category_field_that_needs_a_value_is_refused(desk, field):
    services.update_category(actor=desk.world.actor("admin"), category_id=desk.category.pk, data={"kind": "complaint"})
    assert_null_refused("admin", f"{API}/categories/{desk.category.pk}", field, Category, desk.category.pk)


def test_null_clears_a_category_field_that_may_be_empty(desk):
    r = patch("admin", f"{API}/categories/{desk.category.pk}", {"default_unit_id": None, "name_en": None})
    assert r.status_code == 200, r.content
    after = row(Category, desk.category.pk)
    assert (after["default_unit_id"], after["name_en"], after["kind"], after["active"]) == (None, "", "help", True)


@pytest.mark.parametrize("field", ["title", "body", "published"])
def test_null_on_an_article_field_that_needs_a_value_is_refused(desk, field):
    article = write(desk)
    assert_null_refused("zone_a", f"{API}/knowledge/{article.pk}", field, Article, article.pk)


def test_null_clears_an_article_field_that_may_be_empty(desk):
    article = write(desk)
    r = patch("zone_a", f"{API}/knowledge/{article.pk}", {"category_id": None, "title_en": None})
    assert r.status_code == 200, r.content
    after = row(Article, article.pk)
    assert (after["category_id"], after["title_en"], after["published"]) == (None, "", True)


@pytest.mark.parametrize("field", ["name", "industry", "zone", "unit_id"])
def test_null_on_a_project_field_that_needs_a_value_is_refused(world, units, field):  # noqa: F811
    project = new(world, units, user="commerce", unit="commerce", zone="DX")
    assert_null_refused("commerce", f"{API}/projects/{project.pk}", field, Project, project.pk)


def test_null_clears_a_project_field_that_may_be_empty(world, units):  # noqa: F811
    project = new(world, units)
    r = patch("zone_a", f"{API}/projects/{project.pk}", {"planned_investment": None, "team": None})
    assert r.status_code == 200, r.content
    after = row(Project, project.pk)
    assert (after["planned_investment"], after["team"], after["name"]) == (None, "", "疫苗分拨中心")
