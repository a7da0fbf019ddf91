"""What each trade mode (监管方式) allows on a zone account book: a rule table, not scattered ifs.

One row per (trade mode, direction): the book kinds (T/H), item kinds (料件/成品), list types (清单类型)
and goods statuses it takes, and which fence the goods cross (一线 abroad, 二线 境内区外 with transport
mode Y, 区间 / 区内 with mode 9, or none). A (mode, direction) without a row is refused, naming the
mode's use. Sources: docs/domain-customs.md §1.1, §1.3, §2.6, §2.7, §4.1, §4.2 (see docs/glossary.md and
the issue-9 note for where the table deliberately departs from the research notes).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from bondzone.core.domain.errors import Problem, problem

from .codes import (
    LIST_TYPES, TRADE_MODES, BookKind, Direction, GoodsStatus, ItemKind, Leftover, counterpart_mode, processing_kind_of,
)


class Crossing(StrEnum):
    FIRST_LINE = "first_line"  # 一线: zone ↔ abroad (imports / exports), actual transport mode
    SECOND_LINE = "second_line"  # 二线: zone ↔ 境内区外, transport mode Y (进出区货物)
    INTER_ZONE = "inter_zone"  # 区间: zone ↔ another special area / bonded site, transport mode 9
    IN_ZONE = "in_zone"  # 区内: within the zone (区内流转 between its enterprises, 简单加工), transport mode 9
    NONE = "none"  # no goods cross any fence (write-offs, destruction under supervision)


@dataclass(frozen=True)
class Rule:
    code: str
    direction: Direction
    book_kinds: frozenset[BookKind]
    item_kinds: frozenset[ItemKind]
    list_types: frozenset[str]
    statuses: frozenset[GoodsStatus]
    crossing: Crossing


I, E = Direction.IN, Direction.OUT
T_H = frozenset({BookKind.LOGISTICS, BookKind.PROCESSING})
T_ONLY = frozenset({BookKind.LOGISTICS})
H_ONLY = frozenset({BookKind.PROCESSING})
MAT = frozenset({ItemKind.MATERIAL})
FIN = frozenset({ItemKind.FINISHED})
ANY_KIND = frozenset(ItemKind)
B = frozenset({GoodsStatus.BONDED})
DOMESTIC = frozenset({GoodsStatus.NON_BONDED, GoodsStatus.DUTY_PAID})
ALL_STATUSES = frozenset(GoodsStatus)
ORD = frozenset({"0"})
FIRST_IN = frozenset({"0", "3"})  # 3 先入区后报关 is a 一线 entry form
SECOND = frozenset({"0", "1"})  # 1 集报 (分送集报) is a 二线 form
TRANSFER = frozenset({"6"})  # 区内流转
X1, X2, XZ, X0 = Crossing.FIRST_LINE, Crossing.SECOND_LINE, Crossing.INTER_ZONE, Crossing.NONE


def _rows(code: str, *rows: tuple) -> list[Rule]:
    return [Rule(code, *row) for row in rows]


_TABLE: list[Rule] = [
    # 一线 logistics goods; also 简单加工 (4), 区港联动 (7) and 区内流转 (6) in logistics books
    *_rows("5034",
           (I, T_H, MAT, FIRST_IN | {"4", "6", "7"}, B, X1),
           (E, T_H, MAT, ORD | {"4", "6", "7"}, B, X1)),
    # 二线 materials: domestic goods come in non-bonded; bonded or domestic goods go out
    *_rows("5000",
           (I, T_H, MAT, SECOND | TRANSFER, DOMESTIC, X2),
           (E, T_H, MAT, SECOND | TRANSFER | {"5"}, ALL_STATUSES, X2)),
    # 二线 finished goods of a processing book: sale out (incl. 一纳成品内销 9), returns in
    *_rows("5100",
           (I, H_ONLY, FIN, SECOND | TRANSFER, DOMESTIC, X2),
           (E, H_ONLY, FIN, SECOND | TRANSFER | {"5", "9"}, ALL_STATUSES, X2)),
    *_rows("5300",
           (I, T_H, MAT, SECOND, DOMESTIC, X2),
           (E, T_H, MAT, SECOND, ALL_STATUSES, X2)),
    *_rows("5335", (I, T_H, MAT, FIRST_IN, B, X1)),
    *_rows("5361", (E, T_H, MAT, ORD, B, X1)),
    # 一线 processing: materials in, finished goods out (materials leave as 0664/0265, 0844/0845 …)
    *_rows("5014", (I, H_ONLY, MAT, FIRST_IN, B, X1), (E, H_ONLY, FIN, ORD, B, X1)),
    *_rows("5015", (I, H_ONLY, MAT, FIRST_IN, B, X1), (E, H_ONLY, FIN, ORD, B, X1)),
    *_rows("5010", (I, T_H, ANY_KIND, FIRST_IN, B, X1), (E, T_H, ANY_KIND, ORD, B, X1)),
    *_rows("5200", (E, T_H, MAT, SECOND, frozenset({GoodsStatus.BONDED, GoodsStatus.NON_BONDED}), X2)),
    *_rows("1200", (I, T_H, ANY_KIND, ORD, B, XZ), (E, T_H, ANY_KIND, ORD, B, XZ)),
    # CBEC bonded stock: 一线 entry (and returns) bonded only; retail leaves on consolidated lists (8)
    *_rows("1210", (I, T_ONLY, MAT, FIRST_IN, B, X1), (E, T_ONLY, MAT, frozenset({"8"}), B, X2)),
    *_rows("1239", (I, T_ONLY, MAT, FIRST_IN, B, X1), (E, T_ONLY, MAT, frozenset({"8"}), B, X2)),
    *_rows("1371", (I, H_ONLY, ANY_KIND, FIRST_IN, B, X1), (E, H_ONLY, ANY_KIND, ORD, B, X1)),
    *_rows("1300", (I, T_H, ANY_KIND, ORD, ALL_STATUSES, X1), (E, T_H, ANY_KIND, ORD, ALL_STATUSES, X1)),
    # 融资租赁: the leased goods leave to the domestic lessee and come back at the lease's end
    *_rows("1500", (I, T_H, MAT, ORD, B, X2), (E, T_H, MAT, ORD, B, X2)),
    *_rows("1523", (I, T_H, MAT, ORD, B, X2), (E, T_H, MAT, ORD, B, X2)),
    *_rows("2600", (I, T_H, MAT, ORD, frozenset({GoodsStatus.BONDED, GoodsStatus.NON_BONDED}), X1),
           (E, T_H, MAT, ORD, frozenset({GoodsStatus.BONDED, GoodsStatus.NON_BONDED}), X1)),
    *_rows("2700", (I, T_H, MAT, ORD, frozenset({GoodsStatus.BONDED, GoodsStatus.NON_BONDED}), X1),
           (E, T_H, MAT, ORD, frozenset({GoodsStatus.BONDED, GoodsStatus.NON_BONDED}), X1)),
    *_rows("4561", (I, T_H, ANY_KIND, ORD, ALL_STATUSES, X1), (E, T_H, ANY_KIND, ORD, ALL_STATUSES, X1)),
    # 退换 (exchange): the faulty goods go abroad, their replacement comes back
    *_rows("0300", (I, H_ONLY, MAT, ORD, B, X1), (E, H_ONLY, MAT, ORD, B, X1)),
    *_rows("0700", (I, H_ONLY, MAT, ORD, B, X1), (E, H_ONLY, MAT, ORD, B, X1)),
    *_rows("4400", (I, H_ONLY, FIN, ORD, B, X1), (E, H_ONLY, FIN, ORD, B, X1)),
    *_rows("4600", (I, H_ONLY, FIN, ORD, B, X1), (E, H_ONLY, FIN, ORD, B, X1)),
    # materials and leftovers leaving a processing book
    *_rows("0265", (E, H_ONLY, MAT, ORD, B, X1)),
    *_rows("0664", (E, H_ONLY, MAT, ORD, B, X1)),
    *_rows("0864", (E, H_ONLY, MAT, ORD, B, X1)),
    *_rows("0865", (E, H_ONLY, MAT, ORD, B, X1)),
    *_rows("0844", (E, H_ONLY, MAT, SECOND, B, X2)),
    *_rows("0845", (E, H_ONLY, MAT, SECOND, B, X2)),
    *_rows("0200", (E, H_ONLY, MAT, ORD, B, X0)),
    # 成品放弃 (later also 边角料销毁): finished goods, defective goods or scrap destroyed under supervision
    *_rows("0400", (E, H_ONLY, ANY_KIND, ORD, B, X0)),
    # 核销 shortage taxed later: writes the missing goods off the processing book, nothing moves
    *_rows("9700", (E, H_ONLY, ANY_KIND, ORD, B, X0)),
    *_rows("9900", (I, T_H, ANY_KIND, ORD, ALL_STATUSES, X0), (E, T_H, ANY_KIND, ORD, ALL_STATUSES, X0)),
]

RULES: dict[tuple[str, Direction], Rule] = {(r.code, r.direction): r for r in _TABLE}
# the modes a zone book's list may carry (the others are known for labels only)
ZONE_BOOK_MODES: frozenset[str] = frozenset(r.code for r in _TABLE)

# Goods a production report books apart (边角料, 副产品, 残次品) leave a processing book only by their own modes
# (docs/domain-customs.md §1.1 "Leftovers", §4.1): scrap and by-products are sold inland (0844/0845), re-exported
# (0864/0865), taken out (5200) or destroyed (0200/0400); defective goods (a finished item of their own) are sold
# inland at their actual state (5100, 一纳 9 included), exported (5014/5015), exchanged (4400/4600) or destroyed
# (0400). 9700 writes off a shortage found at 核销 of any item. Which defective-goods modes apply is our reading
# of the notes (they name no mode for 残次品): docs/ledger.md "Leftovers".
LEFTOVER_MODES: dict[Leftover, frozenset[str]] = {
    Leftover.SCRAP: frozenset({"0844", "0845", "0864", "0865", "5200", "0200", "0400", "9700"}),
    Leftover.BY_PRODUCT: frozenset({"0844", "0845", "0864", "0865", "5200", "0200", "0400", "9700"}),
    Leftover.DEFECTIVE: frozenset({"5100", "5014", "5015", "4400", "4600", "0400", "9700"}),
}
# the modes that present goods as leftovers: ordinary goods of a processing book may not use them
LEFTOVER_ONLY_MODES = frozenset({"0844", "0845", "0864", "0865", "5200"})

# 固体废物: since 2021-01-01 no solid waste goes into China by any means (生态环境部 商务部 发展改革委 海关总署公告
# 2020年第53号; docs/domain-customs.md §1.1 "Leftovers"). An item customs records as solid waste (scrap, by-products,
# defective or ordinary goods alike) never leaves for 境内区外: not by a mode whose goods cross the second line
# outwards (read from the table: 5000, 5100, 5200, 5300, 0844 / 0845, 1210 / 1239, 1500 / 1523), nor by a status
# change that pays its duties in the zone (bonded → duty-paid: a domestic sale in place). It leaves by the item's
# other outbound modes: re-export, export, exchange, destruction or disposal under supervision (0200 / 0400) …
# Customs clears the mark once the goods meet the national standards and are no longer waste (docs/ledger.md).
INLAND_MODES: frozenset[str] = frozenset(r.code for r in _TABLE if r.direction is E and r.crossing is X2)

# 入区退税: domestic goods entering the zone from 境内区外 are treated as exported and their export tax is
# refunded once they have entered and the export declaration is closed; goods entering without a declaration
# (非报关) get none (docs/domain-customs.md §1.3 "二线"; §4.1: the zone side files 5000 / 5300, the domestic
# consignor the 出口报关单). The refund basis is the zone's inbound second-line lists of domestic goods bought
# into the zone: materials (5000) and equipment (5300). Not 5100 inbound: zone-made finished goods coming
# back from the domestic market (returns), not domestic goods sold into the zone.
DOMESTIC_ENTRY_MODES: frozenset[str] = frozenset({"5000", "5300"})

# Why each mode exists: the message code (core.messages) every refusal of the mode carries as `rule`.
REASONS: dict[str, str] = {code: f"trade_mode_use_{code}" for code in TRADE_MODES}

# 区内流转 (6) and 简单加工 in a logistics book (4) move goods within the zone, across no fence
_IN_ZONE_LIST_TYPES = frozenset({"4", "6"})
# List types whose goods crossed before the list was filed (分送集报 / CBEC retail batches): they post
# at approval.
_PASSED_BEFORE_LIST = frozenset({"1", "8"})


def _direction(value: Any) -> Direction:
    return value if isinstance(value, Direction) else Direction(str(value))


def crossing(trade_mode: str, list_type: str = "0", direction: Any = Direction.IN) -> Crossing:
    """Which fence a list's goods cross (for statistics: 一线 = imports/exports, 二线 = 进出区货物)."""
    if list_type in _IN_ZONE_LIST_TYPES:
        return Crossing.IN_ZONE
    rule = RULES.get((trade_mode, _direction(direction)))
    return rule.crossing if rule else Crossing.NONE


