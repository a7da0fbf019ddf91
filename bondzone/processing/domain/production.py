"""A production report (生产报告) as movements: materials consumed through the BOM in force, finished and
defective goods booked in, scrap and by-products booked in as their own items (they leave later by their
own lists and trade modes). Pure: the caller supplies the BOMs, the items and the available stock."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from bondzone.core.domain.errors import Problem, problem
from bondzone.core.domain.inputs import collect_decimal

from .bom import SCALE, Bom, BookItemFacts, bom_on, consumption

BONDED = "bonded"


class OutputKind(StrEnum):
    FINISHED = "finished"  # 成品
    DEFECTIVE = "defective"  # 残次品: consumes materials like a finished unit
    SCRAP = "scrap"  # 边角料: the tangible loss, booked in as its own item
    BY_PRODUCT = "by_product"  # 副产品


CONSUMING = frozenset({OutputKind.FINISHED, OutputKind.DEFECTIVE})


@dataclass(frozen=True)
class Output:
    line: int
    item_no: int
    kind: OutputKind
    quantity: Decimal
    bom_version: str = ""


@dataclass(frozen=True)
class Movement:
    """One signed movement for the ledger: + into the book, − out of it."""

    line: int
    item_no: int
    goods_status: str
    quantity: Decimal


@dataclass(frozen=True)
class Plan:
    outputs: tuple[Output, ...]
    consumed: dict[int, Decimal]  # material → gross quantity
    movements: tuple[Movement, ...]


def plan_production(data: Mapping, *, day: date, items: Mapping[int, BookItemFacts], boms: Iterable[Bom],
                    available: Mapping[int, Decimal]) -> tuple[Plan | None, list[Problem]]:
    """`available`: bonded stock of each material (posted − reserved). Every problem named, nothing planned."""
    problems: list[Problem] = []
    boms = list(boms)
    outputs: list[Output] = []
    raw = data.get("outputs") or []
    if not raw:
        problems.append(problem("outputs", "no_lines"))
    for n, row in enumerate(raw, start=1):
        row = row or {}
        name = f"outputs[{n}]"
        try:
            kind = OutputKind(str(row.get("kind") or OutputKind.FINISHED.value))
        except ValueError:
            problems.append(problem(f"{name}.kind", "bad_choice", value=str(row.get("kind")),
                                    choices=", ".join(k.value for k in OutputKind)))
            continue
        item = collect_decimal(row.get("item_no"), f"{name}.item_no", problems, required=True)
        qty = collect_decimal(row.get("quantity"), f"{name}.quantity", problems, required=True)
        if item is None or qty is None:
            continue
        facts = items.get(int(item)) if item == item.to_integral_value() else None
        if facts is None:
            problems.append(problem(f"{name}.item_no", "unknown_item", book="", value=item))
            continue
        if qty <= 0:
            problems.append(problem(f"{name}.quantity", "quantity_not_positive", value=qty))
            continue
        if qty != qty.quantize(SCALE):
            problems.append(problem(f"{name}.quantity", "too_many_decimals", value=qty, scale=5))
            continue
        if kind in CONSUMING and facts.kind != "E":
            problems.append(problem(f"{name}.item_no", "bom_needs_finished_item", item=facts.item_no))
            continue
        version = ""
        if kind in CONSUMING:
            bom = bom_on(boms, facts.item_no, day)
            if bom is None:
                problems.append(problem(f"{name}.item_no", "no_bom_in_force", item=facts.item_no, date=day))
                continue
            version = bom.version
        outputs.append(Output(n, facts.item_no, kind, qty, version))
    consumed: dict[int, Decimal] = {}
    for out in outputs:
        if out.kind in CONSUMING:
            bom = next(b for b in boms if b.finished_no == out.item_no and b.version == out.bom_version)
            for material, qty in consumption(bom, out.quantity).items():
                consumed[material] = consumed.get(material, Decimal(0)) + qty
    for material, qty in sorted(consumed.items()):
        have = available.get(material, Decimal(0))
        if qty > have:
            problems.append(problem("outputs", "consumption_exceeds_stock", item=material, required=qty,
                                    available=have, shortfall=qty - have))
    if problems:
        return None, problems
    moves = [Movement(o.line, o.item_no, BONDED, o.quantity) for o in outputs]
    base = len(outputs)
    moves += [Movement(base + i + 1, m, BONDED, -q) for i, (m, q) in enumerate(sorted(consumed.items()))]
    return Plan(tuple(outputs), consumed, tuple(moves)), []
