"""Verification lists (核注清单): create, submit, withdraw, approve (reserve or post), reject, delete a
draft, cancel an approved list before posting (删单), reverse."""

from __future__ import annotations

import uuid
from datetime import date

from django.db import connection, transaction
from django.utils import timezone

from bondzone.core import audit, idempotency
from bondzone.core.actor import Actor
from bondzone.core.domain.errors import DomainError, problem
from bondzone.core.domain.quantity import from_units
from bondzone.core.scoping import get_scoped

from .. import ledger, selectors
from ..domain.codes import Direction, ListStatus, PostingState
from ..domain.trade_modes import needs_passage
from ..domain.validation import BookInfo, validate_list
from ..models import AccountBook, VerificationList, VerificationListLine
from .books import book_info, items_of

DEFAULT_OFFICE = "0100"


# ---------------------------------------------------------------- snapshots for the audit trail
def list_snapshot(v: VerificationList) -> dict:
    return {
        "number": v.number,
        "book": v.book_id,
        "direction": v.direction,
        "trade_mode": v.trade_mode,
        "list_type": v.list_type,
        "status": v.status,
        "posting_state": v.posting_state,
        "line_count": v.line_count,
        "effective_date": v.effective_date.isoformat() if v.effective_date else None,
        "reverses": v.reverses_id,
    }


# ---------------------------------------------------------------- verification lists
def insert_list(actor: Actor, book: AccountBook, header, lines, item_ids: dict[int, int]) -> VerificationList:
    """Insert a validated draft list and its lines (inside the caller's transaction)."""
    vlist = VerificationList.objects.create(
        number="tmp-" + uuid.uuid4().hex[:16], book=book, enterprise_id=book.enterprise_id, zone_id=book.zone_id,
        direction=header.direction.value, trade_mode=header.trade_mode, list_type=header.list_type,
        item_kind=header.item_kind, declaration_no=header.declaration_no, inner_no=header.inner_no,
        remarks=header.remarks, line_count=len(lines), created_by_id=actor.user_id,
    )
    office = book.zone.customs_office_code or DEFAULT_OFFICE
    vlist.number = f"QD{office}{timezone.localdate():%y}{header.direction.value}{vlist.pk:09d}"
    vlist.save(update_fields=["number"])
    for start in range(0, len(lines), 2000):
        VerificationListLine.objects.bulk_create(
            [
                VerificationListLine(
                    vlist=vlist, seq=ln.seq, item_id=item_ids[ln.item_no], quantity=ln.quantity, unit=ln.unit,
                    value=ln.value, currency=ln.currency, goods_status=ln.goods_status,
                )
                for ln in lines[start : start + 2000]
            ]
        )
    audit.record(actor, "list.create", vlist, after=list_snapshot(vlist))
    return vlist


def _new_list(actor: Actor, book: AccountBook, data: dict) -> VerificationList:
    infos, ids = items_of(book)
    validated, problems = validate_list(data, book_info(book), infos)
    if problems:
        raise DomainError(problems)
    header, lines = validated
    return insert_list(actor, book, header, lines, ids)


def create_list(*, actor: Actor, book_id: int, data: dict, idempotency_key: str | None) -> VerificationList:
    actor.require("supervision.add_list")
    payload = {"book_id": book_id, **data}

    def do() -> dict:
        book = get_scoped(AccountBook.objects.select_related("zone"), actor, book_id, action="change")
        return {"list_id": _new_list(actor, book, data).pk}

    result, _ = idempotency.run(actor, idempotency_key, "list.create", payload, do)
    return VerificationList.objects.get(pk=result["list_id"])


def _locked_list(actor: Actor, list_id: int) -> VerificationList:
    return get_scoped(
        VerificationList.objects.select_for_update(of=("self",)).select_related("book", "book__zone"), actor, list_id,
        action="change",
    )


def _require_state(vlist: VerificationList, expected: ListStatus) -> None:
    if vlist.status != expected.value:
        raise DomainError(problem("status", "list_wrong_state", list=vlist.number, state=vlist.status,
                                  expected=expected.value))


