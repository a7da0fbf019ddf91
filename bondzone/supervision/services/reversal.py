"""Undoing an approved list, never by an edit: 删单 before anything of it is posted (cancel_list), and reversal
by a counter-list (reverse_list)."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

from django.utils import timezone

from bondzone.core import audit, idempotency
from bondzone.core.actor import Actor
from bondzone.core.domain import inputs
from bondzone.core.domain.errors import DomainError, problem
from bondzone.core.domain.quantity import from_units

from .. import ledger
from ..domain.codes import Direction, ListStatus, PostingState
from ..models import VerificationList, VerificationListLine
from .books import DECLARED_FIELDS, book_info
from .lists import (
    check_posting_date, list_number, list_snapshot, locked_list, partner_of, pre_entry_number, require_state,
    set_posting_state,
)


def cancel_list(*, actor: Actor, list_id: int, reason: str, idempotency_key: str | None) -> VerificationList:
    """删单: delete an approved list before anything of it is posted; its reservations are voided."""
    actor.require("supervision.cancel_list")
    reason = inputs.required_reason(reason)
    payload = {"list_id": list_id, "reason": reason}

    def do() -> dict:
        vlist = locked_list(actor, list_id)
        require_state(vlist, ListStatus.APPROVED)
        partner = partner_of(actor, vlist, ListStatus.APPROVED)
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


def reverse_list(
    *, actor: Actor, list_id: int, reason: str, idempotency_key: str | None, effective_date: date | None = None
) -> VerificationList:
    """Undo an approved list, never by an edit: what is still reserved is voided; what is posted is
    undone by a counter-list that posts the opposite movements at once. Returns the counter-list, or the
    list itself when nothing of it was posted (then voiding was all there was to do)."""
    actor.require("supervision.reverse_list")
    reason = inputs.required_reason(reason)
    payload = {"list_id": list_id, "reason": reason,
               "effective_date": effective_date.isoformat() if effective_date else None}

    def do() -> dict:
        original = locked_list(actor, list_id)
        require_state(original, ListStatus.APPROVED)
        when = effective_date or timezone.localdate()
        partner = partner_of(actor, original, ListStatus.APPROVED) if original.reverses_id is None else None
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
    check_posting_date(book_info(original.book), when, ledger.last_posting_date(original.book_id))
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
