"""The gate's pure rules: slip validation per type and binding, the decision per rule, inspection selection."""

from dataclasses import replace
from functools import partial
from datetime import datetime, timedelta, timezone
from decimal import Decimal as D

import pytest

from bondzone.core.domain.errors import DomainError

from bondzone.gate.domain.codes import Binding, ElockStatus, GoodsClass, InspectionState, Outcome, SlipStatus, SlipType
from bondzone.gate.domain.decision import (
    GateRules, Reading, Shortfall, SlipFacts, decide, pick_slip, solid_waste_refusal, weigh,
)
from bondzone.gate.domain.inspection import RiskFacts, RiskRules, parse_set, select
from bondzone.gate.domain.slips import (
    LineFacts, ListFacts, crossing_problem, elock_reading, normal_plate, plate_problem, validate_slip,
)

NOW = datetime(2026, 11, 28, 10, 0, tzinfo=timezone.utc)
RULES = GateRules(weight_tolerance_pct=D("3"), weight_tolerance_kg=D("50"), empty_tolerance_kg=D("100"))

# §3.5: 8 200 + 6 500 + 3 800 + 14 600 = 33 100 kg expected
SLIP = SlipFacts(
    slip_id=1, number="HF1", slip_type=SlipType.SECOND_LINE, direction="E", status=SlipStatus.APPROVED,
    valid_until=NOW + timedelta(days=1), plate="京A12345", goods_class=GoodsClass.BONDED,
    vehicle_wt=D("8200"), frame_wt=D("6500"), container_wt=D("3800"), total_gross_wt=D("14600"),
    containers=("CSQU3054383",), seal="SEAL01",
)


def reading(**kw):
    base = dict(plate="京A12345", direction="E", weighbridge_kg=D("33100"), at=NOW, containers=("CSQU3054383",),
                seal="SEAL01")
    return Reading(**{**base, **kw})


def codes(decision):
    return [r.code for r in decision.reasons]


# ---------------------------------------------------------------- weight (worked example §3.5)
def test_worked_example_passes_at_3_percent_and_holds_at_1_percent():
    w = weigh(SLIP, D("33640"), RULES)
    assert (w.expected_kg, w.error_kg, w.error_pct) == (D("33100"), D("540"), D("1.63"))
    assert w.goods_measured_kg == D("15140") and w.goods_declared_kg == D("14600")
    assert decide(reading(weighbridge_kg=D("33640")), SLIP, RULES).outcome is Outcome.PASS
    strict = replace(RULES, weight_tolerance_pct=D("1"))
    d = decide(reading(weighbridge_kg=D("33640")), SLIP, strict)
    assert d.outcome is Outcome.HOLD and codes(d) == ["weight_outside_tolerance"]


def test_fixed_band_applies_when_larger_than_percentage():
    small = replace(SLIP, vehicle_wt=D("1000"), frame_wt=D(0), container_wt=D(0), total_gross_wt=D("500"),
                    containers=())
    rules = replace(RULES, weight_tolerance_pct=D("1"), weight_tolerance_kg=D("50"))
    assert decide(reading(weighbridge_kg=D("1550"), containers=()), small, rules).outcome is Outcome.PASS
    assert decide(reading(weighbridge_kg=D("1551"), containers=()), small, rules).outcome is Outcome.HOLD
    assert decide(reading(weighbridge_kg=D("1449"), containers=()), small, rules).outcome is Outcome.HOLD


# ---------------------------------------------------------------- refusals
def test_unknown_plate_refused():
    d = decide(reading(), None, RULES)
    assert d.outcome is Outcome.REFUSE and codes(d) == ["unknown_plate"]


@pytest.mark.parametrize("status, code", [
    (SlipStatus.APPLIED, "slip_not_approved"), (SlipStatus.CANCELLED, "slip_cancelled"),
    (SlipStatus.PASSED, "slip_used"),
])
def test_slip_state_refused(status, code):
    d = decide(reading(), replace(SLIP, status=status), RULES)
    assert d.outcome is Outcome.REFUSE and codes(d) == [code]


