"""An item customs marks as solid waste (固体废物) after a list taking it into China was approved: the list is held
(books.hold_open_lists writes VerificationList.solid_waste_held), so its goods stop at the gate — refused with
`trade_mode_solid_waste` naming the item — and at supervision's own pass_goods; clearing the mark releases it. The
hold is a column of the list row the passage locks anyway: an ordinary pass costs the statements it did."""

from __future__ import annotations

import json
from decimal import Decimal as D

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from bondzone.core.actor import actor_of
from bondzone.core.domain.errors import DomainError
from bondzone.core.models import AuditEvent
from bondzone.gate import services
from bondzone.gate.models import Passage
from bondzone.supervision import services as ledger
from bondzone.supervision.domain.posting import Move
from bondzone.supervision.models import StockAccount, VerificationList
from tests.conftest import PASSWORD, key
from tests.processing.conftest import hbook  # noqa: F401  (the H book fixture)

from .conftest import approved, report


@pytest.fixture
def scrap(gw, hbook):  # noqa: F811
    """The H book (zone A, like the gate) with 0.8 kg of copper scrap (item 11) and 0.5 kg of it approved on a
    0844 list (边角料内销, out to 境内区外) with a second-line slip: the goods await the gate."""
    ledger.post_document(actor=hbook.actor("ent_a"), book_id=hbook.book.pk, source_kind="production", source_id=1,
                         moves=[Move(1, 11, "bonded", D("0.8"))], event_id=key(), idempotency_key=key())
    vlist = outbound(hbook, "0844")
    assert vlist.posting_state == "reserved"
    approved(gw, {"slip_type": "3", "binding": "2", "direction": "E", "plate": "京A12345", "vehicle_wt": "8000",
                  "total_gross_wt": "500", "lists": [vlist.pk]})
    return hbook, vlist


def outbound(h, mode, quantity="0.5"):
    owner, customs = h.actor("ent_a"), h.actor("customs")
    vlist = ledger.create_list(actor=owner, book_id=h.book.pk, idempotency_key=key(), data={
        "direction": "E", "trade_mode": mode, "item_kind": "I", "transport_mode": "Y" if mode == "0844" else "",
        "lines": [{"item_no": 11, "quantity": quantity, "unit": "035", "goods_status": "bonded", "value": "1"}]})
    ledger.submit_list(actor=owner, list_id=vlist.pk, idempotency_key=key())
    return ledger.approve_list(actor=customs, list_id=vlist.pk, idempotency_key=key())


def mark(h, value=True):
    return ledger.change_item(actor=h.actor("customs"), book_id=h.book.pk, item_no=11, data={"solid_waste": value},
                              idempotency_key=key())


def scrap_account(h):
    return StockAccount.objects.get(book=h.book, item__item_no=11, goods_status="bonded")


def pass_at_gate(gw):
    return report(gw, direction="E", weighbridge_kg="8500")[0]


def test_marking_holds_the_open_list_and_tells_the_officer(scrap):
    h, vlist = scrap
    item = mark(h)
    assert (item.held_lists, item.released_lists) == ([vlist.number], [])
    vlist.refresh_from_db()
    [held] = vlist.solid_waste_held
    assert (held["item"], held["line"], held["mode"], held["allowed"]) == (11, 1, "0844", "0200, 0400, 0864, 9700")
    row = AuditEvent.objects.get(action="list.solid_waste_hold", object_id=str(vlist.pk))
    assert (row.before["solid_waste_held"], row.after["item"]) == ([], 11)


def test_the_gate_refuses_the_held_list_naming_the_item_and_posts_nothing(gw, scrap):
    h, vlist = scrap
    mark(h)
    answer = pass_at_gate(gw)
    assert (answer["outcome"], answer["posted"]) == ("refuse", False)
    [reason] = answer["reasons"]
    assert reason["code"] == "trade_mode_solid_waste"
    assert (reason["params"]["item"], reason["params"]["line"], reason["params"]["mode"]) == ("11", "1", "0844")
    vlist.refresh_from_db()
    assert vlist.posting_state == "reserved"
    assert (scrap_account(h).posted, scrap_account(h).reserved) == (D("0.8"), D("0.5"))
    assert Passage.objects.get(pk=answer["passage"]).outcome == "refuse"


