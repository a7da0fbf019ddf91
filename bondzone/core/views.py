from django.contrib.auth import views as auth_views
from django.shortcuts import redirect

from .actor import actor_of
from .domain.roles import Role


class LoginView(auth_views.LoginView):
    template_name = "core/login.html"
    redirect_authenticated_user = True


def home(request):
    if not request.user.is_authenticated:
        return redirect("login")
    a = actor_of(request.user)
    if a.role == Role.CUSTOMS:
        return redirect("supervision:queue")
    if a.role == Role.COMMERCE:
        return redirect("governance:index")
    return redirect("supervision:dashboard")
