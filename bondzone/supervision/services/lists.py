"""Verification lists (核注清单): create, submit, withdraw, approve (reserve or post), reject, delete a
draft, cancel an approved list before posting (删单), reverse."""

from __future__ import annotations

from types import SimpleNamespace

import uuid
from datetime import date
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from bondzone.core import audit, idempotency
from bondzone.core.actor import Actor
from bondzone.core.domain.errors import DomainError, problem
from bondzone.core.domain import inputs
from bondzone.core.domain.quantity import from_units, to_units
from bondzone.core.scoping import get_scoped, restrict
from bondzone.sharing import services as sharing_services

from .. import ledger, selectors
from ..domain.codes import Direction, ListStatus, PostingState
from ..domain import trade_modes
from ..domain.posting import AccountKey, crosses_warehouse_door
from ..domain.trade_modes import needs_passage
from ..domain.validation import PAIRED_LIST_TYPES, PAIRED_TRADE_MODES, BookInfo, validate_header, validate_list
from ..models import AccountBook, VerificationList, VerificationListLine
from .books import DECLARED_FIELDS, DeclaredItem, book_info, items_of, named_items, solid_waste_hold

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


def _locked_list(actor: Actor, list_id: int) -> VerificationList:
    return get_scoped(
        VerificationList.objects.select_for_update(of=("self",)).select_related("book", "book__zone"), actor, list_id,
        action="change",
    )


