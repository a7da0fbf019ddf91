"""Codes of release slips (核放单, SAS121) as domain-customs.md §3.1 gives them."""

from __future__ import annotations

from enum import StrEnum

from bondzone.supervision.domain.trade_modes import Crossing


class SlipType(StrEnum):
    """passportTypecd."""

    ENTER_FIRST = "1"  # 先入区后报关: enters on a bill of lading, the list follows
    FIRST_LINE = "2"  # 一线一体化进出区
    SECOND_LINE = "3"  # 二线进出区
    NON_DECLARED = "4"  # 非报关进出区
    GATE_REGISTERED = "5"  # 卡口登记货物
    EMPTY = "6"  # 空车进出区


class Binding(StrEnum):
    """bindTypecd."""

    ONE_VEHICLE_MANY_LISTS = "1"  # 一车多票
    ONE_VEHICLE_ONE_LIST = "2"  # 一车一票
    ONE_LIST_MANY_VEHICLES = "3"  # 一票多车


class SlipStatus(StrEnum):
    """stucd: 0 applied, 1 approved, 2 passed (single-gate mode; in double-gate mode 3 passed the first gate,
    4 passed the second = passed), 6 cancelled (expired is a date, not a state)."""

    APPLIED = "applied"
    APPROVED = "approved"
    PASSED_FIRST = "passed_first"
    PASSED = "passed"
    CANCELLED = "cancelled"


class GoodsClass(StrEnum):
    """保税与非保税货物分类管理: what the vehicle carries decides how strict the gate is."""

    BONDED = "bonded"
    NON_BONDED = "non_bonded"
    DUTY_PAID = "duty_paid"
    EMPTY = "empty"


class Outcome(StrEnum):
    PASS = "pass"
    HOLD = "hold"  # hold for inspection / manual check (转岗)
    REFUSE = "refuse"


class ElockStatus(StrEnum):
    """What the gate reads of a customs electronic lock (电子关锁) applied at the port for 区港联动 / 转关 cargo
    (§3.3; the transit/关锁 system's field, not SAS121's: unconfirmed)."""

    INTACT = "intact"
    OPENED = "opened"  # opened on the way: the goods may have been touched
    FAULT = "fault"


class InspectionState(StrEnum):
    NOT_SELECTED = "not_selected"
    PENDING = "pending"  # selected, not yet inspected
    RELEASED = "released"  # inspected; conforms or discrepancies accepted: released
    REFUSED = "refused"  # inspected; refused


class InspectionResult(StrEnum):
    CONFORMS = "conforms"
    DISCREPANCY = "discrepancy"


# Which fence the goods of the lists a slip type links cross (§1.3, §3.2): 一线一体化 the first line
# (zone ↔ abroad), 二线 the second (zone ↔ 境内区外); 非报关 goods cross the second line without a
# declaration or move to another special area (区间, normally 非报关). 先入区后报关 links a bill of lading
# instead (the list follows after entry); 卡口登记 and 空车 link nothing. Lists whose goods cross no fence
# (区内, write-offs) post at approval and go on no slip.
SLIP_CROSSINGS: dict[SlipType, frozenset[Crossing]] = {
    SlipType.FIRST_LINE: frozenset({Crossing.FIRST_LINE}),
    SlipType.SECOND_LINE: frozenset({Crossing.SECOND_LINE}),
    SlipType.NON_DECLARED: frozenset({Crossing.SECOND_LINE, Crossing.INTER_ZONE}),
}
# 一线/二线 always link lists; 非报关 may (a 非报关 list posts when its goods pass the gate).
LISTS_REQUIRED = frozenset({SlipType.FIRST_LINE, SlipType.SECOND_LINE})
LISTS_ALLOWED = frozenset(SLIP_CROSSINGS)
