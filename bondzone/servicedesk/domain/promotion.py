"""Investment promotion (招商引资) pipeline rules: the stages a prospective project passes, which moves are
allowed, and conversion rates from counts. Pure: no Django."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum


class Stage(StrEnum):
    LEAD = "lead"  # 线索
    CONTACTED = "contacted"  # 已接洽
    NEGOTIATING = "negotiating"  # 洽谈中
    SIGNED = "signed"  # 已签约
    REGISTERED = "registered"  # 已注册
    OPERATING = "operating"  # 已投产运营
    DROPPED = "dropped"  # 已终止 (left the pipeline; the furthest stage reached is kept)


PIPELINE: tuple[Stage, ...] = (Stage.LEAD, Stage.CONTACTED, Stage.NEGOTIATING, Stage.SIGNED, Stage.REGISTERED,
                               Stage.OPERATING)
RANK = {s.value: i for i, s in enumerate(PIPELINE)}
SIGNED_OR_LATER = frozenset(s.value for s in PIPELINE[RANK[Stage.SIGNED]:])


class EventKind(StrEnum):
    VISIT = "visit"  # 走访 / 考察
    CONFERENCE = "conference"  # 招商推介会
    INVITATION = "invitation"  # 专题邀约


def can_move(current: str, target: str, reached: int = 0) -> bool:
    """Forward along the pipeline by one or more stages, or out of it (dropped) before operating. A dropped
    project may be taken up again at the furthest stage it had reached (`reached`, an index) or later."""
    if target == current or (target not in RANK and target != Stage.DROPPED):
        return False
    if target == Stage.DROPPED:
        return current in RANK and current != Stage.OPERATING
    if current == Stage.DROPPED:
        return RANK[target] >= reached
    return current in RANK and RANK[target] > RANK[current]


def reached_after(reached: int, target: str) -> int:
    """The furthest pipeline stage (index) reached once the project moves to `target`."""
    return reached if target == Stage.DROPPED else max(reached, RANK[target])


def rate(part: int, whole: int) -> Decimal | None:
    """part ÷ whole as a percentage with one decimal; None when nothing to divide."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def conversion(reached_counts: dict[int, int]) -> list[dict]:
    """From how many projects reached exactly stage index i at most (furthest), the number that reached
    each stage or beyond, and the conversion from each stage to the next (reached i+1 ÷ reached i)."""
    n = len(PIPELINE)
    at_least = [sum(c for i, c in reached_counts.items() if i >= k) for k in range(n)]
    out = []
    for k, stage in enumerate(PIPELINE):
        out.append({"stage": stage.value, "reached": at_least[k],
                    "to_next": rate(at_least[k + 1], at_least[k]) if k + 1 < n else None})
    return out
