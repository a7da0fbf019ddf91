"""In a real browser, in both languages, at phone width: the menu folds behind a button, wide tables scroll
inside themselves with the first column held, status cells stay on one line, charts follow the window,
error pages carry the menu; axe-core finds no serious accessibility violation on the main pages.

Screenshots go to test-screenshots/<database>/ (see tests/e2e/conftest.py)."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from ..governance.conftest import build_gov
from .test_governance import gov_world  # noqa: F401  (fixture)
from ..conftest import SHOTS
from .test_list_flow import choose_language, log_in

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
TEXT = {
    "zh-hans": {"menu": "菜单", "not_found": "页面不存在", "evaluation": "综保区绩效评估"},
    "en": {"menu": "Menu", "not_found": "Page not found", "evaluation": "Zone evaluation"},
}


def shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_phone_menu_tables_and_status_cells(page: Page, live_server, gov_world, language):  # noqa: F811
    base, t = live_server.url, TEXT[language]
    page.set_viewport_size(PHONE)
    choose_language(page, base, language)
    log_in(page, base, "commerce")
    page.goto(f"{base}/governance/")
    menu, toggle = page.locator("#site-menu"), page.locator("[data-menu-toggle]")
    expect(menu).to_be_hidden()
    expect(toggle).to_have_text(t["menu"])
    expect(toggle).to_have_attribute("aria-expanded", "false")
    shot(page, f"phone-ledger-{language}")

    table = page.locator("table.ledger")
    table_scroll, table_box, page_width, window = table.evaluate(
        "t => [t.scrollWidth, t.clientWidth, document.documentElement.scrollWidth, window.innerWidth]")
    assert table_scroll > table_box, "the wide ledger scrolls inside its own box"
    assert page_width <= window, "the page itself does not scroll sideways"
    first = page.locator("table.ledger tbody td:first-child").first
    assert first.evaluate("td => getComputedStyle(td).position") == "sticky"
    table.evaluate("t => { t.scrollLeft = 400; }")
    assert first.evaluate("td => td.getBoundingClientRect().left") >= 0, "the first column stays in view"
    lines = page.locator("table.ledger td.status").first.evaluate(
        "td => { const r = document.createRange(); r.selectNodeContents(td); return r.getClientRects().length; }")
    assert lines == 1

    toggle.click()
    expect(menu).to_be_visible()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    shot(page, f"phone-menu-open-{language}")
    with page.expect_navigation():
        menu.get_by_role("link", name=t["evaluation"]).click()
    expect(page.locator("#site-menu")).to_be_hidden()


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_wide_screen_ledger_fits_and_charts_follow_the_window(page: Page, live_server, gov_world, language):  # noqa: F811
    base = live_server.url
    page.set_viewport_size({"width": 1440, "height": 900})
    choose_language(page, base, language)
    log_in(page, base, "commerce")
    page.goto(f"{base}/governance/")
    expect(page.locator("#site-menu")).to_be_visible()
    expect(page.locator("[data-menu-toggle]")).to_be_hidden()
    table, main = page.locator("table.ledger"), page.locator("main")
    assert table.evaluate("t => t.getBoundingClientRect().right") <= main.evaluate(
        "m => m.getBoundingClientRect().right")
    for cell in ("td.status", "td.nowrap .bar"):
        lines = page.locator(f"table.ledger {cell}").first.evaluate(
            "el => { const r = document.createRange(); r.selectNodeContents(el.closest('td'));"
            " return r.getClientRects().length; }")
        assert lines <= 3, cell  # the percentage sits beside its bar, the status on one line
    shot(page, f"wide-ledger-{language}")

    page.goto(f"{base}/governance/leadership/")
    page.wait_for_function("() => document.querySelector('#chart-units canvas') !== null")
    page.set_viewport_size(PHONE)
    page.wait_for_function(
        "() => document.querySelector('#chart-units canvas').getBoundingClientRect().right <= window.innerWidth")
    shot(page, f"phone-leadership-{language}")


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_error_page_at_phone_width_has_the_menu(page: Page, live_server, e2e_world, language):
    base, t = live_server.url, TEXT[language]
    page.set_viewport_size(PHONE)
    choose_language(page, base, language)
    log_in(page, base, "ent_a")
    response = page.goto(f"{base}/supervision/no-such-page/")
    assert response.status == 404
    expect(page.locator("h1")).to_have_text(t["not_found"])
    page.locator("[data-menu-toggle]").click()
    expect(page.locator("#site-menu nav a").first).to_be_visible()
    shot(page, f"phone-404-{language}")


MAIN_PAGES = ["/", "/login/", "/governance/public/", "/evaluation/public/"]
MAIN_PAGES_LOGGED_IN = ["/supervision/", "/supervision/lists/", "/supervision/lists/new/", "/supervision/queue/",
                        "/supervision/books/", "/governance/",
                        "/governance/leadership/", "/governance/unsigned/", "/governance/office/",
                        "/governance/notices/", "/governance/assessment/", "/evaluation/", "/sharing/", "/sharing/audit/",
                        "/no-such-page/"]


def serious(page: Page) -> list[str]:
    results = Axe().run(page)
    return [f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}"
            for v in results.response["violations"] if v["impact"] in ("serious", "critical")]


def test_main_pages_have_no_serious_accessibility_violations(page: Page, live_server, e2e_world):
    base = live_server.url
    build_gov(e2e_world)
    found = {}
    for path in MAIN_PAGES:
        page.goto(base + path)
        found[path] = serious(page)
    log_in(page, base, "admin")
    for path in MAIN_PAGES_LOGGED_IN:
        page.goto(base + path)
        found[path] = serious(page)
    assert {p: v for p, v in found.items() if v} == {}


ERRORS = {"zh-hans": {"not_a_number": "不是数字", "progress": "进度"},
          "en": {"not_a_number": "is not a number", "progress": "Progress"}}


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_refused_report_shows_the_error_in_its_field_at_phone_width(page: Page, live_server, gov_world, language):  # noqa: F811
    base, t = live_server.url, ERRORS[language]
    page.set_viewport_size(PHONE)
    choose_language(page, base, language)
    log_in(page, base, "zone_a")
    page.goto(f"{base}/governance/tasks/{gov_world.measure.pk}/")
    page.fill("#report-progress", "七十")
    page.fill("#report-text", "完成了选址")
    with page.expect_navigation():
        page.click("#report-form button[type=submit]")
    field = page.locator("#report-progress")
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(field).to_have_value("七十")
    expect(field).to_be_focused()
    error = page.locator("#report-progress-error")
    expect(error).to_contain_text(t["not_a_number"])
    assert error.evaluate("e => e.previousElementSibling.id") == "report-progress"
    expect(page.locator("#report-text")).to_have_value("完成了选址")
    expect(page.locator(".messages")).not_to_contain_text("progress:")
    shot(page, f"phone-report-error-{language}")
