from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

AUDIT_ACTIONS = {
    "enterprise.create": _("enterprise registered"),
}


class CoreConfig(AppConfig):
    name = "bondzone.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self):
        from . import labels, scopes  # noqa: F401  scopes registers scoping rules
        from .models import ROLE_LABELS

        labels.register("role", ROLE_LABELS)
        labels.register("audit_action", AUDIT_ACTIONS)