def test_supervision_pass_goods_refuses_the_held_list_too(scrap):
    h, vlist = scrap
    mark(h)
    with pytest.raises(DomainError) as exc:
        ledger.pass_goods(actor=h.actor("customs"), list_id=vlist.pk, event_id=key(), idempotency_key=key())
    [p] = exc.value.problems
    assert (p.field, p.code, p.params["item"]) == ("lines[1].item_no", "trade_mode_solid_waste", 11)
    assert scrap_account(h).reserved == D("0.5")


def test_clearing_the_mark_releases_the_list_and_the_goods_pass(gw, scrap):
    h, vlist = scrap
    mark(h)
    assert pass_at_gate(gw)["outcome"] == "refuse"
    item = mark(h, False)
    assert (item.held_lists, item.released_lists) == ([], [vlist.number])
    answer = pass_at_gate(gw)
    assert (answer["outcome"], answer["posted"]) == ("pass", True)
    assert (scrap_account(h).posted, scrap_account(h).reserved) == (D("0.3"), D("0"))


def test_a_list_that_does_not_take_the_item_into_china_is_not_held(scrap):
    h, inland = scrap
    export = outbound(h, "0864", quantity="0.2")  # 边角料复出: re-export stays open to solid waste
    item = mark(h)
    assert item.held_lists == [inland.number]
    assert VerificationList.objects.get(pk=export.pk).solid_waste_held == []
    ledger.pass_goods(actor=h.actor("customs"), list_id=export.pk, event_id=key(), idempotency_key=key())


def test_an_ordinary_pass_costs_the_statements_it_did_with_a_held_list_in_the_book(gw, scrap):
    """The statement counts of test_posting.test_a_pass_writes_its_rows_in_few_statements (4 on PostgreSQL, 13 on
    SQLite): the hold is read with the list row, never by a query of its own."""
    h, held = scrap
    mark(h)
    h2 = outbound(h, "0864", quantity="0.2")
    approved(gw, {"slip_type": "2", "binding": "2", "direction": "E", "plate": "京A22222", "vehicle_wt": "8000",
                  "total_gross_wt": "500", "lists": [h2.pk]})
    actor = gw.gate_actor
    data = {"event_id": key(), "plate": "京A22222", "direction": "E", "weighbridge_kg": "8500"}
    with CaptureQueriesContext(connection) as ctx:
        answer, _ = services.report_passage(actor=actor, data=data)
    assert (answer["outcome"], answer["posted"]) == ("pass", True)
    statements = [q["sql"] for q in ctx.captured_queries if "SAVEPOINT" not in q["sql"] and q["sql"] not in
                  ("BEGIN", "BEGIN IMMEDIATE", "COMMIT")]
    assert len(statements) == (4 if connection.vendor == "postgresql" else 13), statements


def test_the_api_answer_names_the_held_lists_and_refuses_a_null_mark(scrap):
    h, vlist = scrap
    c = Client(HTTP_ACCEPT_LANGUAGE="en")
    assert c.login(username="customs", password=PASSWORD)
    url = f"/api/v1/books/{h.book.pk}/items/11"
    r = c.patch(url, json.dumps({"solid_waste": True}), content_type="application/json", HTTP_IDEMPOTENCY_KEY=key())
    assert r.status_code == 200, r.content
    assert (r.json()["solid_waste"], r.json()["held_lists"], r.json()["released_lists"]) == (True, [vlist.number], [])
    page = c.get(f"/supervision/books/{h.book.pk}/items/11/edit/")
    assert page.status_code == 200


def scrap_and_by_product_on_two_vehicles(gw, h):
    """An approved 0844 list of scrap (line 1, item 11) and a by-product (line 2, item 13), its goods on two
    vehicles (一票多车): 京A12345 carries the scrap, 京A22222 the by-product."""
    owner = h.actor("ent_a")
    ledger.post_document(actor=owner, book_id=h.book.pk, source_kind="production", source_id=1,
                         moves=[Move(1, 11, "bonded", D("0.8")), Move(2, 13, "bonded", D("2"))], event_id=key(),
                         idempotency_key=key())
    vlist = ledger.create_list(actor=owner, book_id=h.book.pk, idempotency_key=key(), data={
        "direction": "E", "trade_mode": "0844", "item_kind": "I", "transport_mode": "Y",
        "lines": [{"item_no": 11, "quantity": "0.5", "unit": "035", "goods_status": "bonded", "value": "1"},
                  {"item_no": 13, "quantity": "1", "unit": "035", "goods_status": "bonded", "value": "1"}]})
    ledger.submit_list(actor=owner, list_id=vlist.pk, idempotency_key=key())
    vlist = ledger.approve_list(actor=h.actor("customs"), list_id=vlist.pk, idempotency_key=key())
    for plate, seq, quantity in (("京A12345", 1, "0.5"), ("京A22222", 2, "1")):
        approved(gw, {"slip_type": "3", "binding": "3", "direction": "E", "plate": plate, "vehicle_wt": "8000",
                      "total_gross_wt": "500", "lists": [vlist.pk], "lines": [{"seq": seq, "quantity": quantity}]})
    return vlist