# 运输方式 a list may carry, by the fence its goods cross (notes §4.2); 分送集报 (list type 1) moves as 9 too
TRANSPORT_BY_CROSSING: dict[Crossing, frozenset[str]] = {
    Crossing.FIRST_LINE: frozenset({"2", "3", "4", "5", "6"}),
    Crossing.SECOND_LINE: frozenset({"Y"}),
    Crossing.INTER_ZONE: frozenset({"9"}),
    Crossing.IN_ZONE: frozenset({"9"}),
    Crossing.NONE: frozenset({"9"}),
}


def transport_modes(trade_mode: str, list_type: str, direction: Any) -> frozenset[str]:
    """The 运输方式 codes that fit a list's crossing."""
    allowed = TRANSPORT_BY_CROSSING[crossing(trade_mode, list_type, direction)]
    return allowed | {"9"} if list_type == "1" else allowed


def needs_passage(header: Any) -> bool:
    """True: approval reserves and the goods' passage through the gate posts. False: post at approval."""
    rule = RULES.get((header.trade_mode, _direction(header.direction)))
    if rule is None:
        return True
    if header.list_type in _PASSED_BEFORE_LIST:
        return False
    return crossing(header.trade_mode, header.list_type, rule.direction) not in (Crossing.IN_ZONE, Crossing.NONE)


