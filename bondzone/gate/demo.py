"""Demo data for the gate (synthetic): the Tianzhu zone's east gate, its settings, and a small day of
release slips and passages, all through the services — lists approved in the account book, slips applied
for and approved, the gate reporting vehicles (pass, hold for inspection, refuse), one inspection with a
discrepancy released, one slip still awaiting customs."""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.contrib.auth import get_user_model

from bondzone.core.actor import actor_of
from bondzone.supervision import selectors as books
from bondzone.supervision import services as ledger

from . import services
from .models import Gate

NOT_DRAWN = Decimal("99.99")  # approval draw above the random rate: not selected
DRAWN = Decimal("0.50")  # below it: selected for inspection


def _key() -> str:
    return uuid.uuid4().hex


def _approved_list(owner, customs, book_id: int, direction: str, lines: list[tuple[int, str, str]],
                   trade_mode: str = "5034", status: str = "bonded", unit: str = "001"):
    """A list approved (by default 5034, bonded logistics, first line): its goods are reserved, awaiting the gate."""
    data = {"direction": direction, "trade_mode": trade_mode, "list_type": "0", "item_kind": "I",
            "inner_no": f"GATE-DEMO-{direction}-{_key()[:6].upper()}",
            "lines": [{"item_no": no, "quantity": qty, "unit": unit, "value": value, "currency": "142",
                       "goods_status": status} for no, qty, value in lines]}
    vlist = ledger.create_list(actor=owner, book_id=book_id, data=data, idempotency_key=_key())
    ledger.submit_list(actor=owner, list_id=vlist.pk, idempotency_key=_key())
    return ledger.approve_list(actor=customs, list_id=vlist.pk, idempotency_key=_key())


def _slip(owner, customs, data: dict, draw: Decimal | None = NOT_DRAWN):
    slip = services.apply_slip(actor=owner, data=data, idempotency_key=_key())
    if draw is None:
        return slip
    return services.approve_slip(actor=customs, slip_id=slip.pk, idempotency_key=_key(), draw=draw)


def _event(gate_actor, plate: str, direction: str, weight: str, n: int, **kw) -> dict:
    data = {"event_id": f"demo-g1-{n:04d}", "plate": plate, "direction": direction, "weighbridge_kg": weight, **kw}
    return services.report_passage(actor=gate_actor, data=data)[0]


