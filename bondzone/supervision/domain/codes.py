"""Customs code tables used by the account book (subsets; see docs/domain-customs.md §2, §4).

Production deployments should load the official GACC parameter tables (单一窗口 参数下载); these
subsets cover what the zone books use. Unit codes and their decimal scales are our assumption where
the notes give none (marked in docs/glossary.md).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum


class Direction(StrEnum):
    IN = "I"  # 进口 / 入区: increases the book
    OUT = "E"  # 出口 / 出区: decreases the book

    @property
    def sign(self) -> int:
        return 1 if self is Direction.IN else -1

    def opposite(self) -> "Direction":
        return Direction.OUT if self is Direction.IN else Direction.IN


class GoodsStatus(StrEnum):
    BONDED = "bonded"  # 保税
    NON_BONDED = "non_bonded"  # 非保税
    DUTY_PAID = "duty_paid"  # 已完税
    PORT = "port"  # 口岸货物 (区港联动 / 港区一体: in-transit goods in the zone's port area)


class PostingState(StrEnum):
    """核扣标记 of a list: approval reserves (预核扣) or posts; passages post the reserved shares."""

    NONE = ""  # not approved yet
    RESERVED = "reserved"  # 预核扣: nothing posted yet
    PARTIAL = "partial"  # some shares posted, some still reserved
    POSTED = "posted"  # 正式核扣: everything posted
    VOIDED = "voided"  # reservations voided (删单, reversal before posting)


class ReservationState(StrEnum):
    OPEN = "open"
    POSTED = "posted"
    VOIDED = "voided"


class EntryKind(StrEnum):
    DIRECT = "direct"  # posted at once (no passage needed)
    RESERVE = "reserve"  # a reservation opens: reserved (outbound) or incoming (inbound) moves
    POST = "post"  # a share of a reservation is posted
    VOID = "void"  # what is left of a reservation returns


class BookKind(StrEnum):
    LOGISTICS = "T"  # 物流账册
    PROCESSING = "H"  # 加工账册


class ProcessingKind(StrEnum):
    """加工贸易 type of a processing (H) book (docs/domain-customs.md §2.2: the 手册 letters B 来料 / C 进料; §4.1:
    the 进料 / 来料 pairs of trade modes). Recorded per book: nothing in the notes has one book hold both."""

    NOT_RECORDED = ""
    IMPORTED = "imported"  # 进料加工: the enterprise buys the materials (5015, 0664, 0844, 0864, 4600 …)
    SUPPLIED = "supplied"  # 来料加工: the foreign party supplies them (5014, 0265, 0845, 0865, 4400 …)


# The 进料 / 来料 pairs of trade modes in TRADE_MODES (GACC 监管方式代码表; docs/domain-customs.md §4.1): a mode of a
# pair is for books of its kind only; every other mode serves both kinds.
PROCESSING_MODE_PAIRS: tuple[tuple[str, str], ...] = (  # (进料加工, 来料加工)
    ("5015", "5014"),  # 区内进料加工货物 / 区内来料加工
    ("0664", "0265"),  # 料件复出
    ("0700", "0300"),  # 料件退换
    ("4600", "4400"),  # 成品退换
    ("0844", "0845"),  # 边角料内销
    ("0864", "0865"),  # 边角料复出
    ("0444", "0445"),  # 保区成品
    ("0544", "0545"),  # 保区料件
)
_MODE_KIND: dict[str, tuple[ProcessingKind, str]] = {
    code: (kind, other)
    for imported, supplied in PROCESSING_MODE_PAIRS
    for code, kind, other in ((imported, ProcessingKind.IMPORTED, supplied),
                              (supplied, ProcessingKind.SUPPLIED, imported))
}


def processing_kind_of(trade_mode: str) -> ProcessingKind | None:
    """The processing kind a trade mode is for (5015 进料加工, 5014 来料加工 …); None for a mode of both kinds."""
    found = _MODE_KIND.get(trade_mode)
    return found[0] if found else None


def counterpart_mode(trade_mode: str) -> str | None:
    """The same movement's mode for the other processing kind (5015 ↔ 5014 …); None for a mode of both kinds."""
    found = _MODE_KIND.get(trade_mode)
    return found[1] if found else None


# 边角料内销 (scrap and by-products sold inland) by the book's processing kind (GACC 监管方式代码表:
# 0844 进料边角料内销, 0845 来料边角料内销)
LEFTOVER_DOMESTIC_MODE = {ProcessingKind.IMPORTED: "0844", ProcessingKind.SUPPLIED: "0845"}


