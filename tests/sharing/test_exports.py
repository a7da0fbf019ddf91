"""Scheduled exports per agency: the agency's fields and scope, on a schedule, once per period."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime, timedelta

import openpyxl
import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone, translation

from bondzone.core.domain.errors import DomainError, Forbidden
from bondzone.sharing import services
from bondzone.sharing.domain.schedule import catch_up, next_run
from bondzone.sharing.models import ExportRun, ScheduledExport

from ..conftest import PASSWORD


def test_next_run_by_period():
    t = datetime(2026, 1, 31, 6, 0)
    assert next_run(t, "daily") == datetime(2026, 2, 1, 6, 0)
    assert next_run(t, "weekly") == datetime(2026, 2, 7, 6, 0)
    assert next_run(t, "monthly") == datetime(2026, 2, 28, 6, 0)
    assert next_run(datetime(2026, 12, 15), "monthly") == datetime(2027, 1, 15)
    assert catch_up(t, datetime(2026, 2, 10, 7, 0), "daily") == datetime(2026, 2, 11, 6, 0)
    with pytest.raises(ValueError):
        next_run(t, "hourly")


def test_a_run_has_the_agencys_fields_and_rows_and_runs_once_per_period(world):
    s = services.create_export(actor=world.actor("market"), name="登记名录", dataset="enterprises", format="json",
                               every="daily")
    now = timezone.now()
    assert services.run_due_exports(now=now) == {"done": 1, "failed": 0}
    assert services.run_due_exports(now=now + timedelta(hours=1)) == {"done": 0, "failed": 0}  # not due again
    run = ExportRun.objects.get(schedule=s)
    rows = json.loads(bytes(run.content))
    assert run.rows == 2 and {r["credit_code"] for r in rows} == {world.ent_a.credit_code, world.ent_b.credit_code}
    assert all(set(r) == {"id", "name", "name_en", "credit_code", "zone", "business_type", "created_at"} for r in rows)
    s.refresh_from_db()
    assert s.next_run_at > now
    # a machine down for three days runs it once, then on schedule
    assert services.run_due_exports(now=now + timedelta(days=3))["done"] == 1
    s.refresh_from_db()
    assert now + timedelta(days=3) < s.next_run_at <= now + timedelta(days=4)


def test_zone_bound_agency_exports_its_zone_only_as_xlsx(world):
    s = services.create_export(actor=world.actor("zone_a"), name="区内企业", dataset="enterprises", format="xlsx",
                               every="weekly")
    services.run_due_exports()
    sheet = openpyxl.load_workbook(io.BytesIO(bytes(ExportRun.objects.get(schedule=s).content))).active
    names = {row[1] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert names == {world.ent_a.name}


def test_a_file_has_headings_and_coded_values_in_its_owners_language(world):
    """Headings "name (code)" and coded values by name, in the language the export was set up in (whatever
    language the run happens in); JSON keeps the bare codes for programs."""
    world.ent_a.customs_credit_class = "advanced_certified"
    world.ent_a.save()
    customs = world.actor("customs")
    made = {}
    for language, fmt in (("zh-hans", "csv"), ("en", "xlsx"), ("en", "json")):
        with translation.override(language):
            made[fmt] = services.create_export(actor=customs, name=fmt, dataset="enterprises", format=fmt,
                                               every="daily")
    assert made["csv"].language == "zh-hans" and made["xlsx"].language == "en"
    with translation.override("en"):
        assert services.run_due_exports() == {"done": 3, "failed": 0}
    content = {fmt: bytes(ExportRun.objects.get(schedule=s).content) for fmt, s in made.items()}
    head, *rows = list(csv.reader(io.StringIO(content["csv"].decode("utf-8-sig"))))
    assert head[:2] == ["记录号 (id)", "名称 (name)"] and "海关信用等级 (customs_credit_class)" in head
    column = head.index("海关信用等级 (customs_credit_class)")
    assert {r[column] for r in rows} == {"高级认证企业（AEO）", "常规企业"}
    sheet = list(openpyxl.load_workbook(io.BytesIO(content["xlsx"])).active.iter_rows(values_only=True))
    column = sheet[0].index("Customs credit class (customs_credit_class)")
    assert {r[column] for r in sheet[1:]} == {"advanced certified enterprise (AEO)", "regular enterprise"}
    data = json.loads(content["json"])
    assert {r["customs_credit_class"] for r in data} == {"advanced_certified", "regular"}


def test_the_page_sets_an_export_up_in_the_readers_language(world):
    c = Client(HTTP_ACCEPT_LANGUAGE="en")
    c.login(username="tax", password=PASSWORD)
    c.post("/sharing/exports/new/", {"name": "lists", "dataset": "lists", "format": "csv", "every": "daily"})
    assert ScheduledExport.objects.get().language == "en"
    page = c.get("/sharing/exports/").content.decode()
    assert '<td title="lists">Verification lists</td>' in page


def test_bad_input_writes_nothing(world):
    before = ScheduledExport.objects.count()
    with pytest.raises(DomainError) as info:
        services.create_export(actor=world.actor("market"), name="", dataset="lists", format="pdf", every="hourly",
                               first_run="2026-02-30")
    assert {p.field: p.code for p in info.value.problems} == {
        "name": "required", "dataset": "bad_choice", "format": "bad_choice", "every": "bad_choice",
        "first_run": "bad_date"}
    with pytest.raises(Forbidden):
        services.create_export(actor=world.actor("ent_a"), name="x", dataset="enterprises", format="csv",
                               every="daily")
    assert ScheduledExport.objects.count() == before


def test_a_run_that_cannot_be_made_keeps_its_reason(world):
    s = services.create_export(actor=world.actor("tax"), name="t", dataset="lists", format="csv", every="daily")
    user = world.users["tax"]
    user.is_active = False
    user.save()
    assert services.run_due_exports() == {"done": 0, "failed": 1}
    assert "no longer active" in ExportRun.objects.get(schedule=s).error


def test_pages_cli_and_download(world):
    c = Client()
    c.login(username="tax", password=PASSWORD)
    r = c.post("/sharing/exports/new/", {"name": "税务清单", "dataset": "lists", "format": "csv", "every": "monthly"})
    assert r.status_code == 302
    out = io.StringIO()
    call_command("run_exports", stdout=out)
    assert json.loads(out.getvalue()) == {"done": 1, "failed": 0}
    run = ExportRun.objects.get()
    page = c.get("/sharing/exports/").content.decode()
    assert f"/sharing/exports/runs/{run.pk}/download/" in page
    r = c.get(f"/sharing/exports/runs/{run.pk}/download/")
    assert r.status_code == 200 and r["Content-Disposition"].endswith('.csv"')
    other = Client()
    other.login(username="market", password=PASSWORD)
    assert other.get(f"/sharing/exports/runs/{run.pk}/download/").status_code == 404
    # refused form: a flashed, field-level message, nothing written
    r = c.post("/sharing/exports/new/", {"name": "", "dataset": "payroll", "format": "csv", "every": "daily"},
               follow=True)
    body = r.content.decode()
    assert ScheduledExport.objects.count() == 1
    assert 'id="export-name-error"' in body and 'id="export-dataset-error"' in body
