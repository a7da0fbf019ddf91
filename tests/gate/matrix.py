"""Permission matrix of the gate pages and API (read by tests/permissions/test_matrix.py).

Fixture objects: target A is an applied slip of enterprise A (zone TZ) and zone TZ's gate; target B the
same for enterprise B (zone DX). No matrix user is a gate user, so the gate event endpoint is 403 for all."""

from __future__ import annotations

from ..permissions.matrix import OK_WRITE, Rule, action_then_object

EVERYONE = {"admin", "customs", "customs_a", "zone_a", "tax", "market", "commerce", "ent_a", "ent_b"}
VISIBLE = {
    ("slip", "A"): {"admin", "customs", "customs_a", "zone_a", "ent_a"},
    ("slip", "B"): {"admin", "customs", "ent_b"},
    ("gate", "A"): {"admin", "customs", "customs_a", "zone_a", "ent_a"},
    ("gate", "B"): {"admin", "customs", "ent_b"},
    ("zone", "A"): EVERYONE,
    ("zone", "B"): EVERYONE,
    ("zone-write", "A"): EVERYONE,
    ("zone-write", "B"): EVERYONE - {"customs_a", "zone_a"},
    # a zone's settings (customs' risk rules): a zone-bound officer or zone administration reads only its own zone's
    ("zone-settings", "A"): EVERYONE,
    ("zone-settings", "B"): EVERYONE - {"customs_a", "zone_a"},
    # the matrix's list of each enterprise, for the door list's 变更: only the roles that may change a list
    # (supervision.change_list) reach the scope check
    ("list", "A"): {"admin", "ent_a"},
    ("list", "B"): {"admin", "ent_b"},
}

# label -> (kind, action, object, ok): kind "page"/"api" (login redirect / 401 for the anonymous),
# "list" (any logged-in user, rows scoped)
SPEC: dict[str, tuple] = {
    "gate:slips": ("page", "gate.view", None, {200}),
    "gate:slip-create": ("page", "gate.apply_slip", None, {200}),
    "gate:slip": ("page", None, "slip", {200}),
    "gate:slip-action": ("page", "gate.approve_slip", "slip", {302}),
    "gate:slip-sas121": ("page", None, "slip", {200}),
    "gate:screen": ("page", "gate.watch", None, {200}),
    "gate:screen-feed": ("page", "gate.watch", None, {200}),
    "gate:settings": ("page", "gate.view_settings", "zone-settings", {200}),
    "gate:door": ("page", "gate.view", None, {200}),
    # the matrix's list is not a door list: the page sends its owner back to the list's page with the reason
    "gate:door-list-change": ("page", "supervision.change_list", "list", {302}),
    "GET /api/v1/gate/slips": ("list", None, None, {200}),
    "POST /api/v1/gate/slips": ("api", "gate.apply_slip", None, {400}),
    "GET /api/v1/gate/slips/{slip_id}": ("api", None, "slip", {200}),
    "GET /api/v1/gate/slips/{slip_id}/sas121.xml": ("api", None, "slip", {200}),
    "POST /api/v1/gate/receipts": ("api", "gate.approve_slip", None, {400}),
    "POST /api/v1/gate/slips/{slip_id}/approve": ("api", "gate.approve_slip", "slip", OK_WRITE),
    "POST /api/v1/gate/slips/{slip_id}/cancel": ("api", "gate.cancel_slip", "slip", OK_WRITE),
    "POST /api/v1/gate/slips/{slip_id}/inspection": ("api", "gate.inspect", "slip", {400}),
    "POST /api/v1/gate/events": ("api", "gate.report", None, {200}),
    "GET /api/v1/gate/passages": ("list", None, None, {200}),
    "GET /api/v1/gate/settings/{zone_id}": ("api", "gate.view_settings", "zone-settings", {200}),
    "PATCH /api/v1/gate/settings/{zone_id}": ("api", "gate.manage", "zone-write", {400}),
    "GET /api/v1/gate/gates": ("list", None, None, {200}),
    "POST /api/v1/gate/gates": ("api", "gate.manage", None, {400}),
    "POST /api/v1/gate/gates/{gate_id}/token": ("api", "gate.manage", "gate", {201}),
    "GET /api/v1/gate/door-passages": ("list", None, None, {200}),
    "POST /api/v1/gate/door-passages": ("api", "gate.door", None, {400}),
    "POST /api/v1/gate/door-lists/{list_id}/change": ("api", "supervision.change_list", "list", OK_WRITE),
}
BODY_OF = {
    "POST /api/v1/gate/slips": "gate_slip", "POST /api/v1/gate/slips/{slip_id}/cancel": "reason",
    "POST /api/v1/gate/slips/{slip_id}/inspection": "gate_inspection", "POST /api/v1/gate/events": "gate_event",
    "PATCH /api/v1/gate/settings/{zone_id}": "gate_settings", "POST /api/v1/gate/gates": "gate_gate",
    "POST /api/v1/gate/door-passages": "gate_door", "POST /api/v1/gate/receipts": "gate_receipt",
    "POST /api/v1/gate/door-lists/{list_id}/change": "gate_door_change",
}
BODIES = {
    "gate_slip": lambda w, o: {"slip_type": "9", "direction": "I", "plate": "X", "vehicle_wt": "1"},
    "gate_receipt": lambda w, o: {"not": "xml"},  # sent as JSON: not a receipt, 400 once permitted
    "gate_inspection": lambda w, o: {"result": "conforms", "release": True},
    "gate_event": lambda w, o: {"event_id": "m1", "plate": "京A12345", "direction": "I", "weighbridge_kg": "1"},
    "gate_settings": lambda w, o: {"weight_tolerance_pct": "101"},
    "gate_door": lambda w, o: {"book_id": 1, "event_id": "m1", "door": "bad door!", "item_no": 1, "quantity": "1",
                               "from_status": "bonded", "to_status": "bonded", "reference": ""},
    "gate_door_change": lambda w, o: {"lines": {"1": {"quantity": "1"}}, "reason": "x"},
    "gate_gate": lambda w, o: {"zone_id": o["gate_zone"].pk, "code": "bad code!", "name": "x"},
}




