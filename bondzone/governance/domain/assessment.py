"""Unit assessment (考核, 京政发〔2021〕33号 三(二)–(三)): a score per unit and year from timeliness,
report quality and results, weighted by rules kept as data. Pure rules: no Django.

- timeliness = tasks on time ÷ tasks whose deadline has come (due in the year, up to the assessment
  day): a completed task counts on time unless its known completion day is after its due date; an open
  task past its due date is late; cancelled tasks are left out;
- quality = accepted ÷ reviewed (accepted + returned) progress reports submitted in the year;
- results = mean progress of the unit's tasks due in the year.
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
COMPONENTS = ("timeliness", "quality", "results")
# our default, not a published rule: labelled "assumed" on the page and in the export
DEFAULT_WEIGHTS = {"timeliness": Decimal(40), "quality": Decimal(30), "results": Decimal(30)}


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


def score_unit(facts: UnitFacts, weights: dict[str, Decimal], as_of: date) -> Score:
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
    parts = {"timeliness": timeliness, "quality": quality, "results": results}
    used = {c: weights[c] for c, v in parts.items() if v is not None}
    total_w = sum(used.values(), Decimal(0))
    score = (_q(sum((weights[c] * parts[c] for c in used), Decimal(0)) / total_w) if total_w > 0 else None)
    return Score(facts.unit_id, timeliness, quality, results, score, len(counted), on_time, late, reviewed)


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
