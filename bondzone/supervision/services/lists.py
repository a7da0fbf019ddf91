"""Verification lists (核注清单): create, submit, withdraw, approve (reserve or post), reject, delete a draft,
correct; and the list reads and checks the amendments and the reversal share (amendments.py, reversal.py)."""

from __future__ import annotations

import uuid
from datetime import date

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from bondzone.core import audit, idempotency
from bondzone.core.actor import Actor
from bondzone.core.domain import inputs
from bondzone.core.domain.errors import DomainError, problem
from bondzone.core.scoping import get_scoped, restrict
from bondzone.sharing import services as sharing_services

from .. import ledger, selectors
from ..domain.codes import Direction, ListStatus, PostingState
from ..domain import trade_modes
from ..domain.posting import crosses_warehouse_door
from ..domain.trade_modes import needs_passage
from ..domain.validation import PAIRED_LIST_TYPES, PAIRED_TRADE_MODES, BookInfo, validate_list
from ..models import AccountBook, VerificationList, VerificationListLine
from .books import DECLARED_FIELDS, DeclaredItem, book_info, items_of, named_items

DEFAULT_OFFICE = "0100"


def pre_entry_number(office: str, vlist: VerificationList) -> str:
    """预录入统一编号, at creation: office (4) + year (4) + I/E + serial (9) = 18 characters."""
    return f"{office}{timezone.localdate():%Y}{vlist.direction}{vlist.pk:09d}"


def list_number(vlist: VerificationList) -> str:
    """清单编号, at approval: QD + office (4) + yy + I/E + serial (9) (domain-customs.md §2.4)."""
    return f"QD{vlist.pre_entry_no[:4]}{timezone.localdate():%y}{vlist.direction}{vlist.pk:09d}"


# ---------------------------------------------------------------- snapshots for the audit trail
def list_snapshot(v: VerificationList) -> dict:
    return {
        "number": v.number,
        "pre_entry_no": v.pre_entry_no,
        "change_count": v.change_count,
        "book": v.book_id,
        "direction": v.direction,
        "trade_mode": v.trade_mode,
        "list_type": v.list_type,
        "status": v.status,
        "posting_state": v.posting_state,
        "line_count": v.line_count,
        "effective_date": v.effective_date.isoformat() if v.effective_date else None,
        "reverses": v.reverses_id,
        **{name: getattr(v, name) for name in NATIONAL_FIELDS if getattr(v, name)},
    }


# ---------------------------------------------------------------- verification lists
def insert_list(actor: Actor, book: AccountBook, header, lines, items: dict[int, DeclaredItem]) -> VerificationList:
    """Insert a validated draft list and its lines (inside the caller's transaction); `items`: the book's items
    as items_of read them, whose description each line keeps."""
    vlist = VerificationList.objects.create(
        pre_entry_no="t-" + uuid.uuid4().hex[:16], book=book, enterprise_id=book.enterprise_id, zone_id=book.zone_id,
        created_by_id=actor.user_id, **_header_fields(header, lines),
    )
    vlist.pre_entry_no = pre_entry_number(book.zone.customs_office_code or DEFAULT_OFFICE, vlist)
    vlist.save(update_fields=["pre_entry_no"])
    _insert_lines(vlist, lines, items)
    audit.record(actor, "list.create", vlist, after=list_snapshot(vlist))
    return vlist


NATIONAL_FIELDS = ("transport_mode", "departure_country", "declaration_flag", "declaration_type", "related_book_no")


def _header_fields(header, lines) -> dict:
    return {
        "direction": header.direction.value, "trade_mode": header.trade_mode, "list_type": header.list_type,
        "item_kind": header.item_kind, "declaration_no": header.declaration_no, "inner_no": header.inner_no,
        "remarks": header.remarks, "related_no": header.related_no, "line_count": len(lines),
        **{name: getattr(header, name) for name in NATIONAL_FIELDS},
        "changes_status": any(ln.target_status for ln in lines),
    }


def _insert_lines(vlist: VerificationList, lines, items: dict[int, DeclaredItem]) -> None:
    for start in range(0, len(lines), 2000):
        VerificationListLine.objects.bulk_create(
            [
                VerificationListLine(
                    vlist=vlist, seq=ln.seq, item_id=items[ln.item_no].id,
                    **{name: getattr(items[ln.item_no], name) for name in DECLARED_FIELDS},
                    quantity=ln.quantity, unit=ln.unit,
                    value=ln.value, currency=ln.currency, goods_status=ln.goods_status, target_status=ln.target_status,
                    book_quantity=ln.book_quantity, book_unit=ln.book_unit, legal_quantity=ln.legal_quantity,
                    second_quantity=ln.second_quantity, unit_price=ln.unit_price, origin_country=ln.origin_country,
                    destination_country=ln.destination_country, levy_mode=ln.levy_mode,
                    gross_weight=ln.gross_weight, net_weight=ln.net_weight,
                )
                for ln in lines[start : start + 2000]
            ]
        )


