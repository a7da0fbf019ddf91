"""REST endpoints of the service desk (/api/v1/servicedesk/) and the Open311 GeoReport v2 read API
(/api/v1/open311/): thin wrappers over selectors and services."""


from datetime import date
from typing import Literal

from django.http import HttpRequest
from ninja import Header, Router, Status
from ninja.pagination import paginate

from bondzone.core import tabular
from bondzone.core.types import ChoiceOf, Id, Int, Pagination

from bondzone.core.actor import PUBLIC_READER
from bondzone.core.http import actor, auth_for, patch_changes

from .models import ServiceRequest
from . import exports, selectors, services
from .domain.lifecycle import OPEN_STATUSES
from .schemas import (
    ArticleLinkIn, ConversionOut, GuideIn, GuideOut, KeyListIn, ProjectMoveIn, MoveOut, ProjectIn, ProjectOut, ProjectPatch,
    PromotionEventIn, PromotionEventOut,
    ArticleIn, ArticleOut, ArticlePatch, CategoryIn, CategoryOut, CategoryPatch, EventOut, ExtendIn, FeedbackIn, Open311Definition, Open311Request,
    Open311Service, RateRowOut, RequestReasonIn, RequestReminderRunOut, RequestIn, RequestOut, TextIn, UnitStepIn,
)

router = Router(tags=["servicedesk"])
# PATCH: an explicit null clears these (empty text, no unit or category); on any other field it is refused
# (core.http.patch_changes), never read as the default (a category's kind, active, a project's zone)
CATEGORY_NULL_CLEARS = frozenset({"name_en", "description", "group", "default_unit_id"})
ARTICLE_NULL_CLEARS = frozenset({"title_en", "body_en", "category_id", "tags"})
PROJECT_NULL_CLEARS = frozenset({"name_en", "investor", "team", "note", "planned_investment"})
open311 = Router(tags=["open311"])


# ---------------------------------------------------------------- categories
@router.get("/categories", response=list[CategoryOut], summary="Request categories (dispatch catalogue)")
@paginate(Pagination)
def list_categories(request: HttpRequest, active: bool | None = None):
    return selectors.categories(actor(request), active=active)


@router.post("/categories", response={201: CategoryOut}, auth=auth_for("servicedesk.manage"), summary="Add a category")
def create_category(request: HttpRequest, payload: CategoryIn):
    data = payload.dict()
    if data.get("resolve_within") is None:
        data.pop("resolve_within")
    return Status(201, services.create_category(actor=actor(request), data=data))


@router.patch("/categories/{category_id}", response=CategoryOut,
              auth=auth_for("servicedesk.manage"), summary="Change a category or its time limits")
def update_category(request: HttpRequest, category_id: Id, payload: CategoryPatch):
    return services.update_category(actor=actor(request), category_id=category_id,
                                    data=patch_changes(payload, CATEGORY_NULL_CLEARS))


# ---------------------------------------------------------------- knowledge articles
@router.get("/knowledge", response=list[ArticleOut], summary="Knowledge articles you may read (search, category)")
@paginate(Pagination)
def list_articles(request: HttpRequest, q: str = "", category_id: Id | None = None):
    return selectors.articles(actor(request), q=q.strip()[:100], category_id=category_id)


@router.get("/knowledge/{article_id}", response=ArticleOut, summary="One knowledge article")
def get_article(request: HttpRequest, article_id: Id):
    return selectors.article(actor(request), article_id)


@router.post("/knowledge", response={201: ArticleOut},
             auth=auth_for("servicedesk.write_knowledge"), summary="Write a knowledge article (draft unless published)")
def create_article(request: HttpRequest, payload: ArticleIn):
    return Status(201, services.create_article(actor=actor(request), data=payload.dict()))


@router.patch("/knowledge/{article_id}", response=ArticleOut,
              auth=auth_for("servicedesk.write_knowledge"), summary="Change, publish or unpublish an article")
def update_article(request: HttpRequest, article_id: Id, payload: ArticlePatch):
    data = patch_changes(payload, ARTICLE_NULL_CLEARS)
    published = data.pop("published", None)
    a = actor(request)
    article = services.update_article(actor=a, article_id=article_id, data=data)
    if published is not None:
        article = services.publish_article(actor=a, article_id=article_id, published=published)
    return article


