from datetime import date, datetime
from decimal import Decimal

from ninja import Field, Schema


class BookOut(Schema):
    id: int
    number: str
    kind: str
    enterprise_id: int
    zone_id: int
    valid_from: date
    valid_until: date
    active: bool


class BookIn(Schema):
    enterprise_id: int
    number: str = Field(max_length=20)
    kind: str = Field(max_length=1)
    valid_from: date
    valid_until: date


class ItemOut(Schema):
    id: int
    item_no: int
    part_no: str
    hs_code: str
    name_zh: str
    name_en: str
    spec: str
    kind: str
    declared_unit: str
    legal_unit: str
    legal_factor: Decimal
    second_unit: str
    currency: str
    unit_price: Decimal
    origin_country: str


class ItemIn(Schema):
    item_no: int
    part_no: str = ""
    hs_code: str
    name_zh: str
    name_en: str = ""
    spec: str = ""
    kind: str = "I"
    declared_unit: str
    legal_unit: str
    legal_factor: Decimal | None = None
    second_unit: str = ""
    second_factor: Decimal | None = None
    currency: str = "142"
    unit_price: Decimal = Decimal(0)
    origin_country: str = ""


class AccountOut(Schema):
    id: int
    book_id: int
    item_id: int
    item_no: int = Field(alias="item.item_no")
    goods_status: str
    unit: str
    posted: Decimal
    reserved: Decimal
    available: Decimal
    incoming: Decimal


class MovementOut(Schema):
    entry_id: int
    effective_date: date
    kind: str
    source_kind: str
    source_id: int
    line_seq: int
    list_id: int | None
    list_number: str
    delta: Decimal
    reserved_delta: Decimal
    incoming_delta: Decimal
    balance: Decimal


class MovementsOut(Schema):
    account: AccountOut
    opening_balance: Decimal
    count: int
    items: list[MovementOut]


class StockAsOfOut(Schema):
    account_id: int
    item_no: int
    name: str
    goods_status: str
    unit: str
    quantity: Decimal


class LineIn(Schema):
    item_no: int
    quantity: Decimal
    unit: str
    value: Decimal = Decimal(0)
    currency: str = "142"
    goods_status: str = "bonded"


class ListIn(Schema):
    book_id: int
    direction: str
    trade_mode: str
    list_type: str = "0"
    item_kind: str = "I"
    declaration_no: str = ""
    inner_no: str = ""
    remarks: str = ""
    lines: list[LineIn]


class LineOut(Schema):
    seq: int
    item_id: int
    item_no: int = Field(alias="item.item_no")
    quantity: Decimal
    unit: str
    value: Decimal
    currency: str
    goods_status: str


class ListOut(Schema):
    id: int
    number: str
    book_id: int
    enterprise_id: int
    direction: str
    trade_mode: str
    list_type: str
    item_kind: str
    declaration_no: str
    inner_no: str
    remarks: str
    status: str
    posting_state: str
    line_count: int
    reverses_id: int | None
    created_at: datetime
    submitted_at: datetime | None
    decided_at: datetime | None
    effective_date: date | None
    reject_reason: str


class ListDetailOut(ListOut):
    lines: list[LineOut]

    @staticmethod
    def resolve_lines(obj):
        return list(obj.lines.select_related("item").order_by("seq"))


class ApproveIn(Schema):
    effective_date: date | None = None


class RejectIn(Schema):
    reason: str


class ReverseIn(Schema):
    reason: str
    effective_date: date | None = None


class ImportOut(Schema):
    list_ids: list[int]



class PassIn(Schema):
    """The goods of an approved list passed (all that is still reserved, or `shares`: line -> quantity)."""

    event_id: str = ""  # unique per passage; "" = derived from the Idempotency-Key
    shares: dict[int, Decimal] | None = None
    effective_date: date | None = None


class PassOut(Schema):
    list_id: int
    posted: dict[int, Decimal]
    complete: bool


class CancelIn(Schema):
    reason: str


class ReservationOut(Schema):
    id: int
    source_kind: str
    source_id: int
    source_line: int
    account_id: int
    item_no: int = Field(alias="account.item.item_no")
    goods_status: str = Field(alias="account.goods_status")
    unit: str = Field(alias="account.unit")
    sign: int
    quantity: Decimal
    posted: Decimal
    voided: Decimal
    state: str
    created_at: datetime
    ended_at: datetime | None
