from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GovernanceConfig(AppConfig):
    """实施保障: the policy task ledger, annual lists, joint-meeting escalation."""

    name = "bondzone.governance"
    label = "governance"
    verbose_name = _("Governance")

    def ready(self):
        from . import permissions, scopes  # noqa: F401