# ---------------------------------------------------------------- requests
@router.get("/requests", response=list[RequestOut], summary="Service requests you may see")
@paginate(Pagination)
def list_requests(request: HttpRequest, status: ChoiceOf(ServiceRequest, "status", "open") = "", unit_id: Id | None = None,
                  zone_id: Id | None = None,
                  category_id: Id | None = None, q: str = "", overdue: bool = False):
    return selectors.requests(actor(request), status=status, unit_id=unit_id, zone_id=zone_id,
                              category_id=category_id, q=q, overdue=overdue)


@router.post("/requests", response={201: RequestOut},
             auth=auth_for("servicedesk.file"), summary="File a request (enterprise)")
def file_request(request: HttpRequest, payload: RequestIn):
    return Status(201, services.file_request(actor=actor(request), data=payload.dict()))


@router.get("/requests/{request_id}", response=RequestOut, summary="One request")
def get_request(request: HttpRequest, request_id: Id):
    return selectors.request(actor(request), request_id)


@router.get("/requests/{request_id}/events", response=list[EventOut], summary="Steps of a request")
def request_events(request: HttpRequest, request_id: Id):
    return list(selectors.events(actor(request), request_id))


def _unit_step(name):
    def call(request: HttpRequest, request_id: Id, payload: UnitStepIn):
        fn = getattr(services, name)
        kwargs = {"unit_id": payload.unit_id}
        if name == "transfer":
            kwargs["reason"] = payload.reason
        elif name == "dispatch":
            kwargs["note"] = payload.note
        return fn(actor=actor(request), request_id=request_id, **kwargs)
    return call


router.post("/requests/{request_id}/dispatch", response=RequestOut, summary="Dispatch to a unit",
            operation_id="servicedesk_dispatch", auth=auth_for("servicedesk.dispatch"))(_unit_step("dispatch"))
router.post("/requests/{request_id}/transfer", response=RequestOut, summary="Transfer to another unit (转办)",
            operation_id="servicedesk_transfer", auth=auth_for("servicedesk.handle"))(_unit_step("transfer"))
router.post("/requests/{request_id}/co-units", response=RequestOut, summary="Add a co-handling unit (协办)",
            operation_id="servicedesk_add_co_unit", auth=auth_for("servicedesk.handle"))(_unit_step("add_co_unit"))


@router.post("/requests/{request_id}/return", response=RequestOut,
             auth=auth_for("servicedesk.handle"), summary="Return to the dispatcher (退单)")
def return_request(request: HttpRequest, request_id: Id, payload: RequestReasonIn):
    return services.return_request(actor=actor(request), request_id=request_id, reason=payload.reason)


@router.post("/requests/{request_id}/sign", response=RequestOut,
             auth=auth_for("servicedesk.handle"), summary="Sign for the request (签收)")
def sign(request: HttpRequest, request_id: Id):
    return services.sign(actor=actor(request), request_id=request_id)


@router.post("/requests/{request_id}/start", response=RequestOut,
             auth=auth_for("servicedesk.handle"), summary="Start work")
def start(request: HttpRequest, request_id: Id, payload: TextIn):
    return services.start(actor=actor(request), request_id=request_id, note=payload.text)


@router.post("/requests/{request_id}/pause", response=RequestOut,
             auth=auth_for("servicedesk.handle"), summary="Pause the clock")
def pause(request: HttpRequest, request_id: Id, payload: RequestReasonIn):
    return services.pause(actor=actor(request), request_id=request_id, reason=payload.reason)


@router.post("/requests/{request_id}/resume", response=RequestOut,
             auth=auth_for("servicedesk.handle"), summary="Resume the clock")
def resume(request: HttpRequest, request_id: Id, payload: TextIn):
    return services.resume(actor=actor(request), request_id=request_id, note=payload.text)


@router.post("/requests/{request_id}/extend", response=RequestOut,
             auth=auth_for("servicedesk.dispatch"), summary="Grant more working days")
