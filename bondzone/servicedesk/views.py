"""Pages of the service desk. Thin: parse the request, call one selector or service, render."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bondzone.core import pdf, tabular
from bondzone.core.domain.errors import DomainError
from bondzone.core import selectors as core_selectors
from bondzone.core.web import actor, errors_of, export_format, flash_refusal, page, page_of
from bondzone.governance import selectors as governance_selectors

from . import clock, exports, selectors, services
from .domain import sla
from .domain.lifecycle import ALLOWED, Satisfaction, Status, Step
from .domain.promotion import PIPELINE, SIGNED_OR_LATER, can_move
from .models import EVENT_KIND_LABELS, SATISFACTION_LABELS, STAGE_LABELS, STATUS_LABELS, STEP_LABELS, SpaceKind


def _int(raw) -> int | None:
    raw = (raw or "").strip()
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 12 else None


@page
def index(request):
    a = actor(request)
    f = request.GET
    qs = selectors.requests(a, status=f.get("status", ""), unit_id=_int(f.get("unit")),
                            category_id=_int(f.get("category")), q=f.get("q", "").strip()[:100],
                            overdue=f.get("overdue") == "1")
    requests_page, query = page_of(request, qs)
    return render(request, "servicedesk/index.html", {
        "page": requests_page, "query": query, "f": f, "statuses": list(STATUS_LABELS.items()),
        "categories": selectors.categories(a), "counts": selectors.status_counts(a), "now": timezone.now(),
        "can_file": a.can("servicedesk.file"), "can_rates": a.can("servicedesk.view_rates"),
    })


REQUEST_FIELDS = ("category_id", "title", "description", "contact_name", "contact_phone")


@page
def create(request):
    a = actor(request)
    a.require("servicedesk.file")
    categories = selectors.categories(a, active=True)
    if request.method == "POST":
        # each extra field's input is named as its problems are ("attributes.port"), so a refusal marks it and the
        # form comes back with what was typed in it; only the chosen category's fields are its answers (the form
        # shows every category's, blank ones included)
        data = request.POST.dict()
        chosen = next((c for c in categories if str(c.pk) == data.get("category_id")), None)
        data["attributes"] = {attr["code"]: data.get(f"attributes.{attr['code']}", "")
                              for attr in (chosen.attributes if chosen else [])}
        try:
            req = services.file_request(actor=a, data=data)
            messages.success(request, _("Request %(number)s filed.") % {"number": req.number})
            return redirect("servicedesk:request", request_id=req.pk)
        except DomainError as exc:  # under each input (and the attributes' own), the form shown again as typed
            flash_refusal(request, exc, form="request", fields=REQUEST_FIELDS + tuple(
                f"attributes.{attr['code']}" for c in categories for attr in c.attributes))
    now = timezone.now()
    limits = [(now, amount, unit) for c in categories
              for amount, unit in ((c.sign_within, c.sign_unit), (c.resolve_within, c.resolve_unit))]
    return render(request, "servicedesk/create.html", {"categories": categories, "f": request.POST,
                                                       "gaps": clock.calendar_gaps(limits)})


@page
def detail(request, request_id: int):
    a = actor(request)
    req = selectors.request(a, request_id)
    steps = {s.value for s in Step if Status(req.status) in ALLOWED[s]}
    return render(request, "servicedesk/request.html", {
        "req": req, "events": selectors.events(a, request_id), "steps": steps, "step_labels": STEP_LABELS,
        "units": governance_selectors.units(a).only("id", "name") if a.can("servicedesk.handle") else [],
        "satisfactions": [(s.value, SATISFACTION_LABELS[s.value]) for s in Satisfaction],
        "can_file": a.can("servicedesk.file"), "can_handle": a.can("servicedesk.handle"),
        "can_dispatch": a.can("servicedesk.dispatch"), "now": timezone.now(), "gaps": _request_gaps(req),
        "article": selectors.linked_article(a, req),
        "articles": selectors.articles(a).filter(published=True).select_related(None).only("id", "title")
        if a.can("servicedesk.handle") else [],
    })


def _request_gaps(req) -> list[int]:
    """Years without a calendar the open request's clocks would reach: the reply limit (with extensions) from
    filing, or from now while paused (resuming counts on from then: an upper bound), the sign limit from its
    dispatch."""
    if req.status in (Status.REPLIED, Status.CLOSED):
        return []
    cat, now = req.category, timezone.now()
    extra = req.extension_workdays if cat.resolve_unit == sla.SlaUnit.WORKDAYS else 0
    limits = [(now if req.paused_since else req.submitted_at, cat.resolve_within + extra, cat.resolve_unit)]
    if req.status == Status.DISPATCHED and req.dispatched_at:
        limits.append((req.dispatched_at, cat.sign_within, cat.sign_unit))
    return clock.calendar_gaps(limits)


@require_POST
@page
def action(request, request_id: int, action: str):
    a = actor(request)
    selectors.request(a, request_id)
    if action not in services.STEPS:
        raise Http404
    try:
        services.perform(actor=a, request_id=request_id, step=action, params=request.POST)
        messages.success(request, _("Saved."))
    except DomainError as exc:
        flash_refusal(request, exc)
    return redirect("servicedesk:request", request_id=request_id)


@page
def categories(request):
    a = actor(request)
    return render(request, "servicedesk/categories.html", {
        "categories": selectors.categories(a), "can_manage": a.can("servicedesk.manage"),
        "units": governance_selectors.units(a).only("id", "name") if a.can("servicedesk.manage") else [],
    })


@require_POST
@page
def category_save(request):
    a = actor(request)
    a.require("servicedesk.manage")
    data = {k: v for k, v in request.POST.items() if k != "csrfmiddlewaretoken"}
    data["active"] = data.get("active") == "on"
    pk = _int(data.pop("category_id", ""))
    try:
        if pk:
            data.pop("code", None)
            services.update_category(actor=a, category_id=pk, data=data)
        else:
            services.create_category(actor=a, data=data)
        messages.success(request, _("Saved."))
    except DomainError as exc:
        flash_refusal(request, exc)
    return redirect("servicedesk:categories")


@page
def dashboard(request):
    a = actor(request)
    a.require("servicedesk.view_rates")
    by = request.GET.get("by", "unit")
    if by not in selectors.GROUPS:
        by = "unit"
    rows = selectors.rate_table(a, by=by)
    months = rows if by == "month" else selectors.rate_table(a, by="month")
    chart = {
        "groups": [str(r["group"]) for r in rows],
        "series": {k: [float(r[k]) if r[k] is not None else None for r in rows]
                   for k in ("response_rate", "solution_rate", "satisfaction_rate", "on_time_rate")},
        "months": [str(r["group"]) for r in months],
        "monthly": {k: [float(r[k]) if r[k] is not None else None for r in months]
                    for k in ("satisfaction_rate", "on_time_rate")},
        "labels": {"response_rate": _("response rate"), "solution_rate": _("solution rate"),
                   "satisfaction_rate": _("satisfaction rate"), "on_time_rate": _("on-time rate")},
    }
    return render(request, "servicedesk/dashboard.html", {"rows": rows, "by": by, "chart": chart,
                                                          "groups": list(selectors.GROUPS)})


@page(login=False)
def register(request):
    """Public: an enterprise applies to be registered in a zone."""
    from bondzone.core.actor import ANONYMOUS
    from bondzone.core.models import Zone

    if request.method == "POST":
        try:
            reg = services.register(actor=ANONYMOUS, data=request.POST.dict(), files=request.FILES.getlist("documents"))
            return render(request, "servicedesk/registered.html", {"reg": reg})
        except DomainError as exc:
            flash_refusal(request, exc)
    return render(request, "servicedesk/register.html", {"zones": Zone.objects.all(), "f": request.POST})


@page
def registrations(request):
    a = actor(request)
    a.require("servicedesk.view_registrations")
    status = request.GET.get("status", "pending")
    regs, query = page_of(request, selectors.registrations(a, status=status if status != "all" else ""))
    return render(request, "servicedesk/registrations.html", {"page": regs, "query": query, "status": status})


@page
def registration(request, registration_id: int):
    a = actor(request)
    reg = selectors.registration(a, registration_id)
    return render(request, "servicedesk/registration.html", {
        "reg": reg, "documents": reg.documents.all(), "can_review": a.can("servicedesk.review_registration")})


@require_POST
@page
def registration_review(request, registration_id: int):
    a = actor(request)
    selectors.registration(a, registration_id)
    try:
        services.review(actor=a, registration_id=registration_id, approve=request.POST.get("decision") == "approve",
                        reason=request.POST.get("reason", ""))
        messages.success(request, _("Saved."))
    except DomainError as exc:
        flash_refusal(request, exc)
    return redirect("servicedesk:registration", registration_id=registration_id)


@page
def registration_document(request, document_id: int):
    from django.http import FileResponse

    doc = selectors.registration_document(actor(request), document_id)
    return FileResponse(doc.file.open("rb"), as_attachment=True, filename=doc.name)


@page
def members(request):
    a = actor(request)
    if request.method == "POST":
        try:
            if request.POST.get("member_id"):
                services.set_roles(actor=a, member_id=_int(request.POST.get("member_id")),
                                   roles=request.POST.getlist("roles"))
            else:
                services.add_member(actor=a, username=request.POST.get("username"),
                                    password=request.POST.get("password"), roles=request.POST.getlist("roles"),
                                    first_name=request.POST.get("first_name", ""))
            messages.success(request, _("Saved."))
            return redirect("servicedesk:members")
        except DomainError as exc:
            flash_refusal(request, exc)
    from .models import EnterpriseRole

    return render(request, "servicedesk/members.html", {
        "members": selectors.members(a), "roles": EnterpriseRole.choices,
        "can_manage": a.can("servicedesk.manage_members")})


ARTICLE_FIELDS = ("title", "title_en", "body", "body_en", "category_id", "tags")


@page
def knowledge(request):
    a = actor(request)
    q = request.GET.get("q", "").strip()[:100]
    category_id = _int(request.GET.get("category"))
    articles, query = page_of(request, selectors.articles(a, q=q, category_id=category_id))
    return render(request, "servicedesk/knowledge.html", {
        "page": articles, "query": query, "q": q, "category_id": category_id, "categories": selectors.categories(a),
        "can_write": a.can("servicedesk.write_knowledge"),
    })


@page
def article(request, article_id: int):
    a = actor(request)
    return render(request, "servicedesk/article.html", {
        "article": selectors.article(a, article_id), "can_write": a.can("servicedesk.write_knowledge")})


def _article_form(request, a, current=None):
    if request.method == "POST":
        data = {f: request.POST.get(f, "") for f in ARTICLE_FIELDS}
        try:
            if current is None:
                saved = services.create_article(actor=a, data=data)
            else:
                saved = services.update_article(actor=a, article_id=current.pk, data=data)
            messages.success(request, _("Saved."))
            return redirect("servicedesk:article", article_id=saved.pk)
        except DomainError as exc:
            flash_refusal(request, exc, form="article", fields=ARTICLE_FIELDS)
            return redirect(request.path)
    return render(request, "servicedesk/article_form.html", {
        "article": current, "categories": selectors.categories(a)})


@page
def article_new(request):
    a = actor(request)
    a.require("servicedesk.write_knowledge")
    return _article_form(request, a)


@page
def article_edit(request, article_id: int):
    a = actor(request)
    a.require("servicedesk.write_knowledge")
    return _article_form(request, a, selectors.article(a, article_id))


@require_POST
@page
def article_publish(request, article_id: int):
    a = actor(request)
    a.require("servicedesk.write_knowledge")
    selectors.article(a, article_id)
    published = request.POST.get("published") == "1"
    services.publish_article(actor=a, article_id=article_id, published=published)
    messages.success(request, _("Published.") if published else _("Taken back to draft."))
    return redirect("servicedesk:article", article_id=article_id)


# ---------------------------------------------------------------- investment guide (投资指南)
GUIDE_FIELDS = ("title", "title_en", "planned_area_km2", "location", "location_en", "areas", "areas_en", "functions",
                "functions_en", "industries", "industries_en", "procedures", "procedures_en", "contacts",
                "contacts_en", "note")


def _english() -> bool:
    return (translation.get_language() or "").startswith("en")


def _guide_context(a, guide) -> dict:
    """The guide in the reader's language (English where the version has it, else Chinese)."""
    en = _english()

    def pick(name):
        return (getattr(guide, f"{name}_en") if en else "") or getattr(guide, name)

    section_labels = [("location", _("Location")), ("areas", _("Areas")), ("functions", _("Functions")),
                      ("industries", _("Industries")), ("procedures", _("Procedures to enter the zone")),
                      ("contacts", _("Contacts"))]
    return {
        "guide": guide, "zone": guide.zone, "title": pick("title"),
        "zone_name": guide.zone.name_en if en else guide.zone.name_zh,
        "sections": [(key, label, pick(key)) for key, label in section_labels],
        "spaces": list(guide.spaces.all()), "space_kinds": dict(SpaceKind.choices),
        "policies": selectors.guide_policies(a, guide),
        "can_write": services.may_write_zone(a, guide.zone),
        "can_view_versions": a.can("servicedesk.view_guide_drafts"),
    }


