"""Customs records an H book's processing kind, a scrap item and a defective-goods item on the pages, in a real
browser at 375 px, in Chinese and in English: a wrong item kind is marked beside its field, the book's item list
shows each leftover's kind, and nothing scrolls sideways."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from bondzone.supervision import services as ledger
from bondzone.supervision.models import AccountBook, BookItem

from .test_list_flow import choose_language, log_in
from .test_pages import shot

pytestmark = pytest.mark.e2e

NARROW_PHONE = {"width": 375, "height": 812}
TEXT = {
    "zh-hans": {"scrap": "边角料", "defective": "残次品", "kind": "来料加工"},
    "en": {"scrap": "scrap", "defective": "defective goods", "kind": "supplied materials (来料加工)"},
}


def fits(page: Page) -> bool:
    return page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")


def fill_item(page: Page, no: str, hs: str, name: str, kind: str, unit: str, leftover: str, of: str = "") -> None:
    page.fill("#item-item_no", no)
    page.fill("#item-hs_code", hs)
    page.fill("#item-name_zh", name)
    page.select_option("#item-kind", kind)
    page.select_option("#item-leftover", leftover)
    page.select_option("#item-leftover_of", of)
    page.select_option("#item-declared_unit", unit)
    page.select_option("#item-legal_unit", unit)
    with page.expect_navigation():
        page.click("[data-testid=item-save]")


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_record_scrap_and_defective_items_on_a_phone(page: Page, live_server, e2e_world, language):
    w, t = e2e_world, TEXT[language]
    customs = w.actor("customs")
    today = timezone.localdate()
    book = ledger.create_book(actor=customs, enterprise_id=w.ent_a.pk, number="H01101000001", kind="H",
                              valid_from=today - timedelta(days=30), valid_until=today + timedelta(days=365))
    ledger.add_item(actor=customs, book_id=book.pk, data={
        "item_no": 10, "kind": "E", "hs_code": "8501109990", "name_zh": "电机", "declared_unit": "007",
        "legal_unit": "007"})
    base = live_server.url
    page.set_viewport_size(NARROW_PHONE)
    choose_language(page, base, language)
    log_in(page, base, "customs")
    page.goto(f"{base}/supervision/books/{book.pk}/")
    page.select_option("#processing_kind-processing_kind", "supplied")
    with page.expect_navigation():
        page.click("[data-testid=processing-kind-form] button[type=submit]")
    expect(page.locator("[data-testid=processing-kind]")).to_have_text(t["kind"])
    assert AccountBook.objects.get(pk=book.pk).processing_kind == "supplied"

    with page.expect_navigation():
        page.click("[data-testid=record-item]")
    assert fits(page)
    shot(page, f"item-form-{language}")
    fill_item(page, "20", "7404000090", "铜边角料", "E", "035", "scrap")  # scrap recorded as finished goods
    expect(page.locator("#item-kind-error")).to_be_visible()
    expect(page.locator("#item-kind")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#item-name_zh")).to_have_value("铜边角料")
    assert fits(page) and not BookItem.objects.filter(book=book, item_no=20).exists()
    shot(page, f"item-form-refused-{language}")
    fill_item(page, "20", "7404000090", "铜边角料", "I", "035", "scrap")
    expect(page.locator("tr[data-item='20'] [data-leftover=scrap]")).to_have_text(t["scrap"])

    page.click("[data-testid=record-item]")
    page.wait_for_url("**/items/new/")
    fill_item(page, "21", "8501109990", "电机（残次品）", "E", "007", "defective", of="10")
    expect(page.locator("tr[data-item='21'] [data-leftover=defective]")).to_have_text(t["defective"])
    assert list(BookItem.objects.filter(book=book, item_no__in=(20, 21)).order_by("item_no").values_list(
        "kind", "leftover", "leftover_of")) == [("I", "scrap", None), ("E", "defective", 10)]
    assert fits(page)
    shot(page, f"book-items-leftovers-{language}")
