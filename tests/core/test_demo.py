"""`./dev serve` loads the demo: every part has something to show, and a second load adds nothing."""

from __future__ import annotations

import io

from django.core.management import call_command

from bondzone.duties.models import Guarantee
from bondzone.servicedesk.models import Article, ServiceRequest
from bondzone.sharing.models import Delivery, ExportRun, Subscription

from ..conftest import ensure_calendar


def test_the_demo_fills_every_part_once(ledger_triggers):
    ensure_calendar()
    call_command("load_demo", stdout=io.StringIO())
    guarantees = {g.kind: g for g in Guarantee.objects.all()}
    assert sorted(guarantees) == ["bank", "deposit", "general"] and guarantees["bank"].used > 0
    assert Article.objects.filter(published=True).count() == 4 and Article.objects.filter(published=False).count() == 1
    linked = ServiceRequest.objects.exclude(article=None).get()
    assert linked.article.published and linked.category.code == "tax-refund"
    again = io.StringIO()
    call_command("load_demo", stdout=again)
    assert "already present" in again.getvalue() and Guarantee.objects.count() == 3 and Article.objects.count() == 5
    # information sharing: every agency subscribed, with notifications to show
    assert Subscription.objects.count() == 5 and Delivery.objects.filter(subscription__role="tax").exists()
    assert ExportRun.objects.filter(schedule__role="tax", error="", rows__gt=0).count() == 1
