"""Demo data for processing trade (synthetic), through the services: on the aviation repair enterprise's
H book, materials brought in for a job, an approved BOM (单耗) for the landing-gear assembly and a next
version still declared, a production report consuming the materials, a stock-take with one difference
adjusted and one sent to customs, and a write-off of the last quarter."""

from __future__ import annotations

import uuid
from datetime import timedelta
from decimal import ROUND_CEILING, Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from bondzone.core.actor import actor_of
from bondzone.supervision import selectors as books
from bondzone.supervision import services as ledger

from . import selectors, services
from .models import Bom

FINISHED = 1  # 飞机零件（起落架组件）, item kind E in the demo H book (supervision/demo.py)
BLADE, FASTENER = 2, 4  # 涡轮发动机叶片 (pieces), 金属紧固件 (kg)


def _key() -> str:
    return uuid.uuid4().hex


def load_demo(rng) -> None:
    if Bom.objects.exists():
        return
    users = {u.username: u for u in get_user_model().objects.filter(username__in=["customs", "ent_aviation"])}
    if len(users) != 2:
        return
    customs, owner = actor_of(users["customs"]), actor_of(users["ent_aviation"])
    book = books.books(customs, enterprise_id=users["ent_aviation"].profile.enterprise_id).filter(kind="H").first()
    if book is None:
        return
    today = timezone.localdate()

    # materials for the job arrive (5015, first line) and pass the gate
    vlist = ledger.create_list(actor=owner, book_id=book.pk, idempotency_key=_key(), data={
        "direction": "I", "trade_mode": "5015", "list_type": "0", "item_kind": "I", "inner_no": "AVIATION-JOB-0001",
        "lines": [{"item_no": BLADE, "quantity": "40", "unit": "011", "value": "480000.00", "currency": "142",
                   "goods_status": "bonded"},
                  {"item_no": FASTENER, "quantity": "120", "unit": "035", "value": "11400.00", "currency": "142",
                   "goods_status": "bonded"}]})
    ledger.submit_list(actor=owner, list_id=vlist.pk, idempotency_key=_key())
    vlist = ledger.approve_list(actor=customs, list_id=vlist.pk, idempotency_key=_key())
    if vlist.posting_state == "reserved":
        ledger.pass_goods(actor=customs, list_id=vlist.pk, event_id=_key(), idempotency_key=_key())

    # 单耗: V1 approved and in force; V2 (lighter fasteners from next month) declared, awaiting customs
    v1 = services.declare_bom(actor=owner, book_id=book.pk, data={
        "finished_no": FINISHED, "version": "V1", "valid_from": (today - timedelta(days=60)).isoformat(),
        "valid_until": (today + timedelta(days=29)).isoformat(),
        "lines": [{"material_no": BLADE, "net": "6", "loss_pct": "0"},
                  {"material_no": FASTENER, "net": "2.4", "loss_pct": "4"}]})
    services.decide_bom(actor=customs, bom_id=v1.pk, approve=True)
    services.declare_bom(actor=owner, book_id=book.pk, data={
        "finished_no": FINISHED, "version": "V2", "valid_from": (today + timedelta(days=30)).isoformat(),
        "lines": [{"material_no": BLADE, "net": "6", "loss_pct": "0"},
                  {"material_no": FASTENER, "net": "2.2", "loss_pct": "4"}]})

    # customs records the book's own items for defective assemblies (残次品) and fastener offcuts (边角料): they
    # are kept apart from the good assemblies and the materials, and leave only by their own trade modes
    finished = books.items(customs, book.pk).get(item_no=FINISHED)
    fastener = books.items(customs, book.pk).get(item_no=FASTENER)
    defective_no = max(books.items(customs, book.pk).values_list("item_no", flat=True)) + 1
    for item_no, like, leftover, zh, en in (
            (defective_no, finished, "defective", "起落架组件（残次品）", "Landing gear assembly (defective)"),
            (defective_no + 1, fastener, "scrap", "金属紧固件边角料", "Fastener offcuts")):
        ledger.add_item(actor=customs, book_id=book.pk, data={
            "item_no": item_no, "kind": like.kind, "leftover": leftover, "hs_code": like.hs_code, "name_zh": zh,
            "name_en": en, "declared_unit": like.declared_unit, "legal_unit": like.legal_unit,
            "leftover_of": FINISHED if leftover == "defective" else None})

    # two assemblies finished and one defective: 18 blades and 7.5 kg of fasteners consumed; 0.2 kg of offcuts
    services.report_production(actor=owner, book_id=book.pk, idempotency_key=_key(), data={
        "outputs": [{"item_no": FINISHED, "quantity": "2"},
                    {"item_no": defective_no, "kind": "defective", "quantity": "1"},
                    {"item_no": defective_no + 1, "kind": "scrap", "quantity": "0.2"}]})

    # stock-take: fasteners 0.5 % short (within the 2 % tolerance: adjusted); blades 5 % short (a case)
    balances = selectors.book_balances(customs, book.pk)
    fasteners = balances[(FASTENER, "bonded")].quantity
    blades = balances[(BLADE, "bonded")].quantity
    short = (blades * Decimal("0.05")).to_integral_value(ROUND_CEILING)
    services.take_stock(actor=owner, book_id=book.pk, idempotency_key=_key(), data={
        "tolerance_pct": "2", "counts": [
            {"item_no": FASTENER, "counted": str((fasteners * Decimal("0.995")).quantize(Decimal("0.001")))},
            {"item_no": BLADE, "counted": str(max(blades - short, Decimal(0)))}]})

    # write-off of the last quarter, run here rather than in the background
    job = services.request_writeoff(actor=customs, book_id=book.pk, background=False,
                                    period_start=(today - timedelta(days=90)).isoformat(), period_end=today.isoformat())
    services.run_writeoff(job.pk)
