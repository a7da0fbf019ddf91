"""Pages of the policy task ledger. Thin: parse the request, call one selector or service, render."""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from bondzone.core import labels, tabular
from bondzone.core.domain.errors import DomainError, problem
from bondzone.core.domain.inputs import as_id
from bondzone.core.messages import render as render_message
from bondzone.core.selectors import work_calendar
from bondzone.core.web import actor, errors_of, export_format, flash_refusal, new_idempotency_key, page

from . import exports, scores, selectors, services
from .domain import tree
from .domain.lights import Light
from .domain.schedule import period_of
from .models import LEVEL_ORDER, Level, TaskStatus


def _form_key(request, form: str) -> str | None:
    """The Idempotency-Key of a page form: the page's one-time key (hidden input) prefixed by the form, so that
    two forms of one page never share a key; a double submission returns the first result."""
    key = (request.POST.get("idempotency_key") or "").strip()
    return f"{form}:{key}" if key else None


def _filters(request) -> dict:
    return {"unit_id": as_id(request.GET.get("unit")), "zone_id": as_id(request.GET.get("zone")),
            "year": as_id(request.GET.get("year")), "light_filter": request.GET.get("light", ""),
            "q": request.GET.get("q", "").strip(), "status": request.GET.get("status", "")}


def _ledger_context(request, a) -> dict:
    from bondzone.core.selectors import zones

    rows = selectors.ledger(a, **_filters(request))
    return {"rows": rows, "counts": selectors.light_counts(rows), "demo": selectors.demo_tasks([r.task.pk for r in rows]),
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
    fmt = export_format(request)
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
            result = exports.import_ledger(actor=a, stream=f, fmt=exports.guess_format(f.name or ""),
                                           name=f.name or "")
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
        "extensions": selectors.extensions(a, task_id=t.pk)[:20],
        "reminders": selectors.reminders(a).filter(task_id=t.pk)[:20], "idempotency_key": new_idempotency_key(),
        **_report_period(a, t, today), **_reporting(a, t), "today": today, "can_review": a.can("governance.review"),
        "start_value": t.start_date.isoformat() if t.start_date else "",
        "due_value": t.due_date.isoformat() if t.due_date else "",
        "can_manage": a.can("governance.manage"), "statuses": TaskStatus.choices,
        "all_units": selectors.units(a).only("id", "name") if a.can("governance.manage") else [],
        **_ownership(a, t),
    })


def _ownership(a, t) -> dict:
    """Lead-unit status, the collective units the task names, and who has signed (签收)."""
    acks = selectors.acknowledgements(a, t.pk)
    assigned = ([t.lead_unit] if t.lead_unit else []) + list(t.co_units.all())
    signed = {k.unit_id for k in acks}
    mine = {u.pk for u in selectors.my_units(a)}
    return {"acknowledgements": acks, "not_signed": [u for u in assigned if u.pk not in signed],
            "sign_units": [u for u in assigned if u.pk in mine and u.pk not in signed] if a.can("governance.report")
            else [],
            "collectives": [u for u in assigned if selectors.is_collective(u)]}


def _reporting(a, t) -> dict:
    """The units the reader may report progress or ask an extension for on this task (none: no form); on a
    task whose progress its sub-tasks compute, why there is no report form."""
    units = selectors.reporting_units(a, t)
    direct = tree.reported_directly(t.progress_mode, t.children.exists())
    return {"report_units": units if direct else [], "extension_units": units if t.due_date else [],
            "report_note": render_message(problem("task_id", "progress_computed", mode=t.progress_mode))
            if units and not direct else ""}


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
                                                    "unsigned": selectors.unsigned(a, unit_id=unit_id)[:20],
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
    demo = selectors.demo_tasks([r.task.pk for r in rows] + [it.task_id for lst in lists for it in lst.public_items
                                                            if it.task_id])
    return render(request, "governance/public.html", {"rows": rows, "lists": lists, "demo": demo})


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



# ---------------------------------------------------------------- lead unit, collective units, 签收
@require_POST
@page
def task_lead(request, task_id: int):
    """The ledger office confirms the proposed lead unit or names another."""
    a = actor(request)
    selectors.task(a, task_id)
    try:
        services.confirm_lead(actor=a, task_id=task_id, lead_unit_id=request.POST.get("lead_unit_id") or None,
                              note=request.POST.get("note", ""), idempotency_key=_form_key(request, "lead"))
        messages.success(request, _("Lead unit confirmed."))
    except DomainError as exc:
        flash_refusal(request, exc, form="lead", fields=("lead_unit_id", "note"))
    return redirect("governance:task", task_id=task_id)


@require_POST
@page
def task_expand(request, task_id: int):
    a = actor(request)
    selectors.task(a, task_id)
    try:
        result = services.expand_collectives(actor=a, task_id=task_id, idempotency_key=_form_key(request, "expand"))
        messages.success(request, _("%(n)s sub-tasks created, one per district or zone.") % {"n": result["created"]})
    except DomainError as exc:
        flash_refusal(request, exc)
    return redirect("governance:task", task_id=task_id)


@require_POST
@page
def task_sign(request, task_id: int):
    """签收: the reader's unit acknowledges the task."""
    a = actor(request)
    selectors.task(a, task_id)
    try:
        services.sign_task(actor=a, task_id=task_id, unit_id=request.POST.get("unit_id") or None,
                           idempotency_key=_form_key(request, f"sign-{task_id}"))
        messages.success(request, _("Task signed for."))
    except DomainError as exc:
        flash_refusal(request, exc, form="sign", fields=("unit_id",))
    if request.POST.get("next") == "unsigned":
        return redirect("governance:unsigned")
    return redirect("governance:task", task_id=task_id)


