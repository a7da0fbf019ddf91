"""A PATCH body with an explicit null: what every PATCH endpoint's tests check (core.http.patch_changes)."""

from __future__ import annotations

import json

from django.test import Client

from bondzone.core.models import AuditEvent
from tests.conftest import PASSWORD


def patch(user: str, url: str, body: dict, **headers):
    c = Client(HTTP_ACCEPT_LANGUAGE="en")
    assert c.login(username=user, password=PASSWORD)
    return c.patch(url, json.dumps(body), content_type="application/json", **headers)


def row(model, pk) -> dict:
    return model.objects.filter(pk=pk).values().get()


def assert_null_refused(user: str, url: str, field: str, model, pk, **headers) -> None:
    """null on `field` is refused on that field (400 null_not_allowed) and nothing is written."""
    before, audit = row(model, pk), AuditEvent.objects.count()
    r = patch(user, url, {field: None}, **headers)
    assert r.status_code == 400, r.content
    assert [(e["field"], e["code"]) for e in r.json()["errors"]] == [(field, "null_not_allowed")]
    assert (row(model, pk), AuditEvent.objects.count()) == (before, audit)
