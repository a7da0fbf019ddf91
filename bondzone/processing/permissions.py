"""Actions of processing trade and who may attempt them (data-level rules are in scopes.py), plus the
problem codes this app adds to the message catalogue."""

from django.utils.translation import gettext_lazy as _

from bondzone.core.domain.roles import Role, register
from bondzone.core.messages import CODED_PARAMS, MESSAGES

register("processing.view", {Role.ENTERPRISE, Role.CUSTOMS, Role.ZONE_ADMIN, Role.TAX, Role.PLATFORM_ADMIN})
register("processing.declare_bom", {Role.ENTERPRISE, Role.PLATFORM_ADMIN})
register("processing.approve_bom", {Role.CUSTOMS, Role.PLATFORM_ADMIN})
register("processing.report_production", {Role.ENTERPRISE, Role.PLATFORM_ADMIN})
register("processing.stocktake", {Role.ENTERPRISE, Role.CUSTOMS, Role.PLATFORM_ADMIN})
register("processing.write_off", {Role.ENTERPRISE, Role.CUSTOMS, Role.PLATFORM_ADMIN})

MESSAGES.update({
    "bom_needs_finished_item": _("Item %(item)s is not a finished-goods item of the book."),
    "bom_needs_material": _("Item %(item)s is not a material item of the book."),
    "loss_rate_out_of_range": _("The loss rate must be at least 0 and below 100 %% (got %(value)s)."),
    "bom_overlaps": _("Approved version %(version)s of this item is in force over the same dates."),
    "bom_wrong_state": _("This BOM is %(state)s; only a declared BOM can be decided."),
    "no_bom_in_force": _("Item %(item)s has no approved BOM in force on %(date)s."),
    "consumption_exceeds_stock": _(
        "Material %(item)s: the report consumes %(required)s but the book holds %(available)s (short by %(shortfall)s)."),
    "consumption_not_in_unit": _(
        "Material %(item)s: the report would consume %(required)s, but its unit counts at most %(scale)s decimal "
        "places; report a quantity whose consumption fits the unit."),
    "count_not_in_book": _("Item %(item)s (%(status)s) is not in the book."),
    "count_twice": _("Item %(item)s (%(status)s) is counted twice."),
    "count_negative": _("A counted quantity must not be negative (got %(value)s)."),
    "bom_no_lines": _("A BOM needs at least one material."),
    "production_no_outputs": _("A production report needs at least one output: give an item and its quantity."),
    "stocktake_no_counts": _("A stock-take needs at least one count: give the counted quantity of an item."),
    "output_needs_leftover_item": _(
        "Item %(item)s is not recorded as %(kind)s; book it to an item recorded for it (items: %(allowed)s)."),
    "output_item_is_leftover": _("Item %(item)s is recorded as %(leftover)s, not as ordinary finished goods."),
    "book_not_processing": _("Book %(book)s is not a processing (H) book."),
    "writeoff_not_done": _("The write-off is %(state)s; it can be exported once it is done."),
    "period_too_long": _("A write-off period is at most %(max)s days."),
})

CODED_PARAMS.update({
    "output_needs_leftover_item": {"kind": "production_output"},
    "output_item_is_leftover": {"leftover": "leftover"},
    "count_not_in_book": {"status": "goods_status"},
    "count_twice": {"status": "goods_status"},
})