def _new_list(actor: Actor, book: AccountBook, data: dict) -> VerificationList:
    infos, items = items_of(book, lock=named_items(data))  # FOR SHARE: a unit change of them waits (change_item)
    validated, problems = validate_list(data, book_info(book), infos)
    if problems:
        raise DomainError(problems)
    header, lines = validated
    return insert_list(actor, book, header, lines, items)


def create_list(*, actor: Actor, book_id: int, data: dict, idempotency_key: str | None) -> VerificationList:
    actor.require("supervision.add_list")
    payload = {"book_id": book_id, **data}

    def do() -> dict:
        book = get_scoped(AccountBook.objects.select_related("zone"), actor, book_id, action="change")
        return {"list_id": _new_list(actor, book, data).pk}

    result, _ = idempotency.run(actor, idempotency_key, "list.create", payload, do)
    return VerificationList.objects.get(pk=result["list_id"])


def locked_list(actor: Actor, list_id: int) -> VerificationList:
    return get_scoped(
        VerificationList.objects.select_for_update(of=("self",)).select_related("book", "book__zone"), actor, list_id,
        action="change",
    )


def require_state(vlist: VerificationList, expected: ListStatus) -> None:
    if vlist.status != expected.value:
        raise DomainError(problem("status", "list_wrong_state", list=vlist.display_number, state=vlist.status,
                                  expected=expected.value))


def check_posting_date(book: BookInfo, effective_date: date, last: date | None) -> None:
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
        vlist = locked_list(actor, list_id)
        require_state(vlist, ListStatus.DRAFT)
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
        require_state(vlist, ListStatus.SUBMITTED)
        when = effective_date or timezone.localdate()
        partner = partner_of(actor, vlist, ListStatus.SUBMITTED)
        for v, b, last_date in ((vlist, book, last), *([partner] if partner else [])):
            _approve_one(actor, v, b, last_date, when)
        approved.append(vlist)
        return {"list_id": vlist.pk, "status": vlist.status}

    approved: list[VerificationList] = []
    _, replayed = idempotency.run(actor, idempotency_key, "list.approve", payload, do,
                                  expected={"list_id": list_id, "status": ListStatus.APPROVED.value})
    if replayed or not approved:
        return VerificationList.objects.get(pk=list_id)
    return approved[-1]  # the row as this committed transaction left it: no second read


def _approve_one(actor: Actor, vlist: VerificationList, book: BookInfo, last: date | None, when: date) -> None:
    check_posting_date(book, when, last)
    _check_solid_waste(vlist)
    before = list_snapshot(vlist)
    vlist.status = ListStatus.APPROVED.value
    vlist.decided_at = timezone.now()
    vlist.decided_by_id = actor.user_id
    vlist.effective_date = when
    vlist.number = list_number(vlist)
    reserve = awaits_passage(vlist)
    vlist.posting_state = (PostingState.RESERVED if reserve else PostingState.POSTED).value
    _save_decision(vlist)
    audit.record(actor, "list.approve", vlist, before=before, after=list_snapshot(vlist))
    sharing_services.list_approved(actor, vlist)  # the outbox event, in this transaction
    ledger.post_list(list_id=vlist.pk, book_id=vlist.book_id, enterprise_id=vlist.enterprise_id,
                     zone_id=vlist.zone_id, sign=Direction(vlist.direction).sign, effective_date=when,
                     reserve=reserve, changes_status=vlist.changes_status)


def _check_solid_waste(vlist: VerificationList) -> None:
    """An item customs marked as solid waste (固体废物) after the list was filed: approval does not take it into
    China either (trade_modes.goes_inland), refused naming the line as the list's creation would have. Read only
    for a list that could (a second-line outbound mode, or a status change)."""
    if not (vlist.changes_status or (vlist.direction == Direction.OUT and vlist.trade_mode in trade_modes.INLAND_MODES)):
        return
    marked = [ln for ln in vlist.lines.filter(item__solid_waste=True).select_related("item")
              if trade_modes.goes_inland(vlist.trade_mode, vlist.direction, ln)]
    if marked:
        info = book_info(AccountBook.objects.get(pk=vlist.book_id))
        raise DomainError([trade_modes.solid_waste_problem(f"lines[{ln.seq}].item_no", ln.item, info, vlist.trade_mode,
                                                           ln.seq) for ln in marked])


def awaits_passage(vlist: VerificationList) -> bool:
    """Does approval reserve (the passage of the goods posts) rather than post? A list whose goods cross
    the fence waits for the gate; a status change moves no goods across it and posts at approval, except
    bonded ↔ non-bonded, which is goods crossing a warehouse door: the door passage posts it (库门)."""
    if vlist.changes_status:
        return is_door_list(vlist.pk)
    return needs_passage(vlist)


def is_door_list(list_id: int) -> bool:
    """Every line of the list is a bonded ↔ non-bonded status change (domain.posting.crosses_warehouse_door)."""
    return crosses_warehouse_door(VerificationListLine.objects.filter(vlist_id=list_id)
                                  .values_list("goods_status", "target_status"))


def _is_paired(vlist: VerificationList) -> bool:
    return vlist.list_type in PAIRED_LIST_TYPES or vlist.trade_mode in PAIRED_TRADE_MODES


