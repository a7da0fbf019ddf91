"""Hostile requests at the HTTP boundary: a clear 4xx (JSON on the API), never a 500, nothing written."""

from __future__ import annotations

import json

import pytest
from django.db import IntegrityError, transaction
from django.test import Client

from bondzone.core.http import database_refusal
from bondzone.core.models import AuditEvent, Enterprise

from ..conftest import PASSWORD


@pytest.fixture
def admin(world) -> Client:
    c = Client(raise_request_exception=False)
    assert c.login(username="admin", password=PASSWORD)
    return c


def enterprise_body(world, **over):
    return {"name": "新企业", "credit_code": "91110000MA0000001L", "customs_code": "1101969999",
            "zone_id": world.zone_a.pk, **over}


@pytest.mark.parametrize("field, value, code", [
    ("name", "a\x00b", "nul_character"), ("name", "\ud800", "bad_unicode"), ("name", "x" * 100_000, "too_long"),
    ("zone_id", 2**63, "out_of_range"), ("zone_id", "²", "not_an_integer"),
])
def test_hostile_json_is_a_field_level_400(world, admin, field, value, code):
    before = (Enterprise.objects.count(), AuditEvent.objects.count())
    r = admin.post("/api/v1/enterprises", json.dumps(enterprise_body(world, **{field: value})),
                   content_type="application/json")
    assert r.status_code == 400, r.content[:300]
    assert [(e["field"], e["code"]) for e in r.json()["errors"]] == [(field, code)]
    assert (Enterprise.objects.count(), AuditEvent.objects.count()) == before


def test_nul_in_a_dict_key_or_unknown_field_is_refused(world, admin):
    r = admin.post("/api/v1/enterprises", json.dumps({**enterprise_body(world), "x\x00": 1}),
                   content_type="application/json")
    assert r.status_code == 400 and r.json()["errors"][0]["code"] == "nul_character"


def test_huge_integer_literal_and_bad_json_are_400(world, admin):
    body = '{"name": "x", "zone_id": ' + "9" * 5000 + "}"
    for raw in (body, "{not json"):
        r = admin.post("/api/v1/enterprises", raw, content_type="application/json")
        assert r.status_code == 400 and r.json()["errors"][0]["code"] == "bad_request"


@pytest.mark.parametrize("query", ["q=%00", "offset=" + "9" * 25, "zone_id=%C2%B2", "limit=0"])
def test_hostile_query_strings_on_the_api(world, admin, query):
    r = admin.get(f"/api/v1/enterprises?{query}")
    assert r.status_code == 400 and r["Content-Type"].startswith("application/json")
    assert r.json()["errors"]


@pytest.mark.parametrize("query, field, bounds", [
    ("limit=0", "limit", "(1 to 500)"), ("limit=100000", "limit", "(1 to 500)"), ("offset=-1", "offset", "(0 to 2147483647)"),
])
def test_a_page_size_or_offset_out_of_range_names_both_bounds(world, admin, query, field, bounds):
    """ninja's limit said "out of range (1 to )" or "( to 500)": pydantic names only the bound crossed."""
    r = admin.get(f"/api/v1/enterprises?{query}", HTTP_ACCEPT_LANGUAGE="en")
    assert r.status_code == 400
    (error,) = r.json()["errors"]
    assert (error["field"], error["code"]) == (field, "out_of_range") and error["message"].endswith(f"{bounds}.")


def test_nul_in_a_page_filter_is_a_400_page(world, admin):
    r = admin.get("/governance/?q=%00")
    assert r.status_code == 400 and b"NUL" in r.content


def test_body_over_the_limit_is_413_json(world, admin, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    r = admin.post("/api/v1/enterprises", json.dumps(enterprise_body(world, name="x" * 2000)),
                   content_type="application/json")
    assert r.status_code == 413 and r.json()["errors"][0]["code"] == "request_too_large"


def test_integrity_errors_become_field_level_refusals(world):
    with pytest.raises(IntegrityError) as caught, transaction.atomic():
        Enterprise.objects.create(name="dup", credit_code=world.ent_a.credit_code, customs_code="1101960099",
                                  zone=world.zone_a)
    refusal = database_refusal(caught.value)
    assert refusal.status == 409
    assert (refusal.problems[0].field, refusal.problems[0].code) == ("credit_code", "duplicate_value")
