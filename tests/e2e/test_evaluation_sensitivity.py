"""In a real browser, in both languages and at phone width: the commerce bureau computes a run's Sobol
sensitivity indices from the run page; the table (first-order and total index per input factor) and the
ECharts bar chart from the static chart file appear, in English and in Chinese; a viewer sees them without
the button."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from bondzone.evaluation.models import EvaluationRun

from .test_evaluation import build_evaluation, expect_chart
from .test_list_flow import choose_language, log_in, log_out

pytestmark = pytest.mark.e2e

TEXT = {
    "en": {"title": "Sensitivity of the ranks (Sobol indices)", "first": "First-order index", "total": "Total index",
           "weights": "Weights (each ±20 %)", "none": "have not been computed", "done": "Sensitivity indices computed"},
    "zh-hans": {"title": "排名的敏感性（Sobol 指数）", "first": "一阶指数", "total": "总效应指数",
                "weights": "权重（各 ±20 %）", "none": "尚未计算", "done": "已根据本次评估冻结的输入计算敏感性指数"},
}
ROWS = "table[data-testid=sensitivity-table] tbody tr"


@pytest.fixture
def evaluation(e2e_world):
    return build_evaluation(e2e_world)


def test_sensitivity_on_the_run_page_in_both_languages(page: Page, live_server, evaluation):
    base, run = live_server.url, evaluation["run"]
    t = TEXT["en"]
    choose_language(page, base, "en")
    log_in(page, base, "commerce")
    page.goto(f"{base}/evaluation/runs/{run.pk}/")
    section = page.get_by_test_id("sensitivity")
    expect(section.locator("h2")).to_have_text(t["title"])
    expect(page.get_by_test_id("sensitivity-none")).to_contain_text(t["none"])
    section.locator("input[name=draws]").fill("32")
    with page.expect_navigation():
        page.get_by_test_id("compute-sensitivity").click()
    expect(page.locator(".messages")).to_contain_text(t["done"])
    stored = EvaluationRun.objects.get(pk=run.pk).sensitivity
    assert stored["draws"] == 32
    expect(page.locator(ROWS)).to_have_count(len(stored["indices"]))
    expect(page.locator(f"{ROWS} th").first).to_have_text(t["weights"])
    expect(page.locator("table[data-testid=sensitivity-table] thead")).to_contain_text(t["first"])
    assert page.locator(f"{ROWS} td:nth-child(2)").all_inner_texts() == [i["first_order"] for i in stored["indices"]]
    assert page.locator(f"{ROWS} td:nth-child(3)").all_inner_texts() == [i["total"] for i in stored["indices"]]
    expect_chart(page, "#chart-sensitivity")

    t = TEXT["zh-hans"]
    with page.expect_navigation():
        page.select_option("select[name=language]", "zh-hans")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(section.locator("h2")).to_have_text(t["title"])
    expect(page.locator("table[data-testid=sensitivity-table] thead")).to_contain_text(t["total"])
    expect(page.locator(f"{ROWS} th").first).to_have_text(t["weights"])
    expect_chart(page, "#chart-sensitivity")

    # at phone width the chart still draws inside the page
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    expect_chart(page, "#chart-sensitivity")
    box = page.locator("#chart-sensitivity").bounding_box()
    assert box is not None and box["width"] <= 390
    log_out(page)

    # a viewer sees the indices, not the button
    page.set_viewport_size({"width": 1440, "height": 900})
    log_in(page, base, "tax")
    page.goto(f"{base}/evaluation/runs/{run.pk}/")
    expect(page.locator(ROWS)).to_have_count(len(stored["indices"]))
    expect(page.get_by_test_id("compute-sensitivity")).to_have_count(0)
    expect_chart(page, "#chart-sensitivity")
