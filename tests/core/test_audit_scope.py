"""Who receives which audit events through the API: bureaus without access to books (market supervision,
commerce) never receive a book's or a list's details; tax, which reads books, does."""

from __future__ import annotations

import pytest
from django.test import Client

from bondzone.core.services import create_enterprise

from ..conftest import PASSWORD, post_list


def object_types(username: str) -> set[str]:
    c = Client()
    assert c.login(username=username, password=PASSWORD)
    r = c.get("/api/v1/audit-events?limit=500")
    assert r.status_code == 200
    return {e["object_type"] for e in r.json()["items"]}


@pytest.fixture
def trail(world):
    post_list(world, direction="I", lines=[(1, "10")])
    create_enterprise(actor=world.actor("market"), name="新登记企业", credit_code="91110000MA0000001L",
                      customs_code="1101969999", zone_id=world.zone_a.pk)
    return world


def test_market_and_commerce_get_no_book_or_list_events(trail):
    assert object_types("market") == {"core.enterprise"}
    commerce = object_types("commerce")
    assert "core.enterprise" in commerce and not any(t.startswith("supervision.") for t in commerce)


def test_tax_and_customs_get_the_list_events(trail):
    for user in ("tax", "customs"):
        assert "supervision.verificationlist" in object_types(user), user
