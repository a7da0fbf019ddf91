"""Adding and removing nodes of an unlocked framework (service, API, page): a new node starts with weight 0
and is placed after its siblings; only weightless nodes are removed (a category with its indicators); bad
input, a locked framework or a non-manager writes nothing."""

from __future__ import annotations

import json
import re
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import translation

from bondzone.core.domain.errors import Conflict, Forbidden
from bondzone.core.messages import as_dicts
from bondzone.core.models import AuditEvent
from bondzone.evaluation import services
from bondzone.evaluation.models import Indicator, NodeScore

from ..conftest import PASSWORD
from .conftest import codes, make_run, refused, snapshot

pytestmark = pytest.mark.django_db
API = "/api/v1/evaluation"
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
NEW = {"code": "S99", "kind": "indicator", "parent": "S", "name_zh": "跨境电商进出口值", "name_en": "CBEC trade",
       "series": "new_format_trade", "formula": "per_km2"}


def order(framework) -> list[str]:
    return list(framework.indicators.order_by("position", "id").values_list("code", flat=True))


def client_for(username: str) -> Client:
    c = Client()
    assert c.login(username=username, password=PASSWORD)
    return c


# ---------------------------------------------------------------- service
def test_a_new_indicator_starts_weightless_after_its_siblings_and_takes_weight_then_part_in_a_run(ev):
    commerce = ev.actor("commerce")
    ind = services.add_node(actor=commerce, framework_id=ev.gacc.pk, data=NEW)
    assert (ind.weight, ind.parent_code, ind.unit, ind.formula, ind.normalisation, ind.direction) == (
        Decimal(0), "S", "亿元/km²", "per_km2", "minmax", 1)
    codes_in_order = order(ev.gacc)
    s_last = codes_in_order.index("Q") - 1  # the category S's block ends where Q begins
    assert codes_in_order[s_last - 1:s_last + 2] == ["S10", "S99", "Q"]
    event = AuditEvent.objects.get(action="evaluation.node_added")
    assert event.after["code"] == "S99" and event.after["weight"] == "0"

    services.set_weights(actor=commerce, framework_id=ev.gacc.pk, weights={"S10": "2.5", "S99": "2.5"})
    run = make_run(ev)
    assert [n["code"] for n in run.framework_snapshot].count("S99") == 1
    assert NodeScore.objects.filter(run=run, code="S99").count() == len(ev.zones)


def test_bonus_items_go_last_and_yoy_indicators_are_in_percent(ev):
    commerce = ev.actor("commerce")
    services.add_node(actor=commerce, framework_id=ev.gacc.pk,
                      data={"code": "AUX9", "kind": "bonus", "name_zh": "首创业务", "series": "first_cases",
                            "points": "0.5", "cap": "2"})
    assert order(ev.gacc)[-1] == "AUX9"
    ind = services.add_node(actor=commerce, framework_id=ev.gacc.pk,
                            data={"code": "R05", "parent": "R", "name_zh": "二线业务增速", "series": "second_line_value",
                                  "formula": "yoy", "normalisation": "goalposts", "goal_low": "-30", "goal_high": "60"})
    assert ind.unit == "%" and (ind.goal_low, ind.goal_high) == (Decimal(-30), Decimal(60))


@pytest.mark.parametrize("data, expected", [
    ({**NEW, "code": ""}, {"code": "required"}),
    ({**NEW, "code": "S01"}, {"code": "duplicate_value"}),
    ({**NEW, "code": "X" * 21}, {"code": "too_long"}),
    ({**NEW, "name_zh": " "}, {"name_zh": "required"}),
    ({**NEW, "kind": "category"}, {"kind": "bad_new_kind"}),
    ({**NEW, "parent": "NOPE"}, {"parent": "unknown_parent"}),
    ({**NEW, "parent": "S01"}, {"parent": "parent_not_category"}),
    ({**NEW, "parent": ""}, {"parent": "indicator_without_category"}),
    ({**NEW, "series": "no_such"}, {"series": "unknown_series"}),
    ({**NEW, "series": ""}, {"series": "missing_series"}),
    ({**NEW, "formula": "log"}, {"formula": "bad_formula"}),
    ({**NEW, "direction": "up"}, {"direction": "not_an_integer"}),
    ({**NEW, "direction": "2"}, {"direction": "bad_direction"}),
    ({**NEW, "normalisation": "goalposts"}, {"goal_low": "goalposts_missing"}),
    ({**NEW, "goal_low": "ten"}, {"goal_low": "not_a_number"}),
    ({"code": "AUX9", "kind": "penalty", "name_zh": "x", "series": "smuggling_cases", "points": "1"},
     {"cap": "adjustment_needs_points_and_cap"}),
])
def test_a_bad_new_node_is_refused_field_by_field(ev, data, expected):
    err = refused(services.add_node, actor=ev.actor("commerce"), framework_id=ev.gacc.pk, data=data)
    assert codes(err) == expected


def test_removing_a_weighted_node_is_refused_until_its_weight_is_moved(ev):
    commerce = ev.actor("commerce")
    err = refused(services.remove_node, actor=commerce, framework_id=ev.gacc.pk, code="S08")
    assert codes(err) == {"code": "node_has_weight"}
    with translation.override("en"):
        assert as_dicts(err.problems)[0]["message"].startswith("S08 still carries weight 5 %")
    with translation.override("zh-hans"):
        assert as_dicts(err.problems)[0]["message"].startswith("S08 仍有权重 5%")

    services.set_weights(actor=commerce, framework_id=ev.gacc.pk, weights={"S07": "10", "S08": "0"})
    services.remove_node(actor=commerce, framework_id=ev.gacc.pk, code="S08")
    assert "S08" not in order(ev.gacc)
    assert AuditEvent.objects.get(action="evaluation.node_removed").before["S08"]["series"] == "fx_total"


