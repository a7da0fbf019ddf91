"""The period write-off (核销/报核): per item and goods status,
opening + in − out − consumption + produced = computed closing, compared with the book's closing balance;
a difference is flagged with the documents (adjustments, status changes…) whose movements explain it.

The caller aggregates movements by (item, status, flow) in the database — one GROUP BY — and hands the sums
here, so the fold costs one pass over the groups, not over the movements."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

Key = tuple[int, str]  # (item no, goods status)


class Flow(StrEnum):
    IN = "in"  # lists into the book (进)
    OUT = "out"  # lists out of the book (出)
    CONSUMED = "consumed"  # materials used by production reports
    PRODUCED = "produced"  # finished goods, defective goods, scrap, by-products booked by production reports
    OTHER = "other"  # adjustments, status changes: what a difference is explained by


@dataclass(frozen=True)
class FlowSum:
    key: Key
    flow: Flow
    quantity: Decimal  # signed as it moved the book


@dataclass
class WriteOffRow:
    item_no: int
    goods_status: str
    opening: Decimal = Decimal(0)
    inward: Decimal = Decimal(0)
    outward: Decimal = Decimal(0)
    consumed: Decimal = Decimal(0)
    produced: Decimal = Decimal(0)
    book_closing: Decimal = Decimal(0)
    explained_by: list[str] = field(default_factory=list)

    @property
    def computed_closing(self) -> Decimal:
        return self.opening + self.inward - self.outward - self.consumed + self.produced

    @property
    def difference(self) -> Decimal:
        return self.book_closing - self.computed_closing

    def as_dict(self) -> dict:
        return {
            "item_no": self.item_no, "goods_status": self.goods_status, "opening": str(self.opening),
            "in": str(self.inward), "out": str(self.outward), "consumed": str(self.consumed),
            "produced": str(self.produced), "computed_closing": str(self.computed_closing),
            "book_closing": str(self.book_closing), "difference": str(self.difference),
            "explained_by": list(self.explained_by),
        }


def fold(opening: Mapping[Key, Decimal], sums: Iterable[FlowSum], closing: Mapping[Key, Decimal],
         explaining: Mapping[Key, Iterable[str]] = {}) -> list[WriteOffRow]:
    rows: dict[Key, WriteOffRow] = {}

    def row(key: Key) -> WriteOffRow:
        found = rows.get(key)
        if found is None:
            found = rows[key] = WriteOffRow(key[0], key[1])
        return found

    for key, qty in opening.items():
        row(key).opening = qty
    for s in sums:
        r = row(s.key)
        if s.flow is Flow.IN:
            r.inward += s.quantity
        elif s.flow is Flow.OUT:
            r.outward -= s.quantity  # stored negative: shown as a positive outflow
        elif s.flow is Flow.CONSUMED:
            r.consumed -= s.quantity
        elif s.flow is Flow.PRODUCED:
            r.produced += s.quantity
    for key, qty in closing.items():
        row(key).book_closing = qty
    for key, r in rows.items():
        if r.difference:
            r.explained_by = sorted(set(explaining.get(key, ())))
    return [rows[k] for k in sorted(rows)]
