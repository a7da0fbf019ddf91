"""Customs code tables used by the account book (subsets; see docs/domain-customs.md §2, §4).

Production deployments should load the official GACC parameter tables (单一窗口 参数下载); these
subsets cover what the zone books use. Unit codes and their decimal scales are our assumption where
the notes give none (marked in docs/glossary.md).
"""

from __future__ import annotations

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


class ItemKind(StrEnum):
    MATERIAL = "I"  # 料件
    FINISHED = "E"  # 成品


class ListStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    APPROVED = "approved"
    REJECTED = "rejected"
    CANCELLED = "cancelled"  # 删单: deleted after approval, before anything was posted


@dataclass(frozen=True)
class TradeMode:
    code: str
    name_zh: str
    name_en: str
    book_kinds: frozenset[BookKind]


_BOTH = frozenset({BookKind.LOGISTICS, BookKind.PROCESSING})
_H = frozenset({BookKind.PROCESSING})

TRADE_MODES: dict[str, TradeMode] = {
    m.code: m
    for m in [
        TradeMode("5034", "区内物流货物", "In-zone logistics goods", _BOTH),
        TradeMode("5000", "料件进出区", "Materials in/out of zone", _BOTH),
        TradeMode("5100", "成品进出区", "Finished goods in/out of zone", _H),
        TradeMode("5300", "设备进出区", "Equipment in/out of zone", _BOTH),
        TradeMode("5335", "境外设备进区", "Equipment from abroad", _BOTH),
        TradeMode("5361", "区内设备退运", "Equipment returned abroad", _BOTH),
        TradeMode("5014", "区内来料加工", "In-zone processing, supplied materials", _H),
        TradeMode("5015", "区内进料加工货物", "In-zone processing, imported materials", _H),
        TradeMode("5010", "特殊区域研发货物", "R&D goods", _BOTH),
        TradeMode("5200", "区内边角调出", "Leftovers taken out", _BOTH),
        TradeMode("1200", "保税间货物", "Goods between bonded sites", _BOTH),
        TradeMode("1210", "保税电商", "CBEC bonded import", frozenset({BookKind.LOGISTICS})),
        TradeMode("1371", "保税维修", "Bonded repair", _H),
        TradeMode("4561", "退运货物", "Returned goods", _BOTH),
        TradeMode("0110", "一般贸易", "Ordinary trade", _BOTH),
        TradeMode("0664", "进料料件复出", "Re-export of imported materials", _H),
        TradeMode("0844", "进料边角料内销", "Leftovers sold domestically", _H),
        TradeMode("2700", "展览品", "Exhibition goods", _BOTH),
        TradeMode("9900", "其他", "Other", _BOTH),
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
