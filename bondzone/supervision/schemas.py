from datetime import date, datetime
from decimal import Decimal

from ninja import Field, Schema

from bondzone.core.domain.inputs import RECORDED, VALIDITY
from bondzone.core.types import Code, DateIn, Dec, HSCode, Id, Int, Numbered, TextOf

from .domain.codes import BOOK_NUMBER, BOOK_NUMBER_EXAMPLE
from .domain.validation import ITEM_NO_RANGE
from .models import AccountBook, BookItem, PostingEvent, VerificationList

ItemNo = Int(*ITEM_NO_RANGE)  # 备案序号
Reason = TextOf(VerificationList, "reject_reason")
PROCESSING_KIND_HELP = ("H books: imported (进料加工) or supplied (来料加工), '' not recorded; decides 0844 / 0845 "
                        "when scrap is sold inland")


class BookOut(Schema):
    id: int
    number: str
    kind: str
    enterprise_id: int
    zone_id: int
    valid_from: date
    valid_until: date
    active: bool
    processing_kind: str = Field("", description=PROCESSING_KIND_HELP)


class BookIn(Schema):
    enterprise_id: Id
    number: Code(BOOK_NUMBER, BOOK_NUMBER_EXAMPLE, AccountBook._meta.get_field("number").max_length)
    kind: TextOf(AccountBook, "kind")
    valid_from: DateIn(VALIDITY)
    valid_until: DateIn(VALIDITY)
    processing_kind: TextOf(AccountBook, "processing_kind") = Field("", description=PROCESSING_KIND_HELP)


class BookProcessingKindIn(Schema):
    processing_kind: TextOf(AccountBook, "processing_kind") = Field(..., description=PROCESSING_KIND_HELP)


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
    leftover: str = Field("", description="'' ordinary, scrap (边角料), by_product (副产品), defective (残次品)")
    leftover_of: int | None = Field(None, description="defective goods: the finished item they were produced as")
    solid_waste: bool = Field(False, description="固体废物: its lists never take it into China (境内区外)")


class ItemChangeOut(ItemOut):
    held_lists: list[str] = Field([], description="approved lists whose goods not yet passed this change holds: "
                                                  "they take the item, now solid waste, into China")
    released_lists: list[str] = Field([], description="lists this change releases (the solid-waste mark cleared)")


class ItemIn(Schema):
    item_no: ItemNo
    part_no: TextOf(BookItem, "part_no") = ""
    hs_code: HSCode
    name_zh: TextOf(BookItem, "name_zh")
    name_en: TextOf(BookItem, "name_en") = ""
    spec: TextOf(BookItem, "spec") = ""
    kind: TextOf(BookItem, "kind") = "I"
    declared_unit: TextOf(BookItem, "declared_unit")
    legal_unit: TextOf(BookItem, "legal_unit")
    legal_factor: Dec() | None = None
    second_unit: TextOf(BookItem, "second_unit") = ""
    second_factor: Dec() | None = None
    currency: TextOf(BookItem, "currency") = "142"
    unit_price: Dec() = Decimal(0)
    origin_country: TextOf(BookItem, "origin_country") = ""
    leftover: TextOf(BookItem, "leftover") = Field(
        "", description="'' ordinary, scrap (边角料) / by_product (副产品): material items; defective (残次品): finished")
    leftover_of: ItemNo | None = Field(None, description="defective goods: the finished item whose BOM they consumed")
    solid_waste: bool = Field(False, description="固体废物 (customs' finding, processing books only): its lists never "
                                                 "take it into China (境内区外)")


class ItemChangeIn(Schema):
    """备案变更: only the fields given change. The record number never changes (given, it must be the item's own);
    units, factors and kind only while the item has no movement, reservation, list line or BOM row. null clears
    part_no, name_en, spec, second_unit, origin_country, leftover_of and (with no second unit) second_factor; on
    any other field it is refused (null_not_allowed), never read as the field's default. Clearing second_unit
    clears second_factor with it (no item keeps a factor of a unit it does not have)."""

    item_no: ItemNo | None = None
    part_no: TextOf(BookItem, "part_no") | None = None
    hs_code: HSCode | None = None
    name_zh: TextOf(BookItem, "name_zh") | None = None
    name_en: TextOf(BookItem, "name_en") | None = None
    spec: TextOf(BookItem, "spec") | None = None
    kind: TextOf(BookItem, "kind") | None = None
    declared_unit: TextOf(BookItem, "declared_unit") | None = None
    legal_unit: TextOf(BookItem, "legal_unit") | None = None
    legal_factor: Dec() | None = None
    second_unit: TextOf(BookItem, "second_unit") | None = None
    second_factor: Dec() | None = None
    currency: TextOf(BookItem, "currency") | None = None
    unit_price: Dec() | None = None
    origin_country: TextOf(BookItem, "origin_country") | None = None
    leftover: TextOf(BookItem, "leftover") | None = Field(
        None, description="'' ordinary, scrap (边角料) / by_product (副产品): material items; defective (残次品): finished")
    leftover_of: ItemNo | None = Field(None, description="defective goods: the finished item whose BOM they consumed "
                                                         "(null clears it when the item stops being defective goods)")
    solid_waste: bool | None = Field(None, description="固体废物 (processing books only): true marks the item, false "
                                                        "clears the mark once the goods meet the national standards "
                                                        "(null is refused)")


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
    item_no: ItemNo
    quantity: Dec()  # 申报数量, in `unit` (any unit of the item; the book converts through its factors)
    unit: str
    legal_quantity: Dec() | None = None  # 法定数量; computed from the item's factor when missing
    second_quantity: Dec() | None = None  # 第二法定数量
    unit_price: Dec() | None = None
    value: Dec() = Decimal(0)  # 总价
    currency: str = "142"
    origin_country: str = ""
    destination_country: str = ""
    levy_mode: str = ""  # 征免方式 1–9
    gross_weight: Dec() | None = None
    net_weight: Dec() | None = None
    goods_status: str = "bonded"
    target_status: str = ""  # a status change line: from goods_status to target_status