def _names(values: Iterable[str]) -> str:
    return ", ".join(sorted(str(v) for v in values))


def check(header: Any, lines: Iterable[Any], book: Any, items: Mapping | None = None) -> list[Problem]:
    """Every way the list breaks its trade mode's rule, field by field ([] = allowed).

    header: .trade_mode, .direction, .list_type, .item_kind; lines: .seq, .item_no, .goods_status; book: .kind,
    .number, .processing_kind, .page (validation.BookInfo).
    `items` (item no → .leftover) lets the leftover rule see each line's item; each line's item kind is already
    matched to header.item_kind."""
    code = header.trade_mode
    mode = TRADE_MODES.get(code)
    if mode is None:
        return [problem("trade_mode", "unknown_trade_mode", value=code)]
    base = {"mode": code, "name": mode.name_zh, "rule": REASONS[code]}
    if code not in ZONE_BOOK_MODES:
        return [problem("trade_mode", "trade_mode_not_for_zone_book", **base)]
    direction = _direction(header.direction)
    rule = RULES.get((code, direction))
    if rule is None:
        return [problem("direction", "trade_mode_direction", value=direction.value,
                        allowed=_names(d.value for d in Direction if (code, d) in RULES), **base)]
    problems: list[Problem] = _book_problems(rule, book, base)
    if header.item_kind not in rule.item_kinds:
        problems.append(problem("item_kind", "trade_mode_item_kind", value=header.item_kind,
                                allowed=_names(k.value for k in rule.item_kinds), **base))
    if header.list_type not in rule.list_types:
        problems.append(problem("list_type", "trade_mode_list_type", value=header.list_type,
                                type_name=LIST_TYPES.get(header.list_type, ("",))[0],
                                allowed=_names(rule.list_types), **base))
    transport = getattr(header, "transport_mode", "")
    if transport:
        allowed_transport = transport_modes(code, header.list_type, direction)
        if transport not in allowed_transport:
            problems.append(problem("transport_mode", "trade_mode_transport", value=transport,
                                    allowed=_names(sorted(allowed_transport)), **base))
    for line in lines:
        if line.goods_status not in rule.statuses:
            problems.append(problem(f"lines[{line.seq}].goods_status", "trade_mode_goods_status",
                                    value=line.goods_status, line=line.seq,
                                    allowed=_names(s.value for s in rule.statuses), **base))
    if items is not None and book.kind == BookKind.PROCESSING:
        problems += _leftover_problems(code, direction, lines, items, base)
    if items is not None:
        problems += _solid_waste_problems(code, direction, lines, items, book)
    return problems


