"""The information-sharing index at 375 px, in both languages: reached from the folded main menu, its cards
stack without sideways scrolling, each part's link opens it."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from .test_list_flow import choose_language, log_in
from .test_pages import shot

pytestmark = pytest.mark.e2e

TEXT = {"zh-hans": {"menu": "信息共享", "subscriptions": "订阅", "empty": "尚无生效的订阅"},
        "en": {"menu": "Information sharing", "subscriptions": "Subscriptions", "empty": "No active subscription"}}


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_sharing_index_at_phone_width(page: Page, live_server, e2e_world, language):
    base, t = live_server.url, TEXT[language]
    page.set_viewport_size({"width": 375, "height": 800})
    choose_language(page, base, language)
    log_in(page, base, "zone_a")
    page.locator("[data-menu-toggle]").click()
    with page.expect_navigation():
        page.locator("#site-menu").get_by_role("link", name=t["menu"], exact=True).click()
    expect(page.locator("h1")).to_have_text(t["menu"])
    cards = page.locator("[data-testid=sharing-parts] > section.card")
    expect(cards).to_have_count(6)
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
    for i in range(cards.count()):
        box = cards.nth(i).bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= 375, i
    expect(page.locator("[data-part=subscriptions]")).to_contain_text(t["empty"])
    shot(page, f"phone-sharing-index-{language}")
    with page.expect_navigation():
        page.locator("[data-part=subscriptions] h2 a").click()
    expect(page.locator("h1")).to_have_text(t["subscriptions"])
