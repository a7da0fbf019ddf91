from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProcessingConfig(AppConfig):
    """加工贸易: bills of materials, production reports, stock-taking and the period write-off of H books."""

    name = "bondzone.processing"
    label = "processing"
    verbose_name = _("Processing trade")

    def ready(self):
        from bondzone.core import labels

        from . import permissions, scopes  # noqa: F401
        from .models import OUTPUT_LABELS

        labels.register("production_output", OUTPUT_LABELS)