def goes_inland(trade_mode: str, direction: Any, line: Any) -> bool:
    """Does the list's line take its goods into China: out across the second line, or duty-paid in the zone?"""
    return ((_direction(direction) is Direction.OUT and trade_mode in INLAND_MODES)
            or getattr(line, "target_status", "") == GoodsStatus.DUTY_PAID)


def solid_waste_modes(item: Any, book: Any) -> frozenset[str]:
    """The modes an item recorded as solid waste still leaves its book by: the item's own outbound modes
    (LEFTOVER_MODES for scrap, by-products and defective goods; the book's outbound modes of the item's kind for
    ordinary goods) less INLAND_MODES, those of the book's processing kind (0864 for 进料, 0865 for 来料加工 …).

    item: .kind, .leftover; book: .kind, .processing_kind."""
    leftover = Leftover(getattr(item, "leftover", "") or "")
    if leftover is Leftover.NONE:
        own = {r.code for r in _TABLE if r.direction is E and book.kind in r.book_kinds
               and item.kind in r.item_kinds} - LEFTOVER_ONLY_MODES
    else:
        own = set(LEFTOVER_MODES[leftover])
    kind = getattr(book, "processing_kind", "") or ""
    return frozenset(c for c in own - INLAND_MODES if not kind or processing_kind_of(c) in (None, kind))


