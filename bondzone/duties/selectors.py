"""Every read of the duties part; each starts from core.scoping.restrict(Model, actor)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db.models import F, Q, QuerySet
from django.utils import timezone

from bondzone.core.actor import Actor
from bondzone.core.scoping import get_scoped, restrict

from .domain.dated import FxRate
from .domain.engine import NO_RATE, Rate
from .domain.quote_io import TableRates
from .domain.tables import FxRow, RateRow
from .domain.tariffs import applicable_tariff
from .models import DomesticSale, ExchangeRate, Guarantee, Regime, RegimeAlert, TaxBill, TaxRate


def _in_force(qs: QuerySet, day: date) -> QuerySet:
    return qs.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day), valid_from__lte=day)


def tax_rates(actor: Actor, *, hs_code: str = "", kind: str = "", on: date | None = None) -> QuerySet:
    qs = restrict(TaxRate, actor)
    if hs_code:
        qs = qs.filter(hs_code__startswith=hs_code)
    if kind:
        qs = qs.filter(kind=kind)
    return _in_force(qs, on) if on else qs


def tax_rate_for_update(actor: Actor, rate_id) -> TaxRate:
    return get_scoped(TaxRate.objects.select_for_update(), actor, rate_id, action="change")


def exchange_rates(actor: Actor, *, currency: str = "", on: date | None = None) -> QuerySet:
    qs = restrict(ExchangeRate, actor)
    if currency:
        qs = qs.filter(currency=currency.upper())
    return _in_force(qs, on) if on else qs


def rate_rows(actor: Actor, keys: set[tuple[str, str]]) -> list[RateRow]:
    """Stored rows of the given (kind, hs_code) pairs, as domain rows (for the overlap check)."""
    q = Q(pk__in=[])
    for kind, hs in keys:
        q |= Q(kind=kind, hs_code=hs)
    return [_rate_row(r) for r in restrict(TaxRate, actor).filter(q)]


def fx_rows(actor: Actor, currencies: set[str]) -> list[FxRow]:
    return [FxRow(r.currency, FxRate(r.cny, r.per), r.valid_from, r.valid_to, r.source)
            for r in restrict(ExchangeRate, actor).filter(currency__in=currencies)]


def _rate_row(r: TaxRate) -> RateRow:
    return RateRow(r.kind, r.hs_code, r.origin, Rate(r.ad_valorem, r.specific), r.valid_from, r.valid_to, r.source)


def _described(r: TaxRate) -> str:
    return f"{r.kind} #{r.pk} {r.valid_from}–{r.valid_to or '…'}{' ' + r.source if r.source else ''}"


def rate_lookup(actor: Actor):
    """(hs_code, day, origin, value, quantity) → the rates in force on that day, or None for an unknown code."""

    def lookup(hs_code: str, day: date, origin: str, value: Decimal, quantity: Decimal) -> TableRates | None:
        rows = {}
        for r in _in_force(restrict(TaxRate, actor).filter(hs_code=hs_code), day):
            if r.kind != "agreement" or r.origin == origin:
                rows[r.kind] = r
        if "vat" not in rows:
            return None
        rate = {k: Rate(r.ad_valorem, r.specific) for k, r in rows.items()}
        choice = applicable_tariff(mfn=rate.get("mfn"), provisional=rate.get("provisional"),
                                   agreement=rate.get("agreement"), value=value, quantity=quantity)
        if choice is None:
            return None
        sources = {"tariff": _described(rows[choice.basis.value]), "vat": _described(rows["vat"])}
        if "consumption_tax" in rows:
            sources["consumption_tax"] = _described(rows["consumption_tax"])
        return TableRates(choice.rate, rate.get("consumption_tax", NO_RATE), rows["vat"].ad_valorem, sources)

    return lookup


def fx_lookup(actor: Actor):
    def lookup(currency: str, day: date) -> FxRate | None:
        r = _in_force(restrict(ExchangeRate, actor).filter(currency=currency), day).first()
        return FxRate(r.cny, r.per) if r else None

    return lookup


def guarantees(actor: Actor, *, enterprise_id=None, kind: str = "") -> QuerySet:
    qs = restrict(Guarantee, actor).select_related("enterprise")
    if enterprise_id:
        qs = qs.filter(enterprise_id=enterprise_id)
    return qs.filter(kind=kind) if kind else qs


def tax_guarantees_in_force(enterprise_id: int, on: date) -> QuerySet:
    """The enterprise's guarantees in force on a day with something free (all kinds cover taxes); for the
    services that charge taxes against them (CBEC release) and for the enterprise's own pages."""
    return (Guarantee.objects.filter(enterprise_id=enterprise_id)
            .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on))
            .filter(amount__gt=F("used") + F("released")))