@page(login=False)
def guides(request):
    a = actor(request)
    return render(request, "servicedesk/guides.html", {
        "guides": list(selectors.published_guides()), "english": _english(),
        "writable": [z for z in core_selectors.zones(a) if services.may_write_zone(a, z)],
    })


@page(login=False)
def guide(request, zone_code: str):
    a = actor(request)
    return render(request, "servicedesk/guide.html", _guide_context(a, selectors.published_guide(zone_code)))


@page(login=False)
def guide_pdf(request, zone_code: str):
    a = actor(request)
    return pdf.download(_guide_pdf(a, selectors.published_guide(zone_code)),
                        f"investment-guide-{zone_code.upper()}")


def _guide_pdf(a, guide) -> bytes:
    c = _guide_context(a, guide)
    # " | " between the facts: the PDF's built-in CJK font has no middle dot
    blocks: list = [pdf.Text(f"{c['zone_name']} | {_('version')} {guide.version}"
                             + (f" | {_('published')} {guide.published_at:%Y-%m-%d}" if guide.published_at else ""))]
    if guide.planned_area_km2 is not None:
        blocks.append(pdf.Text(_("Planned area: %(area)s km²") % {"area": guide.planned_area_km2}))
    for _key, label, text in c["sections"]:
        if text:
            blocks += [pdf.Heading(str(label)), pdf.Text(text)]
    if c["policies"]:
        blocks += [pdf.Heading(_("Policies")),
                   pdf.Table([[_("Task"), _("Title")]] + [[t.code, t.title] for t in c["policies"]], widths=[0.2, 0.8])]
    if c["spaces"]:
        blocks += [pdf.Heading(_("Available space")), pdf.Table(
            [[_("Building"), _("Kind"), _("Area (m²)"), _("Rent (yuan/m²/day)"), _("Bonded"), _("Available from")]]
            + [[s.building, c["space_kinds"].get(s.kind, s.kind), s.floor_area_m2,
                _("negotiable") if s.rent is None else s.rent, _("yes") if s.bonded else _("no"),
                s.available_from or "—"] for s in c["spaces"]],
            widths=[0.24, 0.14, 0.14, 0.18, 0.1, 0.2])]
    return pdf.render(c["title"], blocks, synthetic=guide.synthetic,
                      footer=_("Investment guide of %(zone)s, version %(version)s.") % {
                          "zone": c["zone_name"], "version": guide.version})