def test_expired_slip_refused():
    d = decide(reading(), replace(SLIP, valid_until=NOW - timedelta(seconds=1)), RULES)
    assert d.outcome is Outcome.REFUSE and codes(d) == ["slip_expired"]


def test_wrong_direction_and_ic_card_refused():
    d = decide(reading(direction="I"), SLIP, RULES)
    assert d.outcome is Outcome.REFUSE and "slip_wrong_direction" in codes(d)
    d = decide(reading(ic_card="IC999"), replace(SLIP, ic_card="IC001"), RULES)
    assert d.outcome is Outcome.REFUSE and codes(d) == ["ic_card_mismatch"]
    assert decide(reading(ic_card="IC001"), replace(SLIP, ic_card="IC001"), RULES).outcome is Outcome.PASS


def test_book_would_go_negative_refused_with_the_account():
    short = Shortfall(3, "bonded", "035", D("1.5"), D("2"))
    d = decide(reading(), SLIP, RULES, (short,))
    assert d.outcome is Outcome.REFUSE and codes(d) == ["book_would_go_negative"]
    assert d.reasons[0].params["item"] == 3 and d.as_dict()["reasons"][0]["params"]["available"] == "1.5"


def test_a_carried_line_of_a_held_list_turns_a_pass_into_the_ledgers_refusal():
    """一卡 (双卡): the hold's entries of the first list (by id) whose carried lines it names, in its order."""
    hold = {"item": 11, "line": 2, "mode": "0844", "name": "边角料内销", "allowed": "0200, 0400, 0864, 9700"}
    passed = decide(reading(), SLIP, RULES)
    d = solid_waste_refusal(passed, {7: {1: D("5"), 2: D("1")}, 9: {2: D("3")}}, {7: [hold], 9: [hold]})
    assert d.outcome is Outcome.REFUSE and codes(d) == ["trade_mode_solid_waste"] and d.reasons[0].params == hold
    assert (d.slip_number, d.weight) == ("HF1", passed.weight)
    assert solid_waste_refusal(passed, {7: {1: D("5")}}, {7: [hold]}) is passed  # line 1 is not held
    held = decide(reading(seal="X"), SLIP, RULES)
    assert solid_waste_refusal(held, {7: {2: D("1")}}, {7: [hold]}) is held  # only a pass meets the ledger


def test_refusal_beats_hold_and_lists_every_reason():
    d = decide(reading(weighbridge_kg=D("50000"), seal="X"), replace(SLIP, status=SlipStatus.PASSED), RULES)
    assert d.outcome is Outcome.REFUSE
    assert codes(d) == ["slip_used", "weight_outside_tolerance", "seal_mismatch"]


# ---------------------------------------------------------------- holds
def test_seal_and_container_mismatch_hold():
    d = decide(reading(seal="OTHER"), SLIP, RULES)
    assert d.outcome is Outcome.HOLD and codes(d) == ["seal_mismatch"]
    d = decide(reading(seal=""), SLIP, RULES)
    assert codes(d) == ["seal_mismatch"]
    d = decide(reading(containers=("TGHU1234563",)), SLIP, RULES)
    assert d.outcome is Outcome.HOLD and codes(d) == ["container_mismatch"]


def test_selected_for_inspection_holds_until_released_then_not_checked_again():
    pending = replace(SLIP, inspection=InspectionState.PENDING)
    assert codes(decide(reading(), pending, RULES)) == ["selected_for_inspection"]
    released = replace(SLIP, inspection=InspectionState.RELEASED)
    # one inspection, one release: weight, seal and containers were settled by the inspection
    d = decide(reading(weighbridge_kg=D("40000"), seal="NEW", containers=()), released, RULES)
    assert d.outcome is Outcome.PASS and d.reasons == ()
    refused = replace(SLIP, inspection=InspectionState.REFUSED)
    assert decide(reading(), refused, RULES).outcome is Outcome.REFUSE


