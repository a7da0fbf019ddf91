"""Pages of the service desk. Thin: parse the request, call one selector or service, render."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bondzone.core.domain.errors import DomainError
from bondzone.core.web import actor, flash_refusal, page, page_of
from bondzone.governance import selectors as governance_selectors

from . import selectors, services
from .domain.lifecycle import ALLOWED, Satisfaction, Status, Step
from .models import SATISFACTION_LABELS, STATUS_LABELS, STEP_LABELS


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


@page
def create(request):
    a = actor(request)
    a.require("servicedesk.file")
    categories = selectors.categories(a, active=True)
    if request.method == "POST":
        data = request.POST.dict()
        data["attributes"] = {k[5:]: v for k, v in request.POST.items() if k.startswith("attr_")}
        try:
            req = services.file_request(actor=a, data=data)
            messages.success(request, _("Request %(number)s filed.") % {"number": req.number})
            return redirect("servicedesk:request", request_id=req.pk)
        except DomainError as exc:
            flash_refusal(request, exc)
    return render(request, "servicedesk/create.html", {"categories": categories, "f": request.POST})


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
        "can_dispatch": a.can("servicedesk.dispatch"), "now": timezone.now(),
        "article": selectors.linked_article(a, req),
        "articles": selectors.articles(a).filter(published=True).select_related(None).only("id", "title")
        if a.can("servicedesk.handle") else [],
    })


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
