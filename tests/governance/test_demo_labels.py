"""Synthetic data said so (issue 15): tasks whose deadlines and progress the demo loader set are labelled on
the ledger pages and in every ledger export (CSV first lines, XLSX notes sheet, JSON top-level fields); a
later real change takes the label off; proposed lead units are marked as assumed."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import openpyxl
from django.test import Client

from bondzone.core import tabular
from bondzone.core.context import DEMO_REQUEST_ID, reset_request_id, set_request_id
from bondzone.governance import exports, selectors, services
from bondzone.governance.models import Task

from ..conftest import PASSWORD

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def as_demo_loader(fn, **kwargs):
    token = set_request_id(DEMO_REQUEST_ID)
    try:
        return fn(**kwargs)
    finally:
        reset_request_id(token)


def client_for(username: str | None) -> Client:
    c = Client()
    if username:
        assert c.login(username=username, password=PASSWORD)
    return c


def test_demo_tasks_are_the_ones_the_demo_loader_changed_last(gov):
    commerce = gov.actor("commerce")
    assert selectors.demo_tasks([gov.measure.pk, gov.other_task.pk]) == set()
    as_demo_loader(services.update_task, actor=commerce, task_id=gov.measure.pk,
                   data={"due_date": date(2026, 3, 31), "progress": "40", "published": True})
    assert selectors.demo_tasks([gov.measure.pk, gov.other_task.pk]) == {gov.measure.pk}
    services.update_task(actor=commerce, task_id=gov.measure.pk, data={"progress": "45"})  # a real change
    assert selectors.demo_tasks([gov.measure.pk, gov.other_task.pk]) == set()
    assert selectors.demo_tasks([]) == set()


def test_public_and_internal_ledger_say_so_at_the_top(gov):
    commerce = gov.actor("commerce")
    html = client_for(None).get("/governance/public/", **EN).content.decode()
    assert 'data-testid="synthetic-label"' not in html
    as_demo_loader(services.update_task, actor=commerce, task_id=gov.measure.pk,
                   data={"due_date": date(2026, 3, 31), "progress": "40", "published": True})
    for who, url in ((None, "/governance/public/"), ("commerce", "/governance/"), ("commerce", "/governance/print/")):
        html = client_for(who).get(url, **EN).content.decode()
        label = html.split('data-testid="synthetic-label">')[1]
        assert label.startswith("Demo data: the deadlines and progress of 1 task")
        assert html.index('data-testid="synthetic-label"') < html.index("<table")  # at the top
    html = client_for(None).get("/governance/public/").content.decode()
    assert "演示数据" in html


def test_every_ledger_export_format_carries_the_notes_and_reads_back(gov):
    commerce = gov.actor("commerce")
    as_demo_loader(services.update_task, actor=commerce, task_id=gov.measure.pk,
                   data={"due_date": date(2026, 3, 31), "progress": "40"})
    Task.objects.filter(pk=gov.other_task.pk).update(lead_confirmed_at=None)  # as read from the policy: proposed
    data = json.loads(exports.export_ledger(commerce, fmt="json"))
    synthetic = [n for n in data["notes"] if n["kind"] == "synthetic"]
    assert data["synthetic"] is True and synthetic[0]["codes"] == [gov.measure.code]
    assumed = [n for n in data["notes"] if n["kind"] == "assumed"]
    assert [(n["subject"], n["codes"]) for n in assumed] == [("lead_unit", [gov.other_task.code])]
    assert {r["code"] for r in data["rows"]} >= {gov.measure.code}

    lines = list(csv.reader(io.StringIO(exports.export_ledger(commerce, fmt="csv").decode("utf-8-sig"))))
    assert lines[0][0].startswith("# ") and gov.measure.code in lines[0][0]
    book = openpyxl.load_workbook(io.BytesIO(exports.export_ledger(commerce, fmt="xlsx")))
    notes = list(book[book.sheetnames[1]].iter_rows(values_only=True))
    assert len(notes) == 1 + len(data["notes"])
    for fmt in ("csv", "xlsx", "json"):
        rows = tabular.read_rows(io.BytesIO(exports.export_ledger(commerce, fmt=fmt)), fmt, required=["id"], known=None)
        assert {r["code"] for r in rows} == {r["code"] for r in data["rows"]}
    # and the re-import of an annotated file changes nothing
    body = exports.export_ledger(commerce, fmt="csv")
    assert exports.import_ledger(actor=commerce, stream=io.BytesIO(body), fmt="csv")["changed"] == 0


def test_a_ledger_without_demo_or_proposed_leads_has_no_notes_but_the_same_shape(gov):
    commerce = gov.actor("commerce")
    data = json.loads(exports.export_ledger(commerce, fmt="json"))
    assert data["synthetic"] is False and data["notes"] == [] and data["rows"]
    assert not exports.export_ledger(commerce, fmt="csv").decode("utf-8-sig").startswith("#")
