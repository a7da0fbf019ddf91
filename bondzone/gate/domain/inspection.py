"""Which slips customs inspects (布控查验): risk rules plus a random rate. Pure: the caller draws the
random number, so a test (or a replay) can say which way the draw went."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from .codes import GoodsClass
from .decision import Reason


@dataclass(frozen=True)
class RiskRules:
    random_rate_pct: Decimal = Decimal("0")  # 0–100
    credit_classes: frozenset[str] = frozenset()  # enterprise credit classes always inspected
    trade_modes: frozenset[str] = frozenset()  # 4-digit 监管方式
    hs_chapters: frozenset[str] = frozenset()  # 2-digit HS chapters
    first_time_goods: bool = False  # an HS code this enterprise has never passed through the gate


@dataclass(frozen=True)
class RiskFacts:
    goods_class: GoodsClass
    credit_class: str | None
    trade_modes: frozenset[str]
    hs_codes: frozenset[str]
    first_time_hs: frozenset[str]


def select(facts: RiskFacts, rules: RiskRules, draw: Decimal) -> tuple[Reason, ...]:
    """Reasons the slip is selected; empty when it is not. `draw` is uniform in [0, 100)."""
    if facts.goods_class is GoodsClass.EMPTY:
        return ()
    reasons: list[Reason] = []
    if facts.credit_class and facts.credit_class in rules.credit_classes:
        reasons.append(Reason("risk_credit_class", {"value": facts.credit_class}))
    for mode in sorted(facts.trade_modes & rules.trade_modes):
        reasons.append(Reason("risk_trade_mode", {"value": mode}))
    for chapter in sorted({hs[:2] for hs in facts.hs_codes} & rules.hs_chapters):
        reasons.append(Reason("risk_hs_chapter", {"value": chapter}))
    if rules.first_time_goods and facts.first_time_hs:
        reasons.append(Reason("risk_first_time_goods", {"value": ",".join(sorted(facts.first_time_hs))}))
    if draw < rules.random_rate_pct:
        reasons.append(Reason("risk_random", {"rate": rules.random_rate_pct}))
    return tuple(reasons)


def parse_set(raw: str, width: int | None = None) -> frozenset[str]:
    """'61, 62 ;85' → {'61','62','85'} (settings are typed as comma lists)."""
    parts = {p.strip().upper() for p in raw.replace(";", ",").split(",")}
    return frozenset(p for p in parts if p and (width is None or len(p) == width))
