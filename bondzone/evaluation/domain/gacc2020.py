"""The GACC trial evaluation method (综合保税区发展绩效评估办法（试行）, 30 Apr 2020) as a framework.

What is public (shared/docs/governance-notes.md §1.2): 5 categories, 27 quantitative indicators and 8
auxiliary bonus / penalty items; 规模效益 50 %, 质量效益 20 %, 开发利用 10 %, and 辐射服务 + 业务创新
together 20 %. The names of the first 21 indicators are published; of the last two categories only
进出区货物总值（二线业务）, 进出口总值占所在省比重 and 租赁贸易进出口值 were recovered.

Our assumptions (weight_assumed=True on every node they touch; the equal split inside 规模效益, 质量效益
and 开发利用 is our reading too — only the category weights are published — but those categories and
their indicators are public, so they are not flagged):
  * 辐射服务 10 % / 业务创新 10 %; 4 indicators in 辐射服务 (two recovered, two assumed) and 2 in
    业务创新 (one recovered, one assumed), so that equal splits stay exact decimals (2.5 and 5);
  * the 8 auxiliary items, their series, points per unit and caps;
  * normalisations: min-max for amounts and counts, goalposts 0–100 for the two area rates and
    −30 … 60 % for growth rates (so a new zone's +700 % does not flatten everybody else).
Indicator weights are an equal split of their category's weight (开发利用: 10 / 3 as 3.3334 + 3.3333 +
3.3333, four places like the stored weights, so that the sum stays exactly 10). Direction is +1 everywhere: every
published indicator is "more is better".
"""

from __future__ import annotations

from decimal import Decimal

from .framework import Formula, Framework, Kind, Node, Normalisation

D = Decimal
_RATE = dict(normalisation=Normalisation.GOALPOSTS, goal_low=D(0), goal_high=D(100))
_GROWTH = dict(normalisation=Normalisation.GOALPOSTS, goal_low=D(-30), goal_high=D(60))


def _cat(code: str, zh: str, en: str, weight: int, assumed: bool = False) -> Node:
    return Node(code, None, Kind.CATEGORY, zh, en, weight=D(weight), weight_assumed=assumed)


def _ind(code: str, parent: str, zh: str, en: str, weight: str, unit: str, series: str,
         formula: Formula = Formula.RAW, assumed: bool = False, **kw) -> Node:
    return Node(code, parent, Kind.INDICATOR, zh, en, weight=D(weight), unit=unit, series=series, formula=formula,
                weight_assumed=assumed, **kw)


def _adj(code: str, kind: Kind, zh: str, en: str, series: str, points: str, cap: str) -> Node:
    return Node(code, None, kind, zh, en, unit="count", series=series, points=D(points), cap=D(cap),
                weight_assumed=True)


PER_KM2, YOY = Formula.PER_KM2, Formula.YOY

