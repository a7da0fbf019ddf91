"""Joint meetings, difficult issues, escalation and decisions."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from bondzone.core import audit
from bondzone.core.actor import Actor
from bondzone.core.domain.errors import DomainError, Problem, problem
from bondzone.core.domain.inputs import PLANNED, RECORDED, as_id, collect_date, collect_int, collect_text, shown
from bondzone.core.models import Zone
from bondzone.core.scoping import get_scoped

from ..domain.schedule import Cadence
from ..models import LEVEL_ORDER, Decision, Escalation, Issue, IssueStatus, JointMeeting, Level, Task, TaskSource
from .common import _due_in_workdays, MAX_WORKDAYS, _choice, _one_unit, _one_zone, _units
from .reports import _member_unit, default_unit


def create_meeting(*, actor: Actor, number: str, held_on: Any, title: str, level: str = Level.CITY,
                   convenor: str = "", minutes: str = "", attendee_ids: list | None = None) -> JointMeeting:
    actor.require("governance.manage")
    problems: list[Problem] = []
    number = collect_text(number, "number", problems, max_length=40, required=True)
    title = collect_text(title, "title", problems, max_length=200, required=True)
    held = collect_date(held_on, "held_on", problems, window=RECORDED, required=True)
    convenor = collect_text(convenor, "convenor", problems, max_length=100)
    minutes = collect_text(minutes, "minutes", problems)
    _choice(level, "level", LEVEL_ORDER, problems)
    attendees = _units(attendee_ids, "attendee_ids", problems)
    if number and JointMeeting.objects.filter(number=number).exists():
        problems.append(problem("number", "duplicate_value", value=number))
    if problems:
        raise DomainError(problems)
    with transaction.atomic(durable=True):
        m = JointMeeting.objects.create(number=number, held_on=held, title=title, level=level,
                                        convenor=convenor, minutes=minutes)
        m.attendees.set(attendees)
        audit.record(actor, "meeting.create", m, after={"number": number, "held_on": str(held), "level": level})
    return m


def raise_issue(*, actor: Actor, title: str, description: str = "", zone_id: Any = None,
                unit_id: Any = None) -> Issue:
    actor.require("governance.raise_issue")
    problems: list[Problem] = []
    title = collect_text(title, "title", problems, max_length=200, required=True)
    description = collect_text(description, "description", problems)
    zone = _one_zone(zone_id, "zone_id", problems)
    if zone is None and actor.zone_id is not None:
        zone = Zone.objects.get(pk=actor.zone_id)
    if zone is not None and actor.zone_id is not None and zone.pk != actor.zone_id:
        problems.append(problem("zone_id", "not_found", model="zone", id=shown(zone_id)))
    if unit_id not in (None, ""):
        unit = (_one_unit(unit_id, "unit_id", problems) if actor.can("governance.manage")
                else _member_unit(actor, unit_id, problems))
    else:
        unit = default_unit(actor)
    if problems:
        raise DomainError(problems)
    with transaction.atomic(durable=True):
        issue = Issue.objects.create(title=title, description=description, zone=zone, raised_by=unit)
        audit.record(actor, "issue.raise", issue, after={"title": title, "zone": zone.pk if zone else None,
                                                          "unit": unit.pk if unit else None})
    return issue


def escalate_issue(*, actor: Actor, issue_id: int, to_level: str, reason: str, meeting_id: Any = None) -> Issue:
    """Move an issue up one or more levels (never down); a joint meeting may take it on its agenda."""
    actor.require("governance.escalate")
    issue = get_scoped(Issue, actor, issue_id, action="change")
    problems: list[Problem] = []
    _choice(to_level, "to_level", LEVEL_ORDER, problems)
    reason = collect_text(reason, "reason", problems, max_length=2000, required=True)
    if issue.status == IssueStatus.CLOSED:
        problems.append(problem("issue_id", "issue_closed"))
    if to_level in LEVEL_ORDER and LEVEL_ORDER.index(to_level) <= LEVEL_ORDER.index(issue.level):
        problems.append(problem("to_level", "level_not_higher", level=issue.level, value=to_level))
    if to_level in (Level.CITY, Level.NATIONAL) and not actor.can("governance.manage"):
        # zone staff hand issues to the district; the ledger office takes them further
        problems.append(problem("to_level", "forbidden_action", action="governance.manage", role=str(actor.role)))
    meeting = None
    if meeting_id not in (None, ""):
        meeting = JointMeeting.objects.filter(pk=as_id(meeting_id)).first() if as_id(meeting_id) else None
        if meeting is None:
            problems.append(problem("meeting_id", "not_found", model="joint meeting", id=shown(meeting_id)))
    if problems:
        raise DomainError(problems)
    with transaction.atomic(durable=True):
        issue = Issue.objects.select_for_update().get(pk=issue.pk)
        before = {"level": issue.level, "meeting": issue.meeting_id}
        Escalation.objects.create(issue=issue, from_level=issue.level, to_level=to_level, reason=reason,
                                  by_id=actor.user_id)
        issue.level = to_level
        if meeting is not None:
            issue.meeting = meeting
        issue.save(update_fields=["level", "meeting"])
        audit.record(actor, "issue.escalate", issue, before=before,
                     after={"level": to_level, "meeting": issue.meeting_id, "reason": reason})
    return issue


def add_decision(*, actor: Actor, issue_id: int, text: str, lead_unit_id: Any, meeting_id: Any = None,
                 co_unit_ids: list | None = None, due_date: Any = None, due_in_workdays: Any = None,
                 today: date | None = None) -> Decision:
    """议定事项: creates a tracked task for the lead unit, due on a date or after N working days."""
    actor.require("governance.manage")
    today = today or timezone.localdate()
    issue = get_scoped(Issue, actor, issue_id, action="change")
    problems: list[Problem] = []
    text = collect_text(text, "text", problems, max_length=2000, required=True)
    lead = _one_unit(lead_unit_id, "lead_unit_id", problems)
    if lead is None and not problems:
        problems.append(problem("lead_unit_id", "required"))
    co = _units(co_unit_ids, "co_unit_ids", problems)
    due = collect_date(due_date, "due_date", problems, window=PLANNED)
    if (due is None) == (due_in_workdays in (None, "")) and not problems:
        problems.append(problem("due_date", "decision_due_or_days"))
    workdays = collect_int(due_in_workdays, "due_in_workdays", problems, lo=1, hi=MAX_WORKDAYS)
    if workdays is not None:
        due = _due_in_workdays(today, workdays, problems)
    if due is not None and due < today:
        problems.append(problem("due_date", "end_before_start", start=today, end=due))
    if issue.status == IssueStatus.CLOSED:
        problems.append(problem("issue_id", "issue_closed"))
    meeting = issue.meeting
    if meeting_id not in (None, ""):
        meeting = JointMeeting.objects.filter(pk=as_id(meeting_id)).first() if as_id(meeting_id) else None
        if meeting is None:
            problems.append(problem("meeting_id", "not_found", model="joint meeting", id=shown(meeting_id)))
    if problems:
        raise DomainError(problems)
    with transaction.atomic(durable=True):
        n = Decision.objects.filter(issue=issue).count() + 1
        prefix = meeting.number if meeting else f"ISSUE{issue.pk}"
        task = Task.objects.create(code=f"{prefix}-{issue.pk}.{n}"[:40], title=text[:200], text=text,
                                   source=TaskSource.DECISION, lead_unit=lead, start_date=today, due_date=due,
                                   lead_confirmed_at=timezone.now(), lead_confirmed_by_id=actor.user_id,
                                   year=today.year, cadence=Cadence.MONTHLY, position=issue.pk * 100 + n)
        task.co_units.set(co)
        if issue.zone_id:
            task.zones.set([issue.zone_id])
        decision = Decision.objects.create(issue=issue, meeting=meeting, text=text, task=task)
        audit.record(actor, "issue.decide", decision, after={"issue": issue.pk, "task": task.pk, "due": str(due)})
    return decision


def close_issue(*, actor: Actor, issue_id: int) -> Issue:
    """An issue closes only when it has decisions and every decision's task is closed."""
    actor.require("governance.manage")
    issue = get_scoped(Issue, actor, issue_id, action="change")
    problems: list[Problem] = []
    if issue.status == IssueStatus.CLOSED:
        problems.append(problem("issue_id", "issue_closed"))
    decisions = list(issue.decisions.select_related("task"))
    if not decisions:
        problems.append(problem("issue_id", "issue_no_decisions"))
    still_open = [d.task.code for d in decisions if not d.task.closed]
    if still_open:
        problems.append(problem("issue_id", "issue_tasks_open", tasks=", ".join(still_open)))
    if problems:
        raise DomainError(problems)
    with transaction.atomic(durable=True):
        issue.status, issue.closed_at = IssueStatus.CLOSED, timezone.now()
        issue.save(update_fields=["status", "closed_at"])
        audit.record(actor, "issue.close", issue, after={"status": issue.status})
    return issue

