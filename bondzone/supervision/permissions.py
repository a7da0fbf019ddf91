"""Actions of the two-stage ledger and who may attempt them (data-level rules are in scopes.py), plus
the problem codes they add to the message catalogue."""

from django.utils.translation import gettext_lazy as _

from bondzone.core.domain.roles import Role, register
from bondzone.core.messages import CODED_PARAMS, MESSAGES

register("supervision.pass_goods", {Role.CUSTOMS, Role.PLATFORM_ADMIN})  # "goods passed" until the gate app
register("supervision.post_document", {Role.ENTERPRISE, Role.CUSTOMS, Role.PLATFORM_ADMIN})  # production, stock-take
register("supervision.cancel_list", {Role.ENTERPRISE, Role.CUSTOMS, Role.PLATFORM_ADMIN})  # 删单 before posting
register("supervision.withdraw_list", {Role.ENTERPRISE, Role.PLATFORM_ADMIN})
register("supervision.change_list", {Role.ENTERPRISE, Role.PLATFORM_ADMIN})  # 变更 before posting
register("supervision.expire_reservations", {Role.CUSTOMS, Role.PLATFORM_ADMIN})  # the sweep (system actor)

MESSAGES.update({
    "list_not_awaiting_passage": _("List %(list)s is %(state)s: nothing of it awaits the passage of goods."),
    "list_not_door_change": _("List %(list)s is not a status change between bonded and non-bonded: its goods do not "
                              "pass a warehouse door."),
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
    "unit_conversion_inexact": _("%(value)s %(unit)s is %(result)s in the item's declared unit %(declared)s, which "
                                 "does not allow that many decimals."),
    "no_unit_factor": _("Item %(item)s has no conversion factor for unit %(value)s."),
    "legal_quantity_off_factor": _("Legal quantity %(value)s %(unit)s does not match the item's factor "
                                   "(expected %(expected)s, ±%(tolerance)s%%)."),
    "net_above_gross": _("Net weight %(net)s is above gross weight %(gross)s."),
    "not_changeable": _("Only these fields can be changed after approval: %(fields)s."),
    "no_changes": _("Say what changes."),
    "list_not_changeable": _("List %(list)s cannot be changed: it is %(state)s (reverse it instead)."),
    "door_change_no_line": _("List %(list)s has no line %(line)s (it has %(count)s lines): a change changes the lines it "
                             "has."),
    "change_would_post": _("Trade mode %(value)s would post the list at once; a change may not do that."),
    "related_only_for_transfers": _("A related list number is for 区内流转 (list type 6) and 区间流转 (1200) "
                                    "lists only."),
    "related_list_missing": _("List %(list)s is one of a pair (related list %(related)s), and its other list "
                              "cannot be found."),
    "related_list_not_ready": _("The other list of the pair, %(list)s, is %(state)s; both must be %(expected)s."),
    "item_field_not_changeable": _("Only these fields of an item can change: %(fields)s."),
    "item_no_fixed": _("The record number (备案序号) of item %(item)s never changes."),
    "item_in_use": _("Item %(item)s already has %(movements)s movements, %(reservations)s reservations, %(lines)s "
                     "list lines and %(boms)s BOM rows: its units, factors and material / finished kind no longer "
                     "change."),
    "item_named_by_defective": _("Item %(item)s is the finished item of defective goods item %(defective)s: it stays "
                                 "an ordinary finished item."),
    "processing_kind_needs_h_book": _("Only a processing (H) book is 进料 or 来料加工; a logistics book records no "
                                      "processing kind."),
    "trade_mode_other_processing_kind": _("Trade mode %(mode)s %(name)s is for %(mode_kind)s, and book %(book)s is "
                                          "recorded as %(book_kind)s: the same movement there is %(counterpart)s "
                                          "%(counterpart_name)s."),
    "processing_kind_not_recorded": _("Trade modes %(modes)s depend on whether book %(book)s is 进料加工 or 来料加工, "
                                      "and the book does not record which it is: customs records the book's "
                                      "processing kind on its page (%(page)s) first."),
})

CODED_PARAMS.update({
    "insufficient_stock": {"status": "goods_status", "unit": "unit"},
    "trade_mode_not_for_leftover": {"leftover": "leftover"},
    "trade_mode_leftover_inbound": {"leftover": "leftover"},
    "leftover_item_kind": {"leftover": "leftover"},
    "list_wrong_state": {"state": "list_status", "expected": "list_statuses"},
    "list_not_awaiting_passage": {"state": "list_state"},
    "related_list_not_ready": {"state": "list_status", "expected": "list_status"},
    "trade_mode_other_processing_kind": {"mode_kind": "processing_kind", "book_kind": "processing_kind"},
})
