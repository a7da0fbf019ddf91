"""In a real browser, in both languages: a zone administration signs for its task (签收) from the list of
tasks not signed for, and the ledger office reads the unit assessment (考核) with its service and promotion
results, edits its weights and freezes it; the zone administration then sees its own unit's frozen score."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import Page, expect

from bondzone.governance import services
from bondzone.governance.models import Acknowledgement, AssessmentFreeze, AssessmentRule

from ..governance.conftest import build_gov
from ..governance.test_assessment import _desk_results
from .test_list_flow import choose_language, log_in, log_out

pytestmark = pytest.mark.e2e

TEXT = {
    "zh-hans": {"unsigned": "未签收任务", "sign": "签收", "all_signed": "所有任务均已签收。",
                "assessment": "单位考核", "assumed": "假设值", "save": "保存权重（合计 100）",
                "not_100": "100", "saved": "考核规则已保存", "service": "服务成效", "promotion": "招商成果",
                "freeze": "冻结本年度得分", "frozen": "已冻结", "own_only": "您只能看到本单位的得分。"},
    "en": {"unsigned": "Tasks not signed for (未签收)", "sign": "Sign", "all_signed": "Every task has been signed for.",
           "assessment": "Unit assessment (考核)", "assumed": "assumed", "save": "Save the weights (sum 100)",
           "not_100": "100", "saved": "saved", "service": "Service results (服务成效)",
           "promotion": "Promotion results (招商成果)", "freeze": "Freeze the scores of this year", "frozen": "frozen",
           "own_only": "You see the scores of your own units only."},
}


@pytest.fixture
def gov_world(e2e_world, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return build_gov(e2e_world)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_unit_signs_for_its_task(page: Page, live_server, gov_world, language):
    base, t = live_server.url, TEXT[language]
    measure = gov_world.measure
    choose_language(page, base, language)
    log_in(page, base, "zone_a")
    page.goto(f"{base}/governance/unsigned/")
    expect(page.locator("h1")).to_have_text(t["unsigned"])
    row = page.locator(f"#unsigned tr[data-task='{measure.pk}']")
    expect(row).to_have_count(1)
    with page.expect_navigation():
        row.locator("button[type=submit]").click()
    expect(page.locator(".empty")).to_have_text(t["all_signed"])
    page.goto(f"{base}/governance/tasks/{measure.pk}/")
    signed = page.locator(f"#acknowledgements tr[data-signed-unit='{gov_world.zone_unit.pk}']")
    expect(signed).to_contain_text("zone_a")
    expect(page.locator("#sign-form")).to_have_count(0)
    assert Acknowledgement.objects.filter(task=measure, unit=gov_world.zone_unit).count() == 1
    log_out(page)

    # the co-unit signs from the task page itself
    log_in(page, base, "customs")
    page.goto(f"{base}/governance/tasks/{measure.pk}/")
    expect(page.locator("[data-testid=not-signed]")).to_contain_text(gov_world.customs_unit.name)
    with page.expect_navigation():
        page.click("#sign-form button[type=submit]")
    expect(page.locator(f"#acknowledgements tr[data-signed-unit='{gov_world.customs_unit.pk}']")).to_be_visible()
    expect(page.locator("[data-testid=not-signed]")).to_have_count(0)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_office_reads_the_assessment_edits_its_weights_and_freezes_it(page: Page, live_server, gov_world,
                                                                           language):
    base, t = live_server.url, TEXT[language]
    commerce = gov_world.actor("commerce")
    year = timezone.localdate().year - 1
    services.update_task(actor=commerce, task_id=gov_world.measure.pk, data={
        "start_date": f"{year}-01-01", "due_date": f"{year}-06-30", "progress": "40"})
    _desk_results(gov_world, year)
    choose_language(page, base, language)
    log_in(page, base, "commerce")
    page.goto(f"{base}/governance/assessment/?year={year}")
    expect(page.locator("h1")).to_contain_text(t["assessment"])
    expect(page.locator("[data-testid=assumed]")).to_have_text(t["assumed"])
    zone_row = page.locator(f"#scores tr[data-unit='{gov_world.zone_unit.pk}']")
    expect(zone_row).to_contain_text("40.00")
    expect(page.locator("#scores thead")).to_contain_text(t["service"])
    expect(page.locator("#scores thead")).to_contain_text(t["promotion"])
    expect(zone_row.locator("[data-component=service]")).to_have_text("50.00")
    expect(zone_row.locator("[data-component=promotion]")).to_have_text("66.67")
    expect(page.locator("[data-testid=assumed-reasons] li")).to_have_count(5)
    expect(page.locator("[data-testid=not-frozen]")).to_be_visible()

    for field, value in (("timeliness", "50"), ("quality", "30"), ("results", "30"), ("service", "0"),
                         ("promotion", "0")):
        page.fill(f"#rules-{field}", value)
    with page.expect_navigation():
        page.click(f"button:has-text('{t['save']}')")
    expect(page.locator("#rules-form .field-error").first).to_contain_text(t["not_100"])
    assert not AssessmentRule.objects.exists()

    for field, value in (("timeliness", "30"), ("quality", "20"), ("results", "20"), ("service", "20"),
                         ("promotion", "10")):
        page.fill(f"#rules-{field}", value)
    with page.expect_navigation():
        page.click(f"button:has-text('{t['save']}')")
    expect(page.locator("[data-testid=assumed]")).to_have_count(0)
    expect(page.locator("[data-weight=service]")).to_have_text("20.00")
    assert AssessmentRule.objects.get(year=year).promotion == 10

    with page.expect_navigation():
        page.click(f"#freeze-form button:has-text('{t['freeze']}')")
    expect(page.locator("[data-testid=frozen]")).to_contain_text(t["frozen"])
    expect(page.locator("#freeze-reason")).to_be_visible()  # a new version needs a reason
    assert AssessmentFreeze.objects.get(year=year).version == 1
    log_out(page)

    # the zone administration sees its own unit's frozen score, not the others'
    log_in(page, base, "zone_a")
    page.goto(f"{base}/governance/assessment/?year={year}")
    expect(page.locator("[data-testid=frozen]")).to_be_visible()
    expect(page.locator("[data-testid=own-units-only]")).to_have_text(t["own_only"])
    expect(page.locator("#scores tbody tr")).to_have_count(1)
    expect(page.locator(f"#scores tr[data-unit='{gov_world.zone_unit.pk}'] [data-component=service]")).to_have_text(
        "50.00")
    expect(page.locator("#freeze-form")).to_have_count(0)

    # at phone width the frozen page does not scroll sideways (the score table scrolls in its own box)
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    expect(page.locator("[data-testid=frozen]")).to_be_visible()
    page_width, window = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert page_width <= window