def test_only_the_held_line_stops_a_vehicle_carrying_another_line_of_the_list_passes(gw, hbook):  # noqa: F811
    """A 0844 list of scrap (item 11, marked after approval) and a by-product (item 13, not marked), its goods on
    two vehicles (一票多车): the by-product's vehicle passes, the scrap's is refused."""
    h = hbook
    vlist = scrap_and_by_product_on_two_vehicles(gw, h)
    assert mark(h).held_lists == [vlist.number]
    assert report(gw, plate="京A22222", direction="E", weighbridge_kg="8500")[0]["outcome"] == "pass"
    answer = pass_at_gate(gw)
    assert (answer["outcome"], [r["code"] for r in answer["reasons"]]) == ("refuse", ["trade_mode_solid_waste"])
    vlist.refresh_from_db()
    assert vlist.posting_state == "partial" and scrap_account(h).reserved == D("0.5")


def test_the_item_form_tells_the_officer_which_lists_it_held(scrap):
    h, vlist = scrap
    c = Client(HTTP_ACCEPT_LANGUAGE="en")
    assert c.login(username="customs", password=PASSWORD)
    url = f"/supervision/books/{h.book.pk}/items/11/edit/"
    form = {f: "" for f in ("part_no", "name_en", "spec", "second_unit", "second_factor", "origin_country",
                            "leftover_of")}
    form.update(item_no="11", hs_code="7404000090", name_zh="铜边角料", kind="I", declared_unit="035",
                legal_unit="035", legal_factor="1", currency="142", unit_price="10", leftover="scrap",
                solid_waste="1", idempotency_key=key())
    page = c.post(url, form, follow=True).content.decode()
    assert "Held at the gate" in page and vlist.number in page
    form.update(solid_waste="", idempotency_key=key())
    page = c.post(url, form, follow=True).content.decode()
    assert "Released" in page and vlist.number in page


def test_a_held_list_changed_to_a_mode_the_mark_allows_is_released(scrap):
    """变更 of the held 0844 list to 0864 (边角料复出, abroad): the hold goes with the inland mode and the goods pass."""
    h, vlist = scrap
    mark(h)
    ledger.change_list(actor=h.actor("ent_a"), list_id=vlist.pk, changes={"trade_mode": "0864", "transport_mode": "2"},
                       reason="复出", idempotency_key=key())
    vlist.refresh_from_db()
    assert (vlist.trade_mode, vlist.solid_waste_held) == ("0864", [])
    row = AuditEvent.objects.filter(action="list.change", object_id=str(vlist.pk)).latest("pk")
    assert (len(row.before["solid_waste_held"]), row.after["solid_waste_held"]) == (1, [])
    ledger.pass_goods(actor=h.actor("customs"), list_id=vlist.pk, event_id=key(), idempotency_key=key())
    assert scrap_account(h).posted == D("0.3")


@pytest.mark.parametrize("language, words", [("en", ("Held at the gate", "line 1 (item 11)")),
                                             ("zh-hans", ("卡口暂停放行", "第 1 行（商品 11）"))])
def test_the_list_page_and_api_show_the_hold(scrap, language, words):
    h, vlist = scrap
    c = Client(HTTP_ACCEPT_LANGUAGE=language)
    assert c.login(username="ent_a", password=PASSWORD)
    assert 'data-testid="solid-waste-held"' not in c.get(f"/supervision/lists/{vlist.pk}/").content.decode()
    mark(h)
    page = c.get(f"/supervision/lists/{vlist.pk}/").content.decode()
    held = page.split('data-testid="solid-waste-held"')[1].split("</div>")[0]
    assert all(w in held for w in words), held
    [row] = c.get(f"/api/v1/lists/{vlist.pk}").json()["solid_waste_held"]
    assert (row["item"], row["line"], row["mode"]) == (11, 1, "0844")


