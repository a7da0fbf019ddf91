from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServicedeskConfig(AppConfig):
    """一站式服务: enterprise service requests (诉求), dispatch, time limits, feedback and rates."""

    name = "bondzone.servicedesk"
    label = "servicedesk"
    verbose_name = _("Enterprise services")

    def ready(self):
        from . import permissions, scopes, tasks  # noqa: F401
