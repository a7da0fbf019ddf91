"""Pages of the policy task ledger. Thin: parse the request, call one selector or service, render."""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bondzone.core import labels, tabular
from bondzone.core.domain.errors import DomainError, problem
from bondzone.core.domain.inputs import as_id
from bondzone.core.selectors import work_calendar
from bondzone.core.web import actor, errors_of, flash_refusal, new_idempotency_key, page

from . import exports, selectors, services
from .domain.lights import Light
from .domain.schedule import period_of
from .models import LEVEL_ORDER, Level, TaskStatus


def _filters(request) -> dict:
    return {"unit_id": as_id(request.GET.get("unit")), "zone_id": as_id(request.GET.get("zone")),
            "year": as_id(request.GET.get("year")), "light_filter": request.GET.get("light", ""),
            "q": request.GET.get("q", "").strip(), "status": request.GET.get("status", "")}


def _ledger_context(request, a) -> dict:
    from bondzone.core.selectors import zones

    rows = selectors.ledger(a, **_filters(request))
    return {"rows": rows, "counts": selectors.light_counts(rows),
            "gaps": selectors.calendar_gaps_of([r.task for r in rows]), "units": selectors.units(a).only("id", "name"),
            "zones": zones(a), "lights": [lt.value for lt in Light], "statuses": TaskStatus.choices,
            "f": request.GET, "today": timezone.localdate()}


@page
def index(request):
    a = actor(request)
    if not a.can("governance.view_ledger"):
        return redirect("governance:public")
    return render(request, "governance/ledger.html", _ledger_context(request, a))


@page
def print_ledger(request):
    a = actor(request)
    a.require("governance.view_ledger")
    return render(request, "governance/print.html", _ledger_context(request, a))


@page
def export_ledger(request):
    fmt = request.GET.get("format", "csv")
    body = exports.export_ledger(actor(request), fmt=fmt)
    return tabular.download(body, fmt, "ledger")


@page
def import_ledger(request):
    a = actor(request)
    a.require("governance.manage")
    if request.method == "POST":
        f = request.FILES.get("file")
        try:
            if f is None:
                raise DomainError(problem("file", "required"))
            result = exports.import_ledger(actor=a, stream=f.file, fmt=exports.guess_format(f.name or ""))
        except DomainError as exc:
            if exc.status in (403, 404):
                raise
            return render(request, "governance/import.html", {"errors": errors_of(exc)}, status=400)
        messages.success(request, _("Imported %(rows)s rows; %(changed)s tasks changed.") % result)
        return redirect("governance:index")
    return render(request, "governance/import.html", {})


@page
def task_detail(request, task_id: int):
    a = actor(request)
    t = selectors.task(a, task_id)
    today = timezone.localdate()
    return render(request, "governance/task.html", {
        "task": t, "light": selectors.task_light(t, today), "children": selectors.children(a, t.pk),
        "parent_visible": t.parent_id is not None and selectors.can_see_task(a, t.parent_id),
        "gaps": selectors.calendar_gaps_of([t], today),
        "co_units": list(t.co_units.all()), "zones": list(t.zones.all()),
        "reports": selectors.reports(a, task_id=t.pk).prefetch_related("evidence")[:50],
        "extensions": selectors.extensions(a, task_id=t.pk)[:20], "my_units": selectors.my_units(a),
        "reminders": selectors.reminders(a).filter(task_id=t.pk)[:20], "idempotency_key": new_idempotency_key(),
        **_report_period(a, t, today), "today": today, "can_review": a.can("governance.review"),
        "start_value": t.start_date.isoformat() if t.start_date else "",
        "due_value": t.due_date.isoformat() if t.due_date else "",
        "can_manage": a.can("governance.manage"), "statuses": TaskStatus.choices,
        "all_units": selectors.units(a).only("id", "name") if a.can("governance.manage") else [],
    })


def _report_period(a, t, today) -> dict:
    """The period the report form suggests: the current one, unless the reader's unit has reported it
    already (then the field is left empty and the reported periods are listed)."""
    current = period_of(today, t.cadence)
    reported = selectors.reported_periods(a, task_id=t.pk)
    return {"current_period": current, "period": "" if current in reported else current,
            "reported_periods": sorted(reported, reverse=True)[:6]}


REPORT_FIELDS = ("unit_id", "period", "progress", "text", "problems", "help_needed", "files")
EXTENSION_FIELDS = ("unit_id", "new_due", "reason")


