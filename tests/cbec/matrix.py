"""Permission matrix of cross-border retail (read by tests/permissions/test_matrix.py).

Orders carry buyers' ID numbers: the e-commerce enterprise sees its own, customs its zone's (or all);
zone administration, tax, market and commerce see none (no `cbec.view`). Target A is an order of ent_a
(zone A), B one of ent_b (zone B). Every write body is bad or incomplete, so a permitted user gets 400 (API)
or a flashed error and a redirect (page), and nothing is written."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from bondzone.cbec.models import AnnualTotal, CbecOrder, ConsolidatedList, PositiveListEntry, TaxSettlement

from ..conftest import post_list
from ..permissions.matrix import OK_WRITE, Rule


VISIBLE = {"A": {"admin", "customs", "customs_a", "ent_a"}, "B": {"admin", "customs", "ent_b"}}


def _write(action: str, obj: str | None = "order", body: str = "empty") -> Rule:
    return Rule("write", action=action, object=obj, method="POST", ok=OK_WRITE, body=body)


PAGES = {
    "cbec:orders": Rule("action", action="cbec.view"),
    "cbec:consolidations": Rule("action", action="cbec.view"),
    "cbec:order": Rule("object", object="order"),
    "cbec:order-payment": _write("cbec.declare"),
    "cbec:order-waybill": _write("cbec.declare"),
    "cbec:order-release": _write("cbec.release"),
    "cbec:order-return": _write("cbec.declare"),
    "cbec:settlements": Rule("action", action="cbec.view"),
    "cbec:settlement-pay": _write("cbec.settle", obj="settlement"),  # no paid_on: refused on the page
}
API = {
    "GET /api/v1/cbec/orders": Rule("list"),
    "POST /api/v1/cbec/orders": _write("cbec.declare", obj=None),
    "GET /api/v1/cbec/orders/{order_id}": Rule("object", object="order"),
    "POST /api/v1/cbec/orders/{order_id}/payment": _write("cbec.declare"),
    "POST /api/v1/cbec/orders/{order_id}/waybill": _write("cbec.declare"),
    "POST /api/v1/cbec/orders/{order_id}/release": _write("cbec.release"),
    "POST /api/v1/cbec/orders/{order_id}/return": _write("cbec.declare", body="return"),  # a declared order
    "GET /api/v1/cbec/positive-list": Rule("list"),
    "GET /api/v1/cbec/consolidations": Rule("list"),
    # a period with no released order: refused (400) for the enterprise, nothing written
    "POST /api/v1/cbec/consolidations": _write("cbec.declare", obj=None, body="consolidate"),
    "GET /api/v1/cbec/settlements": Rule("list"),
    "GET /api/v1/cbec/settlements/{settlement_id}": Rule("object", object="settlement"),
    # a period with no released order: refused (400) for customs and the platform, nothing written
    "POST /api/v1/cbec/settlements": _write("cbec.settle", obj=None, body="settle"),
    "POST /api/v1/cbec/settlements/{settlement_id}/pay": _write("cbec.settle", obj="settlement"),  # no paid_on
}
BODIES = {"consolidate": lambda w, o: {"book_id": o["book"].pk, "start": "2001-01-01", "end": "2001-01-31"},
          "settle": lambda w, o: {"enterprise_id": w.ent_a.pk, "start": "2001-01-01", "end": "2001-01-15"},
          "empty": lambda w, o: {}, "return": lambda w, o: {"applied_on": "2026-03-02"}}
NO_WRITES = {k for k in PAGES if k.startswith(("cbec:order-", "cbec:settlement-"))}


def expected(label, rule, username, target, world, want):
    if username is None or rule.object not in ("order", "settlement"):
        return want
    if rule.kind in ("action", "write") and rule.action and not world.actor(username).can(rule.action):
        return {403}
    if username not in VISIBLE[target]:
        return {404}
    return set(rule.ok)


def objects(world) -> dict:
    PositiveListEntry.objects.get_or_create(hs_code="1901101000", defaults={"name": "infant formula"})
    out = {}
    for target, ent, book, user in (("A", world.ent_a, world.book_a, "ent_a"), ("B", world.ent_b, world.book_b, "ent_b")):
        order = CbecOrder.objects.create(enterprise=ent, zone_id=ent.zone_id, order_no=f"M-{target}",
                                         order_date=date(2026, 3, 1), buyer_name="张三", buyer_id="11010519491231002X",
                                         goods_value=Decimal("100.00"))
        vlist = post_list(world, direction="I", lines=[(1, "1")], book=book, enterprise_user=user)
        consolidation = ConsolidatedList.objects.create(enterprise=ent, zone_id=ent.zone_id, book=book, vlist=vlist,
                                                        period_from=date(2026, 3, 1), period_to=date(2026, 3, 31))
        settlement = TaxSettlement.objects.create(enterprise=ent, zone_id=ent.zone_id, period_from=date(2026, 3, 1),
                                                  period_to=date(2026, 3, 15), due_on=date(2026, 4, 15))
        out[target] = {"order": order, "consolidation": consolidation, "settlement": settlement}
    return out


def snapshot() -> tuple:
    return (CbecOrder.objects.count(), AnnualTotal.objects.count(), ConsolidatedList.objects.count(),
            tuple(CbecOrder.objects.order_by("pk").values_list("status", "payment_no", "waybill_no", "settlement_id")),
            tuple(TaxSettlement.objects.order_by("pk").values_list("status", "paid_on")))

# collection -> (fixture object, who sees target A's and B's row): checked row by row per role
COLLECTIONS = {"/api/v1/cbec/orders": ("order", VISIBLE),
               "/api/v1/cbec/consolidations": ("consolidation", VISIBLE),
               "/api/v1/cbec/settlements": ("settlement", VISIBLE)}
# the positive list: reference data every logged-in user reads alike, told apart by HS code
REFERENCE = {"/api/v1/cbec/positive-list": ("hs_code", False, None, None)}