@page
def guide_versions(request, zone_code: str):
    a = actor(request)
    a.require("servicedesk.view_guide_drafts")
    zone = services.zone_of(zone_code)
    return render(request, "servicedesk/guide_versions.html", {
        "zone": zone, "versions": list(selectors.guide_versions(a, zone.code)),
        "can_write": services.may_write_zone(a, zone)})


@page
def guide_version(request, version_id: int):
    a = actor(request)
    a.require("servicedesk.view_guide_drafts")
    context = _guide_context(a, selectors.guide_version(a, version_id))
    context["preview"] = True
    return render(request, "servicedesk/guide.html", context)


@page
def guide_edit(request, zone_code: str):
    a = actor(request)
    a.require("servicedesk.write_guide")
    zone = services.zone_of(zone_code)
    latest = selectors.latest_guide(a, zone.code)
    if request.method == "POST":
        data = {f: request.POST.get(f, "") for f in GUIDE_FIELDS}
        data["synthetic"] = request.POST.get("synthetic") == "1"
        data["policy_task_ids"] = request.POST.getlist("policy_task_ids")
        data["spaces"] = services.spaces_from_lines(request.POST.get("spaces", ""))
        try:
            version = services.write_guide(actor=a, zone=zone, data=data)
            messages.success(request, _("Draft version %(version)s saved; publish it to make it public.")
                             % {"version": version.version})
            return redirect("servicedesk:guide-version", version_id=version.pk)
        except DomainError as exc:
            flash_refusal(request, exc, form="guide", fields=(*GUIDE_FIELDS, "spaces", "policy_task_ids"))
            return redirect(request.path)
    chosen = set(latest.policy_tasks.values_list("pk", flat=True)) if latest else set()
    return render(request, "servicedesk/guide_form.html", {
        "zone": zone, "guide": latest, "spaces": services.spaces_as_lines(latest.spaces.all()) if latest else "",
        "tasks": governance_selectors.tasks(a).order_by("code", "id")[:300], "chosen": chosen,
        "space_kinds": SpaceKind.choices})


