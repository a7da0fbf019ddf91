"""`./dev serve` loads the demo: every part has something to show, and a second load adds nothing."""

from __future__ import annotations

import io
from datetime import date

from django.core.management import call_command
from django.test import Client

from bondzone.duties.models import Guarantee, Regime, RegimeAlert
from bondzone.evaluation.models import EvalZone, EvaluationRun
from bondzone.servicedesk.models import Article, ServiceRequest
from bondzone.sharing.models import Delivery, ExportRun, Subscription

from ..conftest import ensure_calendar


def test_the_demo_fills_every_part_once(ledger_triggers):
    ensure_calendar()
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
    assert Article.objects.filter(published=True).count() == 4 and Article.objects.filter(published=False).count() == 1
    linked = ServiceRequest.objects.exclude(article=None).get()
    assert linked.article.published and linked.category.code == "tax-refund"
    again = io.StringIO()
    call_command("load_demo", stdout=again)
    assert "already present" in again.getvalue() and Guarantee.objects.count() == 3
    assert Regime.objects.count() == 3 and Article.objects.count() == 5
    # information sharing: every agency subscribed, with notifications to show
    assert Subscription.objects.count() == 5 and Delivery.objects.filter(subscription__role="tax").exists()
    assert ExportRun.objects.filter(schedule__role="tax", error="", rows__gt=0).count() == 1