def extend(request: HttpRequest, request_id: Id, payload: ExtendIn):
    return services.extend(actor=actor(request), request_id=request_id, workdays=payload.workdays,
                           reason=payload.reason)


@router.post("/requests/{request_id}/notes", response=RequestOut,
             auth=auth_for("servicedesk.handle"), summary="Internal note")
def add_note(request: HttpRequest, request_id: Id, payload: TextIn):
    return services.add_note(actor=actor(request), request_id=request_id, text=payload.text)


@router.post("/requests/{request_id}/reply", response=RequestOut,
             auth=auth_for("servicedesk.handle"), summary="Reply to the enterprise")
def reply(request: HttpRequest, request_id: Id, payload: TextIn):
    return services.reply(actor=actor(request), request_id=request_id, text=payload.text)


@router.post("/requests/{request_id}/article", response=RequestOut, auth=auth_for("servicedesk.handle"),
             summary="Link a published knowledge article that answers the request")
def link_article(request: HttpRequest, request_id: Id, payload: ArticleLinkIn):
    return services.link_article(actor=actor(request), request_id=request_id, article_id=payload.article_id)


@router.post("/requests/{request_id}/escalate", response=RequestOut,
             auth=auth_for("servicedesk.dispatch"), summary="Escalate to the joint-meeting issues")
def escalate(request: HttpRequest, request_id: Id, payload: RequestReasonIn):
    return services.escalate(actor=actor(request), request_id=request_id, reason=payload.reason)


@router.post("/requests/{request_id}/feedback", response=RequestOut,
             auth=auth_for("servicedesk.file"), summary="Rate the reply (enterprise)")
def feedback(request: HttpRequest, request_id: Id, payload: FeedbackIn):
    return services.rate(actor=actor(request), request_id=request_id, satisfaction=payload.satisfaction,
                         solved=payload.solved, comment=payload.comment)


@router.post("/requests/{request_id}/callback", response=RequestOut,
             auth=auth_for("servicedesk.dispatch"), summary="Record a callback (回访)")
def callback(request: HttpRequest, request_id: Id, payload: FeedbackIn):
    return services.callback(actor=actor(request), request_id=request_id, satisfaction=payload.satisfaction,
                             solved=payload.solved, comment=payload.comment)


@router.get("/rates", response=list[RateRowOut], summary="Response, solution, satisfaction, on-time rates")
def rate_table(request: HttpRequest, by: str = "unit", since: date | None = None, until: date | None = None,
               zone_id: Id | None = None):
    return selectors.rate_table(actor(request), by=by, since=since, until=until, zone_id=zone_id)


@router.post("/reminders/run", response=RequestReminderRunOut,
             auth=auth_for("servicedesk.run_reminders"), summary="Write the reminders owed now")
def run_reminders(request: HttpRequest):
    return services.run_reminders(actor=actor(request))


# ---------------------------------------------------------------- investment guide (public read, staff write)
def _with_policies(a, guide):
    guide.policies = selectors.guide_policies(a, guide)
    return guide


@router.get("/guides", response=list[GuideOut], auth=None, summary="The published investment guide of every zone")
def list_guides(request: HttpRequest):
    return [_with_policies(PUBLIC_READER, g) for g in selectors.published_guides().prefetch_related("spaces")]


@router.get("/guides/{zone_code}", response=GuideOut, auth=None, summary="A zone's published investment guide")
def get_guide(request: HttpRequest, zone_code: str):
    return _with_policies(PUBLIC_READER, selectors.published_guide(zone_code))


@router.get("/guides/{zone_code}/versions", response=list[GuideOut], summary="Every version of a zone's guide")
@paginate(Pagination)
def list_guide_versions(request: HttpRequest, zone_code: str):
    a = actor(request)
    a.require("servicedesk.view_guide_drafts")
    return [_with_policies(a, g) for g in selectors.guide_versions(a, zone_code).prefetch_related("spaces")]


@router.post("/guides/{zone_code}/versions", response={201: GuideOut}, auth=auth_for("servicedesk.write_guide"),
             summary="Write a new draft version (sections left out are copied from the latest version)")
