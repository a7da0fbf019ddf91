from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DutiesConfig(AppConfig):
    """关税与进口环节税: the duty engine, rate tables and exchange rates, quotations (issue 12)."""

    name = "bondzone.duties"
    label = "duties"
    verbose_name = _("Duties")

    def ready(self):
        from . import permissions, scopes  # noqa: F401
