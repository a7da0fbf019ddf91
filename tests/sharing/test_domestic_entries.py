"""The 入区退税 basis shared with tax: approved inbound second-line lists of domestic goods whose goods passed
(trade modes 5000 and 5300), with their value, currency and lines, through the field policy and the scope."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.test import Client

from bondzone.sharing import services
from bondzone.sharing.domain.fields import allowed_fields
from bondzone.sharing.models import ExportRun
from bondzone.supervision import services as supervision
from bondzone.supervision.domain.codes import Direction, GoodsStatus
from bondzone.supervision.domain.trade_modes import DOMESTIC_ENTRY_MODES, RULES, Crossing

from ..conftest import PASSWORD, key


def client(name: str, language: str = "en") -> Client:
    c = Client()
    assert c.login(username=name, password=PASSWORD)
    c.cookies["django_language"] = language
    return c


def entry(world, *, trade_mode="5000", direction="I", lines=(("100.00", "142", "non_bonded"),), book=None,
          user="ent_a", passed=True, **header):
    """A list filed, approved and (`passed`) with its goods through the gate, by the services."""
    owner, customs = world.actor(user), world.actor("customs")
    data = {"direction": direction, "trade_mode": trade_mode, **header,
            "lines": [{"item_no": 1, "quantity": "5", "unit": "007", "goods_status": status, "value": value,
                       "currency": currency} for value, currency, status in lines]}
    vlist = supervision.create_list(actor=owner, book_id=(book or world.book_a).pk, data=data, idempotency_key=key())
    supervision.submit_list(actor=owner, list_id=vlist.pk, idempotency_key=key())
    vlist = supervision.approve_list(actor=customs, list_id=vlist.pk, idempotency_key=key())
    if passed and vlist.posting_state == "reserved":
        supervision.pass_goods(actor=customs, list_id=vlist.pk, event_id=key(), idempotency_key=key())
        vlist.refresh_from_db()
    return vlist


def ids(username: str) -> set[int]:
    r = client(username).get("/api/v1/sharing/agency/domestic_entries?limit=500")
    assert r.status_code == 200, r.content
    return {row["id"] for row in r.json()["items"]}


def test_the_refund_modes_are_inbound_second_line_modes_of_domestic_goods():
    for code in DOMESTIC_ENTRY_MODES:
        rule = RULES[(code, Direction.IN)]
        assert rule.crossing is Crossing.SECOND_LINE and GoodsStatus.BONDED not in rule.statuses
    # 5100 inbound (zone-made goods returned from the domestic market) is second-line too, but not a refund
    assert RULES[("5100", Direction.IN)].crossing is Crossing.SECOND_LINE and "5100" not in DOMESTIC_ENTRY_MODES


def test_only_passed_inbound_domestic_goods_lists_with_a_declaration_are_the_refund_basis(world):
    materials = entry(world)
    equipment = entry(world, trade_mode="5300", declaration_flag="1")
    not_passed = entry(world, passed=False)
    undeclared = entry(world, declaration_flag="2")  # 非报关: no export declaration, no refund
    bonded_in = entry(world, trade_mode="5034", lines=[("100.00", "142", "bonded")])  # 一线
    going_out = entry(world, direction="E")  # the goods of `materials` leave again
    reversed_list = entry(world)
    supervision.reverse_list(actor=world.actor("customs"), list_id=reversed_list.pk, reason="退单",
                             idempotency_key=key())
    seen = ids("tax")
    assert {materials.pk, equipment.pk} <= seen
    assert not seen & {not_passed.pk, undeclared.pk, bonded_in.pk, going_out.pk, reversed_list.pk}
    assert not_passed.posting_state == "reserved" and reversed_list.reversed_by is not None
    # the counter-list of the reversal is outbound: not there either
    assert seen == {materials.pk, equipment.pk}


def test_a_row_names_its_trade_mode_and_totals_its_non_bonded_lines(world):
    vlist = entry(world, lines=[("100.00", "142", "non_bonded"), ("20.50", "142", "non_bonded"),
                                ("7.00", "142", "duty_paid")])
    mixed = entry(world, lines=[("100.00", "142", "non_bonded"), ("3.00", "502", "non_bonded")])
    en = {r["id"]: r for r in client("tax").get("/api/v1/sharing/agency/domestic_entries").json()["items"]}
    row = en[vlist.pk]
    assert (row["trade_mode"], row["trade_mode_name"]) == ("5000", "Materials in/out of zone")
    assert (row["value"], row["currency"], row["domestic_lines"]) == ("120.50", "142", 2)
    assert row["enterprise"] == world.ent_a.name and row["credit_code"] == world.ent_a.credit_code
    assert row["number"] == vlist.number and row["effective_date"] == vlist.effective_date.isoformat()
    # more than one currency: no total that would add yuan to dollars
    assert (en[mixed.pk]["value"], en[mixed.pk]["currency"], en[mixed.pk]["domestic_lines"]) == (None, None, 2)
    zh = client("tax", "zh-hans").get("/api/v1/sharing/agency/domestic_entries", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert {r["id"]: r for r in zh.json()["items"]}[vlist.pk]["trade_mode_name"] == "料件进出区"


def test_scoped_and_field_limited_per_role(world):
    a = entry(world)
    b = entry(world, book=world.book_b, user="ent_b")
    assert ids("tax") == ids("customs") == ids("admin") == {a.pk, b.pk}
    assert ids("customs_a") == ids("ent_a") == {a.pk} and ids("ent_b") == {b.pk}
    for username in ("market", "commerce", "zone_a"):
        assert not allowed_fields(username if username != "zone_a" else "zone_admin", "domestic_entries")
        assert client(username).get("/api/v1/sharing/agency/domestic_entries").status_code == 403
        assert client(username).get("/sharing/agency/domestic_entries/").status_code == 403
    # one record by id is a logged read of the list (a sensitive record)
    from bondzone.core.models import AuditEvent

    r = client("tax").get(f"/api/v1/sharing/agency/domestic_entries?id={b.pk}")
    assert [row["id"] for row in r.json()["items"]] == [b.pk]
    assert AuditEvent.objects.filter(action="read.list", actor_name="tax", object_id=str(b.pk)).exists()


@pytest.mark.parametrize("language, words", [
    ("zh-hans", ["境内区外入区货物（入区退税依据）", "监管方式名称", "非保税商品项数", "申报金额", "料件进出区"]),
    ("en", ["Domestic goods entering the zone (refund basis)", "Trade mode name", "Non-bonded lines", "Declared value",
            "Materials in/out of zone"]),
])
def test_the_tax_agency_page_shows_the_refund_basis_in_both_languages(world, language, words):
    vlist = entry(world)
    html = client("tax", language).get("/sharing/agency/domestic_entries/", HTTP_ACCEPT_LANGUAGE=language)
    assert html.status_code == 200
    text = html.content.decode()
    assert all(w in text for w in words), [w for w in words if w not in text]
    assert vlist.number in text
    index = client("tax", language).get("/sharing/agency/enterprises/", HTTP_ACCEPT_LANGUAGE=language)
    assert 'href="/sharing/agency/domestic_entries/"' in index.content.decode()  # a tab of the tax page


def test_tax_exports_the_refund_basis_on_a_schedule(world):
    vlist = entry(world)
    entry(world, declaration_flag="2")
    s = services.create_export(actor=world.actor("tax"), name="入区退税", dataset="domestic_entries", format="json",
                               every="monthly")
    csv_export = services.create_export(actor=world.actor("tax"), name="入区退税 CSV", dataset="domestic_entries",
                                        format="csv", every="daily")
    assert services.run_due_exports() == {"done": 2, "failed": 0}
    rows = json.loads(bytes(ExportRun.objects.get(schedule=s).content))
    assert [r["id"] for r in rows] == [vlist.pk]
    assert tuple(rows[0]) == allowed_fields("tax", "domestic_entries")
    assert rows[0]["value"] == "100.00" and rows[0]["trade_mode"] == "5000"
    text = bytes(ExportRun.objects.get(schedule=csv_export).content).decode("utf-8-sig")
    table = list(csv.reader(io.StringIO(text)))
    assert len([r for r in table if vlist.number in r]) == 1