def test_a_marked_items_leftover_change_rewrites_the_modes_the_hold_names_and_keeps_it(scrap):
    h, vlist = scrap
    mark(h)
    item = ledger.change_item(actor=h.actor("customs"), book_id=h.book.pk, item_no=11, data={"leftover": ""},
                              idempotency_key=key())
    assert (item.held_lists, item.released_lists) == ([], [])  # held before, still held
    vlist.refresh_from_db()
    [held] = vlist.solid_waste_held
    assert held["allowed"] != "0200, 0400, 0864, 9700" and "0844" not in held["allowed"]


@pytest.fixture
def double_gate(gw, scrap):
    """The zone in double-gate mode (双卡) with a 二卡 beside G1 (一卡)."""
    services.update_settings(actor=gw.actor("customs"), zone_id=gw.world.zone_a.pk, data={"double_gate": "1"})
    second = services.create_gate(actor=gw.actor("customs"), zone_id=gw.world.zone_a.pk, code="G2", name="二卡",
                                  stage=2)
    return scrap, actor_of(second.user)


def test_the_first_gate_refuses_a_held_line_as_the_second_gate_would_and_the_slip_stays(gw, double_gate):
    """双卡: 一卡 reads the hold and refuses with the reason and params 二卡's posting gives; the slip stays approved,
    nothing is posted. Cleared, the same vehicle passes 一卡 (nothing posted) and 二卡 posts."""
    (h, vlist), second = double_gate
    mark(h)
    first = pass_at_gate(gw)
    assert (first["outcome"], first["posted"], first["stage"]) == ("refuse", False, 1)
    assert [r["code"] for r in first["reasons"]] == ["trade_mode_solid_waste"]
    slip = Passage.objects.get(pk=first["passage"]).slip
    assert slip.status == "approved"
    # what 二卡 answers for the same hold: the ledger's refusal of the posting (the slip forced past 一卡)
    slip.status = "passed_first"
    slip.save(update_fields=["status"])
    at_second = services.report_passage(actor=second, data={"event_id": key(), "plate": "京A12345", "direction": "E",
                                                            "weighbridge_kg": "8500"})[0]
    assert at_second["outcome"] == "refuse" and at_second["reasons"] == first["reasons"]
    assert first["reasons"][0]["params"]["item"] == "11" and first["reasons"][0]["params"]["mode"] == "0844"
    assert (scrap_account(h).posted, scrap_account(h).reserved) == (D("0.8"), D("0.5"))
    slip.status = "approved"
    slip.save(update_fields=["status"])
    mark(h, False)
    first = pass_at_gate(gw)
    assert (first["outcome"], first["posted"], first["reasons"]) == ("pass", False, [])
    assert scrap_account(h).reserved == D("0.5")
    done = services.report_passage(actor=second, data={"event_id": key(), "plate": "京A12345", "direction": "E",
                                                       "weighbridge_kg": "8500"})[0]
    assert (done["outcome"], done["posted"]) == ("pass", True)
    assert (scrap_account(h).posted, scrap_account(h).reserved) == (D("0.3"), D("0"))


def test_the_first_gate_passes_a_vehicle_carrying_only_an_unheld_line_of_a_held_list(gw, hbook):  # noqa: F811
    """一票多车 on a 0844 list whose scrap line (item 11) is held: at 一卡 the by-product's vehicle (line 2) passes,
    the scrap's is refused naming line 1."""
    h = hbook
    services.update_settings(actor=gw.actor("customs"), zone_id=gw.world.zone_a.pk, data={"double_gate": "1"})
    vlist = scrap_and_by_product_on_two_vehicles(gw, h)
    assert mark(h).held_lists == [vlist.number]
    other = report(gw, plate="京A22222", direction="E", weighbridge_kg="8500")[0]
    assert (other["outcome"], other["posted"], other["reasons"]) == ("pass", False, [])
    answer = pass_at_gate(gw)
    assert answer["outcome"] == "refuse"
    assert [(r["code"], r["params"]["line"]) for r in answer["reasons"]] == [("trade_mode_solid_waste", "1")]
    assert Passage.objects.get(pk=answer["passage"]).slip.status == "approved"
