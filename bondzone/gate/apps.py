from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GateConfig(AppConfig):
    """卡口: release slips (核放单), gate passages and inspection."""

    name = "bondzone.gate"
    label = "gate"
    verbose_name = _("Gate")

    def ready(self):
        from . import permissions, scopes  # noqa: F401
