"""The evaluation's CLI: run-evaluation (and --verify), evaluation-values (--import, --compute),
export-ranking. Bad input exits non-zero with a sentence and writes nothing."""

from __future__ import annotations

import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from bondzone.core import tabular
from bondzone.core.models import AuditEvent
from bondzone.evaluation.domain.series import SERIES
from bondzone.evaluation.domain.synthetic import generate_field
from bondzone.evaluation.models import EvalZone, EvaluationRun, SeriesValue

pytestmark = pytest.mark.django_db


@pytest.fixture
def field(world):
    """Eight synthetic zones with values for 2024 and 2025; zone A of the world linked to the first."""
    f = generate_field(11, n=8, years=(2024, 2025))
    zones = {}
    for i, sz in enumerate(f.zones):
        zones[sz.code] = EvalZone.objects.create(code=sz.code, name_zh=sz.name_zh, region=sz.region,
                                                 evaluated_from=2024, synthetic=True,
                                                 zone=world.zone_a if i == 0 else None)
    SeriesValue.objects.bulk_create([
        SeriesValue(zone=zones[z], series=s, year=y, value=v, unit=SERIES[s].unit, source="synthetic")
        for (z, s, y), v in f.series.items()])
    return zones


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_run_evaluation_prints_the_run_and_verify_confirms_it(field):
    summary = json.loads(run("run_evaluation", "--user", "commerce", "--year", "2025", "--draws", "30", "--publish"))
    stored = EvaluationRun.objects.get(pk=summary["run"])
    assert summary["zones"] == 8 == stored.zone_count
    assert summary["hash"] == stored.result_hash and stored.public
    assert [t["rank"] for t in summary["top"]] == sorted(t["rank"] for t in summary["top"])
    verified = json.loads(run("run_evaluation", "--user", "customs", "--verify", str(stored.pk)))
    assert verified == {"run": stored.pk, "identical": True, "hash": stored.result_hash, "stored": stored.result_hash}


def test_verify_fails_when_the_stored_result_was_tampered_with(field):
    summary = json.loads(run("run_evaluation", "--user", "commerce", "--year", "2025", "--draws", "0"))
    EvaluationRun.objects.filter(pk=summary["run"]).update(result_hash="0" * 64)
    with pytest.raises(CommandError, match="重新计算的结果不一致"):
        run("run_evaluation", "--user", "commerce", "--verify", str(summary["run"]))


@pytest.mark.parametrize("args, message", [
    (("--user", "tax", "--year", "2025"), "evaluation.manage"),
    (("--user", "commerce", "--year", "1990"), "1990"),
    (("--user", "commerce", "--year", "2025", "--draws", "999999"), "draws"),
    (("--user", "commerce", "--year", "2030"), "2030"),
    (("--user", "commerce", "--year", "2025", "--framework", "nope"), "nope"),
    (("--user", "commerce"), "--year"),
])
def test_run_evaluation_refuses_bad_input_and_writes_nothing(field, args, message):
    before = (EvaluationRun.objects.count(), AuditEvent.objects.count())
    with pytest.raises(CommandError, match=message):
        run("run_evaluation", *args)
    assert (EvaluationRun.objects.count(), AuditEvent.objects.count()) == before


def test_import_is_all_or_nothing_and_zone_admins_stay_in_their_zone(field, tmp_path):
    own, other = "SYN001", "SYN002"
    good = tmp_path / "good.csv"
    good.write_text(f"zone,series,year,value,unit,note\n{own},revenue,2025,12.5,亿元,report\n", encoding="utf-8")
    assert json.loads(run("evaluation_values", "--user", "zone_a", "--import", str(good))) == {"imported": 1}
    newest = SeriesValue.objects.filter(zone__code=own, series="revenue", year=2025).order_by("-revision").first()
    assert (newest.value, newest.revision, newest.source) == (Decimal("12.5"), 2, "imported")

    bad = tmp_path / "bad.csv"
    bad.write_text(f"zone,series,year,value,unit\n{own},revenue,2025,13,亿元\n{own},revenue,2025,x,吨\n"
                   f"{other},revenue,2025,1,亿元\n", encoding="utf-8")
    before = SeriesValue.objects.count()
    with pytest.raises(CommandError) as exc:
        run("evaluation_values", "--user", "zone_a", "--import", str(bad))
    assert SeriesValue.objects.count() == before
    text = str(exc.value)
    assert "3" in text and "4" in text  # the rows (1 = header) of the bad value and of the other zone


