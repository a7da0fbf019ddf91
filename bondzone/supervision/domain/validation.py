"""Validation of account-book items and verification lists from raw input (API, page, file).

Returns plain values plus every problem found, field by field (beancount style: errors are values).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from bondzone.core.domain import inputs
from bondzone.core.domain.errors import Problem, problem
from bondzone.core.domain.quantity import check_money, check_quantity, parse_decimal

from . import trade_modes
from .codes import (
    BOOK_NUMBER, BOOK_NUMBER_EXAMPLE, COUNTRIES, CURRENCIES, DECLARATION_FLAGS, DECLARATION_TYPES, LIST_TYPES,
    LEFTOVER_ITEM_KIND, TRADE_MODES, TRANSPORT_MODES, UNITS, BookKind, Direction, GoodsStatus, ItemKind, Leftover,
)

MAX_LINES = 100_000
# A line's legal (and second legal) quantity may differ from its quantity × the item's factor by at most this
# share of the expected value (our assumption: weighed legal units such as kg vary per consignment).
LEGAL_TOLERANCE = Decimal("0.05")
LEVY_MODES = ("1", "2", "3", "4", "5", "6", "7", "8", "9")  # 征免方式 (domain-customs.md §2.5)
# 备案序号: the item_no column (PositiveIntegerField: up to INT max), numbered from 1
ITEM_NO_RANGE = (1, inputs.INT[1])
_DIGITS = re.compile(r"^\d+$")


@dataclass(frozen=True)
class ItemInfo:
    """What validation needs to know of a book item."""

    item_no: int
    kind: str
    units: tuple[str, ...]  # declared unit first, then legal units
    legal_unit: str = ""
    legal_factor: Decimal = Decimal(1)  # legal quantity per declared unit
    second_unit: str = ""
    second_factor: Decimal | None = None  # second legal quantity per declared unit
    leftover: str = ""  # Leftover: scrap, by-product or defective goods leave only by their own trade modes
    solid_waste: bool = False  # 固体废物: never goes into China (trade_modes.solid_waste_problem)

    def factor(self, unit: str) -> Decimal | None:
        """Quantity in `unit` per one declared unit (the unit the book keeps the item's stock in)."""
        if unit == self.units[0]:
            return Decimal(1)
        if unit == self.legal_unit:
            return self.legal_factor
        if unit == self.second_unit:
            return self.second_factor
        return None


@dataclass(frozen=True)
class LineQuantities:
    """One line's quantity in the item's declared unit (the book's), legal unit and second legal unit."""

    declared: Decimal
    legal: Decimal
    second: Decimal | None


def line_quantities(info: ItemInfo, quantity: Decimal, unit: str) -> LineQuantities | None:
    """The line's three quantities through the item's factors (INV101 DclQty / LawfQty / SecdLawfQty), as the
    form shows them beside the line; None for a unit the item does not have."""
    factor = info.factor(unit)
    if not factor:
        return None
    declared = quantity / factor
    second = declared * info.second_factor if info.second_unit and info.second_factor else None
    return LineQuantities(declared.normalize(), (declared * info.legal_factor).normalize(),
                          second.normalize() if second is not None else None)


def computed_legal(unit: str, expected: Decimal) -> Decimal:
    """A legal (or second legal) quantity the line leaves out, as saved: rounded to the unit's scale, at least
    its smallest step."""
    scale = UNITS[unit].scale if unit in UNITS else 5
    step = Decimal(1).scaleb(-scale)
    return max(expected.quantize(step, rounding=ROUND_HALF_UP), step)


def prefilled_quantities(info: ItemInfo, amounts: LineQuantities) -> tuple[Decimal | None, Decimal | None]:
    """The legal and second legal quantities the list form puts in a line's inputs (the clerk may change
    them within LEGAL_TOLERANCE): what saving the line without them would store."""
    legal = computed_legal(info.legal_unit, amounts.legal) if info.legal_unit else None
    second = computed_legal(info.second_unit, amounts.second) if amounts.second is not None else None
    return legal, second


@dataclass(frozen=True)
class BookInfo:
    number: str
    kind: str
    valid_from: date
    valid_until: date
    active: bool = True
    processing_kind: str = ""  # codes.ProcessingKind of an H book, "" not recorded (and on T books)
    page: str = ""  # the book's page, where customs records the processing kind


@dataclass(frozen=True)
class ListHeader:
    direction: Direction
    trade_mode: str
    list_type: str
    item_kind: str
    declaration_no: str
    inner_no: str
    remarks: str
    related_no: str = ""  # 关联清单编号: the other list of a 区内流转 (type 6) / 区间流转 (1200) pair
    # the national screen's header (INV101): 运输方式, 起运/运抵国(地区), 是否报关, 报关类型, 关联手(账)册
    transport_mode: str = ""
    departure_country: str = ""
    declaration_flag: str = ""
    declaration_type: str = ""
    related_book_no: str = ""


# a pair of lists (one out, one in, linked by 关联清单编号) moves goods between two books
PAIRED_LIST_TYPES = frozenset({"6"})
PAIRED_TRADE_MODES = frozenset({"1200"})


@dataclass(frozen=True)
class ListLine:
    seq: int
    item_no: int
    quantity: Decimal  # 申报数量, in the declared `unit` of the line
    unit: str
    value: Decimal  # 总价
    currency: str
    goods_status: str
    book_quantity: Decimal | None = None  # the quantity in the item's declared unit: what the book moves
    book_unit: str = ""
    legal_quantity: Decimal | None = None  # 法定数量 (LawfQty)
    second_quantity: Decimal | None = None  # 第二法定数量 (SecdLawfQty)
    unit_price: Decimal = Decimal(0)
    origin_country: str = ""
    destination_country: str = ""
    levy_mode: str = ""
    gross_weight: Decimal | None = None
    net_weight: Decimal | None = None
    target_status: str = ""  # a status change line (bonded → duty-paid …): two movements of one item


def _text(data: Mapping[str, Any], name: str, max_len: int, problems: list[Problem], prefix: str = "") -> str:
    return inputs.collect_text(data.get(name), prefix + name, problems, max_length=max_len)


def _item_no(data: Mapping[str, Any], field_name: str, problems: list[Problem]) -> int | None:
    return inputs.collect_int(data.get("item_no"), field_name, problems, lo=ITEM_NO_RANGE[0], hi=ITEM_NO_RANGE[1],
                              required=True)


def _choice(value: str, choices, field_name: str, problems: list[Problem], code: str = "bad_choice") -> str:
    if value not in choices:
        problems.append(problem(field_name, code, value=value, choices=", ".join(sorted(map(str, choices)))))
    return value


def validate_header(data: Mapping[str, Any], book: BookInfo) -> tuple[ListHeader | None, list[Problem]]:
    problems: list[Problem] = []
    direction = str(data.get("direction") or "").strip().upper()
    _choice(direction, [d.value for d in Direction], "direction", problems)
    trade_mode = str(data.get("trade_mode") or "").strip()
    if trade_mode not in TRADE_MODES:
        problems.append(problem("trade_mode", "unknown_trade_mode", value=trade_mode))
    list_type = str(data.get("list_type") if data.get("list_type") not in (None, "") else "0").strip()
    _choice(list_type, LIST_TYPES, "list_type", problems)
    item_kind = str(data.get("item_kind") or ItemKind.MATERIAL.value).strip().upper()
    _choice(item_kind, [k.value for k in ItemKind], "item_kind", problems)
    if book.kind == BookKind.LOGISTICS and item_kind != ItemKind.MATERIAL:
        problems.append(problem("item_kind", "bad_choice", value=item_kind, choices=ItemKind.MATERIAL.value))
    declaration_no = _text(data, "declaration_no", 18, problems)
    if declaration_no and not (_DIGITS.match(declaration_no) and len(declaration_no) == 18):
        problems.append(problem("declaration_no", "bad_code", value=declaration_no, length=18))
    inner_no = _text(data, "inner_no", 64, problems)
    remarks = _text(data, "remarks", 500, problems)
    related_no = _text(data, "related_no", 20, problems).upper()
    if related_no and list_type not in PAIRED_LIST_TYPES and trade_mode not in PAIRED_TRADE_MODES:
        problems.append(problem("related_no", "related_only_for_transfers", value=related_no))
    national = _national_fields(data, problems)
    if not book.active:
        problems.append(problem("book", "book_not_active", book=book.number))
    if problems:
        return None, problems
    return ListHeader(Direction(direction), trade_mode, list_type, item_kind, declaration_no, inner_no, remarks,
                      related_no, **national), []


def _national_fields(data: Mapping[str, Any], problems: list[Problem]) -> dict[str, str]:
    """The national screen's header fields, each optional: 运输方式, 起运/运抵国, 是否报关 with 报关类型 (only for a
    declared list), 关联手(账)册 (a book number). Whether the transport mode fits the crossing is the trade-mode
    rule's (trade_modes.check)."""
    out = {name: _text(data, name, size, problems).upper()
           for name, size in (("transport_mode", 1), ("departure_country", 3), ("declaration_flag", 1),
                              ("declaration_type", 1))}
    out["related_book_no"] = _text(data, "related_book_no", 12, problems)
    for name, codes in (("transport_mode", TRANSPORT_MODES), ("departure_country", COUNTRIES),
                        ("declaration_flag", DECLARATION_FLAGS), ("declaration_type", DECLARATION_TYPES)):
        if out[name]:
            _choice(out[name], codes, name, problems)
    if out["declaration_type"] and out["declaration_flag"] != "1":
        problems.append(problem("declaration_type", "declaration_type_needs_declared", value=out["declaration_type"]))
    bad_book = inputs.code_problem(out["related_book_no"], "related_book_no", BOOK_NUMBER, BOOK_NUMBER_EXAMPLE)
    if out["related_book_no"] and bad_book:
        problems.append(bad_book)
    return out


def validate_line(
    data: Mapping[str, Any], seq: int, items: Mapping[int, ItemInfo], book: BookInfo, item_kind: str | None,
    prefix: str,
) -> tuple[ListLine | None, list[Problem]]:
    problems: list[Problem] = []
    item_no = _item_no(data, prefix + "item_no", problems)
    item = items.get(item_no) if item_no is not None else None
    if item_no is not None and item is None:
        problems.append(problem(prefix + "item_no", "unknown_item", value=item_no, book=book.number))
    if item is not None and item_kind is not None and item.kind != item_kind:
        problems.append(problem(prefix + "item_no", "item_kind_mismatch", item=item_no, kind=item.kind,
                                expected=item_kind))

    unit = str(data.get("unit") or "").strip()
    if unit not in UNITS:
        problems.append(problem(prefix + "unit", "unknown_unit", value=unit))
    elif item is not None and unit not in item.units:
        problems.append(problem(prefix + "unit", "wrong_unit", value=unit, item=item_no, allowed=", ".join(item.units)))

    quantity, p = None, problem(prefix + "quantity", "required")
    if not inputs.is_blank(data.get("quantity")):
        quantity, p = parse_decimal(data.get("quantity"), prefix + "quantity")
    if p:
        problems.append(p)
    else:
        scale = UNITS[unit].scale if unit in UNITS else 5
        problems += check_quantity(quantity, scale, prefix + "quantity")

    raw_value = data.get("value")
    value = Decimal(0)
    if raw_value not in (None, ""):
        parsed, p = parse_decimal(raw_value, prefix + "value")
        if p:
            problems.append(p)
        else:
            value = parsed
            problems += check_money(value, prefix + "value")

    currency = str(data.get("currency") or "142").strip()
    if currency not in CURRENCIES:
        problems.append(problem(prefix + "currency", "bad_choice", value=currency, choices=", ".join(CURRENCIES)))
    status = str(data.get("goods_status") or GoodsStatus.BONDED.value).strip()
    _choice(status, [s.value for s in GoodsStatus], prefix + "goods_status", problems)
    target = str(data.get("target_status") or "").strip()
    if target:
        _choice(target, [s.value for s in GoodsStatus if s.value != status], prefix + "target_status", problems)
    extra = _line_details(data, prefix, problems)
    if problems:
        return None, problems
    book_quantity, legal, second = _quantities(data, item, quantity, unit, prefix, problems)
    if problems:
        return None, problems
    return ListLine(seq, item_no, quantity, unit, value, currency, status, book_quantity, item.units[0], legal,
                    second, target_status=target, **extra), []


def _optional_decimal(data: Mapping[str, Any], name: str, prefix: str, problems: list[Problem]) -> Decimal | None:
    raw = data.get(name)
    if raw in (None, ""):
        return None
    value, p = parse_decimal(raw, prefix + name)
    if p:
        problems.append(p)
    return value


def _line_details(data: Mapping[str, Any], prefix: str, problems: list[Problem]) -> dict:
    """Unit price, countries, levy mode and weights of a line (INV101 body fields, §2.5)."""
    out: dict[str, Any] = {}
    price = _optional_decimal(data, "unit_price", prefix, problems)
    if price is not None:
        problems += check_money(price, prefix + "unit_price", places=4)
    out["unit_price"] = price or Decimal(0)
    for name in ("origin_country", "destination_country"):
        out[name] = str(data.get(name) or "").strip()
        if out[name] and out[name] not in COUNTRIES:
            problems.append(problem(prefix + name, "bad_choice", value=out[name], choices=", ".join(COUNTRIES)))
    out["levy_mode"] = str(data.get("levy_mode") or "").strip()
    if out["levy_mode"]:
        _choice(out["levy_mode"], LEVY_MODES, prefix + "levy_mode", problems)
    for name in ("gross_weight", "net_weight"):
        out[name] = _optional_decimal(data, name, prefix, problems)
        if out[name] is not None:
            problems += check_money(out[name], prefix + name, places=5)
    if out["gross_weight"] is not None and out["net_weight"] is not None and out["net_weight"] > out["gross_weight"]:
        problems.append(problem(prefix + "net_weight", "net_above_gross", net=str(out["net_weight"]),
                                gross=str(out["gross_weight"])))
    return out


def _quantities(data: Mapping[str, Any], item: ItemInfo, quantity: Decimal, unit: str, prefix: str,
                problems: list[Problem]) -> tuple[Decimal, Decimal | None, Decimal | None]:
    """The line's quantity in the item's declared unit (through the item's factors; it must be exact in
    that unit's scale) and its legal / second legal quantities: given ones must agree with the factor
    within LEGAL_TOLERANCE, missing ones are computed."""
    declared = item.units[0]
    factor = item.factor(unit)
    if not factor:
        problems.append(problem(prefix + "unit", "no_unit_factor", value=unit, item=item.item_no))
        return quantity, None, None
    book_quantity = quantity / factor
    scale = UNITS[declared].scale if declared in UNITS else 5
    if book_quantity != book_quantity.quantize(Decimal(1).scaleb(-scale), rounding=ROUND_HALF_UP):
        problems.append(problem(prefix + "quantity", "unit_conversion_inexact", value=str(quantity), unit=unit,
                                declared=declared, result=str(book_quantity.normalize())))
        return quantity, None, None
    book_quantity = book_quantity.quantize(Decimal(1).scaleb(-scale)).normalize()
    legal = _legal(data, "legal_quantity", item.legal_unit, item.legal_factor, book_quantity, prefix, problems)
    second = (_legal(data, "second_quantity", item.second_unit, item.second_factor, book_quantity, prefix, problems)
              if item.second_unit and item.second_factor else None)
    return book_quantity, legal, second


def _legal(data: Mapping[str, Any], name: str, unit: str, factor: Decimal, book_quantity: Decimal, prefix: str,
           problems: list[Problem]) -> Decimal | None:
    if not unit:
        return None
    scale = UNITS[unit].scale if unit in UNITS else 5
    expected = book_quantity * factor
    given = _optional_decimal(data, name, prefix, problems)
    if given is None:
        return computed_legal(unit, expected)
    ps = check_quantity(given, scale, prefix + name)
    if ps:
        problems += ps
        return None
    if abs(given - expected) > expected * LEGAL_TOLERANCE:
        problems.append(problem(prefix + name, "legal_quantity_off_factor", value=str(given),
                                expected=str(expected.normalize()), unit=unit,
                                tolerance=f"{LEGAL_TOLERANCE * 100:g}"))
        return None
    return given


def validate_list(
    data: Mapping[str, Any], book: BookInfo, items: Mapping[int, ItemInfo]
) -> tuple[tuple[ListHeader, list[ListLine]] | None, list[Problem]]:
    header, problems = validate_header(data, book)
    raw_lines = data.get("lines")
    if not isinstance(raw_lines, list) or not raw_lines:
        problems.append(problem("lines", "no_lines"))
        raw_lines = []
    elif len(raw_lines) > MAX_LINES:
        problems.append(problem("lines", "too_many_lines", max=MAX_LINES, count=len(raw_lines)))
        raw_lines = []
    kind = header.item_kind if header else None
    lines: list[ListLine] = []
    for i, raw in enumerate(raw_lines, start=1):
        if not isinstance(raw, Mapping):
            problems.append(problem(f"lines[{i}]", "invalid", message="not an object"))
            continue
        line, line_problems = validate_line(raw, i, items, book, kind, f"lines[{i}].")
        problems += line_problems
        if line is not None:
            lines.append(line)
    if header is not None:
        problems += trade_modes.check(header, lines, book, items)
    if problems:
        return None, problems
    return (header, lines), []


def _leftover(data: Mapping[str, Any], out: dict[str, Any], problems: list[Problem]) -> None:
    """边角料 / 副产品 are material items, 残次品 a finished item naming the finished item it was produced as
    (`leftover_of`: its BOM); whether that item exists is the service's check (it needs the book)."""
    out["leftover"] = str(data.get("leftover") or "").strip().lower()
    out["leftover_of"] = None
    if out["leftover"] not in {v.value for v in Leftover}:
        _choice(out["leftover"], [v.value for v in Leftover if v.value], "leftover", problems)
        return
    leftover = Leftover(out["leftover"])
    expected_kind = LEFTOVER_ITEM_KIND.get(leftover)
    if expected_kind is not None and out["kind"] != expected_kind:
        problems.append(problem("kind", "leftover_item_kind", leftover=leftover.value, kind=out["kind"],
                                expected=expected_kind.value))
    raw_of = data.get("leftover_of")
    if leftover is Leftover.DEFECTIVE:
        out["leftover_of"] = inputs.collect_int(raw_of, "leftover_of", problems, lo=ITEM_NO_RANGE[0],
                                                hi=ITEM_NO_RANGE[1], required=True)
    elif raw_of not in (None, ""):
        problems.append(problem("leftover_of", "leftover_of_defective_only"))


_TRUE = frozenset({"1", "true", "on", "yes"})
_FALSE = frozenset({"", "0", "false", "off", "no"})


def _flag(data: Mapping[str, Any], name: str, problems: list[Problem]) -> bool:
    """A yes / no field (a JSON boolean, a form checkbox's "1", a file's true / false); left out is no."""
    raw = data.get(name)
    if isinstance(raw, bool) or raw is None:
        return bool(raw)
    text = str(raw).strip().lower()
    if text not in _TRUE | _FALSE:
        problems.append(problem(name, "bad_choice", value=inputs.shown(raw), choices="true, false"))
    return text in _TRUE


def validate_item(data: Mapping[str, Any]) -> tuple[dict | None, list[Problem]]:
    """A book item record (底账): the fields of docs/domain-customs.md §2.3 that we keep."""
    problems: list[Problem] = []
    out: dict[str, Any] = {"item_no": _item_no(data, "item_no", problems)}
    out["part_no"] = _text(data, "part_no", 64, problems)
    out["hs_code"] = _text(data, "hs_code", 10, problems)
    bad_hs_code = inputs.hs_code_problem(out["hs_code"], "hs_code")
    if bad_hs_code:
        problems.append(bad_hs_code)
    out["name_zh"] = _text(data, "name_zh", 200, problems)
    if not out["name_zh"]:
        problems.append(problem("name_zh", "required"))
    out["name_en"] = _text(data, "name_en", 200, problems)
    out["spec"] = _text(data, "spec", 500, problems)
    out["kind"] = str(data.get("kind") or ItemKind.MATERIAL.value).strip().upper()
    _choice(out["kind"], [k.value for k in ItemKind], "kind", problems)
    for name, required in (("declared_unit", True), ("legal_unit", True), ("second_unit", False)):
        value = str(data.get(name) or "").strip()
        out[name] = value
        if value or required:
            if value not in UNITS:
                problems.append(problem(name, "unknown_unit", value=value))
    for name, unit_name in (("legal_factor", "legal_unit"), ("second_factor", "second_unit")):
        raw = data.get(name)
        if raw in (None, ""):
            out[name] = Decimal(1) if out.get(unit_name) else None
            continue
        factor, p = parse_decimal(raw, name)
        if p:
            problems.append(p)
        elif factor <= 0:
            problems.append(problem(name, "quantity_not_positive", value=str(factor)))
        else:
            # a factor is the quantity of its unit per declared unit: an item without a second unit has no second
            # factor (clearing the unit, PATCH null or the form's empty choice, clears it; as a factor left out)
            out[name] = factor if out.get(unit_name) else None
    out["currency"] = str(data.get("currency") or "142").strip()
    if out["currency"] not in CURRENCIES:
        problems.append(problem("currency", "bad_choice", value=out["currency"], choices=", ".join(CURRENCIES)))
    price, p = parse_decimal(data.get("unit_price") if data.get("unit_price") not in (None, "") else "0", "unit_price")
    if p:
        problems.append(p)
    else:
        out["unit_price"] = price
        problems += check_money(price, "unit_price", places=4)
    out["origin_country"] = str(data.get("origin_country") or "").strip()
    if out["origin_country"] and out["origin_country"] not in COUNTRIES:
        problems.append(problem("origin_country", "bad_choice", value=out["origin_country"],
                                choices=", ".join(COUNTRIES)))
    _leftover(data, out, problems)
    # 固体废物 (customs' finding, of an H book's item: scrap, by-products, defective or ordinary goods alike): its
    # lists never take it into China (trade_modes.check); the service refuses it on a logistics book
    out["solid_waste"] = _flag(data, "solid_waste", problems)
    if problems:
        return None, problems
    return out, []
