"""Stock-taking (盘点): counted quantities against the book, per item and goods status, with the value of
each difference. Differences within the tolerance are adjusted by one adjustment document; beyond it they
open a case for customs (shortages are taxed unless explained as reasonable loss, §1.2)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, localcontext

from bondzone.core.domain.errors import Problem, problem
from bondzone.core.domain.inputs import collect_decimal, collect_quantity

from .bom import rows_of

MAX_VALUE = Decimal(10) ** 16  # the value column's DECIMAL(18, 2)

STATUSES = ("bonded", "non_bonded", "duty_paid")


@dataclass(frozen=True)
class BookBalance:
    quantity: Decimal
    unit_price: Decimal
    scale: int = 5  # decimals a quantity in the item's declared unit carries (个: 0, 千克: 3)


@dataclass(frozen=True)
class CountRow:
    item_no: int
    goods_status: str
    book: Decimal
    counted: Decimal
    unit_price: Decimal

    @property
    def difference(self) -> Decimal:
        return self.counted - self.book

    @property
    def value(self) -> Decimal:
        with localcontext() as ctx:  # wide enough for any bounded quantity × price; assess refuses a value too large
            ctx.prec = 60
            return (self.difference * self.unit_price).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Assessment:
    rows: tuple[CountRow, ...]
    adjust: tuple[CountRow, ...]  # non-zero differences within tolerance
    case: tuple[CountRow, ...]  # differences beyond tolerance: for customs


def within(row: CountRow, tolerance_pct: Decimal) -> bool:
    if row.book == 0:
        return row.difference == 0
    return abs(row.difference) <= abs(row.book) * tolerance_pct / 100


def assess(raw_counts, book: Mapping[tuple[int, str], BookBalance], tolerance_pct: Decimal
           ) -> tuple[Assessment | None, list[Problem]]:
    """A count for an item (and status) the book does not hold is refused, not guessed."""
    problems: list[Problem] = []
    rows: list[CountRow] = []
    seen: set[tuple[int, str]] = set()
    raw_counts = rows_of(raw_counts)
    if not raw_counts:
        problems.append(problem("counts", "stocktake_no_counts"))
    for n, raw in enumerate(raw_counts, start=1):
        name = f"counts[{n}]"
        item = collect_decimal(raw.get("item_no"), f"{name}.item_no", problems, required=True)
        status = str(raw.get("goods_status") or "bonded")
        # counted in the item's unit: a count the ledger could not post (1.5 个) is refused here, on the count
        key = (int(item), status) if item is not None and item == item.to_integral_value() else None
        counted = collect_quantity(raw.get("counted"), f"{name}.counted", problems,
                                   scale=book[key].scale if key in book else 5)
        if status not in STATUSES:
            problems.append(problem(f"{name}.goods_status", "bad_choice", value=status, choices=", ".join(STATUSES)))
            continue
        if item is None or counted is None:
            continue
        if key is None or key not in book:
            problems.append(problem(f"{name}.item_no", "count_not_in_book", item=item, status=status))
            continue
        if key in seen:
            problems.append(problem(f"{name}.item_no", "count_twice", item=key[0], status=status))
            continue
        seen.add(key)
        if counted < 0:
            problems.append(problem(f"{name}.counted", "count_negative", value=counted))
            continue
        balance = book[key]
        row = CountRow(key[0], status, balance.quantity, counted, balance.unit_price)
        if abs(row.value) >= MAX_VALUE:
            problems.append(problem(f"{name}.counted", "amount_too_large", value=row.value))
            continue
        rows.append(row)
    if problems:
        return None, problems
    changed = [r for r in rows if r.difference]
    return Assessment(tuple(rows), tuple(r for r in changed if within(r, tolerance_pct)),
                      tuple(r for r in changed if not within(r, tolerance_pct))), []