# ---------------------------------------------------------------- electronic lock (电子关锁, §3.3)
# a first-line inbound vehicle (先入区后报关, bill of lading) locked at the port
LOCKED = replace(SLIP, slip_type=SlipType.ENTER_FIRST, direction="I", containers=(), seal="", elock_no="EL0001")


def locked_reading(**kw):
    return reading(direction="I", containers=(), seal="", **kw)


def test_the_slips_intact_lock_passes():
    d = decide(locked_reading(elock_no="EL0001", elock_status=ElockStatus.INTACT), LOCKED, RULES)
    assert d.outcome is Outcome.PASS and d.reasons == ()


def test_a_lock_on_the_slip_not_read_holds():
    d = decide(locked_reading(), LOCKED, RULES)
    assert d.outcome is Outcome.HOLD and [r.as_dict() for r in d.reasons] == [
        {"code": "elock_not_read", "params": {"slip": "HF1", "expected": "EL0001"}}]


def test_another_lock_holds_naming_both():
    d = decide(locked_reading(elock_no="EL0002", elock_status=ElockStatus.INTACT), LOCKED, RULES)
    assert d.outcome is Outcome.HOLD and [r.as_dict() for r in d.reasons] == [
        {"code": "elock_mismatch", "params": {"slip": "HF1", "expected": "EL0001", "read": "EL0002"}}]


@pytest.mark.parametrize("status, code", [(ElockStatus.OPENED, "elock_opened"), (ElockStatus.FAULT, "elock_fault")])
def test_an_opened_or_faulty_lock_holds(status, code):
    d = decide(locked_reading(elock_no="EL0001", elock_status=status), LOCKED, RULES)
    assert d.outcome is Outcome.HOLD and [r.as_dict() for r in d.reasons] == [
        {"code": code, "params": {"slip": "HF1", "elock": "EL0001"}}]
    d = decide(locked_reading(elock_no="EL0009", elock_status=status), LOCKED, RULES)
    assert codes(d) == ["elock_mismatch", code]


def test_elock_holds_beside_other_holds_and_under_refusals():
    d = decide(locked_reading(weighbridge_kg=D("40000"), elock_no="EL0001", elock_status=ElockStatus.OPENED),
               replace(LOCKED, inspection=InspectionState.PENDING), RULES)
    assert d.outcome is Outcome.HOLD
    assert codes(d) == ["weight_outside_tolerance", "elock_opened", "selected_for_inspection"]
    d = decide(locked_reading(), replace(LOCKED, status=SlipStatus.CANCELLED), RULES)
    assert d.outcome is Outcome.REFUSE and codes(d) == ["slip_cancelled", "elock_not_read"]


def test_no_elock_reasons_when_the_zone_turns_the_check_off_or_the_slip_has_no_lock():
    off = replace(RULES, check_elock=False)
    for r in (locked_reading(), locked_reading(elock_no="EL0002", elock_status=ElockStatus.OPENED)):
        assert decide(r, LOCKED, off).outcome is Outcome.PASS
    # a lock the slip does not declare is recorded, not judged
    unlocked = replace(LOCKED, elock_no="")
    assert decide(locked_reading(elock_no="EL0002", elock_status=ElockStatus.FAULT), unlocked, RULES).reasons == ()


def test_lock_not_checked_again_after_inspection_nor_at_the_second_gate():
    released = replace(LOCKED, inspection=InspectionState.RELEASED)  # customs opened it to inspect
    assert decide(locked_reading(elock_no="EL0001", elock_status=ElockStatus.OPENED), released, RULES).reasons == ()
    two = replace(RULES, double_gate=True)
    at_second = replace(LOCKED, status=SlipStatus.PASSED_FIRST)
    assert decide(locked_reading(), at_second, two, stage=2).outcome is Outcome.PASS
    assert codes(decide(locked_reading(), LOCKED, two, stage=1)) == ["elock_not_read"]


