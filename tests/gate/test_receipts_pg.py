"""PostgreSQL: copies of one receipt and contradicting receipts racing on one slip. The slip row is the
lock: one receipt applies, the same one again replays, a contradicting one is refused; never both. Receipts of
different slips racing with one passport number: one applies, the others are refused as taken, never a 500."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from bondzone.core.domain.errors import DomainError
from bondzone.gate import services
from bondzone.gate.models import Slip, SlipReceipt

from ..conftest import build_world, key
from .test_messages import receipt_xml

pytestmark = pytest.mark.postgres


def passport_no(slip) -> str:
    return f"HF011026I{slip.pk:015d}"  # customs give each slip its own (24 characters)


def empty_slips(count: int):
    """customs, and `count` empty-vehicle slips of ent_a applied for (each awaits customs' receipt)."""
    world = build_world()
    return world.actor("customs"), [services.apply_slip(actor=world.actor("ent_a"), idempotency_key=key(), data={
        "slip_type": "6", "direction": "I", "plate": f"京A{n:05d}", "vehicle_wt": "8200"}) for n in range(count)]


def test_racing_receipts_apply_once(ledger_triggers):
    if connection.vendor != "postgresql":
        pytest.skip("row locking is exercised on PostgreSQL (SQLite serialises writers)")
    customs, slips = empty_slips(6)
    results: dict[int, list] = {s.pk: [] for s in slips}
    start = threading.Barrier(3 * len(slips))

    def run(slip, mark):
        def target():
            try:
                start.wait()
                outcome = services.apply_receipt(actor=customs,
                                                 data=receipt_xml(slip.number, mark, passport_no(slip)))
                results[slip.pk].append(("replayed" if outcome.replayed else "applied", mark))
            except DomainError as exc:
                results[slip.pk].append((exc.problems[0].code, mark))
            finally:
                connections.close_all()
        return threading.Thread(target=target)

    threads = [run(s, mark) for s in slips for mark in ("1", "1", "3")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for s in slips:
        outcomes = sorted(results[s.pk])
        applied = [m for what, m in outcomes if what == "applied"]
        assert len(applied) == 1, outcomes
        receipt = SlipReceipt.objects.get(slip_id=s.pk)
        assert receipt.decision == applied[0]
        assert Slip.objects.get(pk=s.pk).status == ("approved" if applied[0] == "1" else "cancelled")
        assert all(what in ("applied", "replayed", "receipt_conflicts") for what, _ in outcomes), outcomes


def test_receipts_of_two_slips_racing_with_one_passport_number_apply_once(ledger_triggers):
    if connection.vendor != "postgresql":
        pytest.skip("the unique key's wait is exercised on PostgreSQL (SQLite serialises writers)")
    customs, slips = empty_slips(8)
    outcomes: list[tuple[str, int]] = []
    errors: list[BaseException] = []
    start = threading.Barrier(len(slips))

    def run(slip):
        def target():
            try:
                start.wait()
                services.apply_receipt(actor=customs, data=receipt_xml(slip.number, "1", "HF011026I000000000000099"))
                outcomes.append(("applied", slip.pk))
            except DomainError as exc:
                outcomes.append((exc.problems[0].code, slip.pk))
            except BaseException as exc:  # an IntegrityError here would be a 500 at the API
                errors.append(exc)
            finally:
                connections.close_all()
        return threading.Thread(target=target)

    threads = [run(s) for s in slips]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    applied = [pk for what, pk in outcomes if what == "applied"]
    assert len(applied) == 1 and len(outcomes) == len(slips), outcomes
    assert {what for what, pk in outcomes if pk not in applied} == {"receipt_passport_no_taken"}
    assert list(SlipReceipt.objects.values_list("slip_id", flat=True)) == applied
    assert set(Slip.objects.filter(pk__in=[s.pk for s in slips], status="approved").values_list("pk", flat=True)) \
        == set(applied)
