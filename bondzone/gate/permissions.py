"""Actions of the gate and who may attempt them (data-level rules are in scopes.py), plus the problem
and reason codes this app adds to the message catalogue."""

from django.utils.translation import gettext_lazy as _

from bondzone.core.domain.roles import PERMISSIONS, Role, register
from bondzone.core.messages import CARRIES, CODED_PARAMS, MESSAGES

register("gate.view", {Role.ENTERPRISE, Role.CUSTOMS, Role.ZONE_ADMIN, Role.GATE, Role.PLATFORM_ADMIN})
register("gate.apply_slip", {Role.ENTERPRISE, Role.PLATFORM_ADMIN})
register("gate.cancel_slip", {Role.ENTERPRISE, Role.CUSTOMS, Role.PLATFORM_ADMIN})
register("gate.approve_slip", {Role.CUSTOMS, Role.PLATFORM_ADMIN})
register("gate.report", {Role.GATE})  # only a gate's own user: the passage is recorded against its gate
register("gate.inspect", {Role.CUSTOMS, Role.PLATFORM_ADMIN})
register("gate.watch", {Role.CUSTOMS, Role.ZONE_ADMIN, Role.PLATFORM_ADMIN})  # the officer's live queue
register("gate.door", {Role.ENTERPRISE, Role.CUSTOMS, Role.PLATFORM_ADMIN})  # 库门: record a door passage
register("gate.manage", {Role.CUSTOMS, Role.PLATFORM_ADMIN})  # zone gate settings, gates and their tokens
# a zone's gate settings hold customs' risk rules (credit classes, trade modes, HS chapters, the random rate): not
# for the enterprises they select, nor for the gate devices
register("gate.view_settings", {Role.CUSTOMS, Role.ZONE_ADMIN, Role.PLATFORM_ADMIN})

# A gate posts the lists its vehicles carry: it reads its zone's books (scoped by its zone) and passes goods.
for _action in ("supervision.view_book", "supervision.pass_goods"):
    register(_action, PERMISSIONS.get(_action, frozenset()) | {Role.GATE})

