"""REST endpoints of the policy task ledger (/api/v1/governance/): thin wrappers over selectors and services."""

from django.http import HttpRequest
from django.utils import timezone
from ninja import File, Form, Header, Router, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from bondzone.core import tabular
from bondzone.core.types import ChoiceOf, Id, Int, Pagination, Text

from bondzone.core.http import actor, auth_for, patch_changes

from . import exports, scores, selectors, services
from .models import AnnualList, ExtensionRequest, Issue, ProgressReport, Unit
from .schemas import (
    AnnualListDetailOut, AnnualListIn, AnnualListOut, DecideIn, DecisionIn, DecisionOut, EscalateIn, ExtensionIn,
    ExtensionOut, LedgerImportOut, IssueIn, IssueOut, MeetingIn, MeetingOut, MemberIn, PublicTaskOut, ReminderRunIn,
    ReminderRunOut, ReportOut, ReviewIn, ReviseIn, TaskDetailOut, TaskIn, TaskOut, TaskPatch, UnitIn, UnitOut,
    TaskWeightsIn, AcknowledgementOut, AssessmentFreezeIn, AssessmentOut, AssessmentUnitOut, ExpandOut, LeadIn, NoticeDetailOut, NoticeOut, RulesIn,
    SignIn, UnsignedOut,
)

router = Router(tags=["governance"])
# PATCH of a task: an explicit null clears these (empty text, no date, year, weight, parent, units or zones); on
# title, status, progress, progress_mode, cadence, published and due_in_workdays it is refused (core.http.patch_changes)
TASK_NULL_CLEARS = frozenset({"text", "code", "public_summary", "start_date", "due_date", "year", "weight", "parent_id",
                              "lead_unit_id", "co_unit_ids", "zone_ids"})
IdemKey = Header(None, alias="Idempotency-Key", description="optional; a retry with the same key is safe")


# ---------------------------------------------------------------- units
@router.get("/units", response=list[UnitOut], summary="Responsible units")
@paginate(Pagination)
def list_units(request: HttpRequest, kind: ChoiceOf(Unit, "kind") = "", q: Text(100) = ""):
    return selectors.units(actor(request), kind=kind, q=q)


@router.post("/units", response={201: UnitOut},
             auth=auth_for("governance.manage"), summary="Add a unit (ledger office)")
def create_unit(request: HttpRequest, payload: UnitIn):
    return Status(201, services.create_unit(actor=actor(request), **payload.dict()))


@router.post("/units/{unit_id}/members", response={201: dict},
             auth=auth_for("governance.manage"), summary="Link a user to a unit (ledger office)")
def add_member(request: HttpRequest, unit_id: Id, payload: MemberIn):
    m = services.add_member(actor=actor(request), unit_id=unit_id, **payload.dict())
    return Status(201, {"id": m.pk, "unit_id": m.unit_id, "user_id": m.user_id, "is_leader": m.is_leader})


# ---------------------------------------------------------------- tasks
@router.get("/tasks", response=list[TaskOut], summary="Tasks of the ledger")
@paginate(Pagination)
def list_tasks(request: HttpRequest, parent_id: Id | None = None, unit_id: Id | None = None, year: Int(1900, 2200) | None = None,
               status: str = "", q: str = ""):
    return (selectors.tasks(actor(request), parent_id=parent_id, unit_id=unit_id, year=year, status=status, q=q)
            .prefetch_related("co_units", "zones").order_by("id"))


@router.post("/tasks", response={201: TaskDetailOut},
             auth=auth_for("governance.manage"), summary="Add a task (ledger office)")
def create_task(request: HttpRequest, payload: TaskIn):
    data = payload.dict()
    for optional in ("progress", "due_in_workdays"):
        if data.get(optional) is None:
            data.pop(optional)
    return Status(201, _detail(request, services.create_task(actor=actor(request), data=data)))


def _detail(request, task):
    task.light = selectors.task_light(task)
    return task


@router.get("/tasks/{task_id}", response=TaskDetailOut, summary="One task")
def get_task(request: HttpRequest, task_id: Id):
    return _detail(request, selectors.task(actor(request), task_id))


