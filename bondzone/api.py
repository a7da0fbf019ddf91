"""The REST API root: /api/v1/ (OpenAPI document at /api/v1/openapi.json, docs at /api/v1/docs)."""

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, ValidationError

from bondzone.core.domain.errors import DomainError, Problem
from bondzone.core.http import API_AUTH, error_body
from bondzone.core.messages import as_dicts

api = NinjaAPI(
    title="BondZone API",
    version="1",
    description="Comprehensive bonded zone platform: account books, verification lists, governance.",
    auth=API_AUTH,
    urls_namespace="api",
)

_PYDANTIC_CODES = {
    "missing": "required",
    "decimal_parsing": "not_a_number",
    "decimal_type": "not_a_number",
    "float_parsing": "not_a_number",
    "int_parsing": "not_an_integer",
    "int_type": "not_an_integer",
    "string_too_long": "too_long",
    "date_from_datetime_parsing": "bad_date",
    "date_parsing": "bad_date",
    "date_type": "bad_date",
}


def _field_path(loc) -> str:
    parts = [p for p in loc if p not in ("body", "payload", "query", "path", "form", "file", "header")]
    out = ""
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


@api.exception_handler(ValidationError)
def on_validation_error(request, exc: ValidationError):
    problems = []
    for err in exc.errors:
        code = _PYDANTIC_CODES.get(err.get("type", ""), "invalid")
        value = err.get("input")
        params = {"message": err.get("msg", ""), "value": "" if isinstance(value, dict) else value}
        if code == "too_long":
            params["max"] = (err.get("ctx") or {}).get("max_length", "")
        problems.append(Problem(_field_path(err.get("loc", ())), code, params))
    return api.create_response(request, error_body(DomainError(problems)), status=400)


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
    from bondzone.governance.api import router as governance_router
    from bondzone.sharing.api import router as sharing_router
    from bondzone.supervision.api import router as supervision_router

    api.add_router("/", core_router)
    api.add_router("/", supervision_router)
    api.add_router("/", sharing_router)
    api.add_router("/governance", governance_router)
    api.add_router("/evaluation", evaluation_router)
    api.add_router("/duties", duties_router)
    api.add_router("/cbec", cbec_router)


_mount_routers()
