from .actor import actor_of
from .models import ROLE_LABELS


def actor(request):
    a = actor_of(getattr(request, "user", None))
    return {"actor": a, "role_label": ROLE_LABELS.get(str(a.role or ""), "")}
