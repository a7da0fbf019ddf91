"""The gate's report of one vehicle (过卡): decide, and on pass post the carried share of each list and
record the passage, in one transaction. (gate, event id) is unique: a retried event gets the first answer
and never posts twice."""

from __future__ import annotations

from datetime import datetime

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from bondzone.core import audit, rawrows
from bondzone.core.actor import Actor
from bondzone.core.domain.errors import DomainError, Forbidden, Problem, problem
from bondzone.core.domain.inputs import collect_decimal

from .. import posting, selectors
from ..domain.codes import GoodsClass, InspectionState, Outcome, SlipStatus, SlipType
from ..domain.decision import (
    Decision,
    GateRules,
    Reading,
    Reason,
    SlipFacts,
    decide,
    pick_slip,
    second_gate,
    solid_waste_refusal,
)
from ..domain.slips import (
    IC_CARD_RE,
    MAX_CONTAINER_READ,
    MAX_CONTAINERS,
    MAX_WEIGHT_KG,
    elock_reading,
    normal_plate,
    plate_problem,
    seal_number,
)
from ..models import Gate, Inspection, Passage, Slip

CANDIDATES = 20  # a plate's latest slips considered at the gate


def parse_reading(data: dict, now: datetime) -> tuple[str, Reading]:
    """The gate's raw report → (event id, Reading); every bad field named, nothing written."""
    problems: list[Problem] = []
    event_id = str(data.get("event_id") or "").strip()
    if not event_id:
        problems.append(problem("event_id", "event_id_required"))
    elif len(event_id) > 64:
        problems.append(problem("event_id", "too_long", max=64))
    issue = plate_problem(data.get("plate"))
    if issue:
        problems.append(issue)
    direction = str(data.get("direction") or "").strip().upper()
    if direction not in ("I", "E"):
        problems.append(problem("direction", "bad_choice", value=direction, choices="I, E"))
    weight = collect_decimal(data.get("weighbridge_kg"), "weighbridge_kg", problems, required=True,
                             decimal_places=3)  # the passage keeps kg to 3 decimals
    if weight is not None and not (0 < weight <= MAX_WEIGHT_KG):
        problems.append(problem("weighbridge_kg", "weight_not_positive" if weight <= 0 else "weight_too_large",
                                value=weight, max=MAX_WEIGHT_KG))
    raw_containers = data.get("containers") or []
    if isinstance(raw_containers, str):
        raw_containers = raw_containers.split(",")
    read = [str(c).replace(" ", "").upper() for c in raw_containers]
    for i, number in enumerate(read, start=1):
        if len(number) > MAX_CONTAINER_READ:
            problems.append(problem(f"containers[{i}]", "too_long", max=MAX_CONTAINER_READ))
    containers = tuple(sorted({c for c in read if c}))
    if len(containers) > MAX_CONTAINERS:
        problems.append(problem("containers", "too_many_containers", max=MAX_CONTAINERS, count=len(containers)))
    seal = seal_number(data.get("seal"), problems)
    ic_card = str(data.get("ic_card") or "").strip().upper()
    if len(ic_card) > 32:
        problems.append(problem("ic_card", "too_long", max=32))
    elif ic_card and not IC_CARD_RE.match(ic_card):
        problems.append(problem("ic_card", "bad_ic_card", value=ic_card))
    elock_no, elock_status = elock_reading(data.get("elock_no"), data.get("elock_status"), problems)
    if problems:
        raise DomainError(problems)
    return event_id, Reading(plate=normal_plate(data.get("plate")), direction=direction, weighbridge_kg=weight,
                             at=now, ic_card=ic_card, containers=containers, seal=seal, elock_no=elock_no,
                             elock_status=elock_status)


def facts_of(s: Slip) -> SlipFacts:
    return SlipFacts(
        slip_id=s.pk, number=s.number, slip_type=SlipType(s.slip_type), direction=s.direction,
        status=SlipStatus(s.status), valid_until=s.valid_until or s.created_at, plate=s.plate,
        goods_class=GoodsClass(s.goods_class), vehicle_wt=s.vehicle_wt, frame_wt=s.frame_wt,
        container_wt=s.container_wt, total_gross_wt=s.total_gross_wt, ic_card=s.ic_card,
        containers=tuple(s.containers), seal=s.seal, inspection=InspectionState(s.inspection), elock_no=s.elock_no,
    )


class _LedgerRefused(Exception):
    """The ledger refused a posting made without a savepoint: the whole decision is rolled back and made
    again with the posting inside one, so that the refusal can be recorded."""


def report_passage(*, actor: Actor, data: dict) -> tuple[dict, bool]:
    """One gate event → (answer, replayed). Only a gate's own user reports, for its own gate."""
    actor.require("gate.report")
    try:
        event_id, reading = parse_reading(data, timezone.now())
    except DomainError:
        if selectors.gate_of(actor) is None:
            raise Forbidden(problem("", "not_a_gate")) from None
        raise
    try:
        try:
            with transaction.atomic(durable=True):
                return _decide(actor, event_id, reading, guarded=False)
        except _LedgerRefused:
            with transaction.atomic(durable=True):
                return _decide(actor, event_id, reading, guarded=True)
    except IntegrityError:
        # a concurrent delivery of the same event committed first: answer as it did
        _, _, first = selectors.gate_and_first_answer(actor, event_id)
        if first is None:
            raise
        return first, True