def write_guide(request: HttpRequest, zone_code: str, payload: GuideIn):
    a = actor(request)
    data = payload.dict(exclude_unset=True)
    if data.get("spaces") is not None:
        data["spaces"] = [dict(s) for s in data["spaces"]]
    version = services.write_guide(actor=a, zone=zone_code, data=data)
    return Status(201, _with_policies(a, selectors.guide_version(a, version.pk)))


@router.post("/guide-versions/{version_id}/publish", response=GuideOut, auth=auth_for("servicedesk.write_guide"),
             summary="Publish a version: it becomes the zone's public guide")
def publish_guide(request: HttpRequest, version_id: Id):
    a = actor(request)
    version = services.publish_guide(actor=a, version_id=version_id)
    return _with_policies(a, selectors.guide_version(a, version.pk))


# ---------------------------------------------------------------- investment promotion (招商引资)
@router.get("/projects", response=list[ProjectOut], summary="Promotion projects you may see")
@paginate(Pagination)
def list_projects(request: HttpRequest, stage: str = "", zone_id: Id | None = None, unit_id: Id | None = None,
                  q: str = ""):
    a = actor(request)
    a.require("servicedesk.view_promotion")
    return selectors.projects(a, stage=stage[:12], zone_id=zone_id, unit_id=unit_id, q=q.strip()[:100])


@router.post("/projects", response={201: ProjectOut},
             auth=auth_for("servicedesk.promote"), summary="Add a prospective project (a lead)")
def create_project(request: HttpRequest, payload: ProjectIn, idempotency_key: str | None = Header(
        None, alias="Idempotency-Key", description="optional; a retry with the same key is safe")):
    a = actor(request)
    project = services.create_project(actor=a, data=payload.dict(), idempotency_key=idempotency_key)
    return Status(201, selectors.project(a, project.pk))


@router.get("/projects/{project_id}", response=ProjectOut, summary="One promotion project")
def get_project(request: HttpRequest, project_id: Id):
    a = actor(request)
    a.require("servicedesk.view_promotion")
    return selectors.project(a, project_id)


@router.patch("/projects/{project_id}", response=ProjectOut,
              auth=auth_for("servicedesk.promote"), summary="Change a project's details")
def update_project(request: HttpRequest, project_id: Id, payload: ProjectPatch):
    a = actor(request)
    services.update_project(actor=a, project_id=project_id, data=patch_changes(payload, PROJECT_NULL_CLEARS))
    return selectors.project(a, project_id)


@router.get("/projects/{project_id}/moves", response=list[MoveOut], summary="A project's stage history")
def project_moves(request: HttpRequest, project_id: Id):
    a = actor(request)
    a.require("servicedesk.view_promotion")
    selectors.project(a, project_id)
    return selectors.project_moves(a, project_id)


@router.post("/projects/{project_id}/move", response=ProjectOut,
             auth=auth_for("servicedesk.promote"), summary="Move a project to another stage")
def move_project(request: HttpRequest, project_id: Id, payload: ProjectMoveIn):
    a = actor(request)
    services.move_project(actor=a, project_id=project_id, stage=payload.stage, note=payload.note)
    return selectors.project(a, project_id)


@router.post("/projects/{project_id}/key-list", response=ProjectOut, auth=auth_for("servicedesk.key_list"),
             summary="Put a signed project on the annual key-project list (governance)")
def put_on_key_list(request: HttpRequest, project_id: Id, payload: KeyListIn):
    a = actor(request)
    services.put_on_key_list(actor=a, project_id=project_id, year=payload.year, lead_unit_id=payload.lead_unit_id)
    return selectors.project(a, project_id)


@router.get("/promotion-events", response=list[PromotionEventOut], summary="Promotion events you may see")
@paginate(Pagination)
def list_promotion_events(request: HttpRequest, project_id: Id | None = None):
    a = actor(request)
    a.require("servicedesk.view_promotion")
    return selectors.promotion_events(a, project_id=project_id)


@router.post("/promotion-events", response={201: PromotionEventOut}, auth=auth_for("servicedesk.promote"),
             summary="Record a visit, promotion conference or targeted invitation")
