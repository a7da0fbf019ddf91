"""A unit change of an item (备案变更) and a list naming the item, at the same moment on PostgreSQL (two
connections): the two take turns on the item's row (the list locks the items it names FOR SHARE, change_item
locks its item FOR UPDATE before counting what names it), so either the change sees the list's line and is
refused (item_in_use), or the list is validated against the changed unit — never a line stored in a unit the
item no longer has."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connection, connections
from django.utils import timezone

from bondzone.core.domain.errors import DomainError
from bondzone.supervision import services
from bondzone.supervision.models import BookItem, VerificationListLine
from bondzone.supervision.services import books as book_services
from bondzone.supervision.services import lists as list_services

from ..conftest import build_world, key

pytestmark = pytest.mark.postgres

PAUSE = 2.0  # how long one side holds its transaction open, waiting for the other to go first


def in_thread(fn, outcome: dict, name: str) -> threading.Thread:
    def run():
        try:
            fn()
            outcome[name] = "done"
        except DomainError as exc:
            outcome[name] = {p.code for p in exc.problems}
        except BaseException as exc:  # noqa: BLE001 - asserted below
            outcome[name] = exc
        finally:
            connections.close_all()

    t = threading.Thread(target=run)
    t.start()
    return t


def race(monkeypatch, module, name: str, first, second, *, hold_after: bool = False) -> dict:
    """`first` runs in a thread until it calls `module.name` — before the call, or just after it with
    `hold_after` — and there holds its transaction open until `second`, started meanwhile in another thread,
    has ended (or PAUSE has passed: without the lock `second` commits there). Each one's outcome ("done", its
    refusal codes, or the exception) by its function's name."""
    reached, ended = threading.Event(), threading.Event()
    original = getattr(module, name)

    def holding(*args, **kwargs):
        result = original(*args, **kwargs) if hold_after else None
        reached.set()
        ended.wait(PAUSE)
        return result if hold_after else original(*args, **kwargs)

    def second_then_signal():
        try:
            second()
        finally:
            ended.set()

    monkeypatch.setattr(module, name, holding)
    outcome: dict = {}
    threads = [in_thread(first, outcome, first.__name__)]
    assert reached.wait(10)
    threads.append(in_thread(second_then_signal, outcome, second.__name__))
    for t in threads:
        t.join(30)
    return outcome


def consistent(world) -> None:
    """Every line naming item 3 is stored in the item's declared unit."""
    item = BookItem.objects.get(book=world.book_a, item_no=3)
    units = set(VerificationListLine.objects.filter(item=item).values_list("book_unit", flat=True))
    assert units <= {item.declared_unit}, (item.declared_unit, units)


def actions(world):
    owner, customs = world.actor("ent_a"), world.actor("customs")

    def create():
        services.create_list(actor=owner, book_id=world.book_a.pk, idempotency_key=key(), data={
            "direction": "I", "trade_mode": "5034",
            "lines": [{"item_no": 3, "quantity": "5", "unit": "011", "value": "1.00"}]})

    def change():
        services.change_item(actor=customs, book_id=world.book_a.pk, item_no=3, idempotency_key=key(),
                             data={"declared_unit": "035", "legal_unit": "035"})

    return create, change


@pytest.fixture
def pg_world(ledger_triggers):
    if connection.vendor != "postgresql":
        pytest.skip("row locking is exercised on PostgreSQL (SQLite runs one write transaction at a time)")
    return build_world()


def test_a_unit_change_during_a_lists_creation_waits_and_sees_its_line(pg_world, monkeypatch):
    """The list reads the item first (and, fixed, locks it) and holds its transaction open; the change comes
    meanwhile."""
    create, change = actions(pg_world)
    outcome = race(monkeypatch, list_services, "validate_list", create, change)
    assert outcome == {"create": "done", "change": {"item_in_use"}}, outcome
    consistent(pg_world)
    assert BookItem.objects.get(book=pg_world.book_a, item_no=3).declared_unit == "011"


def test_a_list_created_during_a_unit_change_waits_and_is_validated_against_the_new_unit(pg_world, monkeypatch):
    """The change locks the item and counts what names it first, and holds its transaction open; the list comes
    meanwhile."""
    create, change = actions(pg_world)
    outcome = race(monkeypatch, book_services, "_item_use", change, create, hold_after=True)
    assert outcome == {"change": "done", "create": {"wrong_unit"}}, outcome  # 011 is no unit of the item any more
    consistent(pg_world)
    assert BookItem.objects.get(book=pg_world.book_a, item_no=3).declared_unit == "035"