def solid_waste_problem(field_name: str, item: Any, book: Any, trade_mode: str, line: int, *,
                        regime: str = "") -> Problem:
    """The refusal of moving an item recorded as solid waste into China by `trade_mode`, naming the item, the
    line and the modes that remain (item: .item_no, .kind, .leftover; book as solid_waste_modes takes it).
    `regime`: the name of a time-limited regime (出区展示, 出区维修 …) taking the goods out of the zone to 境内区外,
    with the mode it is declared by or "" (code regime_solid_waste)."""
    allowed = _names(solid_waste_modes(item, book)) or "—"
    if regime:
        return problem(field_name, "regime_solid_waste", item=item.item_no, line=line, regime=regime,
                       mode=trade_mode, allowed=allowed)
    return problem(field_name, "trade_mode_solid_waste", item=item.item_no, line=line, mode=trade_mode,
                   name=TRADE_MODES[trade_mode].name_zh, allowed=allowed, rule=REASONS[trade_mode])


def _solid_waste_problems(code: str, direction: Direction, lines: Iterable[Any], items: Mapping,
                          book: Any) -> list[Problem]:
    problems: list[Problem] = []
    for line in lines:
        item = items.get(line.item_no)
        if item is not None and getattr(item, "solid_waste", False) and goes_inland(code, direction, line):
            problems.append(solid_waste_problem(f"lines[{line.seq}].item_no", item, book, code, line.seq))
    return problems


