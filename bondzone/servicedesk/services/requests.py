"""The life of a request: filing, dispatch, signing, transfer, return, co-units, pauses, extensions,
escalation, reply, feedback, callback and reminders. Each step checks the action, validates, then changes
the request, writes its RequestEvent and an audit row in one transaction."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from bondzone.core import audit
from bondzone.core.actor import Actor
from bondzone.core.domain.errors import DomainError, Forbidden, Problem, problem
from bondzone.core.domain.inputs import SHOWN_MAX, as_id, collect_decimal, is_blank, shown
from bondzone.core.domain.roles import Role
from bondzone.core.models import Enterprise
from bondzone.core.scoping import get_scoped
from bondzone.governance import selectors as governance_selectors
from bondzone.governance import services as governance_services
from bondzone.sharing import services as sharing_services

from .. import clock
from ..domain import attributes as attribute_rules
from ..domain import sla
from ..domain.lifecycle import Kind, Satisfaction, Status, Step, check_step, next_status
from ..models import CHANNELS, Article, Category, Pause, Reminder, RequestEvent, ServiceRequest
from .inputs import choice as _choice
from .inputs import text as _text
from .inputs import unit as _unit


# --- the request's clocks ---------------------------------------------------------------------------

def _pauses(req: ServiceRequest) -> list[sla.Pause]:
    return [(clock.local(p.started_at), clock.local(p.ended_at) if p.ended_at else None)
            for p in Pause.objects.filter(request=req)]


def _recompute_due(req: ServiceRequest) -> None:
    """Reply-by time: the category's limit plus extensions, counted from filing, pauses not counting."""
    cat = req.category
    hours = clock.office_hours()
    budget = sla.budget_seconds(cat.resolve_within, cat.resolve_unit, hours)
    budget += sla.budget_seconds(req.extension_workdays, sla.SlaUnit.WORKDAYS, hours)
    due = sla.due_at(clock.clock(cat.resolve_unit), clock.local(req.submitted_at), budget, _pauses(req))
    if due is not None:
        req.due_at = clock.aware(due)


def _sign_due(req: ServiceRequest, dispatched_at) -> Any:
    cat = req.category
    budget = sla.budget_seconds(cat.sign_within, cat.sign_unit, clock.office_hours())
    return clock.aware(clock.clock(cat.sign_unit).add(clock.local(dispatched_at), budget))


def request_snapshot(r: ServiceRequest) -> dict:
    return {"number": r.number, "status": r.status, "lead_unit": r.lead_unit_id,
            "co_units": sorted(r.co_units.values_list("pk", flat=True)) if r.pk else [],
            "due_at": r.due_at.isoformat() if r.due_at else None,
            "sign_due_at": r.sign_due_at.isoformat() if r.sign_due_at else None,
            "paused": r.paused_since is not None, "extension_workdays": str(r.extension_workdays),
            "satisfaction": r.satisfaction, "solved": r.solved, "escalated_issue": r.escalated_issue_id,
            "article": r.article_id}


def _event(actor: Actor, req: ServiceRequest, step: str, at, *, unit=None, to_unit=None, text: str = "",
           internal: bool = False) -> RequestEvent:
    return RequestEvent.objects.create(request=req, step=step, at=at, actor_id=actor.user_id,
                                       actor_name=actor.username, unit=unit, to_unit=to_unit, text=text,
                                       internal=internal)


def _locked(actor: Actor, request_id: int) -> ServiceRequest:
    get_scoped(ServiceRequest, actor, request_id)  # 404 before anything else
    return ServiceRequest.objects.select_for_update(of=("self",)).select_related("category", "lead_unit").get(pk=request_id)