@router.patch("/tasks/{task_id}", response=TaskDetailOut,
              auth=auth_for("governance.manage"), summary="Change a task (ledger office)")
def update_task(request: HttpRequest, task_id: Id, payload: TaskPatch):
    data = patch_changes(payload, TASK_NULL_CLEARS)
    return _detail(request, services.update_task(actor=actor(request), task_id=task_id, data=data))


@router.put("/tasks/{task_id}/weights", response=TaskDetailOut,
            auth=auth_for("governance.manage"), summary="Set roll-up mode and children's weights")
def set_weights(request: HttpRequest, task_id: Id, payload: TaskWeightsIn):
    t = services.set_weights(actor=actor(request), task_id=task_id, mode=payload.mode, weights=payload.weights)
    return _detail(request, t)


@router.get("/tasks/{task_id}/reports", response=list[ReportOut], summary="Progress reports of a task")
@paginate(Pagination)
def list_reports(request: HttpRequest, task_id: Id):
    selectors.task(actor(request), task_id)
    return selectors.reports(actor(request), task_id=task_id).prefetch_related("evidence")


@router.post("/tasks/{task_id}/reports", response={201: ReportOut}, auth=auth_for("governance.report"),
             summary="Report progress for a period, with evidence files (multipart)")
def submit_report(request: HttpRequest, task_id: Id, period: str = Form(...), text: str = Form(...),
                  progress: str = Form(...), unit_id: Id | None = Form(None), problems: str = Form(""),
                  help_needed: str = Form(""), files: list[UploadedFile] = File(None),
                  idempotency_key: str | None = Header(None, alias="Idempotency-Key",
                                                       description="optional; a retry with the same key is safe")):
    r = services.submit_report(actor=actor(request), task_id=task_id, unit_id=unit_id, period=period, text=text,
                               progress=progress, problems_text=problems, help_needed=help_needed, files=files or [],
                               idempotency_key=idempotency_key)
    return Status(201, r)


@router.get("/reports", response=list[ReportOut], summary="Progress reports (e.g. the review queue: status=submitted)")
@paginate(Pagination)
def list_all_reports(request: HttpRequest, status: ChoiceOf(ProgressReport, "status") = "", unit_id: Id | None = None):
    return selectors.reports(actor(request), status=status, unit_id=unit_id).prefetch_related("evidence")


@router.get("/extensions", response=list[ExtensionOut], summary="Extension requests (status=pending for the queue)")
@paginate(Pagination)
def list_extensions(request: HttpRequest, status: ChoiceOf(ExtensionRequest, "status") = ""):
    return selectors.extensions(actor(request), status=status)


@router.post("/reports/{report_id}/review", response=ReportOut,
             auth=auth_for("governance.review"), summary="Accept or return a report (ledger office)")
def review_report(request: HttpRequest, report_id: Id, payload: ReviewIn):
    return services.review_report(actor=actor(request), report_id=report_id, decision=payload.decision,
                                  reason=payload.reason)


@router.post("/tasks/{task_id}/extensions", response={201: ExtensionOut},
             auth=auth_for("governance.report"), summary="Request an extension")
def request_extension(request: HttpRequest, task_id: Id, payload: ExtensionIn):
    return Status(201, services.request_extension(actor=actor(request), task_id=task_id, unit_id=payload.unit_id,
                                                  new_due=payload.new_due, reason=payload.reason))


@router.post("/extensions/{extension_id}/decide", response=ExtensionOut,
             auth=auth_for("governance.review"), summary="Approve or reject an extension")
def decide_extension(request: HttpRequest, extension_id: Id, payload: DecideIn):
    return services.decide_extension(actor=actor(request), extension_id=extension_id, approve=payload.approve,
                                     note=payload.note)


# ---------------------------------------------------------------- export / import
@router.get("/export", summary="Export the ledger (csv, xlsx, json)")
def export_ledger(request: HttpRequest, format: str = "csv"):
    body = exports.export_ledger(actor(request), fmt=format)
    return tabular.download(body, format, "ledger")


@router.post("/import", response=LedgerImportOut,
             auth=auth_for("governance.manage"), summary="Re-import an edited export (id-keyed)")
