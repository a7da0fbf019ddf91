"""Customs on an H book's page at 375 px, in Chinese and in English: a refused BOM approval is shown on the BOM's
row, a refused write-off request under its input with the dates kept, and the write-off names the stock-take that
explains a difference in words, linked — and nothing scrolls sideways."""

from __future__ import annotations

import uuid

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from bondzone.processing import services
from bondzone.processing.models import WriteOff

from ..processing.conftest import bom_data, stocked_h_book
from .test_leftover_items import NARROW_PHONE, fits
from .test_list_flow import choose_language, log_in
from .test_pages import shot

pytestmark = pytest.mark.e2e

TEXT = {"zh-hans": {"take": "盘点 #"}, "en": {"take": "Stock-take #"}}


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_processing_refusals_on_a_phone(page: Page, live_server, e2e_world, language):
    h, base, today = stocked_h_book(e2e_world), live_server.url, timezone.localdate().isoformat()
    ent, customs = h.actor("ent_a"), h.actor("customs")
    v1 = services.declare_bom(actor=ent, book_id=h.book.pk, data=bom_data())
    services.decide_bom(actor=customs, bom_id=v1.pk, approve=True)
    v2 = services.declare_bom(actor=ent, book_id=h.book.pk, data=bom_data(version="V2"))
    take = services.take_stock(actor=ent, book_id=h.book.pk, idempotency_key=uuid.uuid4().hex,
                               data={"tolerance_pct": "5", "counts": [{"item_no": 1, "counted": "99"}]})
    page.set_viewport_size(NARROW_PHONE)
    choose_language(page, base, language)
    log_in(page, base, "customs")

    page.goto(f"{base}/processing/books/{h.book.pk}/")
    with page.expect_navigation():
        page.locator("[data-testid=approve-bom]").click()
    refusal = page.locator(f"#bom-{v2.pk}-valid_from-error")  # beside the buttons clicked, in the BOM's row
    refusal.scroll_into_view_if_needed()
    expect(refusal).to_be_in_viewport()
    assert fits(page)
    shot(page, f"processing-bom-decision-refused-{language}")

    page.fill("input[name=period_start]", today)
    page.fill("input[name=period_end]", "2020-01-01")
    with page.expect_navigation():
        page.get_by_role("button", name="开始核销" if language == "zh-hans" else "Start write-off").click()
    expect(page.locator("#writeoff-period_end-error")).to_be_visible()
    expect(page.locator("input[name=period_start]")).to_have_value(today)
    expect(page.locator("input[name=period_end]")).to_have_attribute("aria-invalid", "true")
    assert fits(page) and not WriteOff.objects.exists()
    shot(page, f"processing-writeoff-refused-{language}")

    job = services.request_writeoff(actor=customs, book_id=h.book.pk, period_start=today, period_end=today)
    services.run_writeoff(job.pk)
    page.goto(f"{base}/processing/writeoffs/{job.pk}/")
    link = page.locator(f"[data-document='stocktake:{take.pk}']")
    expect(link).to_have_text(f"{TEXT[language]['take']}{take.pk}")
    assert fits(page)
    shot(page, f"processing-writeoff-explained-{language}")
    with page.expect_navigation():
        link.click()
    assert page.url.endswith(f"/processing/stocktakes/{take.pk}/")
