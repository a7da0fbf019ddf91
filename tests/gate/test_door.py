"""库门: goods crossing a warehouse door change status (non-bonded ↔ bonded) in the book, once, audited;
service, API, page and CLI."""

from __future__ import annotations

import json
from decimal import Decimal as D
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from bondzone.core.domain.errors import DomainError, Forbidden, NotFound
from bondzone.core.models import AuditEvent
from bondzone.gate import services
from bondzone.gate.models import DoorPassage
from bondzone.supervision import selectors as books
from bondzone.supervision import services as ledger
from bondzone.supervision.models import StockEntry
from bondzone.supervision.reconcile import verify

from ..conftest import PASSWORD, key, post_list


def held(world, item_no=1, status="non_bonded", what="posted"):
    return sum((getattr(a, what) for a in books.accounts(world.actor("customs"), book_id=world.book_a.pk,
                                                          goods_status=status) if a.item.item_no == item_no), D(0))


def change_list(world, lines, *, approve=True, user="ent_a"):
    """A status-change list (9900) of (item, quantity, from, to) lines, approved by customs."""
    owner = world.actor(user)
    data = {"direction": "I", "trade_mode": "9900", "lines": [
        {"item_no": i, "quantity": q, "unit": "007", "goods_status": f, "target_status": t, "value": "1.00"}
        for i, q, f, t in lines]}
    v = ledger.create_list(actor=owner, book_id=world.book_a.pk, data=data, idempotency_key=key())
    ledger.submit_list(actor=owner, list_id=v.pk, idempotency_key=key())
    if approve:
        v = ledger.approve_list(actor=world.actor("customs"), list_id=v.pk, idempotency_key=key())
    return v


def door(world, user="ent_a", book=None, **kw):
    data = {"event_id": key(), "door": "D1", "item_no": 1, "quantity": "4", "from_status": "non_bonded",
            "to_status": "bonded", "reference": world.door_list.number, **kw}
    return services.record_door_passage(actor=world.actor(user), book_id=(book or world.book_a).pk, data=data)


@pytest.fixture
def stocked(world):
    """Item 1: 10 non-bonded and 6 bonded pieces; a list allowing 8 into the bonded area, 5 out of it."""
    post_list(world, direction="I", lines=[(1, "10")], status="non_bonded")
    post_list(world, direction="I", lines=[(1, "6")])
    world.door_list = change_list(world, [(1, "8", "non_bonded", "bonded"), (1, "5", "bonded", "non_bonded")])
    return world


def codes(exc):
    return [(p.field, p.code) for p in exc.value.problems]


def test_a_door_list_reserves_at_approval_and_the_door_posts_it_once(stocked):
    w = stocked
    assert w.door_list.posting_state == "reserved"  # bonded ↔ non-bonded: the goods still have to pass the door
    assert (held(w, 1, "non_bonded"), held(w, 1, "bonded")) == (D("10"), D("6"))  # nothing posted yet
    assert (held(w, 1, "non_bonded", "reserved"), held(w, 1, "bonded", "reserved")) == (D("8"), D("5"))
    record, replayed = door(w, event_id="door-1")
    assert not replayed and (held(w, 1, "non_bonded"), held(w, 1, "bonded")) == (D("6"), D("10"))
    assert (record.vlist_id, record.list_line) == (w.door_list.pk, 1)
    entries = StockEntry.objects.filter(source_kind="door", source_id=record.pk)
    assert entries.count() == 2 and all(e.reservation_id for e in entries)  # the list's reservations posted
    again, replayed = door(w, event_id="door-1", quantity="9")  # a repeated report: the first record, no posting
    assert replayed and again.pk == record.pk and held(w, 1, "bonded") == D("10")
    door(w, quantity="4")
    back, _ = door(w, from_status="bonded", to_status="non_bonded", quantity="5")
    assert back.list_line == 2
    assert (held(w, 1, "non_bonded"), held(w, 1, "bonded")) == (D("7"), D("9"))
    assert held(w, 1, "non_bonded", "reserved") == held(w, 1, "bonded", "reserved") == D("0")
    w.door_list.refresh_from_db()
    assert w.door_list.posting_state == "posted"
    with pytest.raises(DomainError) as exc:  # all of the list passed: it posts nothing more
        door(w, quantity="1")
    assert codes(exc) == [("reference", "door_list_not_open")]
    assert StockEntry.objects.filter(source_kind="list", source_id=w.door_list.pk, kind="direct").count() == 0
    audit = AuditEvent.objects.filter(action="door.pass").order_by("id")
    assert [a.after["to"] for a in audit] == ["bonded", "bonded", "non_bonded"]
    assert audit[0].after["list"] == w.door_list.pk and audit[0].enterprise_id == w.ent_a.pk
    assert verify()[2] == []


