from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SharingConfig(AppConfig):
    """Information sharing: the audit trail each role may see (scoped by core.scoping)."""

    name = "bondzone.sharing"
    label = "sharing"
    verbose_name = _("Information sharing")
