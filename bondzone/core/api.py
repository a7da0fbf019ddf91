from django.http import HttpRequest
from ninja import Router, Schema, Status
from ninja.pagination import paginate

from .types import Id, Pagination, Text, TextOf

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
    return get_scoped(Enterprise, actor(request), enterprise_id)


@router.post("/enterprises", response={201: EnterpriseOut}, summary="Register an enterprise")
def create_enterprise(request: HttpRequest, payload: EnterpriseIn):
    return Status(201, services.create_enterprise(actor=actor(request), **payload.dict()))
