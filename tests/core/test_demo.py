"""`./dev serve` loads the demo: every part has something to show, and a second load adds nothing."""

from __future__ import annotations

import io

from django.core.management import call_command

from bondzone.duties.models import DomesticSale, Guarantee, Regime, RegimeAlert, TaxBill
from bondzone.servicedesk.models import Article, ServiceRequest
from bondzone.sharing.models import Delivery, ExportRun, Subscription

from ..conftest import ensure_calendar


def test_the_demo_fills_every_part_once(ledger_triggers):
    ensure_calendar()
    call_command("load_demo", stdout=io.StringIO())
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
    again = io.StringIO()
    call_command("load_demo", stdout=again)
    assert "already present" in again.getvalue() and Guarantee.objects.count() == 3
    assert Regime.objects.count() == 3 and Article.objects.count() == 5 and TaxBill.objects.count() == 1
    # information sharing: every agency subscribed, with notifications to show
    assert Subscription.objects.count() == 5 and Delivery.objects.filter(subscription__role="tax").exists()
    assert ExportRun.objects.filter(schedule__role="tax", error="", rows__gt=0).count() == 1
