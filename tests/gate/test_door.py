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

from ..conftest import PASSWORD, key, post_list


def held(world, item_no=1, status="non_bonded"):
    return sum((a.posted for a in books.accounts(world.actor("customs"), book_id=world.book_a.pk, goods_status=status)
                if a.item.item_no == item_no), D(0))


def door(world, user="ent_a", book=None, **kw):
    data = {"event_id": key(), "door": "D1", "item_no": 1, "quantity": "4", "from_status": "non_bonded",
            "to_status": "bonded", "reference": "QD011026I000000001", **kw}
    return services.record_door_passage(actor=world.actor(user), book_id=(book or world.book_a).pk, data=data)


@pytest.fixture
def stocked(world):
    post_list(world, direction="I", lines=[(1, "10")], status="non_bonded")
    post_list(world, direction="I", lines=[(1, "6")])
    return world


def codes(exc):
    return [(p.field, p.code) for p in exc.value.problems]


def test_a_door_crossing_changes_the_status_once_and_is_audited(stocked):
    w = stocked
    record, replayed = door(w, event_id="door-1")
    assert not replayed and (held(w, 1, "non_bonded"), held(w, 1, "bonded")) == (D("6"), D("10"))
    again, replayed = door(w, event_id="door-1", quantity="9")  # a repeated report: the first record, no posting
    assert replayed and again.pk == record.pk and held(w, 1, "bonded") == D("10")
    back, _ = door(w, from_status="bonded", to_status="non_bonded", quantity="3")
    assert (held(w, 1, "non_bonded"), held(w, 1, "bonded")) == (D("9"), D("7"))
    with pytest.raises(DomainError) as exc:  # pieces (unit 007) are whole: the book's unit scale applies
        door(w, quantity="2.5")
    assert codes(exc) == [("quantity", "too_many_decimals")]
    audit = AuditEvent.objects.filter(action="door.pass").order_by("id")
    assert [a.after["to"] for a in audit] == ["bonded", "non_bonded"] and audit[0].after["reference"]
    assert audit[0].enterprise_id == w.ent_a.pk


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
    assert DoorPassage.objects.count() == 0 and not AuditEvent.objects.filter(action="door.pass").exists()


def test_more_than_held_or_an_unknown_item_is_refused_and_nothing_posts(stocked):
    w = stocked
    with pytest.raises(DomainError) as exc:
        door(w, quantity="11")
    assert [p.field for p in exc.value.problems] == ["quantity"]
    with pytest.raises(DomainError) as exc:
        door(w, item_no=99)
    assert codes(exc) == [("item_no", "unknown_item")]
    assert DoorPassage.objects.count() == 0 and held(w, 1, "non_bonded") == D("10")


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
            "from_status": "non_bonded", "to_status": "bonded", "reference": "QD-1"}
    r = c.post("/api/v1/gate/door-passages", json.dumps(body), content_type="application/json")
    assert r.status_code == 201 and r.json()["door"] == "D2" and r.json()["replayed"] is False
    r = c.post("/api/v1/gate/door-passages", json.dumps(body), content_type="application/json")
    assert r.status_code == 200 and r.json()["replayed"] is True and held(w, 1, "bonded") == D("9")
    r = c.post("/api/v1/gate/door-passages", json.dumps({**body, "event_id": "api-2", "quantity": "30"}),
               content_type="application/json")
    assert r.status_code == 400 and r.json()["errors"][0]["field"] == "quantity"
    rows = c.get("/api/v1/gate/door-passages").json()
    assert [row["event_id"] for row in rows["items"]] == ["api-1"]
    assert client_for("ent_b").get("/api/v1/gate/door-passages").json()["items"] == []


def test_page_records_a_crossing_and_shows_it_in_both_languages(stocked):
    w = stocked
    c = client_for("ent_a", "en")
    r = c.get("/gate/door/")
    assert r.status_code == 200 and b"Warehouse doors" in r.content and b"door-form" in r.content
    form = {"book_id": str(w.book_a.pk), "door": "D1", "item_no": "1", "quantity": "2", "to_status": "bonded",
            "reference": "QD-9", "event_id": "page-1"}
    r = c.post("/gate/door/", form)
    assert r.status_code == 302 and held(w, 1, "bonded") == D("8")
    r = c.post("/gate/door/", {**form, "event_id": "page-2", "reference": "", "quantity": "abc"})
    assert r.status_code == 400 and b"form-errors" in r.content and DoorPassage.objects.count() == 1
    zh = client_for("customs_a").get("/gate/door/").content.decode()
    assert "库门" in zh and "QD-9" in zh
    assert b"door-form" not in client_for("zone_a").get("/gate/door/").content  # sees, does not record


def test_cli_records_and_refuses_with_a_sentence(stocked):
    w = stocked
    out = StringIO()
    args = ["--book", str(w.book_a.pk), "--item", "1", "--quantity", "5", "--to", "bonded", "--door", "D1",
            "--reference", "QD-CLI", "--event-id", "cli-1", "--user", "ent_a"]
    call_command("gate_door", *args, stdout=out)
    assert "non_bonded → bonded" in out.getvalue() and held(w, 1, "bonded") == D("11")
    call_command("gate_door", *args, stdout=out)
    assert "already recorded" in out.getvalue() and held(w, 1, "bonded") == D("11")
    with pytest.raises(CommandError):
        call_command("gate_door", *args[:-4], "--event-id", "cli-2", "--user", "ent_a", "--quantity", "50")
    assert DoorPassage.objects.count() == 1
