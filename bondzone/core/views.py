from datetime import date

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import selectors, services, tabular
from .actor import actor_of
from .domain import workdays
from .domain.errors import DomainError, problem
from .domain.roles import Role
from .models import DAY_KINDS, CalendarYear
from .scoping import get_scoped
from .web import actor, flash_refusal, page


class LoginView(auth_views.LoginView):
    template_name = "core/login.html"
    redirect_authenticated_user = True


def home(request):
    if not request.user.is_authenticated:
        return redirect("login")
    a = actor_of(request.user)
    if a.role == Role.CUSTOMS:
        return redirect("supervision:queue")
    if a.role == Role.COMMERCE:
        return redirect("governance:index")
    return redirect("supervision:dashboard")


# ---------------------------------------------------------------- the working-day calendar
CALENDAR_COLUMNS = ["date", "kind", "name"]


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
    fmt = request.GET.get("format", "csv")
    body = tabular.write_rows(CALENDAR_COLUMNS, [[d.date.isoformat(), d.kind, d.name]
                                                 for d in selectors.calendar_days(a, year)], fmt)
    response = HttpResponse(body, content_type=tabular.FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="calendar-{year}.{fmt}"'
    return response


@require_POST
@page
def calendar_import(request):
    a = actor(request)
    a.require("core.manage_calendar")
    f = request.FILES.get("file")
    try:
        if f is None:
            raise DomainError(problem("file", "required"))
        rows = tabular.read_rows(f.file, tabular.guess_format(f.name or ""), required=CALENDAR_COLUMNS[:2])
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
