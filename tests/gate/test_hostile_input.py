"""Hostile input at the gate (QA pass): each is a 400 naming its field, nothing written."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from bondzone.core.domain.errors import DomainError
from bondzone.gate.models import Passage, Slip

from .conftest import apply, empty_slip, report
from .test_api import EMPTY, client_for, gate_client, post, snapshot


def fields(exc: DomainError) -> list[tuple[str, str]]:
    return [(p.field, p.code) for p in exc.problems]


def event(**kw) -> dict:
    return {"event_id": "hostile-1", "plate": "京B55555", "direction": "E", "weighbridge_kg": "1000", **kw}


def test_a_weighbridge_reading_with_more_than_three_decimals_is_refused(gw):
    # the passage keeps kg to 3 decimals (DECIMAL(12, 3)): a finer reading would be answered with one
    # figure and stored (rounded) with another
    gate = gate_client(gw)
    before = snapshot()
    r = post(gate, "/api/v1/gate/events", event(weighbridge_kg="1000.0001"))
    assert r.status_code == 400, r.content
    assert [(e["field"], e["code"]) for e in r.json()["errors"]] == [("weighbridge_kg", "too_many_decimals")]
    assert snapshot() == before
    assert report(gw, plate="京B55555", weighbridge_kg="1000.125")[0]["outcome"] == "refuse"  # 3 decimals: fine


@pytest.mark.parametrize("containers, expected", [
    (["C" * 21], [("containers[1]", "too_long")]),
    ([f"CSQU{i:07d}" for i in range(11)], [("containers", "too_many_containers")]),
])
def test_a_gate_reading_of_containers_is_bounded(gw, containers, expected):
    before = Passage.objects.count()
    with pytest.raises(DomainError) as exc:
        report(gw, containers=containers)
    assert fields(exc.value) == expected
    assert Passage.objects.count() == before


def test_a_slip_takes_at_most_ten_containers(gw):
    containers = [f"CSQU{i:06d}" for i in range(11)]
    from stdnum import iso6346
    containers = [c + iso6346.calc_check_digit(c) for c in containers]
    with pytest.raises(DomainError) as exc:
        apply(gw, empty_slip(containers=containers))
    assert ("containers", "too_many_containers") in fields(exc.value)
    assert not Slip.objects.exists()


@pytest.mark.parametrize("seal", ["😀", "A\u0007B", "A\u202eB", "封志1"])
def test_a_seal_is_letters_digits_or_hyphens(gw, seal):
    gate = gate_client(gw)
    before = snapshot()
    r = post(client_for("ent_a"), "/api/v1/gate/slips", {**EMPTY, "seal": seal})
    assert r.status_code == 400, r.content
    assert [(e["field"], e["code"]) for e in r.json()["errors"]] == [("seal", "bad_seal")]
    r = post(gate, "/api/v1/gate/events", event(seal=seal))
    assert r.status_code == 400, r.content
    assert [(e["field"], e["code"]) for e in r.json()["errors"]] == [("seal", "bad_seal")]
    assert snapshot() == before
    assert apply(gw, empty_slip(seal="cn-0012")).seal == "CN-0012"


def test_a_gate_reading_of_an_ic_card_has_the_slips_format(gw):
    before = Passage.objects.count()
    with pytest.raises(DomainError) as exc:
        report(gw, ic_card="😀")
    assert fields(exc.value) == [("ic_card", "bad_ic_card")]
    assert Passage.objects.count() == before


def test_an_enterprise_cannot_apply_in_another_enterprises_name(gw):
    before = snapshot()
    r = post(client_for("ent_a"), "/api/v1/gate/slips", {**EMPTY, "enterprise_id": gw.world.ent_b.pk})
    assert r.status_code == 400, r.content  # as an enterprise id it may not see (get_scoped's refusal)
    assert [(e["field"], e["code"]) for e in r.json()["errors"]] == [("enterprise_id", "not_found")]
    assert snapshot() == before
    r = post(client_for("ent_a"), "/api/v1/gate/slips", {**EMPTY, "enterprise_id": gw.world.ent_a.pk})
    assert r.status_code == 201, r.content


@pytest.mark.parametrize("found, code", [("1e30", "decimal_too_large"), ("1e400", "decimal_too_large"),
                                         ("1.000001", "too_many_decimals")])
def test_a_huge_quantity_found_at_inspection_is_refused_on_its_field(gw, found, code):
    # 1e30 could not be rounded to 5 places (decimal.InvalidOperation: a 500 on the API, a traceback on the CLI)
    from bondzone.gate import services

    from ..conftest import key, post_list
    from .conftest import approved
    from .test_posting import slip_for

    post_list(gw.world, direction="I", lines=[(1, "100")])
    vlist = post_list(gw.world, direction="E", lines=[(1, "30")], passed=False)
    slip = approved(gw, slip_for([vlist]))
    assert report(gw, direction="E", weighbridge_kg="12000")[0]["outcome"] == "hold"
    before = snapshot()
    r = post(client_for("customs_a"), f"/api/v1/gate/slips/{slip.pk}/inspection",
             {"result": "discrepancy", "release": True, "discrepancies": [{"seq": 1, "found": found}]})
    assert r.status_code == 400, r.content
    assert [(e["field"], e["code"]) for e in r.json()["errors"]] == [("discrepancies[1].found", code)]
    assert snapshot() == before
    services.record_inspection(actor=gw.actor("customs"), slip_id=slip.pk, result="discrepancy", release=True,
                               discrepancies=[{"seq": 1, "found": "29.5"}])
    assert key()  # (the fixture helpers' idempotency keys stay unique)


@pytest.mark.parametrize("value", ["maybe", "2", "enabled"])
def test_a_switch_that_is_neither_on_nor_off_is_refused_not_turned_off(gw, world, value):
    from io import StringIO

    from django.core.management import CommandError, call_command

    from bondzone.gate import services
    from bondzone.gate.models import GateSettings

    services.update_settings(actor=gw.actor("customs"), zone_id=world.zone_a.pk, data={"check_elock": "on"})
    with pytest.raises(DomainError) as exc:
        services.update_settings(actor=gw.actor("customs"), zone_id=world.zone_a.pk, data={"check_elock": value})
    assert fields(exc.value) == [("check_elock", "bad_choice")]
    with pytest.raises(CommandError, match="check_elock"):
        call_command("gate_admin", "settings", zone=world.zone_a.pk, set=[f"check_elock={value}"], user="customs",
                     stdout=StringIO())
    assert GateSettings.objects.get(zone=world.zone_a).check_elock is True
    for off in ("off", "0", "false", "no", ""):
        assert services.update_settings(actor=gw.actor("customs"), zone_id=world.zone_a.pk,
                                        data={"check_elock": off}).check_elock is False


def test_a_refused_inspection_keeps_what_the_officer_typed_under_each_input(gw):
    from ..conftest import post_list
    from .conftest import approved
    from .test_pages_cli import client_for as page_client
    from .test_posting import slip_for

    post_list(gw.world, direction="I", lines=[(1, "100")])
    vlist = post_list(gw.world, direction="E", lines=[(1, "30")], passed=False)
    slip = approved(gw, slip_for([vlist]))
    assert report(gw, direction="E", weighbridge_kg="12000")[0]["outcome"] == "hold"
    c = page_client("customs_a", "en")
    r = c.post(f"/gate/slips/{slip.pk}/inspect/", {"result": "discrepancy", "disc-seq": "1", "disc-found": "1e30",
                                                   "note": "少货", "release": "1"}, follow=True)
    body = r.content.decode()
    assert r.status_code == 200 and "correct the marked fields" in body
    assert 'value="discrepancy" selected' in body and 'name="disc-seq" size="4"' in body
    assert 'value="1e30" aria-invalid="true"' in body and f'id="inspect-{slip.pk}-disc-found-error"' in body
    assert 'name="note" maxlength="500" value="少货"' in body
    slip.refresh_from_db()
    assert slip.inspection == "pending"


def test_another_zone_or_enterprise_is_named_in_the_language_of_the_request(gw, world):
    # the refusal named the object "zone" / "enterprise" on the Chinese page and in the zh API answer
    r = client_for("customs_a").patch(f"/api/v1/gate/settings/{world.zone_b.pk}", {"random_rate_pct": "1"},
                                      content_type="application/json", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert r.status_code == 404 and "zone" not in r.json()["errors"][0]["message"]
    assert "综保区" in r.json()["errors"][0]["message"]
    r = post(client_for("ent_a"), "/api/v1/gate/slips", {**EMPTY, "enterprise_id": world.ent_b.pk},
             HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "enterprise" not in r.json()["errors"][0]["message"] and "企业" in r.json()["errors"][0]["message"]


def test_line_quantities_without_a_list_are_refused_not_dropped(gw):
    # an empty vehicle (type 6) with a line share was applied for and the share silently dropped
    before = snapshot()
    r = post(client_for("ent_a"), "/api/v1/gate/slips", {**EMPTY, "lines": [{"seq": 1, "quantity": "5"}]})
    assert r.status_code == 400, r.content
    assert [(e["field"], e["code"]) for e in r.json()["errors"]] == [("lines", "lines_without_list")]
    assert snapshot() == before


def test_a_list_the_enterprise_may_not_see_is_named_in_chinese(gw):
    r = post(client_for("ent_a"), "/api/v1/gate/slips", {**EMPTY, "slip_type": "2", "total_gross_wt": "10",
                                                           "lists": [999]}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert r.status_code == 400
    assert [e["message"] for e in r.json()["errors"]] == ["没有您可查看的编号为 999 的核注清单。"]


HUGE = "9" * 23  # beyond BIGINT: SQLite cannot bind it (OverflowError, a 500 before)


def test_a_slip_naming_a_list_id_beyond_bigint_is_refused_on_its_field(gw):
    before = snapshot()
    r = post(client_for("ent_a"), "/api/v1/gate/slips", {**EMPTY, "slip_type": "2", "lists": [int(HUGE)]})
    assert r.status_code == 400, r.content
    assert ("lists[1]", "out_of_range") in [(e["field"], e["code"]) for e in r.json()["errors"]]
    assert snapshot() == before


@pytest.mark.parametrize("value", ["1e30", "100000000"])
def test_a_tolerance_in_kg_beyond_its_column_is_refused_not_a_500(gw, world, value):
    from bondzone.gate.models import GateSettings
    before = list(GateSettings.objects.values_list("weight_tolerance_kg", flat=True))
    c = client_for("customs_a")
    r = c.patch(f"/api/v1/gate/settings/{world.zone_a.pk}", json.dumps({"weight_tolerance_kg": value}),
                content_type="application/json")
    assert r.status_code == 400, r.content
    assert [(e["field"], e["code"]) for e in r.json()["errors"]] == [("weight_tolerance_kg", "amount_too_large")]
    r = c.post(f"/gate/settings/{world.zone_a.pk}/", {"weight_tolerance_kg": value}, follow=True)
    assert r.status_code == 200 and str(Decimal(value)) in r.content.decode()  # the refusal, on the page
    assert list(GateSettings.objects.values_list("weight_tolerance_kg", flat=True)) == before



@pytest.mark.parametrize("lists, code", [(HUGE, "out_of_range"), ("１２３", "not_an_integer"), ("12, ٣", "not_an_integer")])
def test_a_list_typed_on_the_slip_form_that_cannot_be_an_id_is_named_not_looked_up(gw, lists, code):
    # the page and the CLI give the lists as text: 23 digits overflowed SQLite (a 500 on the page); full-width
    # digits were read as list 123
    before = snapshot()
    with pytest.raises(DomainError) as exc:
        apply(gw, empty_slip(slip_type="3", lists=lists))
    assert (f"lists[{lists.count(',') + 1}]", code) in fields(exc.value)
    assert snapshot() == before
