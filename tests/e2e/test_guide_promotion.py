"""In a real browser, in both languages (Chinese at phone width): the public investment guide of a zone with
its sections, space table and PDF link; the promotion pipeline — a project moved one stage on its page,
then the conversion chart and table on the pipeline page show it."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from bondzone.governance import services as gov
from bondzone.servicedesk import services

from .test_list_flow import choose_language, log_in
from .test_pages import PHONE, shot

pytestmark = pytest.mark.e2e

TEXT = {
    "zh-hans": {"location": "顺义区，首都机场旁", "synthetic": "演示数据", "space": "可租空间", "contacted": "已接洽",
                "conversion": "各招商单位分阶段转化率", "lead": "线索"},
    "en": {"location": "Shunyi, beside Capital Airport", "synthetic": "Demo data", "space": "Available space",
           "contacted": "contacted", "conversion": "Conversion per promoting unit and stage", "lead": "lead"},
}
WIDTH = {"zh-hans": PHONE, "en": {"width": 1280, "height": 900}}


def _fits(page: Page) -> None:
    """Nothing wider than the window (tables scroll inside their own box)."""
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1, overflow


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_public_investment_guide(page: Page, live_server, e2e_world, language):
    w, t, base = e2e_world, TEXT[language], live_server.url
    v = services.write_guide(actor=w.actor("zone_a"), zone="TZ", data={
        "title": "天竺综保区投资指南", "title_en": "Tianzhu investment guide", "location": "顺义区，首都机场旁",
        "location_en": "Shunyi, beside Capital Airport", "industries": "医药、航材维修", "synthetic": True,
        "spaces": [{"building": "A1 保税仓库", "kind": "warehouse", "floor_area_m2": "1200.5", "rent": "1.80",
                    "bonded": True}]})
    services.publish_guide(actor=w.actor("zone_a"), version_id=v.pk)
    page.set_viewport_size(WIDTH[language])
    choose_language(page, base, language)  # not logged in: the public reads the published guide
    page.goto(f"{base}/services/guide/TZ/")
    expect(page.locator("h1")).to_contain_text("天竺综保区投资指南" if language == "zh-hans" else "Tianzhu investment guide")
    expect(page.locator("#synthetic-warning")).to_contain_text(t["synthetic"])
    expect(page.locator("#guide-location")).to_contain_text(t["location"])
    expect(page.locator("#guide-spaces h2")).to_have_text(t["space"])
    expect(page.locator("#guide-spaces")).to_contain_text("A1 保税仓库")
    _fits(page)
    shot(page, f"guide-public-{language}")
    pdf = page.request.get(base + page.locator("#guide-pdf").get_attribute("href"))
    assert pdf.status == 200 and pdf.body().startswith(b"%PDF")


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_move_a_project_and_see_the_conversion(page: Page, live_server, e2e_world, language):
    w, t, base = e2e_world, TEXT[language], live_server.url
    admin = w.actor("admin")
    unit = gov.create_unit(actor=admin, name="天竺综保区管委会", kind="zone_admin")
    gov.add_member(actor=admin, unit_id=unit.pk, user_id=w.users["zone_a"].pk)
    project = services.create_project(actor=w.actor("zone_a"), data={
        "name": "疫苗分拨中心", "industry": "医药", "planned_investment": "52000.50", "zone": "TZ", "unit_id": unit.pk})
    services.create_project(actor=w.actor("zone_a"), data={
        "name": "航材维修基地", "industry": "航空", "zone": "TZ", "unit_id": unit.pk})
    page.set_viewport_size(WIDTH[language])
    choose_language(page, base, language)
    log_in(page, base, "zone_a")
    page.goto(f"{base}/services/promotion/{project.pk}/")
    expect(page.locator("#project-stage")).to_have_text(t["lead"])
    page.select_option("#move-stage", "contacted")
    with page.expect_navigation():
        page.click("#do-move")
    expect(page.locator("#project-stage")).to_have_text(t["contacted"])
    expect(page.locator("#moves")).to_contain_text(t["contacted"])

    page.goto(f"{base}/services/promotion/")
    expect(page.get_by_role("heading", name=t["conversion"])).to_be_visible()
    # all units: 2 projects reached "lead", 1 of them "contacted" → 50 %
    first = page.locator("#conversion tbody tr").first
    expect(first.locator("td").nth(1)).to_contain_text("2")
    expect(first.locator("td").nth(1)).to_contain_text("50")
    expect(first.locator("td").nth(2)).to_contain_text("1")
    chart = page.locator("#chart-conversion canvas")  # ECharts drew the chart from the static script
    expect(chart.first).to_be_visible()
    box = page.locator("#chart-conversion").bounding_box()
    assert box is not None and box["width"] <= WIDTH[language]["width"]
    expect(page.locator("[data-testid=export-xlsx]")).to_be_visible()
    shot(page, f"promotion-conversion-{language}")