def test_no_passage_without_an_approved_list_covering_it(stocked):
    w = stocked
    with pytest.raises(DomainError) as exc:
        door(w, reference="QD0000000000000000")
    assert codes(exc) == [("reference", "door_list_unknown")]
    with pytest.raises(DomainError) as exc:  # more than the line still has for the door
        door(w, quantity="9")
    assert codes(exc) == [("quantity", "door_exceeds_list")]
    with pytest.raises(DomainError) as exc:  # the list moves item 1 only
        door(w, item_no=2)
    assert codes(exc) == [("item_no", "door_list_no_line")]
    draft = change_list(w, [(1, "2", "non_bonded", "bonded")], approve=False)
    with pytest.raises(DomainError) as exc:
        door(w, reference=draft.pre_entry_no)
    assert codes(exc) == [("reference", "door_list_not_open")]
    goods = post_list(w, direction="E", lines=[(1, "1")], passed=False)  # a gate list: its goods cross the fence
    with pytest.raises(DomainError) as exc:
        door(w, reference=goods.number)
    assert codes(exc) == [("item_no", "door_list_no_line")]
    other = change_list(w, [(1, "2", "non_bonded", "bonded")])
    ledger.cancel_list(actor=w.actor("customs"), list_id=other.pk, reason="not moved", idempotency_key=key())
    with pytest.raises(DomainError) as exc:
        door(w, reference=other.number)
    assert codes(exc) == [("reference", "door_list_not_open")]
    assert DoorPassage.objects.count() == 0 and not StockEntry.objects.filter(source_kind="door").exists()
    assert (held(w, 1, "non_bonded"), held(w, 1, "bonded")) == (D("10"), D("6"))


def test_other_status_changes_still_post_at_approval(stocked):
    w = stocked
    sale = change_list(w, [(1, "1", "bonded", "duty_paid")])  # a domestic sale crosses no door
    assert sale.posting_state == "posted" and held(w, 1, "duty_paid") == D("1")
    with pytest.raises(DomainError) as exc:
        door(w, reference=sale.number)
    assert codes(exc) == [("reference", "door_list_not_open")]


def test_the_ledger_refuses_a_door_share_of_a_list_that_is_not_a_door_list(stocked):
    from django.db import transaction

    from bondzone.supervision.domain.posting import SourceRef

    w = stocked
    goods = post_list(w, direction="E", lines=[(1, "1")], passed=False)
    with pytest.raises(DomainError) as exc, transaction.atomic(durable=True):
        ledger.pass_door_goods_in_transaction(actor=w.actor("ent_a"), list_id=goods.pk, event_id=key(),
                                              source=SourceRef("door", 1), shares={1: D(1)})
    assert [p.code for p in exc.value.problems] == ["list_not_door_change"]
    with pytest.raises(Forbidden):  # the enterprise may not declare a gate list's goods passed
        ledger.pass_goods(actor=w.actor("ent_a"), list_id=goods.pk, event_id=key(), idempotency_key=key())


def test_reversing_a_partly_passed_door_list_voids_the_rest_and_undoes_what_passed(stocked):
    w = stocked
    door(w, quantity="3")
    ledger.reverse_list(actor=w.actor("customs"), list_id=w.door_list.pk, reason="rest stays", idempotency_key=key())
    # the 3 that passed are undone by a counter-list, the rest of the reservations is voided
    assert (held(w, 1, "non_bonded"), held(w, 1, "bonded")) == (D("10"), D("6"))
    assert held(w, 1, "non_bonded", "reserved") == held(w, 1, "bonded", "reserved") == D("0")
    assert verify()[2] == []


def test_bad_input_names_every_field_and_writes_nothing(stocked):
    w = stocked
    with pytest.raises(DomainError) as exc:
        door(w, event_id="", door="门 1", item_no="x", quantity="-1", to_status="duty_paid", reference="")
    assert codes(exc) == [("event_id", "event_id_required"), ("door", "bad_door"), ("item_no", "not_a_number"),
                          ("quantity", "quantity_not_positive"), ("to_status", "door_status_pair"),
                          ("reference", "door_reference_required")]
    with pytest.raises(DomainError) as exc:
        door(w, from_status="bonded", to_status="bonded", quantity="1.000001")
    assert codes(exc) == [("quantity", "too_many_decimals"), ("to_status", "door_status_pair")]
    with pytest.raises(DomainError) as exc:  # pieces (unit 007) are whole: the list's unit scale applies
        door(w, quantity="2.5")
    assert codes(exc) == [("quantity", "too_many_decimals")]
    assert DoorPassage.objects.count() == 0 and not AuditEvent.objects.filter(action="door.pass").exists()


