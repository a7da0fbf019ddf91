"""Who owns a task: the policy never names a lead unit, so the first-named unit is only a *proposal*
until the ledger office confirms or changes it; collective units (各综合保税区管理机构, 综合保税区所在区政府)
name a group of units, and a task naming one is expanded into one sub-task per member so each has an owner.
Pure rules: no Django."""

from __future__ import annotations

from dataclasses import dataclass

# the collective names of 京政发〔2021〕33号 (with and without the leading 各)
COLLECTIVE_NAMES = frozenset({"各综合保税区管理机构", "综合保税区管理机构", "综合保税区所在区政府",
                              "各综合保税区所在区政府", "各区政府", "各区"})


class LeadStatus:
    PROPOSED = "proposed"  # the first-named unit of the policy's 责任单位 clause, not yet confirmed
    CONFIRMED = "confirmed"  # confirmed or chosen by the ledger office
    NONE = "none"  # no lead unit at all


def lead_status(has_lead: bool, confirmed: bool) -> str:
    if not has_lead:
        return LeadStatus.NONE
    return LeadStatus.CONFIRMED if confirmed else LeadStatus.PROPOSED


def is_collective(name: str) -> bool:
    """A unit name that stands for a group of units rather than one organisation."""
    name = (name or "").strip()
    return name in COLLECTIVE_NAMES or (name.startswith("各") and len(name) > 1)


@dataclass(frozen=True)
class Expansion:
    collective_id: int
    member_id: int


def expansion_plan(assigned: list[int], collectives: dict[int, list[int]], existing_leads: set[int]) -> list[Expansion]:
    """The sub-tasks still to create for a task: one per member of each collective unit assigned to it
    (lead or co-unit, in the order given), skipping members that already own a sub-task and members named
    twice. Running the plan again after it was carried out yields nothing (idempotent)."""
    out: list[Expansion] = []
    taken = set(existing_leads)
    for unit_id in assigned:
        for member in collectives.get(unit_id, []):
            if member in taken:
                continue
            taken.add(member)
            out.append(Expansion(unit_id, member))
    return out
