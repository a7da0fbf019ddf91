from datetime import datetime
from decimal import Decimal
from typing import Any

from ninja import Field, Schema

from bondzone.core.types import Dec, Id, Int, Numbered


class SlipLineIn(Schema):
    seq: Int()
    quantity: Dec()


class SlipIn(Schema):
    enterprise_id: Id | None = Field(None, description="platform admin only; enterprise users apply for their own")
    slip_type: str = Field(max_length=1, description="1 先入区后报关, 2 一线, 3 二线, 4 非报关, 5 卡口登记, 6 空车")
    binding: str = Field("2", max_length=1, description="1 一车多票, 2 一车一票, 3 一票多车")
    direction: str = Field(max_length=1, description="I into the zone, E out of it")
    plate: str = Field(max_length=20)
    ic_card: str = Field("", max_length=40)
    vehicle_wt: Dec()
    frame_wt: Dec() | None = None
    container_wt: Dec() | None = None
    total_gross_wt: Dec() | None = None
    containers: Numbered(str) = []
    seal: str = Field("", max_length=40)
    elock_no: str = Field("", max_length=40, description="电子关锁: the electronic lock customs applied at the port "
                          "(first-line inbound transit); letters and digits, at most 32")
    bill_of_lading: str = Field("", max_length=80)
    goods_class: str = Field("", max_length=12, description="for slips without lists: bonded, non_bonded, duty_paid")
    lists: Numbered(Id) = []
    lines: Numbered(SlipLineIn) = Field([], description="一票多车 only: the share of each list line on this vehicle")


class SlipLineOut(Schema):
    list_id: int = Field(alias="vlist_id")
    seq: int
    quantity: Decimal


class SlipOut(Schema):
    id: int
    number: str
    zone_id: int
    enterprise_id: int
    slip_type: str
    binding: str
    direction: str
    status: str
    goods_class: str
    plate: str
    ic_card: str
    vehicle_wt: Decimal
    frame_wt: Decimal
    container_wt: Decimal
    total_gross_wt: Decimal
    containers: list[str]
    seal: str
    elock_no: str
    bill_of_lading: str
    valid_until: datetime | None
    inspection: str
    created_at: datetime
    approved_at: datetime | None
    passed_at: datetime | None
    cancel_reason: str


class SlipDetailOut(SlipOut):
    lists: list[int]
    lines: list[SlipLineOut]


class ReasonIn(Schema):
    reason: str = Field(max_length=500)


class DiscrepancyIn(Schema):
    seq: Int() = Field(description="the list line")
    found: Dec() = Field(description="quantity found; the passage posts it (at most what the list has reserved)")
    list_id: Id | None = Field(None, description="needed when the slip carries several lists with this line number")


class InspectionIn(Schema):
    result: str = Field(max_length=12, description="conforms or discrepancy")
    release: bool
    note: str = Field("", max_length=500)
    discrepancies: Numbered(DiscrepancyIn) = []


class GateEventIn(Schema):
    event_id: str = Field(max_length=64, description="unique per gate; a repeated event gets the first answer")
    plate: str = Field(max_length=20)
    direction: str = Field(max_length=1)
    weighbridge_kg: Dec()
    ic_card: str = Field("", max_length=40)
    containers: Numbered(str) = []
    seal: str = Field("", max_length=40)
    elock_no: str = Field("", max_length=40, description="the electronic lock read (电子关锁号); with its status")
    elock_status: str = Field("", max_length=20, description="intact, opened or fault; with the lock's number")


class ReasonOut(Schema):
    code: str
    params: dict[str, str]
    message: str


class GateAnswerOut(Schema):
    outcome: str = Field(description="pass, hold or refuse")
    reasons: list[ReasonOut]
    slip: str | None
    weight: dict[str, str] | None = None
    event_id: str
    gate: str
    passage: int
    posted: bool
    replayed: bool
    found: list[dict[str, str | int]] | None = Field(None, description="lines posted as found at inspection")
    stage: int | None = Field(None, description="double-gate mode: 1 一卡 (checked, nothing posted), 2 二卡 (posted)")


