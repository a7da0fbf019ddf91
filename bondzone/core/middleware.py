import re

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db import DataError, IntegrityError
from django.http import JsonResponse
from django.shortcuts import render

from .context import reset_request_id, set_request_id
from .domain.errors import DomainError, Problem
from .error_pages import not_allowed
from .http import database_refusal, error_body, hostile_query
from .messages import as_dicts

_SAFE_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")


class RequestContextMiddleware:
    """Gives each request an id (X-Request-ID if the caller sent a sane one) for the audit trail."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        token = set_request_id(incoming if _SAFE_ID.match(incoming) else None)
        try:
            from .context import current_request_id

            request.request_id = current_request_id()
            response = self.get_response(request)
            response["X-Request-ID"] = request.request_id
            return response
        finally:
            reset_request_id(token)


def refusal_response(request, exc: DomainError):
    """A refusal outside any view: JSON on the API, a page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse(error_body(exc), status=exc.status)
    return render(request, "core/refused.html", {"errors": as_dicts(exc.problems)}, status=exc.status)


class BoundaryMiddleware:
    """Refuses query strings and form fields that no column can store (NUL, lone surrogates) and bodies
    over DATA_UPLOAD_MAX_MEMORY_SIZE on every path; turns a refusal (DomainError) or a database
    IntegrityError/DataError a page view did not foresee into a 4xx page (the API does the same in
    bondzone/api.py), and a page's blank 405 into the error page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            found = hostile_query(request)
        except RequestDataTooBig:
            limit = {"max": settings.DATA_UPLOAD_MAX_MEMORY_SIZE}
            return refusal_response(request, DomainError(Problem("", "request_too_large", limit)))
        if found is not None:
            return refusal_response(request, DomainError(found))
        response = self.get_response(request)
        if response.status_code == 405 and not request.path.startswith("/api/") and not response.streaming \
                and not response.content:
            return not_allowed(request, response.get("Allow", ""))  # Django's blank 405 (require_POST …)
        return response

    def process_exception(self, request, exc):
        if isinstance(exc, (IntegrityError, DataError)):
            return refusal_response(request, database_refusal(exc))
        if isinstance(exc, DomainError):  # a refusal a page view did not turn into a page itself
            return refusal_response(request, exc)
        return None


CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",  # no inline script anywhere: behaviours live in static files (bondzone/ui.js …)
    "style-src 'self' 'unsafe-inline'",  # style attributes in templates; ECharts and Swagger UI set styles
    "img-src 'self' data:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])


class SecurityHeadersMiddleware:
    """Content-Security-Policy on every response, and a Server header that names no software version
    (a WSGI server adds its own version only when the application sent none)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response["Server"] = "BondZone"
        return response
