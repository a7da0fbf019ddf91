"""Every read of cross-border retail; each starts from core.scoping.restrict(Model, actor)."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import QuerySet

from bondzone.core.actor import Actor
from bondzone.core.scoping import get_scoped, restrict

from .models import ConsolidatedList, AnnualTotal, CbecOrder, PositiveListEntry


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
