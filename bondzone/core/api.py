from datetime import date, datetime

from django.http import HttpRequest
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from .types import Id, Int, Pagination, Text, TextOf

from . import audit, selectors, services, tabular
from .domain import workdays
from .http import actor, auth_for, patch_changes
from .scoping import get_scoped
from .models import CalendarYear, Enterprise

router = Router(tags=["core"])


class ZoneOut(Schema):
    id: int
    code: str
    name_zh: str
    name_en: str
    customs_office_code: str


def _hidden(context) -> frozenset[str]:
    """The record's fields the requester's role may not see (once per request)."""
    request = context["request"]
    if not hasattr(request, "_bondzone_hidden_enterprise_fields"):
        request._bondzone_hidden_enterprise_fields = selectors.enterprise_hidden_fields(actor(request))
    return request._bondzone_hidden_enterprise_fields


def _field(name: str):
    def resolve(obj, context):
        return None if name in _hidden(context) else getattr(obj, name)

    return staticmethod(resolve)


class EnterpriseOut(Schema):
    """A field the requester's role may not see (the agencies' field policy) is null."""

    id: int
    name: str | None
    name_en: str | None
    credit_code: str | None
    customs_code: str | None
    zone_id: int
    business_type: str | None
    customs_credit_class: str | None
    customs_credit_class_since: date | None

    resolve_name = _field("name")
    resolve_name_en = _field("name_en")
    resolve_credit_code = _field("credit_code")
    resolve_customs_code = _field("customs_code")
    resolve_business_type = _field("business_type")
    resolve_customs_credit_class = _field("customs_credit_class")
    resolve_customs_credit_class_since = _field("customs_credit_class_since")


ENTERPRISE_NULL_CLEARS = frozenset({"name_en", "business_type", "customs_credit_class_since"})


class EnterpriseChange(Schema):
    """Only the fields given are changed; credit class fields need customs, the others the registry. null clears
    name_en, business_type and customs_credit_class_since; on any other field it is refused (null_not_allowed)."""

    name: str | None = None
    name_en: str | None = None
    credit_code: str | None = None
    customs_code: str | None = None
    business_type: str | None = None
    customs_credit_class: str | None = None
    customs_credit_class_since: str | None = None


class EnterpriseEventOut(Schema):
    """One change of the record, without the fields the requester's role may not see."""

    at: datetime
    actor_name: str
    role: str
    action: str
    before: dict | None
    after: dict | None

    @staticmethod
    def resolve_before(obj, context):
        return selectors.without_hidden(obj.before, _hidden(context))

    @staticmethod
    def resolve_after(obj, context):
        return selectors.without_hidden(obj.after, _hidden(context))


class EnterpriseIn(Schema):
    name: TextOf(Enterprise, "name")
    name_en: TextOf(Enterprise, "name_en") = ""
    credit_code: TextOf(Enterprise, "credit_code")
    customs_code: TextOf(Enterprise, "customs_code")
    zone_id: Id
    business_type: TextOf(Enterprise, "business_type") = ""


class MeOut(Schema):
    username: str
    role: str | None
    enterprise_id: int | None
    zone_id: int | None


@router.get("/me", response=MeOut, summary="Who am I")
def me(request: HttpRequest):
    a = actor(request)
    return MeOut(username=a.username, role=a.role, enterprise_id=a.enterprise_id, zone_id=a.zone_id)


@router.get("/zones", response=list[ZoneOut], summary="List zones")
@paginate(Pagination)
def list_zones(request: HttpRequest):
    return selectors.zones(actor(request))


@router.get("/enterprises", response=list[EnterpriseOut], summary="List enterprises")
@paginate(Pagination)
def list_enterprises(request: HttpRequest, zone_id: Id | None = None, q: Text(100) = ""):
    return selectors.enterprises(actor(request), zone_id=zone_id, q=q)


@router.get("/enterprises/{enterprise_id}", response=EnterpriseOut, summary="One enterprise")
def get_enterprise(request: HttpRequest, enterprise_id: Id):
    a = actor(request)
    enterprise = get_scoped(Enterprise, a, enterprise_id)
    audit.read(a, enterprise)  # a sensitive read: logged (core.audit.SENSITIVE_READS)
    return enterprise


@router.post("/enterprises", response={201: EnterpriseOut},
             auth=auth_for("core.add_enterprise"), summary="Register an enterprise")
def create_enterprise(request: HttpRequest, payload: EnterpriseIn):
    return Status(201, services.create_enterprise(actor=actor(request), **payload.dict()))


@router.patch("/enterprises/{enterprise_id}", response=EnterpriseOut, summary="Change an enterprise's record")
def update_enterprise(request: HttpRequest, enterprise_id: Id, payload: EnterpriseChange):
    return services.update_enterprise(actor=actor(request), enterprise_id=enterprise_id,
                                      changes=patch_changes(payload, ENTERPRISE_NULL_CLEARS))


