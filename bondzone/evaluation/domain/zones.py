"""When a special area takes part in the evaluation (GACC: from the first full data year after its
acceptance, 验收), and the order of its dates."""

from __future__ import annotations

from datetime import date

from bondzone.core.domain.errors import Problem

from .framework import prob


def check_dates(approved_on: date | None, accepted_on: date | None, evaluated_from: int | None) -> list[Problem]:
    problems: list[Problem] = []
    if approved_on and accepted_on and accepted_on < approved_on:
        problems.append(prob("accepted_on", "accepted_before_approved", approved=approved_on.isoformat(),
                             accepted=accepted_on.isoformat()))
    if evaluated_from is not None and accepted_on is not None and evaluated_from <= accepted_on.year:
        problems.append(prob("evaluated_from", "evaluated_before_a_full_year", year=evaluated_from,
                             accepted=accepted_on.isoformat()))
    return problems