# 账册编号 (docs/domain-customs.md §2.2, §9.2, structure unconfirmed by GACC): the book type letter, the 4-digit
# customs district code, then 7 characters: observed T5165W000469 (W + 6 digits) and H22161000002 (7 digits).
BOOK_NUMBER = re.compile(r"[TH][0-9]{4}[0-9A-Z][0-9]{6}")
BOOK_NUMBER_EXAMPLE = "T0110W000001"


class ItemKind(StrEnum):
    MATERIAL = "I"  # 料件
    FINISHED = "E"  # 成品


class Leftover(StrEnum):
    """What a processing book's item records beyond 料件 / 成品: goods a production report books apart from the
    ordinary stock, which leave only by their own trade modes (trade_modes.LEFTOVER_MODES)."""

    NONE = ""  # ordinary material or finished goods
    SCRAP = "scrap"  # 边角料: a material item
    BY_PRODUCT = "by_product"  # 副产品: a material item
    DEFECTIVE = "defective"  # 残次品: a finished item, recorded for the finished item it fails to be


# the item kind each leftover is recorded as (0844/0845 take material items; defective goods keep their BOM)
LEFTOVER_ITEM_KIND = {Leftover.SCRAP: ItemKind.MATERIAL, Leftover.BY_PRODUCT: ItemKind.MATERIAL,
                      Leftover.DEFECTIVE: ItemKind.FINISHED}


class ListStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    APPROVED = "approved"
    REJECTED = "rejected"
    CANCELLED = "cancelled"  # 删单: deleted after approval, before anything was posted


@dataclass(frozen=True)
class TradeMode:
    """A 监管方式 code and its names (GACC 监管方式代码表). What a mode allows on a zone book is in
    trade_modes.RULES; a code without a rule there is known (for labels) but not used on zone books."""

    code: str
    name_zh: str
    name_en: str


TRADE_MODES: dict[str, TradeMode] = {
    m.code: m
    for m in [
        TradeMode("0110", "一般贸易", "Ordinary trade"),
        TradeMode("0200", "料件销毁", "Materials destroyed"),
        TradeMode("0265", "来料料件复出", "Re-export of supplied materials"),
        TradeMode("0300", "来料料件退换", "Exchange of supplied materials"),
        TradeMode("0400", "边角料销毁", "Leftovers destroyed"),
        TradeMode("0444", "保区进料成品", "Bonded-area finished goods (imported materials)"),
        TradeMode("0445", "保区来料成品", "Bonded-area finished goods (supplied materials)"),
        TradeMode("0544", "保区进料料件", "Bonded-area materials (imported materials)"),
        TradeMode("0545", "保区来料料件", "Bonded-area materials (supplied materials)"),
        TradeMode("0664", "进料料件复出", "Re-export of imported materials"),
        TradeMode("0700", "进料料件退换", "Exchange of imported materials"),
        TradeMode("0844", "进料边角料内销", "Leftovers sold domestically (imported materials)"),
        TradeMode("0845", "来料边角料内销", "Leftovers sold domestically (supplied materials)"),
        TradeMode("0864", "进料边角料复出", "Leftovers re-exported (imported materials)"),
        TradeMode("0865", "来料边角料复出", "Leftovers re-exported (supplied materials)"),
        TradeMode("1200", "保税间货物", "Goods between bonded sites"),
        TradeMode("1210", "保税电商", "CBEC bonded import"),
        TradeMode("1233", "保税仓库货物", "Bonded-warehouse goods"),
        TradeMode("1234", "保税区仓储转口", "Bonded-area storage and entrepôt"),
        TradeMode("1239", "保税电商A", "CBEC bonded import (non-pilot cities)"),
        TradeMode("1300", "修理物品", "Repair goods"),
        TradeMode("1371", "保税维修", "Bonded repair"),
        TradeMode("1500", "租赁不满一年", "Leasing under one year"),
        TradeMode("1523", "租赁贸易", "Leasing trade"),
        TradeMode("2600", "暂时进出货物", "Temporary admission / export"),
        TradeMode("2700", "展览品", "Exhibition goods"),
        TradeMode("4400", "来料成品退换", "Exchange of finished goods (supplied materials)"),
        TradeMode("4561", "退运货物", "Returned goods"),
        TradeMode("4600", "进料成品退换", "Exchange of finished goods (imported materials)"),
        TradeMode("5000", "料件进出区", "Materials in/out of zone"),
        TradeMode("5010", "特殊区域研发货物", "R&D goods"),
        TradeMode("5014", "区内来料加工", "In-zone processing, supplied materials"),
        TradeMode("5015", "区内进料加工货物", "In-zone processing, imported materials"),
        TradeMode("5033", "区内仓储货物", "In-zone storage goods"),
        TradeMode("5034", "区内物流货物", "In-zone logistics goods"),
        TradeMode("5100", "成品进出区", "Finished goods in/out of zone"),
        TradeMode("5200", "区内边角调出", "Leftovers taken out"),
        TradeMode("5300", "设备进出区", "Equipment in/out of zone"),
        TradeMode("5335", "境外设备进区", "Equipment from abroad"),
        TradeMode("5361", "区内设备退运", "Equipment returned abroad"),
        TradeMode("9610", "电子商务", "Cross-border e-commerce (direct)"),
        TradeMode("9700", "后续补税", "Later duty assessment"),
        TradeMode("9800", "租赁征税", "Lease instalment tax"),
        TradeMode("9900", "其他", "Other"),
    ]
}