GACC_2020 = Framework(
    code="gacc-2020",
    name="海关总署综合保税区发展绩效评估（试行，2020） GACC CBZ performance evaluation, trial method (2020)",
    nodes=(
        _cat("S", "规模效益", "Scale and returns", 50),
        _ind("S01", "S", "进出口总值", "Total imports and exports", "5", "亿元", "trade_total"),
        _ind("S02", "S", "加工贸易进出口值", "Processing-trade imports and exports", "5", "亿元", "trade_processing"),
        _ind("S03", "S", "物流货物进出口值", "Bonded-logistics imports and exports", "5", "亿元", "trade_logistics"),
        _ind("S04", "S", "一般贸易进出口值", "General-trade imports and exports", "5", "亿元", "trade_general"),
        _ind("S05", "S", "经营总收入", "Total operating revenue", "5", "亿元", "revenue"),
        _ind("S06", "S", "海关税收", "Taxes collected by customs", "5", "亿元", "customs_tax"),
        _ind("S07", "S", "税务部门税收", "Taxes collected by the tax authority", "5", "亿元", "tax_revenue"),
        _ind("S08", "S", "货物贸易涉外收支总额", "Foreign-exchange receipts and payments for goods trade", "5", "亿元",
             "fx_total"),
        _ind("S09", "S", "期末企业从业人员", "Enterprise employees at year end", "5", "人", "employees"),
        _ind("S10", "S", "活跃企业数", "Active enterprises", "5", "家", "active_enterprises"),

        _cat("Q", "质量效益", "Quality and efficiency", 20),
        _ind("Q01", "Q", "单位面积进出口值", "Imports and exports per km²", "2.5", "亿元/km²", "trade_total", PER_KM2),
        _ind("Q02", "Q", "单位面积经营总收入", "Operating revenue per km²", "2.5", "亿元/km²", "revenue", PER_KM2),
        _ind("Q03", "Q", "单位面积海关税收", "Customs taxes per km²", "2.5", "亿元/km²", "customs_tax", PER_KM2),
        _ind("Q04", "Q", "单位面积税务部门税收", "Tax-authority taxes per km²", "2.5", "亿元/km²", "tax_revenue", PER_KM2),
        _ind("Q05", "Q", "单位面积货物贸易涉外收支额", "Goods-trade foreign-exchange flows per km²", "2.5", "亿元/km²",
             "fx_total", PER_KM2),
        _ind("Q06", "Q", "期末单位面积企业从业人员", "Employees per km² at year end", "2.5", "人/km²", "employees",
             PER_KM2),
        _ind("Q07", "Q", "进出口总值增幅", "Growth of total imports and exports", "2.5", "%", "trade_total", YOY,
             **_GROWTH),
        _ind("Q08", "Q", "同期活跃企业数增幅", "Growth of active enterprises", "2.5", "%", "active_enterprises", YOY,
             **_GROWTH),

        _cat("L", "开发利用", "Development and land use", 10),
        _ind("L01", "L", "期末批准规划面积验收率", "Share of the approved planning area accepted", "3.3334", "%",
             "approved_area_accepted_rate", **_RATE),
        _ind("L02", "L", "期末封闭围网面积开发率", "Share of the closed-fence area developed", "3.3333", "%",
             "fence_developed_rate", **_RATE),
        _ind("L03", "L", "实际使用外资金额", "Foreign direct investment actually used", "3.3333", "亿元", "fdi"),

        _cat("R", "辐射服务", "Radiation and service", 10, assumed=True),
        _ind("R01", "R", "进出区货物总值（二线业务）", "Goods moved in and out of the zone (second line)", "2.5", "亿元",
             "second_line_value", assumed=True),
        _ind("R02", "R", "进出口总值占所在省（区、市）比重", "Share of the province's imports and exports", "2.5", "%",
             "province_trade_share", assumed=True),
        _ind("R03", "R", "区内外委托加工货值", "Outsourced processing between the zone and outside", "2.5", "亿元",
             "outsourced_processing", assumed=True),
        _ind("R04", "R", "进出区货物总值增幅", "Growth of goods moved in and out of the zone", "2.5", "%",
             "second_line_value", YOY, assumed=True, **_GROWTH),

        _cat("I", "业务创新", "Business innovation", 10, assumed=True),
        _ind("I01", "I", "租赁贸易进出口值", "Leasing-trade imports and exports", "5", "亿元", "leasing_trade",
             assumed=True),
        _ind("I02", "I", "新业态进出口值（跨境电商、保税维修、保税研发等）",
             "New-format trade (cross-border e-commerce, bonded repair, bonded R&D …)", "5", "亿元",
             "new_format_trade", assumed=True),

        # 辅助指标: 加分激励 (bonus) and 减分约束 (penalty); list, points and caps assumed
        _adj("AUX1", Kind.BONUS, "落实主体责任：地方政府出台支持政策", "Main responsibility: local support policies",
             "local_support_policies", "0.5", "2"),
        _adj("AUX2", Kind.BONUS, "运营管理：经验做法获复制推广", "Operational management: practices promoted nationwide",
             "practices_promoted", "1", "2"),
        _adj("AUX3", Kind.BONUS, "鼓励创新：承担国家级创新试点", "Innovation: national pilots undertaken",
             "innovation_pilots", "1", "3"),
        _adj("AUX4", Kind.BONUS, "鼓励创新：新业态首单、首创业务", "Innovation: first-of-a-kind business cases",
             "first_cases", "0.5", "2"),
        _adj("AUX5", Kind.PENALTY, "发生严重走私违规案件", "Serious smuggling or violation case", "smuggling_cases",
             "2", "5"),
        _adj("AUX6", Kind.PENALTY, "发生较大及以上安全生产事故", "Serious work-safety accident", "safety_accidents",
             "1", "3"),
        _adj("AUX7", Kind.PENALTY, "督察审计发现问题", "Problems found by inspections and audits",
             "inspection_findings", "0.5", "3"),
        _adj("AUX8", Kind.PENALTY, "数据报送不及时、不准确", "Late or inaccurate data reporting", "data_reporting_faults",
             "0.5", "2"),
    ),
)