@router.get("/enterprises/{enterprise_id}/history", response=list[EnterpriseEventOut],
            summary="An enterprise's change history")
@paginate(Pagination)
def enterprise_history(request: HttpRequest, enterprise_id: Id):
    return selectors.enterprise_history(actor(request), enterprise_id)


# ---------------------------------------------------------------- the working-day calendar
class CalendarDayIn(Schema):
    date: str
    kind: str
    name: str = ""


class CalendarDayOut(Schema):
    id: int
    date: date
    kind: str
    name: str


class CalendarYearIn(Schema):
    year: Int()
    note: str = ""


class CalendarYearOut(Schema):
    year: int
    source: str
    note: str
    holidays: int
    workdays: int


class CalendarYearDetail(CalendarYearOut):
    days: list[CalendarDayOut]


class CalendarImportOut(Schema):
    years: list[int]
    days: int


class WorkingDaysOut(Schema):
    start: date
    end: date
    working_days: int


def _year_out(a, year: int) -> dict:
    cy = get_scoped(selectors.calendar_years(a), a, year, field="year")
    return {"year": cy.year, "source": cy.source, "note": cy.note, "holidays": cy.holidays, "workdays": cy.workdays,
            "days": list(selectors.calendar_days(a, year))}


@router.get("/calendar/years", response=list[CalendarYearOut], summary="Years of the working-day calendar")
def calendar_years(request: HttpRequest):
    return list(selectors.calendar_years(actor(request)))


@router.get("/calendar/years/{year}", response=CalendarYearDetail, summary="One calendar year with its days")
def calendar_year(request: HttpRequest, year: Int()):
    return _year_out(actor(request), year)


@router.post("/calendar/years", response={201: CalendarYearDetail},
             auth=auth_for("core.manage_calendar"), summary="Declare a calendar year kept by hand")
def calendar_add_year(request: HttpRequest, payload: CalendarYearIn):
    a = actor(request)
    cy = services.add_calendar_year(actor=a, year=payload.year, note=payload.note)
    return Status(201, _year_out(a, cy.year))


@router.delete("/calendar/years/{year}", response={204: None},
               auth=auth_for("core.manage_calendar"), summary="Delete a calendar year")
def calendar_delete_year(request: HttpRequest, year: Int()):
    services.delete_calendar_year(actor=actor(request), year=year)
    return Status(204, None)


@router.post("/calendar/years/{year}/days", response={201: CalendarDayOut},
             auth=auth_for("core.manage_calendar"), summary="Add a holiday or make-up day")
def calendar_add_day(request: HttpRequest, year: Int(), payload: CalendarDayIn):
    a = actor(request)
    get_scoped(CalendarYear, a, year, field="year")
    return Status(201, services.add_calendar_day(actor=a, year=year, day=payload.date, kind=payload.kind,
                                                 name=payload.name))


@router.delete("/calendar/days/{day_id}", response={204: None},
               auth=auth_for("core.manage_calendar"), summary="Delete a calendar day")
def calendar_delete_day(request: HttpRequest, day_id: Id):
    services.delete_calendar_day(actor=actor(request), day_id=day_id)
    return Status(204, None)


@router.post("/calendar/import", response=CalendarImportOut, auth=auth_for("core.manage_calendar"),
             summary="Import the State Council's notice (CSV/XLSX/JSON: date, kind, name); its years are replaced")
def calendar_import(request: HttpRequest, file: UploadedFile = File(...), note: str = Form("")):
    a = actor(request)
    a.require("core.manage_calendar")
    rows = tabular.read_rows(file, tabular.guess_format(file.name or ""), required=services.CALENDAR_COLUMNS[:2],
                             known=services.CALENDAR_COLUMNS, name=file.name or "")
    return services.import_calendar(actor=a, rows=rows, note=note)


@router.get("/calendar/working-days", response=WorkingDaysOut,
            summary="Working days in (start, end]; 409 when a year has no calendar")
def calendar_working_days(request: HttpRequest, start: date, end: date):
    actor(request)
    n = workdays.working_days_between(selectors.work_calendar(), start, end, field="end")
    return {"start": start, "end": end, "working_days": n}


@router.get("/calendar/add-working-days", response=WorkingDaysOut,
            summary="The n-th working day after start (before it when n < 0); 409 when a year has no calendar")
def calendar_add_working_days(request: HttpRequest, start: date, n: Int()):
    actor(request)
    end = workdays.add_working_days(selectors.work_calendar(), start, n, field="n")
    return {"start": start, "end": end, "working_days": n}
