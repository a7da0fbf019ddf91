"""In a real browser, in both languages: the zone evaluation's ranking pages. The commerce bureau opens a
run, sees the ranking table with its class badges, the synthetic-data label and the ECharts charts,
filters by region board and opens a zone's page (radar chart, strengths and weaknesses); the same pages
in Chinese after switching the site's language; an enterprise and an anonymous visitor see only the
published ranking."""

from __future__ import annotations

from decimal import Decimal
from importlib import import_module

import pytest
from django.apps import apps as django_apps
from playwright.sync_api import Page, expect

from bondzone.core.actor import SYSTEM
from bondzone.evaluation import services
from bondzone.evaluation.domain.series import SERIES
from bondzone.evaluation.domain.synthetic import generate_field
from bondzone.evaluation.models import EvalZone, EvaluationRun, Framework, SeriesValue, Source, ZoneArea, ZoneResult

from .test_list_flow import choose_language, log_in, log_out

pytestmark = pytest.mark.e2e

YEARS = (2024, 2025)
FIELD_SEED = 7
FIELD_SIZE = 12
DRAWS = 50

TEXT = {
    "en": {"evaluation": "Zone evaluation", "ranking": "Ranking", "synthetic": "Synthetic data",
           "synthetic_zone": "(synthetic)", "intervals": "Rank intervals (Monte Carlo, this page)",
           "exit": "Exit watch", "class": "Class", "strengths": "Strengths", "weaknesses": "Weaknesses",
           "radar": "Category scores vs national median", "ahead": "ahead of", "public": "Public rankings",
           "regions": {"east": "East", "central": "Central", "west_northeast": "West & Northeast"}},
    "zh-hans": {"evaluation": "综保区绩效评估", "ranking": "排名", "synthetic": "合成数据",
                "synthetic_zone": "(合成)", "intervals": "排名区间（蒙特卡洛，本页区域）",
                "exit": "退出预警", "class": "分类", "strengths": "优势", "weaknesses": "短板",
                "radar": "各类别得分与全国中位数对比", "ahead": "领先", "public": "公开排名",
                "regions": {"east": "东部", "central": "中部", "west_northeast": "西部和东北"}},
}

RANKING_ROWS = "table[data-testid=ranking] tbody tr"


def gacc_framework() -> Framework:
    """The GACC 2020 framework installed by migration 0002; a transactional test that ran earlier in the
    session flushed the tables, so install it again the way the migration does."""
    framework = Framework.objects.filter(code="gacc-2020").first()
    if framework is None:
        import_module("bondzone.evaluation.migrations.0002_gacc_2020_framework").install(django_apps, None)
        framework = Framework.objects.get(code="gacc-2020")
    return framework


def build_evaluation(world) -> dict:
    """FIELD_SIZE zones with every series and areas for both YEARS (the first two real, linked to the
    world's platform zones; the rest synthetic, as demo.py does), a run per year, the newer one public."""
    framework = gacc_framework()
    field = generate_field(FIELD_SEED, n=FIELD_SIZE, years=YEARS)
    values, areas = [], []
    for i, sz in enumerate(field.zones):
        platform = {0: world.zone_a, 1: world.zone_b}.get(i)
        z = EvalZone.objects.create(code=f"E2E-{platform.code}" if platform else sz.code,
                                    name_zh=platform.name_zh if platform else sz.name_zh,
                                    name_en=platform.name_en if platform else sz.name_en,
                                    region="east" if platform else sz.region, kind=sz.type, zone=platform,
                                    evaluated_from=YEARS[0], synthetic=platform is None)
        for year in YEARS:
            rate = {s: field.series[(sz.code, s, year)] for s in services.AREA_SERIES}
            planned = sz.area_km2
            areas.append(ZoneArea(
                zone=z, year=year, planned_km2=planned, fenced_km2=planned,
                accepted_km2=(planned * rate["approved_area_accepted_rate"] / 100).quantize(Decimal("0.0001")),
                developed_km2=(planned * rate["fence_developed_rate"] / 100).quantize(Decimal("0.0001"))))
        for (code, series, year), v in field.series.items():
            if code == sz.code and series not in services.AREA_SERIES:  # area rates: derived from the areas
                values.append(SeriesValue(zone=z, series=series, year=year, value=v, unit=SERIES[series].unit,
                                          source=Source.SYNTHETIC, note=f"synthetic field, seed {FIELD_SEED}"))
    ZoneArea.objects.bulk_create(areas)
    SeriesValue.objects.bulk_create(values)
    runs = [services.create_run(actor=SYSTEM, framework_id=framework.pk, year=year, draws=DRAWS, seed=1,
                                label=f"E2E {year}") for year in YEARS]
    services.publish_run(actor=SYSTEM, run_id=runs[-1].pk, public=True)
    return {"old": runs[0], "run": EvaluationRun.objects.get(pk=runs[-1].pk)}