def tax_guarantee_free(enterprise_id: int, on: date) -> Decimal:
    return sum((g.free for g in tax_guarantees_in_force(enterprise_id, on)), Decimal("0.00"))


def guarantee(actor: Actor, guarantee_id) -> Guarantee:
    return get_scoped(Guarantee.objects.prefetch_related("entries"), actor, guarantee_id)


def regimes(actor: Actor, *, enterprise_id=None, kind: str = "", status: str = "", book_id=None,
            due_before: date | None = None, q: str = "") -> QuerySet:
    """Regimes in the reader's scope; `status` "overdue" also finds open ones past their deadline."""
    qs = restrict(Regime, actor).select_related("enterprise", "book", "guarantee")
    if enterprise_id:
        qs = qs.filter(enterprise_id=enterprise_id)
    if kind:
        qs = qs.filter(kind=kind)
    if book_id:
        qs = qs.filter(book_id=book_id)
    if status == "overdue":
        qs = qs.filter(Q(status="overdue") | Q(status="open", deadline__lt=timezone.localdate()))
    elif status:
        qs = qs.filter(status=status)
    if due_before:
        qs = qs.filter(deadline__lte=due_before)
    if q:
        qs = qs.filter(Q(number__icontains=q) | Q(purpose__icontains=q) | Q(enterprise__name__icontains=q))
    return qs


def regime(actor: Actor, regime_id) -> Regime:
    return get_scoped(Regime.objects.select_related("enterprise", "book", "guarantee").prefetch_related(
        "lines__item", "extensions", "list_links__vlist", "alerts"), actor, regime_id)


def regime_alerts(actor: Actor, *, limit: int = 20) -> QuerySet:
    return restrict(RegimeAlert, actor).select_related("regime")[:limit]


def domestic_sales(actor: Actor, *, status: str = "", book_id=None) -> QuerySet:
    qs = restrict(DomesticSale, actor).select_related("enterprise", "book")
    if status:
        qs = qs.filter(status=status)
    return qs.filter(book_id=book_id) if book_id else qs


def domestic_sale(actor: Actor, sale_id) -> DomesticSale:
    return get_scoped(DomesticSale.objects.select_related("enterprise", "book").prefetch_related("lines__item"),
                      actor, sale_id)


def tax_bills(actor: Actor, *, state: str = "", enterprise_id=None) -> QuerySet:
    qs = restrict(TaxBill, actor).select_related("enterprise", "vlist")
    if state:
        qs = qs.filter(state=state)
    return qs.filter(enterprise_id=enterprise_id) if enterprise_id else qs


def tax_bill(actor: Actor, bill_id) -> TaxBill:
    return get_scoped(TaxBill.objects.select_related("enterprise", "vlist", "sale"), actor, bill_id)


def yearly_fx(year: int) -> dict[str, Decimal]:
    """Yuan per unit of each customs currency code for a calendar year, from the dated exchange-rate table:
    the mean of the rates in force on the first day of each month that has one (customs fixes its rates
    monthly), to 6 places. CNY ("142") is 1; a currency with no rate in the year is absent. For the
    evaluation's trade figures (annual sums per currency); the one exchange-rate table of the platform."""
    from decimal import ROUND_HALF_UP

    from .domain.domestic import CUSTOMS_CURRENCY

    iso_to_code = {iso: code for code, iso in CUSTOMS_CURRENCY.items()}
    rows = list(ExchangeRate.objects.filter(valid_from__lte=date(year, 12, 31))
                .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=date(year, 1, 1))))
    out: dict[str, Decimal] = {"142": Decimal(1)}
    for iso, code in iso_to_code.items():
        if iso == "CNY":
            continue
        points = []
        for month in range(1, 13):
            day = date(year, month, 1)
            hit = [r for r in rows if r.currency == iso and r.valid_from <= day and (r.valid_to is None or r.valid_to >= day)]
            if hit:
                r = max(hit, key=lambda x: x.valid_from)
                points.append(r.cny / r.per)
        if points:
            out[code] = (sum(points, Decimal(0)) / len(points)).quantize(Decimal("0.000001"), rounding=ROUND_HALF_UP)
    return out
