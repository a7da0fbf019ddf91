"""The gate decision (§3.3): one pure function from what the gate reads and what the slip says to
pass / hold / refuse with machine-readable reasons.

Refusals (the vehicle may not cross): no slip for the plate, slip not approved / cancelled / expired /
already used / for the other direction, IC card of another vehicle, inspection refused, book would go
negative. Holds (转岗: an officer looks): weight outside the zone's tolerance, seal or containers not as
declared, the slip's electronic lock not read, another lock, opened or in fault, selected for inspection and
not yet inspected. Lighter rules (保税与非保税货物分类管理): an
empty vehicle is weighed against its tare only; non-bonded and duty-paid loads skip the weight and seal
checks unless the zone asks for them; goods released after inspection are not checked again
(一次查验、一次提离)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from .codes import ElockStatus, GoodsClass, InspectionState, Outcome, SlipStatus, SlipType


def plain(d: Decimal) -> str:
    """800.000 → "800", 0.50 → "0.5": answers carry no storage scale and no exponent."""
    return format(d.normalize(), "f") if d.is_finite() else str(d)


@dataclass(frozen=True)
class GateRules:
    """A zone's gate settings (the competent customs sets them; no national figure, §3.3)."""

    weight_tolerance_pct: Decimal = Decimal("3")
    weight_tolerance_kg: Decimal = Decimal("50")
    empty_tolerance_kg: Decimal = Decimal("100")
    weigh_non_bonded: bool = False
    check_seal_non_bonded: bool = False
    double_gate: bool = False  # 双卡: a vehicle passes 一卡 (checks) then 二卡 (the passage completes and posts)
    check_elock: bool = True  # compare the electronic lock read at the gate with the slip's


@dataclass(frozen=True)
class Reading:
    """What the gate reports for one vehicle."""

    plate: str
    direction: str
    weighbridge_kg: Decimal
    at: datetime
    ic_card: str = ""
    containers: tuple[str, ...] = ()
    seal: str = ""
    elock_no: str = ""  # number and status are read together, or neither
    elock_status: ElockStatus | None = None


@dataclass(frozen=True)
class SlipFacts:
    slip_id: int
    number: str
    slip_type: SlipType
    direction: str
    status: SlipStatus
    valid_until: datetime
    plate: str
    goods_class: GoodsClass
    vehicle_wt: Decimal
    frame_wt: Decimal = Decimal(0)
    container_wt: Decimal = Decimal(0)
    total_gross_wt: Decimal = Decimal(0)
    ic_card: str = ""
    containers: tuple[str, ...] = ()
    seal: str = ""
    inspection: InspectionState = InspectionState.NOT_SELECTED
    elock_no: str = ""

    @property
    def tare(self) -> Decimal:
        return self.vehicle_wt + self.frame_wt + self.container_wt

    @property
    def expected_total_wt(self) -> Decimal:
        return self.tare + self.total_gross_wt


@dataclass(frozen=True)
class Shortfall:
    """One account the posting would drive below zero (from the ledger's check)."""

    item_no: int
    goods_status: str
    unit: str
    available: Decimal
    required: Decimal


@dataclass(frozen=True)
class Reason:
    code: str
    params: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {"code": self.code, "params": {k: plain(v) if isinstance(v, Decimal) else str(v)
                                              for k, v in self.params.items()}}


@dataclass(frozen=True)
class WeightCheck:
    expected_kg: Decimal  # totalWt
    measured_kg: Decimal  # passCollectWt
    error_kg: Decimal  # wtError = measured − expected
    error_pct: Decimal
    allowed_kg: Decimal
    goods_measured_kg: Decimal  # weighbridge minus vehicle, frame and containers
    goods_declared_kg: Decimal  # totalGrossWt

    @property
    def within(self) -> bool:
        return abs(self.error_kg) <= self.allowed_kg


@dataclass(frozen=True)
class Decision:
    outcome: Outcome
    reasons: tuple[Reason, ...]
    slip_id: int | None = None
    slip_number: str = ""
    weight: WeightCheck | None = None

    def as_dict(self) -> dict:
        out: dict[str, Any] = {
            "outcome": self.outcome.value,
            "reasons": [r.as_dict() for r in self.reasons],
            "slip": self.slip_number or None,
        }
        if self.weight is not None:
            w = self.weight
            out["weight"] = {k: plain(getattr(w, k)) for k in (
                "expected_kg", "measured_kg", "error_kg", "error_pct", "allowed_kg", "goods_measured_kg",
                "goods_declared_kg")}
        return out


