from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationConfig(AppConfig):
    """绩效评估: zone evaluation frameworks, indicator values, runs and rankings (part 4, governance)."""

    name = "bondzone.evaluation"
    label = "evaluation"
    verbose_name = _("Zone evaluation")

    def ready(self):
        from . import permissions, scopes  # noqa: F401
