"""Who sees which evaluation rows.

- zones, frameworks and indicators are reference data: every logged-in user sees them;
- base data values and areas: staff (evaluation.view); enterprises see none;
- runs and their results: staff see all runs; enterprises see public runs only (synthetic zones
  included — every page says so).
"""

from bondzone.core.domain.roles import Role
from bondzone.core.scoping import scope_rule

from .models import (
    EvalZone, EvaluationRun, Framework, Indicator, NodeScore, Rectification, SeriesValue, ZoneArea,
    ZoneResult,
)


@scope_rule(EvalZone)
def zones(qs, actor, action):
    return qs


@scope_rule(Framework)
def frameworks(qs, actor, action):
    return qs


@scope_rule(Indicator)
def indicators(qs, actor, action):
    return qs


@scope_rule(ZoneArea)
def areas(qs, actor, action):
    return qs if actor.can("evaluation.view") else qs.none()


@scope_rule(SeriesValue)
def values(qs, actor, action):
    return qs if actor.can("evaluation.view") else qs.none()


def _public_only(actor) -> bool:
    return actor.role == Role.ENTERPRISE or not actor.can("evaluation.view")


@scope_rule(EvaluationRun)
def runs(qs, actor, action):
    return qs.filter(public=True) if _public_only(actor) else qs


@scope_rule(ZoneResult)
def results(qs, actor, action):
    return qs.filter(run__public=True) if _public_only(actor) else qs


@scope_rule(NodeScore)
def scores(qs, actor, action):
    return qs.filter(run__public=True) if _public_only(actor) else qs


@scope_rule(Rectification)
def rectifications(qs, actor, action):
    return qs if actor.can("evaluation.view") else qs.none()