REFUSALS = frozenset({
    "unknown_plate", "slip_wrong_direction", "slip_not_approved", "slip_cancelled", "slip_expired", "slip_used",
    "ic_card_mismatch", "inspection_refused", "book_would_go_negative", "first_gate_not_passed",
})
HOLDS = frozenset({"weight_outside_tolerance", "seal_mismatch", "container_mismatch", "elock_not_read",
                   "elock_mismatch", "elock_opened", "elock_fault", "selected_for_inspection"})


def second_gate(rules: GateRules, stage: int) -> bool:
    return rules.double_gate and stage == 2


def pick_slip(candidates: Iterable[SlipFacts], reading: Reading, second: bool = False) -> SlipFacts | None:
    """The slip a vehicle at the gate is answering to: an approved, unexpired slip of its plate and
    direction (earliest expiry first) — at a double-gate zone's 二卡, a slip that has passed 一卡 —;
    otherwise the most telling other slip, so the refusal says why."""
    mine = [s for s in candidates if s.plate == reading.plate]
    usable = sorted(
        (s for s in mine if s.direction == reading.direction and (
            s.status is SlipStatus.PASSED_FIRST if second
            else s.status is SlipStatus.APPROVED and s.valid_until >= reading.at)),
        key=lambda s: (s.valid_until, s.slip_id),
    )
    if usable:
        return usable[0]
    same_way = [s for s in mine if s.direction == reading.direction]
    return max(same_way or mine, key=lambda s: s.slip_id, default=None)


def weigh(slip: SlipFacts, measured: Decimal, rules: GateRules) -> WeightCheck:
    """§3.5: wtError = weighbridge − (vehicle + frame + containers + declared gross); the allowance is the
    larger of the zone's fixed band and its percentage of the expected total (an empty vehicle: its own band)."""
    expected = slip.expected_total_wt
    error = measured - expected
    if slip.slip_type is SlipType.EMPTY:
        allowed = rules.empty_tolerance_kg
    else:
        allowed = max(rules.weight_tolerance_kg, expected * rules.weight_tolerance_pct / 100)
    pct = (error / expected * 100) if expected else Decimal(0)
    return WeightCheck(
        expected_kg=expected, measured_kg=measured, error_kg=error,
        error_pct=pct.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP),
        allowed_kg=allowed.quantize(Decimal("0.001"), rounding=ROUND_HALF_UP),
        goods_measured_kg=measured - slip.tare, goods_declared_kg=slip.total_gross_wt,
    )


def _elock_reasons(slip: SlipFacts, reading: Reading, ref: dict) -> list[Reason]:
    """The slip's electronic lock against the one read: not read, another lock, opened (the goods may have been
    touched), in fault. Each is a hold, and a hold goes to inspection."""
    if not reading.elock_no:
        return [Reason("elock_not_read", {**ref, "expected": slip.elock_no})]
    reasons = []
    if reading.elock_no != slip.elock_no:
        reasons.append(Reason("elock_mismatch", {**ref, "expected": slip.elock_no, "read": reading.elock_no}))
    if reading.elock_status is ElockStatus.OPENED:
        reasons.append(Reason("elock_opened", {**ref, "elock": reading.elock_no}))
    elif reading.elock_status is ElockStatus.FAULT:
        reasons.append(Reason("elock_fault", {**ref, "elock": reading.elock_no}))
    return reasons