def _step(actor: Actor, request_id: int, step: Step, action: str, change, *, audit_action: str | None = None):
    """Run one step on a request: permission, scope, state check, the step's own validation and change,
    its event and audit row, all in one transaction. `change(req, now, problems)` returns the event's
    (unit, to_unit, text, internal) or raises/appends problems."""
    actor.require(action)
    with transaction.atomic(durable=True):
        req = _locked(actor, request_id)
        before = request_snapshot(req)
        problems = check_step(step, req.status, paused=req.paused_since is not None)
        if problems:
            raise DomainError(problems)
        now = timezone.now()
        unit, to_unit, text, internal = change(req, now, problems)
        if problems:
            raise DomainError(problems)
        req.status = next_status(step, req.status).value
        req.save()
        _event(actor, req, step.value, now, unit=unit, to_unit=to_unit, text=text, internal=internal)
        audit.record(actor, audit_action or f"servicedesk.request.{step.value}", req, before=before,
                     after=request_snapshot(req))
    return req


def _handling_unit(actor: Actor, req: ServiceRequest, problems: list[Problem], *, co: bool = False):
    """The lead unit (or, with co, a co-unit) the actor acts for; dispatchers of the zone and admins too."""
    if actor.is_admin or _is_dispatcher_of(actor, req):
        return req.lead_unit
    mine = {u.pk for u in governance_selectors.my_units(actor)}
    if req.lead_unit_id in mine:
        return req.lead_unit
    if co:
        shared = [u for u in req.co_units.all() if u.pk in mine]
        if shared:
            return shared[0]
    problems.append(problem("unit", "not_handling_unit", unit=str(req.lead_unit or "—")))
    return None


def _is_dispatcher_of(actor: Actor, req: ServiceRequest) -> bool:
    if not actor.can("servicedesk.dispatch"):
        return False
    return actor.role != Role.ZONE_ADMIN or actor.zone_id in (None, req.zone_id)


def _require_dispatcher(actor: Actor, req: ServiceRequest) -> None:
    if not _is_dispatcher_of(actor, req):
        raise Forbidden(problem("", "forbidden_action", action="servicedesk.dispatch", role=str(actor.role)))


# --- filing -----------------------------------------------------------------------------------------

def file_request(*, actor: Actor, data: dict) -> ServiceRequest:
    """An enterprise files a request; a category with a default unit dispatches it at once (派单目录)."""
    actor.require("servicedesk.file")
    problems: list[Problem] = []
    enterprise = None
    if actor.role == Role.ENTERPRISE:
        enterprise = Enterprise.objects.get(pk=actor.enterprise_id)
    else:
        try:
            enterprise = get_scoped(Enterprise, actor, int(str(data.get("enterprise_id") or "0")))
        except (DomainError, ValueError):
            problems.append(problem("enterprise_id", "not_found", model=Enterprise._meta.verbose_name,
                                    id=shown(data.get("enterprise_id"), SHOWN_MAX)))
    category = None
    raw_category = data.get("category_id")
    if is_blank(raw_category):  # none chosen: required, not "no category numbered ''"
        problems.append(problem("category_id", "required"))
    else:
        try:
            category = get_scoped(Category, actor, as_id(raw_category) or 0)
        except DomainError:  # the model named in the reader's language (was the code word "category")
            problems.append(problem("category_id", "not_found", model=Category._meta.verbose_name,
                                    id=shown(raw_category, SHOWN_MAX)))
    if category is not None and not category.active:
        problems.append(problem("category_id", "category_closed", category=category.name))
    title = _text(data.get("title"), "title", 200, problems, required=True)
    description = _text(data.get("description"), "description", 10000, problems, required=True)
    contact_name = _text(data.get("contact_name"), "contact_name", 100, problems)
    contact_phone = _text(data.get("contact_phone"), "contact_phone", 40, problems)
    channel = _choice(data.get("channel"), "channel", list(CHANNELS), problems, default="web")
    kind = _choice(data.get("kind"), "kind", list(Kind), problems,
                   default=category.kind if category is not None else Kind.HELP)
    values = {}
    if category is not None:
        values, found = attribute_rules.clean_values(category.attributes, data.get("attributes") or {})
        problems += found
    if problems:
        raise DomainError(problems)
    now = timezone.now()
    with transaction.atomic(durable=True):
        req = ServiceRequest.objects.create(
            number=uuid.uuid4().hex[:20], enterprise=enterprise, zone_id=enterprise.zone_id, category=category,
            kind=kind, channel=channel, title=title, description=description, attributes=values,
            contact_name=contact_name, contact_phone=contact_phone, filed_by_id=actor.user_id, submitted_at=now,
        )
        req.number = f"SR{timezone.localtime(now):%Y%m}{req.pk:07d}"
        _recompute_due(req)
        _event(actor, req, "submit", now, text=description)
        if category.default_unit_id:
            _dispatch(req, category.default_unit, now)
            _event(actor, req, Step.DISPATCH.value, now, to_unit=category.default_unit,
                   text=str(category.code), internal=True)
        req.save()
        audit.record(actor, "servicedesk.request.file", req, after=request_snapshot(req))
    return req


