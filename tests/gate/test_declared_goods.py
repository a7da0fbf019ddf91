"""The gate reads what a list line declared (HS code, name), not the book item as a later 备案变更 left it."""

from django.test import Client

from bondzone.gate import services
from bondzone.supervision import services as ledger

from ..conftest import PASSWORD, key, post_list
from .conftest import approved
from .test_posting import slip_for, stocked  # noqa: F401


def test_inspection_risk_and_the_slip_page_read_the_lines_declared_goods(stocked):  # noqa: F811
    gw = stocked
    services.update_settings(actor=gw.actor("customs"), zone_id=gw.world.zone_a.pk, data={"risk_hs_chapters": "74"})
    declared_84 = post_list(gw.world, direction="E", lines=[(1, "5")], passed=False)
    ledger.change_item(actor=gw.actor("customs"), book_id=gw.world.book_a.pk, item_no=1,
                       data={"hs_code": "7409110000", "name_zh": "铜板"}, idempotency_key=key())
    slip = approved(gw, slip_for([declared_84]))
    assert slip.inspection == "not_selected"  # the list declared chapter 84
    c = Client()
    assert c.login(username="ent_a", password=PASSWORD)
    page = c.get(f"/gate/slips/{slip.pk}/").content.decode()
    assert "商品1" in page and "铜板" not in page
    declared_74 = post_list(gw.world, direction="E", lines=[(1, "5")], passed=False)
    again = approved(gw, slip_for([declared_74], plate="京A22222"))
    assert again.inspection == "pending" and again.inspection_record.reasons[0]["code"] == "risk_hs_chapter"
