"""An enterprise clerk on a phone at 375 px, in Chinese and in English, opens an approved release slip that records
its electronic lock, sees the lock, and downloads the slip as the national system's SAS121 message: the file read
back gives the slip's number, vehicle, weights and list; nothing scrolls sideways."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from bondzone.gate import services as gate
from bondzone.gate.domain.messages import read_sas121
from bondzone.supervision import services as ledger

from ..conftest import key
from .test_leftover_items import NARROW_PHONE, fits
from .test_list_flow import choose_language, log_in
from .test_pages import shot

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_download_an_approved_slip_as_sas121_on_a_phone(page: Page, live_server, e2e_world, language):
    w = e2e_world
    owner, customs = w.actor("ent_a"), w.actor("customs")
    vlist = ledger.create_list(actor=owner, book_id=w.book_a.pk, idempotency_key=key(), data={
        "direction": "I", "trade_mode": "5034",
        "lines": [{"item_no": 1, "quantity": "10", "unit": "007", "value": "1000"}]})
    ledger.submit_list(actor=owner, list_id=vlist.pk, idempotency_key=key())
    vlist = ledger.approve_list(actor=customs, list_id=vlist.pk, idempotency_key=key())
    slip = gate.apply_slip(actor=owner, idempotency_key=key(), data={
        "slip_type": "2", "binding": "2", "direction": "I", "plate": "京A12345", "vehicle_wt": "8200",
        "frame_wt": "6500", "container_wt": "3800", "total_gross_wt": "14600", "elock_no": "EL0001",
        "lists": [vlist.pk]})
    slip = gate.approve_slip(actor=customs, slip_id=slip.pk, idempotency_key=key(), draw=None)
    base = live_server.url
    page.set_viewport_size(NARROW_PHONE)
    choose_language(page, base, language)
    log_in(page, base, "ent_a")
    page.goto(f"{base}/gate/slips/{slip.pk}/")
    expect(page.locator("[data-testid=slip-elock]")).to_have_text("EL0001")
    assert fits(page)
    shot(page, f"slip-sas121-{language}")
    with page.expect_download() as download:
        page.click("[data-testid=slip-sas121]")
    message = read_sas121(open(download.value.path(), "rb").read())
    head = message.head
    assert (head["etpsPreentNo"], head["vehicleNo"], head["ioTypecd"], head["passportTypecd"], head["bindTypecd"]) == (
        slip.number, "京A12345", "I", "2", "2")
    assert head["totalWt"] == "33100"  # 8200 + 6500 + 3800 + 14600 (domain-customs.md §3.5)
    assert (head["rltTbTypecd"], head["rltNo"]) == ("1", vlist.number)
    assert head["areainOriactNo"] == w.book_a.number
