"""In a real browser, in both languages at phone width: customs works through the approval queue — approve
and open the next, then a batch approval that asks for confirmation first (ui.js; the CSP allows no inline
script)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from bondzone.supervision import services
from bondzone.supervision.models import VerificationList

from ..conftest import key
from .test_list_flow import choose_language, log_in
from .test_pages import PHONE, shot

pytestmark = pytest.mark.e2e


def submitted(world, item_no: int) -> VerificationList:
    owner = world.actor("ent_a")
    data = {"direction": "I", "trade_mode": "5034",
            "lines": [{"item_no": item_no, "quantity": "2", "unit": "007", "goods_status": "bonded", "value": "10"}]}
    vlist = services.create_list(actor=owner, book_id=world.book_a.pk, data=data, idempotency_key=key())
    services.submit_list(actor=owner, list_id=vlist.pk, idempotency_key=key())
    return VerificationList.objects.get(pk=vlist.pk)


ASKS = {"zh-hans": "审核通过所选清单", "en": "Approve the selected lists"}


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_approve_and_open_the_next_then_batch_approve(page: Page, live_server, e2e_world, language):
    base = live_server.url
    first, second, third, fourth = (submitted(e2e_world, 1) for _ in range(4))
    page.set_viewport_size(PHONE)
    choose_language(page, base, language)
    log_in(page, base, "customs")
    expect(page).to_have_url(f"{base}/supervision/queue/")  # customs lands on its work

    page.goto(f"{base}/supervision/queue/")
    expect(page.locator("[data-testid=queue-row]")).to_have_count(4)
    with page.expect_navigation():
        page.click(f"text={first.display_number}")
    page.once("dialog", lambda dialog: dialog.accept())  # the approval asks first
    with page.expect_navigation():
        page.click("[data-testid=approve-and-next]")
    expect(page.locator("[data-testid=list-number]")).to_have_text(second.display_number)
    assert VerificationList.objects.get(pk=first.pk).status == "approved"

    page.goto(f"{base}/supervision/queue/")
    page.check(f"input[name=list_id][value='{third.pk}']")
    page.check(f"input[name=list_id][value='{fourth.pk}']")
    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    page.click("[data-testid=approve-selected]")
    assert len(asked) == 1 and ASKS[language] in asked[0]  # dismissed: not sent, the page and its ticks stay
    shot(page, f"queue-batch-{language}")
    expect(page.locator(f"input[name=list_id][value='{third.pk}']")).to_be_checked()
    assert VerificationList.objects.get(pk=third.pk).status == "submitted"

    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    with page.expect_navigation():
        page.click("[data-testid=approve-selected]")
    assert len(asked) == 2
    expect(page.locator("[data-testid=queue-row]")).to_have_count(1)
    assert {v.status for v in VerificationList.objects.filter(pk__in=[third.pk, fourth.pk])} == {"approved"}

    with page.expect_navigation():
        page.click(f"text={second.display_number}")
    page.once("dialog", lambda dialog: dialog.accept())  # the approval asks first
    with page.expect_navigation():
        page.click("[data-testid=approve-and-next]")
    expect(page).to_have_url(f"{base}/supervision/queue/")
    expect(page.locator(".empty")).to_be_visible()
