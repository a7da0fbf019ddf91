"""The 400, 403, 404, 405 and 500 pages (handler403/404/500 in bondzone/urls.py; 405 from
core.middleware.BoundaryMiddleware, 400 from `page` for a request no page can answer), with the navigation."""

from django.http import HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.urls import Resolver404, resolve
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _

ERRORS = {
    400: (_("Not understood"), _("This page cannot answer the request as it was asked.")),
    403: (_("Not allowed"), _("Your role may not open this page or do this.")),
    404: (_("Page not found"), _("There is no such page, or it holds nothing you may see.")),
    405: (_("Not opened this way"), _("This address only takes a form sent from its page; go back to the page "
                                     "and use its button.")),
    500: (_("Something went wrong"), _("The server could not answer this request. Nothing was changed by it; "
                                        "try again, and tell the platform administrator if it happens again.")),
}


def error_context(status: int, errors=(), back: str = "") -> dict:
    title, explanation = ERRORS[status]
    return {"status": status, "title": title, "explanation": explanation, "errors": list(errors), "back": back}


def back_of(request) -> str:
    """Where "Back" leads: the page the reader came from (on this site), else the nearest page above the
    address ("/evaluation/values/new" -> "/evaluation/values/"); "" when neither."""
    came_from = request.headers.get("Referer", "")
    if came_from and url_has_allowed_host_and_scheme(came_from, {request.get_host()}, request.is_secure()):
        return came_from
    parts = request.path.strip("/").split("/")[:-1]
    while parts:
        path = "/" + "/".join(parts) + "/"
        try:
            resolve(path)
        except Resolver404:
            parts.pop()
            continue
        return path
    return ""


def bad_request(request, errors=()):
    return render(request, "core/error.html", error_context(400, errors, back_of(request)), status=400)


def forbidden(request, exception=None, errors=()):
    return render(request, "core/error.html", error_context(403, errors), status=403)


def not_found(request, exception=None):
    return render(request, "core/error.html", error_context(404), status=404)


def not_allowed(request, allow: str):
    """A page address asked with a method it does not take (a GET on a form's target): the page, with the
    Allow header kept."""
    response = render(request, "core/error.html", error_context(405, back=back_of(request)), status=405)
    response["Allow"] = allow
    return response


def server_error(request):
    """Rendered without the request's context processors: they read the session and the user from the
    database, which may be what failed."""
    body = loader.get_template("core/error.html").render(error_context(500))
    return HttpResponseServerError(body)
