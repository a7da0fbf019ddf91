"""Bills of materials (单耗, §2.3): per finished item and version, net consumption and loss rate per
material; gross consumption = net ÷ (1 − loss rate). Effective-dated; only approved versions consume."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, localcontext

from bondzone.core.domain.errors import Problem, problem
from bondzone.core.domain.inputs import collect_date, collect_decimal, collect_quantity

SCALE = Decimal("0.00001")  # the ledger's quantity precision (10⁻⁵)
MAX_VERSION = 16


@dataclass(frozen=True)
class BookItemFacts:
    item_no: int
    kind: str  # "I" material, "E" finished goods
    unit: str
    unit_price: Decimal = Decimal(0)
    leftover: str = ""  # "", scrap, by_product, defective (the book's item record)
    leftover_of: int | None = None  # defective goods: the finished item whose BOM they consumed
    scale: int = 5  # decimal places a quantity in the item's declared unit may carry (个: 0, 千克: 5 …)


@dataclass(frozen=True)
class BomLine:
    material_no: int
    net: Decimal  # 净耗 per one unit of the finished item
    loss_pct: Decimal  # 损耗率, 0 ≤ loss < 100

    @property
    def gross(self) -> Decimal:
        """单耗 = 净耗 ÷ (1 − 损耗率)."""
        return self.net / (1 - self.loss_pct / 100)


@dataclass(frozen=True)
class Bom:
    finished_no: int
    version: str
    valid_from: date
    valid_until: date | None
    lines: tuple[BomLine, ...]
    approved: bool = True

    def covers(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_until is None or day <= self.valid_until)


def validate_bom(data: Mapping, items: Mapping[int, BookItemFacts], book: str = "") -> tuple[Bom | None, list[Problem]]:
    """`book`: the book's number, named when an item is not in it."""
    problems: list[Problem] = []
    finished_no = _item_no(data.get("finished_no"), "finished_no", problems)
    if finished_no is not None:
        facts = items.get(finished_no)
        if facts is None:
            problems.append(problem("finished_no", "unknown_item", book=book, value=finished_no))
        elif facts.kind != "E":
            problems.append(problem("finished_no", "bom_needs_finished_item", item=finished_no))
    version = str(data.get("version") or "").strip()
    if not version:
        problems.append(problem("version", "required"))
    elif len(version) > MAX_VERSION:
        problems.append(problem("version", "too_long", max=MAX_VERSION))
    valid_from = collect_date(data.get("valid_from"), "valid_from", problems)
    if valid_from is None and not any(p.field == "valid_from" for p in problems):
        problems.append(problem("valid_from", "required"))
    valid_until = collect_date(data.get("valid_until"), "valid_until", problems)
    if valid_from and valid_until and valid_until < valid_from:
        problems.append(problem("valid_until", "end_before_start", start=valid_from, end=valid_until))
    lines: list[BomLine] = []
    raw_lines = rows_of(data.get("lines"))
    if not raw_lines:
        problems.append(problem("lines", "bom_no_lines"))
    seen: set[int] = set()
    for n, raw in enumerate(raw_lines, start=1):
        name = f"lines[{n}]"
        material = _item_no(raw.get("material_no"), f"{name}.material_no", problems)
        net = collect_quantity(raw.get("net"), f"{name}.net", problems)
        # the column's DECIMAL(7, 4): 99.999999 would be stored as 100
        loss = collect_decimal(raw.get("loss_pct") if raw.get("loss_pct") not in (None, "") else "0",
                               f"{name}.loss_pct", problems, max_digits=7, decimal_places=4)
        if material is not None:
            facts = items.get(material)
            if facts is None:
                problems.append(problem(f"{name}.material_no", "unknown_item", book=book, value=material))
                material = None
            elif facts.kind != "I":
                problems.append(problem(f"{name}.material_no", "bom_needs_material", item=material))
                material = None
            elif material in seen:
                problems.append(problem(f"{name}.material_no", "duplicate_value", value=material))
                material = None
            else:
                seen.add(material)
        if net is not None and net <= 0:
            problems.append(problem(f"{name}.net", "quantity_not_positive", value=net))
            net = None
        if loss is not None and not (0 <= loss < 100):
            problems.append(problem(f"{name}.loss_pct", "loss_rate_out_of_range", value=loss))
            loss = None
        if material is not None and net is not None and loss is not None:
            lines.append(BomLine(material, net, loss))
    if problems:
        return None, problems
    return Bom(finished_no, version, valid_from, valid_until, tuple(lines), approved=False), []


def rows_of(raw) -> list[Mapping]:
    """The rows of a repeated group as given (a JSON file may hold anything): not a list → none; a row that is
    not an object → an empty one, so its fields are refused as missing, by name."""
    if not isinstance(raw, list):
        return []
    return [row if isinstance(row, Mapping) else {} for row in raw]


def _item_no(raw, name: str, problems: list[Problem]) -> int | None:
    value = collect_decimal(raw, name, problems, required=True)
    if value is None:
        return None
    if value != value.to_integral_value() or value <= 0:
        problems.append(problem(name, "not_an_integer", value=raw))
        return None
    return int(value)


def overlapping(new: Bom, others: Iterable[Bom]) -> Bom | None:
    """An approved version of the same finished item whose validity overlaps the new one's."""
    far = date.max
    for other in others:
        if other.finished_no != new.finished_no or not other.approved:
            continue
        if new.valid_from <= (other.valid_until or far) and other.valid_from <= (new.valid_until or far):
            return other
    return None


def bom_on(boms: Iterable[Bom], finished_no: int, day: date) -> Bom | None:
    """The approved version in force for a finished item on a day (latest start wins)."""
    candidates = [b for b in boms if b.finished_no == finished_no and b.approved and b.covers(day)]
    return max(candidates, key=lambda b: b.valid_from, default=None)


def consumption(bom: Bom, produced: Decimal) -> dict[int, Decimal]:
    """Gross material consumption for `produced` units, rounded half-up to the ledger's 10⁻⁵ (in a context wide
    enough for any product of two bounded quantities: a huge one is refused by the stock check, not by decimal)."""
    gross = {ln.material_no: produced * ln.gross for ln in bom.lines}
    with localcontext() as ctx:
        ctx.prec = 60
        return {material: q.quantize(SCALE, rounding=ROUND_HALF_UP) for material, q in gross.items()}
