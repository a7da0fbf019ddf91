from django.conf import settings
from django.contrib.auth import views as auth_views
from django.dispatch import receiver
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from axes.signals import user_locked_out

from django.contrib import messages

from . import audit, selectors, services
from .actor import ANONYMOUS
from .domain.errors import DomainError
from .models import TOKEN_DAYS, ApiToken
from .web import actor as web_actor, flash_refusal, page

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


@page
def tokens(request):
    """The user's API tokens: issue (shown once), list, revoke."""
    a = web_actor(request)
    new_raw = None
    if request.method == "POST":
        try:
            if "revoke" in request.POST:
                services.revoke_token(actor=a, token_id=request.POST["revoke"])
                messages.success(request, _("Token revoked."))
            else:
                _token, new_raw = services.issue_token(
                    actor=a, name=request.POST.get("name", ""), days=request.POST.get("days", TOKEN_DAYS),
                    scope=ApiToken.READ if request.POST.get("read_only") else ApiToken.WRITE)
        except DomainError as exc:
            flash_refusal(request, exc)
        if new_raw is None:
            return redirect("tokens")
    return render(request, "core/tokens.html", {"tokens": selectors.api_tokens(a), "new_raw": new_raw,
                                                "days": TOKEN_DAYS})
