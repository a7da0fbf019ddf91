from .actor import actor_of
from .models import ROLE_LABELS


def actor(request):
    a = actor_of(getattr(request, "user", None))
    return {"actor": a, "role_label": ROLE_LABELS.get(str(a.role or ""), "")}


def refused_form(request):
    """A refused form's problems and typed values (core.web.flash_refusal), read lazily by the form tags."""
    from django.utils.functional import SimpleLazyObject

    from .web import refused_form as take

    return {"refused_form": SimpleLazyObject(lambda: take(request) or {})}
