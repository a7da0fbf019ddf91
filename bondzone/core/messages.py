"""Text for every problem code, in the request's language. Rules return codes; this renders them."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from .domain.errors import Problem

MESSAGES = {
    "required": _("This field is required."),
    "not_a_number": _("“%(value)s” is not a number."),
    "not_an_integer": _("“%(value)s” is not a whole number."),
    "quantity_not_positive": _("Quantity must be greater than zero (got %(value)s)."),
    "too_many_decimals": _("%(value)s has more than %(scale)s decimal places."),
    "quantity_too_large": _("Quantity %(value)s is too large."),
    "amount_negative": _("Amount must not be negative (got %(value)s)."),
    "amount_too_large": _("Amount %(value)s is too large."),
    "too_long": _("At most %(max)s characters."),
    "bad_choice": _("“%(value)s” is not one of: %(choices)s."),
    "bad_date": _("“%(value)s” is not a date (YYYY-MM-DD)."),
    "date_in_future": _("Date %(value)s is in the future."),
    "bad_credit_code": _("“%(value)s” is not a valid unified social credit code (%(reason)s)."),
    "bad_customs_code": _("“%(value)s” is not a 10-character customs registration code."),
    "duplicate_value": _("“%(value)s” is already in use."),
    "unknown_field": _("“%(value)s” cannot be changed here."),
    "forbidden_action": _("Your role (%(role)s) may not do this (%(action)s)."),
    "not_authenticated": _("Log in first."),
    "not_found": _("No %(model)s with id %(id)s that you may see."),
    "idempotency_key_required": _("An Idempotency-Key header (or field) is required for this write."),
    "idempotency_key_too_long": _("The Idempotency-Key is longer than %(max)s characters."),
    "idempotency_other_operation": _("This Idempotency-Key was already used for another operation (%(operation)s)."),
    "idempotency_payload_differs": _("This Idempotency-Key was already used with a different payload; differs in: %(fields)s."),
    "bad_hs_code": _("HS code “%(value)s” must be exactly 10 digits."),
    "bad_code": _("“%(value)s” must be %(length)s digits."),
    "unknown_trade_mode": _("Unknown trade mode (监管方式) “%(value)s”."),
    "trade_mode_not_for_book": _("Trade mode %(value)s may not be used with a %(book_kind)s book."),
    "unknown_unit": _("Unknown unit code “%(value)s”."),
    "wrong_unit": _("Unit %(value)s is not a unit of item %(item)s (allowed: %(allowed)s)."),
    "unknown_item": _("Book %(book)s has no item %(value)s."),
    "item_kind_mismatch": _("Item %(item)s is a %(kind)s, but the list is for %(expected)s."),
    "duplicate_item_no": _("Item number %(value)s already exists in this book."),
    "no_lines": _("A list needs at least one line."),
    "too_many_lines": _("A list may have at most %(max)s lines (got %(count)s)."),
    "insufficient_stock": _(
        "Line %(line)s: item %(item)s (%(status)s, %(unit)s) is short by %(shortfall)s: "
        "available %(available)s, required %(required)s."
    ),
    "list_wrong_state": _("List %(list)s is %(state)s; this needs it to be %(expected)s."),
    "list_already_reversed": _("List %(list)s has already been reversed by %(by)s."),
    "cannot_reverse_reversal": _("A counter-list cannot itself be reversed."),
    "book_not_valid": _("Book %(book)s is not valid on %(date)s (valid %(start)s to %(end)s)."),
    "book_not_active": _("Book %(book)s is not active."),
    "reason_required": _("Give a reason."),
    "file_unreadable": _("The file could not be read as %(format)s: %(reason)s"),
    "file_empty": _("The file has no data rows."),
    "unknown_format": _("Unknown file format “%(value)s” (use csv, xlsx or json)."),
    "missing_columns": _("Missing columns: %(columns)s."),
    "row": _("row %(row)s, %(field)s: %(message)s"),
    "invalid": _("%(message)s"),
    "header_differs": _("differs from row %(first)s of list %(list)s."),
    "book_number_prefix": _("A %(kind)s book number starts with %(kind)s."),
    "posting_before_last": _("%(value)s is before the book's last posting date %(last)s."),
    "end_before_start": _("End date %(end)s is before start date %(start)s."),
}


def render(p: Problem) -> str:
    template = MESSAGES.get(p.code)
    if template is None:
        return str(p.params.get("message") or p.code)
    params = dict(p.params)
    if p.code == "row":
        inner = Problem(params.get("field", ""), params.get("inner_code", "invalid"), params.get("inner_params", {}))
        params["message"] = render(inner)
    try:
        return str(template) % params
    except (KeyError, TypeError, ValueError):
        return str(template)


def as_dicts(problems: list[Problem]) -> list[dict]:
    return [{"field": p.field, "code": p.code, "message": render(p)} for p in problems]
