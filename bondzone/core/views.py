from datetime import date

from axes.signals import user_locked_out
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.dispatch import receiver
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import audit, selectors, services, tabular
from .actor import ANONYMOUS, actor_of
from .domain import workdays
from .domain.errors import DomainError, problem
from .domain.roles import Role, role_actions
from .models import DAY_KINDS, TOKEN_DAYS, ApiToken, CalendarDay, CalendarYear
from .scoping import get_scoped
from .web import actor, export_format, flash_refusal, page


class LoginView(auth_views.LoginView):
    template_name = "core/login.html"
    redirect_authenticated_user = True


def home(request):
    """Each role starts where its work is; a visitor who is not logged in gets the public information."""
    if not request.user.is_authenticated:
        return render(request, "core/landing.html")
    a = actor_of(request.user)
    if a.role == Role.CUSTOMS:
        return redirect("supervision:queue")
    if a.role in (Role.COMMERCE, Role.MARKET):
        return redirect("governance:index")
    return redirect("supervision:dashboard")


def locked_out(request, original_response=None, credentials=None):
    """django-axes' answer once a user name or an address has failed too often: the log-in page again,
    with a sentence saying why and for how long (429)."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    message = _("Too many failed log-ins for this user name or from this address. Try again in %(minutes)s "
                "minutes.") % {"minutes": minutes}
    return render(request, "core/login.html", {"locked_out": message}, status=429)


@receiver(user_locked_out)
def audit_lockout(sender, request, username, ip_address, **kwargs):
    audit.record(ANONYMOUS, "auth.locked_out", object_type="auth.user", object_id=(username or "")[:64],
                 after={"username": (username or "")[:150], "ip_address": ip_address})


@page
def tokens(request):
    """The user's API tokens: issue (shown once), list, revoke."""
    a = actor(request)
    new_raw = None
    if request.method == "POST":
        try:
            if "revoke" in request.POST:
                services.revoke_token(actor=a, token_id=request.POST["revoke"])
                messages.success(request, _("Token revoked."))
            else:
                _token, new_raw = services.issue_token(
                    actor=a, name=request.POST.get("name", ""), days=request.POST.get("days", TOKEN_DAYS),
                    scope=ApiToken.READ if request.POST.get("read_only") else ApiToken.WRITE,
                    actions=request.POST.getlist("actions"))
        except DomainError as exc:
            flash_refusal(request, exc)
        if new_raw is None:
            return redirect("tokens")
    return render(request, "core/tokens.html", {"tokens": selectors.api_tokens(a), "new_raw": new_raw,
                                                "days": TOKEN_DAYS, "role_actions": role_actions(a.role)})
# ---------------------------------------------------------------- the working-day calendar


def _calendar_refusal(request, exc: DomainError, target):
    flash_refusal(request, exc)
    return redirect(target)


@page
def calendar_index(request):
    a = actor(request)
    years = list(selectors.calendar_years(a))
    today = timezone.localdate()
    return render(request, "core/calendar.html", {
        "years": years, "can_manage": a.can("core.manage_calendar"), "today": today,
        "gaps": selectors.calendar_gaps(today, date(today.year + 1, 1, 1)),
        "first_year": workdays.FIRST_YEAR, "last_year": workdays.LAST_YEAR,
    })


@page
def calendar_year(request, year: int):
    a = actor(request)
    cy = get_scoped(CalendarYear, a, year, field="year")
    return render(request, "core/calendar_year.html", {
        "year": cy, "days": selectors.calendar_days(a, year), "can_manage": a.can("core.manage_calendar"),
        "kinds": DAY_KINDS,
    })


@page
def calendar_export(request, year: int):
    a = actor(request)
    get_scoped(CalendarYear, a, year, field="year")
    fmt = export_format(request)
    # headed "日期 (date)" etc. in the reader's language; the import reads such headings back as their codes
    names = {c: CalendarDay._meta.get_field(c).verbose_name for c in services.CALENDAR_COLUMNS}
    body = tabular.write_rows(services.CALENDAR_COLUMNS, [[d.date.isoformat(), d.kind, d.name]
                                                 for d in selectors.calendar_days(a, year)], fmt, names=names)
    return tabular.download(body, fmt, f"calendar-{year}")


@require_POST
@page
def calendar_import(request):
    a = actor(request)
    a.require("core.manage_calendar")
    f = request.FILES.get("file")
    try:
        if f is None:
            raise DomainError(problem("file", "required"))
        rows = tabular.read_rows(f, tabular.guess_format(f.name or ""), required=services.CALENDAR_COLUMNS[:2],
                                 known=services.CALENDAR_COLUMNS, name=f.name or "")
        result = services.import_calendar(actor=a, rows=rows, note=request.POST.get("note", ""))
    except DomainError as exc:
        return _calendar_refusal(request, exc, "calendar")
    messages.success(request, _("Imported %(days)s days for %(years)s.") % {
        "days": result["days"], "years": ", ".join(map(str, result["years"]))})
    return redirect("calendar")


@require_POST
@page
def calendar_add_year(request):
    try:
        cy = services.add_calendar_year(actor=actor(request), year=request.POST.get("year"),
                                        note=request.POST.get("note", ""))
    except DomainError as exc:
        return _calendar_refusal(request, exc, "calendar")
    return redirect("calendar_year", year=cy.year)


@require_POST
@page
def calendar_delete_year(request, year: int):
    try:
        services.delete_calendar_year(actor=actor(request), year=year)
    except DomainError as exc:
        return _calendar_refusal(request, exc, "calendar")
    messages.success(request, _("Calendar for %(year)s deleted.") % {"year": year})
    return redirect("calendar")


@require_POST
@page
def calendar_add_day(request, year: int):
    a = actor(request)
    try:
        services.add_calendar_day(actor=a, year=year, day=request.POST.get("date", ""), kind=request.POST.get("kind", ""),
                                  name=request.POST.get("name", ""))
        messages.success(request, _("Saved."))
    except DomainError as exc:
        flash_refusal(request, exc)
    return redirect("calendar_year", year=year)


@require_POST
@page
def calendar_delete_day(request, year: int, day_id: int):
    try:
        services.delete_calendar_day(actor=actor(request), day_id=day_id)
        messages.success(request, _("Deleted."))
    except DomainError as exc:
        flash_refusal(request, exc)
    return redirect("calendar_year", year=year)
