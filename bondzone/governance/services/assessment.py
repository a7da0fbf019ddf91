"""The unit assessment (考核): the ledger office edits a year's weights and freezes the year's scores.

Freezing stores every unit's components and score with the weights used (`AssessmentFreeze`, version 1).
Freezing a frozen year again is refused unless a reason is given; with one it stores the next version (a
correction, 更正) and earlier versions stay readable: the latest is what pages and exports show."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from bondzone.core import audit
from bondzone.core.actor import Actor
from bondzone.core.domain.errors import Conflict, DomainError, Problem, problem
from bondzone.core.domain.inputs import collect_decimal, collect_int, collect_text

from .. import scores
from ..domain import assessment as assessment_rules
from ..models import AssessmentFreeze, AssessmentRule, FrozenScore
from .common import once

PERCENT_DIGITS = {"max_digits": 5, "decimal_places": 2}


def assessment_weights(year: int) -> tuple[dict[str, Decimal], bool]:
    """The year's weights and whether they are the assumed defaults (no rule saved)."""
    rule = AssessmentRule.objects.filter(year=year).first()
    if rule is None:
        return dict(assessment_rules.DEFAULT_WEIGHTS), True
    return {c: getattr(rule, c) for c in assessment_rules.COMPONENTS}, False


def _year(year: Any, problems: list[Problem]) -> int | None:
    return collect_int(year, "year", problems, lo=2000, hi=2100, required=True)


def set_assessment_rules(*, actor: Actor, year: Any, weights: dict,
                         idempotency_key: str | None = None) -> AssessmentRule:
    """The ledger office sets the year's weights (they must sum to 100); audited with before/after."""
    actor.require("governance.manage")
    problems: list[Problem] = []
    y = _year(year, problems)
    parsed = {c: collect_decimal((weights or {}).get(c), c, problems, **PERCENT_DIGITS)
              for c in assessment_rules.COMPONENTS}
    if not problems:
        problems += assessment_rules.check_weights(parsed)
    if problems:
        raise DomainError(problems)

    def do() -> dict:
        before, assumed = assessment_weights(y)
        if not assumed and before == parsed:  # the same weights again: nothing changes, nothing recorded
            return {"rule_id": AssessmentRule.objects.get(year=y).pk}
        rule, _ = AssessmentRule.objects.update_or_create(year=y, defaults={**parsed, "updated_by_id": actor.user_id})
        audit.record(actor, "assessment.rules", rule,
                     before={**{k: str(v) for k, v in before.items()}, "assumed": assumed},
                     after={k: str(v) for k, v in parsed.items()})
        return {"rule_id": rule.pk}

    result = once(actor, idempotency_key, "governance.assessment_rules",
                  {"year": y, **{k: str(v) for k, v in parsed.items()}}, do)
    return AssessmentRule.objects.get(pk=result["rule_id"])


def freeze_assessment(*, actor: Actor, year: Any, reason: str = "",
                      idempotency_key: str | None = None) -> AssessmentFreeze:
    """Freeze the year's scores as they stand: version 1, or the next version when a reason is given for a
    year already frozen (else refused, 409)."""
    actor.require("governance.manage")
    problems: list[Problem] = []
    y = _year(year, problems)
    clean_reason = collect_text(reason, "reason", problems, max_length=500)
    if problems:
        raise DomainError(problems)

    def do() -> dict:
        last = AssessmentFreeze.objects.filter(year=y).aggregate(v=Max("version"))["v"] or 0
        if last and not clean_reason:
            raise Conflict(problem("reason", "assessment_frozen", year=y, version=last))
        computed = scores.compute(y, reader=actor)
        try:
            # two offices freezing at once: the unique (year, version) makes the second wait for the first
            # and fail here; it is told the year is frozen, as it would be a moment later
            with transaction.atomic():
                freeze = AssessmentFreeze.objects.create(
                    year=y, version=last + 1, as_of=computed.as_of,
                    weights={k: str(v) for k, v in computed.weights.items()}, weights_assumed=computed.assumed,
                    reason=clean_reason, frozen_by_id=actor.user_id, frozen_at=timezone.now())
        except IntegrityError:
            raise Conflict(problem("reason", "assessment_frozen", year=y, version=last + 1)) from None
        FrozenScore.objects.bulk_create([FrozenScore(
            freeze=freeze, unit_id=s.unit_id, rank=s.rank, score=s.score, timeliness=s.timeliness,
            quality=s.quality, results=s.results, service=s.service, promotion=s.promotion, tasks=s.tasks,
            on_time=s.on_time, late=s.late, reviewed=s.reviewed, replied=s.replied, rated=s.rated,
            landed=s.landed, investment=s.investment) for s in computed.scores])
        audit.record(actor, "assessment.freeze", freeze, after={
            "year": y, "version": freeze.version, "reason": clean_reason, "as_of": computed.as_of.isoformat(),
            "weights": freeze.weights, "weights_assumed": computed.assumed,
            "scores": {str(s.unit_id): None if s.score is None else str(s.score) for s in computed.scores}})
        return {"freeze_id": freeze.pk, "version": freeze.version}

    result = once(actor, idempotency_key, "governance.assessment_freeze", {"year": y, "reason": clean_reason}, do)
    return AssessmentFreeze.objects.get(pk=result["freeze_id"])
