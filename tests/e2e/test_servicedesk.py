"""In a real browser, in both languages: an enterprise files a service request, the customs unit it is
dispatched to signs and replies, and the enterprise rates the reply."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from bondzone.governance import services as gov
from bondzone.servicedesk import services

from .test_list_flow import choose_language, log_in, log_out

pytestmark = pytest.mark.e2e

TEXT = {
    "en": {"new": "File a request", "dispatched": "dispatched", "signed": "signed", "replied": "replied",
           "closed": "closed", "satisfied": "satisfied"},
    "zh-hans": {"new": "提出诉求", "dispatched": "已派单", "signed": "已签收", "replied": "已答复", "closed": "已办结",
                "satisfied": "满意"},
}


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_file_sign_reply_rate(page: Page, live_server, e2e_world, language):
    from ..servicedesk.conftest import cover_next_year

    cover_next_year()
    w, t, base = e2e_world, TEXT[language], live_server.url
    admin = w.actor("admin")
    unit = gov.create_unit(actor=admin, name="北京海关", kind="customs")
    gov.add_member(actor=admin, unit_id=unit.pk, user_id=w.users["customs_a"].pk)
    category = services.create_category(actor=admin, data={"code": "clearance", "name": "通关求助",
                                                           "default_unit_id": unit.pk})
    choose_language(page, base, language)
    log_in(page, base, "ent_a")
    page.goto(f"{base}/services/new/")
    expect(page.locator("h1")).to_have_text(t["new"])
    page.select_option("select[name=category_id]", str(category.pk))
    page.fill("input[name=title]", "保税维修货物出区")
    page.fill("textarea[name=description]", "请问出区需要哪些单证？")
    with page.expect_navigation():
        page.click("form.card button[type=submit]")
    expect(page.locator("#status")).to_have_text(t["dispatched"])
    url = page.url
    log_out(page)

    log_in(page, base, "customs_a")
    page.goto(url)
    with page.expect_navigation():
        page.click("#do-sign")
    expect(page.locator("#status")).to_have_text(t["signed"])
    page.fill("#reply-text", "凭核放单和维修合同办理。")
    with page.expect_navigation():
        page.click("#do-reply")
    expect(page.locator("#status")).to_have_text(t["replied"])
    log_out(page)

    log_in(page, base, "ent_a")
    page.goto(url)
    expect(page.locator("#reply")).to_contain_text("凭核放单")
    page.check("input[name=satisfaction][value=satisfied]")
    page.check("input[name=solved][value=yes]")
    with page.expect_navigation():
        page.click("#do-rate")
    expect(page.locator("#status")).to_have_text(t["closed"])
    expect(page.locator("#rating")).to_have_text(t["satisfied"])
    expect(page).to_have_url(re.compile(r"/services/requests/\d+/$"))
