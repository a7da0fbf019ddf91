"""The task tree: progress roll-up, cycle detection and weight checks (Decidim's rule, with Decimal).

Roll-up modes:
  manual    the task's own progress
  average   plain mean of the direct children's (rolled-up) progress
  weighted  sum of child progress × child weight / 100; the children's weights must sum to 100
A computed task without children keeps its own progress. Results are quantized to 0.01 and capped at 100.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from bondzone.core.domain.errors import Problem, problem

HUNDRED = Decimal(100)
CENT = Decimal("0.01")


class Mode(StrEnum):
    MANUAL = "manual"
    AVERAGE = "average"
    WEIGHTED = "weighted"


def reported_directly(mode: str, has_children: bool) -> bool:
    """Whether units report a task's progress themselves: not when it is computed from children."""
    return mode == Mode.MANUAL or not has_children


@dataclass(frozen=True)
class Node:
    id: int
    parent_id: int | None
    mode: str
    progress: Decimal
    weight: Decimal | None = None


def clamp(value: Decimal) -> Decimal:
    value = value.quantize(CENT, rounding=ROUND_HALF_UP)
    return min(max(value, Decimal(0)), HUNDRED)


def combine(mode: str, own: Decimal, children: list[tuple[Decimal, Decimal | None]]) -> Decimal:
    """Progress of one task from its own value and its children's (progress, weight)."""
    if mode == Mode.MANUAL or not children:
        return clamp(own)
    if mode == Mode.WEIGHTED:
        return clamp(sum(((p * (w or Decimal(0))) for p, w in children), Decimal(0)) / HUNDRED)
    return clamp(sum((p for p, _ in children), Decimal(0)) / len(children))


def rollup(nodes: Iterable[Node]) -> dict[int, Decimal]:
    """Rolled-up progress of every node (children before parents; parents outside the set are ignored)."""
    nodes = list(nodes)
    by_id = {n.id: n for n in nodes}
    children: dict[int, list[int]] = {}
    for n in nodes:
        if n.parent_id in by_id:
            children.setdefault(n.parent_id, []).append(n.id)
    out: dict[int, Decimal] = {}
    for root in [n.id for n in nodes if n.parent_id not in by_id]:
        stack: list[tuple[int, bool]] = [(root, False)]
        while stack:
            nid, done = stack.pop()
            if done:
                n = by_id[nid]
                kids = [(out[c], by_id[c].weight) for c in children.get(nid, [])]
                out[nid] = combine(n.mode, n.progress, kids)
            else:
                stack.append((nid, True))
                stack.extend((c, False) for c in children.get(nid, []))
    return out


def ancestors(task_id: int, parent_of: Mapping[int, int | None]) -> list[int]:
    """Parents of a task, nearest first; stops at a cycle."""
    out, seen, cur = [], {task_id}, parent_of.get(task_id)
    while cur is not None and cur not in seen:
        out.append(cur)
        seen.add(cur)
        cur = parent_of.get(cur)
    return out


def find_cycle(parent_of: Mapping[int, int | None]) -> list[int] | None:
    """One cycle in a parent map (as the list of ids on it), or None."""
    state: dict[int, int] = {}
    for start in parent_of:
        path: list[int] = []
        cur: int | None = start
        while cur is not None and state.get(cur, 0) == 0:
            state[cur] = 1
            path.append(cur)
            cur = parent_of.get(cur)
        if cur is not None and state.get(cur) == 1:
            return path[path.index(cur):]
        for p in path:
            state[p] = 2
    return None


def check_parent(task_id: int | None, new_parent_id: int | None, parent_of: Mapping[int, int | None]) -> list[Problem]:
    """Moving `task_id` under `new_parent_id` must not make a cycle (a task under itself or a descendant)."""
    if new_parent_id is None or task_id is None:
        return []
    if new_parent_id == task_id or task_id in ancestors(new_parent_id, parent_of):
        return [problem("parent_id", "task_cycle", task=task_id, parent=new_parent_id)]
    return []


def check_weights(mode: str, weights: Mapping[int, Decimal | None], field: str = "weights") -> list[Problem]:
    """Children of a weighted task carry weights (0–100) summing to exactly 100."""
    problems = []
    for child, w in weights.items():
        if w is not None and not (Decimal(0) <= w <= HUNDRED):
            problems.append(problem(f"{field}.{child}", "weight_out_of_range", value=w))
    if mode != Mode.WEIGHTED or not weights:
        return problems
    missing = [c for c, w in weights.items() if w is None]
    if missing:
        problems.append(problem(field, "weight_missing", tasks=", ".join(map(str, missing))))
        return problems
    total = sum(weights.values(), Decimal(0))
    if total != HUNDRED:
        problems.append(problem(field, "weights_not_100", total=total))
    return problems


def check_progress(value: Decimal, field: str = "progress") -> list[Problem]:
    if not (Decimal(0) <= value <= HUNDRED):
        return [problem(field, "progress_out_of_range", value=value)]
    if value != value.quantize(CENT):
        return [problem(field, "too_many_decimals", value=value, scale=2)]
    return []
