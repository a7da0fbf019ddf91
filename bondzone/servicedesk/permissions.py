"""Actions of the service desk and who may attempt them (data-level rules are in scopes.py), plus the
problem codes this app adds to the message catalogue."""

from django.utils.translation import gettext_lazy as _

from bondzone.core.domain.roles import Role, register
from bondzone.core.messages import MESSAGES

STAFF = {Role.CUSTOMS, Role.ZONE_ADMIN, Role.TAX, Role.MARKET, Role.COMMERCE, Role.PLATFORM_ADMIN}
DISPATCHERS = {Role.ZONE_ADMIN, Role.COMMERCE, Role.PLATFORM_ADMIN}  # the zone's service centre, 两区办

register("servicedesk.file", {Role.ENTERPRISE, Role.PLATFORM_ADMIN})  # file a request, rate the reply
register("servicedesk.dispatch", DISPATCHERS)  # dispatch, transfer, extend, callback, escalate
register("servicedesk.handle", STAFF)  # sign, return, start, pause, reply — for one's own unit's requests
register("servicedesk.manage", {Role.COMMERCE, Role.PLATFORM_ADMIN})  # categories and time limits
register("servicedesk.view_rates", STAFF)
register("servicedesk.run_reminders", {Role.COMMERCE, Role.PLATFORM_ADMIN})
register("servicedesk.review_registration", {Role.ZONE_ADMIN, Role.PLATFORM_ADMIN})
register("servicedesk.view_registrations", {Role.ZONE_ADMIN, Role.MARKET, Role.PLATFORM_ADMIN})
register("servicedesk.write_knowledge", {Role.ZONE_ADMIN, Role.PLATFORM_ADMIN})  # knowledge articles, drafts
register("servicedesk.write_guide", {Role.ZONE_ADMIN, Role.PLATFORM_ADMIN})  # investment guide of one's zone
register("servicedesk.view_guide_drafts", STAFF)  # every version of the guides, drafts included
register("servicedesk.promote", {Role.COMMERCE, Role.ZONE_ADMIN, Role.PLATFORM_ADMIN})  # projects, events, moves
register("servicedesk.view_promotion", STAFF)  # the pipeline, per scope (scopes.projects)
register("servicedesk.key_list", {Role.COMMERCE, Role.PLATFORM_ADMIN})  # as governance.manage: the annual list
register("servicedesk.manage_members", {Role.ENTERPRISE, Role.PLATFORM_ADMIN})  # managers of the enterprise

MESSAGES.update({
    "request_wrong_state": _("This request is %(state)s; “%(step)s” is not possible now."),
    "request_paused": _("The request's clock is paused; resume it first."),
    "request_already_paused": _("The request's clock is already paused."),
    "request_not_paused": _("The request's clock is not paused."),
    "category_closed": _("Category %(category)s does not take new requests."),
    "not_handling_unit": _("You are not a member of the unit handling this request (%(unit)s)."),
    "same_unit": _("The request is already with %(unit)s."),
    "attribute_required": _("“%(attribute)s” is required for this category."),
    "attribute_bad_value": _("“%(value)s” is not an allowed value of “%(attribute)s” (%(allowed)s)."),
    "attribute_unknown": _("This category has no field “%(attribute)s”."),
    "bad_attribute_definition": _("Extra field %(index)s: %(reason)s."),
    "not_own_request": _("Only the enterprise that filed the request may rate it."),
    "registration_decided": _("This registration was already decided (%(state)s)."),
    "too_many_files": _("At most %(max)s files."),
    "document_type_not_allowed": _("File %(name)s is not an accepted document type (%(types)s)."),
    "not_enterprise_manager": _("Only a manager of the enterprise may do this."),
    "manager_keeps_own_role": _("You cannot take the manager role from yourself."),
    "article_not_published": _("Only a published knowledge article can be linked."),
    "too_many": _("At most %(max)s entries."),
    "guide_other_zone": _("You may write the investment guide of your own zone only, not of %(zone)s."),
    "promotion_other_zone": _("You may promote projects for your own zone only, not for %(zone)s."),
    "stage_move_not_allowed": _("A project at stage “%(stage)s” cannot move to “%(target)s”."),
    "project_not_signed": _("Only a signed project can go on the key-project list (this one is at “%(stage)s”)."),
    "already_on_key_list": _("The project is already on the key-project list of %(year)s."),
    "already_escalated": _("This request was already escalated (issue %(issue)s)."),
})