def _dispatch(req: ServiceRequest, unit, now) -> None:
    req.lead_unit = unit
    req.status = Status.DISPATCHED.value
    req.dispatched_at = now
    req.sign_due_at = _sign_due(req, now)
    req.signed_at = None
    req.signed_on_time = None


# --- steps ------------------------------------------------------------------------------------------

def dispatch(*, actor: Actor, request_id: int, unit_id: Any, note: str = "") -> ServiceRequest:
    def change(req, now, problems):
        _require_dispatcher(actor, req)
        unit = _unit(actor, unit_id, "unit_id", problems)
        text = _text(note, "note", 2000, problems)
        if problems:
            return None, None, "", False
        _dispatch(req, unit, now)
        return None, unit, text, False

    return _step(actor, request_id, Step.DISPATCH, "servicedesk.dispatch", change)


def transfer(*, actor: Actor, request_id: int, unit_id: Any, reason: str) -> ServiceRequest:
    """转办: to another unit, by the dispatcher or by the lead unit itself; the clocks keep running."""
    def change(req, now, problems):
        from_unit = req.lead_unit if _is_dispatcher_of(actor, req) else _handling_unit(actor, req, problems)
        unit = _unit(actor, unit_id, "unit_id", problems)
        text = _text(reason, "reason", 2000, problems, required=True)
        if unit is not None and unit.pk == req.lead_unit_id:
            problems.append(problem("unit_id", "same_unit", unit=unit.name))
        if problems:
            return None, None, "", False
        _dispatch(req, unit, now)
        return from_unit, unit, text, False

    return _step(actor, request_id, Step.TRANSFER, "servicedesk.handle", change)


def return_request(*, actor: Actor, request_id: int, reason: str) -> ServiceRequest:
    """退单: the dispatched unit says the request is not theirs, with a reason; back to the dispatcher."""
    def change(req, now, problems):
        unit = _handling_unit(actor, req, problems)
        text = _text(reason, "reason", 2000, problems, required=True)
        if problems:
            return None, None, "", False
        req.lead_unit = None
        req.sign_due_at = None
        return unit, None, text, False

    return _step(actor, request_id, Step.RETURN, "servicedesk.handle", change)


def sign(*, actor: Actor, request_id: int) -> ServiceRequest:
    def change(req, now, problems):
        unit = _handling_unit(actor, req, problems)
        if problems:
            return None, None, "", False
        req.signed_at = now
        req.signed_on_time = req.sign_due_at is None or now <= req.sign_due_at
        return unit, None, "", False

    return _step(actor, request_id, Step.SIGN, "servicedesk.handle", change)


def start(*, actor: Actor, request_id: int, note: str = "") -> ServiceRequest:
    def change(req, now, problems):
        unit = _handling_unit(actor, req, problems)
        return unit, None, _text(note, "note", 2000, problems), False

    return _step(actor, request_id, Step.START, "servicedesk.handle", change)