def partner_of(actor: Actor, vlist: VerificationList, expected: ListStatus):
    """The other list of a 区内流转 / 区间流转 pair (linked by 关联清单编号: the later list names the earlier
    one), locked with its book and last posting date — the two post together or not at all. None for a
    list that is not of a paired kind; refused when the partner is missing or not in `expected` state."""
    if not _is_paired(vlist):
        return None
    if vlist.related_no:
        match = Q(pre_entry_no=vlist.related_no) | Q(number=vlist.related_no)
    else:
        match = Q(related_no=vlist.pre_entry_no) | (Q(related_no=vlist.number) if vlist.number else Q(pk__in=[]))
    partner_id = (restrict(VerificationList, actor, "change").filter(match).exclude(pk=vlist.pk)
                  .filter(reverses__isnull=True)
                  .exclude(status__in=[ListStatus.REJECTED.value, ListStatus.CANCELLED.value])
                  .values_list("pk", flat=True).first())
    if partner_id is None:
        raise DomainError(problem("related_no", "related_list_missing", list=vlist.display_number,
                                  related=vlist.related_no or "—"))
    partner, book, last = selectors.lock_list_for_posting(actor, partner_id)
    if partner.status != expected or partner.direction == vlist.direction:
        raise DomainError(problem("related_no", "related_list_not_ready", list=partner.display_number,
                                  state=partner.status, expected=expected.value))
    return partner, book, last


def _save_decision(vlist: VerificationList) -> None:
    """UPDATE of the approval columns of a list row the caller holds locked (no ORM save machinery)."""
    with connection.cursor() as cur:
        cur.execute(
            "UPDATE supervision_verificationlist SET status = %s, decided_at = %s, decided_by_id = %s, "
            "effective_date = %s, posting_state = %s, number = %s WHERE id = %s",
            [vlist.status, connection.ops.adapt_datetimefield_value(vlist.decided_at), vlist.decided_by_id,
             connection.ops.adapt_datefield_value(vlist.effective_date), vlist.posting_state, vlist.number,
             vlist.pk],
        )
        if cur.rowcount != 1:
            raise RuntimeError("locked list row vanished")


def set_posting_state(vlist: VerificationList) -> None:
    """UPDATE of the posting state of a list row the caller holds locked."""
    with connection.cursor() as cur:
        cur.execute("UPDATE supervision_verificationlist SET posting_state = %s WHERE id = %s",
                    [vlist.posting_state, vlist.pk])


def reject_list(*, actor: Actor, list_id: int, reason: str) -> VerificationList:
    actor.require("supervision.reject_list")
    reason = inputs.required_reason(reason)
    with transaction.atomic(durable=True):
        vlist = locked_list(actor, list_id)
        require_state(vlist, ListStatus.SUBMITTED)
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
        vlist = locked_list(actor, list_id)
        require_state(vlist, ListStatus.DRAFT)
        before = list_snapshot(vlist)
        audit.record(actor, "list.delete", vlist, before=before)
        vlist.lines.all().delete()
        vlist.delete()


def withdraw_list(*, actor: Actor, list_id: int) -> VerificationList:
    """The enterprise takes a submitted list back (it becomes a draft again, to correct and resubmit)."""
    actor.require("supervision.withdraw_list")
    with transaction.atomic(durable=True):
        vlist = locked_list(actor, list_id)
        require_state(vlist, ListStatus.SUBMITTED)
        before = list_snapshot(vlist)
        vlist.status = ListStatus.DRAFT.value
        vlist.submitted_at = None
        vlist.save(update_fields=["status", "submitted_at"])
        audit.record(actor, "list.withdraw", vlist, before=before, after=list_snapshot(vlist))
    return vlist


def correct_list(*, actor: Actor, list_id: int, data: dict, idempotency_key: str | None) -> VerificationList:
    """Replace the header and lines of a draft or rejected list (a rejected one becomes a draft again, to
    resubmit); validated as a new list would be."""
    actor.require("supervision.add_list")
    payload = {"list_id": list_id, **data}

    def do() -> dict:
        vlist = locked_list(actor, list_id)
        if vlist.status not in (ListStatus.DRAFT, ListStatus.REJECTED):
            raise DomainError(problem("status", "list_wrong_state", list=vlist.display_number, state=vlist.status,
                                      expected=f"{ListStatus.DRAFT.value} / {ListStatus.REJECTED.value}"))
        infos, items = items_of(vlist.book, lock=named_items(data))
        validated, problems = validate_list(data, book_info(vlist.book), infos)
        if problems:
            raise DomainError(problems)
        header, lines = validated
        before = list_snapshot(vlist)
        for name, value in _header_fields(header, lines).items():
            setattr(vlist, name, value)
        vlist.status, vlist.reject_reason = ListStatus.DRAFT.value, ""
        vlist.save()
        vlist.lines.all().delete()
        _insert_lines(vlist, lines, items)
        audit.record(actor, "list.correct", vlist, before=before, after=list_snapshot(vlist))
        return {"list_id": vlist.pk, "status": vlist.status}

    idempotency.run(actor, idempotency_key, "list.correct", payload, do)
    return VerificationList.objects.get(pk=list_id)

