"""Time-limited regimes in a real browser at phone width: the enterprise opens one through the form (a
bad quantity is marked beside its field), customs sees it and its forms; nothing scrolls sideways."""

from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import Page, expect

from bondzone.duties.models import Guarantee, Regime, TaxRate
from bondzone.supervision.models import BookItem

from ..conftest import post_list
from .test_list_flow import choose_language, log_in, log_out
from .test_pages import PHONE, shot

pytestmark = pytest.mark.e2e


def fits(page: Page) -> bool:
    return page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_open_a_regime_on_a_phone(page: Page, live_server, e2e_world, language):
    w = e2e_world
    post_list(w, direction="I", lines=[(1, "100")])
    for kind, rate in (("mfn", "0.10"), ("vat", "0.13")):
        TaxRate.objects.create(kind=kind, hs_code="8471300001", ad_valorem=rate, valid_from=date(2020, 1, 1))
    g = Guarantee.objects.create(enterprise=w.ent_a, zone_id=w.ent_a.zone_id, kind="deposit", reference="BZJ-E2E",
                                 amount="5000.00")
    item = BookItem.objects.get(book=w.book_a, item_no=1)
    base = live_server.url
    page.set_viewport_size(PHONE)
    choose_language(page, base, language)
    log_in(page, base, "ent_a")
    page.goto(f"{base}/duties/regimes/new")
    page.select_option("#open-kind", "display_out")
    page.select_option("#open-book_id", str(w.book_a.pk))
    page.select_option("#open-item-1", str(item.pk))
    page.fill("#open-qty-1", "-2")
    page.fill("#open-val-1", "3000.00")
    page.select_option("#open-guarantee_id", str(g.pk))
    with page.expect_navigation():
        page.click("#open-form button[type=submit]")
    expect(page.locator("#open-lines\\[1\\]\\.quantity-error")).to_be_visible()
    assert fits(page)
    shot(page, f"regime-open-refused-{language}")
    page.fill("#open-qty-1", "2")
    with page.expect_navigation():
        page.click("#open-form button[type=submit]")
    expect(page.locator("[data-testid=duty]")).to_have_text("729.00")
    assert Regime.objects.count() == 1 and fits(page)
    log_out(page)
    log_in(page, base, "customs")
    page.goto(f"{base}/duties/regimes/")
    assert fits(page)
    shot(page, f"regimes-list-{language}")
    page.click("table[data-testid=regimes] a")
    expect(page.locator("form[data-testid=extend]")).to_be_visible()
    assert fits(page)
    shot(page, f"regime-detail-{language}")