def import_ledger(request: HttpRequest, file: UploadedFile = File(...), format: str = Form("")):
    fmt = (format or exports.guess_format(file.name or "")).lower()
    return exports.import_ledger(actor=actor(request), stream=file, fmt=fmt, name=file.name or "")


# ---------------------------------------------------------------- annual lists
@router.get("/annual-lists", response=list[AnnualListOut], summary="Annual key-project and policy lists")
@paginate(Pagination)
def list_annual_lists(request: HttpRequest, year: Int(1900, 2200) | None = None,
                      kind: ChoiceOf(AnnualList, "kind") = ""):
    return selectors.annual_lists(actor(request), year=year, kind=kind)


@router.post("/annual-lists", response={201: AnnualListDetailOut},
             auth=auth_for("governance.manage"), summary="Create a year's list; items spawn tasks")
def create_annual_list(request: HttpRequest, payload: AnnualListIn):
    data = payload.dict()
    return Status(201, services.create_annual_list(actor=actor(request), **data))


@router.get("/annual-lists/{annual_list_id}", response=AnnualListDetailOut, summary="One list with its items")
def get_annual_list(request: HttpRequest, annual_list_id: Id):
    return selectors.annual_list(actor(request), annual_list_id)


@router.post("/annual-lists/{annual_list_id}/revise", response={201: AnnualListDetailOut},
             auth=auth_for("governance.manage"),
             summary="New version of a list (kept items keep their tasks)")
def revise_annual_list(request: HttpRequest, annual_list_id: Id, payload: ReviseIn):
    data = payload.dict()
    return Status(201, services.revise_annual_list(actor=actor(request), annual_list_id=annual_list_id, **data))


@router.post("/annual-lists/{annual_list_id}/carry-over", response={201: AnnualListDetailOut},
             auth=auth_for("governance.manage"),
             summary="Next year's list from the open items")
def carry_over(request: HttpRequest, annual_list_id: Id):
    return Status(201, services.carry_over(actor=actor(request), annual_list_id=annual_list_id))


# ---------------------------------------------------------------- joint meetings and issues
@router.get("/meetings", response=list[MeetingOut], summary="Joint meetings")
@paginate(Pagination)
def list_meetings(request: HttpRequest):
    return selectors.meetings(actor(request))


@router.post("/meetings", response={201: MeetingOut},
             auth=auth_for("governance.manage"), summary="Record a joint meeting (ledger office)")
def create_meeting(request: HttpRequest, payload: MeetingIn):
    return Status(201, services.create_meeting(actor=actor(request), **payload.dict()))


@router.get("/issues", response=list[IssueOut], summary="Difficult issues (难点问题)")
@paginate(Pagination)
def list_issues(request: HttpRequest, status: ChoiceOf(Issue, "status") = "", level: ChoiceOf(Issue, "level") = ""):
    return selectors.issues(actor(request), status=status, level=level)


@router.post("/issues", response={201: IssueOut}, auth=auth_for("governance.raise_issue"), summary="Raise an issue")
def raise_issue(request: HttpRequest, payload: IssueIn):
    return Status(201, services.raise_issue(actor=actor(request), **payload.dict()))


@router.get("/issues/{issue_id}", response=IssueOut, summary="One issue")
def get_issue(request: HttpRequest, issue_id: Id):
    return selectors.issue(actor(request), issue_id)


@router.post("/issues/{issue_id}/escalate", response=IssueOut,
             auth=auth_for("governance.escalate"), summary="Escalate an issue one or more levels")
def escalate_issue(request: HttpRequest, issue_id: Id, payload: EscalateIn):
    return services.escalate_issue(actor=actor(request), issue_id=issue_id, **payload.dict())


@router.post("/issues/{issue_id}/decisions", response={201: DecisionOut},
             auth=auth_for("governance.manage"), summary="Record a decision (creates a task)")
def add_decision(request: HttpRequest, issue_id: Id, payload: DecisionIn):
    return Status(201, services.add_decision(actor=actor(request), issue_id=issue_id, **payload.dict()))


@router.post("/issues/{issue_id}/close", response=IssueOut,
             auth=auth_for("governance.manage"), summary="Close an issue (all its tasks closed)")
