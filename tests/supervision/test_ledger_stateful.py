"""Hypothesis state machine: random lists, approvals, rejections, reversals and retries with the same
idempotency key, checked step by step against a small pure reference model (TigerBeetle's auditor idea)."""

from __future__ import annotations

import itertools
import os
from decimal import Decimal

from hypothesis import HealthCheck, settings, strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, consumes, invariant, rule, run_state_machine_as_test

from bondzone.core.domain.errors import DomainError
from bondzone.supervision import services
from bondzone.supervision.models import AccountBook, StockAccount, StockEntry
from bondzone.supervision.reconcile import verify

from ..conftest import key

UNITS = {1: "007", 2: "035", 3: "011"}
_books = itertools.count(1)


class ReferenceBook:
    """The expected book: posted quantity per (item, status, unit); nothing else."""

    def __init__(self):
        self.posted: dict[tuple, Decimal] = {}

    def fits(self, sign: int, lines) -> bool:
        running = dict(self.posted)
        for item, status, qty in lines:
            k = (item, status, UNITS[item])
            running[k] = running.get(k, Decimal(0)) + sign * qty
            if running[k] < 0:
                return False
        return True

    def apply(self, sign: int, lines) -> None:
        for item, status, qty in lines:
            k = (item, status, UNITS[item])
            self.posted[k] = self.posted.get(k, Decimal(0)) + sign * qty


quantities = st.one_of(st.integers(1, 30).map(Decimal), st.decimals("0.001", "20", places=3))
line = st.tuples(st.sampled_from([1, 2, 3]), st.sampled_from(["bonded", "non_bonded", "duty_paid"]), quantities).map(
    lambda t: (t[0], t[1], t[2] if t[0] == 2 else t[2].to_integral_value() or Decimal(1))
)


class LedgerMachine(RuleBasedStateMachine):
    world = None  # set by the test

    submitted = Bundle("submitted")
    approved = Bundle("approved")

    def __init__(self):
        super().__init__()
        w = self.world
        src = w.book_a
        self.book = AccountBook.objects.create(
            number=f"T0110S{next(_books):06d}", kind="T", enterprise=w.ent_a, zone=w.zone_a,
            valid_from=src.valid_from, valid_until=src.valid_until)
        for item in src.items.all():
            item.pk = None
            item.book = self.book
            item.save()
        self.model = ReferenceBook()
        self.owner, self.customs = w.actor("ent_a"), w.actor("customs")
        self.lines_of: dict[int, list] = {}
        self.sign_of: dict[int, int] = {}
        self.approve_keys: dict[int, str] = {}
        self.reversed: set[int] = set()

    @rule(target=submitted, direction=st.sampled_from(["I", "E"]), lines=st.lists(line, min_size=1, max_size=4))
    def declare(self, direction, lines):
        # 9900 其他 takes every goods status: the machine exercises the ledger, not the trade-mode rules
        data = {"direction": direction, "trade_mode": "9900", "lines": [
            {"item_no": i, "quantity": str(q), "unit": UNITS[i], "goods_status": s} for i, s, q in lines]}
        k = key()
        vlist = services.create_list(actor=self.owner, book_id=self.book.pk, data=data, idempotency_key=k)
        again = services.create_list(actor=self.owner, book_id=self.book.pk, data=data, idempotency_key=k)
        assert again.pk == vlist.pk  # a retry creates nothing new
        services.submit_list(actor=self.owner, list_id=vlist.pk, idempotency_key=key())
        self.lines_of[vlist.pk] = lines
        self.sign_of[vlist.pk] = 1 if direction == "I" else -1
        return vlist.pk

    @rule(target=approved, list_id=consumes(submitted))
    def approve(self, list_id):
        sign, lines = self.sign_of[list_id], self.lines_of[list_id]
        expected_ok = self.model.fits(sign, lines)
        k = key()
        entries_before = StockEntry.objects.count()
        try:
            services.approve_list(actor=self.customs, list_id=list_id, idempotency_key=k)
        except DomainError as exc:
            assert not expected_ok, f"refused a list the model accepts: {exc}"
            assert {p.code for p in exc.problems} == {"insufficient_stock"}
            assert StockEntry.objects.count() == entries_before
            services.reject_list(actor=self.customs, list_id=list_id, reason="short")
            return None
        assert expected_ok, "posted a list that overdraws an account"
        self.model.apply(sign, lines)
        self.approve_keys[list_id] = k
        return list_id

    @rule(list_id=approved)
    def retry_approval(self, list_id):
        if list_id is None:
            return
        before = StockEntry.objects.count()
        services.approve_list(actor=self.customs, list_id=list_id, idempotency_key=self.approve_keys[list_id])
        assert StockEntry.objects.count() == before

    @rule(list_id=approved)
    def reverse(self, list_id):
        if list_id is None or list_id in self.reversed:
            return
        sign, lines = -self.sign_of[list_id], self.lines_of[list_id]
        expected_ok = self.model.fits(sign, lines)
        try:
            services.reverse_list(actor=self.customs, list_id=list_id, reason="test", idempotency_key=key())
        except DomainError as exc:
            assert not expected_ok, f"refused a reversal the model accepts: {exc}"
            return
        assert expected_ok, "reversal overdrew an account"
        self.model.apply(sign, lines)
        self.reversed.add(list_id)

    @invariant()
    def balances_match_model(self):
        actual = {(a.item.item_no, a.goods_status, a.unit): a.posted
                  for a in StockAccount.objects.filter(book=self.book).select_related("item")}
        expected = {k: v for k, v in self.model.posted.items()}
        for k in set(actual) | set(expected):
            assert actual.get(k, Decimal(0)) == expected.get(k, Decimal(0)), k
        assert all(v >= 0 for v in actual.values())

    @invariant()
    def books_fold(self):
        _, _, findings = verify()
        assert findings == []


def test_ledger_state_machine(world):
    LedgerMachine.world = world
    run_state_machine_as_test(
        LedgerMachine,
        settings=settings(
            max_examples=int(os.environ.get("BONDZONE_STATEFUL_EXAMPLES", "60")),
            stateful_step_count=15,
            deadline=None,
            derandomize=True,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
        ),
    )
