"""变更 of an approved list before anything of it is posted: its header (change_list) or, for a list across the
warehouse door, its lines (change_door_list)."""

from __future__ import annotations

from types import SimpleNamespace

from django.utils import timezone

from bondzone.core import audit, idempotency
from bondzone.core.actor import Actor
from bondzone.core.domain.errors import DomainError, problem
from bondzone.core.domain import inputs
from bondzone.core.domain.quantity import to_units
from bondzone.core.scoping import get_scoped

from .. import ledger
from ..domain.codes import ListStatus, PostingState
from ..domain import trade_modes
from ..domain.posting import AccountKey
from ..domain.trade_modes import needs_passage
from ..domain.validation import validate_header, validate_list
from ..models import VerificationList, VerificationListLine
from .books import DECLARED_FIELDS, book_info, items_of, solid_waste_hold
from .lists import NATIONAL_FIELDS, is_door_list, list_snapshot, locked_list, require_state

CHANGEABLE = ("trade_mode", "transport_mode", "declaration_no", "inner_no", "remarks")


def change_list(*, actor: Actor, list_id: int, changes: dict, reason: str, idempotency_key: str | None) -> VerificationList:
    """变更 of an approved list before anything of it is posted: header fields that move no quantity
    (trade mode, declaration number, internal number, remarks); the change count goes up by one. The new
    trade mode must take the list as it is and keep it awaiting the passage of its goods."""
    actor.require("supervision.change_list")
    reason = inputs.required_reason(reason)
    unknown = sorted(set(changes) - set(CHANGEABLE))
    if unknown or not changes:
        raise DomainError([problem(name, "not_changeable", fields=", ".join(CHANGEABLE)) for name in unknown]
                          or [problem("changes", "no_changes")])
    payload = {"list_id": list_id, "changes": changes, "reason": reason}

    def do() -> dict:
        vlist = locked_list(actor, list_id)
        require_state(vlist, ListStatus.APPROVED)
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
    reason = inputs.required_reason(reason)
    changes = _door_line_changes(lines)
    payload = {"list_id": list_id, "lines": {str(seq): fields for seq, fields in sorted(changes.items())},
               "reason": reason}

    def do() -> dict:
        vlist = locked_list(actor, list_id)
        require_state(vlist, ListStatus.APPROVED)
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
