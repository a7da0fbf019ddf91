"""Unit assessment (考核, 京政发〔2021〕33号 三(二)–(三)): a score per unit and year from timeliness,
report quality and results, weighted by rules kept as data. Pure rules: no Django.

- timeliness = tasks on time ÷ tasks whose deadline has come (due in the year, up to the assessment
  day): a completed task counts on time unless its known completion day is after its due date; an open
  task past its due date is late; cancelled tasks are left out;
- quality = accepted ÷ reviewed (accepted + returned) progress reports submitted in the year;
- results = mean progress of the unit's tasks due in the year;
- service (服务成效) = mean of the on-time rate (replied in time ÷ replied) and the satisfaction rate
  ((satisfied + basically) ÷ rated) of the service requests the unit led, replied or rated in the year;
- promotion (招商成果) = projects the unit promotes that reached signed, registered or operating in the
  year (1, 2 and 3 points by the furthest of those stages) and their planned investment, each as a share of
  the best unit's figure, averaged: relative to the other promoting units of the year, so it is frozen
  with them (`AssessmentFreeze`). A unit with no promotion project is not scored on it.
A component without data is *not scored* (shown as such) and the others carry the weight; a unit with no
component has no score. Scores are 0–100, Decimal, quantized to 0.01; ranks are 1-based, ties share the
lower rank."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from bondzone.core.domain.errors import Problem, problem

HUNDRED = Decimal(100)
CENT = Decimal("0.01")
COMPONENTS = ("timeliness", "quality", "results", "service", "promotion")
# our default, not a published rule: every weight is labelled "assumed" with its reason (scores.ASSUMED_REASONS)
# on the page, in the API and in the exports (京政发〔2021〕33号 asks for the assessment and names 招商成果、服务成效, but sets no weights)
DEFAULT_WEIGHTS = {"timeliness": Decimal(30), "quality": Decimal(20), "results": Decimal(20),
                   "service": Decimal(15), "promotion": Decimal(15)}
PROMOTION_POINTS = {"signed": 1, "registered": 2, "operating": 3}


@dataclass(frozen=True)
class TaskFact:
    due: date
    completed: bool
    cancelled: bool
    completed_on: date | None
    progress: Decimal


@dataclass(frozen=True)
class UnitFacts:
    unit_id: int
    tasks: list[TaskFact] = field(default_factory=list)
    accepted: int = 0
    returned: int = 0


@dataclass(frozen=True)
class ServiceFact:
    """The unit's service requests (as lead unit) in the year: replies and ratings."""

    replied: int = 0
    replied_on_time: int = 0
    rated: int = 0
    satisfied_or_basically: int = 0


@dataclass(frozen=True)
class PromotionFact:
    """The unit's promotion projects: how many it has at all, and those that reached signed or beyond in the
    year with the furthest of those stages and the planned investment (10,000 yuan)."""

    projects: int = 0
    landed: tuple[tuple[str, Decimal], ...] = ()


@dataclass(frozen=True)
class Score:
    unit_id: int
    timeliness: Decimal | None
    quality: Decimal | None
    results: Decimal | None
    score: Decimal | None
    tasks: int
    on_time: int
    late: int
    reviewed: int
    rank: int | None = None
    service: Decimal | None = None
    promotion: Decimal | None = None
    replied: int = 0
    rated: int = 0
    landed: int = 0
    investment: Decimal = Decimal(0)

    @property
    def missing(self) -> list[str]:
        return [c for c in COMPONENTS if getattr(self, c) is None]


def check_weights(weights: dict[str, Decimal | None]) -> list[Problem]:
    problems: list[Problem] = []
    total = Decimal(0)
    for c in COMPONENTS:
        w = weights.get(c)
        if w is None:
            problems.append(problem(c, "required"))
            continue
        if not (Decimal(0) <= w <= HUNDRED):
            problems.append(problem(c, "weight_out_of_range", value=w))
        total += w
    if not problems and total != HUNDRED:
        problems.append(problem("weights", "weights_not_100", total=total))
    return problems


