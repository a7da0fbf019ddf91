"""Double-gate mode (双卡): 一卡 checks the vehicle (已过一卡, nothing posted), 二卡 completes the passage and
posts (已过二卡 = passed). A zone setting; each gate knows its stage."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from bondzone.core.actor import actor_of
from bondzone.core.domain.errors import DomainError
from bondzone.gate import services
from bondzone.gate.models import Passage

from ..conftest import key, post_list
from .conftest import approved
from .test_posting import account, outbound, slip_for


@pytest.fixture
def two(gw):
    post_list(gw.world, direction="I", lines=[(1, "100")])
    second = services.create_gate(actor=gw.actor("customs"), zone_id=gw.world.zone_a.pk, code="G2", name="二卡", stage=2)
    return gw, actor_of(second.user)


def at(gate_actor, **kw):
    data = {"event_id": key(), "plate": "京A12345", "direction": "E", "weighbridge_kg": "8500", **kw}
    return services.report_passage(actor=gate_actor, data=data)[0]


def double(gw):
    services.update_settings(actor=gw.actor("customs"), zone_id=gw.world.zone_a.pk, data={"double_gate": "1"})


def test_first_gate_checks_second_gate_posts(two):
    gw, second = two
    double(gw)
    slip = approved(gw, slip_for([outbound(gw, [(1, "30")])]))
    first = at(gw.gate_actor)
    assert (first["outcome"], first["posted"], first["stage"]) == ("pass", False, 1)
    slip.refresh_from_db()
    assert slip.status == "passed_first" and slip.first_passed_at and account(gw).posted == D("100")
    assert [r["code"] for r in at(gw.gate_actor)["reasons"]] == ["slip_used"]  # 一卡 once
    done = at(second, weighbridge_kg="9900")  # weighed at 一卡: not again
    assert (done["outcome"], done["posted"], done["stage"]) == ("pass", True, 2)
    slip.refresh_from_db()
    assert slip.status == "passed" and (account(gw).posted, account(gw).reserved) == (D("70"), D("0"))
    assert [r["code"] for r in at(second)["reasons"]] == ["slip_used"]
    assert account(gw).posted == D("70")


def test_second_gate_before_the_first_is_refused_and_posts_nothing(two):
    gw, second = two
    double(gw)
    slip = approved(gw, slip_for([outbound(gw, [(1, "30")])]))
    answer = at(second)
    assert answer["outcome"] == "refuse" and [r["code"] for r in answer["reasons"]] == ["first_gate_not_passed"]
    slip.refresh_from_db()
    assert slip.status == "approved" and account(gw).posted == D("100") and not Passage.objects.get().posted


def test_first_gate_still_holds_for_weight(two):
    gw, second = two
    double(gw)
    slip = approved(gw, slip_for([outbound(gw, [(1, "30")])]))
    assert at(gw.gate_actor, weighbridge_kg="12000")["outcome"] == "hold"
    slip.refresh_from_db()
    assert slip.status == "approved" and slip.inspection == "pending"


def test_single_gate_mode_ignores_the_stage(two):
    gw, second = two
    slip = approved(gw, slip_for([outbound(gw, [(1, "30")])]))
    answer = at(second)
    assert answer["outcome"] == "pass" and answer["posted"] and "stage" not in answer
    slip.refresh_from_db()
    assert slip.status == "passed" and account(gw).posted == D("70")


def test_gate_stage_is_checked(gw):
    with pytest.raises(DomainError) as exc:
        services.create_gate(actor=gw.actor("customs"), zone_id=gw.world.zone_a.pk, code="G3", name="x", stage="3")
    assert [(p.field, p.code) for p in exc.value.problems] == [("stage", "bad_choice")]


def test_double_gate_is_a_zone_setting_over_the_api_and_page(gw):
    import json

    from django.test import Client

    from ..conftest import PASSWORD

    c = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert c.login(username="customs_a", password=PASSWORD)
    zone = gw.world.zone_a.pk
    r = c.patch(f"/api/v1/gate/settings/{zone}", json.dumps({"double_gate": True}), content_type="application/json")
    assert r.status_code == 200 and r.json()["double_gate"] is True
    r = c.post("/api/v1/gate/gates", json.dumps({"zone_id": zone, "code": "G2", "name": "二卡", "stage": 2}),
               content_type="application/json")
    assert r.status_code == 201 and r.json()["stage"] == 2
    page = c.get(f"/gate/settings/{zone}/").content.decode()
    assert "双卡模式" in page and "二卡" in page
    c.post(f"/gate/settings/{zone}/", {"weight_tolerance_pct": "3", "weight_tolerance_kg": "50",
                                       "empty_tolerance_kg": "100", "slip_valid_hours": "72", "random_rate_pct": "0"})
    assert c.get(f"/api/v1/gate/settings/{zone}").json()["double_gate"] is False  # unchecked box: off
