"""变更 of a door list (库门) on a phone at 375 px, in Chinese and in English: the enterprise opens its approved
status-change list, follows the link to the change form, a quantity beyond the stock is refused under its line with
what was typed kept and nothing changed, a smaller one is saved, the list shows it and its reservations take it, and
nothing scrolls sideways."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from playwright.sync_api import Page, expect

from bondzone.supervision.models import Reservation, VerificationList

from ..conftest import post_list
from ..gate.test_door import change_list
from .test_leftover_items import NARROW_PHONE, fits
from .test_list_flow import choose_language, log_in
from .test_pages import shot

pytestmark = pytest.mark.e2e

SHORT = {"zh-hans": "可用", "en": "available"}


def reserved(vlist: VerificationList) -> list[tuple[int, D]]:
    return sorted((r.source_line, r.quantity) for r in Reservation.objects.filter(source_kind="list", source_id=vlist.pk)
                  .select_related("account") if r.account.goods_status == "non_bonded")


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_change_a_door_list_on_a_phone(page: Page, live_server, e2e_world, language):
    w = e2e_world
    post_list(w, direction="I", lines=[(1, "10")], status="non_bonded")
    post_list(w, direction="I", lines=[(1, "6")])
    door_list = change_list(w, [(1, "8", "non_bonded", "bonded"), (1, "5", "bonded", "non_bonded")])
    before = reserved(door_list)
    base = live_server.url
    page.set_viewport_size(NARROW_PHONE)
    choose_language(page, base, language)
    log_in(page, base, "ent_a")
    page.goto(f"{base}/supervision/lists/{door_list.pk}/")
    page.click("[data-testid=change-form] summary")
    with page.expect_navigation():
        page.click("[data-testid=door-change-link]")
    assert fits(page)
    page.fill("input[name=quantity-1]", "30")  # 10 non-bonded pieces in the book
    page.fill("#reason", "客户改单")
    with page.expect_navigation():
        page.click("[data-testid=save-door-change]")
    expect(page.locator("tr[data-line='1'] [data-testid=line-error]")).to_contain_text(SHORT[language])
    expect(page.locator("[data-testid=form-errors]")).to_contain_text(SHORT[language])  # read whole above the table
    expect(page.locator("input[name=quantity-1]")).to_have_value("30")
    assert fits(page)
    door_list.refresh_from_db()
    assert door_list.change_count == 0 and reserved(door_list) == before
    shot(page, f"door-list-change-refused-{language}")
    page.fill("input[name=quantity-1]", "6")
    with page.expect_navigation():
        page.click("[data-testid=save-door-change]")
    assert page.url.rstrip("/").endswith(f"/supervision/lists/{door_list.pk}")
    line_one = page.locator("[data-testid=line-goods]").first.locator("xpath=..")
    expect(line_one.locator("td").nth(3)).to_have_text("6")  # #, item, goods, quantity
    assert fits(page)
    door_list.refresh_from_db()
    assert door_list.change_count == 1 and dict(reserved(door_list))[1] == 6
