"""Actions of the duties part and who may attempt them, plus the problem codes it adds to the catalogue."""

from django.utils.translation import gettext_lazy as _

from bondzone.core.domain.roles import Role, register
from bondzone.core.messages import CODED_PARAMS, MESSAGES

EVERYONE = set(Role)

register("duties.quote", EVERYONE)  # a quotation computes, it writes nothing
register("duties.manage_rates", {Role.CUSTOMS, Role.PLATFORM_ADMIN})  # rate tables and exchange rates
register("duties.view_guarantees", {Role.ENTERPRISE, Role.CUSTOMS, Role.TAX, Role.PLATFORM_ADMIN})
register("duties.manage_guarantees", {Role.CUSTOMS, Role.PLATFORM_ADMIN})  # lodge, use, free, release
# time-limited regimes: the enterprise opens its own (customs may open for it); customs extends and closes
register("duties.view_regimes", {Role.ENTERPRISE, Role.CUSTOMS, Role.TAX, Role.PLATFORM_ADMIN})
register("duties.open_regime", {Role.ENTERPRISE, Role.CUSTOMS, Role.PLATFORM_ADMIN})
register("duties.decide_regime", {Role.CUSTOMS, Role.PLATFORM_ADMIN})
register("duties.sweep_regimes", {Role.CUSTOMS, Role.PLATFORM_ADMIN})  # the deadline sweep (alerts, overdue)
# domestic sale (内销): the enterprise asks and chooses the basis (and files the list), customs confirms
# (approves the list, which issues the tax bill) and records the payment; tax bills are seen by the tax bureau
register("duties.view_domestic", {Role.ENTERPRISE, Role.CUSTOMS, Role.TAX, Role.PLATFORM_ADMIN})
register("duties.request_domestic", {Role.ENTERPRISE, Role.PLATFORM_ADMIN})
register("duties.confirm_domestic", {Role.CUSTOMS, Role.PLATFORM_ADMIN})

