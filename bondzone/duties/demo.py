"""Demo data: a small sample rate table for the demo books' HS codes and monthly customs exchange rates
from 2022 to the end of next year (the evaluation demo's data years 2022–2025 and the duties' from 2025; later
years repeat 2026's January figures, so the demo keeps quoting as time passes). ILLUSTRATIVE,
SYNTHETIC figures (rounded to plausible values, not the official tariff nor customs' published rates):
production imports the official tables (`bondzone duty import-rates`, `import-fx`)."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone
from decimal import Decimal

from bondzone.core.actor import actor_of
from bondzone.core.domain.errors import DomainError
from bondzone.core.models import Enterprise, Profile

from . import services
from .models import ExchangeRate, Guarantee, Regime, TaxRate

# (kind, reference, amount, days from the load its validity runs, used for) per demo enterprise, in id order
# (synthetic; valid from the day the demo loads, as a lodged guarantee is)
GUARANTEES = [
    ("deposit", "BZJ-2026-001（演示）", "200000.00", None, None),
    ("bank", "BH-2026-017（演示）", "500000.00", 210, ("120000.00", "内销补税担保（演示）")),
    ("general", "ZDB-2026-003（演示）", "1000000.00", 400, None),
]

SOURCE = "demo (illustrative)"
START = date(2026, 1, 1)
# hs_code, MFN, provisional, agreement (origin, rate), consumption tax (ad valorem, specific), VAT
SAMPLE = [
    ("8471300000", "0", None, None, None, "0.13"),
    ("8517130000", "0", None, None, None, "0.13"),
    ("3004909099", "0.03", None, None, None, "0.13"),
    ("9018390000", "0.04", None, None, None, "0.13"),
    ("2204210000", "0.14", None, ("AU", "0"), ("0.10", None), "0.13"),
    ("8803300000", "0.01", None, None, None, "0.13"),
    ("8411910000", "0.03", "0.01", None, None, "0.13"),
    ("9701100000", "0.06", "0.01", None, None, "0.13"),
    ("9703000000", "0.08", "0.01", None, None, "0.13"),
    ("9706000000", "0", None, None, None, "0.13"),
    ("3304990099", "0.05", "0.01", ("KR", "0.032"), ("0.15", None), "0.13"),
    ("1901101000", "0.15", "0.05", ("NZ", "0"), None, "0.09"),
    ("2106909090", "0.10", None, None, None, "0.13"),
    ("6403990090", "0.10", None, ("VN", "0"), None, "0.13"),
    ("3002150000", "0.03", None, None, None, "0.13"),
    ("3822190000", "0.03", None, None, None, "0.13"),
    ("9027819000", "0.05", None, None, None, "0.13"),
]
# currency, per, monthly drift, and CNY per `per` units in January of each year — synthetic, rounded to
# plausible values (not customs' published rates); every row's source says so
FX_YEARS = (2022, 2023, 2024, 2025, 2026)  # the years with figures of their own
FX = [("USD", 1, "0.0050", ("6.3500", "6.9500", "7.0900", "7.1700", "7.1200")),
      ("EUR", 1, "-0.0100", ("7.2000", "7.4200", "7.8000", "7.5000", "7.7800")),
      ("JPY", 100, "0.0200", ("5.5200", "5.1500", "4.8900", "4.6600", "4.7600")),
      ("HKD", 1, "0.0005", ("0.8150", "0.8900", "0.9080", "0.9180", "0.9150")),
      ("GBP", 1, "0.0100", ("8.6000", "8.4500", "9.0000", "8.9500", "9.0500"))]
FX_SOURCE = "demo (illustrative, synthetic: not customs' published rates)"


def _rows():
    rows = []
    for hs, mfn, prov, agr, ct, vat in SAMPLE:
        base = {"hs_code": hs, "valid_from": START.isoformat(), "source": SOURCE}
        rows.append({**base, "kind": "mfn", "ad_valorem": mfn})
        if prov is not None:
            rows.append({**base, "kind": "provisional", "ad_valorem": prov, "valid_to": f"{_last_year().year}-12-31"})
        if agr is not None:
            rows.append({**base, "kind": "agreement", "origin": agr[0], "ad_valorem": agr[1]})
        if ct is not None:
            rows.append({**base, "kind": "consumption_tax", "ad_valorem": ct[0] or "", "specific": ct[1] or ""})
        rows.append({**base, "kind": "vat", "ad_valorem": vat})
    return rows


def _last_year() -> date:
    """1 January of the last year the demo's tables cover: next year, so a quote near the year's end finds its rates."""
    return date(max(FX_YEARS[-1], timezone.localdate().year + 1), 1, 1)


def _fx_rows():
    rows = []
    later = range(FX_YEARS[-1] + 1, _last_year().year + 1)
    for currency, per, drift, januaries in FX:
        for year, jan in [*zip(FX_YEARS, januaries, strict=True), *((y, januaries[-1]) for y in later)]:
            for month in range(1, 13):
                start = date(year, month, 1)
                end = (date(year, month + 1, 1) if month < 12 else date(year + 1, 1, 1)) - timedelta(days=1)
                rows.append({"currency": currency, "cny": str(Decimal(jan) + Decimal(drift) * (month - 1)),
                             "per": per, "valid_from": start.isoformat(), "valid_to": end.isoformat(),
                             "source": FX_SOURCE})
    return rows


def load_demo(rng) -> None:
    if TaxRate.objects.exists() or ExchangeRate.objects.exists():
        return
    admin = Profile.objects.filter(role="platform_admin").select_related("user").first()
    actor = actor_of(admin.user)
    services.import_tax_rates(actor=actor, rows=_rows())
    services.import_exchange_rates(actor=actor, rows=_fx_rows())
    if Guarantee.objects.exists():
        return
    today = timezone.localdate()
    for enterprise, (kind, reference, amount, days, use) in zip(Enterprise.objects.order_by("id"), GUARANTEES):
        valid_to = today + timedelta(days=days) if days else None
        g = services.lodge_guarantee(actor=actor, data={"enterprise_id": enterprise.pk, "kind": kind,
                                                        "reference": reference, "amount": amount,
                                                        "valid_to": valid_to.isoformat() if valid_to else None},
                                     idempotency_key=f"demo-guarantee-{reference}")
        if use:
            services.move_guarantee(actor=actor, guarantee_id=g.pk, kind="use", amount=use[0], purpose=use[1],
                                    idempotency_key=f"demo-guarantee-use-{reference}")
    load_regimes(actor)
    load_domestic(actor)


# (enterprise in id order, kind, HS code of the book item, quantity, customs value, days ago it started,
#  uses the enterprise's demo guarantee, purpose) — synthetic; the repair is five days from its deadline
REGIMES = [
    (0, "display_out", "8471300000", "10", "52000.00", 20, True, "国际消费电子展（演示）"),
    (1, "repair_out", "8411910000", "2", "24000.00", 55, False, "区外检测维修（演示）"),
    (2, "relic_entry", "9706000000", "1", "1200000.00", 30, True, "临时进境文物展（演示）"),
]


def load_regimes(actor) -> None:
    """Three regimes on the demo books, one near its deadline, then the deadline sweep (its in-app alert)."""
    from bondzone.core.web import new_idempotency_key
    from bondzone.supervision import selectors as books

    if Regime.objects.exists():
        return
    today = timezone.localdate()
    enterprises = list(Enterprise.objects.order_by("id")[:3])
    for n, kind, hs, qty, value, ago, guaranteed, purpose in REGIMES:
        if n >= len(enterprises):
            continue
        start = today - timedelta(days=ago)
        if start < START:  # the sample rate table starts on START
            continue
        book = books.books(actor, enterprise_id=enterprises[n].pk).first()
        item = books.items(actor, book.pk).filter(hs_code=hs).first() if book else None
        if item is None:
            continue
        g = Guarantee.objects.filter(enterprise=enterprises[n]).first() if guaranteed else None
        try:
            services.open_regime(actor=actor, idempotency_key=new_idempotency_key(), data={
                "kind": kind, "book_id": book.pk, "start_date": start.isoformat(), "purpose": purpose,
                "guarantee_id": g.pk if g else None,
                "lines": [{"item_id": item.pk, "quantity": qty, "customs_value": value}]})
        except DomainError:  # the synthetic book has too little of the item on this day: leave that one out
            continue
    services.send_regime_alerts(today, actor=actor)


def load_domestic(actor) -> None:
    """One domestic sale (内销) quoted, chosen on the cheaper basis and confirmed — its tax bill unpaid — on
    the first demo book holding a bonded unit of an item the sample rate table prices (synthetic)."""
    from bondzone.core.web import new_idempotency_key
    from bondzone.supervision import selectors as books

    from .models import DomesticSale

    if DomesticSale.objects.exists():
        return
    priced = set(TaxRate.objects.values_list("hs_code", flat=True))
    for acc in books.accounts(actor, goods_status="bonded").select_related("item").order_by("book_id", "item__item_no"):
        if acc.item.hs_code not in priced or acc.posted - acc.reserved < 1 or acc.unit != acc.item.declared_unit:
            continue
        value = max((acc.item.unit_price or Decimal(0)), Decimal("1000")).quantize(Decimal("0.01"))
        try:
            sale = services.request_domestic_sale(actor=actor, idempotency_key=new_idempotency_key(), data={
                "book_id": acc.book_id, "mode": "status",
                "lines": [{"item_id": acc.item_id, "quantity": "1", "customs_value": str(value)}]})
            services.choose_domestic_basis(actor=actor, sale_id=sale.pk, basis=sale.cheaper,
                                           idempotency_key=new_idempotency_key())
            services.confirm_domestic_sale(actor=actor, sale_id=sale.pk, idempotency_key=new_idempotency_key())
        except DomainError:  # this book cannot take it today (dates, rates): try the next
            continue
        return
