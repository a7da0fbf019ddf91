"""A production report (生产报告) as movements: materials consumed through the BOM in force, finished goods booked
in; defective goods, scrap and by-products booked in as the book's items recorded for them (残次品 / 边角料 /
副产品), apart from the ordinary stock, so they leave only by their own lists and trade modes. Defective goods
consume materials through the BOM of the finished item they are recorded for. Pure: the caller supplies the
BOMs, the items and the available stock."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from bondzone.core.domain.errors import Problem, problem
from bondzone.core.domain.inputs import collect_decimal, collect_quantity
from bondzone.core.domain.quantity import decimal_places

from .bom import Bom, BookItemFacts, bom_on, consumption, rows_of

BONDED = "bonded"


class OutputKind(StrEnum):
    FINISHED = "finished"  # 成品
    DEFECTIVE = "defective"  # 残次品: consumes materials like a finished unit, booked to its own item
    SCRAP = "scrap"  # 边角料: the tangible loss, booked in as its own (material) item
    BY_PRODUCT = "by_product"  # 副产品: its own (material) item


CONSUMING = frozenset({OutputKind.FINISHED, OutputKind.DEFECTIVE})
# the item record (BookItemFacts.leftover) each output kind books to
LEFTOVER_OF_KIND = {OutputKind.FINISHED: "", OutputKind.DEFECTIVE: "defective", OutputKind.SCRAP: "scrap",
                    OutputKind.BY_PRODUCT: "by_product"}


@dataclass(frozen=True)
class Output:
    line: int
    item_no: int
    kind: OutputKind
    quantity: Decimal
    bom_version: str = ""
    bom_item_no: int | None = None  # the finished item whose BOM the output consumes through


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
                    available: Mapping[int, Decimal], book: str = "") -> tuple[Plan | None, list[Problem]]:
    """`available`: bonded stock of each material (posted − reserved); `book`: its number, named when an item is
    not in it. Every problem named, nothing planned."""
    problems: list[Problem] = []
    boms = list(boms)
    outputs: list[Output] = []
    raw = rows_of(data.get("outputs"))
    if not raw:
        problems.append(problem("outputs", "production_no_outputs"))
    for n, row in enumerate(raw, start=1):
        name = f"outputs[{n}]"
        try:
            kind = OutputKind(str(row.get("kind") or OutputKind.FINISHED.value))
        except ValueError:
            problems.append(problem(f"{name}.kind", "bad_choice", value=str(row.get("kind")),
                                    choices=", ".join(k.value for k in OutputKind)))
            continue
        item = collect_decimal(row.get("item_no"), f"{name}.item_no", problems, required=True)
        qty = collect_quantity(row.get("quantity"), f"{name}.quantity", problems)
        if item is None or qty is None:
            continue
        facts = items.get(int(item)) if item == item.to_integral_value() else None
        if facts is None:
            problems.append(problem(f"{name}.item_no", "unknown_item", book=book, value=item))
            continue
        if qty <= 0:
            problems.append(problem(f"{name}.quantity", "quantity_not_positive", value=qty))
            continue
        if kind is OutputKind.FINISHED and facts.kind != "E":
            problems.append(problem(f"{name}.item_no", "bom_needs_finished_item", item=facts.item_no))
            continue
        if facts.leftover != LEFTOVER_OF_KIND[kind]:
            problems.append(_wrong_item(name, kind, facts, items))
            continue
        if decimal_places(qty) > facts.scale:  # the ledger counts the item in its unit: 1.5 of 个 is refused
            problems.append(problem(f"{name}.quantity", "too_many_decimals", value=qty, scale=facts.scale))
            continue
        version, bom_item = "", None
        if kind in CONSUMING:
            bom_item = facts.leftover_of if kind is OutputKind.DEFECTIVE else facts.item_no
            bom = bom_on(boms, bom_item, day)
            if bom is None:
                problems.append(problem(f"{name}.item_no", "no_bom_in_force", item=bom_item, date=day))
                continue
            version = bom.version
        outputs.append(Output(n, facts.item_no, kind, qty, version, bom_item))
    consumed: dict[int, Decimal] = {}
    for out in outputs:
        if out.kind in CONSUMING:
            bom = next(b for b in boms if b.finished_no == out.bom_item_no and b.version == out.bom_version)
            for material, qty in consumption(bom, out.quantity).items():
                consumed[material] = consumed.get(material, Decimal(0)) + qty
    for material, qty in sorted(consumed.items()):
        have = available.get(material, Decimal(0))
        scale = items[material].scale if material in items else 5
        if decimal_places(qty) > scale:
            # the BOM's consumption for this quantity is not a quantity of the material's unit (1.53 个): named
            # here, by the material, not by the ledger on a consumption line the user never wrote
            problems.append(problem("outputs", "consumption_not_in_unit", item=material, required=qty, scale=scale))
        elif qty > have:
            problems.append(problem("outputs", "consumption_exceeds_stock", item=material, required=qty,
                                    available=have, shortfall=qty - have))
    if problems:
        return None, problems
    moves = [Movement(o.line, o.item_no, BONDED, o.quantity) for o in outputs]
    base = len(outputs)
    moves += [Movement(base + i + 1, m, BONDED, -q) for i, (m, q) in enumerate(sorted(consumed.items()))]
    return Plan(tuple(outputs), consumed, tuple(moves)), []


def _wrong_item(name: str, kind: OutputKind, facts: BookItemFacts, items: Mapping[int, BookItemFacts]) -> Problem:
    """An output booked to an item not recorded for its kind: name the items that are (defective goods: those
    recorded for the finished item named)."""
    wanted = LEFTOVER_OF_KIND[kind]
    if kind is OutputKind.FINISHED:
        return problem(f"{name}.item_no", "output_item_is_leftover", item=facts.item_no, leftover=facts.leftover)
    candidates = [i.item_no for i in items.values() if i.leftover == wanted
                  and (kind is not OutputKind.DEFECTIVE or facts.leftover or i.leftover_of == facts.item_no)]
    return problem(f"{name}.item_no", "output_needs_leftover_item", item=facts.item_no, kind=kind.value,
                   allowed=", ".join(map(str, sorted(candidates))) or "—")
