"""The exit watch (退出预警): zones in the bottom N both nationally and in their region in each of the last
consecutive runs (GACC: bottom 5, two years running → the exit procedure starts)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from bondzone.core.domain.errors import DomainError

from .engine import EvaluationResult
from .framework import prob

Position = tuple[int, int, int, int]  # (rank_national, national_count, rank_regional, region_count)


def positions(result: EvaluationResult) -> dict[str, Position]:
    """One history entry from an evaluation result."""
    return {code: (z.rank_national, result.zone_count, z.rank_regional, result.region_counts[z.region])
            for code, z in result.zones.items()}


def in_bottom(position: Position, bottom: int) -> bool:
    rank_n, count_n, rank_r, count_r = position
    return rank_n > count_n - bottom and rank_r > count_r - bottom


def exit_watch(history: Sequence[Mapping[str, Position]], bottom: int = 5, consecutive: int = 2) -> list[str]:
    """Sorted codes of the zones in the bottom `bottom` nationally and regionally (rank > count − bottom)
    in each of the last `consecutive` runs of `history` (oldest first). A zone missing from one of those
    runs is not on the watch; with fewer runs than `consecutive` nobody is."""
    problems = [prob(name, "must_be_positive", name=name, value=value)
                for name, value in (("bottom", bottom), ("consecutive", consecutive))
                if isinstance(value, bool) or not isinstance(value, int) or value < 1]
    if problems:
        raise DomainError(problems)
    if len(history) < consecutive:
        return []
    runs = list(history)[-consecutive:]
    watch = None
    for run in runs:
        here = {code for code, pos in run.items() if in_bottom(pos, bottom)}
        watch = here if watch is None else watch & here
    return sorted(watch or ())
