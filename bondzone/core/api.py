from datetime import date, datetime

from django.http import HttpRequest
from ninja import Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate

from . import selectors, services
from .http import actor
from .scoping import get_scoped
from .models import Enterprise

router = Router(tags=["core"])


class ZoneOut(Schema):
    id: int
    code: str
    name_zh: str
    name_en: str
    customs_office_code: str


class EnterpriseOut(Schema):
    id: int
    name: str
    name_en: str
    credit_code: str
    customs_code: str
    zone_id: int
    business_type: str
    customs_credit_class: str
    customs_credit_class_since: date | None


class EnterpriseChange(Schema):
    """Only the fields given are changed; credit class fields need customs, the others the registry."""

    name: str | None = None
    name_en: str | None = None
    credit_code: str | None = None
    customs_code: str | None = None
    business_type: str | None = None
    customs_credit_class: str | None = None
    customs_credit_class_since: str | None = None


class EnterpriseEventOut(Schema):
    at: datetime
    actor_name: str
    role: str
    action: str
    before: dict | None
    after: dict | None


class EnterpriseIn(Schema):
    name: str
    name_en: str = ""
    credit_code: str
    customs_code: str
    zone_id: int
    business_type: str = ""


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
@paginate(LimitOffsetPagination)
def list_zones(request: HttpRequest):
    return selectors.zones(actor(request))


@router.get("/enterprises", response=list[EnterpriseOut], summary="List enterprises")
@paginate(LimitOffsetPagination)
def list_enterprises(request: HttpRequest, zone_id: int | None = None, q: str = ""):
    return selectors.enterprises(actor(request), zone_id=zone_id, q=q)


@router.get("/enterprises/{enterprise_id}", response=EnterpriseOut, summary="One enterprise")
def get_enterprise(request: HttpRequest, enterprise_id: int):
    return get_scoped(Enterprise, actor(request), enterprise_id)


@router.post("/enterprises", response={201: EnterpriseOut}, summary="Register an enterprise")
def create_enterprise(request: HttpRequest, payload: EnterpriseIn):
    return Status(201, services.create_enterprise(actor=actor(request), **payload.dict()))


@router.patch("/enterprises/{enterprise_id}", response=EnterpriseOut, summary="Change an enterprise's record")
def update_enterprise(request: HttpRequest, enterprise_id: int, payload: EnterpriseChange):
    return services.update_enterprise(actor=actor(request), enterprise_id=enterprise_id,
                                      changes=payload.dict(exclude_unset=True))


@router.get("/enterprises/{enterprise_id}/history", response=list[EnterpriseEventOut],
            summary="An enterprise's change history")
@paginate(LimitOffsetPagination)
def enterprise_history(request: HttpRequest, enterprise_id: int):
    return selectors.enterprise_history(actor(request), enterprise_id)
