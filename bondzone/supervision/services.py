"""Writes to the account book. Each service checks the actor's permission, owns one durable
transaction (through core.idempotency for posting writes), and writes its audit row."""

from __future__ import annotations

import uuid
from datetime import date

from django.db import connection, transaction
from django.utils import timezone

from bondzone.core import audit, idempotency
from bondzone.core.actor import Actor
from bondzone.core.domain.errors import DomainError, problem
from bondzone.core.models import Enterprise
from bondzone.core.scoping import get_scoped

from . import ledger, selectors
from .domain.codes import BookKind, Direction, ListStatus
from .domain.validation import BookInfo, ItemInfo, validate_item, validate_list
from .models import AccountBook, BookItem, VerificationList, VerificationListLine

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
        "line_count": v.line_count,
        "effective_date": v.effective_date.isoformat() if v.effective_date else None,
        "reverses": v.reverses_id,
    }


def book_info(book: AccountBook) -> BookInfo:
    return BookInfo(book.number, book.kind, book.valid_from, book.valid_until, book.active)


def items_of(book: AccountBook) -> tuple[dict[int, ItemInfo], dict[int, int]]:
    infos: dict[int, ItemInfo] = {}
    ids: dict[int, int] = {}
    for pk, item_no, kind, u1, u2, u3 in BookItem.objects.filter(book=book).values_list(
        "pk", "item_no", "kind", "declared_unit", "legal_unit", "second_unit"
    ):
        infos[item_no] = ItemInfo(item_no, kind, tuple(dict.fromkeys(u for u in (u1, u2, u3) if u)))
        ids[item_no] = pk
    return infos, ids


# ---------------------------------------------------------------- books and items
def create_book(
    *, actor: Actor, enterprise_id: int, number: str, kind: str, valid_from: date, valid_until: date
) -> AccountBook:
    actor.require("supervision.add_book")
    problems = []
    number = (number or "").strip().upper()
    if not (number and len(number) <= 20 and number.isalnum()):
        problems.append(problem("number", "bad_code", value=number, length="1–20"))
    elif AccountBook.objects.filter(number=number).exists():
        problems.append(problem("number", "duplicate_value", value=number))
    if kind not in [k.value for k in BookKind]:
        problems.append(problem("kind", "bad_choice", value=kind, choices="T, H"))
    elif number and number[0] != kind:
        problems.append(problem("number", "book_number_prefix", kind=kind))
    if valid_from and valid_until and valid_until < valid_from:
        problems.append(problem("valid_until", "end_before_start", start=valid_from, end=valid_until))
    try:
        enterprise = get_scoped(Enterprise, actor, enterprise_id)
    except DomainError:
        enterprise = None
        problems.append(problem("enterprise_id", "not_found", model="enterprise", id=str(enterprise_id)))
    if problems:
        raise DomainError(problems)
    with transaction.atomic(durable=True):
        book = AccountBook.objects.create(
            number=number, kind=kind, enterprise=enterprise, zone_id=enterprise.zone_id,
            valid_from=valid_from, valid_until=valid_until,
        )
        audit.record(actor, "book.create", book, after={"number": number, "kind": kind,
                                                          "valid_from": str(valid_from), "valid_until": str(valid_until)})
    return book


def add_item(*, actor: Actor, book_id: int, data: dict) -> BookItem:
    actor.require("supervision.add_item")
    book = get_scoped(AccountBook, actor, book_id)
    clean, problems = validate_item(data)
    if clean and BookItem.objects.filter(book=book, item_no=clean["item_no"]).exists():
        problems.append(problem("item_no", "duplicate_item_no", value=clean["item_no"]))
    if problems:
        raise DomainError(problems)
    with transaction.atomic(durable=True):
        item = BookItem.objects.create(book=book, **{k: v for k, v in clean.items() if v is not None})
        audit.record(actor, "book_item.create", item, enterprise_id=book.enterprise_id, zone_id=book.zone_id,
                     after={k: str(v) for k, v in clean.items()})
    return item


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
    """Customs approval: posts every line in one transaction, or refuses the whole list.

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
        _save_decision(vlist)
        audit.record(actor, "list.approve", vlist, before=before, after=list_snapshot(vlist))
        ledger.post_list(list_id=vlist.pk, book_id=vlist.book_id, enterprise_id=vlist.enterprise_id,
                         zone_id=vlist.zone_id, sign=Direction(vlist.direction).sign, effective_date=when)
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
            "effective_date = %s WHERE id = %s",
            [vlist.status, connection.ops.adapt_datetimefield_value(vlist.decided_at), vlist.decided_by_id,
             connection.ops.adapt_datefield_value(vlist.effective_date), vlist.pk],
        )
        if cur.rowcount != 1:
            raise RuntimeError("locked list row vanished")


def reject_list(*, actor: Actor, list_id: int, reason: str) -> VerificationList:
    actor.require("supervision.reject_list")
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(problem("reason", "reason_required"))
    if len(reason) > 500:
        raise DomainError(problem("reason", "too_long", max=500))
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


def reverse_list(
    *, actor: Actor, list_id: int, reason: str, idempotency_key: str | None, effective_date: date | None = None
) -> VerificationList:
    """Undo an approved list by a counter-list that posts the opposite movements (never an edit)."""
    actor.require("supervision.reverse_list")
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(problem("reason", "reason_required"))
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
        when = effective_date or timezone.localdate()
        _check_posting_date(book_info(original.book), when, ledger.last_posting_date(original.book_id))
        direction = Direction(original.direction).opposite()
        counter = VerificationList.objects.create(
            number="tmp-" + uuid.uuid4().hex[:16], book=original.book, enterprise_id=original.enterprise_id,
            zone_id=original.zone_id, direction=direction.value, trade_mode=original.trade_mode,
            list_type=original.list_type, item_kind=original.item_kind, inner_no=original.inner_no,
            remarks=reason[:500], status=ListStatus.APPROVED.value, reverses=original,
            line_count=original.line_count, created_by_id=actor.user_id, submitted_at=timezone.now(),
            decided_at=timezone.now(), decided_by_id=actor.user_id, effective_date=when,
        )
        office = original.book.zone.customs_office_code or DEFAULT_OFFICE
        counter.number = f"QD{office}{timezone.localdate():%y}{direction.value}{counter.pk:09d}"
        counter.save(update_fields=["number"])
        originals = list(original.lines.order_by("seq"))
        VerificationListLine.objects.bulk_create(
            [
                VerificationListLine(vlist=counter, seq=ln.seq, item_id=ln.item_id, quantity=ln.quantity,
                                     unit=ln.unit, value=ln.value, currency=ln.currency,
                                     goods_status=ln.goods_status, reverses=ln)
                for ln in originals
            ],
            batch_size=2000,
        )
        ledger.post_list(list_id=counter.pk, book_id=counter.book_id, enterprise_id=counter.enterprise_id,
                         zone_id=counter.zone_id, sign=direction.sign, effective_date=when)
        audit.record(actor, "list.reverse", original, after={"counter_list": counter.number, "reason": reason})
        audit.record(actor, "list.create", counter, after=list_snapshot(counter))
        return {"list_id": counter.pk, "status": counter.status}

    result, _ = idempotency.run(actor, idempotency_key, "list.reverse", payload, do)
    return VerificationList.objects.get(pk=result["list_id"])
