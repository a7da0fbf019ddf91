from datetime import date, datetime
from decimal import Decimal

from ninja import Field, Schema

from bondzone.core.types import Dec, Id, Int, Numbered


class BomLineIn(Schema):
    material_no: Int()
    net: Dec()
    loss_pct: Dec() = Decimal(0)


class BomIn(Schema):
    finished_no: Int()
    version: str = Field(max_length=16)
    valid_from: date
    valid_until: date | None = None
    lines: Numbered(BomLineIn)


class BomLineOut(Schema):
    material_no: int
    net: Decimal
    loss_pct: Decimal


class BomOut(Schema):
    id: int
    book_id: int
    finished_no: int
    version: str
    valid_from: date
    valid_until: date | None
    status: str
    lines: list[BomLineOut]


class BomDecisionIn(Schema):
    approve: bool


class OutputIn(Schema):
    item_no: Int()
    quantity: Dec()
    kind: str = Field("finished", max_length=12, description="finished, defective, scrap or by_product")


class ProductionIn(Schema):
    book_id: Id
    day: date | None = None
    note: str = Field("", max_length=500)
    outputs: Numbered(OutputIn)


class OutputOut(Schema):
    line: int
    item_no: int
    kind: str
    quantity: Decimal
    bom_version: str


class ConsumptionOut(Schema):
    material_no: int
    quantity: Decimal


class ProductionOut(Schema):
    id: int
    book_id: int
    day: date
    note: str
    outputs: list[OutputOut]
    consumption: list[ConsumptionOut]


class CountIn(Schema):
    item_no: Int()
    goods_status: str = Field("bonded", max_length=12)
    counted: Dec()


class StockTakeIn(Schema):
    book_id: Id
    day: date | None = None
    tolerance_pct: Dec() | None = None
    counts: Numbered(CountIn)


class StockTakeLineOut(Schema):
    item_no: int
    goods_status: str
    book_quantity: Decimal
    counted: Decimal
    value: Decimal
    disposition: str


class StockTakeOut(Schema):
    id: int
    book_id: int
    day: date
    tolerance_pct: Decimal
    adjusted: bool
    case_open: bool
    lines: list[StockTakeLineOut]


class WriteOffIn(Schema):
    book_id: Id
    period_start: date
    period_end: date


class WriteOffOut(Schema):
    id: int
    book_id: int
    period_start: date
    period_end: date
    status: str
    progress: int
    rows: int
    differences: int
    error: str = Field(description="why a failed job has no rows, in the reader's language")
    requested_at: datetime
    finished_at: datetime | None

    @staticmethod
    def resolve_error(obj) -> str:
        return obj.failure
