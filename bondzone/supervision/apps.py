from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "bondzone.supervision"
    label = "supervision"
    verbose_name = _("Smart supervision")

    def ready(self):
        from . import permissions, scopes  # noqa: F401
