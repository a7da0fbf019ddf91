"""The audit-trail browser: filters, links, differences, export for inspectors, and reads of sensitive
records logged (who saw what)."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import openpyxl
import pytest
from django.test import Client
from django.utils import timezone

from bondzone.core.models import AuditEvent

from ..cbec.test_orders import declare
from ..conftest import PASSWORD, post_list


def client(name: str) -> Client:
    c = Client()
    assert c.login(username=name, password=PASSWORD)
    return c


@pytest.fixture
def trail(world):
    return post_list(world, direction="I", lines=[(1, "5")])


def test_filters_by_user_role_action_object_and_dates(world, trail):
    admin = client("admin")
    items = admin.get("/api/v1/audit-events?user=ent_a&limit=500").json()["items"]
    assert items and {i["actor_name"] for i in items} == {"ent_a"}
    items = admin.get("/api/v1/audit-events?role=customs&limit=500").json()["items"]
    assert items and {i["role"] for i in items} == {"customs"}
    items = admin.get(f"/api/v1/audit-events?object_type=supervision.verificationlist&object_id={trail.pk}").json()
    assert {i["action"] for i in items["items"]} >= {"list.create", "list.submit", "list.approve"}
    assert {i["action"] for i in admin.get("/api/v1/audit-events?action=list.appr").json()["items"]} == {"list.approve"}
    today = timezone.localdate()
    assert admin.get(f"/api/v1/audit-events?date_from={today}&date_to={today}").json()["count"] > 0
    future = today + timedelta(days=1)
    assert admin.get(f"/api/v1/audit-events?date_from={future}").json()["count"] == 0
    assert admin.get(f"/api/v1/audit-events?date_to={today - timedelta(days=1)}").json()["count"] == 0


def test_bad_filters_are_field_level_400s(world):
    admin = client("admin")
    r = admin.get("/api/v1/audit-events?date_from=2026-13-01")
    assert r.status_code == 400 and r.json()["errors"][0]["field"] == "date_from"
    r = admin.get("/api/v1/audit-events?date_from=2026-05-02&date_to=2026-05-01")
    assert r.status_code == 400 and r.json()["errors"][0]["field"] == "date_to"
    assert admin.get("/sharing/audit/?date_from=yesterday").status_code == 400
    assert admin.get("/sharing/audit/export/?format=pdf").status_code == 400
    assert admin.get("/api/v1/audit-events/export?format=pdf").status_code == 400


def test_each_event_links_to_its_object_and_shows_the_difference(world, trail):
    admin = client("admin")
    approve = admin.get(f"/api/v1/audit-events?action=list.approve&object_id={trail.pk}").json()["items"][0]
    assert approve["object_url"] == f"/supervision/lists/{trail.pk}/"
    status = [c for c in approve["changes"] if c["field"] == "status"]
    assert status == [{"field": "status", "kind": "changed", "old": "submitted", "new": "approved"}]
    page = admin.get(f"/sharing/audit/?action=list.approve&object_id={trail.pk}").content.decode()
    assert f'href="/supervision/lists/{trail.pk}/"' in page and 'data-testid="diff"' in page
    assert "<del>submitted</del>" in page and "<ins>approved</ins>" in page
    # an object without a page is shown without a link
    ent = admin.get("/api/v1/audit-events?object_type=supervision.accountbook").json()["items"][0]
    assert ent["object_url"].startswith("/supervision/books/")


def test_export_csv_and_xlsx_for_inspectors_is_itself_logged(world, trail):
    customs = client("customs")
    r = customs.get("/sharing/audit/export/?format=csv&action=list.")
    assert r.status_code == 200 and r["Content-Disposition"].endswith('.csv"')
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert rows[0][0].endswith("(id)") and all(row[5].startswith("list.") for row in rows[1:]) and len(rows) > 3
    logged = AuditEvent.objects.get(action="read.audit_export")
    assert logged.actor_name == "customs" and logged.after["filters"] == {"action": "list."}
    assert logged.after["rows"] == len(rows) - 1
    r = customs.get("/api/v1/audit-events/export?format=xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(r.content)).active
    assert sheet.max_row > 3 and AuditEvent.objects.filter(action="read.audit_export").count() == 2
    # enterprises read their own trail but are not inspectors
    assert client("ent_a").get("/sharing/audit/export/?format=csv").status_code == 403
    assert client("ent_a").get("/api/v1/audit-events/export?format=csv").status_code == 403


def test_export_is_scoped_like_the_trail(world, trail):
    post_list(world, direction="I", lines=[(1, "5")], book=world.book_b, enterprise_user="ent_b")
    body = client("customs_a").get("/sharing/audit/export/?format=csv").content.decode("utf-8-sig")
    assert world.ent_a.name in body and world.ent_b.name not in body


def test_sensitive_reads_are_logged_once_per_read_and_not_the_owners(world, trail):
    before = AuditEvent.objects.filter(action__startswith="read.").count()
    assert client("tax").get(f"/api/v1/lists/{trail.pk}").status_code == 200
    assert client("customs").get(f"/supervision/lists/{trail.pk}/").status_code == 200
    assert client("market").get(f"/api/v1/enterprises/{world.ent_a.pk}").status_code == 200
    reads = list(AuditEvent.objects.filter(action__startswith="read.").order_by("id")
                 .values_list("actor_name", "action", "object_id", "enterprise_id"))[before:]
    assert reads == [("tax", "read.list", str(trail.pk), world.ent_a.pk),
                     ("customs", "read.list", str(trail.pk), world.ent_a.pk),
                     ("market", "read.enterprise", str(world.ent_a.pk), world.ent_a.pk)]
    # the owner reading its own list is not a read worth logging; a list outside the scope is a 404, no row
    assert client("ent_a").get(f"/api/v1/lists/{trail.pk}").status_code == 200
    assert client("ent_b").get(f"/api/v1/lists/{trail.pk}").status_code == 404
    assert AuditEvent.objects.filter(action__startswith="read.").count() == before + 3
    # the enterprise sees who read its records
    mine = client("ent_a").get("/api/v1/audit-events?action=read.&limit=500").json()["items"]
    assert {(i["actor_name"], i["action"]) for i in mine} >= {("tax", "read.list"), ("market", "read.enterprise")}
    assert client("ent_b").get("/api/v1/audit-events?action=read.").json()["count"] == 0


def test_audit_page_renders_with_filters_and_export_links(world, trail):
    page = client("customs").get("/sharing/audit/?role=enterprise").content.decode()
    assert 'data-testid="audit-export-csv"' in page and "ent_a" in page
    assert 'data-testid="audit-export-csv"' not in client("ent_a").get("/sharing/audit/").content.decode()


def test_reading_a_cbec_order_consumer_data_is_logged(cbec):
    world = cbec
    order = declare(world, "SO-READ-1", "100.00")
    assert client("customs").get(f"/cbec/orders/{order.pk}/").status_code == 200
    assert client("customs").get(f"/api/v1/cbec/orders/{order.pk}").status_code == 200
    assert client("ent_a").get(f"/api/v1/cbec/orders/{order.pk}").status_code == 200  # the seller: not logged
    reads = AuditEvent.objects.filter(action="read.cbec_order", object_id=str(order.pk))
    assert list(reads.values_list("actor_name", "enterprise_id")) == [("customs", world.ent_a.pk)] * 2