def decide(reading: Reading, slip: SlipFacts | None, rules: GateRules,
           shortfalls: tuple[Shortfall, ...] = (), stage: int = 1) -> Decision:
    """`stage`: the gate's place in a double-gate zone (1 一卡, 2 二卡); ignored in single-gate mode.
    At 二卡 the vehicle was weighed and checked at 一卡: only its slip, card and book are checked again."""
    if slip is None:
        return Decision(Outcome.REFUSE, (Reason("unknown_plate", {"plate": reading.plate}),))
    reasons: list[Reason] = []
    ref = {"slip": slip.number}
    second = second_gate(rules, stage)
    if slip.direction != reading.direction:
        reasons.append(Reason("slip_wrong_direction", {**ref, "direction": slip.direction}))
    if second and slip.status is not SlipStatus.PASSED_FIRST:
        reasons.append(Reason("slip_used" if slip.status is SlipStatus.PASSED else "first_gate_not_passed", ref))
    elif second:
        pass  # valid at 一卡: the slip's expiry does not stop a vehicle between the two gates
    elif slip.status is SlipStatus.PASSED_FIRST:
        reasons.append(Reason("slip_used" if rules.double_gate else "slip_not_approved", ref))
    elif slip.status is SlipStatus.APPLIED:
        reasons.append(Reason("slip_not_approved", ref))
    elif slip.status is SlipStatus.CANCELLED:
        reasons.append(Reason("slip_cancelled", ref))
    elif slip.status is SlipStatus.PASSED:
        reasons.append(Reason("slip_used", ref))
    elif slip.valid_until < reading.at:
        reasons.append(Reason("slip_expired", {**ref, "valid_until": slip.valid_until.isoformat()}))
    if slip.ic_card and reading.ic_card and slip.ic_card != reading.ic_card:
        reasons.append(Reason("ic_card_mismatch", {**ref, "expected": slip.ic_card, "read": reading.ic_card}))
    if slip.inspection is InspectionState.REFUSED:
        reasons.append(Reason("inspection_refused", ref))
    for s in shortfalls:
        reasons.append(Reason("book_would_go_negative", {
            "item": s.item_no, "status": s.goods_status, "unit": s.unit, "available": s.available,
            "required": s.required}))

    inspected = slip.inspection is InspectionState.RELEASED or second  # 二卡: checked at 一卡
    empty = slip.goods_class is GoodsClass.EMPTY
    bonded = slip.goods_class is GoodsClass.BONDED
    weight = weigh(slip, reading.weighbridge_kg, rules)
    if not inspected and (empty or bonded or rules.weigh_non_bonded) and not weight.within:
        reasons.append(Reason("weight_outside_tolerance", {
            **ref, "expected": weight.expected_kg, "measured": weight.measured_kg, "error": weight.error_kg,
            "allowed": weight.allowed_kg}))
    if not inspected and not empty and (bonded or rules.check_seal_non_bonded) and slip.seal \
            and reading.seal != slip.seal:
        reasons.append(Reason("seal_mismatch", {**ref, "expected": slip.seal, "read": reading.seal or "-"}))
    if not inspected and not empty and set(slip.containers) != set(reading.containers):
        reasons.append(Reason("container_mismatch", {
            **ref, "expected": ",".join(slip.containers) or "-", "read": ",".join(reading.containers) or "-"}))
    if not inspected and rules.check_elock and slip.elock_no:
        reasons.extend(_elock_reasons(slip, reading, ref))
    if slip.inspection is InspectionState.PENDING and not second:
        reasons.append(Reason("selected_for_inspection", ref))

    codes = {r.code for r in reasons}
    outcome = Outcome.REFUSE if codes & REFUSALS else Outcome.HOLD if codes & HOLDS else Outcome.PASS
    return Decision(outcome, tuple(reasons), slip.slip_id, slip.number, weight)


def solid_waste_refusal(decision: Decision, shares: dict[int, dict[int, Decimal]],
                        holds: dict[int, list[dict]]) -> Decision:
    """A pass at 一卡 whose vehicle carries a line a list's solid-waste hold keeps (VerificationList.solid_waste_held,
    `holds`: list → its hold's entries) is refused as the ledger refuses the posting at 二卡: `trade_mode_solid_waste`
    with the hold's params, for each held line of the first list (by id) that has one, in the hold's order."""
    if decision.outcome is not Outcome.PASS:
        return decision
    for list_id, by_seq in sorted(shares.items()):
        held = [Reason("trade_mode_solid_waste", params) for params in holds.get(list_id, ()) if params["line"] in by_seq]
        if held:
            return Decision(Outcome.REFUSE, decision.reasons + tuple(held), decision.slip_id, decision.slip_number,
                            decision.weight)
    return decision