MESSAGES.update({
    "bad_plate": _("“%(value)s” is not a vehicle plate (province, letter, then 5 or 6 letters or digits)."),
    "bad_ic_card": _("“%(value)s” is not an IC card number (4–32 letters or digits)."),
    "bad_elock": _("“%(value)s” is not an electronic lock number (1–32 letters or digits)."),
    "lines_without_list": _("Line quantities are shares of a list on the slip: name the list, or give no lines."),
    "bad_seal": _("“%(value)s” is not a seal number (letters, digits or hyphens)."),
    "too_many_containers": _("At most %(max)s containers on one vehicle (got %(count)s)."),
    "bad_container": _("“%(value)s” is not a container number (ISO 6346: 4 letters, 7 digits with check digit)."),
    "weight_not_positive": _("Weight must be greater than zero (got %(value)s)."),
    "weight_too_large": _("Weight %(value)s kg is more than %(max)s kg."),
    "empty_vehicle_has_goods": _("An empty vehicle declares no goods weight (got %(value)s)."),
    "slip_needs_lists": _("A slip of type %(type)s carries verification lists; name at least one."),
    "slip_takes_no_lists": _("A slip of type %(type)s carries no verification list."),
    "slip_needs_lines": _("One list on several vehicles: give the quantity of each line this vehicle carries."),
    "list_other_zone": _("List %(list)s belongs to another zone."),
    "list_not_approved": _("List %(list)s is not approved."),
    "list_direction_differs": _("List %(list)s goes the other way (%(direction)s)."),
    "list_crossing_not_for_slip_type": _("List %(list)s (trade mode %(mode)s) %(rule)s: it goes on a slip of type "
                                         "%(allowed)s, not %(type)s."),
    "list_needs_no_slip": _("List %(list)s (trade mode %(mode)s) %(rule)s: it is posted at approval and goes on no slip."),
    "list_crossing_first_line": _("crosses the first line (zone ↔ abroad)"),
    "list_crossing_second_line": _("crosses the second line (zone ↔ domestic area outside the zone)"),
    "list_crossing_inter_zone": _("moves between the zone and another special area or bonded site"),
    "list_crossing_in_zone": _("moves within the zone"),
    "list_crossing_none": _("moves no goods across the zone fence"),
    "list_already_on_slip": _("List %(list)s is already on another slip (a list and vehicles are never many-to-many)."),
    "binding_one_list": _("This binding takes exactly one list (got %(count)s)."),
    "binding_many_lists": _("One vehicle with several lists needs at least two lists (got %(count)s)."),
    "binding_whole_lists": _("Whole-list bindings carry every line; quantities per line are for one list on several vehicles."),
    "unknown_list_line": _("List %(list)s has no line %(value)s."),
    "slip_exceeds_list": _("Line %(line)s: %(value)s is more than is left of list %(list)s for slips (%(remaining)s)."),
    "slip_wrong_state": _("Slip %(slip)s is %(state)s; this needs it to be %(expected)s."),
    "not_a_gate": _("This user is not the user of an active gate."),
    "event_id_required": _("Every gate event needs an event id."),
    "inspection_not_pending": _("Slip %(slip)s has no inspection waiting for a result."),
    "discrepancy_needs_lines": _("A discrepancy result names at least one line with the quantity found."),
    "discrepancy_needs_list": _("Several lists on this slip have a line %(line)s: name the list."),
    "discrepancy_no_lists": _("Release slip %(slip)s carries no verification list: there is no line a quantity found "
                              "could differ from. Record the result as conforming, or refuse the vehicle."),
    "found_exceeds_reserved": _("Line %(line)s: %(value)s found is more than the list still has reserved (%(reserved)s); "
                                "the difference needs its own list."),
    "door_status_pair": _("A warehouse door moves goods between non-bonded and bonded: from %(from)s to %(to)s is not a door passage."),
    "door_reference_required": _("Name the status-change list (its number) whose goods pass the door."),
    "door_list_unknown": _("No verification list %(value)s in this account book."),
    "door_list_not_open": _("List %(list)s is %(state)s: a door passage needs an approved status-change list whose "
                            "goods have not all passed."),
    "door_list_no_line": _("List %(list)s has no line moving item %(item)s from %(from)s to %(to)s."),
    "door_exceeds_list": _("%(value)s is more than list %(list)s still has for the door (%(remaining)s)."),
    "bad_door": _("“%(value)s” is not a door code (1–32 letters, digits, - or _)."),
    "rate_out_of_range": _("%(value)s is not between 0 and 100."),
    "xml_empty": _("The file is empty: send the receipt's XML."),
    "xml_not_well_formed": _("The file is not well-formed XML (%(detail)s)."),
    "xml_forbidden": _("The XML carries a DTD, an entity or an external reference (%(what)s); customs messages have none, so it is refused unread."),
    "xml_unknown_encoding": _("The XML declares the encoding “%(encoding)s”, which is not a known character encoding."),
    "xml_bad_encoding": _("The file is not in the encoding its XML declaration names (%(encoding)s): byte %(position)s does not decode."),
    "xml_wrong_root": _("The document's root is %(root)s; a message of this kind starts with %(expected)s."),
    "xml_wrong_message_type": _("The message type is %(value)s, not %(expected)s."),
    "xml_missing_element": _("The message has no %(element)s element."),
    "receipt_transferred": _("The receipt transfers the slip to manual review (转岗, emapvMarkcd 2): it decides nothing yet, so nothing is applied."),
    "receipt_bad_decision": _("“%(value)s” is not a decision of a receipt (emapvMarkcd 1 approved or 3 returned)."),
    "receipt_bad_dcl_typecd": _("“%(value)s” is not a declaration type of a receipt (dclTypecd 1 备案; 3 作废 is not applied here)."),
    "receipt_for_cancellation": _("The receipt answers a cancellation (作废, dclTypecd 3); only the decision on a declared slip is applied here."),
    "receipt_bad_passport_no": _("An approval carries the passport number customs assigned (%(length)s characters; got “%(value)s”)."),
    "receipt_passport_no_taken": _("Passport number %(value)s is already slip %(slip)s's: customs assign it to one slip, so this receipt is not applied."),
    "receipt_slip_unknown": _("No release slip has the enterprise-internal number %(value)s."),
    "receipt_slip_other_zone": _("Release slip %(value)s belongs to another zone than yours."),
    "receipt_slip_decided": _("Slip %(slip)s is %(state)s: a receipt that it was %(decision)s cannot apply to it."),
    "receipt_conflicts": _("Slip %(slip)s already has a receipt that it was %(decision)s (passport number %(passport_no)s); "
                           "this one says otherwise and is not applied."),
    # gate decision reasons (also shown on the officer's screen)
    "unknown_plate": _("No slip for plate %(plate)s."),
    "slip_wrong_direction": _("Slip %(slip)s is for the other direction (%(direction)s)."),
    "slip_not_approved": _("Slip %(slip)s is not approved."),
    "slip_cancelled": _("Slip %(slip)s was cancelled."),
    "slip_expired": _("Slip %(slip)s expired at %(valid_until)s."),
    "slip_used": _("Slip %(slip)s has already been used."),
    "first_gate_not_passed": _("Slip %(slip)s has not passed the first gate (一卡) yet."),
    "ic_card_mismatch": _("IC card %(read)s is not the card of slip %(slip)s (%(expected)s)."),
    "inspection_refused": _("Slip %(slip)s was refused at inspection."),
    "book_would_go_negative": _("Item %(item)s (%(status)s, %(unit)s) would go below zero: available %(available)s, required %(required)s."),
    "weight_outside_tolerance": _("Weighbridge %(measured)s kg against %(expected)s kg declared: off by %(error)s kg, allowed %(allowed)s kg."),
    "seal_mismatch": _("Seal %(read)s is not the declared seal %(expected)s."),
    "container_mismatch": _("Containers %(read)s are not the declared %(expected)s."),
    "elock_not_read": _("Slip %(slip)s has electronic lock %(expected)s; the gate read no lock."),
    "elock_mismatch": _("Electronic lock %(read)s is not the lock of slip %(slip)s (%(expected)s)."),
    "elock_opened": _("Electronic lock %(elock)s was opened on the way: the goods may have been touched."),
    "elock_fault": _("Electronic lock %(elock)s reports a fault."),
    "posting_refused": _("The account book refused the posting: %(message)s"),
    "selected_for_inspection": _("Slip %(slip)s is selected for inspection."),
    "risk_credit_class": _("enterprise credit class %(value)s"),
    "risk_trade_mode": _("trade mode %(value)s"),
    "risk_hs_chapter": _("HS chapter %(value)s"),
    "risk_first_time_goods": _("goods moved for the first time: %(value)s"),
    "risk_random": _("random selection (%(rate)s %%)"),
    "risk_gate_hold": _("held at the gate: %(value)s"),
})

CARRIES["posting_refused"] = "code"  # the ledger's refusal, in its own words

# parameters that carry codes, named in the sentence (a hold's reasons: "weight_outside_tolerance,seal_mismatch")
CODED_PARAMS.update({
    "risk_gate_hold": {"value": "gate_hold_reasons"},
    "slip_wrong_state": {"state": "slip_status", "expected": "slip_statuses"},
    "receipt_slip_decided": {"state": "slip_status", "decision": "receipt_decision"},
    "receipt_conflicts": {"decision": "receipt_decision"},
    "door_status_pair": {"from": "door_status", "to": "door_status"},
    "door_list_no_line": {"from": "door_status", "to": "door_status"},
})
