"""In a real browser, in both languages: an enterprise declares a list and submits it, customs
approves it, and the book's stock changes. Bad input shows a field error and creates nothing."""

from __future__ import annotations

from decimal import Decimal

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


GRID = {
    "zh-hans": {"units": ["142 瓶", "095 升", "035 千克"], "short": "不足", "anyway": "仍要申报"},
    "en": {"units": ["142 bottle", "095 litre", "035 kilogram"], "short": "short", "anyway": "Submit anyway"},
}


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_line_grid_shows_the_item_its_quantities_and_stock(page: Page, live_server, e2e_world, language):
    """At phone width: typing a 料号 and a quantity fills the line (htmx): the 备案序号, the item, the unit
    choices narrowed to the item's own units, the legal and second legal quantities computed from its factors
    (a value the clerk types over them is kept), and for an outbound line a shortage against the stock, which
    the submit button asks about again."""
    from bondzone.supervision import services

    from ..conftest import post_list
    from .test_pages import PHONE, shot

    # 葡萄酒: declared in bottles, 0.75 l (legal) and 1.2 kg (second legal) a bottle; 10 bottles in stock
    services.add_item(actor=e2e_world.actor("customs"), book_id=e2e_world.book_a.pk, data={
        "item_no": 9, "part_no": "WINE-01", "hs_code": "2204210000", "name_zh": "葡萄酒", "declared_unit": "142",
        "legal_unit": "095", "legal_factor": "0.75", "second_unit": "035", "second_factor": "1.2"})
    post_list(e2e_world, direction="I", lines=[(9, "10")], unit_of={9: "142"})
    base, t = live_server.url, GRID[language]
    page.set_viewport_size(PHONE)
    choose_language(page, base, language)
    log_in(page, base, "ent_a")
    page.goto(f"{base}/supervision/lists/new/")
    page.select_option("#direction", "E")
    page.select_option("#trade_mode", "5034")
    row = page.locator("#lines tr.line-row").first
    unit, legal, second = (row.locator(f"[name=line-{f}]") for f in ("unit", "legal_quantity", "second_quantity"))
    expect(unit.locator("option")).not_to_have_count(3)  # every unit until the item is known
    row.locator("input[name=line-item_no]").fill("WINE-01")
    row.locator("input[name=line-quantity]").fill("12")
    row.locator("input[name=line-value]").click()  # leaving the field fires its change
    info = row.locator(".line-info")
    expect(info.locator("[data-testid=line-info]")).to_contain_text("葡萄酒")
    expect(row.locator("input[name=line-item_no]")).to_have_value("9")  # the 料号 became the 备案序号
    expect(unit.locator("option")).to_have_text(t["units"])
    expect(unit).to_have_value("142")
    expect(legal).to_have_value("9")
    expect(second).to_have_value("14.4")
    expect(info.locator("[data-testid=line-short]")).to_contain_text(t["short"])
    expect(info.locator("[data-testid=line-short]")).to_contain_text("10")
    shot(page, f"list-grid-short-{language}")

    legal.fill("9.2")  # the clerk's own legal quantity (within the tolerance) survives a change of the line
    row.locator("input[name=line-value]").fill("2160")
    row.locator("input[name=line-value]").blur()
    expect(info.locator("[data-testid=line-quantities]")).to_contain_text("14.4")
    expect(legal).to_have_value("9.2")
    unit.select_option("095")  # 12 litres = 16 bottles
    expect(second).to_have_value("19.2")
    unit.select_option("142")
    expect(second).to_have_value("14.4")
    expect(legal).to_have_value("9.2")
    with page.expect_navigation():
        page.click("[data-testid=save-list]")
    outbound = VerificationList.objects.get(direction="E")
    line = outbound.lines.get()
    assert (line.item.item_no, line.quantity, line.unit, line.legal_quantity, line.second_quantity) == (
        9, 12, "142", Decimal("9.2"), Decimal("14.4"))

    questions = []
    page.once("dialog", lambda dialog: (questions.append(dialog.message), dialog.dismiss()))
    page.click("[data-testid=submit-list]")
    expect(page.locator("[data-testid=list-status]")).to_be_visible()
    assert len(questions) == 1 and t["anyway"] in questions[0]  # dismissed: nothing is submitted
    outbound.refresh_from_db()
    assert outbound.status == "draft"


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
