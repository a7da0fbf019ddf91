"""Inspection results (查验): an officer records what was found and releases or refuses the vehicle.
The release is final for the consignment: the gate does not check weight, seal or containers again."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from bondzone.core import audit
from bondzone.core.actor import Actor
from bondzone.core.domain.errors import DomainError, Problem, problem
from bondzone.core.domain.inputs import collect_decimal
from bondzone.core.scoping import get_scoped

from ..domain.codes import InspectionResult, InspectionState
from ..models import Slip
from .slips import slip_snapshot


def _discrepancies(raw, declared: dict[int, object], problems: list[Problem]) -> list[dict]:
    out = []
    for n, row in enumerate(raw or [], start=1):
        row = row or {}
        seq = collect_decimal(row.get("seq"), f"discrepancies[{n}].seq", problems, required=True)
        found = collect_decimal(row.get("found"), f"discrepancies[{n}].found", problems, required=True)
        if seq is None or found is None:
            continue
        if seq != seq.to_integral_value() or int(seq) not in declared:
            problems.append(problem(f"discrepancies[{n}].seq", "unknown_list_line", list="", value=seq))
        elif found < 0:
            problems.append(problem(f"discrepancies[{n}].found", "amount_negative", value=found))
        else:
            out.append({"seq": int(seq), "declared": str(declared[int(seq)]), "found": str(found)})
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
        declared = {ln.seq: ln.quantity for ln in slip.lines.all()}
        found = _discrepancies(discrepancies, declared, problems)
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