def close_issue(request: HttpRequest, issue_id: Id):
    return services.close_issue(actor=actor(request), issue_id=issue_id)


# ---------------------------------------------------------------- jobs and the public view
@router.post("/reminders/run", response=ReminderRunOut,
             auth=auth_for("governance.run_reminders"), summary="Run the reminder job for a day (idempotent)")
def run_reminders(request: HttpRequest, payload: ReminderRunIn):
    return services.run_reminders(actor=actor(request), today=payload.date, rules=selectors.light_rules())


@router.get("/public/tasks", response=list[PublicTaskOut], auth=None, summary="Published tasks (no login)")
@paginate(Pagination)
def public_tasks(request: HttpRequest):
    return [r.task for r in selectors.public_tasks()]



# ---------------------------------------------------------------- lead unit, collective units, 签收
@router.post("/tasks/{task_id}/lead", response=TaskDetailOut, auth=auth_for("governance.manage"),
             summary="Confirm the proposed lead unit or name another (ledger office)")
def confirm_lead(request: HttpRequest, task_id: Id, payload: LeadIn, idempotency_key: str | None = IdemKey):
    return _detail(request, services.confirm_lead(actor=actor(request), task_id=task_id, **payload.dict(),
                                                  idempotency_key=idempotency_key))


@router.post("/tasks/{task_id}/expand", response=ExpandOut, auth=auth_for("governance.manage"),
             summary="One sub-task per member of the task's collective units (idempotent)")
def expand_collectives(request: HttpRequest, task_id: Id, idempotency_key: str | None = IdemKey):
    return services.expand_collectives(actor=actor(request), task_id=task_id, idempotency_key=idempotency_key)


@router.post("/tasks/{task_id}/sign", response={201: AcknowledgementOut},
             auth=auth_for("governance.report"), summary="签收: acknowledge a task")
def sign_task(request: HttpRequest, task_id: Id, payload: SignIn, idempotency_key: str | None = IdemKey):
    return Status(201, services.sign_task(actor=actor(request), task_id=task_id, unit_id=payload.unit_id,
                                          idempotency_key=idempotency_key))


@router.get("/tasks/{task_id}/acknowledgements", response=list[AcknowledgementOut], summary="Who signed, when")
def acknowledgements(request: HttpRequest, task_id: Id):
    a = actor(request)
    selectors.task(a, task_id)
    return selectors.acknowledgements(a, task_id)


@router.get("/unsigned", response=list[UnsignedOut], summary="Open tasks a unit has not signed for")
@paginate(Pagination)
def unsigned(request: HttpRequest, unit_id: Id | None = None):
    a = actor(request)
    a.require("governance.view_ledger")
    return [{"task_id": r.task.pk, "code": r.task.code, "title": r.task.title, "unit_id": r.unit.pk,
             "unit": r.unit.name, "due_date": r.task.due_date} for r in selectors.unsigned(a, unit_id=unit_id)]


@router.get("/deadlines/missing", response=list[TaskOut], summary="Open tasks without a deadline (ledger office)")
@paginate(Pagination)
def without_deadline(request: HttpRequest):
    a = actor(request)
    a.require("governance.manage")
    return selectors.without_deadline(a).prefetch_related("co_units", "zones")


# ---------------------------------------------------------------- 情况通报
@router.get("/notices", response=list[NoticeOut], summary="Circulated notices (情况通报)")
@paginate(Pagination)
def notices(request: HttpRequest):
    a = actor(request)
    a.require("governance.view_ledger")
    return selectors.notices(a)


def _notice(a, n, created=False):
    return {"id": n.pk, "period": n.period, "issued_on": n.issued_on, "title": n.title, "created": created,
            "items": list(selectors.notice_items(a, n.pk))}


@router.post("/notices", response={201: NoticeDetailOut, 200: NoticeDetailOut}, auth=auth_for("governance.manage"),
             summary="Issue this month's notice from the ledger (once a month; again returns it)")
