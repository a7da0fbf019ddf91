"""Text for every problem code, in the request's language. Rules return codes; this renders them."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from . import labels
from .domain.errors import Problem
from .domain.inputs import SHOWN_MAX, shown

MESSAGES = {
    "required": _("This field is required."),
    "null_not_allowed": _("null is not a value of this field: leave the field out to keep it unchanged."),
    "not_a_number": _("“%(value)s” is not a number."),
    "not_an_integer": _("“%(value)s” is not a whole number."),
    "quantity_not_positive": _("Quantity must be greater than zero (got %(value)s)."),
    "too_many_decimals": _("%(value)s has more than %(scale)s decimal places."),
    "quantity_too_large": _("Quantity %(value)s is too large: at most 13 digits before the decimal point."),
    "amount_negative": _("Amount must not be negative (got %(value)s)."),
    "amount_too_large": _("Amount %(value)s is too large."),
    "too_long": _("At most %(max)s characters."),
    "nul_character": _("Text must not contain a NUL character."),
    "reserved_username": _("The user name “%(value)s” is reserved for the platform's scheduled jobs."),
    "bad_unicode": _("Text must be valid Unicode (no lone surrogate characters)."),
    "not_text": _("Expected text."),
    "not_a_boolean": _("Expected true or false."),
    "not_a_list": _("Expected a list."),
    "not_an_object": _("Expected an object ({…})."),
    "too_many_items": _("At most %(max)s items."),
    "too_few_items": _("At least %(min)s items."),
    "text_too_short": _("At least %(min)s characters."),
    "bad_datetime": _("“%(value)s” is not a date and time (YYYY-MM-DDTHH:MM:SS)."),
    "out_of_range": _("“%(value)s” is out of range (%(min)s to %(max)s)."),
    "decimal_too_large": _("“%(value)s” has more than %(digits)s digits before the decimal point."),
    "date_out_of_window": _("Date %(value)s is outside the accepted range %(earliest)s to %(latest)s."),
    "request_too_large": _("The request is larger than the limit of %(max)s bytes."),
    "bad_request": _("The request could not be read."),
    "integrity_conflict": _("This conflicts with existing data (%(reason)s)."),
    "bad_reference": _("“%(value)s” refers to nothing that exists."),
    "token_read_only": _("The token “%(name)s” is read-only."),
    "unknown_action": _("“%(value)s” is not an action of the platform."),
    "action_not_of_role": _("The role %(role)s does not hold the action “%(value)s”, so its token cannot."),
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
    "bad_format": _("“%(value)s” is not in the required form (for example %(example)s)."),
    "hs_chapter_unknown": _("HS code “%(value)s”: chapter %(chapter)s does not exist (chapters 01–97; 77 is reserved)."),
    "unknown_trade_mode": _("Unknown trade mode (监管方式) “%(value)s”."),
    "trade_mode_not_for_book": _("Trade mode %(value)s may not be used with a %(book_kind)s book (allowed: %(allowed)s): %(rule)s"),
    "trade_mode_direction": _("Trade mode %(mode)s %(name)s is declared only in direction %(allowed)s, not %(value)s: %(rule)s"),
    "trade_mode_item_kind": _("Trade mode %(mode)s %(name)s takes item kind %(allowed)s, not %(value)s (I = materials, E = finished goods): %(rule)s"),
    "trade_mode_list_type": _("Trade mode %(mode)s %(name)s is not declared on list type %(value)s %(type_name)s (allowed: %(allowed)s): %(rule)s"),
    "trade_mode_transport": _("Trade mode %(mode)s %(name)s does not move goods by transport mode %(value)s on this list (allowed: %(allowed)s): %(rule)s"),
    "declaration_type_needs_declared": _("A declaration type (报关类型) is given only for a declared list (是否报关 = 1)."),
    "trade_mode_goods_status": _("Line %(line)s: trade mode %(mode)s %(name)s does not carry goods of status %(value)s (allowed: %(allowed)s): %(rule)s"),
    "trade_mode_leftover_only": _("Line %(line)s: trade mode %(mode)s %(name)s carries scrap and by-products only; item %(item)s is ordinary stock (ordinary materials leave as 0664/0265/5000): %(rule)s"),
    "trade_mode_not_for_leftover": _("Line %(line)s: item %(item)s is recorded as %(leftover)s and leaves only by trade modes %(allowed)s, not %(mode)s %(name)s: %(rule)s"),
    "trade_mode_solid_waste": _("Line %(line)s: item %(item)s is recorded as solid waste (固体废物), which may not go into China (境内区外) since 2021 — not by trade mode %(mode)s %(name)s, nor duty-paid in the zone. It leaves by %(allowed)s; customs clears the mark once the goods meet the national standards and are no longer waste."),
    "regime_solid_waste": _("Line %(line)s: item %(item)s is recorded as solid waste (固体废物), which may not go into China (境内区外) since 2021 — not out of the zone under %(regime)s either. It leaves by %(allowed)s; customs clears the mark once the goods meet the national standards and are no longer waste."),
    "solid_waste_needs_processing_book": _("Solid waste (固体废物) is recorded on the items of a processing (H) book only, not in %(book)s."),
    "trade_mode_leftover_inbound": _("Line %(line)s: item %(item)s is recorded as %(leftover)s; it enters the book by a production report, not by a list: %(rule)s"),
    "trade_mode_not_for_zone_book": _("Trade mode %(mode)s %(name)s is not used on the lists of a zone account book: %(rule)s"),
    # why each trade mode exists (supervision.domain.trade_modes.REASONS): the `rule` of its refusals
    "trade_mode_use_0110": _("the domestic party declares it on its own customs declaration; the zone's list uses 5000, 5100 or 5300 for the second line."),
    "trade_mode_use_0200": _("materials destroyed under customs supervision leave a processing book without crossing a fence."),
    "trade_mode_use_0265": _("supplied materials of a processing book are re-exported abroad (outbound only)."),
    "trade_mode_use_0300": _("supplied materials of a processing book are exchanged with the foreign supplier."),
    "trade_mode_use_0400": _("finished goods, defective goods or leftovers destroyed under customs supervision leave a processing book without crossing a fence."),
    "trade_mode_use_0444": _("it is used in bonded areas (保税区), not on comprehensive bonded zone books."),
    "trade_mode_use_0445": _("it is used in bonded areas (保税区), not on comprehensive bonded zone books."),
    "trade_mode_use_0544": _("it is used in bonded areas (保税区), not on comprehensive bonded zone books."),
    "trade_mode_use_0545": _("it is used in bonded areas (保税区), not on comprehensive bonded zone books."),
    "trade_mode_use_0664": _("imported materials of a processing book are re-exported abroad (outbound only)."),
    "trade_mode_use_0700": _("imported materials of a processing book are exchanged with the foreign supplier."),
    "trade_mode_use_0844": _("leftovers of imported materials leave a processing book for sale in China (outbound only)."),
    "trade_mode_use_0845": _("leftovers of supplied materials leave a processing book for sale in China (outbound only)."),
    "trade_mode_use_0864": _("leftovers of imported materials are re-exported abroad (outbound only)."),
    "trade_mode_use_0865": _("leftovers of supplied materials are re-exported abroad (outbound only)."),
    "trade_mode_use_1200": _("bonded goods move between this zone and another special area or bonded site (区间流转)."),
    "trade_mode_use_1210": _("cross-border e-commerce stock enters a logistics (T) book bonded from abroad and leaves on consolidated retail lists (list type 8)."),
    "trade_mode_use_1233": _("it is the mode of bonded warehouses, not of comprehensive bonded zone books."),
    "trade_mode_use_1234": _("it is used in bonded areas (保税区), not on comprehensive bonded zone books."),
    "trade_mode_use_1239": _("cross-border e-commerce stock (non-pilot cities) enters a logistics (T) book bonded from abroad and leaves on consolidated retail lists (list type 8)."),
    "trade_mode_use_1300": _("goods cross the border for repair and come back."),
    "trade_mode_use_1371": _("goods come into a processing book for bonded repair and leave repaired."),
    "trade_mode_use_1500": _("leased goods (lease under one year) leave for the domestic lessee and return at the lease's end."),
    "trade_mode_use_1523": _("leased goods leave for the domestic lessee and return at the lease's end (financial leasing)."),
    "trade_mode_use_2600": _("goods enter or leave temporarily and must return (temporary admission, ATA)."),
    "trade_mode_use_2700": _("exhibition goods enter or leave for an exhibition."),
    "trade_mode_use_4400": _("finished goods of a processing book (supplied materials) are exchanged with the foreign buyer."),
    "trade_mode_use_4561": _("goods are returned to where they came from."),
    "trade_mode_use_4600": _("finished goods of a processing book (imported materials) are exchanged with the foreign buyer."),
    "trade_mode_use_5000": _("materials cross the second line between the zone and China outside it: domestic goods enter non-bonded, goods leave in any status."),
    "trade_mode_use_5010": _("research and development goods cross the first line, bonded."),
    "trade_mode_use_5014": _("a processing book takes supplied materials from abroad bonded and exports its finished goods; materials leave under 0265, 0845 or 5000."),
    "trade_mode_use_5015": _("a processing book takes imported materials from abroad bonded and exports its finished goods; materials leave under 0664, 0844 or 5000."),
    "trade_mode_use_5033": _("it is the mode of the former export processing zones, not of comprehensive bonded zone books."),
    "trade_mode_use_5034": _("logistics goods cross the first line between the zone and abroad, bonded; cross-border e-commerce retail uses 1210 with list type 8."),
    "trade_mode_use_5100": _("a processing book's finished goods cross the second line; materials use 5000."),
    "trade_mode_use_5200": _("leftovers and scrap leave for China outside the zone (outbound only)."),
    "trade_mode_use_5300": _("equipment crosses the second line between the zone and China outside it."),
    "trade_mode_use_5335": _("duty-exempt equipment enters the zone from abroad (inbound only); it goes back abroad under 5361."),
    "trade_mode_use_5361": _("equipment that came from abroad is returned abroad (outbound only); it enters under 5335."),
    "trade_mode_use_9610": _("direct (parcel) cross-border e-commerce is not bonded and does not post to a zone book."),
    "trade_mode_use_9700": _("a shortage found at write-off (核销) is taxed and written off a processing book; no goods move (outbound only)."),
    "trade_mode_use_9800": _("the rent tax of a lease is declared without goods; the leased goods leave the book once, under 1523."),
    "trade_mode_use_9900": _("other movements, declared on ordinary lists."),
    "unknown_unit": _("Unknown unit code “%(value)s”."),
    "wrong_unit": _("Unit %(value)s is not a unit of item %(item)s (allowed: %(allowed)s)."),
    "unknown_item": _("Book %(book)s has no item %(value)s."),
    "item_kind_mismatch": _("Item %(item)s is a %(kind)s, but the list is for %(expected)s."),
    "leftover_item_kind": _("%(leftover)s is recorded as an item of kind %(expected)s, not %(kind)s (I = materials, E = finished goods)."),
    "leftover_of_defective_only": _("Only a defective-goods item names the finished item it was produced as."),
    "leftover_needs_processing_book": _("Scrap, by-products and defective goods are recorded in a processing (H) book only, not in %(book)s."),
    "leftover_of_not_finished": _("Item %(item)s is not an ordinary finished-goods item of book %(book)s."),
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
    "file_unreadable": _("%(name)s could not be read as %(format)s: it should be %(expected)s."),
    "unknown_columns": _("Unknown columns: %(columns)s (a misspelt heading?). The columns of this file are: %(known)s."),
    "file_not_text": _("The file is neither UTF-8 nor GBK / GB18030 text (byte %(position)s); save it as CSV (UTF-8)."),
    "file_empty": _("The file has no data rows."),
    "file_over_limit": _("The file is larger than the limit of %(max)s MB."),
    "unknown_format": _("Unknown file format “%(value)s” (use csv, xlsx or json)."),
    "unknown_export_format": _("There is no export as “%(value)s”: choose %(choices)s."),
    "missing_columns": _("Missing columns: %(columns)s."),
    "row": _("row %(row)s, %(field)s: %(message)s"),
    "invalid": _("%(message)s"),
    "header_differs": _("differs from row %(first)s of list %(list)s."),
    "calendar_year_missing": _("No working-day calendar for %(years)s: enter or import the State Council's "
                               "holiday notice for that year first (Calendar page)."),
    "calendar_out_of_window": _("%(value)s is outside the years a working-day calendar is kept for "
                                "(%(first)s–%(last)s)."),
    "calendar_workday_on_weekday": _("%(value)s is a Monday–Friday: only a Saturday or Sunday can be a make-up "
                                     "working day."),
    "calendar_day_other_year": _("%(value)s is not in %(year)s."),
    "calendar_day_twice": _("%(value)s is listed twice (first in row %(first)s)."),
    "book_number_prefix": _("Book number “%(value)s”: a %(kind)s book number starts with %(kind)s."),
    "posting_before_last": _("%(value)s is before the book's last posting date %(last)s."),
    "end_before_start": _("End date %(end)s is before start date %(start)s."),
    # the command line's own refusals (core.commands.ServiceCommand says them in the CLI's language)
    "required_unless": _("Required (or give %(alternative)s)."),
    "required_with": _("Required with %(option)s."),
    "only_with": _("Goes only with %(option)s."),
    "exactly_one": _("Give exactly one of %(options)s."),
    "password_source": _("No password: type it at the prompt (run the command in a terminal) or set %(env)s."),
    "passwords_differ": _("The two passwords differ."),
    "not_json": _("Not JSON (line %(line)s, column %(column)s)."),
    "output_file_required": _("A %(format)s file is binary: give --output FILE."),
    "books_mismatch": _("%(accounts)s accounts, %(entries)s entries checked; %(count)s problem(s)."),
}


# Problem code -> {parameter: labels kind}: parameters that carry a coded value (a goods status, a unit…),
# shown by its name in the sentence. Apps add theirs beside their MESSAGES.
CODED_PARAMS: dict[str, dict[str, str]] = {"forbidden_action": {"role": "role"}}
# Problem code -> the parameter naming another problem whose sentence it carries as %(message)s (the other
# problem's parameters beside it), e.g. a gate refusal that carries the ledger's refusal.
CARRIES: dict[str, str] = {}


def render(p: Problem) -> str:
    template = MESSAGES.get(p.code)
    if template is None:
        return str(p.params.get("message") or p.code)
    params = dict(p.params)
    if "value" in params:  # the bad value echoed back: bounded here, whoever made the problem (1e400 written out)
        params["value"] = shown(str(params["value"]), SHOWN_MAX)
    for name, kind in CODED_PARAMS.get(p.code, {}).items():
        if name in params:
            params[name] = labels.name(kind, params[name])
    if params.get("rule") in MESSAGES:
        params["rule"] = str(MESSAGES[params["rule"]])
    if p.code in CARRIES and params.get(CARRIES[p.code]) not in (None, p.code):
        params["message"] = render(Problem(str(params.get("field", "")), str(params[CARRIES[p.code]]), params))
    if p.code == "row":
        inner = Problem(params.get("field", ""), params.get("inner_code", "invalid"), params.get("inner_params", {}))
        params["message"] = render(inner)
    try:
        return str(template) % params
    except (KeyError, TypeError, ValueError):
        return str(template)


def as_dicts(problems: list[Problem]) -> list[dict]:
    return [{"field": p.field, "code": p.code, "message": render(p)} for p in problems]