def record_promotion_event(request: HttpRequest, payload: PromotionEventIn, idempotency_key: str | None = Header(
        None, alias="Idempotency-Key", description="optional; a retry with the same key is safe")):
    return Status(201, services.record_event(actor=actor(request), data=payload.dict(),
                                             idempotency_key=idempotency_key))


@router.get("/promotion/export", summary="The promotion pipeline as CSV, XLSX or JSON (projects and conversion; "
            "synthetic demo projects named in the notes)")
def export_promotion(request: HttpRequest, format: str = "csv", stage: str = "", zone_id: Id | None = None,
                     unit_id: Id | None = None, q: str = ""):
    body = exports.pipeline_export(actor(request), format[:10], stage=stage[:20], zone_id=zone_id, unit_id=unit_id,
                                   q=q.strip()[:100])
    return tabular.download(body, format, "promotion-pipeline")


@router.get("/promotion/conversion", response=list[ConversionOut],
            summary="Conversion per promoting unit and stage (first row: all units)")
def promotion_conversion(request: HttpRequest, zone_id: Id | None = None):
    a = actor(request)
    a.require("servicedesk.view_promotion")
    return selectors.conversion(a, zone_id=zone_id)


# ---------------------------------------------------------------- Open311 GeoReport v2 (read)
def _service(c) -> dict:
    return {"service_code": c.code, "service_name": c.name, "description": c.description,
            "metadata": bool(c.attributes), "type": "realtime", "keywords": c.keywords, "group": c.group}


@open311.get("/services.json", response=list[Open311Service], auth=None, summary="Open311: service list")
def open311_services(request: HttpRequest):
    return [_service(c) for c in selectors.categories(PUBLIC_READER, active=True)]


@open311.get("/services/{service_code}.json", response=Open311Definition, auth=None,
             summary="Open311: service definition")
def open311_definition(request: HttpRequest, service_code: str):
    c = selectors.category_by_code(PUBLIC_READER, service_code)
    return {"service_code": c.code, "attributes": [
        {"variable": True, "code": a["code"], "datatype": a["datatype"], "required": a["required"],
         "datatype_description": "", "order": a["order"], "description": a["description"],
         "values": [{"key": v, "name": v} for v in a["values"]]} for a in c.attributes]}


def _open311_request(r) -> dict:
    stamps = [t for t in (r.submitted_at, r.dispatched_at, r.signed_at, r.replied_at, r.closed_at) if t]
    return {"service_request_id": r.number, "status": "open" if r.status in OPEN_STATUSES else "closed",
            "status_notes": r.get_status_display(), "service_name": r.category.name, "service_code": r.category.code,
            "description": r.title, "agency_responsible": r.lead_unit.name if r.lead_unit else "",
            "service_notice": r.reply, "requested_datetime": r.submitted_at, "updated_datetime": max(stamps),
            "expected_datetime": r.due_at, "address": r.zone.name_zh, "address_id": r.zone.code, "zipcode": "",
            "lat": None, "long": None, "media_url": ""}


@open311.get("/requests.json", response=list[Open311Request], summary="Open311: requests you may see")
def open311_requests(request: HttpRequest, service_code: str = "", status: Literal["", "open", "closed"] = "",
                     start_date: date | None = None, end_date: date | None = None,
                     page: Int(1, 10**6) = 1, page_size: Int(1, 1000) = 50):
    """Newest first; paging as the Open311 paging extension (page ≤ 10⁶, page_size ≤ 1000)."""
    qs = selectors.requests(actor(request), since=start_date, until=end_date)
    if service_code:
        qs = qs.filter(category__code__in=service_code.split(","))
    if status == "open":
        qs = qs.filter(status__in=[s.value for s in OPEN_STATUSES])
    elif status == "closed":
        qs = qs.exclude(status__in=[s.value for s in OPEN_STATUSES])
    return [_open311_request(r) for r in qs[(page - 1) * page_size:page * page_size]]


@open311.get("/requests/{service_request_id}.json", response=list[Open311Request], summary="Open311: one request")
def open311_request(request: HttpRequest, service_request_id: str):
    return [_open311_request(selectors.request_by_number(actor(request), service_request_id))]
