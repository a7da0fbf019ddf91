"""Every assumption marked (issue 15): the run and zone pages list what the result rests on that GACC did
not publish, each with the codes it touches."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal as D

from django.test import Client

from bondzone.evaluation import services
from bondzone.evaluation.domain.assumptions import assumptions_of
from bondzone.evaluation.domain.engine import Params
from bondzone.evaluation.domain.gacc2020 import GACC_2020

from ..conftest import PASSWORD
from .conftest import YEAR, build_field

SHIPPED = Params(impute="worst", min_coverage=D("66.6667"), outliers="winsorise_log")


def test_the_shipped_framework_rests_on_these_assumptions():
    found = {a.subject: a.codes for a in assumptions_of(GACC_2020, SHIPPED)}
    assert list(found) == ["weights", "adjustments", "class_bands", "regions", "coverage", "impute", "outliers"]
    assert {"R", "I", "R01", "I02"} <= set(found["weights"]) and "S01" not in found["weights"]
    assert found["adjustments"] == tuple(f"AUX{i}" for i in range(1, 9))
    assert found["class_bands"] == ("B ≤ 70 %", "C ≤ 100 %")
    assert found["coverage"] == ("66.6667 %",) and found["impute"] == ("worst",)
    assert found["outliers"] == ("winsorise_log",)


def test_a_framework_of_published_facts_only_still_names_its_method_choices():
    published = replace(GACC_2020, nodes=tuple(replace(n, weight_assumed=False) for n in GACC_2020.nodes))
    params = Params(class_bands=(("A", D(100)),), impute="median", outliers="none")
    assert [(a.subject, a.codes) for a in assumptions_of(published, params)] == [
        ("regions", ()), ("impute", ("median",))]


def test_the_run_and_zone_pages_mark_the_assumptions(world):
    ev = build_field(world)
    run = services.create_run(actor=ev.actor("commerce"), framework_id=ev.gacc.pk, year=YEAR, draws=0)
    c = Client()
    assert c.login(username="commerce", password=PASSWORD)
    for url in (f"/evaluation/runs/{run.pk}/", f"/evaluation/runs/{run.pk}/zones/{ev.zone_a.pk}/"):
        page = c.get(url).content.decode()
        assert 'data-testid="assumptions"' in page and 'data-subject="class_bands"' in page
        assert "海关总署未公布的权重" in page and "AUX8" in page
