"""库门管理 (warehouse door): goods cross the door between a warehouse's non-bonded and bonded areas. The
crossing is recorded and posts a status change of the same item (non-bonded ↔ bonded: one movement out
of the old status, one into the new) through the ledger's post_document, in one transaction.
(book, event id) is unique: a repeated report returns the first record and never posts twice."""

from __future__ import annotations

import re

from django.db import IntegrityError, transaction

from bondzone.core import audit
from bondzone.core.actor import Actor
from bondzone.core.domain.errors import DomainError, Problem, problem
from bondzone.core.domain.inputs import collect_decimal
from bondzone.supervision import selectors as books
from bondzone.supervision import services as ledger
from bondzone.supervision.domain.posting import status_change

from ..models import DOOR_STATUS_LABELS, DoorPassage

SOURCE_KIND = "door"
DOOR_RE = re.compile(r"^[A-Za-z0-9_-]{1,32}$")
SCALE = 5


def door_snapshot(d: DoorPassage) -> dict:
    return {"book": d.book_id, "event_id": d.event_id, "door": d.door, "item_no": d.item_no,
            "quantity": str(d.quantity), "from": d.from_status, "to": d.to_status, "reference": d.reference}


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
    return {"event_id": event_id, "door": door, "item_no": int(item), "quantity": quantity.normalize(),
            "from_status": from_status, "to_status": to_status, "reference": reference, "note": note}


def _input_field(field: str) -> str:
    """The ledger names its movements (moves[1].item_no, moves[2].quantity); the door's input has one line."""
    if field.startswith("moves["):
        rest = field.split("]", 1)[1].lstrip(".")
        return rest if rest in ("item_no", "quantity") else "quantity"
    return "quantity" if field == "moves" else field


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
            d = DoorPassage.objects.create(book_id=book.pk, zone_id=book.zone_id, enterprise_id=book.enterprise_id,
                                           recorded_by_id=actor.user_id, **clean)
            try:
                ledger.post_document_in_transaction(
                    actor=actor, book_id=book.pk, source_kind=SOURCE_KIND, source_id=d.pk,
                    moves=status_change(1, d.item_no, d.quantity, "", d.from_status, d.to_status),
                    event_id=f"{SOURCE_KIND}:{d.pk}")
            except DomainError as exc:
                # the two movements of a status change may be refused alike: name each problem once
                named = {(_input_field(p.field), p.code): p for p in exc.problems}
                raise DomainError([Problem(f, c, p.params) for (f, c), p in named.items()]) from None
            audit.record(actor, "door.pass", d, enterprise_id=d.enterprise_id, zone_id=d.zone_id,
                         after={**door_snapshot(d), "note": d.note})
    except IntegrityError:
        first = DoorPassage.objects.filter(book_id=book.pk, event_id=clean["event_id"]).first()
        if first is None:
            raise
        return first, True
    return d, False