def _require_state(vlist: VerificationList, expected: ListStatus) -> None:
    if vlist.status != expected.value:
        raise DomainError(problem("status", "list_wrong_state", list=vlist.display_number, state=vlist.status,
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
        partner = _partner(actor, vlist, ListStatus.SUBMITTED)
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
    _check_posting_date(book, when, last)
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


def _partner(actor: Actor, vlist: VerificationList, expected: ListStatus):
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


def correct_list(*, actor: Actor, list_id: int, data: dict, idempotency_key: str | None) -> VerificationList:
    """Replace the header and lines of a draft or rejected list (a rejected one becomes a draft again, to
    resubmit); validated as a new list would be."""
    actor.require("supervision.add_list")
    payload = {"list_id": list_id, **data}

    def do() -> dict:
        vlist = _locked_list(actor, list_id)
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


# 变更: no quantity, item or direction (the notes' "可允许修改" fields that the list keeps)
CHANGEABLE = ("trade_mode", "transport_mode", "declaration_no", "inner_no", "remarks")


def change_list(*, actor: Actor, list_id: int, changes: dict, reason: str, idempotency_key: str | None) -> VerificationList:
    """变更 of an approved list before anything of it is posted: header fields that move no quantity
    (trade mode, declaration number, internal number, remarks); the change count goes up by one. The new
    trade mode must take the list as it is and keep it awaiting the passage of its goods."""
    actor.require("supervision.change_list")
    reason = _reason(reason)
    unknown = sorted(set(changes) - set(CHANGEABLE))
    if unknown or not changes:
        raise DomainError([problem(name, "not_changeable", fields=", ".join(CHANGEABLE)) for name in unknown]
                          or [problem("changes", "no_changes")])
    payload = {"list_id": list_id, "changes": changes, "reason": reason}

    def do() -> dict:
        vlist = _locked_list(actor, list_id)
        _require_state(vlist, ListStatus.APPROVED)
        if vlist.posting_state != PostingState.RESERVED:
            raise DomainError(problem("status", "list_not_changeable", list=vlist.display_number,
                                      state=vlist.get_posting_state_display()))
        current = {name: getattr(vlist, name) for name in CHANGEABLE}
        merged = {**{n: getattr(vlist, n) for n in NATIONAL_FIELDS}, **current, **changes,
                  "direction": vlist.direction, "list_type": vlist.list_type, "item_kind": vlist.item_kind,
                  "related_no": vlist.related_no}
        info = book_info(vlist.book)
        header, problems = validate_header(merged, info)
        if header is not None:
            lines = [SimpleNamespace(seq=ln.seq, item_no=ln.item.item_no, goods_status=ln.goods_status)
                     for ln in vlist.lines.select_related("item")]
            problems += trade_modes.check(header, lines, info, items_of(vlist.book)[0])
            if not problems and not needs_passage(header):
                problems.append(problem("trade_mode", "change_would_post", value=header.trade_mode))
        if problems:
            raise DomainError(problems)
        before = list_snapshot(vlist)
        for name in CHANGEABLE:
            setattr(vlist, name, getattr(header, name))
        vlist.change_count += 1
        # a list held for solid waste (books.hold_open_lists) changed to a mode the mark allows is released
        held_before = vlist.solid_waste_held
        vlist.solid_waste_held = solid_waste_hold(vlist, info)
        hold = {"solid_waste_held": vlist.solid_waste_held} if vlist.solid_waste_held != held_before else {}
        vlist.save(update_fields=[*CHANGEABLE, "change_count", *hold])
        audit.record(actor, "list.change", vlist,
                     before={**before, **current, **({"solid_waste_held": held_before} if hold else {})},
                     after={**list_snapshot(vlist), **{n: getattr(vlist, n) for n in CHANGEABLE}, **hold,
                            "reason": reason})
        return {"list_id": vlist.pk, "status": vlist.status}

    idempotency.run(actor, idempotency_key, "list.change", payload, do)
    return VerificationList.objects.get(pk=list_id)


# 变更 of a door list: the quantities of its lines (INV101 body, 修改标志 1), never their item or statuses
DOOR_LINE_CHANGEABLE = ("quantity", "unit", "legal_quantity", "second_quantity", "value", "unit_price", "gross_weight",
                        "net_weight")
_LINE_INPUTS = ("quantity", "unit", "legal_quantity", "second_quantity", "value", "currency", "goods_status",
                "target_status", "unit_price", "origin_country", "destination_country", "levy_mode", "gross_weight",
                "net_weight")
_HEADER_INPUTS = ("direction", "trade_mode", "list_type", "item_kind", "related_no", "declaration_no", "inner_no",
                  "remarks", *NATIONAL_FIELDS)


def _door_line_changes(lines) -> dict[int, dict]:
    """`lines` (line number -> the fields that change, as typed) → by line number; every bad key named."""
    if not isinstance(lines, dict) or not lines:
        raise DomainError(problem("lines", "no_changes"))
    out: dict[int, dict] = {}
    problems = []
    for raw_seq, fields in lines.items():
        seq = inputs.parse_int(raw_seq)
        if seq is None or seq < 1:
            problems.append(problem(f"lines[{raw_seq}]", "not_an_integer", value=str(raw_seq)[:20]))
            continue
        if not isinstance(fields, dict) or not fields:
            problems.append(problem(f"lines[{seq}]", "no_changes"))
            continue
        problems += [problem(f"lines[{seq}].{name}", "not_changeable", fields=", ".join(DOOR_LINE_CHANGEABLE))
                     for name in sorted(set(fields) - set(DOOR_LINE_CHANGEABLE))]
        out[seq] = {name: "" if value is None else str(value) for name, value in fields.items()}
    if problems:
        raise DomainError(problems)
    return out


def change_door_list(*, actor: Actor, list_id: int, lines: dict, reason: str,
                     idempotency_key: str | None) -> VerificationList:
    """变更 of an approved door list (every line bonded ↔ non-bonded, reserved for the warehouse door, is_door_list)
    before any of its goods passed the door: the quantity fields of its lines (`lines`: line number -> the fields
    that change). The list is validated again whole, as a new one would be (a changed quantity without its legal
    quantities gets them computed again); each changed line declares its item as it is now; its two reservations
    take the new book quantity (ledger.resize: what more leaves an account must be available); the change count
    goes up by one; one audit row `list.change` with the lines before and after. Once a share has posted the list
    is refused (reverse it instead), as change_list refuses. A list that is not a door list is refused on `list`
    before anything else (its lines, the reason, the Idempotency-Key) is looked at."""
    actor.require("supervision.change_list")
    vlist = get_scoped(VerificationList, actor, list_id, action="change")
    if not is_door_list(vlist.pk):
        raise DomainError(problem("list", "list_not_door_change", list=vlist.display_number))
    reason = _reason(reason)
    changes = _door_line_changes(lines)
    payload = {"list_id": list_id, "lines": {str(seq): fields for seq, fields in sorted(changes.items())},
               "reason": reason}

    def do() -> dict:
        vlist = _locked_list(actor, list_id)
        _require_state(vlist, ListStatus.APPROVED)
        if not is_door_list(vlist.pk):
            raise DomainError(problem("list", "list_not_door_change", list=vlist.display_number))
        if vlist.posting_state != PostingState.RESERVED:
            raise DomainError(problem("status", "list_not_changeable", list=vlist.display_number,
                                      state=vlist.get_posting_state_display()))
        saved = list(vlist.lines.select_related("item").order_by("seq"))
        unknown = sorted(set(changes) - {ln.seq for ln in saved})
        if unknown:
            raise DomainError([problem(f"lines[{seq}]", "door_change_no_line", list=vlist.display_number, line=seq,
                                       count=len(saved)) for seq in unknown])
        data = {**{name: getattr(vlist, name) for name in _HEADER_INPUTS},
                "lines": [_raw_line(ln, changes.get(ln.seq, {})) for ln in saved]}
        infos, items = items_of(vlist.book, lock={ln.item.item_no for ln in saved})
        validated, problems = validate_list(data, book_info(vlist.book), infos)
        if problems:
            raise DomainError(problems)
        new = {ln.seq: ln for ln in validated[1]}
        before = {str(ln.seq): _door_line_snapshot(ln) for ln in saved if ln.seq in changes}
        reservations = ledger.lock_reservations("list", vlist.pk)
        by_seq = {ln.seq: ln for ln in saved}
        ledger.resize(
            reservations,
            {r.id: to_units(new[r.line].book_quantity) for r in reservations if r.line in changes},
            {r.id: AccountKey(by_seq[r.line].item.item_no,
                              by_seq[r.line].goods_status if r.sign < 0 else by_seq[r.line].target_status, r.unit)
             for r in reservations if r.line in changes},
            timezone.localdate(),
        )
        changed = []
        for seq in sorted(changes):
            ln, v = by_seq[seq], new[seq]
            for name in (*DOOR_LINE_CHANGEABLE, "book_quantity"):
                setattr(ln, name, getattr(v, name))
            for name in DECLARED_FIELDS:
                setattr(ln, name, getattr(items[ln.item.item_no], name))
            changed.append(ln)
        VerificationListLine.objects.bulk_update(changed, [*DOOR_LINE_CHANGEABLE, "book_quantity", *DECLARED_FIELDS])
        list_before = list_snapshot(vlist)
        vlist.change_count += 1
        vlist.save(update_fields=["change_count"])
        audit.record(actor, "list.change", vlist, before={**list_before, "lines": before},
                     after={**list_snapshot(vlist), "lines": {str(ln.seq): _door_line_snapshot(ln) for ln in changed},
                            "reason": reason})
        return {"list_id": vlist.pk, "status": vlist.status}

    idempotency.run(actor, idempotency_key, "list.change_lines", payload, do)
    return VerificationList.objects.get(pk=list_id)


def _raw_line(ln: VerificationListLine, changes: dict) -> dict:
    """A saved line as validation takes it, with `changes`; a new quantity or unit drops the legal quantities
    that went with the old one (validation computes them again) unless they are given too."""
    raw = {"item_no": ln.item.item_no, **{name: "" if getattr(ln, name) is None else str(getattr(ln, name))
                                          for name in _LINE_INPUTS}}
    if {"quantity", "unit"} & set(changes):
        raw.update(legal_quantity="", second_quantity="")
    return {**raw, **changes}


def _door_line_snapshot(ln) -> dict:
    return {"quantity": str(ln.quantity), "unit": ln.unit, "book_quantity": str(ln.book_quantity),
            "legal_quantity": None if ln.legal_quantity is None else str(ln.legal_quantity), "value": str(ln.value)}


def cancel_list(*, actor: Actor, list_id: int, reason: str, idempotency_key: str | None) -> VerificationList:
    """删单: delete an approved list before anything of it is posted; its reservations are voided."""
    actor.require("supervision.cancel_list")
    reason = _reason(reason)
    payload = {"list_id": list_id, "reason": reason}

    def do() -> dict:
        vlist = _locked_list(actor, list_id)
        _require_state(vlist, ListStatus.APPROVED)
        partner = _partner(actor, vlist, ListStatus.APPROVED)
        for v in (vlist, *([partner[0]] if partner else [])):  # a pair is deleted together
            _cancel_one(actor, v, reason)
        return {"list_id": vlist.pk, "status": vlist.status}

    idempotency.run(actor, idempotency_key, "list.cancel", payload, do)
    return VerificationList.objects.get(pk=list_id)


def _cancel_one(actor: Actor, vlist: VerificationList, reason: str) -> None:
    if vlist.posting_state != PostingState.RESERVED:
        raise DomainError(problem("status", "list_not_cancellable", list=vlist.display_number,
                                  state=vlist.get_posting_state_display()))
    before = list_snapshot(vlist)
    ledger.void(ledger.lock_reservations("list", vlist.pk), None, timezone.localdate())
    vlist.status = ListStatus.CANCELLED.value
    vlist.posting_state = PostingState.VOIDED.value
    vlist.save(update_fields=["status", "posting_state"])
    audit.record(actor, "list.cancel", vlist, before=before, after={**list_snapshot(vlist), "reason": reason})


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
        when = effective_date or timezone.localdate()
        partner = _partner(actor, original, ListStatus.APPROVED) if original.reverses_id is None else None
        result = _reverse_one(actor, original, reason, when)
        if partner:  # a pair is undone together
            _reverse_one(actor, partner[0], reason, when)
        return result

    result, _ = idempotency.run(actor, idempotency_key, "list.reverse", payload, do)
    return VerificationList.objects.get(pk=result["list_id"])


def _reverse_one(actor: Actor, original: VerificationList, reason: str, when: date) -> dict:
    if original.reverses_id is not None:
        raise DomainError(problem("list", "cannot_reverse_reversal"))
    existing = VerificationList.objects.filter(reverses=original).first()
    if existing is not None:
        raise DomainError(problem("list", "list_already_reversed", list=original.display_number,
                                  by=existing.display_number))
    if original.posting_state == PostingState.VOIDED:
        raise DomainError(problem("list", "list_already_voided", list=original.display_number))
    _check_posting_date(book_info(original.book), when, ledger.last_posting_date(original.book_id))
    reservations = ledger.lock_reservations("list", original.pk)
    ledger.void(reservations, None, when)
    posted = {r.line: from_units(r.posted) for r in reservations}
    originals = [ln for ln in original.lines.order_by("seq") if not reservations or posted.get(ln.seq)]
    if reservations:
        before = list_snapshot(original)
        original.posting_state = PostingState.VOIDED.value
        set_posting_state(original)
        audit.record(actor, "list.void", original, before=before, after={**list_snapshot(original), "reason": reason})
    if not originals:
        return {"list_id": original.pk, "status": original.status}
    counter = _counter_list(actor, original, originals, posted if reservations else {}, reason, when)
    audit.record(actor, "list.reverse", original, after={"counter_list": counter.display_number, "reason": reason})
    audit.record(actor, "list.create", counter, after=list_snapshot(counter))
    return {"list_id": counter.pk, "status": counter.status}


def _counter_line(counter: VerificationList, ln: VerificationListLine, share) -> VerificationListLine:
    """The line undoing `ln`: all of it, or (`share`, in the book unit) the part of it that was posted."""
    same = share is None or share == ln.book_quantity
    ratio = 1 if same else share / ln.book_quantity
    return VerificationListLine(
        vlist=counter, seq=ln.seq, item_id=ln.item_id, **{name: getattr(ln, name) for name in DECLARED_FIELDS},
        quantity=ln.quantity if same else share,
        unit=ln.unit if same else ln.book_unit, book_quantity=ln.book_quantity if same else share,
        book_unit=ln.book_unit, value=ln.value if same else (ln.value * ratio).quantize(Decimal("0.01")),
        currency=ln.currency,
        # a status change is undone by the change back
        goods_status=ln.target_status or ln.goods_status, target_status=ln.goods_status if ln.target_status else "",
        legal_quantity=ln.legal_quantity if same else None, second_quantity=ln.second_quantity if same else None,
        unit_price=ln.unit_price, origin_country=ln.origin_country, destination_country=ln.destination_country,
        levy_mode=ln.levy_mode, gross_weight=ln.gross_weight if same else None,
        net_weight=ln.net_weight if same else None, reverses=ln,
    )


def _counter_list(actor: Actor, original: VerificationList, lines: list[VerificationListLine],
                  posted: dict, reason: str, when: date) -> VerificationList:
    """A counter-list of the posted part of `original` (the line quantities, or `posted` shares by line
    when given), approved and posted at once."""
    direction = Direction(original.direction).opposite()
    now = timezone.now()
    counter = VerificationList.objects.create(
        pre_entry_no="t-" + uuid.uuid4().hex[:16], book=original.book, enterprise_id=original.enterprise_id,
        zone_id=original.zone_id, direction=direction.value, trade_mode=original.trade_mode,
        list_type=original.list_type, item_kind=original.item_kind, inner_no=original.inner_no,
        changes_status=original.changes_status,
        remarks=reason[:500], status=ListStatus.APPROVED.value, posting_state=PostingState.POSTED.value,
        reverses=original, line_count=len(lines), created_by_id=actor.user_id, submitted_at=now,
        decided_at=now, decided_by_id=actor.user_id, effective_date=when,
    )
    counter.pre_entry_no = pre_entry_number(original.pre_entry_no[:4], counter)
    counter.number = list_number(counter)
    counter.save(update_fields=["pre_entry_no", "number"])
    VerificationListLine.objects.bulk_create(
        [
            _counter_line(counter, ln, posted.get(ln.seq))
            for ln in lines
        ],
        batch_size=2000,
    )
    ledger.post_list(list_id=counter.pk, book_id=counter.book_id, enterprise_id=counter.enterprise_id,
                     zone_id=counter.zone_id, sign=direction.sign, effective_date=when,
                     changes_status=counter.changes_status)
    return counter