def _check_posting_date(book: BookInfo, effective_date: date, last: date | None) -> None:
    """`last`: the book's last posting date (ledger.last_posting_date), read inside the transaction."""
    today = timezone.localdate()
    if effective_date > today:
        raise DomainError(problem("effective_date", "date_in_future", value=effective_date))
    if not (book.valid_from <= effective_date <= book.valid_until):
        raise DomainError(problem("effective_date", "book_not_valid", book=book.number, date=effective_date,
                                  start=book.valid_from, end=book.valid_until))
    if not book.active:
        raise DomainError(problem("book", "book_not_active", book=book.number))
    if last and effective_date < last:
        # Back-dating behind the book's last posting would rewrite history others already read.
        raise DomainError(problem("effective_date", "posting_before_last", value=effective_date, last=last))


def submit_list(*, actor: Actor, list_id: int, idempotency_key: str | None) -> VerificationList:
    actor.require("supervision.submit_list")

    def do() -> dict:
        vlist = _locked_list(actor, list_id)
        _require_state(vlist, ListStatus.DRAFT)
        before = list_snapshot(vlist)
        vlist.status = ListStatus.SUBMITTED.value
        vlist.submitted_at = timezone.now()
        vlist.save(update_fields=["status", "submitted_at"])
        audit.record(actor, "list.submit", vlist, before=before, after=list_snapshot(vlist))
        return {"list_id": vlist.pk, "status": vlist.status}

    idempotency.run(actor, idempotency_key, "list.submit", {"list_id": list_id}, do)
    return VerificationList.objects.get(pk=list_id)


def approve_list(
    *, actor: Actor, list_id: int, idempotency_key: str | None, effective_date: date | None = None
) -> VerificationList:
    """Customs approval, in one transaction or refused whole: a list whose goods must still cross the
    fence (domain.trade_modes.needs_passage) RESERVES every line (预核扣; the passage posts), any other
    list posts every line at once.

    In the transaction: the idempotency record (claimed with the expected result, so a success needs no
    second write to it); one statement that locks the list (scoped to the actor) and reads its book and
    the book's last posting date; the date checks; the list's new status and the audit row; then the
    posting itself (ledger.post_list), last, so the account rows stay locked for as short a time as
    possible. A refusal anywhere rolls all of it back."""
    actor.require("supervision.approve_list")
    payload = {"list_id": list_id, "effective_date": effective_date.isoformat() if effective_date else None}

    def do() -> dict:
        vlist, book, last = selectors.lock_list_for_posting(actor, list_id)
        _require_state(vlist, ListStatus.SUBMITTED)
        when = effective_date or timezone.localdate()
        _check_posting_date(book, when, last)
        before = list_snapshot(vlist)
        vlist.status = ListStatus.APPROVED.value
        vlist.decided_at = timezone.now()
        vlist.decided_by_id = actor.user_id
        vlist.effective_date = when
        reserve = needs_passage(vlist)
        vlist.posting_state = (PostingState.RESERVED if reserve else PostingState.POSTED).value
        _save_decision(vlist)
        audit.record(actor, "list.approve", vlist, before=before, after=list_snapshot(vlist))
        ledger.post_list(list_id=vlist.pk, book_id=vlist.book_id, enterprise_id=vlist.enterprise_id,
                         zone_id=vlist.zone_id, sign=Direction(vlist.direction).sign, effective_date=when,
                         reserve=reserve)
        approved.append(vlist)
        return {"list_id": vlist.pk, "status": vlist.status}

    approved: list[VerificationList] = []
    _, replayed = idempotency.run(actor, idempotency_key, "list.approve", payload, do,
                                  expected={"list_id": list_id, "status": ListStatus.APPROVED.value})
    if replayed or not approved:
        return VerificationList.objects.get(pk=list_id)
    return approved[-1]  # the row as this committed transaction left it: no second read


