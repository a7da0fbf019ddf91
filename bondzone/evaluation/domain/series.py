"""Base data series (基础数据) an indicator value is derived from, with their unit and source.

Sources follow the GACC method's four (customs statistics, SAFE, provincial departments, the zone
administration's report) plus the tax authority and figures the platform computes from its own ledger
("platform": trade by regime from posted verification lists, active enterprises). Areas are not series:
they are passed to `derive.derive_values` separately.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from bondzone.core.domain.errors import Problem, problem

SOURCES = ("customs", "safe", "province", "zone_report", "platform", "tax")

# How a stored value came in (SeriesValue.source) and which one counts: an official figure (imported
# from the statistics or entered by an officer) outranks one computed from the platform's books, which
# outranks demo data; within one rank the newest revision counts. So a computed value never overrides
# an official one, whenever it was computed.
ENTRY_PRIORITY = {"imported": 2, "entered": 2, "computed": 1, "synthetic": 0}


def counting_revision(revisions):
    """The (revision, source, value) that counts among one value's revisions (see ENTRY_PRIORITY)."""
    return max(revisions, key=lambda r: (ENTRY_PRIORITY.get(r[1], 0), r[0]))


@dataclass(frozen=True)
class Series:
    code: str
    name_zh: str
    name_en: str
    unit: str
    source: str  # one of SOURCES


def _s(code: str, name_zh: str, name_en: str, unit: str, source: str) -> tuple[str, Series]:
    assert source in SOURCES, source
    return code, Series(code, name_zh, name_en, unit, source)


SERIES: dict[str, Series] = dict([
    # computed by the platform from its own ledger
    _s("trade_total", "进出口总值", "Total imports and exports", "亿元", "platform"),
    _s("trade_processing", "加工贸易进出口值", "Processing-trade imports and exports", "亿元", "platform"),
    _s("trade_logistics", "物流货物进出口值", "Bonded-logistics imports and exports", "亿元", "platform"),
    _s("trade_general", "一般贸易进出口值", "General-trade imports and exports", "亿元", "platform"),
    _s("active_enterprises", "活跃企业数", "Active enterprises", "家", "platform"),
    _s("leasing_trade", "租赁贸易进出口值", "Leasing-trade imports and exports", "亿元", "platform"),
    # zone administration's report
    _s("revenue", "经营总收入", "Total operating revenue", "亿元", "zone_report"),
    _s("employees", "期末企业从业人员", "Enterprise employees at year end", "人", "zone_report"),
    _s("approved_area_accepted_rate", "期末批准规划面积验收率", "Share of the approved planning area accepted",
       "%", "zone_report"),
    _s("fence_developed_rate", "期末封闭围网面积开发率", "Share of the closed-fence area developed", "%", "zone_report"),
    _s("first_cases", "新业态首单/首创业务数", "First-of-a-kind business cases", "count", "zone_report"),
    # customs
    _s("customs_tax", "海关税收", "Taxes collected by customs", "亿元", "customs"),
    _s("second_line_value", "进出区货物总值（二线业务）", "Goods moved in and out of the zone (second line)",
       "亿元", "customs"),
    _s("outsourced_processing", "区内外委托加工货值", "Outsourced processing between the zone and outside",
       "亿元", "customs"),
    _s("new_format_trade", "新业态进出口值（跨境电商、保税维修、保税研发等）",
       "New-format trade (cross-border e-commerce, bonded repair, bonded R&D …)", "亿元", "customs"),
    _s("practices_promoted", "经验做法获海关总署复制推广数", "Practices promoted nationwide by GACC", "count", "customs"),
    _s("innovation_pilots", "承担国家级创新试点数", "National innovation pilots undertaken", "count", "customs"),
    _s("smuggling_cases", "严重走私违规案件数", "Serious smuggling or violation cases", "count", "customs"),
    _s("inspection_findings", "督察审计发现问题数", "Problems found by inspections and audits", "count", "customs"),
    _s("data_reporting_faults", "数据报送不及时、不准确次数", "Late or inaccurate data reports", "count", "customs"),
    # tax authority
    _s("tax_revenue", "税务部门税收", "Taxes collected by the tax authority", "亿元", "tax"),
    # SAFE
    _s("fx_total", "货物贸易涉外收支总额", "Foreign-exchange receipts and payments for goods trade", "亿元", "safe"),
    # provincial departments
    _s("fdi", "实际使用外资金额", "Foreign direct investment actually used", "亿元", "province"),
    _s("province_trade_share", "进出口总值占所在省（区、市）比重", "Share of the province's imports and exports",
       "%", "province"),
    _s("local_support_policies", "地方政府出台支持政策数", "Support policies issued by the local government",
       "count", "province"),
    _s("safety_accidents", "较大及以上安全生产事故数", "Serious work-safety accidents", "count", "province"),
])


SHARE_UNIT = "%"  # a share of something: 0–100
WHOLE_UNITS = frozenset({"count", "家", "人"})  # enterprises, people, cases: whole numbers


def value_problems(spec: Series, value: Decimal, field: str) -> list[Problem]:
    """What a value of the series cannot be: every series sums, counts or shares something, so none is below
    zero; a share in % is at most 100; a count is a whole number."""
    if value < 0:
        return [problem(field, "series_negative", value=value, series=spec.code)]
    if spec.unit == SHARE_UNIT and value > 100:
        return [problem(field, "share_above_100", value=value, series=spec.code)]
    if spec.unit in WHOLE_UNITS and value != value.to_integral_value():
        return [problem(field, "count_not_whole", value=value, series=spec.code, unit=spec.unit)]
    return []
