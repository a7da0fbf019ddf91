"""Actions of the two-stage ledger and who may attempt them (data-level rules are in scopes.py), plus
the problem codes they add to the message catalogue."""

from django.utils.translation import gettext_lazy as _

from bondzone.core.domain.roles import Role, register
from bondzone.core.messages import MESSAGES

register("supervision.pass_goods", {Role.CUSTOMS, Role.PLATFORM_ADMIN})  # "goods passed" until the gate app
register("supervision.post_document", {Role.ENTERPRISE, Role.CUSTOMS, Role.PLATFORM_ADMIN})  # production, stock-take
register("supervision.cancel_list", {Role.ENTERPRISE, Role.CUSTOMS, Role.PLATFORM_ADMIN})  # 删单 before posting
register("supervision.withdraw_list", {Role.ENTERPRISE, Role.PLATFORM_ADMIN})

MESSAGES.update({
    "list_not_awaiting_passage": _("List %(list)s is %(state)s: nothing of it awaits the passage of goods."),
    "list_not_cancellable": _("List %(list)s cannot be deleted after approval: it is %(state)s (reverse it instead)."),
    "list_already_voided": _("The reservations of list %(list)s are already voided."),
    "nothing_reserved": _("Nothing is reserved here any more."),
    "nothing_reserved_on_line": _("Line %(line)s has nothing reserved any more."),
    "share_exceeds_reserved": _("Line %(line)s: %(share)s is more than the %(remaining)s still reserved."),
    "event_already_posted": _("Event %(event)s has already been posted."),
    "bad_event_id": _("An event id is 1–64 characters (got “%(value)s”)."),
    "bad_source_kind": _("A source kind is 1–16 lowercase letters, digits or _ (got “%(value)s”)."),
    "no_moves": _("A posting needs at least one movement."),
    "quantity_zero": _("A movement may not be zero."),
})
