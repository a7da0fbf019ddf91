"""Sobol indices kept on the run (issue 15): computed when the run is evaluated or on demand, stored with the
N and seed that made them, reproduced from the frozen inputs, shown on the run page (table and a chart from
a static file) and carried by every ranking export together with the synthetic and "assumed" notes."""

from __future__ import annotations

import csv
import io
import json

import openpyxl
import pytest
from django.core.management import call_command
from django.test import Client

from bondzone.core import tabular
from bondzone.core.domain.errors import Forbidden
from bondzone.core.models import AuditEvent
from bondzone.evaluation import exports, services
from bondzone.evaluation.domain.assumptions import SUBJECTS
from bondzone.evaluation.domain.uncertainty import SENSITIVITY_FACTORS
from bondzone.evaluation.models import EvaluationRun

from ..conftest import PASSWORD
from .conftest import DRAWS, YEAR, codes, make_run, refused

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}
N = 32


def client_for(username: str) -> Client:
    c = Client()
    assert c.login(username=username, password=PASSWORD)
    return c


def evaluated_with_indices(ev, n: int = N) -> EvaluationRun:
    return services.create_run(actor=ev.actor("commerce"), framework_id=ev.gacc.pk, year=YEAR, draws=DRAWS, seed=3,
                               sensitivity_draws=n)


def test_indices_stored_at_evaluation_come_out_again_from_the_frozen_inputs(ev):
    run = evaluated_with_indices(ev)
    stored = run.sensitivity
    assert stored["draws"] == N and stored["seed"] == 3 and stored["mc"] == 2
    factors = [i["factor"] for i in stored["indices"]]
    assert factors == sorted(factors, key=SENSITIVITY_FACTORS.index) and {"weights", "normalisation"} <= set(factors)
    again = services.run_sensitivity(actor=ev.actor("tax"), run_id=run.pk, draws=N, seed=3)
    assert [(s.factor, str(s.first_order), str(s.total)) for s in again] == [
        (i["factor"], i["first_order"], i["total"]) for i in stored["indices"]]
    assert services.reproduce_run(actor=ev.actor("tax"), run_id=run.pk)[0] is True
    # indices that do not come out again make the re-run fail, though the ranking hash is the same
    EvaluationRun.objects.filter(pk=run.pk).update(sensitivity={**stored, "seed": 4})
    same, got = services.reproduce_run(actor=ev.actor("tax"), run_id=run.pk)
    assert same is False and got == run.result_hash


def test_a_run_without_indices_still_reproduces_and_has_none(ev):
    run = make_run(ev)
    assert run.sensitivity == {} and services.sensitivity_reproduces(run) is None
    assert services.reproduce_run(actor=ev.actor("commerce"), run_id=run.pk)[0] is True


def test_computing_on_demand_stores_once_and_is_audited(ev):
    run = make_run(ev)
    commerce = ev.actor("commerce")
    stored = services.store_sensitivity(actor=commerce, run_id=run.pk, draws=N)
    assert stored.sensitivity["draws"] == N and stored.sensitivity["seed"] == run.seed  # the run's own seed
    audits = AuditEvent.objects.filter(action="evaluation.sensitivity_stored").count()
    assert audits == 1
    assert services.store_sensitivity(actor=commerce, run_id=run.pk, draws=N).sensitivity == stored.sensitivity
    assert AuditEvent.objects.filter(action="evaluation.sensitivity_stored").count() == 1  # same N, seed: no write
    bigger = services.store_sensitivity(actor=commerce, run_id=run.pk, draws=2 * N)
    assert bigger.sensitivity["draws"] == 2 * N
    assert AuditEvent.objects.filter(action="evaluation.sensitivity_stored").count() == 2


@pytest.mark.parametrize("draws", ["8", "5000", "x", ""])
def test_a_bad_sample_size_is_refused_and_nothing_is_written(ev, draws):
    run = make_run(ev)
    exc = refused(services.store_sensitivity, actor=ev.actor("commerce"), run_id=run.pk, draws=draws)
    assert "draws" in codes(exc)


def test_only_managers_store_indices(ev):
    run = make_run(ev)
    refused(services.store_sensitivity, Forbidden, actor=ev.actor("tax"), run_id=run.pk, draws=N)


@pytest.mark.parametrize("draws, sensitivity, field", [(DRAWS, 5, "sensitivity_draws"),
                                                       (DRAWS, 5000, "sensitivity_draws"),
                                                       (0, N, "sensitivity_draws")])
