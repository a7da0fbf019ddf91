from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

AUDIT_ACTIONS = {
    "evaluation.framework_installed": _("evaluation framework installed"),
    "evaluation.framework_cloned": _("evaluation framework cloned"),
    "evaluation.framework_settings": _("evaluation framework settings changed"),
    "evaluation.weights_changed": _("indicator weights changed"),
    "evaluation.indicator_changed": _("indicator changed"),
    "evaluation.node_added": _("indicator added"),
    "evaluation.node_removed": _("indicator removed"),
    "evaluation.zone_created": _("evaluated zone added"),
    "evaluation.zone_changed": _("evaluated zone changed"),
    "evaluation.area_set": _("zone area set"),
    "evaluation.value_recorded": _("base data value recorded"),
    "evaluation.values_imported": _("base data imported"),
    "evaluation.values_computed": _("base data computed from the account books"),
    "evaluation.run_created": _("evaluation run"),
    "evaluation.run_reproduced": _("evaluation run reproduced"),
    "evaluation.run_published": _("evaluation published"),
    "evaluation.run_unpublished": _("evaluation withdrawn from the public"),
}

# kinds of framework node, formulas and normalisations, in words
FRAMEWORK_NODE = {
    "category": pgettext_lazy("framework node", "category"),
    "indicator": pgettext_lazy("framework node", "indicator"),
    "bonus": pgettext_lazy("framework node", "bonus"),
    "penalty": pgettext_lazy("framework node", "penalty"),
    "raw": pgettext_lazy("framework node", "raw"),
    "per_km2": pgettext_lazy("framework node", "per_km2"),
    "yoy": pgettext_lazy("framework node", "yoy"),
    "minmax": pgettext_lazy("framework node", "minmax"),
    "zscore": pgettext_lazy("framework node", "zscore"),
    "goalposts": pgettext_lazy("framework node", "goalposts"),
    "rank": pgettext_lazy("framework node", "rank"),
}


def series_name(code: str) -> str | None:
    """A base data series by its name in the reader's language (pages, refusals)."""
    from bondzone.core.labels import in_language

    from .domain.series import SERIES

    s = SERIES.get(code)
    return in_language(s.name_zh, s.name_en) if s else None


class EvaluationConfig(AppConfig):
    """绩效评估: zone evaluation frameworks, indicator values, runs and rankings (part 4, governance)."""

    name = "bondzone.evaluation"
    label = "evaluation"
    verbose_name = _("Zone evaluation")

    def ready(self):
        from bondzone.core import labels

        from . import models, permissions, scopes  # noqa: F401

        labels.register("audit_action", AUDIT_ACTIONS)
        labels.register("framework_node", FRAMEWORK_NODE)
        labels.register("value_source", {**dict(models.Source.choices), "area": _("derived from the areas")})
        labels.register("evaluation_series", series_name)