@require_POST
@page
def guide_publish(request, version_id: int):
    a = actor(request)
    a.require("servicedesk.write_guide")
    version = services.publish_guide(actor=a, version_id=version_id)
    messages.success(request, _("Version %(version)s is now the public guide.") % {"version": version.version})
    return redirect("servicedesk:guide-versions", zone_code=version.zone.code)


# ---------------------------------------------------------------- investment promotion (招商引资)
PROJECT_FIELDS = ("name", "name_en", "investor", "zone", "industry", "planned_investment", "unit_id", "team", "note")


@page
def promotion(request):
    a = actor(request)
    a.require("servicedesk.view_promotion")
    f = request.GET
    stage = f.get("stage", "") if f.get("stage", "") in STAGE_LABELS else ""
    qs = selectors.projects(a, stage=stage, unit_id=_int(f.get("unit")), q=f.get("q", "").strip()[:100])
    projects_page, query = page_of(request, qs)
    rows = selectors.conversion(a)
    counts = selectors.stage_counts(a)
    chart = {
        "stages": [str(STAGE_LABELS[s.value]) for s in PIPELINE],
        "units": [{"name": str(r["unit"] or _("all units")), "to_next": [
            float(x["to_next"]) if x["to_next"] is not None else None for x in r["stages"]],
            "reached": [x["reached"] for x in r["stages"]]} for r in rows],
        "labels": {"reached": _("projects that reached the stage"), "to_next": _("went on to the next stage (%)")},
    }
    return render(request, "servicedesk/promotion.html", {
        "page": projects_page, "query": query, "f": f, "stage": stage,
        "stage_cells": [(s, label, counts[s]) for s, label in STAGE_LABELS.items()],
        "investment": selectors.pipeline_investment(a), "rows": rows, "chart": chart,
        "can_promote": a.can("servicedesk.promote"), "pipeline_labels": chart["stages"],
        "export_formats": list(tabular.FORMATS),
    })


