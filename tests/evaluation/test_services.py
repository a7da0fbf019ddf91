"""The evaluation's services against the database: bad input is a clear error and writes nothing (no row,
no audit event); the good paths (revisions, areas, runs, frozen inputs, reproduction, idempotency,
platform-computed values, publishing, cloning)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import timezone, translation

from bondzone.core.domain.errors import Conflict, DomainError, Forbidden
from bondzone.core.messages import as_dicts
from bondzone.core.models import AuditEvent
from bondzone.evaluation import selectors, services
from bondzone.evaluation.models import (
    EvalZone, EvaluationRun, Indicator, NodeScore, SeriesValue, ZoneArea, ZoneResult,
)
from bondzone.supervision import services as sup

from ..conftest import key
from .conftest import DRAWS, PREVIOUS, YEAR, codes, make_run, post_valued_list, refused

pytestmark = pytest.mark.django_db


def messages(exc: DomainError, lang: str) -> list[str]:
    with translation.override(lang):
        return [d["message"] for d in as_dicts(exc.problems)]


def value(zone, series="revenue", year=YEAR, v="12.5", unit="亿元", note="") -> dict:
    return {"series": series, "year": year, "value": v, "unit": unit, "note": note, "zone": zone}


# ---------------------------------------------------------------- frameworks: bad input
def test_weights_that_do_not_sum_to_their_parent_are_refused_in_both_languages(ev):
    err = refused(services.set_weights, actor=ev.actor("commerce"), framework_id=ev.gacc.pk, weights={"S01": "6"})
    assert codes(err) == {"nodes.S.weight": "weights_do_not_sum"}
    (en,) = messages(err, "en")
    (zh,) = messages(err, "zh-hans")
    assert "S" in en and "51" in en and "50" in en and en.startswith("The weights under S sum to 51")
    assert "S 下的权重合计为 51，应为 50" in zh
    # categories: the root must sum to 100
    err = refused(services.set_weights, actor=ev.actor("commerce"), framework_id=ev.gacc.pk,
                  weights={"S": "55", "S01": "10"})
    assert set(codes(err).values()) == {"weights_do_not_sum"}
    assert any("105" in m and "100" in m for m in messages(err, "en"))


def test_negative_unknown_and_unparsable_weights_are_refused(ev):
    commerce = ev.actor("commerce")
    err = refused(services.set_weights, actor=commerce, framework_id=ev.gacc.pk, weights={"S01": "-5", "S02": "15"})
    assert "negative_weight" in codes(err).values()
    assert any("S01" in m and "-5" in m for m in messages(err, "en"))
    assert any("S01 的权重不能为负数" in m for m in messages(err, "zh-hans"))
    err = refused(services.set_weights, actor=commerce, framework_id=ev.gacc.pk, weights={"NOPE": "5"})
    assert codes(err) == {"weights.NOPE": "unknown_indicator"}
    (en,) = messages(err, "en")
    assert "gacc-2020" in en and "NOPE" in en
    err = refused(services.set_weights, actor=commerce, framework_id=ev.gacc.pk, weights={"S01": "five"})
    assert codes(err) == {"weights.S01": "not_a_number"}
    err = refused(services.set_weights, actor=commerce, framework_id=ev.gacc.pk, weights={})
    assert codes(err) == {"weights": "required"}


@pytest.mark.parametrize("bands", [
    [["A", "20"], ["B", "10"], ["C", "100"]],  # shares must grow
    [["A", "20"], ["B", "90"]],  # the last share must be 100
    [["A", "50"], ["A", "100"]],  # names must differ
    [["A", "0"], ["B", "100"]],  # shares above 0
    [["A"]],  # not pairs
    "A:20",  # not a list at all
])
def test_bad_class_bands_are_refused(ev, bands):
    err = refused(services.update_settings, actor=ev.actor("commerce"), framework_id=ev.gacc.pk,
                  data={"class_bands": bands})
    assert codes(err) == {"class_bands": "bad_class_bands"}
    assert "100" in messages(err, "en")[0] and "分类档次" in messages(err, "zh-hans")[0]


def test_bad_settings_and_indicator_edits_are_refused(ev):
    commerce = ev.actor("commerce")
    err = refused(services.update_settings, actor=commerce, framework_id=ev.gacc.pk,
                  data={"aggregation": "median", "impute": "em"})
    assert codes(err) == {"aggregation": "bad_choice", "impute": "bad_choice"}
    err = refused(services.update_indicator, actor=commerce, framework_id=ev.gacc.pk, code="S01",
                  data={"normalisation": "bogus", "direction": "up"})
    assert codes(err) == {"normalisation": "bad_choice", "direction": "not_an_integer"}
    err = refused(services.update_indicator, actor=commerce, framework_id=ev.gacc.pk, code="S01",
                  data={"direction": 2})
    assert "bad_direction" in codes(err).values()
    err = refused(services.update_indicator, actor=commerce, framework_id=ev.gacc.pk, code="Q07",
                  data={"goal_low": "90"})  # above the high goalpost (60)
    assert "goalposts_order" in codes(err).values()
    err = refused(services.update_indicator, actor=commerce, framework_id=ev.gacc.pk, code="ZZ9", data={})
    assert codes(err) == {"code": "unknown_indicator"}


def test_a_locked_framework_cannot_be_edited(ev):
    run = make_run(ev)
    assert ev.gacc.locked and run.framework_id == ev.gacc.pk
    commerce = ev.actor("commerce")
    for fn, kwargs in ((services.set_weights, {"weights": {"S01": "5"}}),
                       (services.update_settings, {"data": {"aggregation": "geometric"}}),
                       (services.update_indicator, {"code": "S01", "data": {"name_en": "x"}}),
                       (services.edit_framework, {"weights": {"S01": "5"}, "settings": {}})):
        err = refused(fn, Conflict, actor=commerce, framework_id=ev.gacc.pk, **kwargs)
        assert err.status == 409 and codes(err) == {"framework": "framework_locked"}
        assert "gacc-2020" in messages(err, "en")[0] and "clone" in messages(err, "en")[0]


def test_only_managers_edit_frameworks(ev):
    for name in ("zone_a", "customs", "ent_a"):
        refused(services.set_weights, Forbidden, actor=ev.actor(name), framework_id=ev.gacc.pk,
                weights={"S01": "5"})
        refused(services.clone_framework, Forbidden, actor=ev.actor(name), framework_id=ev.gacc.pk, code="x",
                name="x")


def test_edit_framework_is_all_or_nothing(ev):
    """Good weights with bad settings: neither is saved."""
    err = refused(services.edit_framework, actor=ev.actor("commerce"), framework_id=ev.gacc.pk,
                  weights={"S01": "5"}, settings={"class_bands": [["A", "200"]]})
    assert codes(err) == {"class_bands": "bad_class_bands"}


def test_clone_with_a_bad_or_taken_code_is_refused(ev):
    commerce = ev.actor("commerce")
    err = refused(services.clone_framework, actor=commerce, framework_id=ev.gacc.pk, code=" ", name="")
    assert codes(err) == {"code": "required", "name": "required"}
    err = refused(services.clone_framework, actor=commerce, framework_id=ev.gacc.pk, code="gacc-2020", name="x")
    assert codes(err) == {"code": "duplicate_value"}
    err = refused(services.clone_framework, actor=commerce, framework_id=ev.gacc.pk, code="x" * 41, name="x")
    assert codes(err) == {"code": "too_long"}


# ---------------------------------------------------------------- values and areas: bad input
@pytest.mark.parametrize(("data", "field", "code"), [
    ({"unit": "万元"}, "unit", "wrong_value_unit"),
    ({"unit": ""}, "unit", "wrong_value_unit"),
    ({"series": "revenue_total"}, "series", "no_such_series"),
    ({"year": 1999}, "year", "year_out_of_range"),
    ({"year": 2101}, "year", "year_out_of_range"),
    ({"year": "twenty"}, "year", "not_an_integer"),
    ({"v": "abc"}, "value", "not_a_number"),
    ({"v": ""}, "value", "required"),
    ({"v": "NaN"}, "value", "not_a_number"),
    ({"v": "1e16"}, "value", "amount_too_large"),
    ({"note": "x" * 301}, "note", "too_long"),
    ({"v": "-5"}, "value", "series_negative"),  # no series sums, counts or shares below zero
    ({"series": "fence_developed_rate", "unit": "%", "v": "150"}, "value", "share_above_100"),
    ({"series": "employees", "unit": "人", "v": "2.5"}, "value", "count_not_whole"),
    ({"series": "first_cases", "unit": "count", "v": "0.5"}, "value", "count_not_whole"),
])
def test_a_bad_value_is_refused(ev, data, field, code):
    row = value(None, **data)
    row.pop("zone")
    err = refused(services.record_value, actor=ev.actor("commerce"), zone_id=ev.zone_a.pk, data=row)
    assert codes(err) == {field: code}


def test_a_share_and_a_count_at_their_bounds_are_values_and_the_refusals_read_in_both_languages(ev):
    for data in ({"series": "fence_developed_rate", "unit": "%", "v": "100"}, {"series": "employees", "unit": "人", "v": "0"},
                 {"series": "revenue", "v": "0.0001"}):
        row = value(None, **data)
        row.pop("zone")
        services.record_value(actor=ev.actor("commerce"), zone_id=ev.zone_a.pk, data=row)
    err = refused(services.record_value, actor=ev.actor("commerce"), zone_id=ev.zone_a.pk,
                  data={"series": "fence_developed_rate", "year": YEAR, "value": "100.5", "unit": "%"})
    assert messages(err, "en") == ["Series Share of the closed-fence area developed is a share in %: 100.5 is more "
                                   "than 100."]
    assert messages(err, "zh-hans") == ["数据系列 期末封闭围网面积开发率 是百分比：100.5 超过 100。"]


def test_a_negative_count_is_refused_naming_the_series_not_an_amount_in_both_languages(ev):
    err = refused(services.record_value, actor=ev.actor("commerce"), zone_id=ev.zone_a.pk,
                  data={"series": "first_cases", "year": YEAR, "value": "-2", "unit": "count"})
    assert messages(err, "en") == ["Series First-of-a-kind business cases sums, counts or shares something: it "
                                   "cannot be below zero (got -2)."]
    assert messages(err, "zh-hans") == ["数据系列 新业态首单/首创业务数 是合计、计数或占比，不能小于零（填写的是 -2）。"]


def test_wrong_unit_message_names_the_expected_unit_in_both_languages(ev):
    err = refused(services.record_value, actor=ev.actor("commerce"), zone_id=ev.zone_a.pk,
                  data={"series": "employees", "year": YEAR, "value": "5", "unit": "万人"})
    (en,) = messages(err, "en")
    assert "Enterprise employees at year end" in en and "人" in en and "万人" in en
    assert messages(err, "zh-hans") == ["数据项 期末企业从业人员 的计量单位是 人，不是 万人。"]
    err = refused(services.record_value, actor=ev.actor("commerce"), zone_id=ev.zone_a.pk,
                  data={"series": "nope", "year": 1800, "value": "5", "unit": "x"})
    assert codes(err) == {"series": "no_such_series", "year": "year_out_of_range"}
    en = messages(err, "en")
    assert any("nope" in m for m in en) and any("1800" in m and "2000" in m and "2100" in m for m in en)


def test_zone_admin_enters_values_and_areas_only_for_its_own_zone(ev):
    zone_admin = ev.actor("zone_a")
    row = {"series": "revenue", "year": YEAR, "value": "3", "unit": "亿元"}
    err = refused(services.record_value, Forbidden, actor=zone_admin, zone_id=ev.zone_b.pk, data=row)
    assert codes(err) == {"zone": "zone_not_yours"} and err.status == 403
    synthetic = next(z for z in ev.zones.values() if z.synthetic)
    refused(services.record_value, Forbidden, actor=zone_admin, zone_id=synthetic.pk, data=row)
    refused(services.set_area, Forbidden, actor=zone_admin, zone_id=ev.zone_b.pk, year=YEAR, planned="2",
            accepted="1", fenced="1", developed="1")
    err = refused(services.import_values, actor=zone_admin, rows=[
        {"zone": "EV-TZ", "series": "revenue", "year": str(YEAR), "value": "1", "unit": "亿元"},
        {"zone": "EV-DX", "series": "revenue", "year": str(YEAR), "value": "1", "unit": "亿元"}])
    assert [(p.params["row"], p.params["inner_code"]) for p in err.problems] == [(3, "zone_not_yours")]
    # its own zone is fine
    v = services.record_value(actor=zone_admin, zone_id=ev.zone_a.pk, data=row)
    assert v.zone == ev.zone_a and v.entered_by_id == zone_admin.user_id
    services.set_area(actor=zone_admin, zone_id=ev.zone_a.pk, year=YEAR, planned="2", accepted="1", fenced="1",
                      developed="1")
    # other staff and enterprises enter nothing
    for name in ("customs", "tax", "ent_a"):
        refused(services.record_value, Forbidden, actor=ev.actor(name), zone_id=ev.zone_a.pk, data=row)


@pytest.mark.parametrize(("areas", "field", "code"), [
    (("4", "5", "4", "1"), "planned_km2", "area_order"),  # accepted > planned
    (("4", "4", "4", "4.5"), "planned_km2", "area_order"),  # developed > planned
    (("0", "0", "0", "0"), "planned_km2", "area_not_positive"),
    (("4", "-1", "4", "1"), "accepted_km2", "area_negative"),
    (("4", "", "4", "1"), "accepted_km2", "required"),
    (("4", "x", "4", "1"), "accepted_km2", "not_a_number"),
])
def test_bad_areas_are_refused(ev, areas, field, code):
    planned, accepted, fenced, developed = areas
    err = refused(services.set_area, actor=ev.actor("commerce"), zone_id=ev.zone_a.pk, year=YEAR, planned=planned,
                  accepted=accepted, fenced=fenced, developed=developed)
    assert codes(err) == {field: code}


def test_a_negative_area_reads_as_an_area_not_an_amount_in_both_languages(ev):
    err = refused(services.set_area, actor=ev.actor("commerce"), zone_id=ev.zone_a.pk, year=YEAR, planned="4",
                  accepted="-1", fenced="4", developed="1")
    assert messages(err, "en") == ["An area cannot be below zero (got -1 km²)."]
    assert messages(err, "zh-hans") == ["面积不能小于零（填写的是 -1 平方公里）。"]


def test_area_order_message(ev):
    err = refused(services.set_area, actor=ev.actor("commerce"), zone_id=ev.zone_a.pk, year=YEAR, planned="1",
                  accepted="2", fenced="1", developed="1")
    assert "cannot exceed the planned area" in messages(err, "en")[0]


def test_import_with_one_bad_row_imports_nothing_and_names_the_row(ev):
    rows = [{"zone": "EV-TZ", "series": "revenue", "year": str(YEAR), "value": "10", "unit": "亿元", "note": ""},
            {"zone": "EV-DX", "series": "employees", "year": str(YEAR), "value": "1200", "unit": "人", "note": ""},
            {"zone": "EV-DX", "series": "revenue", "year": str(YEAR), "value": "ten", "unit": "亿元", "note": ""},
            {"zone": "NOWHERE", "series": "revenue", "year": str(YEAR), "value": "1", "unit": "亿元", "note": ""}]
    err = refused(services.import_values, actor=ev.actor("commerce"), rows=rows)
    assert [(p.code, p.params["row"], p.params["field"], p.params["inner_code"]) for p in err.problems] == [
        ("row", 4, "value", "not_a_number"), ("row", 5, "zone", "not_found")]
    en, zh = messages(err, "en"), messages(err, "zh-hans")
    assert en[0].startswith("row 4, value:") and "ten" in en[0]
    assert "NOWHERE" in en[1] and en[1].startswith("row 5, zone:")
    assert "4" in zh[0] and "ten" in zh[0]
    refused(services.import_values, actor=ev.actor("commerce"), rows=[])


def test_import_of_good_rows_makes_new_revisions(ev):
    rows = [{"zone": "EV-TZ", "series": "revenue", "year": str(YEAR), "value": "10", "unit": "亿元", "note": "a"},
            {"zone": "EV-TZ", "series": "revenue", "year": str(YEAR), "value": "11", "unit": "亿元", "note": "b"}]
    stored = services.import_values(actor=ev.actor("commerce"), rows=rows)
    base = SeriesValue.objects.filter(zone=ev.zone_a, series="revenue", year=YEAR)
    assert [s.revision for s in stored] == [2, 3] and base.count() == 3  # the field had revision 1
    assert {s.source for s in stored} == {"imported"}
    assert AuditEvent.objects.filter(action="evaluation.values_imported").count() == 1


# ---------------------------------------------------------------- runs: bad input
@pytest.mark.parametrize(("kwargs", "field", "code"), [
    ({"draws": -1}, "draws", "draws_out_of_range"),
    ({"draws": services.MAX_DRAWS + 1}, "draws", "draws_out_of_range"),
    ({"draws": "many"}, "draws", "not_an_integer"),
    ({"seed": "x"}, "seed", "not_an_integer"),
    ({"year": 1900}, "year", "year_out_of_range"),
])
def test_bad_run_parameters_are_refused(ev, kwargs, field, code):
    args = {"framework_id": ev.gacc.pk, "year": YEAR, "draws": DRAWS, **kwargs}
    err = refused(services.create_run, actor=ev.actor("commerce"), **args)
    assert codes(err) == {field: code}


def test_draws_message_in_both_languages(ev):
    err = refused(services.create_run, actor=ev.actor("commerce"), framework_id=ev.gacc.pk, year=YEAR, draws=99999)
    assert messages(err, "en") == [f"Monte Carlo draws must be between 0 and {services.MAX_DRAWS}."]
    assert messages(err, "zh-hans") == [f"蒙特卡洛抽样次数必须在 0 到 {services.MAX_DRAWS} 之间。"]


def test_a_run_needs_zones_taking_part_and_rated(ev):
    err = refused(services.create_run, actor=ev.actor("commerce"), framework_id=ev.gacc.pk, year=2010, draws=0)
    assert codes(err) == {"year": "no_zones_to_evaluate"} and "2010" in messages(err, "en")[0]
    err = refused(services.create_run, actor=ev.actor("commerce"), framework_id=ev.gacc.pk, year=2030, draws=0)
    assert codes(err) == {"year": "no_rated_zones"}  # the zones take part but have no data for 2030


def test_only_managers_run_and_publish(ev):
    run = make_run(ev)
    for name in ("zone_a", "customs", "tax", "ent_a"):
        refused(services.create_run, Forbidden, actor=ev.actor(name), framework_id=ev.gacc.pk, year=YEAR,
                draws=DRAWS)
        refused(services.publish_run, Forbidden, actor=ev.actor(name), run_id=run.pk, public=True)
    refused(services.compute_platform_values, Forbidden, actor=ev.actor("zone_a"), year=YEAR)
    refused(services.reproduce_run, Forbidden, actor=ev.actor("ent_a"), run_id=run.pk)


# ---------------------------------------------------------------- good paths
def test_record_value_makes_revisions_and_a_run_uses_the_newest(ev):
    commerce = ev.actor("commerce")
    row = {"series": "revenue", "year": YEAR, "value": "100", "unit": "亿元", "note": "report 1"}
    SeriesValue.objects.filter(zone=ev.zone_a, series="revenue", year=YEAR).delete()
    audits = AuditEvent.objects.count()
    first = services.record_value(actor=commerce, zone_id=ev.zone_a.pk, data=row)
    second = services.record_value(actor=commerce, zone_id=ev.zone_a.pk, data={**row, "value": "250.5"})
    assert (first.revision, second.revision) == (1, 2) and first.source == second.source == "entered"
    assert AuditEvent.objects.count() == audits + 2
    current = selectors.values(commerce, zone_id=ev.zone_a.pk, series="revenue", year=YEAR)
    assert [(v.revision, v.value) for v in current] == [(2, Decimal("250.5"))]
    every = selectors.values(commerce, zone_id=ev.zone_a.pk, series="revenue", year=YEAR, current_only=False)
    assert [v.revision for v in every] == [2, 1]
    run = make_run(ev)
    assert ["EV-TZ", "revenue", YEAR, "250.5000", 2, "entered"] in run.inputs["values"]
    score = NodeScore.objects.get(run=run, zone=ev.zone_a, code="S05")  # 经营总收入 = revenue
    assert score.value == Decimal("250.5") and not score.imputed


def test_areas_feed_the_area_rates_when_no_value_was_entered(ev):
    commerce = ev.actor("commerce")
    area = services.set_area(actor=commerce, zone_id=ev.zone_a.pk, year=YEAR, planned="4", accepted="3",
                             fenced="4", developed="1")
    assert (area.planned_km2, area.accepted_km2) == (Decimal("4"), Decimal("3"))
    again = services.set_area(actor=commerce, zone_id=ev.zone_a.pk, year=YEAR, planned="4", accepted="3",
                              fenced="2", developed="1")
    assert again.pk == area.pk and ZoneArea.objects.filter(zone=ev.zone_a, year=YEAR).count() == 1
    assert AuditEvent.objects.filter(action="evaluation.area_set").count() == 2
    run = make_run(ev)
    assert ["EV-TZ", "approved_area_accepted_rate", YEAR, "75.0000", 0, "area"] in run.inputs["values"]
    assert ["EV-TZ", "fence_developed_rate", YEAR, "50.0000", 0, "area"] in run.inputs["values"]
    assert NodeScore.objects.get(run=run, zone=ev.zone_a, code="L01").value == Decimal("75")
    assert next(z for z in run.inputs["zones"] if z["code"] == "EV-TZ")["area_km2"] == "3.0000"
    # an entered value wins over the areas
    services.record_value(actor=commerce, zone_id=ev.zone_a.pk, data={
        "series": "approved_area_accepted_rate", "year": YEAR, "value": "90", "unit": "%"})
    assert NodeScore.objects.get(run=make_run(ev, seed=2), zone=ev.zone_a, code="L01").value == Decimal("90")


def test_a_run_stores_results_scores_and_a_hash(ev):
    EvalZone.objects.create(code="EMPTY", name_zh="无数据区", region="central", evaluated_from=PREVIOUS)
    EvalZone.objects.create(code="LATER", name_zh="未参评区", region="central", evaluated_from=None)
    audits = AuditEvent.objects.count()
    run = make_run(ev, label="test run")
    assert run.zone_count == len(ev.zones) == ZoneResult.objects.filter(run=run).count()
    codes_in = [z["code"] for z in run.inputs["zones"]]
    assert "EMPTY" in codes_in and "LATER" not in codes_in  # takes part, but nothing to rate it on
    assert not ZoneResult.objects.filter(run=run, zone__code="EMPTY").exists()
    results = list(ZoneResult.objects.filter(run=run).order_by("rank_national"))
    assert [r.rank_national for r in results] == list(range(1, len(results) + 1))
    assert results[0].class_national == "A" and results[-1].class_national == "C"
    assert all(r.mc_median is not None and r.mc_p05 <= r.mc_median <= r.mc_p95 for r in results)
    board = {region: sum(1 for r in results if r.region == region) for region in {r.region for r in results}}
    assert all(1 <= r.mc_regional_p05 <= r.mc_regional_median <= r.mc_regional_p95 <= board[r.region]
               for r in results)
    assert run.synthetic and run.draws == DRAWS and len(run.result_hash) == 64 and run.params["class_bands"]
    framework_codes = {n["code"] for n in run.framework_snapshot if n["kind"] in ("category", "indicator")}
    assert len(framework_codes) == 5 + 27
    for r in results:
        assert set(NodeScore.objects.filter(run=run, zone=r.zone).values_list("code", flat=True)) == framework_codes
    assert AuditEvent.objects.count() == audits + 1
    assert AuditEvent.objects.get(action="evaluation.run_created").after["hash"] == run.result_hash
    assert ev.gacc.locked


def test_reproduce_gives_the_same_hash_even_after_the_values_change(ev):
    run = make_run(ev)
    assert services.reproduce_run(actor=ev.actor("tax"), run_id=run.pk) == (True, run.result_hash)
    services.record_value(actor=ev.actor("commerce"), zone_id=ev.zone_a.pk, data={
        "series": "trade_total", "year": YEAR, "value": "99999", "unit": "亿元"})
    services.set_area(actor=ev.actor("commerce"), zone_id=ev.zone_a.pk, year=YEAR, planned="9", accepted="1",
                      fenced="9", developed="1")
    same, got = services.reproduce_run(actor=ev.actor("customs"), run_id=run.pk)
    assert same and got == run.result_hash
    fresh = make_run(ev)  # a new run sees the new data
    assert fresh.result_hash != run.result_hash
    assert AuditEvent.objects.filter(action="evaluation.run_reproduced").count() == 2


def test_a_run_with_a_tampered_input_does_not_reproduce(ev):
    run = make_run(ev)
    run.inputs["values"] = [[*row[:3], "0", row[4]] if row[1] == "trade_total" else row
                            for row in run.inputs["values"]]
    run.save(update_fields=["inputs"])
    same, got = services.reproduce_run(actor=ev.actor("commerce"), run_id=run.pk)
    assert not same and got != run.result_hash


def test_the_idempotency_key_returns_the_same_run(ev):
    commerce = ev.actor("commerce")
    k = key()
    first = services.create_run(actor=commerce, framework_id=ev.gacc.pk, year=YEAR, draws=DRAWS, idempotency_key=k)
    runs, audits = EvaluationRun.objects.count(), AuditEvent.objects.count()
    second = services.create_run(actor=commerce, framework_id=ev.gacc.pk, year=YEAR, draws=DRAWS, idempotency_key=k)
    assert second.pk == first.pk
    assert (EvaluationRun.objects.count(), AuditEvent.objects.count()) == (runs, audits)
    err = refused(services.create_run, Conflict, actor=commerce, framework_id=ev.gacc.pk, year=YEAR, draws=DRAWS + 1,
                  idempotency_key=k)
    assert codes(err) == {"Idempotency-Key": "idempotency_payload_differs"}


def test_platform_values_come_from_approved_unreversed_lists(ev):
    world = ev.world
    post_valued_list(world, value="50000000", trade_mode="5034")  # 0.5 亿元 logistics
    # domestic goods across the second line (5000, transport mode Y): 进出区货物, not imports
    post_valued_list(world, value="10000000", trade_mode="5000", goods_status="non_bonded")
    post_valued_list(world, value="1000000", trade_mode="5034", currency="502")  # USD 1 M at 7.10
    year = timezone.localdate().year
    # customs' monthly rates from the duties exchange-rate table: 7.00 in January, 7.20 in February, then 7.10
    # (the year's mean of the first-of-month rates: (7.00 + 7.20 + 10 × 7.10) / 12 = 7.10)
    from datetime import date

    from bondzone.duties.models import ExchangeRate

    ExchangeRate.objects.create(currency="USD", cny=Decimal("7.00"), valid_from=date(year, 1, 1),
                                valid_to=date(year, 1, 31))
    ExchangeRate.objects.create(currency="USD", cny=Decimal("7.20"), valid_from=date(year, 2, 1),
                                valid_to=date(year, 2, 28))
    ExchangeRate.objects.create(currency="USD", cny=Decimal("7.10"), valid_from=date(year, 3, 1))
    reversed_list = post_valued_list(world, value="90000000", trade_mode="5034")
    sup.reverse_list(actor=world.actor("customs"), list_id=reversed_list.pk, reason="wrong", idempotency_key=key())
    post_valued_list(world, value="20000000", trade_mode="5034", enterprise_user="ent_b", book=world.book_b)
    year = timezone.localdate().year
    draft_owner = world.actor("ent_a")  # a list that was never approved does not count
    sup.create_list(actor=draft_owner, book_id=world.book_a.pk, idempotency_key=key(), data={
        "direction": "I", "trade_mode": "5034",
        "lines": [{"item_no": 1, "quantity": "1", "unit": "007", "goods_status": "bonded", "value": "70000000"}]})
    audits = AuditEvent.objects.count()
    stored = services.compute_platform_values(actor=ev.actor("commerce"), year=year)
    got = {(v.zone.code, v.series): v for v in stored}
    assert got[("EV-TZ", "trade_total")].value == Decimal("0.5710")
    assert got[("EV-TZ", "trade_logistics")].value == Decimal("0.5710")
    assert got[("EV-TZ", "second_line_value")].value == Decimal("0.1000")
    assert got[("EV-TZ", "trade_general")].value == Decimal("0")  # 0110 is never on a zone book's list
    assert got[("EV-TZ", "trade_processing")].value == Decimal("0")
    assert got[("EV-TZ", "active_enterprises")].value == Decimal("1")
    assert got[("EV-DX", "trade_total")].value == Decimal("0.2000")
    assert got[("EV-DX", "active_enterprises")].value == Decimal("1")
    assert {v.zone.code for v in stored} == {"EV-TZ", "EV-DX"}  # synthetic zones are not on the platform
    assert all(v.source == "computed" and v.unit and "3 approved lists" in v.note for v in stored
               if v.zone.code == "EV-TZ")
    assert AuditEvent.objects.count() == audits + 1
    again = services.compute_platform_values(actor=ev.actor("commerce"), year=year)
    assert {v.revision for v in again} == {2}
    # a year without lists gives zeros, not an error
    empty = {(v.zone.code, v.series): v.value for v in services.compute_platform_values(actor=ev.actor("admin"),
                                                                                       year=2001)}
    assert empty[("EV-TZ", "trade_total")] == 0 and empty[("EV-TZ", "active_enterprises")] == 0


def test_platform_values_need_a_rate_for_every_currency(ev):
    post_valued_list(ev.world, value="1000", currency="502")  # no USD rate in the exchange-rate table
    err = refused(services.compute_platform_values, actor=ev.actor("commerce"), year=timezone.localdate().year)
    assert codes(err) == {"year": "no_fx_rate"} and "502" in messages(err, "en")[0]
    err = refused(services.compute_platform_values, actor=ev.actor("commerce"), year="soon")
    assert codes(err) == {"year": "not_an_integer"}


def test_publishing_shows_a_run_to_enterprises_and_unpublishing_hides_it(ev):
    run = make_run(ev)
    enterprise, commerce = ev.actor("ent_a"), ev.actor("commerce")
    assert list(selectors.runs(enterprise)) == [] and list(selectors.runs(ev.actor("tax"))) == [run]
    assert not selectors.ranking(enterprise, run).exists()
    services.publish_run(actor=commerce, run_id=run.pk, public=True)
    assert list(selectors.runs(enterprise)) == [run]
    assert selectors.ranking(enterprise, run).count() == run.zone_count
    services.publish_run(actor=commerce, run_id=run.pk, public=False)
    assert list(selectors.runs(enterprise)) == []
    assert list(AuditEvent.objects.filter(object_id=str(run.pk), action__startswith="evaluation.run_")
                .order_by("pk").values_list("action", flat=True)) == [
        "evaluation.run_created", "evaluation.run_published", "evaluation.run_unpublished"]


def test_a_clone_copies_nodes_and_settings_and_stays_editable_while_the_original_is_locked(ev):
    commerce = ev.actor("commerce")
    services.update_settings(actor=commerce, framework_id=ev.gacc.pk, data={
        "aggregation": "geometric", "impute": "zero", "class_bands": [["A", "10"], ["B", "50"], ["C", "100"]]})
    make_run(ev)
    clone = services.clone_framework(actor=commerce, framework_id=ev.gacc.pk, code="gacc-2020-b", name="副本")
    assert clone.based_on_id == ev.gacc.pk and clone.name == "副本" and not clone.locked
    assert (clone.aggregation, clone.impute, clone.class_bands) == (
        "geometric", "zero", [["A", "10"], ["B", "50"], ["C", "100"]])
    fields = ("code", "parent_code", "kind", "name_zh", "weight", "weight_assumed", "direction", "unit", "formula",
              "series", "normalisation", "goal_low", "goal_high", "points", "cap", "position")
    original = list(Indicator.objects.filter(framework=ev.gacc).order_by("position").values_list(*fields))
    copied = list(Indicator.objects.filter(framework=clone).order_by("position").values_list(*fields))
    assert copied == original and len(copied) == 5 + 27 + 8
    assert AuditEvent.objects.filter(action="evaluation.framework_cloned").count() == 1
    services.set_weights(actor=commerce, framework_id=clone.pk, weights={"S": "45", "S01": "0", "Q": "25",
                                                                         "Q01": "7.5"})
    weights = dict(Indicator.objects.filter(framework=clone, code__in=["S", "S01", "Q", "Q01"])
                   .values_list("code", "weight"))
    assert weights == {"S": Decimal("45"), "S01": Decimal("0"), "Q": Decimal("25"), "Q01": Decimal("7.5")}
    assert Indicator.objects.get(framework=clone, code="S").weight_assumed
    assert Indicator.objects.get(framework=ev.gacc, code="S").weight == Decimal("50")
    refused(services.set_weights, Conflict, actor=commerce, framework_id=ev.gacc.pk, weights={"S01": "5"})
    run = make_run(ev, framework=clone)
    assert run.params["aggregation"] == "geometric" and clone.locked
    snapshot_weights = {n["code"]: n["weight"] for n in run.framework_snapshot}
    assert snapshot_weights["S"] == "45.0000" and snapshot_weights["Q01"] == "7.5000"


def test_unchanged_weights_write_no_audit_row_and_stay_published(ev):
    commerce = ev.actor("commerce")
    audits = AuditEvent.objects.count()
    services.set_weights(actor=commerce, framework_id=ev.gacc.pk, weights={"S": "50", "S01": "5.0000"})
    assert AuditEvent.objects.count() == audits
    assert not Indicator.objects.get(framework=ev.gacc, code="S").weight_assumed


def test_a_zone_joins_the_evaluation_from_its_first_year(ev):
    late = EvalZone.objects.create(code="LATE", name_zh="新区", region="west_northeast", evaluated_from=YEAR + 1)
    services.record_value(actor=ev.actor("commerce"), zone_id=late.pk, data={
        "series": "revenue", "year": YEAR, "value": "1", "unit": "亿元"})
    run = make_run(ev)
    assert "LATE" not in {z["code"] for z in run.inputs["zones"]}
    assert late.takes_part(YEAR + 1) and not late.takes_part(YEAR)
    assert EvalZone(code="X", evaluated_from=None).takes_part(YEAR) is False


def test_audit_rows_of_values_and_areas_name_the_platform_zone_or_none(ev):
    """A value or area row's zone_id is an evaluated zone's id: the audit row must carry the linked
    platform zone (or none), never that id."""
    commerce = ev.actor("commerce")
    unlinked = next(z for z in ev.zones.values() if z.zone_id is None)
    row = {"series": "revenue", "year": YEAR, "value": "1", "unit": "亿元"}
    v = services.record_value(actor=commerce, zone_id=unlinked.pk, data=row)
    a = services.set_area(actor=commerce, zone_id=unlinked.pk, year=YEAR, planned="2", accepted="1", fenced="1",
                          developed="1")
    linked = services.record_value(actor=commerce, zone_id=ev.zone_b.pk, data=row)
    events = {e.action + ":" + e.object_id: e for e in AuditEvent.objects.filter(action__startswith="evaluation.")}
    assert events[f"evaluation.value_recorded:{v.pk}"].zone_id is None
    assert events[f"evaluation.area_set:{a.pk}"].zone_id is None
    assert events[f"evaluation.area_set:{a.pk}"].object_type == "evaluation.zonearea"
    assert events[f"evaluation.value_recorded:{linked.pk}"].zone_id == ev.world.zone_b.pk
    assert events[f"evaluation.value_recorded:{linked.pk}"].object_type == "evaluation.seriesvalue"


def test_empty_settings_change_write_nothing_and_areas_answer_as_stored(ev):
    commerce = ev.actor("commerce")
    audits = AuditEvent.objects.count()
    services.update_settings(actor=commerce, framework_id=ev.gacc.pk, data={})
    assert AuditEvent.objects.count() == audits
    area = services.set_area(actor=commerce, zone_id=ev.zone_a.pk, year=2030, planned="3.25", accepted="3",
                             fenced="3.25", developed="1")
    assert str(area.planned_km2) == "3.2500"


def test_managers_add_and_change_zones_and_a_zone_joins_a_full_year_after_acceptance(ev):
    from datetime import date

    from bondzone.core.models import Zone

    commerce = ev.actor("commerce")
    platform = Zone.objects.create(code="ZGC", name_zh="中关村综保区")
    z = services.save_zone(actor=commerce, data={"code": "BJ-ZGC", "name_zh": "中关村综合保税区", "region": "east",
                                                 "platform_zone": "ZGC", "approved_on": "2023-05-30"})
    assert (z.kind, z.zone_id, z.evaluated_from, z.approved_on) == ("cbz", platform.pk, None, date(2023, 5, 30))
    assert AuditEvent.objects.filter(action="evaluation.zone_created", object_id=str(z.pk),
                                     zone_id=platform.pk).exists()
    exc = refused(services.save_zone, actor=commerce, zone_id=z.pk,
                  data={"accepted_on": "2025-06-30", "evaluated_from": "2025"})
    assert codes(exc) == {"evaluated_from": "evaluated_before_a_full_year"}
    assert "2026" not in messages(exc, "en")[0] and "2025-06-30" in messages(exc, "zh-hans")[0]
    z = services.save_zone(actor=commerce, zone_id=z.pk, data={"accepted_on": "2025-06-30", "evaluated_from": "2026"})
    assert z.takes_part(2026) and not z.takes_part(2025) and z.name_zh == "中关村综合保税区"
    refused(services.save_zone, Forbidden, actor=ev.actor("zone_a"), zone_id=z.pk, data={"name_zh": "x"})


@pytest.mark.parametrize("data, expected", [
    ({"name_zh": "x", "region": "east"}, {"code": "required"}),
    ({"code": "EV-TZ", "name_zh": "x", "region": "east"}, {"code": "duplicate_value"}),
    ({"code": "N1", "name_zh": "", "region": "mars"}, {"name_zh": "required", "region": "bad_choice"}),
    ({"code": "N1", "name_zh": "x", "region": "east", "kind": "port"}, {"kind": "bad_choice"}),
    ({"code": "N1", "name_zh": "x", "region": "east", "platform_zone": "NOPE"}, {"platform_zone": "not_found"}),
    ({"code": "N1", "name_zh": "x", "region": "east", "platform_zone": "TZ"}, {"platform_zone": "duplicate_value"}),
    ({"code": "N1", "name_zh": "x", "region": "east", "approved_on": "2024-02-30"}, {"approved_on": "bad_date"}),
    ({"code": "N1", "name_zh": "x", "region": "east", "approved_on": "2024-02-01", "accepted_on": "2023-01-01"},
     {"accepted_on": "accepted_before_approved"}),
    ({"code": "N1", "name_zh": "x", "region": "east", "evaluated_from": "19"}, {"evaluated_from": "year_out_of_range"}),
    ({"code": "N" * 17, "name_zh": "x", "region": "east"}, {"code": "too_long"}),
])
def test_bad_zones_are_refused(ev, data, expected):
    exc = refused(services.save_zone, actor=ev.actor("commerce"), data=data)
    assert codes(exc) == expected