@pytest.mark.parametrize("number, status, expected, problems", [
    ("", "", ("", None), []),
    (" el0001 ", "Intact", ("EL0001", ElockStatus.INTACT), []),
    ("EL0001", "fault", ("EL0001", ElockStatus.FAULT), []),
    ("EL-0001", "opened", ("EL-0001", ElockStatus.OPENED), [("elock_no", "bad_elock")]),
    ("E" * 33, "intact", ("E" * 33, ElockStatus.INTACT), [("elock_no", "bad_elock")]),
    ("EL0001", "broken", ("EL0001", None), [("elock_status", "bad_choice")]),
    ("EL0001", "", ("EL0001", None), [("elock_status", "required")]),
    ("", "opened", ("", ElockStatus.OPENED), [("elock_no", "required")]),
])
def test_elock_reading_number_and_status_together(number, status, expected, problems):
    found = []
    assert elock_reading(number, status, found) == expected
    assert [(p.field, p.code) for p in found] == problems


# ---------------------------------------------------------------- lighter rules (分类管理)
def test_empty_vehicle_weighed_against_tare_only():
    empty = replace(SLIP, slip_type=SlipType.EMPTY, goods_class=GoodsClass.EMPTY, total_gross_wt=D(0),
                    frame_wt=D(0), container_wt=D(0), containers=(), seal="")
    assert decide(reading(weighbridge_kg=D("8300"), containers=(), seal=""), empty, RULES).outcome is Outcome.PASS
    d = decide(reading(weighbridge_kg=D("8301"), containers=(), seal=""), empty, RULES)
    assert codes(d) == ["weight_outside_tolerance"] and d.weight.allowed_kg == D("100")


@pytest.mark.parametrize("goods_class", [GoodsClass.NON_BONDED, GoodsClass.DUTY_PAID])
def test_non_bonded_and_duty_paid_skip_weight_and_seal_unless_the_zone_asks(goods_class):
    slip = replace(SLIP, goods_class=goods_class, slip_type=SlipType.GATE_REGISTERED)
    off = reading(weighbridge_kg=D("40000"), seal="OTHER")
    assert decide(off, slip, RULES).outcome is Outcome.PASS
    strict = replace(RULES, weigh_non_bonded=True, check_seal_non_bonded=True)
    assert codes(decide(off, slip, strict)) == ["weight_outside_tolerance", "seal_mismatch"]


def test_clean_pass_reports_weights():
    d = decide(reading(), SLIP, RULES)
    assert d.outcome is Outcome.PASS and d.slip_number == "HF1"
    assert d.as_dict()["weight"]["error_kg"] == "0"


# ---------------------------------------------------------------- which slip answers
def test_pick_prefers_usable_slip_then_the_latest_telling_one():
    used = replace(SLIP, slip_id=1, status=SlipStatus.PASSED)
    good = replace(SLIP, slip_id=2)
    later = replace(SLIP, slip_id=3, valid_until=NOW + timedelta(days=3))
    other_way = replace(SLIP, slip_id=4, direction="I")
    assert pick_slip([used, later, good, other_way], reading()).slip_id == 2
    assert pick_slip([used], reading()).slip_id == 1
    assert pick_slip([other_way], reading()).slip_id == 4
    assert pick_slip([replace(SLIP, plate="京B00000")], reading()) is None


# ---------------------------------------------------------------- slips: fields, types, binding
LINE = LineFacts(line_id=11, seq=1, quantity=D("100"), on_live_slips=D(0), goods_status="bonded")
# a second-line list (5000 out, ordinary list type), as the default slip of type 3 takes
LIST = ListFacts(list_id=7, number="QD1", zone_id=1, enterprise_id=5, book_id=3, direction="E", trade_mode="5000",
                 list_type="0", approved=True, on_whole_slip=False, lines=(LINE, replace(LINE, line_id=12, seq=2, quantity=D("5"))))
LIST2 = replace(LIST, list_id=8, number="QD2", lines=(replace(LINE, line_id=21),))