@page
def promotion_export(request):
    """The pipeline (the page's filters) as CSV, XLSX or JSON; an unknown format is the 400 page, a refused
    stage a field-level 400."""
    a = actor(request)
    f, fmt = request.GET, export_format(request)
    try:
        body = exports.pipeline_export(a, fmt, stage=f.get("stage", ""),
                                       unit_id=_int(f.get("unit")), q=f.get("q", "").strip()[:100])
    except DomainError as exc:
        if exc.status == 403:
            raise
        return render(request, "core/refused.html", {"errors": errors_of(exc)}, status=exc.status)
    return tabular.download(body, fmt, "promotion-pipeline")


@page
def project_new(request):
    a = actor(request)
    a.require("servicedesk.promote")
    if request.method == "POST":
        data = {k: request.POST.get(k, "") for k in PROJECT_FIELDS}
        try:
            p = services.create_project(actor=a, data=data)
            messages.success(request, _("Project added as a lead."))
            return redirect("servicedesk:project", project_id=p.pk)
        except DomainError as exc:
            flash_refusal(request, exc, form="project", fields=PROJECT_FIELDS)
            return redirect(request.path)
    return render(request, "servicedesk/project_form.html", {
        "zones": [z for z in core_selectors.zones(a) if a.zone_id is None or z.pk == a.zone_id],
        "units": governance_selectors.units(a)})


