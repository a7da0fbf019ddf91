"""Every read of cross-border retail; each starts from core.scoping.restrict(Model, actor)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db.models import Q, QuerySet
from django.utils import timezone

from bondzone.core.actor import Actor
from bondzone.core.scoping import get_scoped, restrict

from .models import AnnualTotal, CbecOrder, ConsolidatedList, PositiveListEntry, SettlementStatus, TaxSettlement


def orders(actor: Actor, *, status: str = "", q: str = "") -> QuerySet:
    qs = restrict(CbecOrder, actor).select_related("enterprise")
    if status:
        qs = qs.filter(status=status)
    if q:
        qs = qs.filter(order_no__icontains=q)
    return qs


def order(actor: Actor, order_id, *, for_update: bool = False) -> CbecOrder:
    qs = CbecOrder.objects.select_for_update() if for_update else CbecOrder.objects.all()
    return get_scoped(qs, actor, order_id)


def positive_codes() -> set[str]:
    return set(PositiveListEntry.objects.values_list("hs_code", flat=True))


def positive_list(actor: Actor) -> QuerySet:
    return restrict(PositiveListEntry, actor)


def annual_used(buyer_id: str, year: int) -> Decimal:
    """A buyer's counted total of a calendar year (released, not returned); used by quotations too."""
    row = AnnualTotal.objects.filter(buyer_id=buyer_id.upper(), year=year).first()
    return row.used if row else Decimal("0.00")


def consolidated_lists(actor: Actor) -> QuerySet:
    return restrict(ConsolidatedList, actor).select_related("enterprise", "vlist")


def to_consolidate(enterprise_id: int, start, end) -> QuerySet:
    """Released orders of an enterprise in a period not yet on a consolidated list (for the service,
    after the book was checked against the actor's scope)."""
    return (CbecOrder.objects.filter(enterprise_id=enterprise_id, status="released", consolidated__isnull=True,
                                     released_on__gte=start, released_on__lte=end)
            .prefetch_related("lines").order_by("released_on", "pk"))


def waiting(actor: Actor, *, until=None) -> list[dict]:
    """Per enterprise in the actor's scope: released orders on no consolidated list yet (released up to
    `until` when given) — how many, their value and the earliest and latest release day."""
    from django.db.models import Count, Max, Min, Sum

    qs = restrict(CbecOrder, actor).filter(status="released", consolidated__isnull=True)
    if until is not None:
        qs = qs.filter(released_on__lte=until)
    return list(qs.values("enterprise_id", "enterprise__name").annotate(
        count=Count("id"), value=Sum("goods_value"), first=Min("released_on"), last=Max("released_on"))
        .order_by("enterprise_id"))


def settlements(actor: Actor, *, status: str = "", enterprise_id: int | None = None, overdue: bool | None = None,
                today: date | None = None) -> QuerySet:
    """The actor's settlements; `overdue` True: unpaid after the due day (domain.settlement.overdue), False:
    the others."""
    qs = restrict(TaxSettlement, actor).select_related("enterprise")
    if status:
        qs = qs.filter(status=status)
    if enterprise_id is not None:
        qs = qs.filter(enterprise_id=enterprise_id)
    if overdue is not None:
        late = Q(status=SettlementStatus.ISSUED, due_on__lt=today or timezone.localdate())
        qs = qs.filter(late) if overdue else qs.exclude(late)
    return qs


def settlement(actor: Actor, settlement_id) -> TaxSettlement:
    return get_scoped(TaxSettlement.objects.select_related("enterprise"), actor, settlement_id)


def settlement_orders(s: TaxSettlement) -> QuerySet:
    return s.orders.order_by("released_on", "pk")


def tax_guarantees(actor: Actor, on) -> list[dict]:
    """Per enterprise in the actor's scope with CBEC orders or guarantees: the free amount of its tax
    guarantees in force on `on` and the tax charged to them and not yet settled and paid (duties' selectors)."""
    from django.db.models import Sum

    from bondzone.core.models import Enterprise
    from bondzone.duties import selectors as duties

    ids = set(restrict(CbecOrder, actor).values_list("enterprise_id", flat=True))
    if actor.enterprise_id is not None:
        ids.add(actor.enterprise_id)
    charged = {row["enterprise_id"]: (row["t"] + row["c"] + row["v"]).quantize(Decimal("0.01"))
               for row in restrict(CbecOrder, actor).filter(tax_guarantee__isnull=False, status="released")
               .exclude(settlement__status="paid").values("enterprise_id")
               .annotate(t=Sum("tariff"), c=Sum("consumption_tax"), v=Sum("vat")).order_by()}
    return [{"enterprise": e, "free": duties.tax_guarantee_free(e.pk, on), "charged": charged.get(e.pk, Decimal("0.00"))}
            for e in Enterprise.objects.filter(pk__in=ids).order_by("pk")]
