from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CbecConfig(AppConfig):
    """跨境电商零售进口 (网购保税 1210): orders, three-record match, positive list, annual totals, returns."""

    name = "bondzone.cbec"
    label = "cbec"
    verbose_name = _("Cross-border e-commerce")

    def ready(self):
        from . import permissions, scopes, tasks  # noqa: F401
