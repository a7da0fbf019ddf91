from datetime import datetime

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from bondzone.core import audit as core_audit
from bondzone.core import tabular
from bondzone.core.domain.errors import DomainError, problem
from bondzone.core.http import actor, auth_for
from bondzone.core.types import Id, Int, Pagination, Text

from . import exports, selectors, services
from .links import object_url

router = Router(tags=["sharing"])


class AuditChangeOut(Schema):
    field: str
    kind: str
    old: object | None = None
    new: object | None = None


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
    object_url: str
    before: dict | None
    after: dict | None
    changes: list[AuditChangeOut]

    @staticmethod
    def resolve_object_url(obj) -> str:
        return object_url(obj.object_type, obj.object_id)

    @staticmethod
    def resolve_before(obj, context):
        return selectors.sides(obj, _visible(context))[0]

    @staticmethod
    def resolve_after(obj, context):
        return selectors.sides(obj, _visible(context))[1]

    @staticmethod
    def resolve_changes(obj, context) -> list:
        return [c.__dict__ for c in selectors.changes(obj, _visible(context))]


def _visible(context) -> dict[str, frozenset[str]]:
    """The keys the requester may read per audited object type it sees in part, once per request."""
    request = context["request"]
    if not hasattr(request, "_bondzone_visible_audit_keys"):
        request._bondzone_visible_audit_keys = selectors.visible_keys(actor(request))
    return request._bondzone_visible_audit_keys


class AuditFilterIn(Schema):
    action: Text(64) = ""
    object_type: Text(64) = ""
    object_id: Text(64) = ""
    request_id: Text(64) = ""
    user: Text(150) = ""
    role: Text(20) = ""
    date_from: Text(10) = ""
    date_to: Text(10) = ""


@router.get("/audit-events", response=list[AuditEventOut],
            summary="Audit trail (scoped to your role), filtered by user, role, dates, object and action")
@paginate(Pagination)
def list_audit_events(request: HttpRequest, filters: Query[AuditFilterIn]):
    a = actor(request)
    a.require("core.view_audit")
    return selectors.audit_events(a, selectors.audit_filters(filters.dict()))


@router.get("/audit-events/export", summary="The audit trail as CSV or XLSX for inspectors (the export is logged)")
def export_audit_events(request: HttpRequest, filters: Query[AuditFilterIn], format: Text(4) = "csv"):
    a = actor(request)
    f = selectors.audit_filters(filters.dict())
    if format not in ("csv", "xlsx"):
        raise DomainError([problem("format", "unknown_format", value=format)])
    return tabular.download(exports.audit_export(a, f, format), format, "audit-trail")


class AgencyViewOut(Schema):
    dataset: str
    fields: list[str]
    count: int
    items: list[dict]


@router.get("/sharing/agency/{dataset}", response=AgencyViewOut,
            summary="A shared dataset (enterprises, books, lists) with only the fields your role may see")
def agency_view(request: HttpRequest, dataset: Text(20), id: Id | None = None, limit: Int(1, 500) = 50,
                offset: Int(0, 10**9) = 0):
    a = actor(request)
    fields, qs = selectors.agency_view(a, dataset, object_id=id)
    objects = list(qs[offset:offset + limit])
    if id is not None and len(objects) == 1:
        core_audit.read(a, objects[0])  # one record opened: logged if sensitive (core.audit.SENSITIVE_READS)
    return {"dataset": dataset, "fields": list(fields), "count": qs.count(),
            "items": selectors.agency_rows(dataset, fields, objects)}


class SubscriptionIn(Schema):
    name: Text(100)
    kinds: list[Text(40)] = Field(max_length=10)
    webhook_url: Text(500) = ""
    role: Text(20) | None = None
    zone_id: Id | None = None


class SubscriptionOut(Schema):
    id: int
    role: str
    zone_id: int | None
    name: str
    kinds: list[str]
    webhook_url: str
    active: bool
    secret_fingerprint: str = Field(description="first 8 hex digits of the secret's SHA-256; the secret itself is "
                                                "given once, in the answer that made it")


class SubscriptionCreated(SubscriptionOut):
    secret: str = Field(description="the webhook signing secret, given this once (empty without a webhook)")


@router.get("/sharing/subscriptions", response=list[SubscriptionOut], summary="Your agency's subscriptions")
@paginate(Pagination)
def list_subscriptions(request: HttpRequest):
    return selectors.subscriptions(actor(request))


@router.post("/sharing/subscriptions", response={201: SubscriptionCreated}, auth=auth_for("sharing.subscribe"),
             summary="Subscribe your agency to events (in-app, and a signed webhook when a URL is given)")
def create_subscription(request: HttpRequest, payload: SubscriptionIn):
    return Status(201, services.create_subscription(actor=actor(request), **payload.dict()))


@router.post("/sharing/subscriptions/{subscription_id}/rotate-secret", response=SubscriptionCreated,
             auth=auth_for("sharing.subscribe"),
             summary="Replace a webhook's signing secret (the new one is in this answer only)")
def rotate_subscription_secret(request: HttpRequest, subscription_id: Id):
    return services.rotate_secret(actor=actor(request), subscription_id=subscription_id)


class NotificationOut(Schema):
    id: int
    event: str
    event_id: int
    at: datetime
    subscription_id: int
    webhook: bool
    status: str
    attempts: int
    last_status_code: int | None
    last_error: str

    @staticmethod
    def resolve_event(obj) -> str:
        return obj.event.kind

    @staticmethod
    def resolve_at(obj):
        return obj.event.at


class AttemptOut(Schema):
    number: int
    at: datetime
    status_code: int | None
    error: str
    duration_ms: int


@router.get("/sharing/notifications", response=list[NotificationOut],
            summary="Events delivered to your agency, with each webhook's state")
@paginate(Pagination)
def list_notifications(request: HttpRequest, status: Text(10) = ""):
    return selectors.notifications(actor(request), status=status)


@router.get("/sharing/deliveries/{delivery_id}/log", response=list[AttemptOut], summary="A webhook's delivery log")
def delivery_log(request: HttpRequest, delivery_id: Id):
    return list(selectors.delivery_log(actor(request), delivery_id))
