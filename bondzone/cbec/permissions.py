"""Actions of cross-border retail and who may attempt them, plus the problem codes this app adds."""

from django.utils.translation import gettext_lazy as _

from bondzone.core.domain.roles import Role, register
from bondzone.core.messages import MESSAGES

register("cbec.view", {Role.ENTERPRISE, Role.CUSTOMS, Role.PLATFORM_ADMIN})
register("cbec.declare", {Role.ENTERPRISE, Role.PLATFORM_ADMIN})  # orders, payment and waybill records, returns
register("cbec.manage_list", {Role.PLATFORM_ADMIN})  # the positive list
register("cbec.release", {Role.CUSTOMS, Role.PLATFORM_ADMIN})  # three-record match and release
register("cbec.settle", {Role.CUSTOMS, Role.PLATFORM_ADMIN})  # issue periodic tax settlements, record payment

MESSAGES.update({
    "cbec_record_missing": _("The %(record)s record is missing."),
    "cbec_mismatch": _("Does not match the order: %(value)s, expected %(expected)s."),
    "cbec_payer_not_buyer": _("The payer must be the buyer (the ID numbers differ)."),
    "cbec_not_on_positive_list": _("HS code %(value)s is not on the cross-border retail positive list."),
    "cbec_order_state": _("Order %(order)s is %(state)s; this needs it to be %(expected)s."),
    "cbec_no_enterprise": _("Name the e-commerce enterprise."),
})

MESSAGES.update({
    "cbec_nothing_to_consolidate": _("No released order of %(enterprise)s between %(start)s and %(end)s is waiting "
                                     "for a consolidated list."),
    "cbec_no_book_item": _("HS code %(value)s (order %(order)s) is not an item of book %(book)s."),
    "cbec_book_kind": _("Consolidated lists go on the e-commerce enterprise's T (logistics) book; %(book)s is not one."),
    "cbec_consolidated_meanwhile": _("Some of the orders were consolidated by another request meanwhile; try again."),
})

MESSAGES.update({
    "cbec_settlement_period_long": _("A settlement period spans at most %(days)s days (tax is paid between day 31 "
                                     "and day 45 after release); end it by %(latest)s."),
    "cbec_settlement_early": _("The return window of orders released on %(end)s is still open; settle from "
                               "%(day)s."),
    "cbec_settlement_exists": _("%(enterprise)s already has a settlement for %(start)s – %(end)s."),
    "cbec_nothing_to_settle": _("No released order of %(enterprise)s between %(start)s and %(end)s is waiting "
                                "for a settlement."),
    "cbec_settlement_paid": _("This settlement was already paid on %(paid_on)s."),
    "cbec_paid_before_period": _("Paid on %(value)s, before the period ends (%(end)s)."),
    "cbec_order_settled": _("Order %(order)s is in a tax settlement already; it can no longer be returned tax-free."),
})