def _book_problems(rule: Rule, book: Any, base: dict) -> list[Problem]:
    """The mode's row against the book: its kind (T / H) and, for an H book, the recorded processing kind."""
    if book.kind not in rule.book_kinds:
        return [problem("trade_mode", "trade_mode_not_for_book", value=rule.code, book_kind=book.kind,
                        allowed=_names(k.value for k in rule.book_kinds), **base)]
    return _processing_kind_problems(rule.code, book, base)


def modes_for(book: Any, direction: Any) -> list[str]:
    """The trade modes a list of `direction` on `book` may carry, in the code table's order: those with a row for
    the direction whose book test in `check` passes (the book's kind; an H book's recorded processing kind, so
    while it is not recorded the modes of either kind are left out). What the item kind, list type, transport and
    lines must be stays `check`'s, on saving. book: .kind, .number, .processing_kind, .page (validation.BookInfo)."""
    d = _direction(direction)
    return [code for code in TRADE_MODES
            if (rule := RULES.get((code, d))) is not None and not _book_problems(rule, book, {})]


def kind_not_recorded(field_name: str, book: str, page: str, trade_mode: str) -> Problem:
    """A mode of one processing kind (进料 or 来料加工) asked of an H book that does not record its kind: refused,
    naming the mode's pair and the book's page, where customs records the kind."""
    return problem(field_name, "processing_kind_not_recorded", modes=f"{trade_mode} / {counterpart_mode(trade_mode)}",
                   book=book, page=page)


def _processing_kind_problems(code: str, book: Any, base: dict) -> list[Problem]:
    """A 进料 mode is for a 进料加工 book only, a 来料 mode for a 来料加工 book (codes.PROCESSING_MODE_PAIRS)."""
    mode_kind = processing_kind_of(code)
    if mode_kind is None:
        return []
    if not book.processing_kind:
        return [kind_not_recorded("trade_mode", book.number, book.page, code)]
    if book.processing_kind == mode_kind:
        return []
    other = counterpart_mode(code)
    return [problem("trade_mode", "trade_mode_other_processing_kind", book=book.number, mode_kind=mode_kind.value,
                    book_kind=book.processing_kind, counterpart=other, counterpart_name=TRADE_MODES[other].name_zh,
                    **base)]


def _leftover_problems(code: str, direction: Direction, lines: Iterable[Any], items: Mapping,
                       base: dict) -> list[Problem]:
    """Scrap, by-products and defective goods leave only by their own modes and never come in by a list (a
    production report books them); ordinary goods may not leave by a mode that presents them as leftovers."""
    problems: list[Problem] = []
    for line in lines:
        item = items.get(line.item_no)
        if item is None:
            continue
        leftover = Leftover(getattr(item, "leftover", "") or "")
        field = f"lines[{line.seq}].item_no"
        if leftover is Leftover.NONE:
            if code in LEFTOVER_ONLY_MODES:
                problems.append(problem(field, "trade_mode_leftover_only", item=line.item_no, line=line.seq, **base))
        elif direction is Direction.IN:
            problems.append(problem(field, "trade_mode_leftover_inbound", item=line.item_no, line=line.seq,
                                    leftover=leftover.value, **base))
        elif code not in LEFTOVER_MODES[leftover]:
            problems.append(problem(field, "trade_mode_not_for_leftover", item=line.item_no, line=line.seq,
                                    leftover=leftover.value, allowed=_names(LEFTOVER_MODES[leftover]), **base))
    return problems