@page
def unsigned(request):
    a = actor(request)
    a.require("governance.view_ledger")
    return render(request, "governance/unsigned.html", {
        "rows": selectors.unsigned(a, unit_id=as_id(request.GET.get("unit"))), "my_units": selectors.my_units(a),
        "can_manage": a.can("governance.manage"), "units": selectors.units(a).only("id", "name"), "f": request.GET})


@page
def office(request):
    """The ledger office's worklist: tasks to set a deadline for, proposed lead units to confirm."""
    a = actor(request)
    a.require("governance.manage")
    return render(request, "governance/office.html", {
        "no_deadline": selectors.without_deadline(a)[:200], "no_deadline_count": selectors.without_deadline(a).count(),
        "proposed": selectors.proposed_leads(a)[:200], "proposed_count": selectors.proposed_leads(a).count(),
        "today": timezone.localdate()})


@require_POST
@page
def task_deadline(request, task_id: int):
    """Set a deadline from the office's list (date or working days), errors shown under the row."""
    a = actor(request)
    selectors.task(a, task_id)
    a.require("governance.manage")
    data = {"due_date": request.POST.get("due_date") or None}
    if request.POST.get("due_in_workdays"):
        data = {"due_in_workdays": request.POST.get("due_in_workdays")}
    try:
        if not any(data.values()):
            raise DomainError(problem("due_date", "required"))
        services.update_task(actor=a, task_id=task_id, data=data)
        messages.success(request, _("Deadline set."))
    except DomainError as exc:
        flash_refusal(request, exc, form=f"deadline-{task_id}", fields=("due_date", "due_in_workdays"))
    return redirect("governance:office")


# ---------------------------------------------------------------- 情况通报
@page
def notices(request):
    a = actor(request)
    a.require("governance.view_ledger")
    return render(request, "governance/notices.html", {"notices": selectors.notices(a)[:60],
                                                        "can_manage": a.can("governance.manage"),
                                                        "idempotency_key": new_idempotency_key()})


@require_POST
@page
def notice_issue(request):
    a = actor(request)
    n, created = services.issue_notice(actor=a, idempotency_key=_form_key(request, "notice"))
    if created:
        messages.success(request, _("Notice for %(period)s issued.") % {"period": n.period})
    else:
        messages.info(request, _("The notice for %(period)s was already issued; here it is.") % {"period": n.period})
    return redirect("governance:notice", notice_id=n.pk)


@page
def notice_detail(request, notice_id: int):
    a = actor(request)
    a.require("governance.view_ledger")
    n = selectors.notice(a, notice_id)
    items = list(selectors.notice_items(a, n.pk))
    return render(request, "governance/notice.html", {
        "notice": n, "overdue": [i for i in items if i.kind == "overdue"],
        "returned": [i for i in items if i.kind == "returned"]})


@page
def notice_export(request, notice_id: int):
    fmt = export_format(request)
    return tabular.download(exports.export_notice(actor(request), notice_id, fmt=fmt), fmt, f"notice-{notice_id}")


# ---------------------------------------------------------------- 考核
ASSESSMENT_FIELDS = ("timeliness", "quality", "results", "service", "promotion")


def _component_labels() -> dict[str, str]:
    return {"timeliness": _("Timeliness"), "quality": _("Report quality"), "results": pgettext("work results", "Results"),
            "service": _("Service results (服务成效)"), "promotion": _("Promotion results (招商成果)")}


def _year(request) -> int:
    y = as_id(request.GET.get("year") or request.POST.get("year"))
    return y if y and 2000 <= y <= 2100 else timezone.localdate().year


@page
def assessment(request):
    a = actor(request)
    year = _year(request)
    live = request.GET.get("live") == "1"
    data = scores.assessment(a, year, live=live, version=as_id(request.GET.get("version")))
    years = list(range(timezone.localdate().year + 1, 2020, -1))
    rule_weights, _assumed = services.assessment_weights(year)
    return render(request, "governance/assessment.html", {
        "a": data, "years": years, "can_manage": a.can("governance.manage"), "live": live and data.frozen is None,
        "sees_all": a.can("governance.view_all_scores"), "idempotency_key": new_idempotency_key(),
        # the form edits the year's rule, which a frozen version may no longer match
        "components": [{"code": c, "label": label, "weight": data.weights[c],
                        "reason": data.assumed_reasons.get(c, ""), "typed": str(rule_weights[c])}
                       for c, label in _component_labels().items()]})


@require_POST
@page
def assessment_rules(request):
    a = actor(request)
    year = _year(request)
    try:
        services.set_assessment_rules(actor=a, year=year,
                                      weights={k: request.POST.get(k, "") for k in ASSESSMENT_FIELDS},
                                      idempotency_key=_form_key(request, "rules"))
        messages.success(request, _("Assessment rules for %(year)s saved.") % {"year": year})
    except DomainError as exc:
        flash_refusal(request, exc, form="rules", fields=(*ASSESSMENT_FIELDS, "weights"))
    return redirect(f"{reverse('governance:assessment')}?year={year}")


@require_POST
@page
def assessment_freeze(request):
    a = actor(request)
    year = _year(request)
    try:
        f = services.freeze_assessment(actor=a, year=year, reason=request.POST.get("reason", ""),
                                       idempotency_key=_form_key(request, "freeze"))
        messages.success(request, _("Assessment %(year)s frozen (version %(version)s).")
                         % {"year": year, "version": f.version})
    except DomainError as exc:
        flash_refusal(request, exc, form="freeze", fields=("reason",))
    return redirect(f"{reverse('governance:assessment')}?year={year}")


@page
def assessment_export(request):
    fmt = export_format(request)
    year = _year(request)
    return tabular.download(exports.export_assessment(actor(request), year, fmt=fmt), fmt, f"assessment-{year}")