class PassageOut(Schema):
    id: int
    gate_id: int
    event_id: str
    slip_id: int | None
    plate: str
    direction: str
    weighbridge_kg: Decimal
    elock_no: str
    elock_status: str
    outcome: str
    recorded_at: datetime
    posted: bool


class GateSettingsIn(Schema):
    weight_tolerance_pct: Dec() | None = None
    weight_tolerance_kg: Dec() | None = None
    empty_tolerance_kg: Dec() | None = None
    weigh_non_bonded: bool | None = None
    check_seal_non_bonded: bool | None = None
    slip_valid_hours: Int() | None = None
    random_rate_pct: Dec() | None = None
    risk_credit_classes: str | None = Field(None, max_length=100)
    risk_trade_modes: str | None = Field(None, max_length=200)
    risk_hs_chapters: str | None = Field(None, max_length=200)
    inspect_first_time_goods: bool | None = None
    double_gate: bool | None = None
    check_elock: bool | None = None


class GateSettingsOut(Schema):
    zone_id: int
    weight_tolerance_pct: Decimal
    weight_tolerance_kg: Decimal
    empty_tolerance_kg: Decimal
    weigh_non_bonded: bool
    check_seal_non_bonded: bool
    slip_valid_hours: int
    random_rate_pct: Decimal
    risk_credit_classes: str
    risk_trade_modes: str
    risk_hs_chapters: str
    inspect_first_time_goods: bool
    double_gate: bool
    check_elock: bool


class GateIn(Schema):
    zone_id: Id
    code: str = Field(max_length=16)
    name: str = Field(max_length=100)
    stage: Int() = Field(1, description="double-gate mode: 1 一卡 (checks), 2 二卡 (completes and posts)")


class GateOut(Schema):
    id: int
    zone_id: int
    code: str
    name: str
    username: str = Field(alias="user.username")
    active: bool
    stage: int


class TokenOut(Schema):
    token: str


class DoorPassageIn(Schema):
    book_id: Id
    event_id: str = Field(max_length=64, description="unique per book; a repeated report returns the first record")
    door: str = Field(max_length=40, description="the warehouse door's code")
    item_no: Int()
    quantity: Dec()
    from_status: str = Field(max_length=12, description="non_bonded or bonded")
    to_status: str = Field(max_length=12, description="bonded or non_bonded")
    reference: str = Field(max_length=80, description="the number (or pre-entry number) of the approved status-change list (non-bonded ↔ bonded) whose goods pass")
    note: str = Field("", max_length=500)


class DoorPassageOut(Schema):
    id: int
    book_id: int
    event_id: str
    door: str
    item_no: int
    quantity: Decimal
    from_status: str
    to_status: str
    reference: str
    vlist_id: int | None = Field(None, description="the status-change list whose reserved share the passage posted")
    list_line: int | None = None
    note: str
    recorded_at: datetime
    replayed: bool = False


class DoorListChangeIn(Schema):
    """变更 of a door list before its goods passed the door: per line number, the fields that change."""

    lines: dict[str, dict[str, Any]] = Field(description="line number -> fields that change: quantity, unit, "
                                             "legal_quantity, second_quantity, value, unit_price, gross_weight, "
                                             "net_weight; e.g. {\"1\": {\"quantity\": \"6\"}}")
    reason: str = Field(max_length=500)


class ReceiptOut(Schema):
    """What a customs receipt (SAS221) did to our slip."""

    slip_id: int
    slip_number: str
    status: str
    inspection: str
    decision: str = Field(description="emapvMarkcd: 1 approved (通过), 3 returned (退单)")
    passport_no: str = Field(description="the passport number customs assigned (approvals)")
    effect: str = Field(description="approved, cancelled, or confirmed (the slip already was so)")
    replayed: bool = Field(description="the same receipt was applied before: nothing changed")
    message: str
