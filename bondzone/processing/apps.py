from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProcessingConfig(AppConfig):
    """加工贸易: bills of materials, production reports, stock-taking and the period write-off of H books."""

    name = "bondzone.processing"
    label = "processing"
    verbose_name = _("Processing trade")

    def ready(self):
        from bondzone.core import labels
        from bondzone.supervision import hooks

        from . import permissions, scopes, selectors  # noqa: F401
        from .models import OUTPUT_LABELS, ProductionReport, StockTake

        labels.register("production_output", OUTPUT_LABELS)
        # the ledger's source documents this app posts (a write-off's "explained by": 盘点 #4)
        labels.register("source_kind", {"stocktake": StockTake._meta.verbose_name,
                                        "production": ProductionReport._meta.verbose_name})
        # a BOM row naming an item holds its units and kind (supervision.services.change_item, `item_in_use`)
        hooks.on_item_use("boms", selectors.bom_rows_naming)