def _save_decision(vlist: VerificationList) -> None:
    """UPDATE of the approval columns of a list row the caller holds locked (no ORM save machinery)."""
    with connection.cursor() as cur:
        cur.execute(
            "UPDATE supervision_verificationlist SET status = %s, decided_at = %s, decided_by_id = %s, "
            "effective_date = %s, posting_state = %s WHERE id = %s",
            [vlist.status, connection.ops.adapt_datetimefield_value(vlist.decided_at), vlist.decided_by_id,
             connection.ops.adapt_datefield_value(vlist.effective_date), vlist.posting_state, vlist.pk],
        )
        if cur.rowcount != 1:
            raise RuntimeError("locked list row vanished")


def reject_list(*, actor: Actor, list_id: int, reason: str) -> VerificationList:
    actor.require("supervision.reject_list")
    reason = _reason(reason)
    with transaction.atomic(durable=True):
        vlist = _locked_list(actor, list_id)
        _require_state(vlist, ListStatus.SUBMITTED)
        before = list_snapshot(vlist)
        vlist.status = ListStatus.REJECTED.value
        vlist.reject_reason = reason
        vlist.decided_at = timezone.now()
        vlist.decided_by_id = actor.user_id
        vlist.save(update_fields=["status", "reject_reason", "decided_at", "decided_by"])
        audit.record(actor, "list.reject", vlist, before=before, after={**list_snapshot(vlist), "reason": reason})
    return vlist


def delete_list(*, actor: Actor, list_id: int) -> None:
    actor.require("supervision.delete_list")
    with transaction.atomic(durable=True):
        vlist = _locked_list(actor, list_id)
        _require_state(vlist, ListStatus.DRAFT)
        before = list_snapshot(vlist)
        audit.record(actor, "list.delete", vlist, before=before)
        vlist.lines.all().delete()
        vlist.delete()


def withdraw_list(*, actor: Actor, list_id: int) -> VerificationList:
    """The enterprise takes a submitted list back (it becomes a draft again, to correct and resubmit)."""
    actor.require("supervision.withdraw_list")
    with transaction.atomic(durable=True):
        vlist = _locked_list(actor, list_id)
        _require_state(vlist, ListStatus.SUBMITTED)
        before = list_snapshot(vlist)
        vlist.status = ListStatus.DRAFT.value
        vlist.submitted_at = None
        vlist.save(update_fields=["status", "submitted_at"])
        audit.record(actor, "list.withdraw", vlist, before=before, after=list_snapshot(vlist))
    return vlist


def cancel_list(*, actor: Actor, list_id: int, reason: str, idempotency_key: str | None) -> VerificationList:
    """删单: delete an approved list before anything of it is posted; its reservations are voided."""
    actor.require("supervision.cancel_list")
    reason = _reason(reason)
    payload = {"list_id": list_id, "reason": reason}

    def do() -> dict:
        vlist = _locked_list(actor, list_id)
        _require_state(vlist, ListStatus.APPROVED)
        if vlist.posting_state != PostingState.RESERVED:
            raise DomainError(problem("status", "list_not_cancellable", list=vlist.number,
                                      state=vlist.get_posting_state_display()))
        before = list_snapshot(vlist)
        ledger.void(ledger.lock_reservations("list", vlist.pk), None, timezone.localdate())
        vlist.status = ListStatus.CANCELLED.value
        vlist.posting_state = PostingState.VOIDED.value
        vlist.save(update_fields=["status", "posting_state"])
        audit.record(actor, "list.cancel", vlist, before=before, after={**list_snapshot(vlist), "reason": reason})
        return {"list_id": vlist.pk, "status": vlist.status}

    idempotency.run(actor, idempotency_key, "list.cancel", payload, do)
    return VerificationList.objects.get(pk=list_id)


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(problem("reason", "reason_required"))
    if len(reason) > 500:
        raise DomainError(problem("reason", "too_long", max=500))
    return reason


