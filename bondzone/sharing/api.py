from datetime import datetime

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.pagination import paginate

from bondzone.core.types import Pagination

from bondzone.core import selectors
from bondzone.core.http import actor

router = Router(tags=["sharing"])


class AuditEventOut(Schema):
    id: int
    at: datetime
    actor_name: str
    role: str
    enterprise_id: int | None
    request_id: str
    action: str
    object_type: str
    object_id: str
    before: dict | None
    after: dict | None


@router.get("/audit-events", response=list[AuditEventOut], summary="Audit trail (scoped to your role)")
@paginate(Pagination)
def list_audit_events(request: HttpRequest, action: str = "", object_type: str = "", object_id: str = "",
                      request_id: str = ""):
    a = actor(request)
    a.require("core.view_audit")
    return selectors.audit_events(a, action=action, object_type=object_type, object_id=object_id,
                                  request_id=request_id)
