"""Periodic tax settlements of cross-border retail (汇总纳税): the tax of the orders an e-commerce enterprise
had released in a period, charged against its tax guarantee at release, is settled in one record per
enterprise and period (rule and dates in domain/settlement.py); recording the payment frees the guarantee
uses of those orders (through duties' services). Customs or the platform issues and records payment; the
enterprise sees its settlements. Both writes are idempotent (core.idempotency) and leave an audit row."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy
from django.db.models import Min
from django.utils import timezone

from bondzone.core import audit, idempotency
from bondzone.core.actor import Actor, job_actor
from bondzone.core.domain.errors import DomainError, NotFound, Problem, problem
from bondzone.core.domain.inputs import RECORDED, collect_date, collect_id
from bondzone.core.models import Enterprise
from bondzone.core.scoping import get_scoped, restrict
from bondzone.duties import services as duties

from .domain import settlement as rules
from .models import CbecOrder, OrderStatus, SettlementStatus, TaxSettlement

ZERO = Decimal("0.00")


def issue(*, actor: Actor, enterprise_id: Any, start: Any, end: Any, idempotency_key: str | None,
          today: date | None = None) -> TaxSettlement:
    """One settlement of the enterprise's released, unreturned orders of [start, end] on no settlement yet."""
    actor.require("cbec.settle")
    today = today or timezone.localdate()
    problems: list[Problem] = []
    pk = collect_id(enterprise_id, "enterprise_id", problems, required=True)
    first = collect_date(start, "start", problems, required=True, today=today)
    last = collect_date(end, "end", problems, required=True, today=today)
    enterprise = None
    if pk is not None:
        try:
            enterprise = get_scoped(Enterprise, actor, pk)
        except NotFound:
            problems.append(problem("enterprise_id", "not_found", model=gettext_lazy("enterprise"), id=str(pk)))
    if first and last:
        problems += rules.check_period(first, last, today)
    if problems:
        raise DomainError(problems)
    payload = {"enterprise_id": pk, "start": first.isoformat(), "end": last.isoformat()}

    def do() -> dict:
        if TaxSettlement.objects.filter(enterprise=enterprise, period_from=first, period_to=last).exists():
            raise DomainError(problem("start", "cbec_settlement_exists", enterprise=enterprise.name, start=first,
                                      end=last))
        orders = list(CbecOrder.objects.select_for_update().filter(
            enterprise=enterprise, status=OrderStatus.RELEASED, settlement__isnull=True,
            released_on__gte=first, released_on__lte=last).order_by("pk"))
        if not orders:
            raise DomainError(problem("start", "cbec_nothing_to_settle", enterprise=enterprise.name, start=first,
                                      end=last))
        s = TaxSettlement.objects.create(
            enterprise=enterprise, zone_id=enterprise.zone_id, period_from=first, period_to=last,
            order_count=len(orders), due_on=rules.due_on(first),
            **{k: sum((getattr(o, k) for o in orders), ZERO) for k in ("tariff", "consumption_tax", "vat")})
        s.tax_total = s.tariff + s.consumption_tax + s.vat
        s.save(update_fields=["tax_total"])
        CbecOrder.objects.filter(pk__in=[o.pk for o in orders]).update(settlement=s)
        audit.record(actor, "cbec.settlement_issued", s, after={
            "period": [first.isoformat(), last.isoformat()], "orders": s.order_count, "tax_total": str(s.tax_total),
            "due_on": s.due_on.isoformat()})
        return {"settlement_id": s.pk}

    result, _ = idempotency.run(actor, idempotency_key, "cbec.settlement_issue", payload, do)
    return TaxSettlement.objects.get(pk=result["settlement_id"])


