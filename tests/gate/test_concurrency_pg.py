"""PostgreSQL: gate passages racing cancellations and duplicate deliveries of the same event. Every slip
ends passed (one passage that posted its share once) or cancelled (nothing posted), never both."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from django.db import connection, connections

from bondzone.core.actor import actor_of
from bondzone.core.domain.errors import DomainError
from bondzone.gate import services
from bondzone.gate.models import Passage, Slip
from bondzone.supervision import selectors as books

from ..conftest import build_world, key, post_list

pytestmark = pytest.mark.postgres

SLIPS = 12


def test_passages_race_cancellations(ledger_triggers):
    if connection.vendor != "postgresql":
        pytest.skip("row locking is exercised on PostgreSQL (SQLite serialises writers)")
    world = build_world()
    owner, customs = world.actor("ent_a"), world.actor("customs")
    post_list(world, direction="I", lines=[(1, "100")])
    out = post_list(world, direction="E", lines=[(1, str(SLIPS))], passed=False)  # reserved until its goods pass
    gate = services.create_gate(actor=customs, zone_id=world.zone_a.pk, code="G1", name="gate")
    slips = []
    for n in range(SLIPS):
        s = services.apply_slip(actor=owner, idempotency_key=key(), data={
            "slip_type": "2", "binding": "3", "direction": "E", "plate": f"京A{n:05d}", "vehicle_wt": "8000",
            "total_gross_wt": "10", "lists": [out.pk], "lines": [{"seq": 1, "quantity": "1"}]})
        slips.append(services.approve_slip(actor=customs, slip_id=s.pk, idempotency_key=key(), draw=Decimal(99)))
    gate_actor = actor_of(gate.user)
    errors: list[BaseException] = []
    start = threading.Barrier(3)

    def run(fn):
        def target():
            try:
                start.wait()
                fn()
            except BaseException as exc:  # noqa: BLE001 - asserted below
                errors.append(exc)
            finally:
                connections.close_all()
        return threading.Thread(target=target)

    for s in slips:
        event = {"event_id": f"ev-{s.pk}", "plate": s.plate, "direction": "E", "weighbridge_kg": "8010"}

        def cancel(slip=s):
            try:
                services.cancel_slip(actor=customs, slip_id=slip.pk, reason="race")
            except DomainError as exc:
                assert [p.code for p in exc.problems] == ["slip_wrong_state"], exc

        threads = [run(lambda e=event: services.report_passage(actor=gate_actor, data=e)),
                   run(lambda e=event: services.report_passage(actor=gate_actor, data=e)),  # a retried delivery
                   run(cancel)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert errors == []
    passed = 0
    for s in Slip.objects.filter(pk__in=[s.pk for s in slips]):
        passages = list(Passage.objects.filter(slip=s))
        assert len(passages) == 1  # the duplicate delivery found the first answer
        if s.status == "passed":
            passed += 1
            assert passages[0].outcome == "pass" and passages[0].posted
        else:
            assert s.status == "cancelled" and passages[0].outcome == "refuse" and not passages[0].posted
    account = books.accounts(customs, book_id=world.book_a.pk).get(item__item_no=1, goods_status="bonded")
    assert account.posted == Decimal(100 - passed)  # each passage posted its one unit exactly once


def test_door_passages_race_for_one_list_and_retries_never_double_post(ledger_triggers):
    """库门 on PostgreSQL: two doors report the whole of one status-change list at once (different event
    ids), each also delivered twice (a retry with the same event id), while customs cancels the list:
    the list posts at most once, as one passage, or is cancelled with nothing posted."""
    if connection.vendor != "postgresql":
        pytest.skip("row locking is exercised on PostgreSQL (SQLite serialises writers)")
    from bondzone.gate.models import DoorPassage
    from bondzone.supervision import services as ledger

    world = build_world()
    owner, customs = world.actor("ent_a"), world.actor("customs")
    post_list(world, direction="I", lines=[(1, "100")], status="non_bonded")
    lists = []
    for _ in range(6):
        v = ledger.create_list(actor=owner, book_id=world.book_a.pk, idempotency_key=key(), data={
            "direction": "I", "trade_mode": "9900", "lines": [{"item_no": 1, "quantity": "5", "unit": "007",
                                                               "goods_status": "non_bonded", "target_status": "bonded"}]})
        ledger.submit_list(actor=owner, list_id=v.pk, idempotency_key=key())
        lists.append(ledger.approve_list(actor=customs, list_id=v.pk, idempotency_key=key()))
    errors: list[BaseException] = []

    for v in lists:
        start = threading.Barrier(5)

        def run(fn):
            def target():
                try:
                    start.wait()
                    fn()
                except DomainError as exc:
                    if not {p.code for p in exc.problems} <= {"door_list_not_open", "list_not_awaiting_passage",
                                                               "nothing_reserved_on_line", "share_exceeds_reserved",
                                                               "list_not_cancellable", "door_exceeds_list"}:
                        errors.append(exc)
                except BaseException as exc:  # noqa: BLE001 - asserted below
                    errors.append(exc)
                finally:
                    connections.close_all()
            return threading.Thread(target=target)

        def report(door, v=v):
            services.record_door_passage(actor=owner, book_id=world.book_a.pk, data={
                "event_id": f"{door}-{v.pk}", "door": door, "item_no": 1, "quantity": "5",
                "from_status": "non_bonded", "to_status": "bonded", "reference": v.number})

        def cancel(v=v):
            ledger.cancel_list(actor=customs, list_id=v.pk, reason="race", idempotency_key=key())

        threads = [run(lambda: report("D1")), run(lambda: report("D1")), run(lambda: report("D2")),
                   run(lambda: report("D2")), run(cancel)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert errors == []
    passed = 0
    for v in lists:
        v.refresh_from_db()
        passages = list(DoorPassage.objects.filter(vlist=v))
        if v.posting_state == "posted":
            passed += 1
            assert len(passages) == 1 and v.status == "approved"
        else:
            assert v.status == "cancelled" and passages == []
    bonded = books.accounts(customs, book_id=world.book_a.pk).get(item__item_no=1, goods_status="bonded")
    non_bonded = books.accounts(customs, book_id=world.book_a.pk).get(item__item_no=1, goods_status="non_bonded")
    assert (bonded.posted, non_bonded.posted) == (Decimal(5 * passed), Decimal(100 - 5 * passed))
    assert bonded.incoming == non_bonded.reserved == 0