def _q(x: Decimal) -> Decimal:
    return x.quantize(CENT, rounding=ROUND_HALF_UP)


def service_score(fact: ServiceFact | None) -> Decimal | None:
    """Mean of the on-time and satisfaction rates the unit has data for; None without either."""
    if fact is None:
        return None
    rates = [HUNDRED * part / whole for part, whole in ((fact.replied_on_time, fact.replied),
                                                         (fact.satisfied_or_basically, fact.rated)) if whole]
    return _q(sum(rates, Decimal(0)) / len(rates)) if rates else None


def promotion_scores(facts: dict[int, PromotionFact]) -> dict[int, Decimal | None]:
    """Each promoting unit's 招商成果: the mean of its stage points and its planned investment, each as a
    share of the best unit's; 0 for a unit whose projects did not land in the year; None for a unit with no
    project (not a promoting unit). When no unit landed anything the component is not scored at all."""
    points = {u: sum(PROMOTION_POINTS[stage] for stage, _ in f.landed) for u, f in facts.items()}
    money = {u: sum((inv for _, inv in f.landed), Decimal(0)) for u, f in facts.items()}
    best_points, best_money = max(points.values(), default=0), max(money.values(), default=Decimal(0))
    out: dict[int, Decimal | None] = {}
    for u, f in facts.items():
        if f.projects == 0 or best_points == 0:
            out[u] = None
            continue
        shares = [HUNDRED * points[u] / best_points]
        if best_money > 0:
            shares.append(HUNDRED * money[u] / best_money)
        out[u] = _q(sum(shares, Decimal(0)) / len(shares))
    return out


def score_unit(facts: UnitFacts, weights: dict[str, Decimal], as_of: date, *, service: ServiceFact | None = None,
               promotion: Decimal | None = None, landed: PromotionFact | None = None) -> Score:
    counted = [t for t in facts.tasks if not t.cancelled]
    on_time = late = 0
    for t in counted:
        if t.completed:
            if t.completed_on is not None and t.completed_on > t.due:
                late += 1
            else:
                on_time += 1
        elif t.due < as_of:
            late += 1
    timeliness = _q(HUNDRED * on_time / (on_time + late)) if on_time + late else None
    reviewed = facts.accepted + facts.returned
    quality = _q(HUNDRED * facts.accepted / reviewed) if reviewed else None
    results = _q(sum((min(t.progress, HUNDRED) for t in counted), Decimal(0)) / len(counted)) if counted else None
    parts = {"timeliness": timeliness, "quality": quality, "results": results, "service": service_score(service),
             "promotion": promotion}
    used = {c: weights[c] for c, v in parts.items() if v is not None}
    total_w = sum(used.values(), Decimal(0))
    score = (_q(sum((weights[c] * parts[c] for c in used), Decimal(0)) / total_w) if total_w > 0 else None)
    return Score(facts.unit_id, timeliness, quality, results, score, len(counted), on_time, late, reviewed,
                 service=parts["service"], promotion=promotion, replied=service.replied if service else 0,
                 rated=service.rated if service else 0, landed=len(landed.landed) if landed else 0,
                 investment=sum((inv for _, inv in landed.landed), Decimal(0)) if landed else Decimal(0))


def rank(scores: list[Score]) -> list[Score]:
    """Highest score first; units without a score last and unranked; ties share the lower rank."""
    scored = sorted((s for s in scores if s.score is not None), key=lambda s: (-s.score, s.unit_id))
    out: list[Score] = []
    prev: Decimal | None = None
    r = 0
    for i, s in enumerate(scored, start=1):
        if s.score != prev:
            r, prev = i, s.score
        out.append(replace(s, rank=r))
    out += sorted((s for s in scores if s.score is None), key=lambda s: s.unit_id)
    return out
