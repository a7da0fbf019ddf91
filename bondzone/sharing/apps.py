from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

EVENT_LABELS = {
    "enterprise.registered": _("enterprise registered"),
    "enterprise.changed": _("enterprise record changed"),
    "list.approved": _("verification list approved"),
    "regime.overdue": _("time-limited regime overdue"),
    "request.escalated": _("service request escalated"),
}

AUDIT_ACTIONS = {
    "read.enterprise": _("read an enterprise's record"),
    "read.list": _("read a verification list"),
    "read.cbec_order": _("read a CBEC order (consumer data)"),
    "read.audit_export": _("exported the audit trail"),
    "sharing.subscription.create": _("subscription created"),
    "sharing.subscription.pause": _("subscription paused"),
    "sharing.subscription.active": _("subscription resumed"),
    "sharing.subscription.rotate_secret": _("webhook secret replaced"),
    "sharing.deliveries.run": _("webhook deliveries run"),
    "sharing.delivery.retry": _("webhook delivery retried"),
    "sharing.export.create": _("scheduled export set up"),
    "sharing.export.pause": _("scheduled export paused"),
    "sharing.export.active": _("scheduled export resumed"),
    "sharing.export.run": _("scheduled export run"),
}


def core_field_policy(role: str, dataset: str) -> tuple[str, ...] | None:
    """The field policy for core's own reads: the role's fields, or None for a role the policy does not
    name (the gate), which keeps core's behaviour."""
    from .domain.fields import POLICY, allowed_fields

    return allowed_fields(role, dataset) if role in POLICY else None


class SharingConfig(AppConfig):
    """Information sharing (信息共享): the audit trail, the agencies' field-limited views, events delivered
    as notifications and signed webhooks."""

    name = "bondzone.sharing"
    label = "sharing"
    verbose_name = _("Information sharing")

    def ready(self):
        from bondzone.core import hooks, labels

        from . import permissions, scopes, services, tasks  # noqa: F401
        from .fieldnames import DATASET_NAMES

        labels.register("sharing_event", EVENT_LABELS)
        labels.register("sharing_dataset", DATASET_NAMES)
        # core may not import sharing: its enterprise services call these inside their transaction
        hooks.on_enterprise_registered(services.enterprise_registered)
        hooks.on_enterprise_changed(services.enterprise_changed)
        hooks.set_field_policy(core_field_policy)
        labels.register("audit_action", AUDIT_ACTIONS)
