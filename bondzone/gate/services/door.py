"""库门管理 (warehouse door): goods cross the door between a warehouse's non-bonded and bonded areas. The
crossing posts through its status-change list, as the gate posts a slip's lists: the list (every line
non-bonded ↔ bonded) reserved both movements at its approval, and the door passage posts the share it
carried (supervision.pass_door_goods_in_transaction) with the passage record, in one transaction. No
approved list covering the goods, no passage; a list whose goods all passed is not posted again.
(book, event id) is unique: a repeated report returns the first record and never posts twice."""

from __future__ import annotations

import re
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Q

from bondzone.core import audit
from bondzone.core.actor import Actor
from bondzone.core.domain.errors import DomainError, Problem, problem
from bondzone.core.domain.inputs import collect_decimal
from bondzone.supervision import selectors as books
from bondzone.supervision import services as ledger
from bondzone.supervision.domain.posting import SourceRef

from ..domain.door import DoorLine, covering_line
from ..models import DOOR_STATUS_LABELS, DoorPassage

SOURCE_KIND = "door"
DOOR_RE = re.compile(r"^[A-Za-z0-9_-]{1,32}$")
SCALE = 5


def door_snapshot(d: DoorPassage) -> dict:
    return {"book": d.book_id, "event_id": d.event_id, "door": d.door, "item_no": d.item_no,
            "quantity": str(d.quantity), "from": d.from_status, "to": d.to_status, "reference": d.reference,
            "list": d.vlist_id, "line": d.list_line}


def parse_door_passage(data: dict) -> dict:
    """The raw report → clean fields; every bad field named, nothing written."""
    problems: list[Problem] = []
    event_id = str(data.get("event_id") or "").strip()
    if not event_id:
        problems.append(problem("event_id", "event_id_required"))
    elif len(event_id) > 64:
        problems.append(problem("event_id", "too_long", max=64))
    door = str(data.get("door") or "").strip().upper()
    if not DOOR_RE.match(door):
        problems.append(problem("door", "bad_door", value=door[:40]))
    item = collect_decimal(data.get("item_no"), "item_no", problems, required=True)
    if item is not None and (item != item.to_integral_value() or item <= 0):
        problems.append(problem("item_no", "not_an_integer", value=item))
    quantity = collect_decimal(data.get("quantity"), "quantity", problems, required=True)
    if quantity is not None:
        if quantity <= 0:
            problems.append(problem("quantity", "quantity_not_positive", value=quantity))
        elif -quantity.as_tuple().exponent > SCALE:
            problems.append(problem("quantity", "too_many_decimals", value=quantity, scale=SCALE))
    from_status = str(data.get("from_status") or "").strip()
    to_status = str(data.get("to_status") or "").strip()
    if from_status not in DOOR_STATUS_LABELS or to_status not in DOOR_STATUS_LABELS or from_status == to_status:
        problems.append(problem("to_status", "door_status_pair", **{"from": from_status or "—", "to": to_status or "—"}))
    reference = str(data.get("reference") or "").strip()
    if not reference:
        problems.append(problem("reference", "door_reference_required"))
    elif len(reference) > 64:
        problems.append(problem("reference", "too_long", max=64))
    note = str(data.get("note") or "").strip()
    if len(note) > 500:
        problems.append(problem("note", "too_long", max=500))
    if problems:
        raise DomainError(problems)
    return {"event_id": event_id, "door": door, "item_no": int(item), "quantity": Decimal(format(quantity.normalize(), "f")),
            "from_status": from_status, "to_status": to_status, "reference": reference, "note": note}


def _input_field(problem_: Problem) -> str:
    """The ledger's refusals of a passage, named by the door's input fields."""
    if problem_.field.startswith("shares") or problem_.code in ("share_exceeds_reserved", "nothing_reserved"):
        return "quantity"
    if problem_.code in ("list_not_awaiting_passage", "list_not_door_change") or problem_.field == "status":
        return "reference"
    return problem_.field


def _door_list(actor: Actor, book_id: int, reference: str):
    """The book's list the reference names (number or pre-entry number), approved and still awaiting goods."""
    v = (books.lists(actor, book_id=book_id).filter(Q(number=reference) | Q(pre_entry_no=reference))
         .order_by("-id").first())
    if v is None:
        raise DomainError(problem("reference", "door_list_unknown", value=reference))
    if v.status != "approved" or v.posting_state not in ("reserved", "partial"):
        state = v.get_posting_state_display() if v.status == "approved" else v.get_status_display()
        raise DomainError(problem("reference", "door_list_not_open", list=v.display_number, state=state))
    return v


def _door_lines(actor: Actor, vlist) -> list[DoorLine]:
    """The list's status-change lines with what each still has reserved for the door (the outbound
    reservation of the old status; a share posts both reservations of a line alike)."""
    left: dict[int, Decimal] = {}
    for r in books.reservations(actor, list_id=vlist.pk, open_only=True):
        if r.sign < 0:
            left[r.source_line] = r.quantity - r.posted
    return [DoorLine(ln.seq, ln.item.item_no, ln.goods_status, ln.target_status, left.get(ln.seq, Decimal(0)))
            for ln in books.list_lines(vlist) if ln.target_status]


def record_door_passage(*, actor: Actor, book_id: int, data: dict) -> tuple[DoorPassage, bool]:
    """One door crossing → (record, replayed)."""
    actor.require("gate.door")
    clean = parse_door_passage(data)
    book = books.book(actor, book_id)
    first = DoorPassage.objects.filter(book_id=book.pk, event_id=clean["event_id"]).first()
    if first is not None:
        return first, True
    try:
        with transaction.atomic(durable=True):
            vlist = _door_list(actor, book.pk, clean["reference"])
            seq = covering_line(_door_lines(actor, vlist), list_no=vlist.display_number, item_no=clean["item_no"],
                                from_status=clean["from_status"], to_status=clean["to_status"],
                                quantity=clean["quantity"])
            d = DoorPassage.objects.create(book_id=book.pk, zone_id=book.zone_id, enterprise_id=book.enterprise_id,
                                           recorded_by_id=actor.user_id, vlist_id=vlist.pk, list_line=seq, **clean)
            try:
                # the list row is locked here: a share taken meanwhile or a cancellation is refused now
                ledger.pass_door_goods_in_transaction(
                    actor=actor, list_id=vlist.pk, event_id=f"{SOURCE_KIND}:{d.pk}:{vlist.pk}",
                    source=SourceRef(SOURCE_KIND, d.pk), shares={seq: d.quantity})
            except DomainError as exc:
                raise DomainError([Problem(_input_field(p), p.code, p.params) for p in exc.problems]) from None
            audit.record(actor, "door.pass", d, enterprise_id=d.enterprise_id, zone_id=d.zone_id,
                         after={**door_snapshot(d), "note": d.note})
    except IntegrityError:
        first = DoorPassage.objects.filter(book_id=book.pk, event_id=clean["event_id"]).first()
        if first is None:
            raise
        return first, True
    return d, False