def slip_input(**kw):
    base = dict(slip_type="3", binding="2", direction="E", plate="京a·12345", vehicle_wt="8200",
                total_gross_wt="1000", lists=[7])
    return {**base, **kw}


def validate(data, lists=None):
    return validate_slip(data, zone_id=1, enterprise_id=5, lists={7: LIST, 8: LIST2} if lists is None else lists)


def problem_codes(problems):
    return [(p.field, p.code) for p in problems]


def test_one_vehicle_one_list_takes_the_whole_list():
    draft, problems = validate(slip_input())
    assert problems == []
    assert draft.plate == "京A12345" and draft.binding is Binding.ONE_VEHICLE_ONE_LIST
    assert [(ln.line_id, ln.quantity) for ln in draft.lines] == [(11, D("100")), (12, D("5"))]
    assert draft.goods_class is GoodsClass.BONDED and draft.expected_total_wt == D("9200")


def test_one_vehicle_many_lists_needs_two_whole_lists():
    draft, problems = validate(slip_input(binding="1", lists=[7, 8]))
    assert problems == [] and len(draft.lines) == 3
    _, problems = validate(slip_input(binding="1"))
    assert problem_codes(problems) == [("lists", "binding_many_lists")]
    _, problems = validate(slip_input(binding="2", lists=[7, 8]))
    assert problem_codes(problems) == [("lists", "binding_one_list")]
    _, problems = validate(slip_input(lines=[{"seq": 1, "quantity": "3"}]))
    assert problem_codes(problems) == [("lines", "binding_whole_lists")]


def test_one_list_many_vehicles_splits_quantities_within_what_is_left():
    partly = replace(LIST, lines=(replace(LINE, on_live_slips=D("60")), LIST.lines[1]))
    lines = [{"seq": 1, "quantity": "40"}]
    draft, problems = validate(slip_input(binding="3", lines=lines), {7: partly})
    assert problems == [] and [(ln.line_id, ln.quantity) for ln in draft.lines] == [(11, D("40"))]
    _, problems = validate(slip_input(binding="3", lines=[{"seq": 1, "quantity": "40.001"}]), {7: partly})
    assert problem_codes(problems) == [("lines[1].quantity", "slip_exceeds_list")]
    _, problems = validate(slip_input(binding="3", lines=[{"seq": 9, "quantity": "1"}, {"seq": 2, "quantity": "0"}]))
    assert problem_codes(problems) == [("lines[1].seq", "unknown_list_line"), ("lines[2].quantity", "quantity_not_positive")]
    _, problems = validate(slip_input(binding="3"))
    assert problem_codes(problems) == [("lines", "slip_needs_lines")]


def test_no_many_to_many_between_vehicles_and_lists():
    whole = replace(LIST, on_whole_slip=True)
    _, problems = validate(slip_input(), {7: whole})
    assert problem_codes(problems) == [("lists", "list_already_on_slip")]
    _, problems = validate(slip_input(binding="3", lines=[{"seq": 1, "quantity": "1"}]), {7: whole})
    assert problem_codes(problems) == [("lists", "list_already_on_slip")]
    split = replace(LIST, lines=(replace(LINE, on_live_slips=D("1")),))
    _, problems = validate(slip_input(), {7: split})
    assert problem_codes(problems) == [("lists", "list_already_on_slip")]


def test_lists_must_be_approved_same_zone_same_direction_and_the_enterprises():
    cases = [
        (replace(LIST, approved=False), "list_not_approved"),
        (replace(LIST, zone_id=2), "list_other_zone"),
        (replace(LIST, direction="I"), "list_direction_differs"),
        (replace(LIST, enterprise_id=6), "not_found"),
    ]
    for facts, code in cases:
        _, problems = validate(slip_input(), {7: facts})
        assert problem_codes(problems) == [("lists[1]", code)]
    _, problems = validate(slip_input(lists=[99]))
    assert problem_codes(problems) == [("lists[1]", "not_found")]


