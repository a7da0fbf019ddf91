"""Actions of information sharing and who may attempt them, plus its problem codes."""

from django.utils.translation import gettext_lazy as _

from bondzone.core.domain.roles import Role, register
from bondzone.core.messages import MESSAGES

AGENCIES = {Role.CUSTOMS, Role.ZONE_ADMIN, Role.TAX, Role.MARKET, Role.COMMERCE}

register("sharing.view_agency", {*AGENCIES, Role.ENTERPRISE, Role.PLATFORM_ADMIN})  # the field-limited views
register("sharing.subscribe", {*AGENCIES, Role.PLATFORM_ADMIN})  # the agency's subscriptions and notifications
register("sharing.export_audit", {*AGENCIES, Role.PLATFORM_ADMIN})  # audit trail as CSV / XLSX, for inspectors
register("sharing.deliver", {Role.PLATFORM_ADMIN})  # run the webhook deliveries now

MESSAGES.update({
    "webhook_url_invalid": _("Give an http(s) address with a host name, without a user name or password."),
    "webhook_url_not_https": _("Webhook addresses must use https."),
    "webhook_url_private": _("Webhook addresses may not point to this machine or a private network."),
    "webhook_url_unresolved": _("The webhook's host name cannot be resolved."),
    "event_kind_not_allowed": _("Your agency cannot subscribe to “%(kind)s”."),
    "dataset_not_allowed": _("Your role may not open the shared data “%(dataset)s”."),
})
