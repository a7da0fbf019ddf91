"""Indicator frameworks (指标体系): a two-level tree of categories and indicators, plus bonus / penalty
items outside the tree, and the rules a framework must satisfy.

Structure:
  category   parent None; weight = % of the total; the categories' weights sum to 100
  indicator  parent = a category; weight = % of the total; siblings sum to their category's weight
  bonus      parent None, weight 0; adds `points` per unit of its series value, at most `cap` points
  penalty    the same, subtracted

`validate` reports every problem it finds (errors as values). Every problem code used anywhere in this
package is in MESSAGES, with an English and a Chinese template using {param} placeholders.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from bondzone.core.domain.errors import Problem

from .series import SERIES, Series

HUNDRED = Decimal(100)


class Kind(StrEnum):
    CATEGORY = "category"
    INDICATOR = "indicator"
    BONUS = "bonus"
    PENALTY = "penalty"


class Formula(StrEnum):
    RAW = "raw"  # the series value itself
    PER_KM2 = "per_km2"  # series value ÷ the zone's area (km²)
    YOY = "yoy"  # (current − previous) ÷ |previous| × 100, in %


class Normalisation(StrEnum):
    MINMAX = "minmax"
    ZSCORE = "zscore"
    GOALPOSTS = "goalposts"
    RANK = "rank"


ADJUSTMENT_KINDS = (Kind.BONUS, Kind.PENALTY)


def value_unit(series_unit: str, formula: Formula) -> str:
    """The unit of an indicator's value: its series' unit, per km² of it, or % for a growth rate."""
    if formula == Formula.YOY:
        return "%"
    if formula == Formula.PER_KM2:
        return f"{series_unit}/km²"
    return series_unit


def prob(field: str, code: str, /, **params: object) -> Problem:
    """A Problem whose parameters may include `code` (core's problem() reserves that name)."""
    return Problem(field, code, params)


@dataclass(frozen=True)
class Node:
    code: str  # e.g. "S", "S01", "AUX1"
    parent: str | None  # None for categories and bonus/penalty items; indicators have a category parent
    kind: Kind
    name_zh: str
    name_en: str
    weight: Decimal = Decimal(0)  # % of the total (categories sum to 100; indicators to their category's)
    direction: int = 1  # +1 more is better, -1 less is better
    unit: str = ""  # unit of the indicator VALUE ("亿元", "亿元/km²", "%", "人", "家", "count", …)
    formula: Formula = Formula.RAW
    series: str = ""  # code of the base data series (series.SERIES)
    normalisation: Normalisation = Normalisation.MINMAX
    goal_low: Decimal | None = None  # goalposts (required for GOALPOSTS, low < high)
    goal_high: Decimal | None = None
    points: Decimal | None = None  # bonus/penalty: points per unit of the series value
    cap: Decimal | None = None  # bonus/penalty: cap on this item's total points (> 0)
    weight_assumed: bool = False  # weight not public: our assumption (shown in the UI)

    @property
    def is_adjustment(self) -> bool:
        return self.kind in ADJUSTMENT_KINDS


@dataclass(frozen=True)
class Framework:
    code: str
    name: str
    nodes: tuple[Node, ...]

    def node(self, code: str) -> Node:
        """The node with this code (KeyError if there is none)."""
        for n in self.nodes:
            if n.code == code:
                return n
        raise KeyError(code)

    def categories(self) -> list[Node]:
        return [n for n in self.nodes if n.kind == Kind.CATEGORY]

    def children(self, code: str) -> list[Node]:
        return [n for n in self.nodes if n.parent == code]

    def indicators(self) -> list[Node]:
        """Indicators in framework order."""
        return [n for n in self.nodes if n.kind == Kind.INDICATOR]

    def adjustments(self) -> list[Node]:
        """Bonus and penalty items in framework order."""
        return [n for n in self.nodes if n.kind in ADJUSTMENT_KINDS]


# --------------------------------------------------------------------------- messages
# code -> (English, Chinese); {param} placeholders. Covers every code of this package.
MESSAGES: dict[str, tuple[str, str]] = {
    # framework
    "no_indicators": ("The framework has no indicators.", "指标体系中没有任何指标。"),
    "empty_code": ("Node {index} has no code.", "第 {index} 个节点没有代码。"),
    "duplicate_code": ("Code {code} is used twice in the framework.", "代码 {code} 在指标体系中重复。"),
    "bad_kind": ("{code}: “{value}” is not a node kind (category, indicator, bonus, penalty).",
                 "{code}：“{value}”不是有效的节点类型（category、indicator、bonus、penalty）。"),
    "bad_formula": ("{code}: “{value}” is not a formula (raw, per_km2, yoy).",
                    "{code}：“{value}”不是有效的计算方式（raw、per_km2、yoy）。"),
    "bad_normalisation": ("{code}: “{value}” is not a normalisation (minmax, zscore, goalposts, rank).",
                          "{code}：“{value}”不是有效的标准化方法（minmax、zscore、goalposts、rank）。"),
    "unknown_parent": ("{code} names a parent {parent} that is not in the framework.",
                       "{code} 的上级 {parent} 不在指标体系中。"),
    "cycle": ("{code} is part of a cycle in the indicator tree ({path}).", "{code} 处于指标树的循环中（{path}）。"),
    "category_with_parent": ("Category {code} must not have a parent (has {parent}).",
                             "一级类别 {code} 不能有上级（现为 {parent}）。"),
    "indicator_without_category": ("Indicator {code} must sit under a category.", "指标 {code} 必须属于某个一级类别。"),
    "parent_not_category": ("The parent {parent} of {code} is not a category.", "{code} 的上级 {parent} 不是一级类别。"),
    "adjustment_with_parent": ("Bonus / penalty item {code} must not have a parent (has {parent}).",
                               "加减分项 {code} 不能有上级（现为 {parent}）。"),
    "adjustment_with_weight": ("Bonus / penalty item {code} carries no weight (has {value}).",
                               "加减分项 {code} 不设权重（现为 {value}）。"),
    "negative_weight": ("Weight of {code} must not be negative (got {value}).", "{code} 的权重不能为负数（现为 {value}）。"),
    "bad_weight": ("Weight of {code} is not a finite decimal number (got {value}).",
                   "{code} 的权重不是有效的十进制数（现为 {value}）。"),
    "weights_do_not_sum": ("The weights under {parent} sum to {actual}; they must sum to {expected}.",
                           "{parent} 下的权重合计为 {actual}，应为 {expected}。"),
    "bad_direction": ("Direction of {code} must be 1 (more is better) or -1 (less is better), not {value}.",
                      "{code} 的方向必须为 1（越大越好）或 -1（越小越好），现为 {value}。"),
    "missing_series": ("{code} names no data series.", "{code} 未指定数据序列。"),
    "unknown_series": ("{code}: unknown data series “{value}”.", "{code}：未知的数据序列“{value}”。"),
    "goalposts_missing": ("{code} is normalised with goalposts but has no low and high goalpost.",
                          "{code} 采用目标值标准化，但缺少下限和上限。"),
    "goalposts_order": ("The low goalpost of {code} ({low}) must be below the high one ({high}).",
                        "{code} 的目标值下限（{low}）必须小于上限（{high}）。"),
    "adjustment_needs_points_and_cap": ("Bonus / penalty item {code} needs points per unit and a cap, both above "
                                        "zero (points {points}, cap {cap}).",
                                        "加减分项 {code} 需要设置大于零的单位分值和封顶分值（单位分值 {points}，封顶 {cap}）。"),
    "empty_category": ("Category {code} has no indicators.", "一级类别 {code} 下没有指标。"),
    # adding and removing nodes (services.add_node / remove_node)
    "bad_new_kind": ("A new node is an indicator, a bonus or a penalty item, not “{value}”.",
                     "新增节点只能是指标、加分项或减分项，不能是“{value}”。"),
    "node_has_weight": ("{code} still carries weight {value} %: set it to 0 first, giving its weight to the "
                        "others, then remove it.", "{code} 仍有权重 {value}%：请先将其设为 0 并把权重分给其他节点，再删除。"),
    # parameters of a run (engine.validate_params)
    "bad_aggregation": ("“{value}” is not an aggregation (arithmetic, geometric).",
                        "“{value}”不是有效的合成方法（arithmetic、geometric）。"),
    "bad_impute": ("“{value}” is not a rule for missing values (worst, median, mean, region_median, zero).",
                   "“{value}”不是有效的缺失值规则（worst、median、mean、region_median、zero）。"),
    "bad_outliers": ("“{value}” is not an outlier rule (winsorise_log, none).",
                     "“{value}”不是有效的离群值处理规则（winsorise_log、none）。"),
    "bad_class_bands": ("Class bands must have distinct names and growing cumulative shares ending at 100 "
                        "(got {value}).", "分类档次须名称不重复、累计比例递增且最后为 100（现为 {value}）。"),
    "unknown_weight_node": ("A weight is given for {code}, which is not a category or indicator of the framework.",
                            "为 {code} 指定了权重，但它不是该指标体系的类别或指标。"),
    "bad_floor": ("The geometric floor must be above 0 and at most 100 (got {value}).",
                  "几何合成的下限值必须大于 0 且不超过 100（现为 {value}）。"),
    "bad_min_coverage": ("The minimum data coverage must be between 0 and 100 % (got {value}).",
                         "最低数据覆盖率必须在 0 到 100% 之间（现为 {value}）。"),
    "duplicate_zone": ("Zone {code} is listed twice.", "区域 {code} 重复出现。"),
    # Monte Carlo (uncertainty.rank_intervals)
    "draws_out_of_range": ("Monte Carlo draws must be between {min} and {max}.", "蒙特卡洛抽样次数必须在 {min} 到 {max} 之间。"),
    "bad_jitter": ("The weight jitter must be at least 0 and below 1 (got {value}).", "权重扰动幅度必须不小于 0 且小于 1（现为 {value}）。"),
    "no_normalisations": ("Give at least one normalisation to draw from.", "至少需要一种可供抽取的标准化方法。"),
    # zones (zones.check_dates)
    "accepted_before_approved": ("The acceptance date {accepted} is before the approval date {approved}.",
                                 "验收日期 {accepted} 早于批准日期 {approved}。"),
    "evaluated_before_a_full_year": ("A zone accepted on {accepted} takes part from the next data year on, not {year}.",
                                     "{accepted} 验收的区域须从下一个完整数据年度起参评，不能从 {year} 年起。"),
    # exit watch, profile
    "must_be_positive": ("{name} must be at least 1 (got {value}).", "{name} 必须不小于 1（现为 {value}）。"),
    "unknown_zone": ("Zone {code} is not in this evaluation result.", "本次评估结果中没有区域 {code}。"),
}


# --------------------------------------------------------------------------- validation
def _is_member(value: object, enum: type[StrEnum]) -> bool:
    return isinstance(value, str) and value in {m.value for m in enum}


def _show(d: Decimal | None) -> str:
    return "—" if d is None else str(d)


def fmt(d: Decimal) -> str:
    """Plain decimal text for messages: 10, not 1E+1; 2.5000 stays as stored."""
    return format(d.normalize(), "f") if d == d.to_integral_value() else format(d, "f")


def find_cycles(parent_of: Mapping[str, str | None]) -> list[list[str]]:
    """Every cycle in a parent map, each as the list of codes on it (starting at its smallest code)."""
    state: dict[str, int] = {}
    cycles: list[list[str]] = []
    for start in sorted(parent_of):
        path: list[str] = []
        cur: str | None = start
        while cur is not None and cur in parent_of and state.get(cur, 0) == 0:
            state[cur] = 1
            path.append(cur)
            cur = parent_of[cur]
        if cur is not None and state.get(cur) == 1:
            cycle = path[path.index(cur):]
            i = cycle.index(min(cycle))
            cycles.append(cycle[i:] + cycle[:i])
        for p in path:
            state[p] = 2
    return cycles


def validate(framework: Framework, series: Mapping[str, Series] | None = None) -> list[Problem]:
    """Every problem of a framework; [] when it can be evaluated. `series` defaults to SERIES."""
    known_series = SERIES if series is None else series
    problems: list[Problem] = []
    nodes = list(framework.nodes)
    by_code: dict[str, Node] = {}
    for i, n in enumerate(nodes):
        if not isinstance(n.code, str) or not n.code.strip():
            problems.append(prob(f"nodes.{i}.code", "empty_code", index=i + 1))
            continue
        if n.code in by_code:
            problems.append(prob(f"nodes.{n.code}.code", "duplicate_code", code=n.code))
            continue
        by_code[n.code] = n

    if not any(n.kind == Kind.INDICATOR for n in nodes):
        problems.append(prob("nodes", "no_indicators"))

    # the parent structure: unknown parents, then cycles among the known ones
    parent_of: dict[str, str | None] = {}
    for code, n in by_code.items():
        if n.parent is not None and n.parent not in by_code:
            problems.append(prob(f"nodes.{code}.parent", "unknown_parent", code=code, parent=n.parent))
            parent_of[code] = None
        else:
            parent_of[code] = n.parent
    for cycle in find_cycles(parent_of):
        path = " → ".join(cycle + cycle[:1])
        for code in cycle:
            problems.append(prob(f"nodes.{code}.parent", "cycle", code=code, path=path))

    for code, n in by_code.items():
        f = f"nodes.{code}"
        if not _is_member(n.kind, Kind):
            problems.append(prob(f"{f}.kind", "bad_kind", code=code, value=n.kind))
            continue
        parent = by_code.get(n.parent) if n.parent is not None else None
        if not isinstance(n.weight, Decimal) or not n.weight.is_finite():
            problems.append(prob(f"{f}.weight", "bad_weight", code=code, value=str(n.weight)))
        elif n.weight < 0:
            problems.append(prob(f"{f}.weight", "negative_weight", code=code, value=fmt(n.weight)))

        if n.kind == Kind.CATEGORY:
            if n.parent is not None:
                problems.append(prob(f"{f}.parent", "category_with_parent", code=code, parent=n.parent))
            if not any(c.kind == Kind.INDICATOR for c in by_code.values() if c.parent == code):
                problems.append(prob(f"{f}", "empty_category", code=code))
            continue

        if n.kind == Kind.INDICATOR:
            if n.parent is None:
                problems.append(prob(f"{f}.parent", "indicator_without_category", code=code))
            elif parent is not None and parent.kind != Kind.CATEGORY:
                problems.append(prob(f"{f}.parent", "parent_not_category", code=code, parent=n.parent))
            if n.direction not in (1, -1) or isinstance(n.direction, bool):
                problems.append(prob(f"{f}.direction", "bad_direction", code=code, value=n.direction))
            if not _is_member(n.normalisation, Normalisation):
                problems.append(prob(f"{f}.normalisation", "bad_normalisation", code=code, value=n.normalisation))
            elif n.normalisation == Normalisation.GOALPOSTS:
                problems.extend(check_goalposts(n))
        else:  # bonus / penalty
            if n.parent is not None:
                problems.append(prob(f"{f}.parent", "adjustment_with_parent", code=code, parent=n.parent))
            if isinstance(n.weight, Decimal) and n.weight.is_finite() and n.weight > 0:
                problems.append(prob(f"{f}.weight", "adjustment_with_weight", code=code, value=fmt(n.weight)))
            for attr in ("points", "cap"):  # both required, finite and above zero
                v = getattr(n, attr)
                if not (isinstance(v, Decimal) and v.is_finite() and v > 0):
                    problems.append(prob(f"{f}.{attr}", "adjustment_needs_points_and_cap", code=code,
                                         points=_show(n.points), cap=_show(n.cap)))
                    break

        # indicators and adjustments read a series
        if not _is_member(n.formula, Formula):
            problems.append(prob(f"{f}.formula", "bad_formula", code=code, value=n.formula))
        if not n.series:
            problems.append(prob(f"{f}.series", "missing_series", code=code))
        elif n.series not in known_series:
            problems.append(prob(f"{f}.series", "unknown_series", code=code, value=n.series))

    problems.extend(_check_weights(by_code))
    return problems


def check_goalposts(n: Node, field: str | None = None) -> list[Problem]:
    """Goalposts present, finite and in order (low < high)."""
    f = field or f"nodes.{n.code}"
    if n.goal_low is None or n.goal_high is None or not (n.goal_low.is_finite() and n.goal_high.is_finite()):
        return [prob(f"{f}.goal_low", "goalposts_missing", code=n.code)]
    if n.goal_low >= n.goal_high:
        return [prob(f"{f}.goal_high", "goalposts_order", code=n.code, low=fmt(n.goal_low),
                        high=fmt(n.goal_high))]
    return []


def _weights_ok(nodes: Iterable[Node]) -> bool:
    return all(isinstance(n.weight, Decimal) and n.weight.is_finite() for n in nodes)


def _check_weights(by_code: Mapping[str, Node]) -> list[Problem]:
    problems: list[Problem] = []
    categories = [n for n in by_code.values() if n.kind == Kind.CATEGORY]
    if categories and _weights_ok(categories):
        total = sum((c.weight for c in categories), Decimal(0))
        if total != HUNDRED:
            problems.append(prob("nodes", "weights_do_not_sum", parent="root", expected=fmt(HUNDRED),
                                    actual=fmt(total)))
    for c in categories:
        kids = [n for n in by_code.values() if n.parent == c.code and n.kind == Kind.INDICATOR]
        if not kids or not _weights_ok([c, *kids]):
            continue
        total = sum((k.weight for k in kids), Decimal(0))
        if total != c.weight:
            problems.append(prob(f"nodes.{c.code}.weight", "weights_do_not_sum", parent=c.code,
                                    expected=fmt(c.weight), actual=fmt(total)))
    return problems
