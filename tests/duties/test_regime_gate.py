"""Regimes tied to the gate: the goods leave on a release slip carrying the regime's out list; back lists are
linked; when their slips pass the gate inwards the regime closes (all back) or its duty at risk and
guarantee part shrink (part back). Through the gate's selectors only."""

from __future__ import annotations

import json
from decimal import Decimal as D

import pytest
from django.core.management import call_command

from bondzone.core.domain.errors import DomainError
from bondzone.core.models import AuditEvent
from bondzone.duties import services
from bondzone.duties.models import Guarantee, Regime, RegimeList
from tests.conftest import PASSWORD, key, post_list
from tests.gate.conftest import approved, gw, report  # noqa: F401

from .test_regimes import guarantee, item, open_, rates  # noqa: F401


def slip(vlist, direction, plate="京A12345"):
    return {"slip_type": "2", "binding": "2", "direction": direction, "plate": plate, "vehicle_wt": "8000",
            "total_gross_wt": "500", "lists": [vlist.pk]}


def through_gate(gw, vlist, direction):  # noqa: F811
    approved(gw, slip(vlist, direction))
    answer, _ = report(gw, direction=direction, weighbridge_kg="8500")
    assert answer["outcome"] == "pass", answer


@pytest.fixture
def out_regime(gw, rates):  # noqa: F811
    world = gw.world
    out = post_list(world, direction="E", lines=[(1, "4")], passed=False)
    through_gate(gw, out, "E")
    g = guarantee(world, amount="5000.00")
    r = open_(world, g=g, out_lists=[out.pk],
              lines=[{"item_id": item(world.book_a).pk, "quantity": "4", "customs_value": "12000.00"}])
    return r, g


def link(world, r, role, vlist, user="ent_a"):
    return services.link_regime_lists(actor=world.actor(user), regime_id=r.pk, idempotency_key=key(),
                                      data={"role": role, "lists": [vlist.pk]})


def test_part_then_all_back_through_the_gate(gw, out_regime):  # noqa: F811
    world = gw.world
    r, g = out_regime
    duty = r.duty_at_risk  # 12,000 × 10 % = 1,200; VAT (12,000 + 1,200) × 13 % = 1,716 → 2,916.00
    assert duty == D("2916.00") and r.guarantee_used == duty
    slips = services.regime_slips(r)
    assert [s["direction"] for s in slips["out"]] == ["E"] and slips["out"][0]["status"] == "passed"
    back1 = post_list(world, direction="I", lines=[(1, "1")], passed=False)
    link(world, r, "back", back1)
    assert services.settle_regime_returns() == {"returned": 0, "partly": 0}  # linked, not passed yet
    through_gate(gw, back1, "I")
    assert services.settle_regime_returns() == {"returned": 0, "partly": 1}
    r.refresh_from_db()
    assert (r.status, r.duty_at_risk, r.guarantee_used) == ("open", D("2187.00"), D("2187.00"))
    assert r.lines.get().returned == D("1")
    assert Guarantee.objects.get(pk=g.pk).used == D("2187.00")
    assert services.settle_regime_returns() == {"returned": 0, "partly": 0}  # nothing new: nothing written
    back2 = post_list(world, direction="I", lines=[(1, "3")], passed=False)
    link(world, r, "back", back2)
    through_gate(gw, back2, "I")
    assert services.settle_regime_returns() == {"returned": 1, "partly": 0}
    r.refresh_from_db()
    assert (r.status, r.duty_at_risk, r.guarantee_used, r.closed_on is not None) == ("returned", 0, 0, True)
    assert Guarantee.objects.get(pk=g.pk).used == 0
    assert AuditEvent.objects.filter(action="duties.regime_returned_through_gate").count() == 1
    assert [s["direction"] for s in services.regime_slips(r)["back"]] == ["I", "I"]


def test_link_refuses_wrong_direction_other_book_and_closed_regime(gw, out_regime):  # noqa: F811
    world = gw.world
    r, _ = out_regime
    wrong = post_list(world, direction="E", lines=[(1, "1")], passed=False)
    other = post_list(world, direction="I", lines=[(1, "1")], book=world.book_b, enterprise_user="ent_b")
    for vlist, code in ((wrong, "regime_list_direction"), (other, "regime_list_not_in_book")):
        with pytest.raises(DomainError) as err:
            link(world, r, "back", vlist)
        assert [(p.field, p.code) for p in err.value.problems] == [("lists", code)]
    with pytest.raises(DomainError) as err:
        services.link_regime_lists(actor=world.actor("ent_a"), regime_id=r.pk, idempotency_key=key(),
                                   data={"role": "sideways", "lists": []})
    assert {p.field for p in err.value.problems} == {"role"}
    assert RegimeList.objects.filter(regime=r).count() == 1  # only the out list: nothing written


def test_cli_api_and_page(gw, out_regime, client, capsys):  # noqa: F811
    world = gw.world
    r, _ = out_regime
    back = post_list(world, direction="I", lines=[(1, "4")], passed=False)
    call_command("regime_link", str(r.pk), "--user", "ent_a", "--role", "back", "--lists", str(back.pk))
    assert [back.pk, "back"] in json.loads(capsys.readouterr().out)["lists"]
    through_gate(gw, back, "I")
    client.login(username="customs", password=PASSWORD)
    bad = client.post(f"/api/v1/duties/regimes/{r.pk}/lists", {"role": "back", "lists": ["x"]},
                      content_type="application/json", headers={"Idempotency-Key": key()})
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "lists"
    body = client.get(f"/api/v1/duties/regimes/{r.pk}").json()
    assert [s["direction"] for s in body["slips"]["back"]] == ["I"]
    call_command("regime_returns", "--user", "customs")
    assert json.loads(capsys.readouterr().out) == {"returned": 1, "partly": 0}
    assert Regime.objects.get(pk=r.pk).status == "returned"
    for lang, word in (("zh-hans", "核放单"), ("en", "Release slips")):
        page = client.get(f"/duties/regimes/{r.pk}/", HTTP_ACCEPT_LANGUAGE=lang).content.decode()
        assert word in page and 'data-testid="slips"' in page