def add_co_unit(*, actor: Actor, request_id: int, unit_id: Any) -> ServiceRequest:
    """协办: another unit helps; the lead unit stays responsible (首接负责制)."""
    def change(req, now, problems):
        lead = _handling_unit(actor, req, problems)
        unit = _unit(actor, unit_id, "unit_id", problems)
        if unit is not None and unit.pk == req.lead_unit_id:
            problems.append(problem("unit_id", "same_unit", unit=unit.name))
        if problems:
            return None, None, "", False
        req.co_units.add(unit)
        return lead, unit, "", False

    return _step(actor, request_id, Step.ADD_CO_UNIT, "servicedesk.handle", change)


def extend(*, actor: Actor, request_id: int, workdays: Any, reason: str) -> ServiceRequest:
    """The service centre grants more working days to reply (the unit asks in a note or by phone)."""
    def change(req, now, problems):
        _require_dispatcher(actor, req)
        days = collect_decimal(workdays, "workdays", problems, required=True)
        if days is not None and not (Decimal("0.5") <= days <= Decimal(60)):
            problems.append(problem("workdays", "out_of_range", value=str(days), lo="0.5", hi="60"))
        text = _text(reason, "reason", 2000, problems, required=True)
        if problems:
            return None, None, "", False
        req.extension_workdays += days
        _recompute_due(req)
        return None, None, f"+{days}: {text}", False

    return _step(actor, request_id, Step.EXTEND, "servicedesk.dispatch", change)


def pause(*, actor: Actor, request_id: int, reason: str) -> ServiceRequest:
    def change(req, now, problems):
        unit = _handling_unit(actor, req, problems)
        text = _text(reason, "reason", 2000, problems, required=True)
        if problems:
            return None, None, "", False
        Pause.objects.create(request=req, started_at=now, reason=text)
        req.paused_since = now
        return unit, None, text, False

    return _step(actor, request_id, Step.PAUSE, "servicedesk.handle", change)


def resume(*, actor: Actor, request_id: int, note: str = "") -> ServiceRequest:
    def change(req, now, problems):
        unit = _handling_unit(actor, req, problems)
        text = _text(note, "note", 2000, problems)
        if problems:
            return None, None, "", False
        Pause.objects.filter(request=req, ended_at__isnull=True).update(ended_at=now)
        req.paused_since = None
        _recompute_due(req)
        return unit, None, text, False

    return _step(actor, request_id, Step.RESUME, "servicedesk.handle", change)


def add_note(*, actor: Actor, request_id: int, text: str) -> ServiceRequest:
    """An internal note by a lead or co-handling unit (not shown to the enterprise)."""
    def change(req, now, problems):
        unit = _handling_unit(actor, req, problems, co=True)
        body = _text(text, "text", 5000, problems, required=True)
        return unit, None, body, True

    return _step(actor, request_id, Step.NOTE, "servicedesk.handle", change)


def reply(*, actor: Actor, request_id: int, text: str) -> ServiceRequest:
    def change(req, now, problems):
        unit = _handling_unit(actor, req, problems)
        body = _text(text, "text", 10000, problems, required=True)
        if problems:
            return None, None, "", False
        req.reply = body
        req.replied_at = now
        req.replied_on_time = req.due_at is None or now <= req.due_at
        hours = clock.office_hours()
        used = sla.used_seconds(clock.clock(sla.SlaUnit.WORKDAYS), clock.local(req.submitted_at), clock.local(now),
                                _pauses(req))
        req.handling_days = sla.as_workdays(used, hours)
        return unit, None, body, False

    return _step(actor, request_id, Step.REPLY, "servicedesk.handle", change)


def _feedback(req: ServiceRequest, now, problems, satisfaction: Any, solved: Any, comment: Any):
    value = _choice(satisfaction, "satisfaction", list(Satisfaction), problems)
    if solved in (None, ""):
        problems.append(problem("solved", "required"))
    text = _text(comment, "comment", 2000, problems)
    if problems:
        return
    req.satisfaction = value
    req.solved = str(solved).strip().lower() in {"1", "true", "yes", "on"}
    req.feedback_comment = text
    req.feedback_at = now
    req.closed_at = now


