"""PostgreSQL: copies of one receipt and contradicting receipts racing on one slip. The slip row is the
lock: one receipt applies, the same one again replays, a contradicting one is refused; never both."""

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


def test_racing_receipts_apply_once(ledger_triggers):
    if connection.vendor != "postgresql":
        pytest.skip("row locking is exercised on PostgreSQL (SQLite serialises writers)")
    world = build_world()
    customs = world.actor("customs")
    slips = [services.apply_slip(actor=world.actor("ent_a"), idempotency_key=key(), data={
        "slip_type": "6", "direction": "I", "plate": f"京A{n:05d}", "vehicle_wt": "8200"}) for n in range(6)]
    results: dict[int, list] = {s.pk: [] for s in slips}
    start = threading.Barrier(3 * len(slips))

    def run(slip, mark):
        def target():
            try:
                start.wait()
                outcome = services.apply_receipt(actor=customs, data=receipt_xml(slip.number, mark))
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