def _rule(label: str, spec: tuple) -> Rule:
    kind, action, obj, ok = spec
    method = label.split(" ")[0] if " " in label else ("POST" if label == "gate:slip-action" else "GET")
    return Rule("object" if obj else ("list" if kind == "list" else "action"), action=action,
                object=obj and obj.replace("-write", ""), ok=frozenset(ok), method=method, body=BODY_OF.get(label))


PAGES = {k: _rule(k, v) for k, v in SPEC.items() if k.startswith("gate:")}
API = {k: _rule(k, v) for k, v in SPEC.items() if not k.startswith("gate:")}


def expected(label, rule, username, target, world, want):
    spec = SPEC.get(label)
    if spec is None:
        return want
    kind, action, obj, ok = spec
    if username is None:
        return {302} if label.startswith("gate:") else {401}
    return action_then_object(username, action, obj is None or username in VISIBLE[(obj, target)], ok)


def objects(world) -> dict:
    from django.utils import timezone

    from bondzone.gate import services
    from bondzone.gate.models import Passage

    from ..conftest import key

    customs = world.actor("customs")
    out = {}
    for target, user, zone, book in (("A", "ent_a", world.zone_a, world.book_a),
                                     ("B", "ent_b", world.zone_b, world.book_b)):
        gate = services.create_gate(actor=customs, zone_id=zone.pk, code=f"M{target}", name=f"gate {target}")
        slip = services.apply_slip(actor=world.actor(user), data={
            "slip_type": "6", "direction": "I", "plate": "京A12345", "vehicle_wt": "8000"}, idempotency_key=key())
        # a refused passage of the slip's vehicle, recorded as the event service records one
        passage = Passage.objects.create(gate=gate, zone=zone, event_id=f"M-{target}", slip=slip,
                                         enterprise=slip.enterprise, plate=slip.plate, direction="I",
                                         weighbridge_kg="8000", read_at=timezone.now(), outcome="refuse",
                                         answer={"decision": "refuse", "reasons": [{"code": "slip_not_approved"}]})
        out[target] = {"slip": slip, "gate": gate, "gate_zone": zone, "passage": passage,
                       "door_passage": _door_passage(world, user, book)}
    return out


def _door_passage(world, user, book):
    """库门 as tests/gate/test_door.py makes one: 4 non-bonded pieces of item 2 (item 1 carries the matrix's
    list), a status-change list moving them into the bonded area, and the door reporting them."""
    from bondzone.gate import services
    from bondzone.supervision import services as ledger

    from ..conftest import key, post_list

    owner = world.actor(user)
    post_list(world, direction="I", lines=[(2, "4")], status="non_bonded", book=book, enterprise_user=user)
    change = ledger.create_list(actor=owner, book_id=book.pk, idempotency_key=key(), data={
        "direction": "I", "trade_mode": "9900", "lines": [{"item_no": 2, "quantity": "4", "unit": "035",
                                                           "goods_status": "non_bonded", "target_status": "bonded",
                                                           "value": "1.00"}]})
    ledger.submit_list(actor=owner, list_id=change.pk, idempotency_key=key())
    change = ledger.approve_list(actor=world.actor("customs"), list_id=change.pk, idempotency_key=key())
    record, _ = services.record_door_passage(actor=owner, book_id=book.pk, data={
        "event_id": key(), "door": "D1", "item_no": 2, "quantity": "4", "from_status": "non_bonded",
        "to_status": "bonded", "reference": change.number})
    return record


def snapshot():
    from bondzone.gate.models import Gate, GateSettings, Inspection, Passage, Slip, SlipReceipt

    return tuple(m.objects.count() for m in (Slip, Passage, Inspection, GateSettings, Gate, SlipReceipt))

# collection -> (fixture object, who sees target A's and B's row): checked row by row per role
COLLECTIONS = {"/api/v1/gate/slips": ("slip", {t: VISIBLE[("slip", t)] for t in "AB"}),
               "/api/v1/gate/gates": ("gate", {t: VISIBLE[("gate", t)] for t in "AB"}),
               "/api/v1/gate/passages": ("passage", {t: VISIBLE[("slip", t)] for t in "AB"}),
               # 库门 passages go where the enterprise's slips go: the enterprise, its zone's staff, customs
               "/api/v1/gate/door-passages": ("door_passage", {t: VISIBLE[("slip", t)] for t in "AB"})}
