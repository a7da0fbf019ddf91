"""Inspection results (查验): an officer records what was found and releases or refuses the vehicle.
The release is final for the consignment: the gate does not check weight, seal or containers again.
A discrepancy (quantity found ≠ the slip's) changes what the passage posts: what was found, within what
the list still has reserved (posting.found_quantities)."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from bondzone.core import audit
from bondzone.core.actor import Actor
from bondzone.core.domain.errors import DomainError, Problem, problem
from bondzone.core.domain.inputs import collect_decimal, collect_quantity
from bondzone.core.scoping import get_scoped
from bondzone.supervision import selectors as books

from ..domain.codes import InspectionResult, InspectionState
from ..models import Slip
from .slips import slip_snapshot



def _reserved(actor: Actor, list_ids: set[int]) -> dict[tuple[int, int], Decimal]:
    """What is still reserved of each (list, line): the most a passage of the list can post."""
    out: dict[tuple[int, int], Decimal] = {}
    for list_id in sorted(list_ids):
        for r in books.reservations(actor, list_id=list_id, open_only=True):
            key = (list_id, r.source_line)
            out[key] = out.get(key, Decimal(0)) + r.quantity - r.posted - r.voided
    return out


def _discrepancies(actor: Actor, raw, declared: dict[tuple[int, int], Decimal], problems: list[Problem],
                   numbers: dict[int, str]) -> list[dict]:
    """Rows of (list line, quantity found). A line is named by its list line number, and by its list when
    the slip carries several lists with that line number. What is found may differ from the slip either way,
    but never exceed what the list still has reserved: the passage posts what was found."""
    wanted: list[tuple[int, tuple[int, int], Decimal]] = []
    seen: set[tuple[int, int]] = set()
    for n, row in enumerate(raw or [], start=1):
        row = row or {}
        name = f"discrepancies[{n}]"
        seq = collect_decimal(row.get("seq"), f"{name}.seq", problems, required=True)
        found = collect_quantity(row.get("found"), f"{name}.found", problems)
        list_id = collect_decimal(row.get("list_id"), f"{name}.list_id", problems)
        if seq is None or found is None:
            continue
        keys = [k for k in declared if seq == seq.to_integral_value() and k[1] == int(seq)
                and (list_id is None or k[0] == list_id)]
        if not keys:
            # named by the list's number: the one asked for, else the slip's (several: each of them)
            asked = int(list_id) if list_id is not None and list_id == list_id.to_integral_value() else None
            named = ([numbers.get(asked, str(list_id))] if list_id is not None else sorted(set(numbers.values())))
            problems.append(problem(f"{name}.seq", "unknown_list_line", list=" / ".join(named), value=seq))
        elif len(keys) > 1:
            problems.append(problem(f"{name}.list_id", "discrepancy_needs_list", line=int(seq)))
        elif keys[0] in seen:
            problems.append(problem(f"{name}.seq", "duplicate_value", value=int(seq)))
        elif found < 0:
            problems.append(problem(f"{name}.found", "amount_negative", value=found))
        else:
            seen.add(keys[0])
            wanted.append((n, keys[0], found))
    reserved = _reserved(actor, {k[0] for _, k, _ in wanted}) if wanted else {}
    out = []
    for n, key, found in wanted:
        left = reserved.get(key, Decimal(0))
        if found > left:
            problems.append(problem(f"discrepancies[{n}].found", "found_exceeds_reserved", line=key[1],
                                    value=found, reserved=left))
            continue
        out.append({"list_id": key[0], "seq": key[1], "declared": str(declared[key]), "found": str(found),
                    "reserved": str(left)})
    return out


def record_inspection(*, actor: Actor, slip_id: int, result: str, release: bool, note: str = "",
                      discrepancies: list | None = None) -> Slip:
    actor.require("gate.inspect")
    problems: list[Problem] = []
    try:
        outcome = InspectionResult(result)
    except ValueError:
        outcome = None
        problems.append(problem("result", "bad_choice", value=result, choices="conforms, discrepancy"))
    note = (note or "").strip()
    if len(note) > 500:
        problems.append(problem("note", "too_long", max=500))
    with transaction.atomic(durable=True):
        slip = get_scoped(Slip.objects.select_for_update(of=("self",)), actor, slip_id, action="change")
        if slip.inspection != InspectionState.PENDING.value:
            problems.append(problem("slip", "inspection_not_pending", slip=slip.number))
        lines = list(slip.lines.select_related("vlist"))
        declared = {(ln.vlist_id, ln.seq): ln.quantity for ln in lines}
        if not declared and (outcome is InspectionResult.DISCREPANCY or discrepancies):
            # no list, no line: nothing a quantity found could differ from (the form offers no such inputs)
            problems.append(problem("result" if outcome is InspectionResult.DISCREPANCY else "discrepancies",
                                    "discrepancy_no_lists", slip=slip.number))
            found = []
        else:
            found = _discrepancies(actor, discrepancies, declared, problems,
                                   {ln.vlist_id: ln.vlist.number for ln in lines})
        if outcome is InspectionResult.DISCREPANCY and not found and not problems:
            problems.append(problem("discrepancies", "discrepancy_needs_lines"))
        if problems:
            raise DomainError(problems)
        before = slip_snapshot(slip)
        record = slip.inspection_record
        record.result, record.discrepancies, record.note = outcome.value, found, note
        record.officer_id, record.decided_at = actor.user_id, timezone.now()
        record.save(update_fields=["result", "discrepancies", "note", "officer", "decided_at"])
        slip.inspection = (InspectionState.RELEASED if release else InspectionState.REFUSED).value
        slip.save(update_fields=["inspection"])
        audit.record(actor, "slip.inspect", slip, before=before,
                     after={**slip_snapshot(slip), "result": outcome.value, "discrepancies": found, "note": note})
    return slip
