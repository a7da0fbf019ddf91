"""PATCH of a book item: a field left out keeps its value; an explicit null is refused on its field (nothing
written) unless the field may be empty, where it clears it — never the default a new item gets."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.test import Client

from bondzone.core.models import AuditEvent, IdempotencyRecord
from bondzone.supervision import services
from bondzone.supervision.models import BookItem
from tests.conftest import PASSWORD, key, post_list

RECORDED = {"kind": "E", "legal_factor": Decimal("2.5"), "currency": "502", "unit_price": Decimal("10.5"),
            "part_no": "P-3", "name_en": "Copper", "spec": "T2", "origin_country": "502", "second_unit": "011",
            "second_factor": Decimal("3")}


@pytest.fixture
def recorded(world) -> str:
    """Item 3 of book A with none of the defaults a new item gets; the PATCH URL."""
    services.change_item(actor=world.actor("customs"), book_id=world.book_a.pk, item_no=3,
                         data={k: str(v) for k, v in RECORDED.items()}, idempotency_key=key())
    return f"/api/v1/books/{world.book_a.pk}/items/3"


def record(world) -> dict:
    item = BookItem.objects.get(book=world.book_a, item_no=3)
    return {f.name: getattr(item, f.name) for f in BookItem._meta.concrete_fields}


def written() -> tuple[int, int]:
    return AuditEvent.objects.count(), IdempotencyRecord.objects.count()


def patch(url: str, body: dict):
    c = Client(HTTP_ACCEPT_LANGUAGE="en")
    assert c.login(username="customs", password=PASSWORD)
    return c.patch(url, json.dumps(body), content_type="application/json", HTTP_IDEMPOTENCY_KEY=key())


@pytest.mark.parametrize("field", ["kind", "unit_price", "currency", "legal_factor", "declared_unit", "legal_unit",
                                   "hs_code", "name_zh", "leftover", "solid_waste", "item_no"])
def test_null_on_a_field_that_needs_a_value_is_refused_on_it_and_nothing_is_written(world, recorded, field):
    before, counts = record(world), written()
    r = patch(recorded, {field: None, "name_en": "changed too"})
    assert r.status_code == 400, r.content
    assert [(e["field"], e["code"]) for e in r.json()["errors"]] == [(field, "null_not_allowed")]
    assert "leave the field out" in r.json()["errors"][0]["message"]
    assert (record(world), written()) == (before, counts)


def test_null_second_factor_is_refused_while_the_item_has_a_second_unit(world, recorded):
    before, counts = record(world), written()
    r = patch(recorded, {"second_factor": None})
    assert r.status_code == 400, r.content
    assert [(e["field"], e["code"]) for e in r.json()["errors"]] == [("second_factor", "null_not_allowed")]
    assert record(world) == before and record(world)["second_factor"] == Decimal("3")
    assert written()[0] == counts[0]  # no audit row


def test_null_clears_the_fields_that_may_be_empty_and_leaves_the_others(world, recorded):
    r = patch(recorded, {"part_no": None, "name_en": None, "spec": None, "origin_country": None, "second_unit": None,
               "second_factor": None})
    assert r.status_code == 200, r.content
    after = record(world)
    assert [after[k] for k in ("part_no", "name_en", "spec", "origin_country", "second_unit", "second_factor")] == [
        "", "", "", "", "", None]
    assert {k: after[k] for k in ("kind", "legal_factor", "currency", "unit_price")} == {
        k: RECORDED[k] for k in ("kind", "legal_factor", "currency", "unit_price")}


@pytest.mark.parametrize("cleared", [None, ""])
def test_clearing_the_second_unit_clears_its_factor_with_one_audit_row(world, recorded, cleared):
    r = patch(recorded, {"second_unit": cleared})
    assert r.status_code == 200, r.content
    assert r.json()["second_unit"] == ""
    after = record(world)
    assert (after["second_unit"], after["second_factor"]) == ("", None)
    event = AuditEvent.objects.filter(action="book_item.change").latest("pk")
    assert event.before == {"second_unit": "011", "second_factor": "3.000000"}
    assert event.after == {"second_unit": "", "second_factor": None}


def test_a_second_factor_without_a_second_unit_is_not_kept(world, recorded):
    r = patch(recorded, {"second_unit": None, "second_factor": "4"})
    assert r.status_code == 200, r.content
    assert (record(world)["second_unit"], record(world)["second_factor"]) == ("", None)
    assert patch(recorded, {"second_factor": "5"}).status_code == 200
    assert record(world)["second_factor"] is None


def test_a_second_unit_in_use_is_refused_with_its_factor_and_nothing_is_written(world):
    services.change_item(actor=world.actor("customs"), book_id=world.book_a.pk, item_no=3,
                         data={"second_unit": "011", "second_factor": "3"}, idempotency_key=key())
    post_list(world, direction="I", lines=[(3, "10")])
    before, counts = record(world), written()
    r = patch(f"/api/v1/books/{world.book_a.pk}/items/3", {"second_unit": None})
    assert r.status_code == 400, r.content
    assert {(e["field"], e["code"]) for e in r.json()["errors"]} == {("second_unit", "item_in_use"),
                                                                    ("second_factor", "item_in_use")}
    assert (record(world), written()[0]) == (before, counts[0])