MESSAGES.update({
    "rate_negative": _("A rate must not be negative (got %(value)s)."),
    "rate_too_high": _("Rate %(value)s is too high (a fraction: 0.13 means 13 %%; a consumption-tax rate must be below 1)."),
    "quote_not_object": _("The quotation must be a JSON object with a “lines” list."),
    "line_not_object": _("Each line must be a JSON object."),
    "bad_rate_shape": _("A rate is an object with “ad_valorem” and/or “specific” (got %(value)s)."),
    "bad_id_number": _("“%(value)s” is not a valid resident identity card number (%(reason)s)."),
    "no_rate_for_code": _("No rate in force for HS code %(value)s on %(date)s: unknown code, or give the rate."),
    "no_fx_rate_on": _("No exchange rate for %(currency)s on %(date)s."),
    "cbec_annual_limit": _("Cross-border retail refused: %(value)s would take the buyer's year total from %(used)s "
                           "past %(limit)s yuan (general trade only)."),
    "cbec_single_limit": _("Cross-border retail refused: the order of %(value)s exceeds the %(limit)s yuan "
                           "transaction limit and is not a single item."),
    "cbec_item_over_annual": _("Cross-border retail refused: a single item of %(value)s is not below the %(limit)s "
                               "yuan annual limit."),
    "return_before_release": _("The return date %(value)s is before the release on %(released)s."),
    "return_apply_late": _("Returns must be applied for within %(days)s days of release (by %(deadline)s)."),
    "return_back_before_apply": _("The goods cannot be back (%(value)s) before the return was applied for."),
    "return_back_late": _("Returned goods must be back within %(days)s days of release (by %(deadline)s)."),
    "period_reversed": _("The period ends (%(end)s) before it starts (%(start)s)."),
    "origin_required": _("An agreement rate needs the origin country (ISO code), got “%(value)s”."),
    "origin_only_for_agreement": _("Only agreement rates carry an origin (got “%(value)s”)."),
    "rate_missing": _("Give ad_valorem, specific or both."),
    "vat_is_ad_valorem": _("Import VAT is ad valorem only."),
    "bad_currency": _("“%(value)s” is not a foreign currency code (three letters, not CNY)."),
    "fx_not_positive": _("An exchange rate must be greater than zero (got %(value)s)."),
    "too_many_rows": _("At most %(max)s rows per file (got %(count)s)."),
    "tax_guarantee_short": _("No tax guarantee of the enterprise in force has %(needed)s free: the largest free "
                             "amount is %(free)s, short by %(shortfall)s."),
    "guarantee_short": _("The guarantee's free amount %(free)s is short of %(needed)s by %(shortfall)s."),
    "guarantee_not_used": _("Only %(used)s of the guarantee is in use (asked to free %(value)s)."),
    "guarantee_already_ended": _("The guarantee's validity ended on %(value)s, before today (%(today)s): a "
                                 "guarantee lodged now must still be valid."),
    "amount_not_positive": _("The amount must be greater than zero (got %(value)s)."),
    "value_negative": _("The value must not be negative (got %(value)s)."),
    "regime_deadline_beyond_rule": _("The deadline %(value)s is beyond what the rule allows (at the latest %(latest)s)."),
    "regime_not_open": _("The regime is %(state)s: only an open or overdue regime can be changed."),
    "regime_extension_after_expiry": _("The regime expired on %(deadline)s: an extension must be asked before the "
                                       "deadline (today is %(today)s)."),
    "regime_extensions_used": _("The rule allows %(max)s extension(s) and %(used)s have been granted."),
    "regime_extension_not_later": _("The new deadline %(value)s is not after the current one (%(deadline)s)."),
    "regime_extension_too_long": _("The new deadline %(value)s is beyond one extension (at the latest %(latest)s)."),
    "regime_stock_short": _("Only %(available)s of the item is in the book as bonded stock not already out under a "
                            "regime (asked %(value)s)."),
    "regime_item_not_in_book": _("Item %(value)s is not an item of this book."),
    "regime_list_direction": _("List %(value)s goes the wrong way for “%(role)s”: it must be a list of direction "
                               "%(direction)s."),
    "regime_list_not_in_book": _("List %(value)s is not a list of this book that you may see."),
    "regime_guarantee_required": _("This regime needs a guarantee covering the duty that would fall due."),
    "regime_guarantee_other_enterprise": _("Guarantee %(value)s belongs to another enterprise."),
    "regime_guarantee_ends_first": _("The guarantee ends on %(valid_to)s, before the deadline %(deadline)s."),
    "regime_close_date": _("The closing date %(value)s must be between the start %(start)s and today %(today)s."),
    "domestic_list_returned": _("List %(list)s of this sale is %(state)s (reason: %(reason)s): correct and resubmit it "
                                "(choose the basis again) or cancel the sale."),
    "domestic_state": _("The domestic sale is %(state)s: this step needs it %(expected)s."),
    "domestic_no_materials_basis": _("The materials basis applies only to finished goods made in the zone with "
                                     "an approved BOM on the declaration date."),
    "domestic_item_not_bonded": _("Only %(available)s of item %(item)s is bonded stock in the book (asked %(value)s)."),
    "domestic_no_bom": _("Finished item %(item)s has no approved BOM on %(date)s."),
    "domestic_scrap_mixed": _("Scrap and by-products (items %(items)s) leave on a list of their own (0844 / 0845): "
                              "sell them apart from ordinary goods."),
    "domestic_scrap_leaves_zone": _("Scrap and by-products are sold inland by leaving the zone (0844 / 0845), not "
                                    "by a status change inside it."),
    "tax_bill_paid": _("Tax bill %(number)s was paid on %(paid_on)s."),
    "period_overlap": _("%(key)s: a period from %(start)s overlaps the one from %(other_start)s to %(other_end)s."),
})

# python-stdnum's finding on an ID number (domain.quote_io._id_fault), named in the reader's language
ID_NUMBER_FAULTS = {
    "check_digit": _("wrong check digit"), "length": _("not 18 characters"),
    "component": _("the region or birth date it holds does not exist"), "format": _("not digits with a final digit or X"),
}
CODED_PARAMS["bad_id_number"] = {"reason": "id_number_fault"}
