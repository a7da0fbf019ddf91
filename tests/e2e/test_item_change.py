"""Customs changes (备案变更) a book item on a phone at 375 px, in Chinese and in English: the book's item row links
to the edit form, a unit change of an item with movements is refused under its field with what was typed kept,
a new name is saved and the book shows it, and nothing scrolls sideways."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from bondzone.supervision.models import BookItem

from ..conftest import post_list
from .test_leftover_items import NARROW_PHONE, fits
from .test_list_flow import choose_language, log_in
from .test_pages import shot

pytestmark = pytest.mark.e2e

IN_USE = {"zh-hans": "不能再变更", "en": "no longer change"}


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_change_an_item_on_a_phone(page: Page, live_server, e2e_world, language):
    w = e2e_world
    post_list(w, direction="I", lines=[(2, "10")])  # item 2 has movements: its unit stays
    base, book = live_server.url, w.book_a
    page.set_viewport_size(NARROW_PHONE)
    choose_language(page, base, language)
    log_in(page, base, "customs")
    page.goto(f"{base}/supervision/books/{book.pk}/")
    with page.expect_navigation():
        page.click("table[data-testid=items] tr[data-item='2'] [data-testid=edit-item]")
    assert fits(page)
    expect(page.locator("#item-name_zh")).to_have_value("商品2")
    page.fill("#item-name_zh", "铜板")
    page.select_option("#item-declared_unit", "011")
    with page.expect_navigation():
        page.click("[data-testid=item-save]")
    expect(page.locator("#item-declared_unit-error")).to_contain_text(IN_USE[language])
    expect(page.locator("#item-name_zh")).to_have_value("铜板")
    assert fits(page) and BookItem.objects.get(book=book, item_no=2).name_zh == "商品2"
    shot(page, f"item-change-refused-{language}")
    page.select_option("#item-declared_unit", "035")
    with page.expect_navigation():
        page.click("[data-testid=item-save]")
    expect(page.locator("table[data-testid=items] tr[data-item='2']")).to_contain_text("铜板")
    assert fits(page) and BookItem.objects.get(book=book, item_no=2).name_zh == "铜板"
