"""Rectification (整改) opened from a published run's exit watch."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from bondzone.core import audit
from bondzone.core.actor import Actor
from bondzone.core.domain.errors import Conflict, DomainError, problem
from bondzone.core.scoping import get_scoped
from bondzone.governance import selectors as governance_selectors
from bondzone.governance import services as governance_services

from .. import selectors
from ..models import EvalZone, EvaluationRun, Rectification

# Assumed default, no rule fixes it: a rectification task is due 60 working days (about three months) after
# it is opened, counted on the core working-day calendar.
RECTIFICATION_WORKDAYS = 60


def open_rectification(*, actor: Actor, run_id: Any, zone_id: Any, today: date | None = None) -> Rectification:
    """Open 整改 for a zone on a published run's exit watch: one task in the ledger (lead unit: the zone's
    administration) and one joint-meeting issue naming it, both written by governance's own services and
    transactions. A second call for the same run and zone returns what the first opened."""
    actor.require("evaluation.rectify")
    run = get_scoped(EvaluationRun, actor, run_id)
    zone = get_scoped(EvalZone, actor, zone_id)
    done = Rectification.objects.filter(run=run, zone=zone).first()
    if done is not None and done.task_id and done.issue_id:
        return done
    if not run.public:
        raise DomainError(problem("run_id", "run_not_published", run=str(run)))
    if zone.pk not in {z.pk for z in selectors.exit_watch_zones(actor, run)}:
        raise DomainError(problem("zone_id", "zone_not_on_exit_watch", zone=zone.name_zh))
    unit = governance_selectors.zone_administration(actor, zone.zone_id) if zone.zone_id else None
    if unit is None:
        raise DomainError(problem("zone_id", "zone_without_administration", zone=zone.name_zh))
    if done is None:
        done, created = _claim_rectification(actor, run, zone)
    else:
        created = False
    if done.task_id is None and not created:
        raise Conflict(problem("zone_id", "rectification_in_progress", zone=zone.name_zh))
    title = f"{zone.name_zh} {run.year}年度综合评价退出预警整改"[:200]
    if done.task_id is None:
        try:
            task = governance_services.create_task(actor=actor, data={
                "title": title, "lead_unit_id": unit.pk, "zone_ids": [zone.zone_id],
                "start_date": today or timezone.localdate(), "due_in_workdays": RECTIFICATION_WORKDAYS,
                "text": f"{run}：{zone.name_zh}连续两个数据年度位列全国及所在区域后5名，进入退出预警。"})
        except Exception:
            Rectification.objects.filter(pk=done.pk, task__isnull=True).delete()
            raise
        with transaction.atomic():
            Rectification.objects.filter(pk=done.pk).update(task=task)
        done.task = task
    # a failure here leaves the task linked; the next call raises the issue only
    issue = governance_services.raise_issue(
        actor=actor, title=title, zone_id=zone.zone_id,
        description=f"整改任务 #{done.task_id}（牵头单位：{unit.name}）。{run}")
    with transaction.atomic():
        Rectification.objects.filter(pk=done.pk).update(issue=issue)
        done.issue = issue
        audit.record(actor, "evaluation.rectification_opened", run,
                     after={"zone": zone.code, "task": done.task_id, "issue": issue.pk})
    return done


def _claim_rectification(actor: Actor, run: EvaluationRun, zone: EvalZone) -> tuple[Rectification, bool]:
    """The (run, zone) row, unique, written before governance's writes so two concurrent calls cannot both
    open a task: the loser finds it without a task and is refused."""
    with transaction.atomic():
        return Rectification.objects.get_or_create(run=run, zone=zone, defaults={"opened_by_id": actor.user_id})