def _decide(actor: Actor, event_id: str, reading: Reading, *, guarded: bool) -> tuple[dict, bool]:
    # The gate, a repeated event's first answer and, for a new event, the plate's latest slips, locked:
    # passages of one vehicle, and a cancellation racing a passage, queue here. A duplicate delivery that
    # waited here decides again, finds its insert refused by the unique (gate, event id) and answers with
    # the first decision (report_passage).
    gate, settings, first, plate_slips = selectors.gate_answer_and_plate_slips(actor, event_id, reading.plate,
                                                                               CANDIDATES)
    if gate is None:
        raise Forbidden(problem("", "not_a_gate"))
    if first is not None:
        return first, True
    rules = selectors.gate_rules(settings)
    slips = {s.pk: (s, lines) for s, lines in plate_slips}
    first_of_two = rules.double_gate and gate.stage == 1  # 一卡: checks only; 二卡 completes and posts
    chosen = pick_slip([facts_of(s) for s, _ in slips.values()], reading, second=second_gate(rules, gate.stage))
    decision = decide(reading, chosen, rules, stage=gate.stage)
    slip, lines = slips[chosen.slip_id] if chosen and chosen.slip_id in slips else (None, [])
    if first_of_two and decision.outcome is Outcome.PASS and slip is not None:
        decision = _first_gate_holds(actor, slip, lines, decision)
    posts = decision.outcome is Outcome.PASS and slip is not None and not first_of_two
    found = posting.found_quantities(slip) if posts else {}
    shares = posting.shares_of(lines, found) if posts else {}
    # the row is written once with the answer the gate will get if the ledger takes the posting; a refusal
    # of the ledger rewrites it
    passage = Passage(
        gate=gate, zone_id=gate.zone_id, event_id=event_id, slip=slip,
        enterprise_id=slip.enterprise_id if slip else None, plate=reading.plate, direction=reading.direction,
        weighbridge_kg=reading.weighbridge_kg, ic_card=reading.ic_card, containers=list(reading.containers),
        seal=reading.seal, elock_no=reading.elock_no, elock_status=str(reading.elock_status or ""),
        read_at=reading.at, outcome=decision.outcome.value, posted=bool(shares),
        answer=_answer(decision, event_id, gate, rules, found, posted=bool(shares)),
    )
    if posts and not guarded:
        # the usual case: the passage, the slip and the audit row are written first and the ledger posts
        # last, so the list, its reservations and the account stay locked only for the posting and the
        # commit; a refusal of the ledger rolls all of it back (_LedgerRefused) and the guarded pass records it
        _record_pass(actor, gate, passage, slip, decision, reading)
        _post(actor, passage, shares, decision, guarded=False)
        return selectors.answer_of(passage.pk, passage.answer), False
    rawrows.insert(passage)
    if decision.outcome is Outcome.PASS and slip is not None and first_of_two:
        _set_slip(slip, SlipStatus.PASSED_FIRST, "first_passed_at")
    elif posts:
        refused = _post(actor, passage, shares, decision, guarded=True)
        if refused is None:
            _set_slip(slip, SlipStatus.PASSED, "passed_at")
        else:
            decision = refused
            passage.outcome, passage.posted = decision.outcome.value, False
            passage.answer = _answer(decision, event_id, gate, rules, {}, posted=False)
            passage.save(update_fields=["outcome", "answer", "posted"])
    elif decision.outcome is Outcome.HOLD and slip is not None and slip.inspection == InspectionState.NOT_SELECTED:
        _hold_for_inspection(slip, decision)
    _audit(actor, gate, passage, decision, reading)
    return selectors.answer_of(passage.pk, passage.answer), False


def _first_gate_holds(actor: Actor, slip: Slip, lines: list, decision: Decision) -> Decision:
    """一卡 refuses a vehicle whose share 二卡 would post onto a line a list's solid-waste hold keeps, with the reason
    the ledger's refusal gives there. The hold is read here only: the single-gate and 二卡 passes read it with the
    list row the posting locks, at no statement of their own."""
    shares = posting.shares_of(lines, posting.found_quantities(slip))
    return solid_waste_refusal(decision, shares, posting.solid_waste_holds(actor, shares))


def _set_slip(slip: Slip, status: SlipStatus, stamp: str) -> None:
    """The slip (locked) passed a gate: its status and the time, by one UPDATE."""
    with connection.cursor() as cur:
        cur.execute(*_slip_update(slip, status, stamp))