def test_create_run_refuses_a_bad_sensitivity_sample(ev, draws, sensitivity, field):
    exc = refused(services.create_run, actor=ev.actor("commerce"), framework_id=ev.gacc.pk, year=YEAR, draws=draws,
                  sensitivity_draws=sensitivity)
    assert field in codes(exc)


def test_run_page_shows_the_table_and_chart_in_both_languages_and_computes_on_demand(ev):
    run = make_run(ev)
    commerce = client_for("commerce")
    page = commerce.get(f"/evaluation/runs/{run.pk}/", **EN).content.decode()
    assert 'data-testid="sensitivity-none"' in page and 'data-testid="compute-sensitivity"' in page
    r = commerce.post(f"/evaluation/runs/{run.pk}/sensitivity", {"draws": str(N)}, **EN)
    assert r.status_code == 302
    run.refresh_from_db()
    assert run.sensitivity["draws"] == N
    for lang, words in ((EN, ("Sensitivity of the ranks", "First-order index", "Weights (each ±20 %)")),
                        (ZH, ("排名的敏感性", "一阶指数", "权重"))):
        page = commerce.get(f"/evaluation/runs/{run.pk}/", **lang).content.decode()
        assert 'data-testid="sensitivity-table"' in page and 'id="chart-sensitivity"' in page
        assert all(w in page for w in words), words
        assert 'evaluation/charts.js' in page and "<script>" not in page  # the chart is drawn by the static file
        data = json.loads(page.split('id="chart-data" type="application/json">')[1].split("</script>")[0])
        assert len(data["sensitivity"]["factors"]) == len(run.sensitivity["indices"])
        assert data["sensitivity"]["first"] == [float(i["first_order"]) for i in run.sensitivity["indices"]]
    # a viewer sees the indices but no button, and may not post
    tax = client_for("tax")
    page = tax.get(f"/evaluation/runs/{run.pk}/", **EN).content.decode()
    assert 'data-testid="sensitivity-table"' in page and 'data-testid="compute-sensitivity"' not in page
    assert tax.post(f"/evaluation/runs/{run.pk}/sensitivity", {"draws": "64"}).status_code == 403
    run.refresh_from_db()
    assert run.sensitivity["draws"] == N


def test_a_bad_sample_size_on_the_page_is_a_message_not_an_error(ev):
    run = make_run(ev)
    r = client_for("commerce").post(f"/evaluation/runs/{run.pk}/sensitivity", {"draws": "3"}, follow=True, **EN)
    page = r.content.decode()
    message = page.split('<ul class="messages">')[1].split("</ul>")[0]
    assert r.status_code == 200 and "“3” is out of range (16 to 4096)" in message
    run.refresh_from_db()
    assert run.sensitivity == {}


def test_api_computes_and_returns_the_indices(ev):
    run = make_run(ev)
    c = client_for("commerce")
    r = c.post(f"/api/v1/evaluation/runs/{run.pk}/sensitivity", {"draws": N}, content_type="application/json")
    assert r.status_code == 200, r.content
    body = r.json()["sensitivity"]
    assert body["draws"] == N and body["seed"] == run.seed and body["indices"][0]["factor"] == "weights"
    assert c.get(f"/api/v1/evaluation/runs/{run.pk}").json()["sensitivity"] == body
    r = c.post(f"/api/v1/evaluation/runs/{run.pk}/sensitivity", {"draws": 2}, content_type="application/json")
    assert r.status_code == 400 and r.json()["errors"][0]["field"] == "draws"


