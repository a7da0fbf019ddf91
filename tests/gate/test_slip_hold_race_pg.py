"""A slip's application or approval and a solid-waste mark of an item its list takes into China, at the same moment
on PostgreSQL (two connections). The mark (`change_item` → `books.hold_open_lists`) locks the approved lists naming
the item and writes their hold; the slip's application and approval lock the slip's lists in the statement that
reads their holds (after the enterprise / slip row, in list id order: the passage's lock order). So a hold written
while the slip is being applied for or approved is waited for and read — the slip is refused on the held line — and
never missed (a slip approved on a list already held)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection

from bondzone.gate import services as gate
from bondzone.gate.models import Slip
from bondzone.supervision import services
from bondzone.supervision.models import VerificationList
from bondzone.supervision.services import books as book_services

from ..conftest import build_world, key
from ..supervision.test_item_change_race_pg import race, submitted_list_of_imported_goods

pytestmark = pytest.mark.postgres


@pytest.fixture
def open_list(ledger_triggers):
    """An H book's item 1 with 5 pieces in stock and an approved 5000 list (out to 境内区外) taking 2 of them,
    its goods still to pass the gate."""
    if connection.vendor != "postgresql":
        pytest.skip("row locking is exercised on PostgreSQL (SQLite runs one write transaction at a time)")
    world = build_world()
    book, vlist = submitted_list_of_imported_goods(world)
    vlist = services.approve_list(actor=world.actor("customs"), list_id=vlist.pk, idempotency_key=key())
    assert vlist.posting_state == "reserved"
    return world, book, vlist


def slip_data(vlist) -> dict:
    return {"slip_type": "3", "binding": "2", "direction": "E", "plate": "京A12345", "vehicle_wt": "8000",
            "total_gross_wt": "500", "lists": [vlist.pk]}


def mark_action(world, book):
    def mark():
        services.change_item(actor=world.actor("customs"), book_id=book.pk, item_no=1, idempotency_key=key(),
                             data={"solid_waste": True})
    return mark


def test_an_approval_during_a_solid_waste_mark_waits_and_refuses_the_held_line(open_list, monkeypatch):
    """The mark has written the list's hold and holds its transaction open; customs approves the applied slip
    meanwhile: the approval waits on the list row, reads the hold and refuses (before: it read the hold as it was
    and approved)."""
    world, book, vlist = open_list
    slip = gate.apply_slip(actor=world.actor("ent_a"), data=slip_data(vlist), idempotency_key=key())

    def approve():
        gate.approve_slip(actor=world.actor("customs"), slip_id=slip.pk, idempotency_key=key(), draw=Decimal(99))

    outcome = race(monkeypatch, book_services, "hold_open_lists", mark_action(world, book), approve, hold_after=True)
    assert outcome == {"mark": "done", "approve": {"trade_mode_solid_waste"}}, outcome
    assert Slip.objects.get(pk=slip.pk).status == "applied"
    assert [h["item"] for h in VerificationList.objects.get(pk=vlist.pk).solid_waste_held] == [1]


def test_an_application_during_a_solid_waste_mark_waits_and_is_refused(open_list, monkeypatch):
    world, book, vlist = open_list

    def apply():
        gate.apply_slip(actor=world.actor("ent_a"), data=slip_data(vlist), idempotency_key=key())

    outcome = race(monkeypatch, book_services, "hold_open_lists", mark_action(world, book), apply, hold_after=True)
    assert outcome == {"mark": "done", "apply": {"trade_mode_solid_waste"}}, outcome
    assert not Slip.objects.exists()
