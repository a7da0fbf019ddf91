"""The expiry of reservations: an approved list whose goods have not (all) passed the gate within
EXPIRY_DAYS of its approval has what is still reserved voided, so stale 预核扣 stops holding stock."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from bondzone.core import audit
from bondzone.core.actor import Actor
from bondzone.core.domain.errors import DomainError, problem
from bondzone.core.domain.quantity import from_units
from bondzone.core.scoping import restrict

from .. import ledger
from ..domain.codes import ListStatus, PostingState
from ..models import VerificationList
from .lists import locked_list, list_snapshot, set_posting_state

# Assumed: neither the notes nor the rules they cite give a time limit for a pre-posted list; 90 natural days
# is the platform's default (`bondzone expire-reservations --days N` runs with another).
EXPIRY_DAYS = 90
MAX_DAYS = 3650


@dataclass(frozen=True)
class Expired:
    list_id: int
    number: str
    voided: dict[int, Decimal]  # line -> quantity that was still reserved
    posting_state: str  # voided (nothing had passed) or posted (some shares had)


def expiry_cutoff(today: date, days: int) -> date:
    """Lists approved on or before this day have expired on `today`."""
    return today - timedelta(days=days)


def stale_lists(actor: Actor, today: date, days: int = EXPIRY_DAYS):
    """Approved lists still (partly) reserved whose approval is more than `days` before `today`."""
    return (restrict(VerificationList, actor, "change")
            .filter(status=ListStatus.APPROVED.value,
                    posting_state__in=[PostingState.RESERVED.value, PostingState.PARTIAL.value],
                    effective_date__lte=expiry_cutoff(today, days))
            .order_by("effective_date", "pk"))


def expire_reservations(*, actor: Actor, today: date | None = None, days: int = EXPIRY_DAYS,
                        dry_run: bool = False) -> list[Expired]:
    """Void what is still reserved of every stale list, one transaction per list (a list that passed
    meanwhile is left alone). A list of which nothing had passed ends voided (as a 删单 by the system);
    one of which some shares had passed ends posted with those shares. Returns what was (or, with
    `dry_run`, would be) voided."""
    actor.require("supervision.expire_reservations")
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= MAX_DAYS:
        raise DomainError(problem("days", "out_of_range", value=str(days), min=1, max=MAX_DAYS))
    today = today or timezone.localdate()
    out = []
    for list_id in list(stale_lists(actor, today, days).values_list("pk", flat=True)):
        with transaction.atomic(durable=True):
            done = _expire_one(actor, list_id, today, days, dry_run)
        if done:
            out.append(done)
    return out


def _end_state(posting_state: str) -> str:
    return (PostingState.VOIDED if posting_state == PostingState.RESERVED else PostingState.POSTED).value


def _expire_one(actor: Actor, list_id: int, today: date, days: int, dry_run: bool) -> Expired | None:
    vlist = locked_list(actor, list_id)
    if (vlist.status != ListStatus.APPROVED
            or vlist.posting_state not in (PostingState.RESERVED, PostingState.PARTIAL)
            or vlist.effective_date > expiry_cutoff(today, days)):
        return None  # passed, deleted or reversed since the sweep read it
    before = list_snapshot(vlist)
    reservations = ledger.lock_reservations("list", vlist.pk)
    voided = {r.line: from_units(r.remaining) for r in reservations if r.remaining}
    if dry_run:
        return Expired(vlist.pk, vlist.display_number, voided, _end_state(vlist.posting_state))
    ledger.void(reservations, None, today)
    vlist.posting_state = _end_state(vlist.posting_state)
    set_posting_state(vlist)
    if vlist.posting_state == PostingState.VOIDED:
        vlist.status = ListStatus.CANCELLED.value
        VerificationList.objects.filter(pk=vlist.pk).update(status=vlist.status)
    audit.record(actor, "list.expire", vlist, before=before, after={
        **list_snapshot(vlist), "days": days, "voided": {str(k): str(v) for k, v in voided.items()}})
    return Expired(vlist.pk, vlist.display_number, voided, vlist.posting_state)
