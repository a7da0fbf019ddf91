"""Hypothesis state machine: random lists approved (reserving, or posting at once), goods passing in
whole or partial shares (and a duplicate passage refused), cancellations (删单), reversals (void what is
reserved, counter-post what is posted), status changes and retries with the same idempotency key,
checked step by step against a small pure reference model (TigerBeetle's auditor idea): never negative,
every reservation ends once, balance = fold (verify-books finds nothing)."""

from __future__ import annotations

import itertools
import os
from decimal import Decimal

from hypothesis import HealthCheck, settings, strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, consumes, invariant, rule, run_state_machine_as_test

from bondzone.core.domain.errors import DomainError
from bondzone.supervision import services
from bondzone.supervision.domain.posting import status_change
from bondzone.supervision.models import AccountBook, StockAccount, StockEntry
from bondzone.supervision.reconcile import verify

from ..conftest import key

UNITS = {1: "007", 2: "035", 3: "011"}
ZERO = Decimal(0)
_books = itertools.count(1)
_documents = itertools.count(1)


class ReferenceBook:
    """The expected book: posted, reserved (outbound pending) and incoming (inbound pending) quantity per
    (item, status, unit), and what is still reserved on each line of each list."""

    def __init__(self):
        self.posted: dict[tuple, Decimal] = {}
        self.reserved: dict[tuple, Decimal] = {}
        self.incoming: dict[tuple, Decimal] = {}
        self.remaining: dict[int, dict[int, Decimal]] = {}  # list -> line -> still reserved
        self.passed: dict[int, dict[int, Decimal]] = {}  # list -> line -> posted by passages

    @staticmethod
    def key(item, status):
        return (item, status, UNITS[item])

    def available(self, k) -> Decimal:
        return self.posted.get(k, ZERO) - self.reserved.get(k, ZERO)

    def fits(self, sign: int, lines, *, reserve: bool = False, released=None) -> bool:
        """Whether signed lines can post (or reserve); `released`: outbound reservations voided first."""
        running: dict[tuple, Decimal] = {}
        for k, q in (released or {}).items():
            running[k] = running.get(k, self.available(k)) + q
        for item, status, qty in lines:
            k = self.key(item, status)
            running.setdefault(k, self.available(k))
            if sign < 0:
                running[k] -= qty
                if running[k] < 0:
                    return False
            elif not reserve:
                running[k] += qty
        return True

    def add(self, book: dict, k, q: Decimal) -> None:
        book[k] = book.get(k, ZERO) + q


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
        self.reserving: dict[int, bool] = {}
        self.approve_keys: dict[int, str] = {}
        self.events: dict[int, str] = {}
        self.ended: set[int] = set()  # reversed or cancelled

    @rule(target=submitted, direction=st.sampled_from(["I", "E"]), lines=st.lists(line, min_size=1, max_size=4),
          in_zone=st.booleans())
    def declare(self, direction, lines, in_zone):
        # 9900 其他 moves no goods across a fence and takes every goods status: it posts at approval; a 5034
        # list (bonded goods crossing the first line) reserves until its goods pass
        if not in_zone:
            lines = [(item, "bonded", qty) for item, _, qty in lines]
        data = {"direction": direction, "trade_mode": "9900" if in_zone else "5034", "lines": [
            {"item_no": i, "quantity": str(q), "unit": UNITS[i], "goods_status": s} for i, s, q in lines]}
        k = key()
        vlist = services.create_list(actor=self.owner, book_id=self.book.pk, data=data, idempotency_key=k)
        again = services.create_list(actor=self.owner, book_id=self.book.pk, data=data, idempotency_key=k)
        assert again.pk == vlist.pk  # a retry creates nothing new
        services.submit_list(actor=self.owner, list_id=vlist.pk, idempotency_key=key())
        self.lines_of[vlist.pk] = lines
        self.sign_of[vlist.pk] = 1 if direction == "I" else -1
        self.reserving[vlist.pk] = not in_zone
        return vlist.pk

    @rule(target=approved, list_id=consumes(submitted))
    def approve(self, list_id):
        sign, lines, reserve = self.sign_of[list_id], self.lines_of[list_id], self.reserving[list_id]
        expected_ok = self.model.fits(sign, lines, reserve=reserve)
        k = key()
        entries_before = StockEntry.objects.count()
        try:
            v = services.approve_list(actor=self.customs, list_id=list_id, idempotency_key=k)
        except DomainError as exc:
            assert not expected_ok, f"refused a list the model accepts: {exc}"
            assert {p.code for p in exc.problems} == {"insufficient_stock"}
            assert StockEntry.objects.count() == entries_before
            services.reject_list(actor=self.customs, list_id=list_id, reason="short")
            return None
        assert expected_ok, "approved a list that overdraws an account"
        assert v.posting_state == ("reserved" if reserve else "posted")
        m = self.model
        m.remaining[list_id], m.passed[list_id] = {}, {}
        for seq, (item, status, qty) in enumerate(lines, start=1):
            k2 = m.key(item, status)
            if not reserve:
                m.add(m.posted, k2, sign * qty)
            else:
                m.add(m.reserved if sign < 0 else m.incoming, k2, qty)
                m.remaining[list_id][seq] = qty
                m.passed[list_id][seq] = ZERO
        self.approve_keys[list_id] = k
        return list_id

    @rule(list_id=approved)
    def retry_approval(self, list_id):
        if list_id is None:
            return
        before = StockEntry.objects.count()
        services.approve_list(actor=self.customs, list_id=list_id, idempotency_key=self.approve_keys[list_id])
        assert StockEntry.objects.count() == before

    @rule(list_id=approved, whole=st.booleans(), data=st.data())
    def goods_pass(self, list_id, whole, data):
        m = self.model
        if list_id is None or list_id in self.ended or not any(m.remaining.get(list_id, {}).values()):
            return
        left = {seq: q for seq, q in m.remaining[list_id].items() if q}
        if whole:
            shares = None
            chosen = left
        else:
            seq = data.draw(st.sampled_from(sorted(left)))
            item = self.lines_of[list_id][seq - 1][0]
            step = Decimal("0.001") if item == 2 else Decimal(1)
            n = data.draw(st.integers(1, int(left[seq] / step)))
            chosen = {seq: n * step}
            shares = {seq: str(n * step)}
        event = key()
        r = services.pass_goods(actor=self.customs, list_id=list_id, event_id=event, shares=shares,
                                idempotency_key=key())
        assert r.posted == chosen
        sign = self.sign_of[list_id]
        for seq, q in chosen.items():
            item, status, _ = self.lines_of[list_id][seq - 1]
            k = m.key(item, status)
            m.add(m.posted, k, sign * q)
            m.add(m.reserved if sign < 0 else m.incoming, k, -q)
            m.remaining[list_id][seq] -= q
            m.passed[list_id][seq] += q
        assert r.complete == (not any(m.remaining[list_id].values()))
        self.events[list_id] = event

    @rule(list_id=approved)
    def duplicate_passage(self, list_id):
        if list_id is None or list_id not in self.events or not any(self.model.remaining[list_id].values()):
            return
        before = StockEntry.objects.count()
        try:
            services.pass_goods(actor=self.customs, list_id=list_id, event_id=self.events[list_id],
                                idempotency_key=key())
        except DomainError as exc:
            assert [p.code for p in exc.problems] == ["event_already_posted"]
        else:
            raise AssertionError("the same passage posted twice")
        assert StockEntry.objects.count() == before

    def _void_all(self, list_id) -> dict:
        """Model: void what is left of a list's reservations; returns the outbound quantities released."""
        m, sign, released = self.model, self.sign_of[list_id], {}
        for seq, q in m.remaining.get(list_id, {}).items():
            if not q:
                continue
            item, status, _ = self.lines_of[list_id][seq - 1]
            k = m.key(item, status)
            m.add(m.reserved if sign < 0 else m.incoming, k, -q)
            if sign < 0:
                released[k] = released.get(k, ZERO) + q
            m.remaining[list_id][seq] = ZERO
        return released

    @rule(list_id=approved)
    def cancel(self, list_id):
        m = self.model
        if list_id is None or list_id in self.ended:
            return
        nothing_posted = self.reserving[list_id] and not any(m.passed[list_id].values())
        try:
            services.cancel_list(actor=self.customs, list_id=list_id, reason="删单", idempotency_key=key())
        except DomainError as exc:
            assert not nothing_posted, f"refused to cancel a list with nothing posted: {exc}"
            assert [p.code for p in exc.problems] == ["list_not_cancellable"]
            return
        assert nothing_posted, "cancelled a list that had posted something"
        self._void_all(list_id)
        self.ended.add(list_id)

    @rule(list_id=approved)
    def reverse(self, list_id):
        m = self.model
        if list_id is None or list_id in self.ended:
            return
        sign = -self.sign_of[list_id]
        if self.reserving[list_id]:
            posted = [(item, status, m.passed[list_id][seq])
                      for seq, (item, status, _) in enumerate(self.lines_of[list_id], start=1)
                      if m.passed[list_id][seq]]
            released = {}
            for seq, q in m.remaining[list_id].items():
                item, status, _ = self.lines_of[list_id][seq - 1]
                if q and self.sign_of[list_id] < 0:
                    k = m.key(item, status)
                    released[k] = released.get(k, ZERO) + q
        else:
            posted, released = self.lines_of[list_id], {}
        expected_ok = m.fits(sign, posted, released=released)
        try:
            services.reverse_list(actor=self.customs, list_id=list_id, reason="test", idempotency_key=key())
        except DomainError as exc:
            assert not expected_ok, f"refused a reversal the model accepts: {exc}"
            return
        assert expected_ok, "reversal overdrew an account"
        self._void_all(list_id)
        for item, status, qty in posted:
            m.add(m.posted, m.key(item, status), sign * qty)
        self.ended.add(list_id)

    @rule(item=st.sampled_from([1, 3]), qty=st.integers(1, 10).map(Decimal),
          to_status=st.sampled_from(["duty_paid", "non_bonded"]))
    def change_status(self, item, qty, to_status):
        m, k = self.model, self.model.key(item, "bonded")
        expected_ok = m.available(k) >= qty
        try:
            services.post_document(actor=self.customs, book_id=self.book.pk, source_kind="status",
                                   source_id=next(_documents), moves=status_change(1, item, qty, "", "bonded", to_status),
                                   event_id=key(), idempotency_key=key())
        except DomainError as exc:
            assert not expected_ok, f"refused a status change the model accepts: {exc}"
            assert [(p.field, p.code) for p in exc.problems] == [("moves[1].quantity", "insufficient_stock")]
            return
        assert expected_ok, "status change overdrew an account"
        m.add(m.posted, k, -qty)
        m.add(m.posted, m.key(item, to_status), qty)

    @invariant()
    def balances_match_model(self):
        m = self.model
        actual = {(a.item.item_no, a.goods_status, a.unit): (a.posted, a.reserved, a.incoming)
                  for a in StockAccount.objects.filter(book=self.book).select_related("item")}
        for k in set(actual) | set(m.posted) | set(m.reserved) | set(m.incoming):
            expected = (m.posted.get(k, ZERO), m.reserved.get(k, ZERO), m.incoming.get(k, ZERO))
            assert actual.get(k, (ZERO, ZERO, ZERO)) == expected, k
        assert all(p >= r >= 0 and i >= 0 for p, r, i in actual.values())

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
