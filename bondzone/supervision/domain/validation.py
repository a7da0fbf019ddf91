"""Validation of account-book items and verification lists from raw input (API, page, file).

Returns plain values plus every problem found, field by field (beancount style: errors are values).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from bondzone.core.domain.errors import Problem, problem
from bondzone.core.domain.quantity import check_money, check_quantity, parse_decimal

from . import trade_modes
from .codes import COUNTRIES, CURRENCIES, LIST_TYPES, TRADE_MODES, UNITS, BookKind, Direction, GoodsStatus, ItemKind

MAX_LINES = 100_000
_HS = re.compile(r"^\d{10}$")
_DIGITS = re.compile(r"^\d+$")


@dataclass(frozen=True)
class ItemInfo:
    """What validation needs to know of a book item."""

    item_no: int
    kind: str
    units: tuple[str, ...]  # declared unit first, then legal units


@dataclass(frozen=True)
class BookInfo:
    number: str
    kind: str
    valid_from: date
    valid_until: date
    active: bool = True


@dataclass(frozen=True)
class ListHeader:
    direction: Direction
    trade_mode: str
    list_type: str
    item_kind: str
    declaration_no: str
    inner_no: str
    remarks: str


@dataclass(frozen=True)
class ListLine:
    seq: int
    item_no: int
    quantity: Decimal
    unit: str
    value: Decimal
    currency: str
    goods_status: str


def _text(data: Mapping[str, Any], name: str, max_len: int, problems: list[Problem], prefix: str = "") -> str:
    raw = data.get(name)
    value = "" if raw is None else str(raw).strip()
    if len(value) > max_len:
        problems.append(problem(prefix + name, "too_long", max=max_len))
    return value


def _choice(value: str, choices, field_name: str, problems: list[Problem], code: str = "bad_choice") -> str:
    if value not in choices:
        problems.append(problem(field_name, code, value=value, choices=", ".join(sorted(map(str, choices)))))
    return value


def check_hs_code(value: str, field_name: str = "hs_code") -> list[Problem]:
    return [] if _HS.match(value or "") else [problem(field_name, "bad_hs_code", value=value)]


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
    if not book.active:
        problems.append(problem("book", "book_not_active", book=book.number))
    if problems:
        return None, problems
    return ListHeader(Direction(direction), trade_mode, list_type, item_kind, declaration_no, inner_no, remarks), []


def validate_line(
    data: Mapping[str, Any], seq: int, items: Mapping[int, ItemInfo], book: BookInfo, item_kind: str | None,
    prefix: str,
) -> tuple[ListLine | None, list[Problem]]:
    problems: list[Problem] = []
    raw_item = data.get("item_no")
    item_no: int | None = None
    try:
        if isinstance(raw_item, bool) or raw_item in (None, ""):
            raise ValueError
        item_no = int(str(raw_item).strip())
    except ValueError:
        problems.append(problem(prefix + "item_no", "not_an_integer" if raw_item not in (None, "") else "required",
                                value=str(raw_item)))
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

    quantity, p = parse_decimal(data.get("quantity"), prefix + "quantity")
    if p:
        problems.append(p)
    elif quantity is not None:
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
    if problems:
        return None, problems
    return ListLine(seq, item_no, quantity, unit, value, currency, status), []


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


def validate_item(data: Mapping[str, Any]) -> tuple[dict | None, list[Problem]]:
    """A book item record (底账): the fields of docs/domain-customs.md §2.3 that we keep."""
    problems: list[Problem] = []
    out: dict[str, Any] = {}
    raw_no = data.get("item_no")
    try:
        out["item_no"] = int(str(raw_no).strip())
        if out["item_no"] <= 0:
            raise ValueError
    except (TypeError, ValueError):
        problems.append(problem("item_no", "not_an_integer" if raw_no not in (None, "") else "required",
                                value=str(raw_no)))
    out["part_no"] = _text(data, "part_no", 64, problems)
    out["hs_code"] = _text(data, "hs_code", 10, problems)
    problems += check_hs_code(out["hs_code"])
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
            out[name] = factor
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
    if problems:
        return None, problems
    return out, []