@require_POST
@page
def report_create(request, task_id: int):
    a = actor(request)
    try:
        services.submit_report(actor=a, task_id=task_id, unit_id=request.POST.get("unit_id"),
                               period=request.POST.get("period", ""), text=request.POST.get("text", ""),
                               progress=request.POST.get("progress", ""), problems_text=request.POST.get("problems", ""),
                               help_needed=request.POST.get("help_needed", ""), files=request.FILES.getlist("files"),
                               idempotency_key=request.POST.get("idempotency_key") or None)
        messages.success(request, _("Progress report submitted for review."))
    except DomainError as exc:
        flash_refusal(request, exc, form="report", fields=REPORT_FIELDS)
    return redirect("governance:task", task_id=task_id)


EDITABLE = ("status", "progress", "start_date", "due_date", "public_summary", "title")


@require_POST
@page
def task_edit(request, task_id: int):
    """The ledger office edits a task's schedule, status, progress and publication."""
    a = actor(request)
    selectors.task(a, task_id)
    data = {k: request.POST[k] for k in EDITABLE if k in request.POST}
    if "progress" in data and data["progress"] == "":
        data.pop("progress")
    if "published_present" in request.POST:
        data["published"] = request.POST.get("published") == "1"
    try:
        services.update_task(actor=a, task_id=task_id, data=data)
        messages.success(request, _("Saved."))
    except DomainError as exc:
        flash_refusal(request, exc, form="edit", fields=EDITABLE)
    return redirect("governance:task", task_id=task_id)


@require_POST
@page
def task_weights(request, task_id: int):
    a = actor(request)
    selectors.task(a, task_id)
    weights = {k.removeprefix("weight_"): v for k, v in request.POST.items() if k.startswith("weight_")}
    try:
        services.set_weights(actor=a, task_id=task_id, mode=request.POST.get("mode", ""), weights=weights)
        messages.success(request, _("Saved."))
    except DomainError as exc:
        flash_refusal(request, exc)
    return redirect("governance:task", task_id=task_id)


@require_POST
@page
def task_add_child(request, task_id: int):
    a = actor(request)
    parent = selectors.task(a, task_id)
    data = {"parent_id": parent.pk, "title": request.POST.get("title", ""),
            "lead_unit_id": request.POST.get("lead_unit_id") or None, "start_date": request.POST.get("start_date"),
            "due_date": request.POST.get("due_date"), "weight": request.POST.get("weight") or None,
            "zone_ids": [z.pk for z in parent.zones.all()], "published": parent.published}
    try:
        child = services.create_task(actor=a, data=data)
        messages.success(request, _("Sub-task %(code)s added.") % {"code": child.code or child.pk})
    except DomainError as exc:
        flash_refusal(request, exc, form="child", fields=("title", "lead_unit_id", "start_date", "due_date", "weight"))
    return redirect("governance:task", task_id=task_id)


@require_POST
@page
def report_review(request, report_id: int):
    a = actor(request)
    r = selectors.report(a, report_id)
    try:
        services.review_report(actor=a, report_id=report_id, decision=request.POST.get("decision", ""),
                               reason=request.POST.get("reason", ""))
        messages.success(request, _("Review saved."))
    except DomainError as exc:
        flash_refusal(request, exc)
    return redirect("governance:task", task_id=r.task_id)


@require_POST
@page
def extension_create(request, task_id: int):
    a = actor(request)
    try:
        services.request_extension(actor=a, task_id=task_id, unit_id=request.POST.get("unit_id"),
                                   new_due=request.POST.get("new_due", ""), reason=request.POST.get("reason", ""))
        messages.success(request, _("Extension requested."))
    except DomainError as exc:
        flash_refusal(request, exc, form="extension", fields=EXTENSION_FIELDS)
    return redirect("governance:task", task_id=task_id)


@require_POST
@page
def extension_decide(request, extension_id: int):
    a = actor(request)
    ext = selectors.extension(a, extension_id)
    try:
        services.decide_extension(actor=a, extension_id=extension_id, approve=request.POST.get("approve") == "1",
                                  note=request.POST.get("note", ""))
        messages.success(request, _("Decision saved."))
    except DomainError as exc:
        flash_refusal(request, exc)
    return redirect("governance:task", task_id=ext.task_id)


@page
def evidence_download(request, evidence_id: int):
    ev = selectors.evidence(actor(request), evidence_id)
    return FileResponse(ev.file.open("rb"), as_attachment=True, filename=ev.name)


@page
def my_unit(request):
    a = actor(request)
    mine = selectors.my_units(a)
    if mine:
        return redirect("governance:unit", unit_id=mine[0].pk)
    messages.error(request, _("You are not a member of any unit."))
    return redirect("governance:index")


