"""`./dev serve` loads the demo: every part has something to show, and a second load adds nothing."""

from __future__ import annotations

import io
from datetime import date

from django.core.management import call_command
from django.test import Client

from decimal import Decimal

from bondzone.core.models import AuditEvent
from bondzone.duties.models import DomesticSale, Guarantee, Regime, RegimeAlert, TaxBill
from bondzone.evaluation.models import EvalZone, EvaluationRun
from bondzone.gate import demo as gate_demo
from bondzone.gate.models import DoorPassage, Gate, Passage, Slip
from bondzone.processing import demo as processing_demo
from bondzone.processing.models import Bom, ProductionReport, StockTake, WriteOff
from bondzone.servicedesk.models import Article, ServiceRequest
from bondzone.sharing.models import Delivery, ExportRun, Subscription
from bondzone.supervision.models import AccountBook, BookItem

from ..conftest import ensure_seeds


def test_the_demo_fills_every_part_once(ledger_triggers):
    ensure_seeds()
    call_command("load_demo", stdout=io.StringIO())
    # evaluation: the public run carries its Sobol indices; the Beijing zones' dates follow the research notes
    public = EvaluationRun.objects.get(public=True)
    assert public.sensitivity["draws"] == 256 and public.sensitivity["indices"]
    dates = {z.code: (z.accepted_on, z.evaluated_from) for z in EvalZone.objects.filter(code__in=["BJ-TZ", "BJ-DX"])}
    assert dates == {"BJ-TZ": (date(2009, 7, 28), 2020), "BJ-DX": (date(2024, 12, 30), 2025)}
    # the public ledger shows demo deadlines and progress, and says so at the top
    assert 'data-testid="synthetic-label"' in Client().get("/governance/public/").content.decode()
    guarantees = {g.kind: g for g in Guarantee.objects.all()}
    assert sorted(guarantees) == ["bank", "deposit", "general"] and guarantees["bank"].used > 0
    regimes = {r.kind: r for r in Regime.objects.all()}
    assert sorted(regimes) == ["display_out", "relic_entry", "repair_out"]
    assert regimes["display_out"].guarantee_used == regimes["display_out"].duty_at_risk > 0
    assert RegimeAlert.objects.filter(regime=regimes["repair_out"], kind="due_soon", days_before=7).exists()
    # a domestic sale confirmed on its cheaper basis, its tax bill unpaid
    sale = DomesticSale.objects.get()
    assert sale.status == "confirmed" and sale.basis == sale.cheaper
    assert TaxBill.objects.get(sale=sale).state == "unpaid"
    assert Article.objects.filter(published=True).count() == 4 and Article.objects.filter(published=False).count() == 1
    linked = ServiceRequest.objects.exclude(article=None).get()
    assert linked.article.published and linked.category.code == "tax-refund"
    # the regimes' three guarantees and the CBEC withholding agent's tax deposit
    assert Guarantee.objects.count() == 4 and Guarantee.objects.filter(reference="CBEC-TAX-2026").exists()
    again = io.StringIO()
    call_command("load_demo", stdout=again)
    assert "already present" in again.getvalue() and Guarantee.objects.count() == 4
    assert Regime.objects.count() == 3 and Article.objects.count() == 5 and TaxBill.objects.count() == 1
    # information sharing: every agency subscribed, with notifications to show
    assert Subscription.objects.count() == 5 and Delivery.objects.filter(subscription__role="tax").exists()
    assert ExportRun.objects.filter(schedule__role="tax", error="", rows__gt=0).count() == 1
    # the gate: one gate, slips in every state, passages of every outcome, one inspection posted as found
    assert Gate.objects.count() == 1
    statuses = sorted(Slip.objects.values_list("status", flat=True))
    assert statuses == ["applied", "approved", "approved", "passed", "passed", "passed", "passed"]
    outcomes = sorted(Passage.objects.values_list("outcome", flat=True))
    assert outcomes == ["hold", "hold", "pass", "pass", "pass", "pass", "refuse"]
    inspected = Slip.objects.get(inspection="released")
    found = Passage.objects.get(slip=inspected, outcome="pass").answer["found"]
    assert [row["quantity"] for row in found] == ["58"] and inspected.inspection_record.result == "discrepancy"
    assert Slip.objects.filter(inspection="pending", status="approved").count() == 1  # waiting on the screen
    assert list(DoorPassage.objects.values_list("from_status", "to_status")) == [("non_bonded", "bonded")]
    # one first-line inbound slip under an electronic lock, read intact at the gate and kept in its audit row
    locked = Passage.objects.get(slip__elock_no="EL2026001")
    assert (locked.outcome, locked.elock_no, locked.elock_status, locked.slip.status) == (
        "pass", "EL2026001", "intact", "passed")
    assert AuditEvent.objects.get(action="gate.pass", object_id=str(locked.pk)).after["elock_status"] == "intact"
    # processing: BOM versions, a production report, a stock-take with an adjustment and a case, a write-off
    assert sorted(Bom.objects.values_list("version", "status")) == [("V1", "approved"), ("V2", "declared")]
    report = ProductionReport.objects.get()
    assert {c.material_no: c.quantity for c in report.consumption.all()} == {2: Decimal("18"), 4: Decimal("7.5")}
    # the defective assembly and the offcuts are booked to the items recorded for them, not to the good stock
    booked = {o.kind: BookItem.objects.get(book=report.book, item_no=o.item_no).leftover for o in report.outputs.all()}
    assert booked == {"finished": "", "defective": "defective", "scrap": "scrap"}
    # the H books take their materials in as 5015 (进料加工): their offcuts would be sold inland as 0844
    assert set(AccountBook.objects.filter(kind="H").values_list("processing_kind", flat=True)) == {"imported"}
    assert set(AccountBook.objects.filter(kind="T").values_list("processing_kind", flat=True)) == {""}
    take = StockTake.objects.get()
    assert take.adjusted and take.case_open
    assert WriteOff.objects.get().status == "done"
    # a demo hook run again adds nothing
    gate_demo.load_demo(None)
    processing_demo.load_demo(None)
    assert Slip.objects.count() == 7 and DoorPassage.objects.count() == 1 and Bom.objects.count() == 2 and StockTake.objects.count() == 1