@pytest.fixture
def evaluation(e2e_world):
    return build_evaluation(e2e_world)


def cells(page: Page, column: int) -> list[str]:
    return [t.strip() for t in page.locator(f"{RANKING_ROWS} > td:nth-child({column})").all_inner_texts()]


def expect_chart(page: Page, container: str) -> None:
    """ECharts drew into the container (canvas renderer by default, svg if configured)."""
    expect(page.locator(f"{container} canvas, {container} svg").first).to_be_visible()


def test_ranking_pages_in_both_languages(page: Page, live_server, evaluation):
    base, run = live_server.url, evaluation["run"]
    results = list(ZoneResult.objects.filter(run=run).select_related("zone").order_by("rank_national", "zone__code"))
    assert len(results) >= 10 and run.synthetic

    t = TEXT["en"]
    choose_language(page, base, "en")
    log_in(page, base, "commerce")
    page.goto(f"{base}/evaluation/")
    expect(page.locator("h1")).to_have_text(t["evaluation"])
    expect(page.locator("table[data-testid=runs] tbody tr")).to_have_count(2)
    with page.expect_navigation():
        page.click("table[data-testid=runs] a:text-is('E2E 2025')")

    # the run: title, synthetic label, every row with its rank and class badge, both charts
    expect(page.locator("h1")).to_have_text(f"{t['ranking']} · 2025 · gacc-2020 · E2E 2025")
    expect(page.get_by_test_id("synthetic-label")).to_contain_text(t["synthetic"])
    expect(page.locator(RANKING_ROWS)).to_have_count(len(results))
    assert cells(page, 1) == [str(r.rank_national) for r in results]
    assert page.locator(f"{RANKING_ROWS} .cls").all_inner_texts() == [r.class_national for r in results]
    assert set(r.class_national for r in results) >= {"A", "B"}
    expect(page.locator(f"{RANKING_ROWS} .cls-a").first).to_have_text("A")
    names = cells(page, 2)
    for r, name in zip(results, names):
        assert name.startswith(r.zone.name_zh) and name.endswith(t["synthetic_zone"]) == r.zone.synthetic
    expect(page.locator("h2", has_text=t["intervals"])).to_be_visible()
    expect(page.locator("h2", has_text=t["exit"])).to_be_visible()
    expect_chart(page, "#chart-whiskers")
    expect_chart(page, "#chart-heat")

    # filter by region board: only that board's zones, in regional rank order, with regional classes
    region = max(t["regions"], key=lambda reg: sum(r.region == reg for r in results))
    board = sorted((r for r in results if r.region == region), key=lambda r: (r.rank_regional, r.zone.code))
    page.select_option("select[name=region]", region)
    with page.expect_navigation():
        page.click("form.filters button[type=submit]")
    expect(page.locator(RANKING_ROWS)).to_have_count(len(board))
    assert cells(page, 3) == [t["regions"][region]] * len(board)
    assert cells(page, 1) == [str(r.rank_regional) for r in board]
    assert page.locator(f"{RANKING_ROWS} .cls").all_inner_texts() == [r.class_regional for r in board]
    expect_chart(page, "#chart-whiskers")

    # a zone's page: radar chart, trend chart, five strengths and weaknesses
    top = board[0]
    with page.expect_navigation():
        page.click(f"{RANKING_ROWS} >> nth=0 >> td:nth-child(2) a")
    expect(page.locator("h1")).to_contain_text(top.zone.name_zh)
    expect(page.locator("h2", has_text=t["radar"])).to_be_visible()
    expect_chart(page, "#chart-radar")
    expect_chart(page, "#chart-trend")
    for which in ("strengths", "weaknesses"):
        expect(page.locator("h2", has_text=t[which])).to_be_visible()
        items = page.locator(f"[data-testid={which}] li")
        expect(items).to_have_count(5)
        expect(items.first).to_contain_text(t["ahead"])
    zone_url = page.url

    # the site's language form: the same pages in Chinese
    t = TEXT["zh-hans"]
    with page.expect_navigation():
        page.select_option("select[name=language]", "zh-hans")
    assert page.url == zone_url
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.locator("h2", has_text=t["radar"])).to_be_visible()
    for which in ("strengths", "weaknesses"):
        expect(page.locator("h2", has_text=t[which])).to_be_visible()
        expect(page.locator(f"[data-testid={which}] li").first).to_contain_text(t["ahead"])
    expect_chart(page, "#chart-radar")
    with page.expect_navigation():
        page.click(f"a[href='/evaluation/runs/{run.pk}/']:has-text('{t['ranking']}')")
    expect(page.locator("h1")).to_have_text(f"{t['ranking']} · 2025 · gacc-2020 · E2E 2025")
    expect(page.get_by_test_id("synthetic-label")).to_contain_text(t["synthetic"])
    expect(page.locator("table[data-testid=ranking] th", has_text=t["class"])).to_have_count(1)
    expect(page.locator("h2", has_text=t["intervals"])).to_be_visible()
    expect(page.locator("h2", has_text=t["exit"])).to_be_visible()
    expect(page.locator(RANKING_ROWS)).to_have_count(len(results))
    assert set(cells(page, 3)) <= set(t["regions"].values())
    assert sum(n.endswith(t["synthetic_zone"]) for n in cells(page, 2)) == sum(r.zone.synthetic for r in results)
    expect_chart(page, "#chart-whiskers")
    expect_chart(page, "#chart-heat")
    log_out(page)

    # an enterprise is sent to the published ranking: no links to zone pages, the unpublished run hidden
    log_in(page, base, "ent_a")
    page.goto(f"{base}/evaluation/")
    assert page.url.endswith("/evaluation/public/")
    expect(page.locator("h1")).to_have_text(t["public"])
    expect(page.get_by_test_id("synthetic-label")).to_be_visible()
    expect(page.locator(RANKING_ROWS)).to_have_count(len(results))
    assert page.locator(f"{RANKING_ROWS} .cls").all_inner_texts() == [r.class_national for r in results]
    expect(page.locator(f"{RANKING_ROWS} a")).to_have_count(0)
    assert page.goto(f"{base}/evaluation/runs/{evaluation['old'].pk}/").status == 404
    page.goto(f"{base}/evaluation/public/")
    log_out(page)

    # and so does an anonymous visitor
    page.goto(f"{base}/evaluation/public/")
    expect(page.locator("h1")).to_have_text(t["public"])
    expect(page.locator("header form[action$='/logout/']")).to_have_count(0)
    expect(page.locator(RANKING_ROWS)).to_have_count(len(results))
    assert page.locator(f"{RANKING_ROWS} .cls").all_inner_texts() == [r.class_national for r in results]
    expect(page.locator(f"{RANKING_ROWS} a")).to_have_count(0)