def load_demo(rng) -> None:
    if Gate.objects.exists():
        return
    users = {u.username: u for u in get_user_model().objects.filter(username__in=["customs", "ent_logistics"])}
    enterprise = users["ent_logistics"].profile.enterprise \
        if "ent_logistics" in users else None
    if enterprise is None or "customs" not in users:
        return
    customs, owner = actor_of(users["customs"]), actor_of(users["ent_logistics"])
    book = books.books(customs, enterprise_id=enterprise.pk).filter(kind="T").first()
    if book is None:
        return
    zone_id = enterprise.zone_id
    services.update_settings(actor=customs, zone_id=zone_id, data={"random_rate_pct": "2"})
    gate = services.create_gate(actor=customs, zone_id=zone_id, code="G1", name="东卡口")
    gate_actor = actor_of(gate.user)
    n = 0

    # 1. laptops and phones arrive from abroad: one vehicle, one list, sealed container under the electronic lock
    #    customs applied at the port (电子关锁, 区港联动) — the gate reads it intact, passes and posts
    inbound = _approved_list(owner, customs, book.pk, "I", [(1, "40", "208000.00"), (2, "60", "186000.00")])
    _slip(owner, customs, {"slip_type": "2", "binding": "2", "direction": "I", "plate": "京A10001",
                           "vehicle_wt": "9800", "container_wt": "2200", "total_gross_wt": "640",
                           "containers": ["CSQU3054383"], "seal": "SL2026001", "elock_no": "EL2026001",
                           "lists": [inbound.pk]})
    n += 1
    _event(gate_actor, "京A10001", "I", "12655", n, containers=["CSQU3054383"], seal="SL2026001",
           elock_no="EL2026001", elock_status="intact")

    # 2. laptops leave again on two vehicles (一票多车): the first has passed, the second is expected
    outbound = _approved_list(owner, customs, book.pk, "E", [(1, "24", "124800.00")])
    for plate, qty in (("京A10002", "14"), ("京A10003", "10")):
        _slip(owner, customs, {"slip_type": "2", "binding": "3", "direction": "E", "plate": plate,
                               "vehicle_wt": "7600", "total_gross_wt": str(int(qty) * 3),
                               "lists": [outbound.pk], "lines": [{"list_id": outbound.pk, "seq": 1, "quantity": qty}]})
    n += 1
    _event(gate_actor, "京A10002", "E", "7650", n)

    # 3. phones selected at random: held at the gate, then inspected (found 58 of 60) and released;
    #    the passage posts what was found
    checked = _approved_list(owner, customs, book.pk, "I", [(2, "60", "186000.00")])
    slip = _slip(owner, customs, {"slip_type": "2", "binding": "2", "direction": "I", "plate": "京A10004",
                                  "vehicle_wt": "8100", "total_gross_wt": "48", "lists": [checked.pk]}, draw=DRAWN)
    n += 1
    _event(gate_actor, "京A10004", "I", "8150", n)
    services.record_inspection(actor=customs, slip_id=slip.pk, result="discrepancy", release=True,
                               note="演示：实到58台，少2台", discrepancies=[{"seq": 1, "found": "58"}])
    n += 1
    _event(gate_actor, "京A10004", "I", "8146", n)

    # 4. a load that weighs far more than declared: held, waiting for an officer on the screen
    heavy = _approved_list(owner, customs, book.pk, "I", [(1, "10", "52000.00")])
    _slip(owner, customs, {"slip_type": "2", "binding": "2", "direction": "I", "plate": "京A10005",
                           "vehicle_wt": "7900", "total_gross_wt": "30", "lists": [heavy.pk]})
    n += 1
    _event(gate_actor, "京A10005", "I", "9300", n)

    # 5. an empty vehicle in and out; a plate nobody declared is refused
    _slip(owner, customs, {"slip_type": "6", "direction": "I", "plate": "京A10006", "vehicle_wt": "6500"})
    n += 1
    _event(gate_actor, "京A10006", "I", "6530", n)
    n += 1
    _event(gate_actor, "京B99999", "I", "11000", n)

    # 6. a slip the enterprise has applied for, awaiting customs
    later = _approved_list(owner, customs, book.pk, "I", [(2, "20", "62000.00")])
    _slip(owner, customs, {"slip_type": "2", "binding": "2", "direction": "I", "plate": "京A10007",
                           "vehicle_wt": "7700", "total_gross_wt": "16", "lists": [later.pk]}, draw=None)

    # 7. 库门: domestic catheters (non-bonded, bought in across the second line) go through door D1 into
    #    the bonded area for consolidation with bonded goods, on a status-change list (approval reserves
    #    it; the door passage posts 120 of its 150)
    domestic = _approved_list(owner, customs, book.pk, "I", [(4, "200", "17000.00")], trade_mode="5000",
                              status="non_bonded", unit="011")
    if domestic.posting_state == "reserved":
        ledger.pass_goods(actor=customs, list_id=domestic.pk, event_id=_key(), idempotency_key=_key())
    change = ledger.create_list(actor=owner, book_id=book.pk, idempotency_key=_key(), data={
        "direction": "I", "trade_mode": "9900", "list_type": "0", "item_kind": "I", "inner_no": "DOOR-DEMO-1",
        "lines": [{"item_no": 4, "quantity": "150", "unit": "011", "value": "12750.00", "currency": "142",
                   "goods_status": "non_bonded", "target_status": "bonded"}]})
    ledger.submit_list(actor=owner, list_id=change.pk, idempotency_key=_key())
    change = ledger.approve_list(actor=customs, list_id=change.pk, idempotency_key=_key())
    services.record_door_passage(actor=owner, book_id=book.pk, data={
        "event_id": "demo-door-0001", "door": "D1", "item_no": 4, "quantity": "120", "from_status": "non_bonded",
        "to_status": "bonded", "reference": change.display_number,
        "note": "演示：国内采购导管转入保税区集拼"})
