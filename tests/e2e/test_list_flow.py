"""In a real browser, in both languages: an enterprise declares a list and submits it, customs
approves it, and the book's stock changes. Bad input shows a field error and creates nothing."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from bondzone.supervision.models import StockAccount, VerificationList

from ..conftest import PASSWORD

pytestmark = pytest.mark.e2e

TEXT = {
    "zh-hans": {"approve": "审核通过", "submit": "向海关申报", "new": "新建核注清单", "approved": "审核通过",
                "pass": "货物已过卡", "reserved": "预核扣（待过卡）", "posted": "已核扣"},
    "en": {"approve": "Approve", "submit": "Submit to customs", "new": "New verification list",
           "approved": "approved", "pass": "Goods passed", "reserved": "reserved (awaiting passage)",
           "posted": "posted"},
}


def choose_language(page: Page, base: str, language: str) -> None:
    page.goto(f"{base}/login/")
    current = page.locator("select[name=language]").input_value()
    if current != language:
        with page.expect_navigation():
            page.select_option("select[name=language]", language)


def log_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.click("button[type=submit]")


def log_out(page: Page) -> None:
    toggle = page.locator("[data-menu-toggle]")
    if toggle.is_visible():  # at phone width the menu (and the logout button in it) is folded
        toggle.click()
    with page.expect_navigation():
        page.click("header form[action$='/logout/'] button")


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_declare_approve_and_see_stock(page: Page, live_server, e2e_world, language):
    base, t = live_server.url, TEXT[language]
    choose_language(page, base, language)
    log_in(page, base, "ent_a")

    page.goto(f"{base}/supervision/lists/new/")
    expect(page.locator("h1")).to_have_text(t["new"])
    page.select_option("#direction", "I")
    page.select_option("#trade_mode", "5034")
    page.fill("input[name=line-item_no]", "1")
    page.fill("input[name=line-quantity]", "10")
    page.select_option("select[name=line-unit]", "007")
    page.fill("input[name=line-value]", "1000")
    with page.expect_navigation():
        page.click("[data-testid=save-list]")
    number = page.locator("[data-testid=list-number]").inner_text()
    expect(page.locator("[data-testid=submit-list]")).to_have_text(t["submit"])
    with page.expect_navigation():
        page.click("[data-testid=submit-list]")
    log_out(page)

    log_in(page, base, "customs")
    page.goto(f"{base}/supervision/queue/")
    with page.expect_navigation():
        page.click(f"text={number}")
    expect(page.locator("[data-testid=approve-list]")).to_have_text(t["approve"])
    page.once("dialog", lambda dialog: dialog.accept())  # the approval asks first
    with page.expect_navigation():
        page.click("[data-testid=approve-list]")
    expect(page.locator("[data-testid=list-status]")).to_have_text(t["approved"])
    expect(page.locator("[data-testid=posting-state]")).to_have_text(t["reserved"])
    expect(page.locator("[data-testid=pass-goods]")).to_have_text(t["pass"])
    with page.expect_navigation():
        page.click("[data-testid=pass-goods]")  # until the gate app exists, customs records the passage
    expect(page.locator("[data-testid=posting-state]")).to_have_text(t["posted"])

    book = e2e_world.book_a
    page.goto(f"{base}/supervision/books/{book.pk}/")
    cell = page.locator("tr[data-item='1'][data-status='bonded'] [data-testid=posted]")
    expect(cell).to_have_text("10")
    assert StockAccount.objects.get(book=book, item__item_no=1, goods_status="bonded").posted == 10
    assert VerificationList.objects.get(pre_entry_no=number).status == "approved"  # the list number came at approval


@pytest.mark.parametrize("language, message", [("zh-hans", "数量必须大于零"), ("en", "greater than zero")])
def test_bad_quantity_shows_field_error_and_creates_nothing(page: Page, live_server, e2e_world, language, message):
    base = live_server.url
    choose_language(page, base, language)
    log_in(page, base, "ent_a")
    page.goto(f"{base}/supervision/lists/new/")
    page.fill("input[name=line-item_no]", "1")
    page.fill("input[name=line-quantity]", "-5")
    page.select_option("select[name=line-unit]", "007")
    with page.expect_navigation():
        page.click("[data-testid=save-list]")
    quantity = page.locator("#lines tr.line-row").first.locator("input[name=line-quantity]")
    expect(quantity).to_have_attribute("aria-invalid", "true")
    expect(quantity).to_have_value("-5")
    expect(page.locator('[data-field="lines[1].quantity"]')).to_contain_text(message)
    expect(page.locator("body")).not_to_contain_text("lines[1].quantity")
    assert VerificationList.objects.count() == 0


def test_htmx_add_line_button(page: Page, live_server, e2e_world):
    base = live_server.url
    log_in(page, base, "ent_a")
    page.goto(f"{base}/supervision/lists/new/")
    rows = page.locator("#lines tr.line-row")
    expect(rows).to_have_count(1)
    page.click("button[hx-get]")
    expect(rows).to_have_count(2)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_line_grid_shows_the_item_its_quantities_and_stock(page: Page, live_server, e2e_world, language):
    """Typing a record number and a quantity fills the line's info cell (htmx): the item, its quantity in the
    declared unit, and for an outbound line a shortage against the stock."""
    from ..conftest import post_list

    post_list(e2e_world, direction="I", lines=[(1, "5")])
    base = live_server.url
    choose_language(page, base, language)
    log_in(page, base, "ent_a")
    page.goto(f"{base}/supervision/lists/new/")
    page.select_option("#direction", "E")
    row = page.locator("#lines tr.line-row").first
    page.fill("input[name=line-item_no]", "1")
    page.fill("input[name=line-quantity]", "7")
    page.select_option("select[name=line-unit]", "007")
    info = row.locator(".line-info")
    expect(info.locator("[data-testid=line-info]")).to_contain_text("商品1")
    expect(info.locator("[data-testid=line-short]")).to_contain_text("5")
    page.fill("input[name=line-quantity]", "5")
    page.locator("input[name=line-value]").first.click()  # leaving the field fires its change
    expect(info.locator("[data-testid=line-short]")).to_have_count(0)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_draft_is_edited_and_copied_at_phone_width(page: Page, live_server, e2e_world, language):
    """A clerk edits a draft's quantity, then copies the draft into a new one, on a phone."""
    from bondzone.supervision import services

    from ..conftest import key
    from .test_pages import PHONE, shot

    draft = services.create_list(actor=e2e_world.actor("ent_a"), book_id=e2e_world.book_a.pk, idempotency_key=key(),
                                 data={"direction": "I", "trade_mode": "5034",
                                       "lines": [{"item_no": 1, "quantity": "3", "unit": "007"}]})
    base = live_server.url
    page.set_viewport_size(PHONE)
    choose_language(page, base, language)
    log_in(page, base, "ent_a")
    page.goto(f"{base}/supervision/lists/{draft.pk}/")
    with page.expect_navigation():
        page.click("[data-testid=edit-list]")
    page.fill("input[name=line-quantity]", "4")
    with page.expect_navigation():
        page.click("[data-testid=save-list]")
    assert VerificationList.objects.get(pk=draft.pk).lines.get().quantity == 4
    with page.expect_navigation():
        page.click("[data-testid=copy-list]")
    shot(page, f"list-copied-{language}")
    copies = VerificationList.objects.exclude(pk=draft.pk)
    assert copies.count() == 1 and copies.get().status == "draft" and copies.get().lines.get().quantity == 4
    expect(page.locator("[data-testid=list-number]")).to_have_text(copies.get().display_number)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_an_approved_list_is_changed_on_a_phone(page: Page, live_server, e2e_world, language):
    """变更 in a browser at phone width: a refusal sits under its field with the typed text kept, then the
    change is saved and the change count shows."""
    from bondzone.supervision import services

    from ..conftest import key, post_list
    from .test_pages import PHONE, shot

    post_list(e2e_world, direction="I", lines=[(1, "10")])
    owner = e2e_world.actor("ent_a")
    v = services.create_list(actor=owner, book_id=e2e_world.book_a.pk, idempotency_key=key(), data={
        "direction": "E", "trade_mode": "5034", "lines": [{"item_no": 1, "quantity": "4", "unit": "007"}]})
    services.submit_list(actor=owner, list_id=v.pk, idempotency_key=key())
    services.approve_list(actor=e2e_world.actor("customs"), list_id=v.pk, idempotency_key=key())
    base = live_server.url
    page.set_viewport_size(PHONE)
    choose_language(page, base, language)
    log_in(page, base, "ent_a")
    page.goto(f"{base}/supervision/lists/{v.pk}/")
    page.click("[data-testid=change-form] summary")
    page.fill("#change-inner_no", "INV-9")
    page.fill("#change-reason", " ")
    page.evaluate("() => document.querySelector('#change-reason').removeAttribute('required')")
    with page.expect_navigation():
        page.click("[data-testid=change-list]")
    expect(page.locator("#change-reason-error")).to_be_visible()
    expect(page.locator("#change-inner_no")).to_have_value("INV-9")
    shot(page, f"list-change-refused-{language}")
    page.fill("#change-reason", "内部编号补录")
    with page.expect_navigation():
        page.click("[data-testid=change-list]")
    assert VerificationList.objects.get(pk=v.pk).change_count == 1
    expect(page.locator("body")).to_contain_text("INV-9")
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
