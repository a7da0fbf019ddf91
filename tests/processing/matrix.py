"""Permission matrix of the processing pages and API (read by tests/permissions/test_matrix.py).

Fixture objects: for targets A and B an H book of enterprise A (zone TZ) / B (zone DX) with a declared BOM,
a stock-take and a finished write-off."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from ..permissions.matrix import OK_WRITE, Rule, action_then_object

VISIBLE = {
    ("hbook", "A"): {"admin", "customs", "customs_a", "zone_a", "tax", "ent_a"},
    ("hbook", "B"): {"admin", "customs", "tax", "ent_b"},
}
VISIBLE[("bom", "A")] = VISIBLE[("stocktake", "A")] = VISIBLE[("writeoff", "A")] = VISIBLE[("hbook", "A")]
VISIBLE[("bom", "B")] = VISIBLE[("stocktake", "B")] = VISIBLE[("writeoff", "B")] = VISIBLE[("hbook", "B")]

# label -> (action, object, ok, method); pages of an H book read the book through the supervision selectors
SPEC: dict[str, tuple] = {
    "processing:index": ("processing.view", None, {200}, "GET"),
    "processing:book": ("processing.view", "hbook", {200}, "GET"),
    "processing:bom-declare": ("processing.declare_bom", "hbook", {302}, "POST"),
    "processing:bom-decide": ("processing.approve_bom", "bom", {302}, "POST"),
    "processing:production-create": ("processing.report_production", "hbook", {302}, "POST"),
    "processing:stocktake-create": ("processing.stocktake", "hbook", {302}, "POST"),
    "processing:stocktake": (None, "stocktake", {200}, "GET"),
    "processing:writeoff-create": ("processing.write_off", "hbook", {302}, "POST"),
    "processing:writeoff": (None, "writeoff", {200}, "GET"),
    "processing:writeoff-progress": (None, "writeoff", {200}, "GET"),
    "processing:writeoff-xlsx": (None, "writeoff", {200}, "GET"),
    "GET /api/v1/processing/books/{book_id}/boms": (None, "hbook", {200}, "GET"),
    "POST /api/v1/processing/books/{book_id}/boms": ("processing.declare_bom", "hbook", {400}, "POST"),
    "POST /api/v1/processing/boms/{bom_id}/decision": ("processing.approve_bom", "bom", OK_WRITE, "POST"),
    "GET /api/v1/processing/production": (None, None, {200}, "GET"),
    "POST /api/v1/processing/production": ("processing.report_production", "hbook", {400}, "POST"),
    "POST /api/v1/processing/stocktakes": ("processing.stocktake", "hbook", {400}, "POST"),
    "GET /api/v1/processing/stocktakes/{stocktake_id}": (None, "stocktake", {200}, "GET"),
    "POST /api/v1/processing/writeoffs": ("processing.write_off", "hbook", {400}, "POST"),
    "GET /api/v1/processing/writeoffs/{writeoff_id}": (None, "writeoff", {200}, "GET"),
    "GET /api/v1/processing/writeoffs/{writeoff_id}/xlsx": (None, "writeoff", {200}, "GET"),
}
BODY_OF = {
    "POST /api/v1/processing/books/{book_id}/boms": "proc_bom",
    "POST /api/v1/processing/boms/{bom_id}/decision": "proc_decision",
    "POST /api/v1/processing/production": "proc_production",
    "POST /api/v1/processing/stocktakes": "proc_stocktake",
    "POST /api/v1/processing/writeoffs": "proc_writeoff",
}
BODIES = {
    "proc_bom": lambda w, o: {"finished_no": 10, "version": "X", "valid_from": "2026-01-01",
                              "lines": [{"material_no": 1, "net": "1", "loss_pct": "100"}]},
    "proc_decision": lambda w, o: {"approve": False},
    "proc_production": lambda w, o: {"book_id": o["hbook"].pk, "outputs": [{"item_no": 10, "quantity": "1"}]},
    "proc_stocktake": lambda w, o: {"book_id": o["hbook"].pk, "counts": [{"item_no": 99, "counted": "1"}]},
    "proc_writeoff": lambda w, o: {"book_id": o["hbook"].pk, "period_start": "2026-02-01",
                                   "period_end": "2026-01-01"},
}
# page forms posted with an empty body: refused with a flashed message, nothing written
NO_WRITES = {"processing:bom-declare", "processing:production-create", "processing:stocktake-create",
             "processing:writeoff-create"}




def _rule(label: str, spec: tuple) -> Rule:
    action, obj, ok, method = spec
    kind = "object" if obj else ("action" if action else "list")
    return Rule(kind, action=action, object=obj, ok=frozenset(ok), method=method, body=BODY_OF.get(label))


PAGES = {k: _rule(k, v) for k, v in SPEC.items() if k.startswith("processing:")}
API = {k: _rule(k, v) for k, v in SPEC.items() if not k.startswith("processing:")}


def expected(label, rule, username, target, world, want):
    spec = SPEC.get(label)
    if spec is None:
        return want
    action, obj, ok, method = spec
    if username is None:
        return {302} if label.startswith("processing:") else {401}
    return action_then_object(username, action, obj is None or username in VISIBLE[(obj, target)], ok)


def objects(world) -> dict:
    from bondzone.processing import services
    from bondzone.supervision import services as ledger

    from ..conftest import key

    customs = world.actor("customs")
    today = timezone.localdate()
    out = {}
    for target, ent, user in (("A", world.ent_a, "ent_a"), ("B", world.ent_b, "ent_b")):
        book = ledger.create_book(actor=customs, enterprise_id=ent.pk, number=f"H0110100000{1 + (target == 'B')}",
                                  kind="H", valid_from=today - timedelta(days=30), valid_until=today + timedelta(days=300),
                                  processing_kind="imported")
        for item_no, kind, unit in ((1, "I", "035"), (10, "E", "007")):
            ledger.add_item(actor=customs, book_id=book.pk, data={
                "item_no": item_no, "kind": kind, "hs_code": "8501109990", "name_zh": "x", "declared_unit": unit,
                "legal_unit": unit})
        owner = world.actor(user)
        bom = services.declare_bom(actor=owner, book_id=book.pk, data={
            "finished_no": 10, "version": "V1", "valid_from": today.isoformat(),
            "lines": [{"material_no": 1, "net": "1"}]})
        # one production report (material stocked in, the BOM approved, all of it consumed, so the matrix's own
        # production request is short and writes nothing)
        services.decide_bom(actor=customs, bom_id=bom.pk, approve=True)
        vlist = ledger.create_list(actor=owner, book_id=book.pk, idempotency_key=key(), data={
            "direction": "I", "trade_mode": "5015", "item_kind": "I",
            "lines": [{"item_no": 1, "quantity": "1", "unit": "035", "goods_status": "bonded", "value": "1.00"}]})
        ledger.submit_list(actor=owner, list_id=vlist.pk, idempotency_key=key())
        if ledger.approve_list(actor=customs, list_id=vlist.pk, idempotency_key=key()).posting_state != "posted":
            ledger.pass_goods(actor=customs, list_id=vlist.pk, event_id=key(), idempotency_key=key())
        production = services.report_production(actor=owner, book_id=book.pk, idempotency_key=key(),
                                                data={"outputs": [{"item_no": 10, "quantity": "1"}]})
        take = services.take_stock(actor=owner, book_id=book.pk, idempotency_key=key(),
                                   data={"counts": [{"item_no": 1, "counted": "0"}]})
        job = services.request_writeoff(actor=owner, book_id=book.pk, period_start=today.isoformat(),
                                        period_end=today.isoformat(), background=False)
        services.run_writeoff(job.pk)
        out[target] = {"hbook": book, "bom": bom, "stocktake": take, "writeoff": job, "production": production}
    return out


def snapshot():
    from bondzone.processing.models import Bom, ProductionReport, StockTake, WriteOff

    return tuple(m.objects.count() for m in (Bom, ProductionReport, StockTake, WriteOff))

# collection -> (fixture object, who sees target A's and B's row): checked row by row per role
COLLECTIONS = {"/api/v1/processing/production": ("production", {t: VISIBLE[("hbook", t)] for t in "AB"})}
