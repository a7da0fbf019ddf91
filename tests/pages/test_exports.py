"""Exports carry headings in the reader's language with the column code beside them, and read back."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from bondzone.core import tabular
from bondzone.governance.models import Task

from ..evaluation.conftest import build_field, make_run
from ..governance.conftest import build_gov
from .test_pages import client_for


def csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


@pytest.mark.parametrize("text, code", [("状态 (status)", "status"), ("Due (due_date)", "due_date"), (" ID ", "id"),
                                        ("Weight (%)", "weight (%)"), ("", "")])
def test_a_heading_reads_back_as_its_code(text, code):
    assert tabular.header_code(text) == code


def test_heading_names_the_column_with_its_code_beside():
    assert tabular.heading("status", {"status": "状态"}) == "状态 (status)"
    assert tabular.heading("id", {"id": "id"}) == "id" and tabular.heading("x") == "x"


@pytest.mark.parametrize("language, status, title", [("zh-hans", "状态 (status)", "任务 (title)"),
                                                     ("en", "Status (status)", "Task (title)")])
def test_ledger_export_headings_follow_the_language_and_import_back(world, language, status, title):
    gov = build_gov(world)
    c = client_for("commerce", language)
    rows = csv_rows(c.get("/governance/export/?format=csv"))
    assert status in rows[0] and title in rows[0] and rows[0][0] == "id"
    as_json = json.loads(c.get("/governance/export/?format=json").content)["rows"]  # beside "notes"
    assert "status" in as_json[0] and status not in as_json[0]  # programs get the codes
    col = rows[0].index(title)
    for row in rows[1:]:
        if row[0] == str(gov.measure.pk):
            row[col] = "改过的标题"
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    upload = SimpleUploadedFile("ledger.csv", out.getvalue().encode("utf-8-sig"), content_type="text/csv")
    r = c.post("/governance/import/", {"file": upload})
    assert r.status_code == 302
    assert Task.objects.get(pk=gov.measure.pk).title == "改过的标题"


def test_ranking_export_headings_in_the_reader_language(world):
    run = make_run(build_field(world), public=True)
    rows = csv_rows(client_for("commerce", "zh-hans").get(f"/evaluation/runs/{run.pk}/export?format=csv"))
    assert rows[0][0].startswith("# 合成数据")  # the notes come first: what is synthetic, what assumed
    rows = [row for row in rows if not row[0].startswith("#")]
    assert rows[0][:2] == ["全国排名 (rank_national)", "板块排名 (rank_regional)"]
    assert len(rows) > 2
