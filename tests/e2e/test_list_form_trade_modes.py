"""The list form on a phone at 375 px, in Chinese and in English: the trade-mode select offers the modes of the
book chosen and of the direction, and offers them again (htmx) when either changes — a 进料 book's modes, a 来料
book's, none of either kind (with the reason) while the book does not record its kind; a draft is saved on an
offered mode, and nothing scrolls sideways."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from bondzone.supervision.models import VerificationList

from ..supervision.test_processing_kind import make_book
from .test_leftover_items import NARROW_PHONE, fits
from .test_list_flow import choose_language, log_in
from .test_pages import shot

pytestmark = pytest.mark.e2e

NOT_RECORDED = {"zh-hans": "尚未记录", "en": "does not record"}


def offered(page: Page) -> set[str]:
    return set(page.locator("#trade_mode option").evaluate_all("os => os.map(o => o.value)"))


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_trade_modes_follow_the_book_and_the_direction_on_a_phone(page: Page, live_server, e2e_world, language):
    w = e2e_world
    books = {kind: make_book(w, number, kind)
             for kind, number in (("imported", "H01101000001"), ("supplied", "H01101000002"), ("", "H01101000003"))}
    base = live_server.url
    page.set_viewport_size(NARROW_PHONE)
    choose_language(page, base, language)
    log_in(page, base, "ent_a")
    page.goto(f"{base}/supervision/lists/new/")
    page.select_option("#book_id", str(w.book_a.pk))  # a logistics book: no processing mode
    expect(page.locator("#trade_mode option[value='5034']")).to_have_count(1)
    expect(page.locator("#trade_mode option[value='5015']")).to_have_count(0)
    assert not {"5014", "5100"} & offered(page) and fits(page)

    page.select_option("#book_id", str(books["imported"].pk))
    expect(page.locator("#trade_mode option[value='5015']")).to_have_count(1)
    assert "5014" not in offered(page) and "0664" not in offered(page)  # 0664 goes out only
    page.select_option("#direction", "E")
    expect(page.locator("#trade_mode option[value='0664']")).to_have_count(1)
    assert not {"0265", "5335"} & offered(page)

    page.select_option("#trade_mode", "0664")
    page.select_option("#book_id", str(books["supplied"].pk))  # the same movement on a 来料 book is 0265
    expect(page.locator("#trade_mode option[value='0265']")).to_have_count(1)
    assert not {"0664", "5015"} & offered(page)

    page.select_option("#book_id", str(books[""].pk))
    expect(page.locator("[data-testid=kind-not-recorded]")).to_contain_text(NOT_RECORDED[language])
    assert not {"5015", "5014", "0664", "0265"} & offered(page) and "5100" in offered(page)
    assert fits(page)
    shot(page, f"list-form-trade-modes-{language}")

    page.select_option("#book_id", str(books["imported"].pk))
    expect(page.locator("#trade_mode option[value='5015']")).to_have_count(1)
    page.select_option("#direction", "I")
    expect(page.locator("#trade_mode option[value='5335']")).to_have_count(1)  # inbound only: the new choices
    page.select_option("#trade_mode", "5015")
    page.fill("input[name=line-item_no] >> nth=0", "1")
    page.fill("input[name=line-quantity] >> nth=0", "2")
    page.fill("input[name=line-value] >> nth=0", "10")
    expect(page.locator("[data-testid=line-info]")).to_be_visible()  # the item's own units offered
    page.select_option("select[name=line-unit] >> nth=0", "007")
    with page.expect_navigation():
        page.click("[data-testid=save-list]")
    vlist = VerificationList.objects.get()
    assert (vlist.book_id, vlist.trade_mode, vlist.direction) == (books["imported"].pk, "5015", "I")
    assert fits(page)


def test_a_mode_picked_while_the_choices_reload_is_kept(page: Page, live_server, e2e_world):
    """The direction changes, the new choices are on their way (held here), the clerk picks 5000 (offered both
    ways): the reply, built on the mode the request carried (5034), does not reset the pick."""
    w = e2e_world
    base = live_server.url
    log_in(page, base, "ent_a")
    page.goto(f"{base}/supervision/lists/new/")
    page.select_option("#book_id", str(w.book_a.pk))
    page.select_option("#direction", "I")
    expect(page.locator("#trade_mode option[value='5335']")).to_have_count(1)  # inbound choices
    expect(page.locator("#trade_mode")).to_have_value("5034")
    held = []
    page.route("**/supervision/lists/new/trade-modes/**", lambda route: held.append(route))
    page.select_option("#direction", "E")
    for _ in range(100):
        if held:
            break
        page.wait_for_timeout(50)
    assert held, "the choices were not asked for"
    page.select_option("#trade_mode", "5000")
    assert "trade_mode=5034" in held[0].request.url
    held[0].continue_()
    expect(page.locator("#trade_mode option[value='5361']")).to_have_count(1)  # the outbound choices arrived
    expect(page.locator("#trade_mode")).to_have_value("5000")
