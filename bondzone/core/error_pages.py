"""The 403, 404 and 500 pages (settings: handler403/404/500 in bondzone/urls.py), with the navigation."""

from django.http import HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.utils.translation import gettext_lazy as _

ERRORS = {
    403: (_("Not allowed"), _("Your role may not open this page or do this.")),
    404: (_("Page not found"), _("There is no such page, or it holds nothing you may see.")),
    500: (_("Something went wrong"), _("The server could not answer this request. Nothing was changed by it; "
                                        "try again, and tell the platform administrator if it happens again.")),
}


def error_context(status: int, errors=()) -> dict:
    title, explanation = ERRORS[status]
    return {"status": status, "title": title, "explanation": explanation, "errors": list(errors)}


def forbidden(request, exception=None, errors=()):
    return render(request, "core/error.html", error_context(403, errors), status=403)


def not_found(request, exception=None):
    return render(request, "core/error.html", error_context(404), status=404)


def server_error(request):
    """Rendered without the request's context processors: they read the session and the user from the
    database, which may be what failed."""
    body = loader.get_template("core/error.html").render(error_context(500))
    return HttpResponseServerError(body)