def rate(*, actor: Actor, request_id: int, satisfaction: Any, solved: Any, comment: str = "") -> ServiceRequest:
    """The enterprise rates the reply (满意 / 基本满意 / 不满意, solved yes/no); the request closes."""
    def change(req, now, problems):
        if actor.role == Role.ENTERPRISE and req.enterprise_id != actor.enterprise_id:
            problems.append(problem("", "not_own_request"))
            return None, None, "", False
        _feedback(req, now, problems, satisfaction, solved, comment)
        return None, None, str(comment or ""), False

    return _step(actor, request_id, Step.FEEDBACK, "servicedesk.file", change)


def callback(*, actor: Actor, request_id: int, satisfaction: Any, solved: Any, comment: str = "") -> ServiceRequest:
    """回访: the service centre calls the enterprise and records its answer; the request closes."""
    def change(req, now, problems):
        _require_dispatcher(actor, req)
        _feedback(req, now, problems, satisfaction, solved, comment)
        req.feedback_by_callback = True
        return None, None, str(comment or ""), False

    return _step(actor, request_id, Step.CALLBACK, "servicedesk.dispatch", change)


def escalate(*, actor: Actor, request_id: int, reason: str) -> ServiceRequest:
    """Beyond the unit's powers: the service centre raises an issue on the joint-meeting issue list
    (governance's own service and transaction), then the request records it."""
    actor.require("servicedesk.dispatch")
    req = get_scoped(ServiceRequest, actor, request_id)
    _require_dispatcher(actor, req)
    problems = check_step(Step.ESCALATE, req.status, paused=req.paused_since is not None)
    text = _text(reason, "reason", 2000, problems, required=True)
    if req.escalated_issue_id:
        problems.append(problem("", "already_escalated", issue=req.escalated_issue_id))
    if problems:
        raise DomainError(problems)
    issue = governance_services.raise_issue(
        actor=actor, title=f"{req.number} {req.title}"[:200], description=f"{text}\n\n{req.description}",
        zone_id=req.zone_id, unit_id=None)

    def change(locked, now, problems):
        if locked.escalated_issue_id:
            problems.append(problem("", "already_escalated", issue=locked.escalated_issue_id))
        locked.escalated_issue_id = issue.pk
        sharing_services.request_escalated(actor, locked, issue_id=issue.pk)  # outbox event, same transaction
        return locked.lead_unit, None, text, False

    return _step(actor, request_id, Step.ESCALATE, "servicedesk.dispatch", change)


# --- reminders --------------------------------------------------------------------------------------

def run_reminders(*, actor: Actor, now=None) -> dict:
    """Reminders owed now: sign overdue, reply due within one working day, reply overdue. Idempotent."""
    actor.require("servicedesk.run_reminders")
    now = now or timezone.now()
    soon = clock.aware(clock.clock(sla.SlaUnit.WORKDAYS).add(
        clock.local(now), sla.budget_seconds(1, sla.SlaUnit.WORKDAYS, clock.office_hours())))
    open_ = ServiceRequest.objects.filter(paused_since__isnull=True)
    owed = {
        "sign_overdue": open_.filter(status=Status.DISPATCHED, sign_due_at__lt=now),
        "overdue": open_.filter(status__in=[Status.SIGNED, Status.IN_PROGRESS, Status.DISPATCHED], due_at__lt=now),
        "due_soon": open_.filter(status__in=[Status.SIGNED, Status.IN_PROGRESS, Status.DISPATCHED],
                                 due_at__gte=now, due_at__lt=soon),
    }
    created = {}
    with transaction.atomic(durable=True):
        for kind, qs in owed.items():
            already = Reminder.objects.filter(kind=kind).values("request_id")
            rows = [Reminder(request_id=pk, kind=kind, unit_id=unit) for pk, unit in
                    qs.exclude(pk__in=already).values_list("pk", "lead_unit_id")]
            Reminder.objects.bulk_create(rows, ignore_conflicts=True)
            for r in rows:
                RequestEvent.objects.create(request_id=r.request_id, step=Step.REMIND.value, at=now,
                                            actor_id=actor.user_id, actor_name=actor.username, unit_id=r.unit_id,
                                            text=kind, internal=True)
            created[kind] = len(rows)
        audit.record(actor, "servicedesk.reminders.run", object_type="servicedesk.reminder", object_id="",
                     after=created)
    return created