def test_only_the_books_owner_customs_and_admin_record(stocked):
    w = stocked
    with pytest.raises(NotFound):
        door(w, user="ent_b")
    with pytest.raises(Forbidden):
        door(w, user="tax")
    record, _ = door(w, user="customs_a")
    assert record.enterprise_id == w.ent_a.pk
    assert list(DoorPassage.objects.values_list("pk", flat=True)) == [record.pk]


def client_for(username: str, lang: str = "zh-hans") -> Client:
    c = Client(HTTP_ACCEPT_LANGUAGE=lang)
    assert c.login(username=username, password=PASSWORD)
    return c


def test_api_records_replays_and_refuses_with_fields(stocked):
    w = stocked
    c = client_for("ent_a", "en")
    body = {"book_id": w.book_a.pk, "event_id": "api-1", "door": "d2", "item_no": 1, "quantity": "3",
            "from_status": "non_bonded", "to_status": "bonded", "reference": w.door_list.number}
    r = c.post("/api/v1/gate/door-passages", json.dumps(body), content_type="application/json")
    assert r.status_code == 201 and r.json()["door"] == "D2" and r.json()["replayed"] is False
    assert (r.json()["vlist_id"], r.json()["list_line"]) == (w.door_list.pk, 1)
    r = c.post("/api/v1/gate/door-passages", json.dumps(body), content_type="application/json")
    assert r.status_code == 200 and r.json()["replayed"] is True and held(w, 1, "bonded") == D("9")
    r = c.post("/api/v1/gate/door-passages", json.dumps({**body, "event_id": "api-2", "quantity": "30"}),
               content_type="application/json")
    assert r.status_code == 400 and r.json()["errors"][0]["field"] == "quantity"
    r = c.post("/api/v1/gate/door-passages", json.dumps({**body, "event_id": "api-3", "reference": "QD-NONE"}),
               content_type="application/json")
    assert r.status_code == 400 and [(e["field"], e["code"]) for e in r.json()["errors"]] == [
        ("reference", "door_list_unknown")] and "QD-NONE" in r.json()["errors"][0]["message"]
    rows = c.get("/api/v1/gate/door-passages").json()
    assert [row["event_id"] for row in rows["items"]] == ["api-1"]
    assert client_for("ent_b").get("/api/v1/gate/door-passages").json()["items"] == []


def test_page_records_a_crossing_and_shows_it_in_both_languages(stocked):
    w = stocked
    c = client_for("ent_a", "en")
    r = c.get("/gate/door/")
    assert r.status_code == 200 and b"Warehouse doors" in r.content and b"door-form" in r.content
    form = {"book_id": str(w.book_a.pk), "door": "D1", "item_no": "1", "quantity": "2", "to_status": "bonded",
            "reference": w.door_list.number, "event_id": "page-1"}
    r = c.post("/gate/door/", form)
    assert r.status_code == 302 and held(w, 1, "bonded") == D("8")
    r = c.post("/gate/door/", {**form, "event_id": "page-2", "reference": "", "quantity": "abc"})
    assert r.status_code == 400 and b"form-errors" in r.content and DoorPassage.objects.count() == 1
    zh = client_for("customs_a").get("/gate/door/").content.decode()
    assert "库门" in zh and w.door_list.number in zh and "状态转换清单" in zh
    assert b"door-form" not in client_for("zone_a").get("/gate/door/").content  # sees, does not record


def test_cli_records_and_refuses_with_a_sentence(stocked):
    w = stocked
    out = StringIO()
    args = ["--book", str(w.book_a.pk), "--item", "1", "--quantity", "5", "--to", "bonded", "--door", "D1",
            "--reference", w.door_list.number, "--event-id", "cli-1", "--user", "ent_a"]
    call_command("gate_door", *args, stdout=out)
    assert "non_bonded → bonded" in out.getvalue() and held(w, 1, "bonded") == D("11")
    call_command("gate_door", *args, stdout=out)
    assert "already recorded" in out.getvalue() and held(w, 1, "bonded") == D("11")
    with pytest.raises(CommandError):
        call_command("gate_door", *args[:-4], "--event-id", "cli-2", "--user", "ent_a", "--quantity", "50")
    assert DoorPassage.objects.count() == 1


@pytest.mark.parametrize("book_id", ["１", "٣"])
def test_the_door_page_does_not_read_other_scripts_digits_as_a_book(stocked, book_id):
    w = stocked
    form = {"book_id": book_id, "door": "D1", "item_no": "1", "quantity": "2", "to_status": "bonded",
            "reference": w.door_list.number, "event_id": "page-digits"}
    r = client_for("ent_a", "en").post("/gate/door/", form)
    assert r.status_code == 400 and b"Choose an account book." in r.content
    assert not DoorPassage.objects.exists()
