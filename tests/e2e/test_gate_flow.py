"""In a real browser, in both languages: an enterprise declares a list, customs approves it (reserved),
the enterprise applies for a release slip, customs approves it, the gate reports the vehicle (its own
token, over the API) and the book's stock changes; then a production report consumes materials."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from bondzone.gate import services as gate
from bondzone.processing import services as processing
from bondzone.supervision import services as ledger
from bondzone.supervision.models import StockAccount, VerificationList

from ..conftest import key
from .test_list_flow import choose_language, log_in, log_out

pytestmark = pytest.mark.e2e

TEXT = {
    "zh-hans": {"approved": "已审批", "passed": "已过卡", "apply": "申请核放单", "pass": "放行"},
    "en": {"approved": "approved", "passed": "passed", "apply": "Apply for a release slip", "pass": "pass"},
}


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_declare_approve_slip_gate_pass_and_stock(page: Page, live_server, e2e_world, language):
    base, t, world = live_server.url, TEXT[language], e2e_world
    customs = world.actor("customs")
    gate_row = gate.create_gate(actor=customs, zone_id=world.zone_a.pk, code="G1", name="东卡口")
    token = gate.issue_gate_token(actor=customs, gate_id=gate_row.pk)
    choose_language(page, base, language)

    log_in(page, base, "ent_a")
    page.goto(f"{base}/supervision/lists/new/")
    page.select_option("#direction", "I")
    page.select_option("#trade_mode", "5034")
    page.fill("input[name=line-item_no]", "1")
    page.fill("input[name=line-quantity]", "10")
    page.select_option("select[name=line-unit]", "007")
    page.fill("input[name=line-value]", "1000")
    with page.expect_navigation():
        page.click("[data-testid=save-list]")
    number = page.locator("[data-testid=list-number]").inner_text()
    with page.expect_navigation():
        page.click("[data-testid=submit-list]")
    log_out(page)

    log_in(page, base, "customs")
    page.goto(f"{base}/supervision/queue/")
    with page.expect_navigation():
        page.click(f"text={number}")
    page.once("dialog", lambda dialog: dialog.accept())  # the approval asks first
    with page.expect_navigation():
        page.click("[data-testid=approve-list]")
    log_out(page)
    vlist = VerificationList.objects.get(pre_entry_no=number)  # the list number (清单编号) is given at approval
    assert vlist.posting_state == "reserved"

    log_in(page, base, "ent_a")
    page.goto(f"{base}/gate/slips/new/")
    expect(page.locator("h1")).to_have_text(t["apply"])
    page.select_option("#slip_type", "2")
    page.select_option("#binding", "2")
    page.select_option("#direction", "I")
    page.fill("#lists", str(vlist.pk))
    page.fill("#plate", "京A12345")
    page.fill("#vehicle_wt", "8200")
    page.fill("#total_gross_wt", "500")
    with page.expect_navigation():
        page.click("[data-testid=apply-slip]")
    slip_number = page.locator("[data-testid=slip-number]").inner_text()
    slip_url = page.url
    log_out(page)

    log_in(page, base, "customs")
    page.goto(slip_url)
    with page.expect_navigation():
        page.click("[data-testid=approve-slip]")
    expect(page.locator("[data-testid=slip-status]")).to_have_text(t["approved"])

    response = page.request.post(f"{base}/api/v1/gate/events", headers={"Authorization": f"Bearer {token}"}, data={
        "event_id": "cam-0001", "plate": "京A12345", "direction": "I", "weighbridge_kg": "8690"})
    assert response.ok and response.json()["outcome"] == "pass" and response.json()["slip"] == slip_number

    page.goto(f"{base}/gate/screen/")
    expect(page.locator("[data-testid=outcome]").first).to_have_text(t["pass"])
    page.goto(slip_url)
    expect(page.locator("[data-testid=slip-status]")).to_have_text(t["passed"])
    page.goto(f"{base}/supervision/books/{world.book_a.pk}/")
    expect(page.locator("tr[data-item='1'][data-status='bonded'] [data-testid=posted]")).to_have_text("10")
    assert StockAccount.objects.get(book=world.book_a, item__item_no=1, goods_status="bonded").posted == 10


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_production_report_consumes_materials(page: Page, live_server, e2e_world, language):
    base, world = live_server.url, e2e_world
    customs, owner = world.actor("customs"), world.actor("ent_a")
    today = timezone.localdate()
    book = ledger.create_book(actor=customs, enterprise_id=world.ent_a.pk, number="H01101000009", kind="H",
                              valid_from=today - timedelta(days=30), valid_until=today + timedelta(days=300),
                              processing_kind="imported")
    for item_no, kind, unit in ((1, "I", "035"), (10, "E", "007")):
        ledger.add_item(actor=customs, book_id=book.pk, data={"item_no": item_no, "kind": kind, "hs_code": "7408110000",
                                                              "name_zh": "x", "declared_unit": unit, "legal_unit": unit})
    data = {"direction": "I", "trade_mode": "5015", "item_kind": "I",
            "lines": [{"item_no": 1, "quantity": "100", "unit": "035", "value": "1.00"}]}
    v = ledger.create_list(actor=owner, book_id=book.pk, data=data, idempotency_key=key())
    ledger.submit_list(actor=owner, list_id=v.pk, idempotency_key=key())
    ledger.approve_list(actor=customs, list_id=v.pk, idempotency_key=key())
    ledger.pass_goods(actor=customs, list_id=v.pk, event_id=key(), idempotency_key=key())
    bom = processing.declare_bom(actor=owner, book_id=book.pk, data={
        "finished_no": 10, "version": "V1", "valid_from": (today - timedelta(days=1)).isoformat(),
        "lines": [{"material_no": 1, "net": "1.8", "loss_pct": "10"}]})
    processing.decide_bom(actor=customs, bom_id=bom.pk, approve=True)

    choose_language(page, base, language)
    log_in(page, base, "ent_a")
    page.goto(f"{base}/processing/books/{book.pk}/")
    page.locator("details:has([data-testid=report-production]) summary").click()
    page.locator('input[name="outputs[1].item_no"]').fill("10")
    page.locator('input[name="outputs[1].quantity"]').fill("5")
    with page.expect_navigation():
        page.click("[data-testid=report-production]")
    expect(page.locator("[data-testid=consumed]").first).to_have_text("1: 10")
    assert StockAccount.objects.get(book=book, item__item_no=1, goods_status="bonded").posted == 90
    assert StockAccount.objects.get(book=book, item__item_no=10, goods_status="bonded").posted == 5


def _reserved_inbound(world, quantity: str = "10") -> VerificationList:
    """An inbound list approved by customs: its goods are reserved until the gate passes them."""
    from ..conftest import post_list

    return post_list(world, direction="I", lines=[(1, quantity)], passed=False)


def _approved_slip(world, vlist, plate: str):
    customs = world.actor("customs")
    slip = gate.apply_slip(actor=world.actor("ent_a"), idempotency_key=key(), data={
        "slip_type": "2", "binding": "2", "direction": "I", "plate": plate, "vehicle_wt": "8200",
        "total_gross_wt": "500", "lists": [vlist.pk]})
    return gate.approve_slip(actor=customs, slip_id=slip.pk, idempotency_key=key(), draw=Decimal(99))


INSPECTION = {
    "zh-hans": {"released": "已查验放行", "passed": "已过卡"},
    "en": {"released": "inspected, released", "passed": "passed"},
}


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_inspection_discrepancy_is_recorded_and_the_gate_posts_what_was_found(page: Page, live_server, e2e_world,
                                                                              language):
    base, t, world = live_server.url, INSPECTION[language], e2e_world
    customs = world.actor("customs")
    gate_row = gate.create_gate(actor=customs, zone_id=world.zone_a.pk, code="G1", name="东卡口")
    token = gate.issue_gate_token(actor=customs, gate_id=gate_row.pk)
    slip = _approved_slip(world, _reserved_inbound(world), "京A22345")
    headers = {"Authorization": f"Bearer {token}"}
    choose_language(page, base, language)
    log_in(page, base, "customs")

    held = page.request.post(f"{base}/api/v1/gate/events", headers=headers, data={
        "event_id": "cam-h-1", "plate": "京A22345", "direction": "I", "weighbridge_kg": "9900"})
    assert held.json()["outcome"] == "hold"
    assert [r["code"] for r in held.json()["reasons"]] == ["weight_outside_tolerance"]
    page.goto(f"{base}/gate/screen/")
    expect(page.locator("[data-testid=vehicle]").first).to_contain_text("京A22345")

    page.goto(f"{base}/gate/slips/{slip.pk}/")
    form = page.locator("form.inspect-form")
    form.locator("select[name=result]").select_option("discrepancy")
    form.locator("input[name=disc-seq]").fill("1")
    form.locator("input[name=disc-found]").fill("8")
    form.locator("input[name=note]").fill("少2件")
    with page.expect_navigation():
        form.locator("[data-testid=release]").click()
    expect(page.locator("[data-testid=slip-inspection]")).to_have_text(t["released"])
    expect(page.locator("[data-testid=found]").first).to_have_text("8")

    passed = page.request.post(f"{base}/api/v1/gate/events", headers=headers, data={
        "event_id": "cam-h-2", "plate": "京A22345", "direction": "I", "weighbridge_kg": "9900"})
    assert passed.json()["outcome"] == "pass"  # inspected once: not weighed again
    page.goto(f"{base}/gate/slips/{slip.pk}/")
    expect(page.locator("[data-testid=slip-status]")).to_have_text(t["passed"])
    page.goto(f"{base}/supervision/books/{world.book_a.pk}/")
    expect(page.locator("tr[data-item='1'][data-status='bonded'] [data-testid=posted]")).to_have_text("8")
    assert StockAccount.objects.get(book=world.book_a, item__item_no=1, goods_status="bonded").posted == 8


DOUBLE = {
    "zh-hans": {"first": "已过一卡", "passed": "已过卡"},
    "en": {"first": "passed the first gate", "passed": "passed"},
}


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_double_gate_first_gate_checks_second_gate_posts(page: Page, live_server, e2e_world, language):
    base, t, world = live_server.url, DOUBLE[language], e2e_world
    customs = world.actor("customs")
    first = gate.create_gate(actor=customs, zone_id=world.zone_a.pk, code="G1", name="一卡", stage=1)
    second = gate.create_gate(actor=customs, zone_id=world.zone_a.pk, code="G2", name="二卡", stage=2)
    tokens = [gate.issue_gate_token(actor=customs, gate_id=g.pk) for g in (first, second)]
    slip = _approved_slip(world, _reserved_inbound(world), "京A32345")
    choose_language(page, base, language)
    log_in(page, base, "customs")

    page.goto(f"{base}/gate/settings/{world.zone_a.pk}/")
    page.check("input[name=double_gate]")
    with page.expect_navigation():
        page.click("form.card button[type=submit]")
    page.goto(f"{base}/gate/settings/{world.zone_a.pk}/")
    expect(page.locator("input[name=double_gate]")).to_be_checked()

    def report(n: int, event_id: str):
        response = page.request.post(f"{base}/api/v1/gate/events", headers={"Authorization": f"Bearer {tokens[n]}"},
                                     data={"event_id": event_id, "plate": "京A32345", "direction": "I",
                                           "weighbridge_kg": "8690"})
        assert response.ok
        return response.json()

    early = report(1, "g2-early")  # 二卡 before 一卡: refused, nothing posted
    assert early["outcome"] == "refuse" and [r["code"] for r in early["reasons"]] == ["first_gate_not_passed"]
    answer = report(0, "g1-1")
    assert (answer["outcome"], answer["stage"], answer["posted"]) == ("pass", 1, False)
    page.goto(f"{base}/gate/slips/{slip.pk}/")
    expect(page.locator("[data-testid=slip-status]")).to_have_text(t["first"])
    assert not StockAccount.objects.filter(book=world.book_a, item__item_no=1, goods_status="bonded", posted__gt=0).exists()

    answer = report(1, "g2-1")
    assert (answer["outcome"], answer["stage"], answer["posted"]) == ("pass", 2, True)
    assert report(1, "g2-1") == {**answer, "replayed": True}  # a repeated event: the first answer, no posting
    page.goto(f"{base}/gate/slips/{slip.pk}/")
    expect(page.locator("[data-testid=slip-status]")).to_have_text(t["passed"])
    page.goto(f"{base}/gate/screen/")
    expect(page.locator("[data-testid=vehicle]").first).to_contain_text("京A32345")
    page.goto(f"{base}/supervision/books/{world.book_a.pk}/")
    expect(page.locator("tr[data-item='1'][data-status='bonded'] [data-testid=posted]")).to_have_text("10")