# --- one step by name (pages and the CLI) ------------------------------------------------------------

def link_article(*, actor: Actor, request_id: int, article_id: Any) -> ServiceRequest:
    """A handling unit points the enterprise to a published knowledge article answering the request."""
    actor.require("servicedesk.handle")
    with transaction.atomic(durable=True):
        req = _locked(actor, request_id)
        before = request_snapshot(req)
        problems: list[Problem] = []
        unit = _handling_unit(actor, req, problems, co=True)
        article = Article.objects.filter(pk=as_id(article_id)).first()
        if article is None:
            problems.append(problem("article_id", "not_found", model="knowledge article", id=str(article_id)[:40]))
        elif not article.published:
            problems.append(problem("article_id", "article_not_published"))
        if problems:
            raise DomainError(problems)
        req.article = article
        req.save(update_fields=["article"])
        _event(actor, req, "article", timezone.now(), unit=unit, text=article.title)
        audit.record(actor, "servicedesk.request.article", req, before=before, after=request_snapshot(req))
    return req


STEPS = {
    "dispatch": lambda a, pk, p: dispatch(actor=a, request_id=pk, unit_id=p.get("unit_id"), note=p.get("note", "")),
    "transfer": lambda a, pk, p: transfer(actor=a, request_id=pk, unit_id=p.get("unit_id"), reason=p.get("reason", "")),
    "return": lambda a, pk, p: return_request(actor=a, request_id=pk, reason=p.get("reason", "")),
    "sign": lambda a, pk, p: sign(actor=a, request_id=pk),
    "start": lambda a, pk, p: start(actor=a, request_id=pk, note=p.get("text", "")),
    "add_co_unit": lambda a, pk, p: add_co_unit(actor=a, request_id=pk, unit_id=p.get("unit_id")),
    "extend": lambda a, pk, p: extend(actor=a, request_id=pk, workdays=p.get("workdays"), reason=p.get("reason", "")),
    "pause": lambda a, pk, p: pause(actor=a, request_id=pk, reason=p.get("reason", "")),
    "resume": lambda a, pk, p: resume(actor=a, request_id=pk, note=p.get("text", "")),
    "note": lambda a, pk, p: add_note(actor=a, request_id=pk, text=p.get("text", "")),
    "reply": lambda a, pk, p: reply(actor=a, request_id=pk, text=p.get("text", "")),
    "article": lambda a, pk, p: link_article(actor=a, request_id=pk, article_id=p.get("article_id")),
    "escalate": lambda a, pk, p: escalate(actor=a, request_id=pk, reason=p.get("reason", "")),
    "feedback": lambda a, pk, p: rate(actor=a, request_id=pk, satisfaction=p.get("satisfaction"),
                                   solved=p.get("solved"), comment=p.get("comment", "")),
    "callback": lambda a, pk, p: callback(actor=a, request_id=pk, satisfaction=p.get("satisfaction"),
                                   solved=p.get("solved"), comment=p.get("comment", "")),
}


def perform(*, actor: Actor, request_id: int, step: str, params) -> ServiceRequest:
    """Take the step named `step` with loose parameters (a form or the CLI's options)."""
    if step not in STEPS:
        raise DomainError(problem("step", "bad_choice", value=step, choices=", ".join(STEPS)))
    return STEPS[step](actor, request_id, params)