@pytest.mark.parametrize("slip_type", ["2", "3"])
def test_declared_types_need_lists(slip_type):
    _, problems = validate(slip_input(slip_type=slip_type, lists=[]))
    assert problem_codes(problems) == [("lists", "slip_needs_lists")]


@pytest.mark.parametrize("slip_type", ["1", "5", "6"])
def test_types_without_lists_refuse_them(slip_type):
    extra = {"bill_of_lading": "BL1"} if slip_type == "1" else {}
    if slip_type == "6":
        extra["total_gross_wt"] = ""
    _, problems = validate(slip_input(slip_type=slip_type, **extra))
    assert problem_codes(problems) == [("lists", "slip_takes_no_lists")]


MISFIT, NO_SLIP = "list_crossing_not_for_slip_type", "list_needs_no_slip"


@pytest.mark.parametrize("slip_type, trade_mode, list_type, direction, code, allowed", [
    ("2", "5034", "0", "I", None, None),  # 一线 logistics goods in
    ("2", "5034", "3", "I", None, None),  # a 先入区后报关 list is a 一线 entry form
    ("2", "5014", "0", "E", None, None),
    ("2", "5000", "0", "I", MISFIT, "3, 4"),  # 二线 list on a 一线 slip
    ("2", "1200", "0", "E", MISFIT, "4"),
    ("3", "5000", "0", "E", None, None),
    ("3", "5100", "1", "E", None, None),  # 集报 is a 二线 form
    ("3", "5034", "0", "E", MISFIT, "2"),  # 一线 list on a 二线 slip
    ("3", "1210", "0", "I", MISFIT, "2"),
    ("3", "5300", "0", "I", None, None),
    ("3", "1200", "0", "I", MISFIT, "4"),  # 区间 goods go on a 非报关 slip
    ("4", "5000", "0", "I", None, None),
    ("4", "1200", "0", "I", None, None),
    ("4", "5034", "0", "I", MISFIT, "2"),
    ("2", "5034", "6", "I", NO_SLIP, None),  # 区内流转 crosses no fence
    ("3", "9700", "0", "E", NO_SLIP, None),  # a write-off moves nothing
    ("1", "5034", "3", "I", MISFIT, "2"),  # 先入区后报关 links a bill of lading, not a list
    ("5", "5000", "0", "I", MISFIT, "3, 4"),
    ("6", "5034", "0", "I", MISFIT, "2"),  # an empty vehicle carries no list
    ("6", "5000", "0", "E", MISFIT, "3, 4"),
])
def test_slip_type_must_fit_the_fence_the_lists_goods_cross(slip_type, trade_mode, list_type, direction, code,
                                                            allowed):
    facts = replace(LIST, trade_mode=trade_mode, list_type=list_type, direction=direction)
    found = crossing_problem(SlipType(slip_type), facts, "lists[1]")
    if code is None:
        assert found is None
        return
    assert (found.field, found.code) == ("lists[1]", code)
    assert found.params["list"] == "QD1" and found.params["mode"] == trade_mode
    assert found.params["rule"] == f"list_crossing_{facts.crossing.value}"
    assert found.params.get("allowed") == allowed
    assert found.params.get("type") == (slip_type if code == MISFIT else None)


def test_binding_refuses_each_list_whose_crossing_does_not_fit_and_nothing_else():
    first_line = replace(LIST2, trade_mode="5034")
    _, problems = validate(slip_input(binding="1", lists=[7, 8]), {7: LIST, 8: first_line})
    assert problem_codes(problems) == [("lists[2]", MISFIT)]
    draft, problems = validate(slip_input(slip_type="2"), {7: replace(LIST, trade_mode="5034")})
    assert problems == [] and draft.slip_type is SlipType.FIRST_LINE
    # a slip type that takes no list says so once, not once more per list
    _, problems = validate(slip_input(slip_type="6", total_gross_wt=""), {7: first_line, 8: first_line})
    assert problem_codes(problems) == [("lists", "slip_takes_no_lists")]


