"""The inspection form: a slip that carries no list has nothing a discrepancy could be found on (no inputs for one,
and one is refused), and a line no list of the slip has is refused naming the list by its number."""

from __future__ import annotations

import pytest

from bondzone.core.domain.errors import DomainError
from bondzone.gate import services

from .conftest import approved, empty_slip, report
from .test_pages_cli import client_for
from .test_posting import outbound, slip_for, stocked  # noqa: F401 (fixture)


def held_empty_vehicle(gw):
    slip = approved(gw, empty_slip())
    report(gw, weighbridge_kg="9500")  # heavier than an empty vehicle: held for inspection
    slip.refresh_from_db()
    assert slip.inspection == "pending"
    return slip


def test_a_slip_without_lists_offers_no_discrepancy_inputs(gw):
    slip = held_empty_vehicle(gw)
    c = client_for("customs_a")
    for page in (c.get(f"/gate/slips/{slip.pk}/").content.decode(), c.get("/gate/screen/feed/").content.decode()):
        assert f'action="/gate/slips/{slip.pk}/inspect/"' in page
        assert 'name="disc-seq"' not in page and 'name="disc-found"' not in page
        assert '<option value="discrepancy"' not in page


@pytest.mark.parametrize("result, rows, field", [("discrepancy", [], "result"),
                                                 ("conforms", [{"seq": 99, "found": "1"}], "discrepancies")])
def test_a_discrepancy_on_a_slip_without_lists_is_refused(gw, result, rows, field):
    slip = held_empty_vehicle(gw)
    with pytest.raises(DomainError) as exc:
        services.record_inspection(actor=gw.actor("customs"), slip_id=slip.pk, result=result, release=True,
                                   discrepancies=rows)
    assert [(p.field, p.code) for p in exc.value.problems] == [(field, "discrepancy_no_lists")]
    slip.refresh_from_db()
    assert slip.inspection == "pending"
    r = client_for("customs_a", "en").post(f"/gate/slips/{slip.pk}/inspect/", {
        "result": "discrepancy", "disc-seq": "99", "disc-found": "1", "release": "1"}, follow=True)
    page = r.content.decode()
    assert f'data-field="result">Release slip {slip.number} carries no verification list' in page
    assert "has no line" not in page
    r = client_for("customs_a").post(f"/gate/slips/{slip.pk}/inspect/", {"result": "discrepancy", "release": "1"},
                                     follow=True)
    assert f"核放单 {slip.number} 未关联核注清单" in r.content.decode()


def test_a_line_no_list_of_the_slip_has_is_refused_naming_the_list(stocked):  # noqa: F811
    gw = stocked
    vlist = outbound(gw, [(1, "30")])
    slip = approved(gw, slip_for([vlist]))
    report(gw, direction="E", weighbridge_kg="12000")
    r = client_for("customs_a").post(f"/gate/slips/{slip.pk}/inspect/", {
        "result": "discrepancy", "disc-seq": "99", "disc-found": "1", "release": "1"}, follow=True)
    page = r.content.decode()
    assert f'data-field="disc-seq">清单 {vlist.number} 没有第 99 项。' in page