def pay(*, actor: Actor, settlement_id: Any, paid_on: Any, payment_ref: Any = "",
        idempotency_key: str | None) -> TaxSettlement:
    """The settlement's tax was paid: the guarantee uses of its orders are freed (one entry per guarantee)."""
    actor.require("cbec.settle")
    problems: list[Problem] = []
    day = collect_date(paid_on, "paid_on", problems, required=True, window=RECORDED)
    ref = str(payment_ref or "").strip()
    if len(ref) > 60:
        problems.append(problem("payment_ref", "too_long", max=60))
    settlement = get_scoped(TaxSettlement, actor, settlement_id, "settle")  # one you may not see is 404 first
    if problems:
        raise DomainError(problems)
    payload = {"settlement_id": settlement.pk, "paid_on": day.isoformat(), "payment_ref": ref}

    def do() -> dict:
        s = TaxSettlement.objects.select_for_update().get(pk=settlement.pk)
        if s.status != SettlementStatus.ISSUED:
            raise DomainError(problem("status", "cbec_settlement_paid", paid_on=s.paid_on))
        if day < s.period_to:
            raise DomainError(problem("paid_on", "cbec_paid_before_period", value=day, end=s.period_to))
        uses: dict[int, Decimal] = defaultdict(lambda: ZERO)
        for o in CbecOrder.objects.filter(settlement=s, tax_guarantee__isnull=False).order_by("tax_guarantee_id"):
            uses[o.tax_guarantee_id] += o.tax_total
        for gid, amount in sorted(uses.items()):
            duties.free_tax(guarantee_id=gid, amount=amount, purpose=f"CBEC settlement {s.pk} paid")
        s.status, s.paid_on, s.payment_ref = SettlementStatus.PAID, day, ref
        s.save(update_fields=["status", "paid_on", "payment_ref"])
        audit.record(actor, "cbec.settlement_paid", s, after={
            "paid_on": day.isoformat(), "payment_ref": ref, "tax_total": str(s.tax_total),
            "guarantee_freed": {str(g): str(a) for g, a in sorted(uses.items())}})
        return {"settlement_id": s.pk}

    result, _ = idempotency.run(actor, idempotency_key, "cbec.settlement_pay", payload, do)
    return TaxSettlement.objects.get(pk=result["settlement_id"])


def settle_due(*, actor: Actor | None = None, today: date | None = None) -> dict[str, Any]:
    """The daily run (cbec/tasks.py, `bondzone cbec-settle --due`): for every enterprise in the actor's scope
    with released orders on no settlement whose return window has closed, settlements from its earliest such
    release day in periods of at most 15 days. Keys derive from the enterprise and period, so a second run
    replays. Returns {"settlements": [ids], "skipped": [{"enterprise_id", "problem"}]}."""
    actor = actor or job_actor()
    actor.require("cbec.settle")  # a role that may not settle is refused once, not skipped per enterprise
    today = today or timezone.localdate()
    made: list[int] = []
    skipped: list[dict] = []
    waiting = (restrict(CbecOrder, actor).filter(status=OrderStatus.RELEASED, settlement__isnull=True)
               .values("enterprise_id").annotate(first=Min("released_on")).order_by("enterprise_id"))
    for row in waiting:
        period = rules.next_period(row["first"], today)
        while period is not None:
            start, end = period
            try:
                s = issue(actor=actor, enterprise_id=row["enterprise_id"], start=start, end=end, today=today,
                          idempotency_key=f"cbec-settle:{row['enterprise_id']}:{start.isoformat()}:{end.isoformat()}")
            except DomainError as exc:
                skipped.append({"enterprise_id": row["enterprise_id"],
                                "problem": ", ".join(p.code for p in exc.problems)})
                break
            made.append(s.pk)
            following = (CbecOrder.objects.filter(enterprise_id=row["enterprise_id"], status=OrderStatus.RELEASED,
                                                  settlement__isnull=True, released_on__gt=end)
                         .aggregate(first=Min("released_on"))["first"])
            period = rules.next_period(following, today) if following else None
    return {"settlements": made, "skipped": skipped}