def _slip_update(slip: Slip, status: SlipStatus, stamp: str) -> tuple[str, list]:
    q = connection.ops.quote_name
    now = timezone.now()
    slip.status = status.value
    setattr(slip, stamp, now)
    return (f"UPDATE {q(Slip._meta.db_table)} SET {q('status')} = %s, {q(stamp)} = %s WHERE id = %s",
            [status.value, connection.ops.adapt_datetimefield_value(now), slip.pk])


def _audit_after(passage: Passage, decision: Decision, reading: Reading) -> dict:
    """The gate's audit row: the slip, the plate, the reasons, the electronic lock read (number and status, when the
    gate read one) and what posted as found at inspection."""
    return {"slip": decision.slip_number, "plate": reading.plate, "reasons": [r.code for r in decision.reasons],
            **({"elock_no": reading.elock_no, "elock_status": str(reading.elock_status or "")}
               if reading.elock_no else {}),
            **({"posted_as_found": passage.answer["found"]} if "found" in passage.answer else {})}


def _audit(actor: Actor, gate: Gate, passage: Passage, decision: Decision, reading: Reading) -> None:
    audit.record(actor, f"gate.{decision.outcome.value}", passage, enterprise_id=passage.enterprise_id,
                 zone_id=gate.zone_id, after=_audit_after(passage, decision, reading))


def _record_pass(actor: Actor, gate: Gate, passage: Passage, slip: Slip, decision: Decision,
                 reading: Reading) -> None:
    """Insert the passage, mark the slip passed and write the audit row: one statement on PostgreSQL
    (data-modifying CTEs; the audit row names the passage's new id), three elsewhere."""
    if connection.vendor != "postgresql":
        rawrows.insert(passage)
        _set_slip(slip, SlipStatus.PASSED, "passed_at")
        _audit(actor, gate, passage, decision, reading)
        return
    insert_sql, insert_params = rawrows.insert_parts(passage)
    update_sql, update_params = _slip_update(slip, SlipStatus.PASSED, "passed_at")
    audit_table, audit_values, audit_params = audit.insert_parts(
        actor, f"gate.{decision.outcome.value}", object_type=Passage._meta.label_lower,
        enterprise_id=passage.enterprise_id, zone_id=gate.zone_id, after=_audit_after(passage, decision, reading),
        object_id_sql="p.id")
    with rawrows.prepared_cursor() as cur:
        cur.execute(f"WITH p AS ({insert_sql}), s AS ({update_sql}), "
                    f"a AS (INSERT INTO {audit_table} SELECT {audit_values} FROM p) SELECT id FROM p",
                    [*insert_params, *update_params, *audit_params])
        rawrows.inserted(passage, cur.fetchone()[0])


def _answer(decision: Decision, event_id: str, gate: Gate, rules: GateRules, found: dict, *, posted: bool) -> dict:
    """The answer as stored on the passage (`selectors.answer_of` adds the passage's id)."""
    answer = {**decision.as_dict(), "event_id": event_id, "gate": gate.code, "posted": posted}
    if rules.double_gate:
        answer["stage"] = gate.stage
    if found and decision.outcome is Outcome.PASS:  # the inspection's discrepancies: posted as found
        answer["found"] = [{"list_id": k[0], "seq": k[1], "quantity": str(v)} for k, v in sorted(found.items())]
    return answer


def _post(actor: Actor, passage: Passage, shares: dict, decision: Decision, *, guarded: bool) -> Decision | None:
    """Post the share of each list this vehicle carries; None when the ledger took it. A refusal of the
    ledger (the book would go negative, the list was cancelled, its reservation is used up) turns the pass
    into a refusal. Unguarded (the usual case), the refusal rolls the whole decision back (_LedgerRefused)
    and report_passage decides again guarded: the posting inside a savepoint, which drops whatever the
    ledger had begun, so nothing is posted and the refusal is recorded."""
    try:
        if not guarded:
            posting.post_passage(actor=actor, passage_id=passage.pk, shares=shares)
            return None
        with transaction.atomic():
            posting.post_passage(actor=actor, passage_id=passage.pk, shares=shares)
        return None
    except DomainError as exc:
        if not guarded:
            raise _LedgerRefused from exc
        reasons = tuple(
            Reason("book_would_go_negative", {k: str(v) for k, v in p.params.items()})
            if p.code == "insufficient_stock"
            else Reason(p.code, p.params) if p.code == "trade_mode_solid_waste"  # marked after the list's approval
            else Reason("posting_refused", {**p.params, "code": p.code, "field": p.field})
            for p in exc.problems)
        return Decision(Outcome.REFUSE, decision.reasons + reasons, decision.slip_id, decision.slip_number,
                        decision.weight)


def _hold_for_inspection(slip: Slip, decision: Decision) -> None:
    """A vehicle held at the gate goes to inspection once; its release there is final (一次查验)."""
    codes = ",".join(r.code for r in decision.reasons)
    Inspection.objects.create(slip=slip, zone_id=slip.zone_id, enterprise_id=slip.enterprise_id,
                              reasons=[Reason("risk_gate_hold", {"value": codes}).as_dict()])
    slip.inspection = InspectionState.PENDING.value
    slip.save(update_fields=["inspection"])