def test_enter_first_needs_a_bill_of_lading_and_is_bonded():
    _, problems = validate(slip_input(slip_type="1", lists=[]))
    assert problem_codes(problems) == [("bill_of_lading", "required")]
    draft, problems = validate(slip_input(slip_type="1", lists=[], bill_of_lading="COSU123"))
    assert problems == [] and draft.goods_class is GoodsClass.BONDED and draft.lines == ()


def test_non_declared_may_carry_a_list_or_declare_its_class():
    draft, problems = validate(slip_input(slip_type="4", lists=[], goods_class="duty_paid"))
    assert problems == [] and draft.goods_class is GoodsClass.DUTY_PAID
    draft, problems = validate(slip_input(slip_type="4"))
    assert problems == [] and draft.goods_class is GoodsClass.BONDED
    _, problems = validate(slip_input(slip_type="5", lists=[], goods_class="empty"))
    assert problem_codes(problems) == [("goods_class", "bad_choice")]


def test_a_slip_records_its_electronic_lock_letters_and_digits_at_most_32():
    draft, problems = validate(slip_input(slip_type="1", direction="I", lists=[], bill_of_lading="COSU123", elock_no=" el0001 "))
    assert problems == [] and draft.elock_no == "EL0001"
    draft, problems = validate(slip_input(slip_type="1", lists=[], bill_of_lading="COSU123"))
    assert problems == [] and draft.elock_no == ""
    for bad in ("EL 0001", "电子锁1", "E" * 33):
        _, problems = validate(slip_input(slip_type="1", direction="I", lists=[], bill_of_lading="COSU123", elock_no=bad))
        assert problem_codes(problems) == [("elock_no", "bad_elock")]


def test_gate_registered_defaults_to_non_bonded():
    draft, problems = validate(slip_input(slip_type="5", lists=[]))
    assert problems == [] and draft.goods_class is GoodsClass.NON_BONDED


def test_empty_vehicle_has_no_goods_weight():
    draft, problems = validate(slip_input(slip_type="6", lists=[], total_gross_wt=""))
    assert problems == [] and draft.goods_class is GoodsClass.EMPTY and draft.expected_total_wt == D("8200")
    _, problems = validate(slip_input(slip_type="6", lists=[], total_gross_wt="10"))
    assert problem_codes(problems) == [("total_gross_wt", "empty_vehicle_has_goods")]


def test_bad_fields_each_named():
    _, problems = validate(slip_input(
        slip_type="9", binding="x", direction="Q", plate="ABC", ic_card="ic-1", vehicle_wt="heavy",
        total_gross_wt="-1", containers="CSQU3054384", seal="S" * 33,
    ))
    assert problem_codes(problems) == [
        ("slip_type", "bad_choice"), ("binding", "bad_choice"), ("direction", "bad_choice"), ("plate", "bad_plate"),
        ("ic_card", "bad_ic_card"), ("vehicle_wt", "not_a_number"), ("total_gross_wt", "weight_not_positive"),
        ("containers[1]", "bad_container"), ("seal", "too_long"),
    ]


def test_weights_bounded_and_containers_need_their_weight():
    _, problems = validate(slip_input(vehicle_wt="0", frame_wt="-1", total_gross_wt="300000", containers="CSQU3054383"))
    assert problem_codes(problems) == [
        ("vehicle_wt", "weight_not_positive"), ("frame_wt", "amount_negative"),
        ("total_gross_wt", "weight_too_large"), ("container_wt", "required"),
    ]


@pytest.mark.parametrize("raw, ok", [
    ("京A12345", True), ("粤B·D12345", True), ("沪c 1234挂", True), ("京A1234", False), ("XA12345", False),
    ("京AI2345", False), ("", False),
])
def test_plate_format(raw, ok):
    assert (plate_problem(raw) is None) is ok
    assert normal_plate(" 京a-123 45 ") == "京A12345"


# ---------------------------------------------------------------- inspection selection
FACTS = RiskFacts(goods_class=GoodsClass.BONDED, credit_class="C", trade_modes=frozenset({"5000"}),
                  hs_codes=frozenset({"8542310000", "3004909099"}), first_time_hs=frozenset())


