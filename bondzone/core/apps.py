from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "bondzone.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self):
        from . import checks, scopes  # noqa: F401  registers system checks and scoping rules