# 清单类型 invtType (code 2 is not used)
LIST_TYPES: dict[str, tuple[str, str]] = {
    "0": ("普通清单", "Ordinary"),
    "1": ("集报清单", "Consolidated"),
    "3": ("先入区后报关", "Enter first, declare later"),
    "4": ("简单加工", "Simple processing"),
    "5": ("保税展示交易", "Bonded display & trading"),
    "6": ("区内流转", "In-zone transfer"),
    "7": ("区港联动", "Port-zone linkage"),
    "8": ("保税电商", "CBEC bonded"),
    "9": ("一纳成品内销", "General-taxpayer finished-goods sale"),
}


@dataclass(frozen=True)
class Unit:
    code: str
    name_zh: str
    name_en: str
    scale: int  # decimal places a quantity in this unit may carry


UNITS: dict[str, Unit] = {
    u.code: u
    for u in [
        Unit("001", "台", "set (machine)", 0),
        Unit("006", "套", "set", 0),
        Unit("007", "个", "piece", 0),
        Unit("008", "只", "unit", 0),
        Unit("011", "件", "item", 0),
        Unit("012", "支", "stick", 0),
        Unit("035", "千克", "kilogram", 3),
        Unit("036", "克", "gram", 3),
        Unit("070", "吨", "tonne", 5),
        Unit("095", "升", "litre", 3),
        Unit("030", "米", "metre", 3),
        Unit("142", "瓶", "bottle", 0),
        Unit("140", "盒", "box", 0),
    ]
}

CURRENCIES: dict[str, tuple[str, str]] = {
    "142": ("人民币", "CNY"),
    "502": ("美元", "USD"),
    "300": ("欧元", "EUR"),
    "116": ("日元", "JPY"),
    "303": ("英镑", "GBP"),
    "110": ("港币", "HKD"),
}

# 运输方式 (trspModecd) of a zone's lists (notes §4.2): 一线 the actual mode, 二线 Y, in and between zones 9
TRANSPORT_MODES: dict[str, tuple[str, str]] = {
    "2": ("水路运输", "waterway"), "3": ("铁路运输", "railway"), "4": ("公路运输", "road"), "5": ("航空运输", "air"),
    "6": ("邮件运输", "post"), "9": ("其他运输", "other (within or between special areas)"),
    "Y": ("综合保税区", "comprehensive bonded zone (二线)"),
}
# 是否报关 (dclcusFlag) and 报关类型 (dclcusTypecd, only for a declared list), notes §2.8
DECLARATION_FLAGS: dict[str, tuple[str, str]] = {"1": ("报关", "declared"), "2": ("非报关", "not declared")}
DECLARATION_TYPES: dict[str, tuple[str, str]] = {"1": ("关联报关", "associated declaration"),
                                                 "2": ("对应报关", "corresponding declaration")}

COUNTRIES: dict[str, tuple[str, str]] = {
    "142": ("中国", "China"),
    "502": ("美国", "United States"),
    "116": ("日本", "Japan"),
    "133": ("韩国", "Korea"),
    "304": ("德国", "Germany"),
    "305": ("法国", "France"),
    "303": ("英国", "United Kingdom"),
    "331": ("瑞士", "Switzerland"),
    "601": ("澳大利亚", "Australia"),
    "307": ("意大利", "Italy"),
    "309": ("荷兰", "Netherlands"),
    "132": ("新加坡", "Singapore"),
}
