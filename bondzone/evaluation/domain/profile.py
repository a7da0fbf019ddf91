"""A zone's strengths and weaknesses: its indicators with the highest and the lowest percentile."""

from __future__ import annotations

from decimal import Decimal

from bondzone.core.domain.errors import NotFound

from .engine import EvaluationResult
from .framework import prob


def strengths_weaknesses(result: EvaluationResult, zone: str,
                         k: int = 5) -> tuple[list[tuple[str, Decimal]], list[tuple[str, Decimal]]]:
    """([(indicator, percentile)] best first, [(indicator, percentile)] worst first), k each; ties by
    framework order. Imputed values (not the zone's own data) and indicators left out of the run are
    skipped; with fewer than 2k indicators the two lists may share some."""
    z = result.zones.get(zone)
    if z is None:
        raise NotFound(prob("zone", "unknown_zone", code=zone))
    excluded = set(result.excluded_indicators)
    items = [(i, code, s.percentile) for i, (code, s) in enumerate(z.indicators.items())
             if not s.imputed and code not in excluded]
    k = max(k, 0)
    best = sorted(items, key=lambda t: (-t[2], t[0]))[:k]
    worst = sorted(items, key=lambda t: (t[2], t[0]))[:k]
    return [(c, p) for _, c, p in best], [(c, p) for _, c, p in worst]
