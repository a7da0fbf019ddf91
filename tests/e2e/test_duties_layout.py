"""Duties forms found scrolling sideways by the QA walk: the quotation page's 100-column textarea at 1280 px
(1466 px wide), and the regime / domestic-sale forms at 375 px when an item's name is long (a fieldset grows
to its widest select: its default min-width is its content's)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from bondzone.supervision.models import BookItem

from .test_list_flow import log_in

pytestmark = pytest.mark.e2e


def fits(page: Page) -> bool:
    return page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")


def test_duties_forms_do_not_scroll_sideways(page: Page, live_server, e2e_world):
    w = e2e_world
    BookItem.objects.filter(book=w.book_a).update(name_zh="飞机零件（起落架组件，含减震支柱与收放作动筒）" * 2)
    base = live_server.url
    log_in(page, base, "ent_a")
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(f"{base}/duties/quote/")
    assert fits(page)
    page.set_viewport_size({"width": 375, "height": 800})
    for url in ("/duties/quote/", "/duties/regimes/new", "/duties/domestic/new"):
        page.goto(f"{base}{url}")
        assert fits(page), url
