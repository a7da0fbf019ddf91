"""Hypothesis state machine across the gate and processing: slips applied, approved, cancelled and
expired, vehicles passing (and retried events), production consuming what passed — checked after every
step against a small model: each reservation ends once, nothing goes negative, verify-books finds nothing."""

from __future__ import annotations

import itertools
import os
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone
from hypothesis import HealthCheck, settings, strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from bondzone.core.domain.errors import DomainError
from bondzone.gate import services as gate
from bondzone.gate.models import Slip
from bondzone.processing import services as processing
from bondzone.supervision import services as ledger
from bondzone.supervision.models import StockAccount
from bondzone.supervision.reconcile import verify

from ..conftest import key

LIST_QTY = Decimal(50)
NET = Decimal(2)  # one finished unit consumes 2 of the material (no loss)
_books = itertools.count(1)
_plates = itertools.count(1)


class GateMachine(RuleBasedStateMachine):
    gw = None  # the fixture's world with its gate, set by the test
    slips = Bundle("slips")

    def __init__(self):
        super().__init__()
        customs, owner = self.gw.actor("customs"), self.gw.actor("ent_a")
        today = timezone.localdate()
        self.book = ledger.create_book(actor=customs, enterprise_id=self.gw.world.ent_a.pk,
                                       number=f"H0110{next(_books):07d}", kind="H",
                                       valid_from=today - timedelta(days=10), valid_until=today + timedelta(days=300),
                                       processing_kind="imported")
        for item_no, kind, unit in ((1, "I", "035"), (10, "E", "007")):
            ledger.add_item(actor=customs, book_id=self.book.pk, data={
                "item_no": item_no, "kind": kind, "hs_code": "8501109990", "name_zh": "x", "declared_unit": unit,
                "legal_unit": unit})
        bom = processing.declare_bom(actor=owner, book_id=self.book.pk, data={
            "finished_no": 10, "version": "V1", "valid_from": today.isoformat(),
            "lines": [{"material_no": 1, "net": str(NET)}]})
        processing.decide_bom(actor=customs, bom_id=bom.pk, approve=True)
        data = {"direction": "I", "trade_mode": "5015", "item_kind": "I",
                "lines": [{"item_no": 1, "quantity": str(LIST_QTY), "unit": "035", "value": "1.00"}]}
        vlist = ledger.create_list(actor=owner, book_id=self.book.pk, data=data, idempotency_key=key())
        ledger.submit_list(actor=owner, list_id=vlist.pk, idempotency_key=key())
        self.vlist = ledger.approve_list(actor=customs, list_id=vlist.pk, idempotency_key=key())
        assert self.vlist.posting_state == "reserved"
        self.state: dict[int, str] = {}  # slip id -> applied / approved / expired / cancelled / passed
        self.qty: dict[int, Decimal] = {}
        self.posted = Decimal(0)  # material passed in, less what production consumed
        self.incoming = LIST_QTY
        self.finished = Decimal(0)
        self.last_event: tuple[dict, dict] | None = None

    def _live(self) -> Decimal:
        return sum((q for s, q in self.qty.items() if self.state[s] in ("applied", "approved", "passed")), Decimal(0))

    @rule(target=slips, qty=st.integers(min_value=1, max_value=20))
    def apply(self, qty):
        fits = Decimal(qty) <= LIST_QTY - self._live()
        try:
            slip = gate.apply_slip(actor=self.gw.actor("ent_a"), idempotency_key=key(), data={
                "slip_type": "2", "binding": "3", "direction": "I", "plate": f"京A{next(_plates):05d}",
                "vehicle_wt": "8000", "total_gross_wt": "100", "lists": [self.vlist.pk],
                "lines": [{"seq": 1, "quantity": str(qty)}]})
        except DomainError as exc:
            assert not fits and [p.code for p in exc.problems] == ["slip_exceeds_list"], exc
            return None
        assert fits
        self.state[slip.pk], self.qty[slip.pk] = "applied", Decimal(qty)
        return slip.pk

    @rule(slip=slips)
    def approve(self, slip):
        if slip is None:
            return
        try:
            gate.approve_slip(actor=self.gw.actor("customs"), slip_id=slip, idempotency_key=key(), draw=Decimal(99))
        except DomainError:
            assert self.state[slip] != "applied"
            return
        assert self.state[slip] == "applied"
        self.state[slip] = "approved"

    @rule(slip=slips)
    def cancel(self, slip):
        if slip is None:
            return
        try:
            gate.cancel_slip(actor=self.gw.actor("ent_a"), slip_id=slip, reason="作废")
        except DomainError:
            assert self.state[slip] in ("cancelled", "passed")
            return
        assert self.state[slip] in ("applied", "approved", "expired")
        self.state[slip] = "cancelled"

    @rule(slip=slips)
    def expire(self, slip):
        if slip is None or self.state[slip] != "approved":
            return
        Slip.objects.filter(pk=slip).update(valid_until=timezone.now() - timedelta(seconds=1))
        self.state[slip] = "expired"

    @rule(slip=slips)
    def arrive(self, slip):
        if slip is None:
            return
        s = Slip.objects.get(pk=slip)
        data = {"event_id": key(), "plate": s.plate, "direction": "I", "weighbridge_kg": "8100"}
        answer, replayed = gate.report_passage(actor=self.gw.gate_actor, data=data)
        assert not replayed
        if self.state[slip] == "approved":
            assert answer["outcome"] == "pass", answer
            self.state[slip] = "passed"
            self.posted += self.qty[slip]
            self.incoming -= self.qty[slip]
        else:
            assert answer["outcome"] == "refuse", (self.state[slip], answer)
        self.last_event = (data, answer)

    @rule()
    def retry_last_event(self):
        if self.last_event is None:
            return
        data, first = self.last_event
        answer, replayed = gate.report_passage(actor=self.gw.gate_actor, data=data)
        assert replayed and answer == first

    @rule(units=st.integers(min_value=1, max_value=10))
    def produce(self, units):
        need = NET * units
        try:
            processing.report_production(actor=self.gw.actor("ent_a"), book_id=self.book.pk, idempotency_key=key(),
                                         data={"outputs": [{"item_no": 10, "quantity": str(units)}]})
        except DomainError as exc:
            assert need > self.posted and [p.code for p in exc.problems] == ["consumption_exceeds_stock"], exc
            return
        assert need <= self.posted
        self.posted -= need
        self.finished += units

    @invariant()
    def book_matches_the_model(self):
        accounts = {(a.item.item_no, a.goods_status): a
                    for a in StockAccount.objects.filter(book=self.book).select_related("item")}
        material = accounts.get((1, "bonded"))
        assert (material.posted, material.incoming, material.reserved) == (self.posted, self.incoming, 0)
        finished = accounts.get((10, "bonded"))
        assert (finished.posted if finished else Decimal(0)) == self.finished

    @invariant()
    def books_fold(self):
        _, _, findings = verify()
        assert findings == []


def test_gate_and_processing_state_machine(gw):
    GateMachine.gw = gw
    run_state_machine_as_test(
        GateMachine,
        settings=settings(
            max_examples=int(os.environ.get("BONDZONE_STATEFUL_EXAMPLES", "6")),
            stateful_step_count=12,
            deadline=None,
            derandomize=True,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
        ),
    )