def test_compute_records_platform_series_for_linked_zones(world, field):
    from django.utils import timezone

    from tests.conftest import post_list

    post_list(world, direction="I", lines=[(1, "5")])  # enterprise A, zone A (linked to SYN001)
    post_list(world, direction="I", lines=[(1, "7")], book=world.book_b, enterprise_user="ent_b")  # zone B: unlinked
    year = str(timezone.localdate().year)
    out = json.loads(run("evaluation_values", "--user", "commerce", "--compute", year))
    computed = SeriesValue.objects.filter(source="computed")
    assert out["computed"] == computed.count() > 0
    assert set(computed.values_list("zone__code", flat=True)) == {"SYN001"}
    assert computed.get(series="active_enterprises").value == 1
    with pytest.raises(CommandError, match="evaluation.manage"):
        run("evaluation_values", "--user", "zone_a", "--compute", year)


def test_export_ranking_writes_the_ranking(field, tmp_path):
    summary = json.loads(run("run_evaluation", "--user", "commerce", "--year", "2025", "--draws", "0"))
    target = tmp_path / "ranking.csv"
    run("export_ranking", "--user", "commerce", "--run", str(summary["run"]), "-o", str(target))
    lines = target.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0].lstrip('"').startswith("# ")  # first the notes: synthetic zones, assumptions
    lines = [line for line in lines if not line.lstrip('"').startswith("#")]
    codes = [tabular.header_code(h) for h in lines[0].split(",")[:3]]  # "全国排名 (rank_national)", …
    assert codes == ["rank_national", "rank_regional", "zone"]
    assert len(lines) == 9 and lines[1].split(",")[2] == summary["top"][0]["zone"]
    with pytest.raises(CommandError):  # not public: an enterprise cannot see it
        run("export_ranking", "--user", "ent_a", "--run", str(summary["run"]))


# ---------------------------------------------------------------- evaluation-framework
def framework_json(*args) -> dict:
    return json.loads(run("evaluation_framework", "--user", "commerce", *args))


def test_framework_command_clones_reweights_adds_and_removes_nodes(world):
    listed = [json.loads(line) for line in run("evaluation_framework", "--user", "customs", "list").splitlines()]
    assert [(f["code"], f["nodes"], f["locked"]) for f in listed] == [("gacc-2020", 40, False)]
    clone = framework_json("clone", "gacc-2020", "mine", "--name", "我的指标体系")
    assert (clone["code"], clone["name"], len(clone["nodes"])) == ("mine", "我的指标体系", 40)
    weights = {n["code"]: n["weight"] for n in framework_json("weights", "mine", "S01=6", "S02=4")["nodes"]}
    assert (weights["S01"], weights["S02"]) == ("6.0000", "4.0000")
    added = framework_json("add-node", "mine", "S99", "--parent", "S", "--name-zh", "跨境电商进出口值", "--series",
                           "new_format_trade", "--formula", "yoy", "--normalisation", "goalposts", "--goal-low", "-30",
                           "--goal-high", "60")
    s99 = next(n for n in added["nodes"] if n["code"] == "S99")
    assert (s99["weight"], s99["unit"], s99["goal_low"], s99["parent"]) == ("0.0000", "%", "-30.0000", "S")
    removed = framework_json("remove-node", "mine", "S99")
    assert "S99" not in {n["code"] for n in removed["nodes"]}
    shown = framework_json("show", "gacc-2020")
    assert {n["code"]: n["weight"] for n in shown["nodes"]}["S01"] == "5.0000"  # the original is untouched
    assert [e.action for e in AuditEvent.objects.order_by("pk") if e.action.startswith("evaluation.")] == [
        "evaluation.framework_cloned", "evaluation.weights_changed", "evaluation.node_added",
        "evaluation.node_removed"]


@pytest.mark.parametrize("args, message", [
    (("weights", "gacc-2020", "S01=6"), "S 下的权重合计为 51，应为 50"),
    (("weights", "gacc-2020", "S01"), "“S01”格式不正确.*S01=6"),
    (("remove-node", "gacc-2020", "S01"), "S01 仍有权重 5%"),
    (("add-node", "gacc-2020", "S99", "--parent", "S", "--name-zh", "x", "--series", "nope"), "未知的数据序列"),
    (("clone", "gacc-2020", "gacc-2020", "--name", "x"), "gacc-2020"),
    (("show", "nope"), "nope"),
])
def test_framework_command_refuses_bad_input_with_a_sentence_and_writes_nothing(world, args, message):
    from bondzone.evaluation.models import Framework, Indicator

    before = (list(Indicator.objects.values_list("code", "weight")), Framework.objects.count(),
              AuditEvent.objects.count())
    with pytest.raises(CommandError, match=message):
        run("evaluation_framework", "--user", "commerce", *args)
    assert (list(Indicator.objects.values_list("code", "weight")), Framework.objects.count(),
            AuditEvent.objects.count()) == before


def test_framework_command_needs_a_manager_to_change_anything(world):
    with pytest.raises(CommandError, match="evaluation.manage"):
        run("evaluation_framework", "--user", "tax", "clone", "gacc-2020", "x", "--name", "x")
    assert json.loads(run("evaluation_framework", "--user", "tax", "show", "gacc-2020"))["code"] == "gacc-2020"
