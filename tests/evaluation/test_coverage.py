"""The coverage rule and the imputation choice are framework settings every run uses; imputed cells are
flagged on the ranking, the zone page and the export (issue 15)."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.test import Client

from bondzone.core import tabular
from bondzone.core.domain.errors import DomainError
from bondzone.evaluation import exports, services
from bondzone.evaluation.models import Framework, SeriesValue

from ..conftest import PASSWORD
from .conftest import YEAR, build_field


@pytest.fixture
def ev(world):
    return build_field(world)


def _clone(ev, code="cov"):
    return services.clone_framework(actor=ev.actor("commerce"), framework_id=ev.gacc.pk, code=code, name=code)


def test_the_shipped_framework_does_not_reward_gaps(ev):
    assert (ev.gacc.impute, ev.gacc.min_coverage) == ("worst", Decimal("66.6667"))
    clone = _clone(ev)
    assert (clone.impute, clone.min_coverage) == ("worst", Decimal("66.6667"))


def test_every_run_uses_the_frameworks_coverage_and_flags_imputed_cells(ev):
    commerce = ev.actor("commerce")
    f = _clone(ev)
    services.update_settings(actor=commerce, framework_id=f.pk, data={"min_coverage": "90", "impute": "median"})
    gappy = ev.zones[sorted(c for c in ev.zones if c.startswith("SYN"))[0]]
    # withhold one series of this year: two indicators (S09, Q06) missing → coverage 25/27 = 92.6 % ≥ 90, rated
    SeriesValue.objects.filter(zone=gappy, year=YEAR, series="employees").delete()
    run = services.create_run(actor=commerce, framework_id=f.pk, year=YEAR, draws=0)
    assert run.params["min_coverage"] == "90.0000" and run.params["impute"] == "median"
    result = run.results.get(zone=gappy)
    imputed = sorted(run.scores.filter(zone=gappy, imputed=True).values_list("code", flat=True))
    assert imputed and result
    body = exports.export_ranking(commerce, run, fmt="csv")  # headings are "name (code)": read back by code
    rows = {r["zone"]: r for r in tabular.read_rows(io.BytesIO(body), "csv", required=["zone", "imputed"], known=None)}
    assert sorted(rows[gappy.code]["imputed"].split()) == imputed
    assert rows["EV-TZ"]["imputed"] == ""
    c = Client()
    assert c.login(username="commerce", password=PASSWORD)
    page = c.get(f"/evaluation/runs/{run.pk}/").content.decode()
    assert 'data-testid="imputed"' in page
    zone_page = c.get(f"/evaluation/runs/{run.pk}/zones/{gappy.pk}/").content.decode()
    assert zone_page.count('data-testid="imputed"') == len(imputed)
    # a stricter rule on another clone: the same gaps leave the zone unrated
    g = _clone(ev, "cov99")
    services.update_settings(actor=commerce, framework_id=g.pk, data={"min_coverage": "99"})
    strict = services.create_run(actor=commerce, framework_id=g.pk, year=YEAR, draws=0)
    assert not strict.results.filter(zone=gappy).exists() and strict.zone_count == run.zone_count - 1


def test_settings_refuse_bad_coverage_and_unknown_imputation(ev):
    f = _clone(ev)
    with pytest.raises(DomainError) as exc:
        services.update_settings(actor=ev.actor("commerce"), framework_id=f.pk,
                                 data={"min_coverage": "101", "impute": "em"})
    assert {p.code for p in exc.value.problems} == {"bad_min_coverage", "bad_choice"}
    assert Framework.objects.get(pk=f.pk).min_coverage == Decimal("66.6667")
