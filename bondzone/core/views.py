from django.contrib.auth import views as auth_views
from django.http import HttpResponseServerError
from django.shortcuts import redirect, render
from django.template import loader
from django.utils.translation import gettext_lazy as _

from .actor import actor_of
from .domain.roles import Role

ERRORS = {
    403: (_("Not allowed"), _("Your role may not open this page or do this.")),
    404: (_("Page not found"), _("There is no such page, or it holds nothing you may see.")),
    500: (_("Something went wrong"), _("The server could not answer this request. Nothing was changed by it; "
                                        "try again, and tell the platform administrator if it happens again.")),
}


class LoginView(auth_views.LoginView):
    template_name = "core/login.html"
    redirect_authenticated_user = True


def home(request):
    """Each role starts where its work is; a visitor who is not logged in gets the public information."""
    if not request.user.is_authenticated:
        return render(request, "core/landing.html")
    a = actor_of(request.user)
    if a.role == Role.CUSTOMS:
        return redirect("supervision:queue")
    if a.role in (Role.COMMERCE, Role.MARKET):
        return redirect("governance:index")
    return redirect("supervision:dashboard")


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
