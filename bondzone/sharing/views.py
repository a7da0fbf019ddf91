"""Pages of information sharing: the audit-trail browser (filters, links, differences, export), the
agencies' field-limited views, subscriptions, notifications and the delivery log."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bondzone.core import audit as core_audit
from bondzone.core import selectors as core_selectors
from bondzone.core import tabular
from bondzone.core.domain.errors import DomainError
from bondzone.core.error_pages import forbidden
from bondzone.core.web import actor, errors_of, export_format, flash_refusal, page, page_of

from . import exports, selectors, services
from .domain.events import KINDS, kinds_for
from .domain.fields import DATASETS
from .fieldnames import DATASET_NAMES, FIELD_NAMES, value_name
from .links import object_urls
from .models import AGENCY_CHOICES, EXPORT_EVERY, DeliveryStatus
from .models import EXPORT_FORMATS as EXPORT_FORMATS_ALL

EXPORT_FORMATS = ("csv", "xlsx")


@page
def index(request):
    """What information sharing holds for the reader's role: a card per part it may open, what it is for and
    how much is there (an empty part says how to start); a role that may open none is told so."""
    a = actor(request)
    return render(request, "sharing/index.html", {
        "can_audit": a.can("core.view_audit"), "can_export_audit": a.can("sharing.export_audit"),
        "datasets": _dataset_tabs(a) if a.can("sharing.view_agency") else [],
        "can_subscribe": a.can("sharing.subscribe"), "counts": selectors.agency_counts(a),
        "can_slips": a.can("gate.view")})


@page
def audit(request):
    a = actor(request)
    if not a.can("core.view_audit"):
        return forbidden(request)
    try:
        f = selectors.audit_filters(request.GET)
    except DomainError as exc:
        return render(request, "sharing/audit.html", {"errors": errors_of(exc), "f": request.GET,
                                                      "roles": selectors.audit_roles(a)}, status=400)
    page_obj, prefix = page_of(request, selectors.audit_events(a, f))
    events = list(page_obj.object_list)
    urls = object_urls(a, events)
    visible = selectors.visible_keys(a)
    rows = [{"e": e, "url": urls.get(e.pk, ""), "changes": selectors.changes(e, visible)} for e in events]
    params = request.GET.copy()
    params.pop("page", None)
    return render(request, "sharing/audit.html", {
        "page": page_obj, "querystring_prefix": prefix, "rows": rows, "f": request.GET,
        "roles": selectors.audit_roles(a), "formats": EXPORT_FORMATS if a.can("sharing.export_audit") else (),
        "export_query": params.urlencode()})


@page
def audit_export(request):
    a = actor(request)
    fmt = export_format(request, accepted=EXPORT_FORMATS)
    try:
        body = exports.audit_export(a, selectors.audit_filters(request.GET), fmt)
    except DomainError as exc:
        if exc.status == 403:
            raise
        return render(request, "core/refused.html", {"errors": errors_of(exc)}, status=exc.status)
    return tabular.download(body, fmt, "audit-trail")


@page
def agency_index(request):
    a = actor(request)
    names = selectors.agency_datasets(a)
    if not names:
        return forbidden(request)
    return redirect("sharing:agency", dataset=names[0])




def _dataset_tabs(a) -> list[tuple[str, str]]:
    return [(name, DATASET_NAMES.get(name, name)) for name in selectors.agency_datasets(a)]


def _cell(dataset: str, field: str, value) -> tuple:
    """(what the reader sees, the code behind it when it is a named code: the cell's title). A time is shown
    in the site's time zone and format, not as the ISO text the rows carry."""
    if field.endswith("_at") and isinstance(value, str):
        return parse_datetime(value) or value, None
    shown = value_name(dataset, field, value)
    return shown, value if isinstance(value, str) and shown != value else None


@page
def agency(request, dataset: str):
    a = actor(request)
    if dataset not in DATASETS:
        raise Http404
    fields, qs = selectors.agency_view(a, dataset, object_id=request.GET.get("id"))
    page_obj, prefix = page_of(request, qs)
    rows = selectors.agency_rows(dataset, fields, page_obj.object_list)
    if request.GET.get("id") and len(rows) == 1:
        core_audit.read(a, page_obj.object_list[0])  # one record opened: logged if sensitive
    cells = [[_cell(dataset, f, v) for f, v in row.items()] for row in rows]
    return render(request, "sharing/agency.html", {
        "dataset": dataset, "datasets": _dataset_tabs(a), "rows": cells,
        "columns": [(f, FIELD_NAMES.get(f, f)) for f in fields], "page": page_obj, "querystring_prefix": prefix})


@page
def subscriptions(request):
    a = actor(request)
    subs = selectors.subscriptions(a)
    return render(request, "sharing/subscriptions.html", {
        "subscriptions": subs, "kinds": KINDS if a.is_admin else sorted(kinds_for(a.role)),
        "zones": core_selectors.zones(a), "is_admin": a.is_admin,
        "agencies": AGENCY_CHOICES})


@page
@require_POST
def subscription_create(request):
    a = actor(request)
    try:
        sub = services.create_subscription(
            actor=a, name=request.POST.get("name"), kinds=request.POST.getlist("kinds"),
            webhook_url=request.POST.get("webhook_url", ""), role=request.POST.get("role"),
            zone_id=request.POST.get("zone_id"))
    except DomainError as exc:
        flash_refusal(request, exc, form="subscription", fields=("name", "kinds", "webhook_url", "role"))
        return redirect("sharing:subscriptions")
    messages.success(request, _("Subscription “%(name)s” created.") % {"name": sub.name})
    if sub.webhook_url:
        return _secret_once(request, sub)
    return redirect("sharing:subscriptions")


def _secret_once(request, sub):
    """The webhook secret, shown this once to whoever made or replaced it (the list shows a fingerprint):
    the answer to the POST itself, never cached, so no later page or request can read it."""
    response = render(request, "sharing/secret_once.html", {"s": sub, "secret": sub.secret,
                                                            "fingerprint": sub.secret_fingerprint})
    response["Cache-Control"] = "no-store"
    return response


@page
@require_POST
def subscription_action(request, subscription_id: int, action: str):
    a = actor(request)
    try:
        if action in ("pause", "resume"):
            services.set_subscription_active(actor=a, subscription_id=subscription_id, active=action == "resume")
        elif action == "rotate":
            sub = services.rotate_secret(actor=a, subscription_id=subscription_id)
            messages.success(request, _("A new secret was made; give it to the receiver."))
            return _secret_once(request, sub)
        else:
            raise Http404
    except DomainError as exc:
        flash_refusal(request, exc)
    return redirect("sharing:subscriptions")


@page
def notifications(request):
    a = actor(request)
    status = request.GET.get("status", "")
    page_obj, prefix = page_of(request, selectors.notifications(
        a, status=status if status in DeliveryStatus.values else ""))
    return render(request, "sharing/notifications.html", {
        "page": page_obj, "querystring_prefix": prefix, "statuses": DeliveryStatus.choices, "status": status})


@page
def delivery(request, delivery_id: int):
    a = actor(request)
    d = selectors.delivery(a, delivery_id)
    return render(request, "sharing/delivery.html", {
        "d": d, "log": selectors.delivery_log(a, delivery_id), "body": services.body_of(d).decode(),
        "can_retry": d.webhook and d.status == DeliveryStatus.FAILED})


@page
@require_POST
def delivery_retry(request, delivery_id: int):
    try:
        services.redeliver(actor=actor(request), delivery_id=delivery_id)
        messages.success(request, _("The delivery will be tried again."))
    except DomainError as exc:
        flash_refusal(request, exc)
    return redirect("sharing:delivery", delivery_id=delivery_id)


@page
def scheduled_exports(request):
    a = actor(request)
    page_obj, prefix = page_of(request, selectors.export_runs(a), per_page=20)
    return render(request, "sharing/exports.html", {
        "schedules": selectors.scheduled_exports(a), "page": page_obj, "querystring_prefix": prefix,
        "datasets": _dataset_tabs(a), "formats": EXPORT_FORMATS_ALL, "every": EXPORT_EVERY})


@page
@require_POST
def export_create(request):
    a = actor(request)
    try:
        s = services.create_export(actor=a, name=request.POST.get("name"), dataset=request.POST.get("dataset"),
                                   format=request.POST.get("format"), every=request.POST.get("every"),
                                   first_run=request.POST.get("first_run"))
        messages.success(request, _("Scheduled export “%(name)s” set up.") % {"name": s.name})
    except DomainError as exc:
        flash_refusal(request, exc, form="export", fields=("name", "dataset", "format", "every", "first_run"))
    return redirect("sharing:exports")


@page
@require_POST
def export_action(request, scheduled_export_id: int, action: str):
    if action not in ("pause", "resume"):
        raise Http404
    try:
        services.set_export_active(actor=actor(request), export_id=scheduled_export_id, active=action == "resume")
    except DomainError as exc:
        flash_refusal(request, exc)
    return redirect("sharing:exports")


@page
def export_download(request, export_run_id: int):
    run = selectors.export_run(actor(request), export_run_id)
    if run.error:
        raise Http404
    stamp = run.at.strftime("%Y%m%d-%H%M")
    return tabular.download(bytes(run.content), run.schedule.format, f"{run.schedule.dataset}-{stamp}")
