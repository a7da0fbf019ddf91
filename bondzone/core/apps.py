from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

AUDIT_ACTIONS = {
    "enterprise.create": _("enterprise registered"), "enterprise.update": _("enterprise record changed"),
    "auth.locked_out": _("log-in locked after repeated failures"),
    "user.create": _("user created"), "token.issue": _("API token issued"), "token.revoke": _("API token revoked"),
    "calendar.add_year": _("calendar year added"), "calendar.delete_year": _("calendar year deleted"),
    "calendar.import": _("calendar imported"), "calendar.add_day": _("calendar day added"),
    "calendar.delete_day": _("calendar day deleted"),
}

# Field names that mean the same in every form; a flashed problem is named by these, never by its key.
FIELDS = {
    "title": _("Title"), "name": _("Name"), "reason": _("Reason"), "progress": _("Progress"),
    "period": pgettext_lazy("reporting period", "Period"), "due_date": pgettext_lazy("task deadline", "Due"),
    "start_date": _("Start"), "new_due": _("New due date"),
    "status": _("Status"), "weight": _("Weight"), "file": _("File"), "year": _("Year"),
    "quantity": _("Quantity"), "text": _("What was done"), "problems": _("Problems"),
    "help_needed": _("Help needed"), "files": _("Evidence files"), "public_summary": _("Public summary"),
    "unit_id": pgettext_lazy("organisation", "Unit"),
}


class CoreConfig(AppConfig):
    name = "bondzone.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self):
        from . import checks, labels, scopes  # noqa: F401  registers system checks and scoping rules
        from .models import CREDIT_CLASS_LABELS, ROLE_LABELS

        labels.register("role", ROLE_LABELS)
        labels.register("credit_class", CREDIT_CLASS_LABELS)
        labels.register("audit_action", AUDIT_ACTIONS)
        labels.register("field", FIELDS)