@page
def project(request, project_id: int):
    a = actor(request)
    a.require("servicedesk.view_promotion")
    p = selectors.project(a, project_id)
    can_change = selectors.can_change_project(a, p)
    targets = [s for s in STAGE_LABELS if can_move(p.stage, s, p.reached)]
    return render(request, "servicedesk/project.html", {
        "p": p, "moves": selectors.project_moves(a, p.pk), "events": selectors.promotion_events(a, project_id=p.pk),
        "stage_labels": STAGE_LABELS, "targets": [(s, STAGE_LABELS[s]) for s in targets], "can_change": can_change,
        "can_key_list": can_change and a.can("servicedesk.key_list") and p.stage in SIGNED_OR_LATER,
        "reached_label": STAGE_LABELS[PIPELINE[p.reached].value], "year": timezone.localdate().year,
    })


@require_POST
@page
def project_move(request, project_id: int):
    a = actor(request)
    selectors.project(a, project_id)  # a project out of sight is a 404 before any permission is told
    a.require("servicedesk.promote")
    try:
        p = services.move_project(actor=a, project_id=project_id, stage=request.POST.get("stage", ""),
                                  note=request.POST.get("note", ""))
        messages.success(request, _("Moved to “%(stage)s”.") % {"stage": STAGE_LABELS[p.stage]})
    except DomainError as exc:
        if exc.status == 403:
            raise
        flash_refusal(request, exc)
    return redirect("servicedesk:project", project_id=project_id)


@require_POST
@page
def project_key_list(request, project_id: int):
    a = actor(request)
    selectors.project(a, project_id)
    a.require("servicedesk.key_list")
    try:
        p = services.put_on_key_list(actor=a, project_id=project_id, year=request.POST.get("year") or None)
        messages.success(request, _("Put on the key-project list of %(year)s.") % {"year": p.key_list_year})
    except DomainError as exc:
        if exc.status == 403:
            raise
        flash_refusal(request, exc)
    return redirect("servicedesk:project", project_id=project_id)


EVENT_FIELDS = ("kind", "title", "held_on", "zone", "unit_id", "place", "note")


@page
def promotion_events(request):
    a = actor(request)
    a.require("servicedesk.view_promotion")
    if request.method == "POST":
        a.require("servicedesk.promote")
        data = {k: request.POST.get(k, "") for k in EVENT_FIELDS}
        data["project_ids"] = request.POST.getlist("project_ids")
        try:
            services.record_event(actor=a, data=data)
            messages.success(request, _("Event recorded."))
        except DomainError as exc:
            if exc.status == 403:
                raise
            flash_refusal(request, exc, form="event", fields=(*EVENT_FIELDS, "project_ids"))
        return redirect("servicedesk:promotion-events")
    events_page, query = page_of(request, selectors.promotion_events(a))
    can_promote = a.can("servicedesk.promote")
    return render(request, "servicedesk/promotion_events.html", {
        "page": events_page, "query": query, "can_promote": can_promote, "kinds": list(EVENT_KIND_LABELS.items()),
        "zones": [z for z in core_selectors.zones(a) if a.zone_id is None or z.pk == a.zone_id],
        "units": governance_selectors.units(a) if can_promote else [],
        "projects": selectors.changeable_projects(a)[:200] if can_promote else [],
        "today": timezone.localdate()})