def test_a_unit_change_during_a_boms_declaration_waits_and_counts_it(pg_world, monkeypatch):
    """The processing app's BOM version (单耗) names the material: declared at the same moment as the material's
    unit change, the change waits for it and is refused with the BOM count."""
    from bondzone.processing.services import boms as bom_services

    from .test_processing_kind import make_book

    book = make_book(pg_world, "H01101000001", "imported")  # item 1 a material, item 2 finished, unit 007

    def declare():
        bom_services.declare_bom(actor=pg_world.actor("ent_a"), book_id=book.pk, data={
            "finished_no": 2, "version": "V1", "valid_from": (timezone.localdate() - timedelta(days=10)).isoformat(),
            "lines": [{"material_no": 1, "net": "2"}]})

    def change():
        services.change_item(actor=pg_world.actor("customs"), book_id=book.pk, item_no=1, idempotency_key=key(),
                             data={"declared_unit": "035", "legal_unit": "035"})

    outcome = race(monkeypatch, bom_services, "validate_bom", declare, change)
    assert outcome == {"declare": "done", "change": {"item_in_use"}}, outcome
    assert BookItem.objects.get(book=book, item_no=1).declared_unit == "007"


def test_a_unit_change_during_a_documents_posting_waits_and_counts_its_movement(pg_world, monkeypatch):
    """A document (production report, stock-take) posts the item in its unit while customs changes the unit: the
    change waits for the posting and is refused with the movement counted."""
    from decimal import Decimal

    from bondzone.supervision.domain.posting import Move
    from bondzone.supervision.services import postings

    _, change = actions(pg_world)

    def post():
        services.post_document(actor=pg_world.actor("customs"), book_id=pg_world.book_a.pk, source_kind="stocktake",
                               source_id=1, moves=[Move(1, 3, "bonded", Decimal("5"), "011")], event_id=key(),
                               idempotency_key=key())

    outcome = race(monkeypatch, postings, "item_info", post, change)  # item_info: after the items were read
    assert outcome == {"post": "done", "change": {"item_in_use"}}, outcome
    assert BookItem.objects.get(book=pg_world.book_a, item_no=3).declared_unit == "011"


def submitted_list_of_imported_goods(world):
    """An H book whose item 1 (imported material) has 5 pieces in stock, and a submitted 5000 list (out to 境内区外)
    of 2 of them: (book, list)."""
    from decimal import Decimal

    from bondzone.supervision.domain.posting import Move

    from .test_processing_kind import make_book

    book = make_book(world, "H01101000001", "imported")
    owner = world.actor("ent_a")
    services.post_document(actor=owner, book_id=book.pk, source_kind="production", source_id=1,
                           moves=[Move(1, 1, "bonded", Decimal("5"))], event_id=key(), idempotency_key=key())
    vlist = services.create_list(actor=owner, book_id=book.pk, idempotency_key=key(), data={
        "direction": "E", "trade_mode": "5000", "transport_mode": "Y",
        "lines": [{"item_no": 1, "quantity": "2", "unit": "007", "value": "1.00"}]})
    services.submit_list(actor=owner, list_id=vlist.pk, idempotency_key=key())
    return book, vlist


def test_a_solid_waste_mark_during_a_lists_approval_waits_and_holds_the_list(pg_world, monkeypatch):
    """Customs approves a 5000 list of item 1 (out to 境内区外) and, at the same moment, marks the item as solid waste:
    the approval checked the item before the mark and holds its transaction open; the mark waits on the list row
    (books.hold_open_lists locks the submitted lists naming the item too) and then holds the approved list, so its
    goods stop at the gate."""
    from bondzone.supervision.models import VerificationList

    book, vlist = submitted_list_of_imported_goods(pg_world)
    customs = pg_world.actor("customs")

    def approve():
        services.approve_list(actor=customs, list_id=vlist.pk, idempotency_key=key())

    def mark():
        services.change_item(actor=customs, book_id=book.pk, item_no=1, idempotency_key=key(),
                             data={"solid_waste": True})

    outcome = race(monkeypatch, list_services, "_check_solid_waste", approve, mark, hold_after=True)
    assert outcome == {"approve": "done", "mark": "done"}, outcome
    vlist = VerificationList.objects.get(pk=vlist.pk)
    assert (vlist.status, vlist.posting_state) == ("approved", "reserved")
    assert [h["item"] for h in vlist.solid_waste_held] == [1]