@page
def unit_dashboard(request, unit_id: int):
    a = actor(request)
    a.require("governance.view_ledger")
    data = selectors.unit_dashboard(a, unit_id)
    return render(request, "governance/unit.html", {**data, "my_units": selectors.my_units(a),
                                                    "gaps": selectors.calendar_gaps_of([r.task for r in data["rows"]])})


@page
def leadership(request):
    a = actor(request)
    a.require("governance.view_ledger")
    data = selectors.leadership(a)
    chart = {
        "units": data["units"],
        "series": {lt.value: [data["per_unit"][u][lt.value] for u in data["units"]] for lt in Light},
        "levels": [str(Level(lv).label) for lv, _ in data["issues_by_level"]],
        "issues": [n for _, n in data["issues_by_level"]],
        "lights": {lt.value: labels.name("light", lt.value) for lt in Light},
    }
    return render(request, "governance/leadership.html", {**data, "chart": chart, "gaps": data["gaps"]})


def public(request):
    """Published tasks and lists, for anyone (no internal notes, no reports)."""
    rows = selectors.public_tasks()
    lists = list(selectors.public_lists().order_by("-year", "kind", "-version"))
    items = selectors.public_list_items([lst.pk for lst in lists])
    for lst in lists:
        lst.public_items = items.get(lst.pk, [])
    return render(request, "governance/public.html", {"rows": rows, "lists": lists})


@page
def lists(request):
    a = actor(request)
    return render(request, "governance/lists.html", {"lists": selectors.annual_lists(a)})


@page
def list_detail(request, annual_list_id: int):
    a = actor(request)
    lst = selectors.annual_list(a, annual_list_id)
    items = list(selectors.list_items(a, lst.pk))
    today, calendar = timezone.localdate(), work_calendar()
    for it in items:
        it.light = selectors.task_light(it.task, today, calendar=calendar)
    return render(request, "governance/list_detail.html", {
        "list": lst, "items": items, "gaps": selectors.calendar_gaps_of([it.task for it in items], today)})


@page
def issues(request):
    a = actor(request)
    a.require("governance.view_ledger")
    return render(request, "governance/issues.html", {
        "issues": selectors.issues(a, status=request.GET.get("status", ""), level=request.GET.get("level", "")),
        "meetings": selectors.meetings(a)[:20], "levels": Level.choices, "f": request.GET,
        "can_raise": a.can("governance.raise_issue"), "my_units": selectors.my_units(a),
    })


@require_POST
@page
def issue_create(request):
    a = actor(request)
    try:
        issue = services.raise_issue(actor=a, title=request.POST.get("title", ""),
                                     description=request.POST.get("description", ""),
                                     unit_id=request.POST.get("unit_id") or None)
    except DomainError as exc:
        flash_refusal(request, exc, form="issue", fields=("title", "description", "unit_id"))
        return redirect("governance:issues")
    messages.success(request, _("Issue raised."))
    return redirect("governance:issue", issue_id=issue.pk)


@page
def issue_detail(request, issue_id: int):
    a = actor(request)
    i = selectors.issue(a, issue_id)
    esc, dec = selectors.issue_history(a, i.pk)
    higher = [(v, lbl) for v, lbl in Level.choices if LEVEL_ORDER.index(v) > LEVEL_ORDER.index(i.level)]
    return render(request, "governance/issue.html", {
        "issue": i, "escalations": esc, "decisions": dec, "higher": higher, "meetings": selectors.meetings(a)[:20],
        "can_manage": a.can("governance.manage"), "can_escalate": a.can("governance.escalate"),
        "all_units": selectors.units(a).only("id", "name") if a.can("governance.manage") else [],
    })


@require_POST
@page
def issue_action(request, issue_id: int, action: str):
    a = actor(request)
    selectors.issue(a, issue_id)
    try:
        if action == "escalate":
            services.escalate_issue(actor=a, issue_id=issue_id, to_level=request.POST.get("to_level", ""),
                                    reason=request.POST.get("reason", ""), meeting_id=request.POST.get("meeting_id"))
        elif action == "close":
            services.close_issue(actor=a, issue_id=issue_id)
        elif action == "decide":
            services.add_decision(actor=a, issue_id=issue_id, text=request.POST.get("text", ""),
                                  lead_unit_id=request.POST.get("lead_unit_id") or None,
                                  co_unit_ids=request.POST.getlist("co_unit_ids"),
                                  due_date=request.POST.get("due_date") or None,
                                  due_in_workdays=request.POST.get("due_in_workdays") or None)
        else:
            raise Http404
        messages.success(request, _("Saved."))
    except DomainError as exc:
        flash_refusal(request, exc)
    return redirect("governance:issue", issue_id=issue_id)

