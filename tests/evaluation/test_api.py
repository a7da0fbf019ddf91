"""The evaluation API end to end: every operation's happy path, bad input as 4xx with field-level errors
(nothing written), pagination, exports and imports as files."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal

import openpyxl
import pytest
import tablib
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from bondzone.core import tabular
from bondzone.core.models import AuditEvent
from bondzone.evaluation import selectors
from bondzone.evaluation.models import EvaluationRun, Framework, Indicator, SeriesValue, ZoneArea

from ..conftest import PASSWORD, key
from .conftest import DRAWS, PREVIOUS, YEAR, make_run, post_valued_list, snapshot

pytestmark = pytest.mark.django_db
API = "/api/v1/evaluation"


def client_for(username: str | None) -> Client:
    c = Client()
    if username:
        assert c.login(username=username, password=PASSWORD)
    return c


def send(c, method, path, body=None, **extra):
    return c.generic(method, path, json.dumps(body if body is not None else {}), content_type="application/json",
                     **extra)


def fields(r) -> dict:
    body = r.json()
    assert set(body) == {"detail", "errors"} and all(set(e) == {"field", "code", "message"} for e in body["errors"])
    return {e["field"]: e["code"] for e in body["errors"]}


def refused(r, status, expected_fields, before):
    assert r.status_code == status, r.content
    assert fields(r) == expected_fields
    assert snapshot() == before


# ---------------------------------------------------------------- zones and areas
def test_zones_are_paginated_and_filtered(ev):
    c = client_for("ent_a")  # reference data: enterprises see the zones too
    r = c.get(f"{API}/zones?limit=3")
    assert r.status_code == 200 and r.json()["count"] == len(ev.zones) and len(r.json()["items"]) == 3
    page2 = c.get(f"{API}/zones?limit=3&offset=3").json()["items"]
    assert {z["code"] for z in page2}.isdisjoint({z["code"] for z in r.json()["items"]})
    real = c.get(f"{API}/zones?synthetic=false").json()
    assert {z["code"] for z in real["items"]} == {"EV-TZ", "EV-DX"}
    assert real["items"][0]["zone_id"] in (ev.world.zone_a.pk, ev.world.zone_b.pk)
    assert {z["code"] for z in c.get(f"{API}/zones?q=EV-T").json()["items"]} == {"EV-TZ"}
    east = c.get(f"{API}/zones?region=east&limit=100").json()["items"]
    assert east and all(z["region"] == "east" for z in east)


def test_areas_are_read_and_set(ev):
    c = client_for("zone_a")
    r = c.get(f"{API}/zones/{ev.zone_a.pk}/areas")
    assert r.status_code == 200 and [a["year"] for a in r.json()] == [YEAR, PREVIOUS]
    r = send(c, "PUT", f"{API}/zones/{ev.zone_a.pk}/areas", {"year": 2026, "planned_km2": "5.5", "accepted_km2": "5",
                                                             "fenced_km2": "5.5", "developed_km2": "3.25"})
    assert r.status_code == 200, r.content
    assert r.json()["year"] == 2026 and Decimal(r.json()["developed_km2"]) == Decimal("3.25")
    assert ZoneArea.objects.filter(zone=ev.zone_a).count() == 3
    assert client_for("ent_a").get(f"{API}/zones/{ev.zone_a.pk}/areas").json() == []  # staff data only


def test_bad_areas_over_http(ev):
    c, before = client_for("commerce"), snapshot()
    url = f"{API}/zones/{ev.zone_a.pk}/areas"
    good = {"year": YEAR, "planned_km2": "4", "accepted_km2": "3", "fenced_km2": "4", "developed_km2": "1"}
    refused(send(c, "PUT", url, {**good, "accepted_km2": "5"}), 400, {"planned_km2": "area_order"}, before)
    refused(send(c, "PUT", url, {**good, "fenced_km2": "x", "year": 1990}), 400,
            {"fenced_km2": "not_a_number", "year": "year_out_of_range"}, before)
    refused(send(c, "PUT", url, {**good, "year": "next"}), 400, {"year": "not_an_integer"}, before)
    refused(send(c, "PUT", url, {"year": YEAR}), 400, {"planned_km2": "required", "accepted_km2": "required",
                                                       "fenced_km2": "required", "developed_km2": "required"}, before)
    r = send(client_for("zone_a"), "PUT", f"{API}/zones/{ev.zone_b.pk}/areas", good)
    refused(r, 403, {"zone": "zone_not_yours"}, before)
    assert send(c, "PUT", f"{API}/zones/999999/areas", good).status_code == 404


# ---------------------------------------------------------------- frameworks
def test_frameworks_clone_weights_indicator_and_settings(ev):
    c = client_for("commerce")
    r = c.get(f"{API}/frameworks")
    assert r.status_code == 200 and [f["code"] for f in r.json()] == ["gacc-2020"] and not r.json()[0]["locked"]
    r = c.get(f"{API}/frameworks/{ev.gacc.pk}")
    tree = r.json()["indicators"]
    assert len(tree) == 40 and tree[0]["code"] == "S" and tree[0]["weight"] == "50.0000"
    assert {i["kind"] for i in tree} == {"category", "indicator", "bonus", "penalty"}
    r = send(c, "POST", f"{API}/frameworks/{ev.gacc.pk}/clone", {"code": "mine", "name": "我的指标体系"})
    assert r.status_code == 201 and r.json()["based_on_id"] == ev.gacc.pk and len(r.json()["indicators"]) == 40
    clone = r.json()["id"]
    r = send(c, "PUT", f"{API}/frameworks/{clone}/weights", {"weights": {"S01": "7.5", "S02": "2.5"}})
    assert r.status_code == 200, r.content
    by_code = {i["code"]: i for i in r.json()["indicators"]}
    assert by_code["S01"]["weight"] == "7.5000" and by_code["S01"]["weight_assumed"]
    r = send(c, "PATCH", f"{API}/frameworks/{clone}/indicators/S01", {"normalisation": "zscore", "name_en": "Trade"})
    assert r.status_code == 200 and r.json()["normalisation"] == "zscore" and r.json()["name_en"] == "Trade"
    r = send(c, "PATCH", f"{API}/frameworks/{clone}", {"aggregation": "geometric",
                                                       "class_bands": [["A", "30"], ["B", "100"]]})
    assert r.status_code == 200 and r.json()["aggregation"] == "geometric"
    assert r.json()["class_bands"] == [["A", "30"], ["B", "100"]]
    make_run(ev, framework=Framework.objects.get(pk=clone))
    assert c.get(f"{API}/frameworks/{clone}").json()["locked"]


def test_bad_framework_edits_over_http(ev):
    c, before = client_for("commerce"), snapshot()
    url = f"{API}/frameworks/{ev.gacc.pk}"
    r = send(c, "PUT", f"{url}/weights", {"weights": {"S01": "6"}}, HTTP_ACCEPT_LANGUAGE="en")
    refused(r, 400, {"nodes.S.weight": "weights_do_not_sum"}, before)
    assert r.json()["detail"] == "The weights under S sum to 51; they must sum to 50."
    r = send(c, "PUT", f"{url}/weights", {"weights": {"S01": "6"}}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert r.json()["detail"] == "S 下的权重合计为 51，应为 50。"
    refused(send(c, "PUT", f"{url}/weights", {"weights": {"S01": "-1", "S02": "11"}}), 400,
            {"nodes.S01.weight": "negative_weight"}, before)
    refused(send(c, "PUT", f"{url}/weights", {"weights": {"X1": "1"}}), 400, {"weights.X1": "unknown_indicator"},
            before)
    refused(send(c, "PUT", f"{url}/weights", {"weights": "S01=5"}), 400, {"weights": "not_an_object"}, before)
    refused(send(c, "PATCH", url, {"class_bands": [["A", "50"], ["B", "40"]]}), 400,
            {"class_bands": "bad_class_bands"}, before)
    refused(send(c, "PATCH", f"{url}/indicators/S01", {"direction": 0}), 400, {"nodes.S01.direction": "bad_direction"},
            before)
    refused(send(c, "PATCH", f"{url}/indicators/NOPE", {"direction": 1}), 400, {"code": "unknown_indicator"}, before)
    refused(send(c, "POST", f"{url}/clone", {"code": "gacc-2020", "name": "x"}), 400, {"code": "duplicate_value"},
            before)
    refused(send(c, "POST", f"{url}/clone", {"code": "x" * 41, "name": "x"}), 400, {"code": "too_long"}, before)
    refused(send(client_for("tax"), "PUT", f"{url}/weights", {"weights": {"S01": "5"}}), 403,
            {"": "forbidden_action"}, before)
    make_run(ev)
    before = snapshot()
    r = send(c, "PUT", f"{url}/weights", {"weights": {"S01": "5"}}, HTTP_ACCEPT_LANGUAGE="en")
    refused(r, 409, {"framework": "framework_locked"}, before)
    assert "gacc-2020" in r.json()["detail"]


# ---------------------------------------------------------------- values
def test_values_are_recorded_listed_with_revisions_and_paginated(ev):
    c = client_for("zone_a")
    body = {"zone_id": ev.zone_a.pk, "series": "revenue", "year": YEAR, "value": "321.5", "unit": "亿元",
            "note": "管委会统计"}
    r = send(c, "POST", f"{API}/values", body)
    assert r.status_code == 201, r.content
    assert r.json()["revision"] == 2 and r.json()["zone_code"] == "EV-TZ" and r.json()["source"] == "entered"
    r = c.get(f"{API}/values?zone_id={ev.zone_a.pk}&series=revenue")
    assert [(v["year"], v["revision"]) for v in r.json()["items"]] == [(YEAR, 2), (PREVIOUS, 1)]
    assert r.json()["items"][0]["value"] == "321.5000"
    r = c.get(f"{API}/values?zone_id={ev.zone_a.pk}&series=revenue&year={YEAR}&all=true")
    assert [v["revision"] for v in r.json()["items"]] == [2, 1]
    total = SeriesValue.objects.filter(year=YEAR).count() - 1  # one older revision hidden
    r = c.get(f"{API}/values?year={YEAR}&limit=7&offset=7")
    assert r.json()["count"] == total and len(r.json()["items"]) == 7
    assert c.get(f"{API}/values?source=entered").json()["count"] == 1
    assert client_for("ent_a").get(f"{API}/values").json() == {"items": [], "count": 0}


def test_bad_values_over_http_in_both_languages(ev):
    c, before = client_for("commerce"), snapshot()
    good = {"zone_id": ev.zone_a.pk, "series": "revenue", "year": YEAR, "value": "1", "unit": "亿元"}
    r = send(c, "POST", f"{API}/values", {**good, "unit": "万元"}, HTTP_ACCEPT_LANGUAGE="en")
    refused(r, 400, {"unit": "wrong_value_unit"}, before)
    assert r.json()["detail"] == "Series Total operating revenue is measured in 亿元, not 万元."
    r = send(c, "POST", f"{API}/values", {**good, "unit": "万元"}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert r.status_code == 400 and "万元" in r.json()["detail"] and "亿元" in r.json()["detail"]
    refused(send(c, "POST", f"{API}/values", {**good, "series": "gdp", "year": 3000}), 400,
            {"series": "no_such_series", "year": "year_out_of_range"}, before)
    refused(send(c, "POST", f"{API}/values", {**good, "value": "lots"}), 400, {"value": "not_a_number"}, before)
    refused(send(c, "POST", f"{API}/values", {**good, "year": "soon"}), 400, {"year": "not_an_integer"}, before)
    refused(send(c, "POST", f"{API}/values", {"zone_id": ev.zone_a.pk}), 400,
            {"series": "required", "year": "required", "value": "required", "unit": "required"}, before)
    refused(send(client_for("zone_a"), "POST", f"{API}/values", {**good, "zone_id": ev.zone_b.pk}), 403,
            {"zone": "zone_not_yours"}, before)
    assert send(c, "POST", f"{API}/values", {**good, "zone_id": 999999}).status_code == 404
    assert snapshot() == before


def upload(c, name: str, content: bytes, **extra):
    return c.post(f"{API}/values/import", {"file": SimpleUploadedFile(name, content)}, **extra)


def test_import_csv_and_xlsx_files(ev):
    c = client_for("commerce")
    text = ("zone,series,year,value,unit,note\n"
            f"EV-TZ,revenue,{YEAR},88.5,亿元,年报\n"
            f"EV-DX,employees,{YEAR},4200,人,\n")
    r = upload(c, "values.csv", text.encode("utf-8-sig"))
    assert r.status_code == 201 and r.json() == {"rows": 2}
    assert SeriesValue.objects.get(zone=ev.zone_a, series="revenue", year=YEAR, revision=2).note == "年报"
    ds = tablib.Dataset(headers=["zone", "series", "year", "value", "unit", "note"])
    ds.append(["EV-DX", "revenue", YEAR, 12.25, "亿元", "xlsx"])
    ds.append(["EV-DX", "revenue", 2026, 13, "亿元", ""])
    r = upload(c, "values.xlsx", ds.export("xlsx"))
    assert r.status_code == 201, r.content
    assert r.json() == {"rows": 2}
    assert SeriesValue.objects.filter(zone=ev.zone_b, series="revenue", source="imported").count() == 2
    json_body = json.dumps([{"zone": "EV-TZ", "series": "first_cases", "year": YEAR, "value": 3, "unit": "count"}])
    assert upload(c, "values.json", json_body.encode()).json() == {"rows": 1}


@pytest.mark.parametrize(("name", "content", "field", "code"), [
    ("v.csv", b"\xff\xfe\x00", "file", "file_not_text"),  # neither UTF-8 nor GBK
    ("v.csv", b"zone,series,year\nEV-TZ,revenue,2025\n", "file", "missing_columns"),
    ("v.csv", b"zone,series,year,value,unit\n", "file", "file_empty"),
    ("v.pdf", b"%PDF", "format", "unknown_format"),
    ("v.xlsx", b"not a workbook", "file", "file_unreadable"),
])
def test_malformed_files_are_refused(ev, name, content, field, code):
    before = snapshot()
    refused(upload(client_for("commerce"), name, content), 400, {field: code}, before)


def test_import_with_a_bad_row_imports_nothing_and_names_the_row(ev):
    c, before = client_for("commerce"), snapshot()
    text = ("zone,series,year,value,unit,note\n"
            f"EV-TZ,revenue,{YEAR},88.5,亿元,\n"
            f"EV-DX,revenue,{YEAR},12,万元,\n"
            f"EV-TZ,employees,{YEAR},100,人,\n")
    r = upload(c, "values.csv", text.encode(), HTTP_ACCEPT_LANGUAGE="en")
    assert r.status_code == 400 and snapshot() == before
    assert r.json()["errors"] == [{"field": "", "code": "row",
                                   "message": "row 3, unit: Series Total operating revenue is measured in 亿元, not 万元."}]
    r = upload(client_for("ent_a"), "values.csv", text.encode())
    assert r.status_code == 403 and snapshot() == before  # refused before the file is read


def test_values_computed_from_the_platform(ev):
    from django.utils import timezone

    post_valued_list(ev.world, value="250000000")
    r = send(client_for("commerce"), "POST", f"{API}/values/compute", {"year": timezone.localdate().year})
    # two platform zones × (4 trade series + second-line goods + active enterprises)
    assert r.status_code == 201 and r.json()["rows"] == 2 * 6
    assert SeriesValue.objects.get(zone=ev.zone_a, series="trade_total", source="computed").value == 2.5
    before = snapshot()
    refused(send(client_for("commerce"), "POST", f"{API}/values/compute", {"year": 1066}), 400,
            {"year": "year_out_of_range"}, before)
    refused(send(client_for("zone_a"), "POST", f"{API}/values/compute", {"year": YEAR}), 403,
            {"": "forbidden_action"}, before)


# ---------------------------------------------------------------- runs
def test_run_create_read_results_and_zone_scores(ev):
    c = client_for("commerce")
    k = key()
    r = send(c, "POST", f"{API}/runs", {"framework_id": ev.gacc.pk, "year": YEAR, "draws": DRAWS, "seed": 3,
                                        "label": "API run"}, HTTP_IDEMPOTENCY_KEY=k)
    assert r.status_code == 201, r.content
    run = r.json()
    assert run["zone_count"] == len(ev.zones) and run["framework_code"] == "gacc-2020" and len(run["result_hash"]) == 64
    assert run["synthetic"] and not run["public"] and run["draws"] == DRAWS and run["label"] == "API run"
    again = send(c, "POST", f"{API}/runs", {"framework_id": ev.gacc.pk, "year": YEAR, "draws": DRAWS, "seed": 3,
                                            "label": "API run"}, HTTP_IDEMPOTENCY_KEY=k)
    assert again.status_code == 201 and again.json()["id"] == run["id"] and EvaluationRun.objects.count() == 1
    assert c.get(f"{API}/runs/{run['id']}").json()["result_hash"] == run["result_hash"]
    make_run(ev, year=PREVIOUS)
    listing = c.get(f"{API}/runs?limit=1")
    assert listing.json()["count"] == 2 and listing.json()["items"][0]["year"] == YEAR  # newest data year first
    assert c.get(f"{API}/runs?year={PREVIOUS}").json()["count"] == 1
    assert c.get(f"{API}/runs?framework_id={ev.gacc.pk}&offset=1").json()["items"][0]["year"] == PREVIOUS
    results = c.get(f"{API}/runs/{run['id']}/results?limit=4").json()
    assert results["count"] == len(ev.zones) and [z["rank_national"] for z in results["items"]] == [1, 2, 3, 4]
    rest = c.get(f"{API}/runs/{run['id']}/results?limit=100&offset=4").json()["items"]
    assert [z["rank_national"] for z in rest] == list(range(5, len(ev.zones) + 1))
    first = results["items"][0]
    assert first["class_national"] == "A" and first["mc_p05"] is not None
    east = c.get(f"{API}/runs/{run['id']}/results?region=east&limit=100").json()["items"]
    assert [z["rank_regional"] for z in east] == list(range(1, len(east) + 1))
    assert {z["zone_code"] for z in c.get(f"{API}/runs/{run['id']}/results?klass=A").json()["items"]} == {
        first["zone_code"], results["items"][1]["zone_code"]}  # top 20 % of 10
    assert [z["zone_code"] for z in c.get(f"{API}/runs/{run['id']}/results?q=EV-DX").json()["items"]] == ["EV-DX"]
    detail = c.get(f"{API}/runs/{run['id']}/zones/{ev.zone_a.pk}").json()
    assert detail["result"]["zone_code"] == "EV-TZ" and len(detail["scores"]) == 5 + 27
    assert len(detail["strengths"]) == len(detail["weaknesses"]) == 5
    assert c.get(f"{API}/runs/{run['id']}/zones/999999").status_code == 404


def test_bad_runs_over_http(ev):
    c, before = client_for("commerce"), snapshot()
    body = {"framework_id": ev.gacc.pk, "year": YEAR, "draws": DRAWS}
    r = send(c, "POST", f"{API}/runs", {**body, "draws": 100000}, HTTP_ACCEPT_LANGUAGE="en",
             HTTP_IDEMPOTENCY_KEY=key())
    refused(r, 400, {"draws": "draws_out_of_range"}, before)
    assert r.json()["detail"] == "Monte Carlo draws must be between 0 and 5000."
    refused(send(c, "POST", f"{API}/runs", {**body, "year": 2012}), 400, {"year": "no_zones_to_evaluate"}, before)
    refused(send(c, "POST", f"{API}/runs", {**body, "year": "x", "draws": "y"}), 400,
            {"year": "not_an_integer", "draws": "not_an_integer"}, before)
    refused(send(c, "POST", f"{API}/runs", {**body, "framework_id": 999999}), 404, {"id": "not_found"}, before)
    refused(send(client_for("zone_a"), "POST", f"{API}/runs", body), 403, {"": "forbidden_action"}, before)


def test_exit_watch_needs_two_consecutive_years(ev):
    c = client_for("tax")
    earlier = make_run(ev, year=PREVIOUS)
    assert c.get(f"{API}/runs/{earlier.pk}/exit-watch").json() == []
    run = make_run(ev)
    watch = c.get(f"{API}/runs/{run.pk}/exit-watch").json()
    expected = selectors.exit_watch_zones(ev.actor("tax"), run)
    assert [z["code"] for z in watch] == [z.code for z in expected] and watch
    bottom = {r.zone.code for r in selectors.ranking(ev.actor("tax"), run) if r.rank_national > len(ev.zones) - 5}
    assert {z["code"] for z in watch} <= bottom


def test_export_csv_xlsx_and_json(ev):
    run = make_run(ev)
    c = client_for("market")
    r = c.get(f"{API}/runs/{run.pk}/export?format=csv")
    assert r.status_code == 200 and r["Content-Type"].startswith("text/csv")
    assert f'filename="ranking-{run.pk}.csv"' in r["Content-Disposition"]
    lines = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    notes = [row[0] for row in lines if row[0].startswith("#")]  # first lines: what is synthetic, what assumed
    assert lines[:len(notes)] == [[n] for n in notes] and notes[0].startswith("# 合成数据")  # zh by default
    rows = lines[len(notes):]
    codes = [tabular.header_code(h) for h in rows[0]]  # headings are "name (code)" in the reader's language
    assert codes[:4] == ["rank_national", "rank_regional", "zone", "name"]
    assert [c.upper() for c in codes[-6:]] == ["S", "Q", "L", "R", "I", "IMPUTED"]  # category scores, imputed cells
    assert len(rows) == 1 + len(ev.zones) and "EV-TZ" in {row[2] for row in rows[1:]}
    assert [int(row[0]) for row in rows[1:]] == list(range(1, len(ev.zones) + 1))
    r = c.get(f"{API}/runs/{run.pk}/export?format=xlsx")
    assert r.status_code == 200 and r.content[:2] == b"PK"
    sheet = openpyxl.load_workbook(io.BytesIO(r.content)).active
    cells = list(sheet.iter_rows(values_only=True))
    assert [tabular.header_code(h) for h in cells[0][:3]] == ["rank_national", "rank_regional", "zone"] and "EV-DX" in {row[2] for row in cells[1:]}
    data = json.loads(c.get(f"{API}/runs/{run.pk}/export?format=json").content)
    assert data["synthetic"] is True and {n["kind"] for n in data["notes"]} == {"synthetic", "assumed"}
    data = data["rows"]
    assert len(data) == len(ev.zones) and {"zone", "overall", "class_national"} <= set(data[0])
    r = c.get(f"{API}/runs/{run.pk}/export?format=pdf")
    assert r.status_code == 400 and fields(r) == {"format": "unknown_format"}


def test_reproduce_and_publish(ev):
    run = make_run(ev)
    r = client_for("customs").post(f"{API}/runs/{run.pk}/reproduce")
    assert r.status_code == 200
    assert r.json() == {"same": True, "stored_hash": run.result_hash, "recomputed_hash": run.result_hash}
    ent = client_for("ent_a")
    assert ent.get(f"{API}/runs").json()["count"] == 0 and ent.get(f"{API}/runs/{run.pk}").status_code == 404
    c = client_for("commerce")
    r = send(c, "POST", f"{API}/runs/{run.pk}/publish", {"public": True})
    assert r.status_code == 200 and r.json()["public"]
    assert [x["id"] for x in ent.get(f"{API}/runs").json()["items"]] == [run.pk]
    assert ent.get(f"{API}/runs/{run.pk}/results").json()["count"] == len(ev.zones)
    r = send(c, "POST", f"{API}/runs/{run.pk}/publish", {"public": False})
    assert r.status_code == 200 and not r.json()["public"]
    assert ent.get(f"{API}/runs/{run.pk}/results").status_code == 404
    before = snapshot()
    refused(send(c, "POST", f"{API}/runs/{run.pk}/publish", {"public": "perhaps"}), 400, {"public": "not_a_boolean"}, before)
    assert AuditEvent.objects.filter(action="evaluation.run_reproduced").count() == 1


def test_anonymous_is_refused(ev):
    anon = client_for(None)
    assert anon.get(f"{API}/zones").status_code == 401
    assert send(anon, "POST", f"{API}/values", {}).status_code == 401
    assert Indicator.objects.filter(framework=ev.gacc).count() == 40


def test_zones_are_added_and_changed_over_http(ev):
    c = client_for("commerce")
    r = send(c, "POST", f"{API}/zones", {"code": "NEW1", "name_zh": "新区", "region": "central"})
    assert r.status_code == 201 and r.json()["kind"] == "cbz" and r.json()["evaluated_from"] is None
    zid = r.json()["id"]
    r = send(c, "PATCH", f"{API}/zones/{zid}", {"accepted_on": "2024-12-01", "evaluated_from": "2025"})
    assert r.status_code == 200 and (r.json()["accepted_on"], r.json()["evaluated_from"]) == ("2024-12-01", 2025)
    before = snapshot()
    refused(send(c, "PATCH", f"{API}/zones/{zid}", {"evaluated_from": "2024"}), 400,
            {"evaluated_from": "evaluated_before_a_full_year"}, before)
    refused(send(c, "POST", f"{API}/zones", {"code": "NEW1", "region": "east"}), 400,
            {"code": "duplicate_value", "name_zh": "required"}, before)
    assert send(client_for("zone_a"), "POST", f"{API}/zones", {"code": "X", "name_zh": "x", "region": "east"}
                ).status_code == 403
    assert snapshot() == before


def test_a_hostile_category_name_heads_the_ranking_export_as_text(ev):
    """A category's name (commerce edits it) is a column heading of the ranking, which enterprises may export
    from a public run: in CSV and XLSX it is no formula, and the column still reads back as its code."""
    from bondzone.evaluation import services

    hostile = "=HYPERLINK(\"http://evil.example\",\"x\")"
    services.update_indicator(actor=ev.actor("commerce"), framework_id=ev.gacc.pk, code="S", data={"name_zh": hostile})
    run = make_run(ev, public=True)
    c = client_for("ent_a")
    lines = list(csv.reader(io.StringIO(c.get(f"{API}/runs/{run.pk}/export?format=csv").content.decode("utf-8-sig"))))
    heads = next(row for row in lines if not row[0].startswith("#"))
    assert f"'{hostile} (S)" in heads and not any(h.startswith("=") for h in heads)
    assert "s" in [tabular.header_code(h) for h in heads]  # codes read back lower-cased
    sheet = openpyxl.load_workbook(io.BytesIO(c.get(f"{API}/runs/{run.pk}/export?format=xlsx").content)).worksheets[0]
    assert f"'{hostile} (S)" in [cell.value for cell in sheet[1]]
