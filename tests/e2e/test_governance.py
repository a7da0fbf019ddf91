"""In a real browser, in both languages: the policy task ledger (tree, lights, filters), a zone
administration reporting progress on its task, the ledger office accepting it, and the leadership
dashboard's charts."""

from __future__ import annotations

import pytest
from django.conf import settings
from playwright.sync_api import Page, expect

from bondzone.governance import services
from bondzone.governance.models import Task

from ..governance.conftest import build_gov
from .test_list_flow import choose_language, log_in, log_out

pytestmark = pytest.mark.e2e

TEXT = {
    "zh-hans": {"ledger": "政策任务台账", "report": "填报进展", "submit": "提交报告", "accept": "通过",
                "submitted": "待审核", "accepted": "已通过", "leadership": "领导驾驶舱"},
    "en": {"ledger": "Policy task ledger", "report": "Report progress", "submit": "Submit report", "accept": "Accept",
           "submitted": "submitted", "accepted": "accepted", "leadership": "Leadership dashboard"},
}


@pytest.fixture
def gov_world(e2e_world, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    gov = build_gov(e2e_world)
    services.load_policy(actor=services.SYSTEM, text=settings.BONDZONE_SEED_POLICY.read_text(encoding="utf-8"))
    return gov


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_ledger_report_and_review(page: Page, live_server, gov_world, language):
    base, t = live_server.url, TEXT[language]
    choose_language(page, base, language)
    log_in(page, base, "commerce")

    page.goto(f"{base}/governance/")
    expect(page.locator("h1")).to_have_text(t["ledger"])
    expect(page.locator("table.ledger tbody tr")).to_have_count(Task.objects.count())
    counts = page.locator("[data-testid=light-counts] b")
    assert sum(int(counts.nth(i).inner_text()) for i in range(3)) >= 1
    page.select_option("select[name=light]", "red")
    with page.expect_navigation():
        page.click("form.filters button[type=submit]")
    red_rows = page.locator("table.ledger tbody tr:not(.context)")
    assert red_rows.count() >= 1
    for i in range(red_rows.count()):  # every matched row is red (context rows are its ancestors)
        expect(red_rows.nth(i).locator("[data-light]")).to_have_attribute("data-light", "red")
    log_out(page)

    measure = gov_world.measure
    log_in(page, base, "zone_a")
    page.goto(f"{base}/governance/tasks/{measure.pk}/")
    expect(page.locator("h2", has_text=t["report"])).to_be_visible()
    page.fill("input[name=progress]", "40")
    page.fill("textarea[name=text]", "完成围网监控改造 / fence cameras replaced")
    with page.expect_navigation():
        page.click(f"button:has-text('{t['submit']}')")
    expect(page.locator("td", has_text="fence cameras replaced")).to_be_visible()
    expect(page.locator(".badge", has_text=t["submitted"])).to_be_visible()
    log_out(page)

    log_in(page, base, "commerce")
    page.goto(f"{base}/governance/tasks/{measure.pk}/")
    with page.expect_navigation():
        page.click("button[name=decision][value=accept]")
    expect(page.locator(".badge", has_text=t["accepted"])).to_be_visible()
    measure.refresh_from_db()
    assert measure.progress == 40

    page.goto(f"{base}/governance/leadership/")
    expect(page.locator("h1")).to_have_text(t["leadership"])
    expect(page.locator(".chart canvas").first).to_be_visible()