def test_every_export_format_carries_notes_and_indices_and_reads_back(ev):
    run = evaluated_with_indices(ev)
    commerce = ev.actor("commerce")
    subjects = [a.subject for a in services.run_assumptions(run)]
    assert set(subjects) <= set(SUBJECTS)

    body = exports.export_ranking(commerce, run, fmt="json")
    data = json.loads(body)
    assert data["synthetic"] is True
    assumed = [n for n in data["notes"] if n["kind"] == "assumed"]
    assert [n["subject"] for n in assumed] == subjects and all(n["text"] for n in assumed)
    made_up = [n for n in data["notes"] if n["subject"] == "values"]
    assert made_up and set(made_up[0]["codes"]) == {"EV-TZ", "EV-DX"}  # real zones with demo figures
    assert [s["factor"] for s in data["sensitivity"]] == [i["factor"] for i in run.sensitivity["indices"]]
    assert data["sensitivity"][0]["draws"] == N and len(data["rows"]) == run.zone_count

    text = exports.export_ranking(commerce, run, fmt="csv").decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(text)))
    comments = [row[0] for row in lines if row[0].startswith("#")]
    assert lines[:len(comments)] == [[c] for c in comments]  # the notes come first
    assert any("Weights not published by GACC" in c or "海关总署未公布的权重" in c for c in comments)
    assert any("first_order" in c for c in comments)  # the indices travel too

    book = openpyxl.load_workbook(io.BytesIO(exports.export_ranking(commerce, run, fmt="xlsx")))
    assert len(book.sheetnames) == 3 and book.active.title == book.sheetnames[0]
    notes = list(book[book.sheetnames[1]].iter_rows(values_only=True))
    assert len(notes) == 1 + len(data["notes"])
    sensitivity = list(book[book.sheetnames[2]].iter_rows(values_only=True))
    assert [tabular.header_code(h) for h in sensitivity[0]][:4] == ["factor", "factor_name", "first_order", "total"]

    for fmt in ("csv", "xlsx", "json"):  # the notes do not get in the way of reading the rows back
        rows = tabular.read_rows(io.BytesIO(exports.export_ranking(commerce, run, fmt=fmt)), fmt, required=["zone"], known=None)
        assert len(rows) == run.zone_count and {r["zone"] for r in rows} >= {"EV-TZ", "EV-DX"}


def test_cli_stores_the_indices_and_run_evaluation_computes_them(ev):
    run = make_run(ev)
    out = io.StringIO()
    call_command("evaluation_sensitivity", run=str(run.pk), user="commerce", draws=str(N), store=True,
                 format="json", stdout=out)
    run.refresh_from_db()
    assert [i["factor"] for i in json.loads(out.getvalue())] == [i["factor"] for i in run.sensitivity["indices"]]
    out = io.StringIO()
    call_command("run_evaluation", user="commerce", year=str(YEAR), draws="16", sensitivity=str(N), stdout=out)
    summary = json.loads(out.getvalue())
    assert summary["sensitivity"]["draws"] == N
    assert EvaluationRun.objects.get(pk=summary["run"]).sensitivity == summary["sensitivity"]


def test_zone_pages_of_real_zones_with_demo_figures_say_so(ev):
    run = make_run(ev)
    c = client_for("commerce")
    for url in (f"/evaluation/zones/{ev.zone_a.pk}/", f"/evaluation/runs/{run.pk}/zones/{ev.zone_a.pk}/"):
        page = c.get(url, **EN).content.decode()
        assert 'data-testid="demo-figures-label"' in page and "made up for the demo" in page
    ev.zone_a.values.update(source="imported")
    page = c.get(f"/evaluation/zones/{ev.zone_a.pk}/", **EN).content.decode()
    assert 'data-testid="demo-figures-label"' not in page


def test_values_export_says_which_values_are_demo_and_imports_back(ev):
    c = client_for("commerce")
    page = c.get("/evaluation/values/?year=2025", **EN).content.decode()
    assert 'data-testid="values-export"' in page and "/evaluation/values/export?format=csv&amp;year=2025" in page
    r = c.get(f"/evaluation/values/export?format=json&year={YEAR}")
    assert r.status_code == 200 and r["Content-Disposition"].endswith('values.json"')
    data = json.loads(r.content)
    assert data["synthetic"] is True and {row["year"] for row in data["rows"]} == {YEAR}
    assert all(row["synthetic"] == "1" for row in data["rows"])  # the fixture's values are all demo ones
    assert data["notes"][0]["kind"] == "synthetic" and "EV-TZ" in data["notes"][0]["codes"]
    ev.zone_a.values.update(source="imported")
    lines = c.get(f"/evaluation/values/export?format=csv&zone={ev.zone_a.pk}").content.decode("utf-8-sig")
    assert not lines.startswith("#")  # real figures only: no note
    for fmt in ("csv", "xlsx"):
        body = c.get(f"/evaluation/values/export?format={fmt}&year={YEAR}").content
        rows = exports.read_rows(io.BytesIO(body), fmt)
        assert len(rows) == len(data["rows"]) and set(exports.VALUE_COLUMNS) <= set(rows[0])
    assert c.get("/evaluation/values/export?format=pdf").status_code == 400
    assert client_for("ent_a").get("/evaluation/values/export?format=csv").status_code == 403
