"""The evaluation pages: what they show (ranking with class badges, the synthetic label, the framework tree
with or without weight inputs, empty states), their forms (bad input flashes the error and writes
nothing), and both languages."""

from __future__ import annotations

import csv
import io
import json
import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from bondzone.core import tabular
from bondzone.evaluation import services
from bondzone.evaluation.models import EvalZone, EvaluationRun, Framework, Indicator, SeriesValue, ZoneArea

from ..conftest import PASSWORD, key
from .conftest import DRAWS, PREVIOUS, YEAR, make_run, snapshot

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


def client_for(username: str | None) -> Client:
    c = Client()
    if username:
        assert c.login(username=username, password=PASSWORD)
    return c


def html(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def flashes(response) -> list[str]:
    """The flashed messages shown on the page a form redirected to (followed)."""
    body = response.content.decode()
    block = re.search(r'<ul class="messages">(.*?)</ul>', body, re.S)
    return re.findall(r"<li[^>]*>(.*?)</li>", block.group(1), re.S) if block else []


def field_errors(response) -> dict[str, str]:
    """The problems a refused form shows under its inputs (core.templatetags.forms), by input."""
    return dict(re.findall(r'<span class="field-error" id="[^"]*" data-field="([^"]+)">(.*?)</span>',
                           response.content.decode(), re.S))


def weights_form(framework: Framework, **changes) -> dict:
    """What the framework page's form posts: every category and indicator weight, some changed."""
    data = {f"w_{i.code}": format(i.weight.normalize(), "f")
            for i in Indicator.objects.filter(framework=framework, kind__in=("category", "indicator"))}
    data.update({f"w_{code}": v for code, v in changes.items()})
    return data


# ---------------------------------------------------------------- what the pages show
def test_index_lists_runs_with_the_run_form_for_managers_only(ev):
    empty = html(client_for("commerce").get("/evaluation/", **EN))
    assert 'data-testid="run-form"' in empty and 'data-testid="runs"' not in empty
    assert 'class="empty"' in empty and "No evaluation runs yet" in empty
    run = make_run(ev, label="年度评估")
    page = html(client_for("commerce").get("/evaluation/", **EN))
    assert 'data-testid="runs"' in page and f'href="/evaluation/runs/{run.pk}/"' in page and "年度评估" in page
    assert 'class="badge"' in page  # the run includes synthetic zones
    assert f'<option value="{ev.gacc.pk}">gacc-2020' in page
    tax = html(client_for("tax").get("/evaluation/", **EN))
    assert 'data-testid="runs"' in tax and 'data-testid="run-form"' not in tax
    assert "No evaluation runs yet" in html(client_for("tax").get(f"/evaluation/?year={PREVIOUS}", **EN))
    r = client_for("ent_a").get("/evaluation/")
    assert r.status_code == 302 and r["Location"] == "/evaluation/public/"


def test_ranking_page_has_class_badges_the_synthetic_label_and_charts(ev):
    run = make_run(ev)
    page = html(client_for("commerce").get(f"/evaluation/runs/{run.pk}/", **EN))
    assert 'data-testid="ranking"' in page and 'data-testid="synthetic-label"' in page
    badges = re.findall(r'<span class="cls cls-([a-z])">([A-Z])</span>', page)
    assert {b for _, b in badges} == {"A", "B", "C"} and all(a == b.lower() for a, b in badges)
    assert len(badges) == len(ev.zones)
    for z in ev.zones.values():
        assert f'href="/evaluation/runs/{run.pk}/zones/{z.pk}/"' in page
    assert page.count("(synthetic)") == len(ev.zones) - 2
    assert "Scale and returns" in page and "?format=csv" in page and 'action="/evaluation/runs/' in page
    charts = json.loads(re.search(r'<script id="chart-data" type="application/json">(.*?)</script>', page, re.S)
                        .group(1))
    assert len(charts["whiskers"]) == len(ev.zones) and len(charts["heat"]["indicators"]) == 27
    assert 'data-testid="exit-watch-empty"' in page  # one data year only
    # filters: a region, and a class no zone has (empty state)
    east = html(client_for("commerce").get(f"/evaluation/runs/{run.pk}/?region=east", **EN))
    assert '"regional": true' in east
    none = html(client_for("commerce").get(f"/evaluation/runs/{run.pk}/?class=Z", **EN))
    assert 'data-testid="ranking"' not in none and "No zone matches these filters." in none


def test_a_run_of_real_zones_only_has_no_synthetic_label(ev):
    EvalZone.objects.filter(synthetic=True).update(evaluated_from=None)
    run = make_run(ev)
    assert not run.synthetic and run.zone_count == 2
    page = html(client_for("commerce").get(f"/evaluation/runs/{run.pk}/", **EN))
    assert 'data-testid="ranking"' in page and 'data-testid="synthetic-label"' not in page


def test_exit_watch_shows_zones_after_two_consecutive_years(ev):
    make_run(ev, year=PREVIOUS)
    run = make_run(ev)
    page = html(client_for("customs").get(f"/evaluation/runs/{run.pk}/", **EN))
    assert 'data-testid="exit-watch"' in page


def test_zone_result_page_in_both_languages(ev):
    run = make_run(ev)
    url = f"/evaluation/runs/{run.pk}/zones/{ev.zone_a.pk}/"
    en = html(client_for("commerce").get(url, **EN))
    zh = html(client_for("commerce").get(url, **ZH))
    assert '<html lang="en">' in en and '<html lang="zh-hans">' in zh
    assert "Scale and returns" in en and "规模效益" in zh and "Scale and returns" not in zh
    for body in (en, zh):
        assert 'data-testid="strengths"' in body and 'data-testid="indicator-table"' in body
        assert body.count('class="depth-1"') == 27 and body.count('class="depth-0"') == 5
        radar = json.loads(re.search(r'<script id="radar-data" type="application/json">(.*?)</script>', body, re.S)
                           .group(1))
        assert len(radar["zone"]) == len(radar["median"]) == 5 and radar["trend"][0]["year"] == YEAR
    assert 'data-testid="synthetic-label"' in en  # the run includes synthetic zones
    assert client_for("commerce").get(f"/evaluation/runs/{run.pk}/zones/999999/").status_code == 404


def test_framework_tree_has_weight_inputs_while_editable_and_none_once_locked(ev):
    url = f"/evaluation/frameworks/{ev.gacc.pk}/"
    page = html(client_for("commerce").get(url, **EN))
    assert 'data-testid="framework-tree"' in page and 'data-testid="clone-form"' in page
    inputs = re.findall(r'<input name="w_([A-Z0-9]+)"', page)
    assert len(inputs) == 5 + 27 and inputs[:2] == ["S", "S01"]  # no inputs for bonus / penalty items
    assert 'name="class_bands"' in page and 'value="A:20, B:70, C:100"' in page
    assert page.count('class="depth-0"') == 5 + 8 and page.count('class="depth-1"') == 27
    assert "editable" in re.search(r'data-testid="framework-state">(.*?)</dd>', page).group(1)
    tax = html(client_for("tax").get(url, **EN))
    assert 'name="w_' not in tax and 'data-testid="clone-form"' not in tax and 'data-testid="framework-tree"' in tax
    make_run(ev)
    locked = html(client_for("commerce").get(url, **EN))
    assert 'name="w_' not in locked and 'name="class_bands"' not in locked
    assert 'data-testid="clone-form"' in locked
    assert "locked" in re.search(r'data-testid="framework-state">(.*?)</dd>', locked).group(1)
    listing = html(client_for("ent_a").get("/evaluation/frameworks/", **EN))
    assert 'data-testid="frameworks"' in listing and f'href="/evaluation/frameworks/{ev.gacc.pk}/"' in listing


def test_values_page_rows_forms_and_empty_state(ev):
    page = html(client_for("commerce").get(f"/evaluation/values/?zone={ev.zone_a.pk}&series=revenue", **EN))
    assert 'data-testid="values"' in page and 'data-testid="value-form"' in page
    assert 'data-testid="compute-form"' in page and "EV-TZ" in page
    assert page.count("<tr>") == 1 + 2  # header + revenue for two years
    zone_admin = html(client_for("zone_a").get("/evaluation/values/", **EN))
    assert 'data-testid="value-form"' in zone_admin and 'data-testid="compute-form"' not in zone_admin
    options = re.search(r'data-testid="value-form">.*?<select name="zone" required>(.*?)</select>', zone_admin, re.S)
    assert re.findall(r'<option value="(\d+)">', options.group(1)) == [str(ev.zone_a.pk)]  # its own zone only
    tax = html(client_for("tax").get("/evaluation/values/", **EN))
    assert 'data-testid="values"' in tax and 'data-testid="value-form"' not in tax
    empty = html(client_for("commerce").get("/evaluation/values/?year=2001", **EN))
    assert 'data-testid="values"' not in empty and "No values match these filters." in empty
    assert client_for("ent_a").get("/evaluation/values/").status_code == 403


def test_zone_pages_show_areas_results_and_the_area_form_to_who_may_enter(ev):
    url = f"/evaluation/zones/{ev.zone_a.pk}/"
    page = html(client_for("commerce").get(url, **EN))
    assert 'data-testid="areas"' in page and 'data-testid="area-form"' in page
    assert "This zone has no evaluation results yet." in page and 'data-testid="synthetic-label"' not in page
    assert 'data-testid="area-form"' in html(client_for("zone_a").get(url, **EN))
    assert 'data-testid="area-form"' not in html(client_for("zone_a").get(f"/evaluation/zones/{ev.zone_b.pk}/", **EN))
    assert 'data-testid="area-form"' not in html(client_for("tax").get(url, **EN))
    enterprise = html(client_for("ent_a").get(url, **EN))
    assert 'data-testid="areas"' not in enterprise and "No areas recorded." in enterprise
    run = make_run(ev)
    page = html(client_for("commerce").get(url, **EN))
    assert 'data-testid="zone-results"' in page and f'href="/evaluation/runs/{run.pk}/zones/{ev.zone_a.pk}/"' in page
    synthetic = next(z for z in ev.zones.values() if z.synthetic)
    assert 'data-testid="synthetic-label"' in html(client_for("commerce").get(f"/evaluation/zones/{synthetic.pk}/"))
    zones = html(client_for("market").get("/evaluation/zones/?synthetic=0", **EN))
    assert 'data-testid="zones"' in zones and "EV-TZ" in zones and "EV-DX" in zones and synthetic.code not in zones
    assert "No zone matches these filters." in html(client_for("market").get("/evaluation/zones/?q=nothing", **EN))


def test_public_page_for_anonymous_visitors(ev):
    anon = client_for(None)
    empty = html(anon.get("/evaluation/public/", **EN))
    assert "No evaluation has been published yet." in empty and 'data-testid="ranking"' not in empty
    run = make_run(ev)
    assert "No evaluation has been published yet." in html(anon.get("/evaluation/public/", **EN))  # not public
    services.publish_run(actor=ev.actor("commerce"), run_id=run.pk, public=True)
    page = html(anon.get("/evaluation/public/", **EN))
    assert 'data-testid="ranking"' in page and 'data-testid="synthetic-label"' in page
    assert "/zones/" not in page  # no links to the zone pages, which need a login
    assert len(re.findall(r'class="cls cls-', page)) == len(ev.zones)
    zh = html(anon.get("/evaluation/public/", **ZH))
    assert '<html lang="zh-hans">' in zh and "规模效益" in zh
    assert anon.get(f"/evaluation/runs/{run.pk}/").status_code == 302  # login first


# ---------------------------------------------------------------- forms
def test_run_form_runs_and_a_bad_one_shows_each_problem_under_its_input_with_what_was_typed(ev):
    c = client_for("commerce")
    before = snapshot()
    r = c.post("/evaluation/runs/new", {"framework": ev.gacc.pk, "year": YEAR, "draws": "99999", "seed": "1.5",
                                        "label": "第二次", "idempotency_key": key()}, follow=True, **EN)
    assert r.redirect_chain == [("/evaluation/", 302)]
    assert flashes(r) == ["The form was not saved: correct the marked fields."]
    # the seed's "is not a whole number" was flashed with no word of which input it was about
    assert field_errors(r) == {"draws": "Monte Carlo draws must be between 0 and 5000.",
                               "seed": "“1.5” is not a whole number."}
    assert 'value="99999"' in html(r) and 'value="1.5"' in html(r) and 'value="第二次"' in html(r)
    r = c.post("/evaluation/runs/new", {"framework": ev.gacc.pk, "year": "1999", "idempotency_key": key()},
               follow=True, **ZH)
    assert list(field_errors(r)) == ["year"] and "1999" in field_errors(r)["year"]
    r = c.post("/evaluation/runs/new", {"framework": ev.gacc.pk, "year": "", "idempotency_key": key()},
               follow=True, **ZH)
    assert field_errors(r) == {"year": "此项为必填项。"}  # not "“” is not a whole number"
    assert snapshot() == before
    k = key()
    r = c.post("/evaluation/runs/new", {"framework": ev.gacc.pk, "year": YEAR, "draws": DRAWS, "seed": "4",
                                        "label": "页面运行", "idempotency_key": k}, follow=True, **EN)
    run = EvaluationRun.objects.get()
    assert r.redirect_chain == [(f"/evaluation/runs/{run.pk}/", 302)] and run.label == "页面运行" and run.seed == 4
    assert any(str(len(ev.zones)) in m for m in flashes(r))
    # the form submitted twice (same key): the same run
    r = c.post("/evaluation/runs/new", {"framework": ev.gacc.pk, "year": YEAR, "draws": DRAWS, "seed": "4",
                                        "label": "页面运行", "idempotency_key": k})
    assert r["Location"] == f"/evaluation/runs/{run.pk}/" and EvaluationRun.objects.count() == 1
    assert client_for("tax").post("/evaluation/runs/new", {"framework": ev.gacc.pk, "year": YEAR}).status_code == 403


def test_weights_form_with_a_bad_sum_flashes_the_error_and_writes_nothing(ev):
    c = client_for("commerce")
    url = f"/evaluation/frameworks/{ev.gacc.pk}/weights"
    before = snapshot()
    r = c.post(url, weights_form(ev.gacc, S01="6"), follow=True, **EN)
    assert r.redirect_chain == [(f"/evaluation/frameworks/{ev.gacc.pk}/", 302)]
    assert flashes(r) == ["The weights under S sum to 51; they must sum to 50."]
    r = c.post(url, weights_form(ev.gacc, S01="6"), follow=True, **ZH)
    assert flashes(r) == ["S 下的权重合计为 51，应为 50。"]
    # good weights with bad class bands: neither is saved
    r = c.post(url, {**weights_form(ev.gacc, S="45", S01="0", Q="25", Q01="7.5"), "class_bands": "A:30, B"},
               follow=True, **EN)
    assert len(flashes(r)) == 1 and "class_bands" not in flashes(r)[0]
    assert snapshot() == before


def test_weights_form_saves_weights_and_settings(ev):
    c = client_for("commerce")
    r = c.post(f"/evaluation/frameworks/{ev.gacc.pk}/weights",
               {**weights_form(ev.gacc, S="45", S01="0", Q="25", Q01="7.5"), "aggregation": "geometric",
                "impute": "zero", "class_bands": "A:30, B:60, C:100"}, follow=True, **EN)
    assert flashes(r) == ["Weights saved."]
    weights = dict(Indicator.objects.filter(framework=ev.gacc, code__in=["S", "S01", "Q", "Q01", "S02"])
                   .values_list("code", "weight"))
    assert weights == {"S": 45, "S01": 0, "Q": 25, "Q01": Decimal("7.5"), "S02": 5}
    f = Framework.objects.get(pk=ev.gacc.pk)
    assert (f.aggregation, f.impute, f.class_bands) == ("geometric", "zero", [["A", "30"], ["B", "60"], ["C", "100"]])
    assert 'value="A:30, B:60, C:100"' in r.content.decode()


def test_weights_form_on_a_locked_framework_is_refused(ev):
    make_run(ev)
    c, before = client_for("commerce"), snapshot()
    r = c.post(f"/evaluation/frameworks/{ev.gacc.pk}/weights", weights_form(ev.gacc), follow=True, **EN)
    assert len(flashes(r)) == 1 and "locked" in flashes(r)[0] and "gacc-2020" in flashes(r)[0]
    assert snapshot() == before
    assert client_for("tax").post(f"/evaluation/frameworks/{ev.gacc.pk}/weights", weights_form(ev.gacc)
                                  ).status_code == 403


def test_clone_form(ev):
    make_run(ev)
    c = client_for("commerce")
    r = c.post(f"/evaluation/frameworks/{ev.gacc.pk}/clone", {"code": "mine", "name": "我的"}, follow=True, **EN)
    clone = Framework.objects.get(code="mine")
    assert r.redirect_chain == [(f"/evaluation/frameworks/{clone.pk}/", 302)]
    assert 'name="w_S01"' in r.content.decode()  # the clone is editable
    before = snapshot()
    r = c.post(f"/evaluation/frameworks/{ev.gacc.pk}/clone", {"code": "mine", "name": ""}, follow=True, **EN)
    assert len(flashes(r)) == 2 and snapshot() == before


def test_value_form(ev):
    c = client_for("zone_a")
    row = {"zone": ev.zone_a.pk, "series": "revenue", "year": YEAR, "value": "77", "unit": "亿元", "note": "月报"}
    r = c.post("/evaluation/values/new", row, follow=True, **EN)
    assert r.redirect_chain == [("/evaluation/values/", 302)] and flashes(r) == ["Saved as revision 2."]
    assert SeriesValue.objects.get(zone=ev.zone_a, series="revenue", year=YEAR, revision=2).value == 77
    before = snapshot()
    r = c.post("/evaluation/values/new", {**row, "unit": "万元", "value": "-77"}, follow=True, **EN)
    assert field_errors(r) == {"unit": "Series Total operating revenue is measured in 亿元, not 万元.",
                               "value": "Series Total operating revenue sums, counts or shares something: it "
                                        "cannot be below zero (got -77)."}
    page = html(r)  # the form is open again with what was typed
    assert '<details class="card" open>' in page and 'value="-77"' in page and 'value="月报"' in page
    assert f'<option value="{ev.zone_a.pk}" selected>' in page and '<option value="revenue" selected>' in page
    r = c.post("/evaluation/values/new", {**row, "zone": ev.zone_b.pk}, **EN)
    assert r.status_code == 403 and "only for your own zone" in r.content.decode()
    assert snapshot() == before


def test_import_form_shows_row_errors_with_status_400(ev):
    c = client_for("commerce")
    assert 'type="file"' in html(c.get("/evaluation/values/import", **EN))
    before = snapshot()
    bad = ("zone,series,year,value,unit,note\n"
           f"EV-TZ,revenue,{YEAR},1,亿元,\n"
           f"EV-TZ,revenue,{YEAR},x,亿元,\n"
           f"EV-XX,revenue,{YEAR},1,亿元,\n").encode()
    r = c.post("/evaluation/values/import", {"file": SimpleUploadedFile("v.csv", bad)}, **EN)
    assert r.status_code == 400 and snapshot() == before
    errors = re.search(r'data-testid="import-errors">(.*?)</div>', r.content.decode(), re.S).group(1)
    assert "row 3, value:" in errors and "row 4, zone:" in errors and "EV-XX" in errors
    r = c.post("/evaluation/values/import", {"file": SimpleUploadedFile("v.csv", bad)}, **ZH)
    assert r.status_code == 400 and '<html lang="zh-hans">' in r.content.decode()
    r = c.post("/evaluation/values/import", {}, **EN)
    assert r.status_code == 400 and 'data-testid="import-errors"' in r.content.decode()
    good = f"zone,series,year,value,unit,note\nEV-TZ,revenue,{YEAR},1,亿元,\nEV-DX,revenue,{YEAR},2,亿元,\n".encode()
    r = c.post("/evaluation/values/import", {"file": SimpleUploadedFile("v.csv", good)}, follow=True, **EN)
    assert r.redirect_chain == [("/evaluation/values/", 302)] and flashes(r) == ["2 values imported."]
    assert client_for("tax").get("/evaluation/values/import").status_code == 403


def test_compute_form(ev):
    c = client_for("commerce")
    r = c.post("/evaluation/values/compute", {"year": YEAR}, follow=True, **EN)
    assert flashes(r) == ["12 values computed from the account books."]
    before = snapshot()
    r = c.post("/evaluation/values/compute", {"year": "abc"}, follow=True, **EN)
    assert len(flashes(r)) == 1 and flashes(r)[0].startswith("Year: ") and snapshot() == before


def test_area_form(ev):
    c = client_for("zone_a")
    url = f"/evaluation/zones/{ev.zone_a.pk}/areas"
    r = c.post(url, {"year": 2026, "planned_km2": "6", "accepted_km2": "5", "fenced_km2": "6", "developed_km2": "2"},
               follow=True, **EN)
    assert r.redirect_chain == [(f"/evaluation/zones/{ev.zone_a.pk}/", 302)] and flashes(r) == ["Areas saved."]
    assert ZoneArea.objects.get(zone=ev.zone_a, year=2026).accepted_km2 == 5
    before = snapshot()
    r = c.post(url, {"year": 2026, "planned_km2": "6", "accepted_km2": "7", "fenced_km2": "6", "developed_km2": "2"},
               follow=True, **EN)
    assert flashes(r) == ["The accepted, closed-fence and developed areas cannot exceed the planned area."]
    r = c.post(f"/evaluation/zones/{ev.zone_b.pk}/areas", {"year": 2026, "planned_km2": "6", "accepted_km2": "5",
                                                          "fenced_km2": "6", "developed_km2": "2"})
    assert r.status_code == 403 and snapshot() == before


def test_publish_reproduce_and_export_from_the_run_page(ev):
    run = make_run(ev)
    c = client_for("commerce")
    r = c.post(f"/evaluation/runs/{run.pk}/publish", {"public": "1"})
    assert r.status_code == 302 and EvaluationRun.objects.get(pk=run.pk).public
    assert 'data-testid="ranking"' in html(client_for("ent_b").get(f"/evaluation/runs/{run.pk}/", **EN))
    c.post(f"/evaluation/runs/{run.pk}/publish", {"public": "0"})
    assert not EvaluationRun.objects.get(pk=run.pk).public
    assert client_for("ent_b").get(f"/evaluation/runs/{run.pk}/").status_code == 404
    r = client_for("tax").post(f"/evaluation/runs/{run.pk}/reproduce", follow=True, **EN)
    assert r.redirect_chain == [(f"/evaluation/runs/{run.pk}/", 302)]
    (message,) = flashes(r)
    assert "identical" in message and run.result_hash[:12] in message
    r = client_for("tax").get(f"/evaluation/runs/{run.pk}/export?format=csv")
    rows = [row for row in csv.reader(io.StringIO(r.content.decode("utf-8-sig"))) if not row[0].startswith("#")]
    assert r.status_code == 200 and tabular.header_code(rows[0][2]) == "zone" and "EV-TZ" in {row[2] for row in rows[1:]}
    assert client_for("tax").get(f"/evaluation/runs/{run.pk}/export?format=xlsx").content[:2] == b"PK"
    r = client_for("tax").get(f"/evaluation/runs/{run.pk}/export?format=doc", **EN)
    assert r.status_code == 400 and "doc" in r.content.decode()


def test_indicator_form_edits_one_node_and_refuses_bad_input(ev):
    c = client_for("commerce")
    node = Indicator.objects.get(framework=ev.gacc, code="S01")
    url = f"/evaluation/frameworks/{ev.gacc.pk}/indicators/{node.pk}/"
    form = html(c.get(url, **EN))
    assert 'data-testid="indicator-form"' in form
    select = form.split('name="normalisation"')[1].split("</select>")[0]
    options = re.findall(r'<option value="(\w+)" (selected)?', select)
    assert options == [("minmax", "selected"), ("zscore", ""), ("goalposts", ""), ("rank", "")]
    assert f'href="{url}"' in html(c.get(f"/evaluation/frameworks/{ev.gacc.pk}/", **EN))

    before = snapshot()  # goalposts normalisation without goalposts
    r = c.post(url, {"name_zh": "进出口总值", "direction": "1", "normalisation": "goalposts", "goal_low": "",
                     "goal_high": ""}, follow=True, **EN)
    assert r.redirect_chain == [(url, 302)] and any("goalpost" in m for m in flashes(r))
    assert snapshot() == before

    r = c.post(url, {"name_zh": "进出口总值（亿元）", "name_en": "Trade", "direction": "-1",
                     "normalisation": "goalposts", "goal_low": "0", "goal_high": "5000"}, follow=True, **EN)
    assert flashes(r) == ["S01 saved."]
    node.refresh_from_db()
    assert (node.name_zh, node.direction, node.normalisation, node.goal_low, node.goal_high) == (
        "进出口总值（亿元）", -1, "goalposts", Decimal("0"), Decimal("5000"))
    assert node.weight == 5  # weights are not this form's business

    aux = Indicator.objects.get(framework=ev.gacc, code="AUX5")
    before = snapshot()
    r = c.post(f"/evaluation/frameworks/{ev.gacc.pk}/indicators/{aux.pk}/",
               {"name_zh": aux.name_zh, "points": "-1", "cap": "5"}, follow=True, **EN)
    assert len(flashes(r)) == 1 and snapshot() == before
    aux_after = Indicator.objects.get(pk=aux.pk)
    assert (aux_after.points, aux_after.cap) == (aux.points, aux.cap)

    make_run(ev)  # now locked: the page says so and a post is refused
    assert 'data-testid="framework-locked"' in html(c.get(url, **EN))
    before = snapshot()
    r = c.post(url, {"name_zh": "x"}, follow=True, **EN)
    assert any("locked" in m for m in flashes(r)) and snapshot() == before
    assert Indicator.objects.get(pk=node.pk).name_zh == "进出口总值（亿元）"
    assert client_for("zone_a").get(url).status_code == 403


def test_zone_forms_add_and_edit_zones_for_managers_only(ev):
    c = client_for("commerce")
    assert 'data-testid="zone-create-form"' in html(c.get("/evaluation/zones/", **EN))
    assert 'data-testid="zone-create-form"' not in html(client_for("zone_a").get("/evaluation/zones/", **EN))
    r = c.post("/evaluation/zones/new", {"code": "BJ-YZ", "name_zh": "北京亦庄综合保税区", "region": "east",
                                         "kind": "cbz", "approved_on": "2024-09-13", "evaluated_from": ""},
               follow=True, **EN)
    z = EvalZone.objects.get(code="BJ-YZ")
    assert r.redirect_chain == [(f"/evaluation/zones/{z.pk}/", 302)] and flashes(r) == ["Zone BJ-YZ added."]
    assert "not yet evaluated" in r.content.decode() and 'data-testid="zone-edit-form"' in r.content.decode()
    before = snapshot()
    r = c.post(f"/evaluation/zones/{z.pk}/edit", {"accepted_on": "2025-10-01", "evaluated_from": "2025"},
               follow=True, **ZH)
    assert len(flashes(r)) == 1 and "2025-10-01" in flashes(r)[0] and snapshot() == before
    r = c.post(f"/evaluation/zones/{z.pk}/edit", {"accepted_on": "2025-10-01", "evaluated_from": "2026"},
               follow=True, **EN)
    assert flashes(r) == ["Zone saved."] and EvalZone.objects.get(pk=z.pk).evaluated_from == 2026
    assert client_for("zone_a").post(f"/evaluation/zones/{z.pk}/edit", {"name_zh": "x"}).status_code == 403


def test_a_region_board_shows_regional_ranks_and_intervals(ev):
    run = make_run(ev)
    c = client_for("commerce")
    body = html(c.get(f"/evaluation/runs/{run.pk}/?region=east", **EN))
    chart = json.loads(re.search(r'<script id="chart-data" type="application/json">(.*?)</script>', body, re.S).group(1))
    east = {r.zone.name_zh: r for r in run.results.filter(region="east").select_related("zone")}
    assert chart["labels"]["rank"] == "regional rank" and len(chart["whiskers"]) == len(east)
    for w in chart["whiskers"]:
        r = east[w["zone"]]
        assert (w["rank"], w["median"], w["p05"], w["p95"]) == (
            r.rank_regional, float(r.mc_regional_median), float(r.mc_regional_p05), float(r.mc_regional_p95))