def reverse_list(
    *, actor: Actor, list_id: int, reason: str, idempotency_key: str | None, effective_date: date | None = None
) -> VerificationList:
    """Undo an approved list, never by an edit: what is still reserved is voided; what is posted is
    undone by a counter-list that posts the opposite movements at once. Returns the counter-list, or the
    list itself when nothing of it was posted (then voiding was all there was to do)."""
    actor.require("supervision.reverse_list")
    reason = _reason(reason)
    payload = {"list_id": list_id, "reason": reason,
               "effective_date": effective_date.isoformat() if effective_date else None}

    def do() -> dict:
        original = _locked_list(actor, list_id)
        _require_state(original, ListStatus.APPROVED)
        if original.reverses_id is not None:
            raise DomainError(problem("list", "cannot_reverse_reversal"))
        existing = VerificationList.objects.filter(reverses=original).first()
        if existing is not None:
            raise DomainError(problem("list", "list_already_reversed", list=original.number, by=existing.number))
        if original.posting_state == PostingState.VOIDED:
            raise DomainError(problem("list", "list_already_voided", list=original.number))
        when = effective_date or timezone.localdate()
        _check_posting_date(book_info(original.book), when, ledger.last_posting_date(original.book_id))
        reservations = ledger.lock_reservations("list", original.pk)
        ledger.void(reservations, None, when)
        posted = {r.line: from_units(r.posted) for r in reservations}
        originals = [ln for ln in original.lines.order_by("seq")
                     if not reservations or posted.get(ln.seq)]
        if reservations:
            before = list_snapshot(original)
            original.posting_state = PostingState.VOIDED.value
            original.save(update_fields=["posting_state"])
            audit.record(actor, "list.void", original, before=before, after={**list_snapshot(original),
                                                                             "reason": reason})
        if not originals:
            return {"list_id": original.pk, "status": original.status}
        counter = _counter_list(actor, original, originals, posted if reservations else {}, reason, when)
        audit.record(actor, "list.reverse", original, after={"counter_list": counter.number, "reason": reason})
        audit.record(actor, "list.create", counter, after=list_snapshot(counter))
        return {"list_id": counter.pk, "status": counter.status}

    result, _ = idempotency.run(actor, idempotency_key, "list.reverse", payload, do)
    return VerificationList.objects.get(pk=result["list_id"])


def _counter_list(actor: Actor, original: VerificationList, lines: list[VerificationListLine],
                  posted: dict, reason: str, when: date) -> VerificationList:
    """A counter-list of the posted part of `original` (the line quantities, or `posted` shares by line
    when given), approved and posted at once."""
    direction = Direction(original.direction).opposite()
    now = timezone.now()
    counter = VerificationList.objects.create(
        number="tmp-" + uuid.uuid4().hex[:16], book=original.book, enterprise_id=original.enterprise_id,
        zone_id=original.zone_id, direction=direction.value, trade_mode=original.trade_mode,
        list_type=original.list_type, item_kind=original.item_kind, inner_no=original.inner_no,
        remarks=reason[:500], status=ListStatus.APPROVED.value, posting_state=PostingState.POSTED.value,
        reverses=original, line_count=len(lines), created_by_id=actor.user_id, submitted_at=now,
        decided_at=now, decided_by_id=actor.user_id, effective_date=when,
    )
    office = original.book.zone.customs_office_code or DEFAULT_OFFICE
    counter.number = f"QD{office}{timezone.localdate():%y}{direction.value}{counter.pk:09d}"
    counter.save(update_fields=["number"])
    VerificationListLine.objects.bulk_create(
        [
            VerificationListLine(vlist=counter, seq=ln.seq, item_id=ln.item_id, quantity=posted.get(ln.seq, ln.quantity),
                                 unit=ln.unit, value=ln.value, currency=ln.currency,
                                 goods_status=ln.goods_status, reverses=ln)
            for ln in lines
        ],
        batch_size=2000,
    )
    ledger.post_list(list_id=counter.pk, book_id=counter.book_id, enterprise_id=counter.enterprise_id,
                     zone_id=counter.zone_id, sign=direction.sign, effective_date=when)
    return counter
