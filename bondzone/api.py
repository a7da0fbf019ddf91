"""The REST API root: /api/v1/ (OpenAPI document at /api/v1/openapi.json, docs at /api/v1/docs)."""

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, RequestDataTooBig
from django.db import DataError, IntegrityError
from django.http import Http404
from django.urls import include, path
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.openapi.urls import get_openapi_urls, get_root_url

from bondzone.core.domain.errors import DomainError, Problem
from bondzone.core.http import API_AUTH, BoundaryParser, database_refusal, error_body
from bondzone.core.messages import as_dicts
from bondzone.core.types import problems_of

_ERROR_SCHEMAS = {
    "FieldError": {"type": "object", "required": ["field", "code", "message"], "properties": {
        "field": {"type": "string", "description": "the field at fault (\"\" for the request as a whole)"},
        "code": {"type": "string", "description": "a stable problem code (bondzone/core/messages.py)"},
        "message": {"type": "string", "description": "the problem in the request's language"}}},
    "Error": {"type": "object", "required": ["detail", "errors"], "properties": {
        "detail": {"type": "string"},
        "errors": {"type": "array", "items": {"$ref": "#/components/schemas/FieldError"}}}},
}
_ERROR_RESPONSES = {
    "400": "Bad input: a field-level problem per bad field; nothing was written",
    "401": "Not logged in (no session, or no valid bearer token)",
    "403": "Your role may not do this",
    "404": "No such object that you may see",
    "409": "Conflicts with the current state (or an Idempotency-Key reused with another payload)",
    "413": "The request body is larger than the limit",
}


class BondZoneAPI(NinjaAPI):
    """The OpenAPI document names the error answers every operation can give (one `Error` schema); a
    validation error keeps the submitted value (ninja drops it), so the message can show it; the routes of
    a router mounted under a prefix of its own are one include()."""

    def _get_urls(self):
        # ninja lists all 240 routes flat, and Django tries them in order: /gate/events was matched after 175
        # others (0.4–0.9 ms a request; 66 µs grouped). Grouped, a path is tried against each prefix once, then
        # against its own router's routes. (NinjaAPI._get_urls, django-ninja 1.7, otherwise unchanged.)
        urls = get_openapi_urls(self)
        for bound in self._get_bound_routers():
            prefix = bound.prefix.strip("/")
            if prefix:
                urls.append(path(f"{prefix}/", include(list(bound.urls_paths("")))))
            else:
                urls.extend(bound.urls_paths(bound.prefix))
        urls.append(get_root_url(self))
        return urls

    def validation_error_from_error_contexts(self, error_contexts):
        errors = []
        for context in error_contexts:
            model = context.model
            for err in context.pydantic_validation_error.errors(include_url=False):
                err["loc"] = (model.__ninja_param_source__,) + model.__ninja_flatten_map_reverse__.get(err["loc"], err["loc"])
                if isinstance((err.get("ctx") or {}).get("error"), Exception):
                    err["ctx"]["error"] = str(err["ctx"]["error"])
                errors.append(err)
        return ValidationError(errors)

    def get_openapi_schema(self, *args, **kwargs):
        schema = super().get_openapi_schema(*args, **kwargs)
        schema.setdefault("components", {}).setdefault("schemas", {}).update(_ERROR_SCHEMAS)
        for operations in schema["paths"].values():
            for method, op in operations.items():
                codes = ["400", "404", "409"]  # 409: refused by the current state (a missing calendar year …)
                if op.get("security"):
                    codes += ["401", "403"]
                if method in ("post", "put", "patch", "delete"):
                    codes += ["413"]
                for code in codes:
                    op["responses"].setdefault(code, {"description": _ERROR_RESPONSES[code], "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}})
        return schema


api = BondZoneAPI(
    title="BondZone API",
    version="1",
    description="Comprehensive bonded zone platform: account books, verification lists, governance.",
    auth=API_AUTH,
    urls_namespace="api",
    parser=BoundaryParser(),
)

@api.exception_handler(ValidationError)
def on_validation_error(request, exc: ValidationError):
    return api.create_response(request, error_body(DomainError(problems_of(exc.errors, located=True))), status=400)


@api.exception_handler(HttpError)
def on_http_error(request, exc: HttpError):
    cause = exc.__cause__
    if isinstance(cause, DomainError):  # refused by BoundaryParser while ninja read the body
        return api.create_response(request, error_body(cause), status=cause.status)
    return api.create_response(request, {"detail": str(exc), "errors": []}, status=exc.status_code)


@api.exception_handler(RequestDataTooBig)
def on_too_big(request, exc):
    p = Problem("", "request_too_large", {"max": settings.DATA_UPLOAD_MAX_MEMORY_SIZE})
    return api.create_response(request, error_body(DomainError(p)), status=413)


@api.exception_handler(IntegrityError)
@api.exception_handler(DataError)
def on_database_refusal(request, exc):
    err = database_refusal(exc)
    return api.create_response(request, error_body(err), status=err.status)


@api.exception_handler(DomainError)
def on_domain_error(request, exc: DomainError):
    return api.create_response(request, error_body(exc), status=exc.status)


@api.exception_handler(AuthenticationError)
def on_auth_error(request, exc):
    body = {"detail": _("Log in first."), "errors": as_dicts([Problem("", "not_authenticated")])}
    return api.create_response(request, body, status=401)


@api.exception_handler(PermissionDenied)
def on_permission_denied(request, exc):
    return api.create_response(request, {"detail": str(exc) or _("Forbidden."), "errors": []}, status=403)


@api.exception_handler(Http404)
@api.exception_handler(ObjectDoesNotExist)
def on_not_found(request, exc):
    return api.create_response(request, {"detail": _("Not found."), "errors": []}, status=404)


def _mount_routers():
    from bondzone.cbec.api import router as cbec_router
    from bondzone.core.api import router as core_router
    from bondzone.duties.api import router as duties_router
    from bondzone.evaluation.api import router as evaluation_router
    from bondzone.gate.api import router as gate_router
    from bondzone.processing.api import router as processing_router
    from bondzone.governance.api import router as governance_router
    from bondzone.servicedesk.api import open311 as open311_router
    from bondzone.servicedesk.api import router as servicedesk_router
    from bondzone.sharing.api import router as sharing_router
    from bondzone.supervision.api import router as supervision_router

    api.add_router("/", core_router)
    api.add_router("/", supervision_router)
    api.add_router("/", sharing_router)
    api.add_router("/governance", governance_router)
    api.add_router("/evaluation", evaluation_router)
    api.add_router("/duties", duties_router)
    api.add_router("/cbec", cbec_router)
    api.add_router("/gate", gate_router)
    api.add_router("/processing", processing_router)
    api.add_router("/servicedesk", servicedesk_router)
    api.add_router("/open311", open311_router)


_mount_routers()