class ListCorrectIn(Schema):
    """A list's header and lines (a new draft, or a draft / rejected list corrected before resubmission)."""

    direction: str
    trade_mode: str
    list_type: str = "0"
    item_kind: str = "I"
    declaration_no: TextOf(VerificationList, "declaration_no") = ""
    inner_no: TextOf(VerificationList, "inner_no") = ""
    remarks: TextOf(VerificationList, "remarks") = ""
    related_no: TextOf(VerificationList, "related_no") = ""  # 关联清单编号: the other list of a 区内流转 / 区间流转 pair
    transport_mode: TextOf(VerificationList, "transport_mode") = ""  # 运输方式: 2–6 一线, Y 二线, 9 in / between zones
    departure_country: TextOf(VerificationList, "departure_country") = ""  # 起运/运抵国(地区)
    declaration_flag: TextOf(VerificationList, "declaration_flag") = ""  # 是否报关: 1 报关, 2 非报关
    declaration_type: TextOf(VerificationList, "declaration_type") = ""  # 报关类型: 1 关联, 2 对应 (declared lists)
    related_book_no: TextOf(VerificationList, "related_book_no") = ""  # 关联手(账)册
    lines: Numbered(LineIn)


class ListIn(ListCorrectIn):
    book_id: Id


class ChangeIn(Schema):
    """变更 of an approved list before posting: any of trade_mode, transport_mode, declaration_no, inner_no, remarks."""

    changes: dict[str, str]
    reason: Reason


class LineOut(Schema):
    seq: int
    item_id: int
    item_no: int = Field(alias="item.item_no")
    # the goods as declared when the line was written (a later change of the book item leaves them)
    part_no: str
    hs_code: str
    name_zh: str
    name_en: str
    spec: str
    quantity: Decimal
    unit: str
    legal_unit: str
    second_unit: str
    book_quantity: Decimal
    book_unit: str
    legal_quantity: Decimal | None
    second_quantity: Decimal | None
    unit_price: Decimal
    value: Decimal
    currency: str
    origin_country: str
    destination_country: str
    levy_mode: str
    gross_weight: Decimal | None
    net_weight: Decimal | None
    goods_status: str
    target_status: str


class ListOut(Schema):
    id: int
    number: str | None  # 清单编号, from approval
    pre_entry_no: str  # 预录入统一编号, from creation
    change_count: int
    related_no: str
    book_id: int
    enterprise_id: int
    direction: str
    trade_mode: str
    list_type: str
    item_kind: str
    declaration_no: str
    inner_no: str
    remarks: str
    transport_mode: str
    departure_country: str
    declaration_flag: str
    declaration_type: str
    related_book_no: str
    status: str
    posting_state: str
    # held for solid waste (docs/ledger.md "Solid waste"): per line, the refusal its passage gets
    solid_waste_held: list[dict] = Field([], description="lines whose item customs marked as solid waste (固体废物) "
                                                         "after approval: their goods do not pass (the refusal's "
                                                         "parameters: item, line, mode, allowed …)")
    changes_status: bool
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
    effective_date: DateIn(RECORDED) | None = None


class RejectIn(Schema):
    reason: Reason


class ReverseIn(Schema):
    reason: Reason
    effective_date: DateIn(RECORDED) | None = None


class ImportOut(Schema):
    list_ids: list[int]



class PassIn(Schema):
    """The goods of an approved list passed (all that is still reserved, or `shares`: line -> quantity)."""

    event_id: TextOf(PostingEvent, "event_id") = ""  # unique per passage; "" = derived from the Idempotency-Key
    shares: dict[int, Decimal] | None = None
    effective_date: DateIn(RECORDED) | None = None


class PassOut(Schema):
    list_id: int
    posted: dict[int, Decimal]
    complete: bool


class CancelIn(Schema):
    reason: Reason


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