def issue_notice(request: HttpRequest, idempotency_key: str | None = IdemKey):
    a = actor(request)
    n, created = services.issue_notice(actor=a, idempotency_key=idempotency_key)
    return Status(201 if created else 200, _notice(a, n, created))


@router.get("/notices/{notice_id}", response=NoticeDetailOut, summary="One notice with its items")
def get_notice(request: HttpRequest, notice_id: Id):
    a = actor(request)
    a.require("governance.view_ledger")
    return _notice(a, selectors.notice(a, notice_id))


@router.get("/notices/{notice_id}/export", summary="A notice as csv, xlsx or json")
def export_notice(request: HttpRequest, notice_id: Id, format: str = "csv"):
    return tabular.download(exports.export_notice(actor(request), notice_id, fmt=format), format,
                            f"notice-{notice_id}")


# ---------------------------------------------------------------- 考核
def _score(s, u) -> dict:
    return {"rank": s.rank, "unit_id": u.pk, "unit": u.name, "score": s.score, "timeliness": s.timeliness,
            "quality": s.quality, "results": s.results, "service": s.service, "promotion": s.promotion,
            "not_scored": s.missing, "tasks": s.tasks, "on_time": s.on_time, "late": s.late,
            "reports_reviewed": s.reviewed, "requests_replied": s.replied, "requests_rated": s.rated,
            "projects_landed": s.landed, "landed_investment": s.investment}


def _assessment(a) -> dict:
    f = a.frozen
    return {"year": a.year, "weights": a.weights, "weights_assumed": a.assumed,
            "assumed_reasons": a.assumed_reasons, "as_of": a.as_of,
            "frozen": None if f is None else {"version": f.version, "frozen_at": f.frozen_at,
                                              "frozen_by": f.frozen_by.username if f.frozen_by else None,
                                              "reason": f.reason, "as_of": f.as_of},
            "versions": [v.version for v in a.versions],
            "scores": [_score(s, u) for s, u in a.rows]}


@router.get("/assessment", response=AssessmentOut,
            summary="Unit assessment scores of a year: the latest frozen version, else live; your units' only "
                    "unless you are the ledger office")
def assessment(request: HttpRequest, year: Int(2000, 2100) | None = None, version: Int(1, 10000) | None = None,
               live: bool = False):
    return _assessment(scores.assessment(actor(request), year or timezone.localdate().year, live=live,
                                         version=version))


@router.get("/assessment/units/{unit_id}", response=AssessmentUnitOut,
            summary="One unit's assessment score of a year (its members, the ledger office, leaders)")
def unit_assessment(request: HttpRequest, unit_id: Id, year: Int(2000, 2100) | None = None):
    a, s, u = scores.unit_score(actor(request), year or timezone.localdate().year, unit_id)
    return {"year": a.year, "frozen_version": a.frozen.version if a.frozen else None, **_score(s, u)}


@router.put("/assessment/rules", response=AssessmentOut,
            auth=auth_for("governance.manage"), summary="Set a year's assessment weights (ledger office)")
def set_assessment_rules(request: HttpRequest, payload: RulesIn, idempotency_key: str | None = IdemKey):
    data = payload.dict()
    year = data.pop("year")
    services.set_assessment_rules(actor=actor(request), year=year, weights=data, idempotency_key=idempotency_key)
    return _assessment(scores.assessment(actor(request), year, live=True))


@router.post("/assessment/freeze", response={201: AssessmentOut}, auth=auth_for("governance.manage"),
             summary="Freeze a year's scores (ledger office); again only with a reason, as the next version")
def freeze_assessment(request: HttpRequest, payload: AssessmentFreezeIn, idempotency_key: str | None = IdemKey):
    f = services.freeze_assessment(actor=actor(request), year=payload.year, reason=payload.reason,
                                   idempotency_key=idempotency_key)
    return Status(201, _assessment(scores.assessment(actor(request), f.year, version=f.version)))


@router.get("/assessment/export", summary="Assessment scores as csv, xlsx or json")
def export_assessment(request: HttpRequest, year: Int(2000, 2100) | None = None, format: str = "csv"):
    year = year or timezone.localdate().year
    return tabular.download(exports.export_assessment(actor(request), year, fmt=format), format,
                            f"assessment-{year}")