def test_a_category_goes_with_its_indicators_and_a_last_indicator_cannot_go_alone(ev):
    commerce = ev.actor("commerce")
    err = refused(services.remove_node, actor=commerce, framework_id=ev.gacc.pk, code="I")
    assert {p.params["code"] for p in err.problems} == {"I", "I01", "I02"}
    assert set(codes(err).values()) == {"node_has_weight"}
    services.set_weights(actor=commerce, framework_id=ev.gacc.pk,  # 业务创新's 10 % moves to 辐射服务
                         weights={"I": "0", "I01": "0", "I02": "0", "R": "20", "R01": "5", "R02": "5", "R03": "5",
                                  "R04": "5"})
    services.remove_node(actor=commerce, framework_id=ev.gacc.pk, code="I01")
    err = refused(services.remove_node, actor=commerce, framework_id=ev.gacc.pk, code="I02")
    assert codes(err) == {"nodes.I": "empty_category"}
    services.remove_node(actor=commerce, framework_id=ev.gacc.pk, code="I")
    assert not set(order(ev.gacc)) & {"I", "I01", "I02"}
    assert set(AuditEvent.objects.filter(action="evaluation.node_removed").latest("pk").before) == {"I", "I02"}
    run = make_run(ev)  # what is left still evaluates
    assert {n["code"] for n in run.framework_snapshot if n["kind"] == "category"} == {"S", "Q", "L", "R"}


def test_node_changes_need_a_manager_an_unlocked_framework_and_a_known_code(ev):
    for name in ("zone_a", "customs", "ent_a"):
        refused(services.add_node, Forbidden, actor=ev.actor(name), framework_id=ev.gacc.pk, data=NEW)
        refused(services.remove_node, Forbidden, actor=ev.actor(name), framework_id=ev.gacc.pk, code="AUX1")
    err = refused(services.remove_node, actor=ev.actor("commerce"), framework_id=ev.gacc.pk, code="NOPE")
    assert codes(err) == {"code": "unknown_indicator"}
    make_run(ev)
    for fn, kwargs in ((services.add_node, {"data": NEW}), (services.remove_node, {"code": "AUX1"})):
        err = refused(fn, Conflict, actor=ev.actor("commerce"), framework_id=ev.gacc.pk, **kwargs)
        assert codes(err) == {"framework": "framework_locked"}


# ---------------------------------------------------------------- API and page
def test_nodes_are_added_and_removed_over_the_api(ev):
    c = client_for("commerce")
    url = f"{API}/frameworks/{ev.gacc.pk}/indicators"
    r = c.post(url, json.dumps(NEW), content_type="application/json")
    assert r.status_code == 201, r.content
    assert (r.json()["code"], r.json()["weight"], r.json()["unit"]) == ("S99", "0.0000", "亿元/km²")
    before = snapshot()
    r = c.post(url, json.dumps({**NEW, "code": "S98", "series": "no_such"}), content_type="application/json", **EN)
    assert r.status_code == 400 and [e["field"] for e in r.json()["errors"]] == ["series"]
    assert "no_such" in r.json()["detail"] and snapshot() == before
    r = c.delete(f"{url}/S01", **EN)
    assert r.status_code == 400 and r.json()["errors"][0]["code"] == "node_has_weight" and snapshot() == before
    assert c.delete(f"{url}/S99").status_code == 204
    assert not ev.gacc.indicators.filter(code="S99").exists()
    assert client_for("tax").delete(f"{url}/AUX1").status_code == 403


def test_the_add_form_keeps_what_was_typed_on_error_and_the_remove_button_removes(ev):
    c = client_for("commerce")
    page = f"/evaluation/frameworks/{ev.gacc.pk}/"
    assert f'href="{page}indicators/new"' in c.get(page, **EN).content.decode()
    form = c.get(f"{page}indicators/new", **EN).content.decode()
    for select, values in (("formula", ["raw", "per_km2", "yoy"]),
                           ("normalisation", ["minmax", "zscore", "goalposts", "rank"]),
                           ("kind", ["indicator", "bonus", "penalty"]), ("parent", ["", "S", "Q", "L", "R", "I"])):
        block = form.split(f'name="{select}"')[1].split("</select>")[0]
        assert re.findall(r'<option value="(\w*)"', block) == values, select
    before = snapshot()
    r = c.post(f"{page}indicators/new", {**NEW, "normalisation": "goalposts"}, **EN)
    body = r.content.decode()
    assert r.status_code == 200 and "goalpost" in body and 'value="跨境电商进出口值"' in body
    assert snapshot() == before
    r = c.post(f"{page}indicators/new", NEW, follow=True, **EN)
    assert r.redirect_chain == [(page, 302)] and "S99 added with weight 0" in r.content.decode()
    node = Indicator.objects.get(framework=ev.gacc, code="S99")
    assert re.search(r'name="w_S99" value="0"', r.content.decode())

    aux = Indicator.objects.get(framework=ev.gacc, code="AUX1")
    r = c.post(f"{page}indicators/{node.pk}/remove", follow=True, **EN)
    assert r.redirect_chain == [(page, 302)] and "S99 removed." in r.content.decode()
    assert client_for("zone_a").post(f"{page}indicators/{aux.pk}/remove").status_code == 403
    make_run(ev)
    assert 'data-testid="framework-locked"' in c.get(f"{page}indicators/new", **EN).content.decode()
    assert f'href="{page}indicators/new"' not in c.get(page, **EN).content.decode()
