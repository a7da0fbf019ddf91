"""Who sees which governance rows.

- the ledger office (commerce) sees everything (platform admins pass through core.scoping);
- other staff see the tasks their unit leads or co-handles (UnitMember), plus published ones, and the
  reports, extensions and reminders of their units;
- enterprise users see published tasks, published annual lists and their items only;
- units, policies and meetings are visible to all staff; issues to the ledger office, to the unit that
  raised them and to staff of the issue's zone;
- unit assessment (考核) scores, live or frozen: every unit's to the ledger office and leaders
  (`governance.view_all_scores`: commerce, platform admins), a unit's own score to its members (UnitMember),
  nothing to anyone else (enterprises cannot open the page at all). The assessment rules and whether a year
  is frozen are public to staff.
"""

from django.db.models import Q

from bondzone.core.domain.roles import Role
from bondzone.core.scoping import scope_rule

from .models import (
    Acknowledgement, AssessmentFreeze, AssessmentRule, FrozenScore, Notice, NoticeItem, AnnualList, Decision, Escalation, Evidence, ExtensionRequest, Issue, JointMeeting, ListItem, Policy,
    ProgressReport, Reminder, Task, Unit, UnitMember,
)


def my_units(actor):
    return UnitMember.objects.filter(user_id=actor.user_id).values("unit_id")


def is_manager(actor) -> bool:
    return actor.can("governance.manage")


def task_q(actor, prefix: str = "") -> Q:
    """Visibility of a task (under `prefix`) for a non-manager."""
    published = Q(**{f"{prefix}published": True})
    if actor.role == Role.ENTERPRISE:
        return published
    units = my_units(actor)
    return published | Q(**{f"{prefix}lead_unit__in": units}) | Q(**{f"{prefix}co_units__in": units})


@scope_rule(Unit)
def units(qs, actor, action):
    return qs


@scope_rule(UnitMember)
def members(qs, actor, action):
    return qs if is_manager(actor) else qs.filter(user_id=actor.user_id)


@scope_rule(Policy)
def policies(qs, actor, action):
    return qs if actor.role != Role.ENTERPRISE else qs.filter(published=True)


@scope_rule(Task)
def tasks(qs, actor, action):
    if is_manager(actor):
        return qs
    if actor.role == Role.ENTERPRISE:
        return qs.filter(published=True)
    # a subquery keeps the rows distinct (a join on co_units would repeat them)
    return qs.filter(pk__in=Task.objects.filter(task_q(actor)).values("pk"))


def _by_unit(prefix: str):
    def rule(qs, actor, action):
        if is_manager(actor):
            return qs
        if actor.role == Role.ENTERPRISE:
            return qs.none()
        return qs.filter(**{f"{prefix}unit__in": my_units(actor)})

    return rule


scope_rule(ProgressReport)(_by_unit(""))
scope_rule(Evidence)(_by_unit("report__"))
scope_rule(ExtensionRequest)(_by_unit(""))
scope_rule(Reminder)(_by_unit(""))


@scope_rule(AnnualList)
def annual_lists(qs, actor, action):
    return qs if actor.role != Role.ENTERPRISE else qs.filter(published=True)


@scope_rule(ListItem)
def list_items(qs, actor, action):
    return qs if actor.role != Role.ENTERPRISE else qs.filter(annual_list__published=True)


@scope_rule(JointMeeting)
def meetings(qs, actor, action):
    return qs.none() if actor.role == Role.ENTERPRISE else qs


def issue_q(actor, prefix: str = "") -> Q:
    q = Q(**{f"{prefix}raised_by__in": my_units(actor)})
    if actor.zone_id is not None:
        q |= Q(**{f"{prefix}zone_id": actor.zone_id})
    return q


@scope_rule(Issue)
def issues(qs, actor, action):
    if is_manager(actor):
        return qs
    if actor.role == Role.ENTERPRISE:
        return qs.none()
    return qs.filter(issue_q(actor))


@scope_rule(Escalation)
def escalations(qs, actor, action):
    if is_manager(actor):
        return qs
    if actor.role == Role.ENTERPRISE:
        return qs.none()
    return qs.filter(issue_q(actor, "issue__"))


@scope_rule(Decision)
def decisions(qs, actor, action):
    if is_manager(actor):
        return qs
    if actor.role == Role.ENTERPRISE:
        return qs.none()
    return qs.filter(issue_q(actor, "issue__"))


@scope_rule(Acknowledgement)
def acknowledgements(qs, actor, action):
    """Signatures are seen with their task."""
    if is_manager(actor):
        return qs
    if actor.role == Role.ENTERPRISE:
        return qs.none()
    return qs.filter(task__in=Task.objects.filter(task_q(actor)).values("pk"))


def _staff_only(qs, actor, action):
    return qs.none() if actor.role == Role.ENTERPRISE else qs


# 情况通报 are circulated to every unit; the assessment rules are public to staff
scope_rule(Notice)(_staff_only)
scope_rule(NoticeItem)(_staff_only)
scope_rule(AssessmentRule)(_staff_only)


def score_unit_ids(actor):
    """The units whose assessment score the actor may read: None = every unit, else a subquery of unit ids.
    The one rule for scores; the live assessment (computed, not stored) filters its rows with it too."""
    if actor.can("governance.view_all_scores"):
        return None
    if actor.role == Role.ENTERPRISE:
        return UnitMember.objects.none().values("unit_id")
    return my_units(actor)


scope_rule(AssessmentFreeze)(_staff_only)


@scope_rule(FrozenScore)
def frozen_scores(qs, actor, action):
    units = score_unit_ids(actor)
    return qs if units is None else qs.filter(unit_id__in=units)
