from django.conf import settings
from django.contrib.auth import views as auth_views
from django.dispatch import receiver
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from axes.signals import user_locked_out

from . import audit
from .actor import ANONYMOUS

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


def locked_out(request, original_response=None, credentials=None):
    """django-axes' answer once a user name or an address has failed too often: the log-in page again,
    with a sentence saying why and for how long (429)."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    message = _("Too many failed log-ins for this user name or from this address. Try again in %(minutes)s "
                "minutes.") % {"minutes": minutes}
    return render(request, "core/login.html", {"locked_out": message}, status=429)


@receiver(user_locked_out)
def audit_lockout(sender, request, username, ip_address, **kwargs):
    audit.record(ANONYMOUS, "auth.locked_out", object_type="auth.user", object_id=(username or "")[:64],
                 after={"username": (username or "")[:150], "ip_address": ip_address})
