"""The consolidation page in a real browser at phone width, both languages: the e-commerce enterprise sees the
released orders waiting, a reversed period is marked beside its field, the fixed one makes the type-8 list,
which then shows in the table; customs reads the page without the form; nothing scrolls sideways."""

from __future__ import annotations

import pytest

from tests.conftest import key
from playwright.sync_api import Page, expect

from bondzone.cbec import services as cbec
from bondzone.cbec.models import ConsolidatedList, PositiveListEntry
from bondzone.duties import services as duties
from bondzone.supervision import services as ledger

from ..conftest import post_list
from .test_list_flow import choose_language, log_in, log_out
from .test_pages import PHONE, shot

pytestmark = pytest.mark.e2e
MILK, BUYER = "1901101000", "11010519491231002X"


def fits(page: Page) -> bool:
    return page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")


def released_order(w, no: str) -> None:
    ent = w.actor("ent_a")
    order = cbec.declare_order(actor=ent, data={"order_no": no, "order_date": "2026-03-01", "buyer_name": "张三",
                                                "buyer_id": BUYER, "lines": [{"hs_code": MILK, "name": "x",
                                                                              "quantity": "1", "unit": "035",
                                                                              "value": "300.00"}]})
    cbec.record_payment(actor=ent, order_id=order.pk, data={
        "payment_no": "P" + no, "order_no": no, "payer_name": "张三", "payer_id": BUYER,
        "amount": str(order.goods_value + order.tax_total)})
    cbec.record_waybill(actor=ent, order_id=order.pk, data={"waybill_no": "W" + no, "order_no": no,
                                                            "consignee_name": "张三"})
    cbec.release(actor=w.actor("customs"), order_id=order.pk, released_on="2026-03-02")


def two_released_orders(w) -> None:
    """Milk on the positive list, a tax guarantee, rates, the item on book A with stock, two orders released."""
    PositiveListEntry.objects.create(hs_code=MILK, name="infant formula")
    duties.lodge_guarantee(idempotency_key=key(), actor=w.actor("customs"), data={"enterprise_id": w.ent_a.pk, "kind": "deposit",
                                                           "reference": "TAX-A", "amount": "10000.00"})
    duties.import_tax_rates(actor=w.actor("customs"), rows=[
        {"kind": "mfn", "hs_code": MILK, "ad_valorem": "0.05", "valid_from": "2026-01-01"},
        {"kind": "vat", "hs_code": MILK, "ad_valorem": "0.13", "valid_from": "2026-01-01"}])
    ledger.add_item(actor=w.actor("customs"), book_id=w.book_a.pk, data={
        "item_no": 21, "kind": "I", "hs_code": MILK, "name_zh": "奶粉", "declared_unit": "035", "legal_unit": "035"})
    post_list(w, direction="I", lines=[(21, "10")], unit_of={21: "035"})
    released_order(w, "E2E-1")
    released_order(w, "E2E-2")


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_consolidate_now_on_a_phone(page: Page, live_server, e2e_world, language):
    w = e2e_world
    two_released_orders(w)
    base = live_server.url
    page.set_viewport_size(PHONE)
    choose_language(page, base, language)
    log_in(page, base, "ent_a")
    page.goto(f"{base}/cbec/consolidations/")
    expect(page.locator("[data-testid=waiting] td.num").first).to_have_text("2")
    page.fill("#consolidate-start", "2026-03-31")
    page.fill("#consolidate-end", "2026-03-01")
    with page.expect_navigation():
        page.click("form[data-testid=consolidate] button[type=submit]")
    expect(page.locator("#consolidate-end-error")).to_be_visible()
    assert ConsolidatedList.objects.count() == 0 and fits(page)
    shot(page, f"cbec-consolidate-refused-{language}")
    page.fill("#consolidate-start", "2026-03-01")
    page.fill("#consolidate-end", "2026-03-31")
    with page.expect_navigation():
        page.click("form[data-testid=consolidate] button[type=submit]")
    expect(page.locator("table[data-testid=consolidations] tbody tr")).to_have_count(1)
    assert ConsolidatedList.objects.get().order_count == 2 and fits(page)
    shot(page, f"cbec-consolidations-{language}")
    log_out(page)
    log_in(page, base, "customs")
    page.goto(f"{base}/cbec/consolidations/")
    expect(page.locator("table[data-testid=consolidations]")).to_be_visible()
    expect(page.locator("form[data-testid=consolidate]")).to_have_count(0)
    assert fits(page)


@pytest.mark.parametrize("language,overdue,none", [("zh-hans", "逾期", "没有逾期的汇总纳税。"),
                                                   ("en", "Overdue", "No overdue settlement.")])
def test_an_overdue_settlement_is_marked_and_paid_on_a_phone(page: Page, live_server, e2e_world, language, overdue,
                                                             none):
    """The March settlement, due on 15 April and unpaid, is marked overdue and found by the filter; once its
    payment is recorded on the page, the filter finds none."""
    from bondzone.cbec import settlement
    from bondzone.cbec.models import TaxSettlement

    w = e2e_world
    two_released_orders(w)
    settlement.issue(actor=w.actor("customs"), enterprise_id=w.ent_a.pk, start="2026-03-01", end="2026-03-15",
                     idempotency_key="e2e-overdue")
    base = live_server.url
    page.set_viewport_size(PHONE)
    choose_language(page, base, language)
    log_in(page, base, "customs")
    page.goto(f"{base}/cbec/settlements/")
    page.check("form[data-testid=settlement-filters] input[name=overdue]")
    with page.expect_navigation():
        page.click("form[data-testid=settlement-filters] button[type=submit]")
    expect(page.locator("table[data-testid=settlements] [data-testid=overdue]")).to_have_text(overdue)
    assert fits(page)
    shot(page, f"cbec-settlement-overdue-{language}")
    with page.expect_navigation():
        page.locator("table[data-testid=settlements] form button[type=submit]").click()
    assert TaxSettlement.objects.get().status == "paid"
    page.goto(f"{base}/cbec/settlements/?overdue=1")
    expect(page.locator(".empty")).to_have_text(none)
    assert fits(page)