def test_each_risk_rule_selects_with_its_reason():
    assert select(FACTS, RiskRules(), D("0")) == ()
    rules = RiskRules(credit_classes=frozenset({"C"}), trade_modes=frozenset({"5000"}),
                      hs_chapters=frozenset({"30"}), first_time_goods=True)
    got = [r.code for r in select(replace(FACTS, first_time_hs=frozenset({"3004909099"})), rules, D("99"))]
    assert got == ["risk_credit_class", "risk_trade_mode", "risk_hs_chapter", "risk_first_time_goods"]
    assert select(FACTS, replace(rules, credit_classes=frozenset({"D"}), trade_modes=frozenset(),
                                 hs_chapters=frozenset({"61"})), D("99")) == ()


def test_random_rate_selects_below_the_rate_only():
    rules = RiskRules(random_rate_pct=D("10"))
    assert [r.code for r in select(FACTS, rules, D("9.99"))] == ["risk_random"]
    assert select(FACTS, rules, D("10")) == ()
    assert select(replace(FACTS, goods_class=GoodsClass.EMPTY), RiskRules(random_rate_pct=D("100")), D("0")) == ()


def test_parse_set():
    assert parse_set("61, 62 ;85,,1234", 2) == frozenset({"61", "62", "85"})


def test_a_door_passage_draws_on_the_first_list_line_moving_its_item_that_way():
    from bondzone.gate.domain.door import DoorLine, covering_line

    lines = [DoorLine(2, 7, "non_bonded", "bonded", D("3")), DoorLine(1, 7, "non_bonded", "bonded", D("1")),
             DoorLine(3, 7, "bonded", "non_bonded", D("9"))]
    pick = partial(covering_line, lines, list_no="QD1", item_no=7, from_status="non_bonded", to_status="bonded")
    assert pick(quantity=D("1")) == 1 and pick(quantity=D("2")) == 2  # line 1 has too little left: line 2
    with pytest.raises(DomainError) as exc:
        pick(quantity=D("4"))
    assert [(p.field, p.code, p.params["remaining"]) for p in exc.value.problems] == [
        ("quantity", "door_exceeds_list", "3")]
    with pytest.raises(DomainError) as exc:
        covering_line([DoorLine(1, 7, "non_bonded", "bonded", D("30.000"))], list_no="QD1", item_no=7,
                      from_status="non_bonded", to_status="bonded", quantity=D("50"))
    assert exc.value.problems[0].params == {"value": "50", "list": "QD1", "remaining": "30"}
    with pytest.raises(DomainError) as exc:
        covering_line(lines, list_no="QD1", item_no=8, from_status="non_bonded", to_status="bonded", quantity=D("1"))
    assert [(p.field, p.code) for p in exc.value.problems] == [("item_no", "door_list_no_line")]


def test_only_bonded_non_bonded_changes_cross_a_warehouse_door():
    from bondzone.supervision.domain.posting import crosses_warehouse_door

    assert crosses_warehouse_door([("non_bonded", "bonded"), ("bonded", "non_bonded")])
    assert not crosses_warehouse_door([("bonded", "duty_paid")])
    assert not crosses_warehouse_door([("non_bonded", "bonded"), ("bonded", "")])  # a line that moves goods
    assert not crosses_warehouse_door([])


def test_a_share_of_a_status_change_line_posts_both_its_reservations():
    from bondzone.supervision.domain.posting import OpenReservation, shares

    open_ = [OpenReservation(1, 1, 5), OpenReservation(2, 1, 5), OpenReservation(3, 2, 4)]
    assert shares(open_, {1: 3}) == ({1: 3, 2: 3}, [])
    chosen, problems = shares(open_, {1: 6})
    assert chosen == {} and [(p.code, p.params["remaining"]) for p in problems] == [("share_exceeds_reserved", "5")]
    assert shares(open_, None) == ({1: 5, 2: 5, 3: 4}, [])
