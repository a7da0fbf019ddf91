"""Every write of the duties part, and every use of the duty engine by the web, the API and the CLI."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone

from bondzone.core import audit, idempotency
from bondzone.core.actor import Actor
from bondzone.core.domain.errors import DomainError, Problem, problem
from bondzone.core.domain.inputs import collect_date, collect_decimal, collect_id
from bondzone.core.models import Enterprise
from bondzone.core.scoping import get_scoped

from .. import selectors
from ..domain import cbec as cbec_rules
from ..domain import guarantees as guarantee_rules
from ..domain import quote_io, tables
from ..models import ExchangeRate, Guarantee, GuaranteeEntry, GuaranteeKind, TaxRate

MAX_ROWS = 20000


def quote(actor: Actor, document: Any) -> dict[str, Any]:
    """Compute a quotation from the JSON document of `bondzone duty quote`; writes nothing. Lines without
    rates take them from the rate tables in force on the rate date; foreign values use the stored rates."""
    actor.require("duties.quote")
    req, problems = quote_io.parse(document, today=timezone.localdate(), rates=selectors.rate_lookup(actor),
                                   fx=selectors.fx_lookup(actor))
    if problems:
        raise DomainError(problems)
    result, assessed, problems = quote_io.evaluate(req, annual=_stored_annual_total)
    if problems:
        raise DomainError(problems)
    return quote_io.render(req, result, assessed)


def _stored_annual_total(buyer_id: str, year: int):
    """The buyer's counted cross-border purchases of the year, as the cbec app keeps them."""
    from bondzone.cbec import selectors as cbec_selectors

    return cbec_selectors.annual_used(buyer_id, year)


def _parse_all(rows: Sequence[Mapping], parse_row) -> list:
    if not rows:
        raise DomainError(problem("file", "file_empty"))
    if len(rows) > MAX_ROWS:
        raise DomainError(problem("file", "too_many_rows", max=MAX_ROWS, count=len(rows)))
    parsed, problems = [], []
    for n, row in enumerate(rows, start=1):
        value, found = parse_row(row)
        problems += [_row_problem(n, p) for p in found]
        parsed.append(value)
    if problems:
        raise DomainError(problems)
    return parsed


def _row_problem(n: int, p: Problem) -> Problem:
    return problem(f"row {n}", "row", row=n, field=p.field, inner_code=p.code, inner_params=p.params)


def import_tax_rates(*, actor: Actor, rows: Sequence[Mapping]) -> int:
    """Add rate-table rows (all or nothing). A row overlapping another of its kind, code and origin (in
    the file or stored) is refused: end the stored row first (`end_tax_rate`)."""
    actor.require("duties.manage_rates")
    parsed = _parse_all(rows, tables.parse_rate_row)
    with transaction.atomic(durable=True):
        keys = {(r.kind, r.hs_code) for r in parsed}
        list(TaxRate.objects.select_for_update().filter(hs_code__in={k[1] for k in keys}))
        problems = tables.check_rate_table(parsed, selectors.rate_rows(actor, keys))
        if problems:
            raise DomainError(problems)
        TaxRate.objects.bulk_create([
            TaxRate(kind=r.kind, hs_code=r.hs_code, origin=r.origin, ad_valorem=r.rate.ad_valorem,
                    specific=r.rate.specific, valid_from=r.valid_from, valid_to=r.valid_to, source=r.source)
            for r in parsed])
        audit.record(actor, "duties.tax_rates_imported", object_type="duties.taxrate",
                     after={"rows": len(parsed), "codes": sorted({r.hs_code for r in parsed})[:50]})
    requote_open_sales(reason=f"rates imported ({len(parsed)} rows)")
    return len(parsed)


def import_exchange_rates(*, actor: Actor, rows: Sequence[Mapping]) -> int:
    """Add customs exchange rates (all or nothing); overlapping periods of one currency are refused."""
    actor.require("duties.manage_rates")
    parsed = _parse_all(rows, tables.parse_fx_row)
    with transaction.atomic(durable=True):
        currencies = {r.currency for r in parsed}
        list(ExchangeRate.objects.select_for_update().filter(currency__in=currencies))
        problems = tables.check_fx_table(parsed, selectors.fx_rows(actor, currencies))
        if problems:
            raise DomainError(problems)
        ExchangeRate.objects.bulk_create([
            ExchangeRate(currency=r.currency, cny=r.rate.cny, per=r.rate.per, valid_from=r.valid_from,
                         valid_to=r.valid_to, source=r.source) for r in parsed])
        audit.record(actor, "duties.exchange_rates_imported", object_type="duties.exchangerate",
                     after={"rows": len(parsed), "currencies": sorted(currencies)})
    return len(parsed)


def end_tax_rate(*, actor: Actor, rate_id: Any, valid_to: Any) -> TaxRate:
    """Close an open or later-ending rate on a day (a new rate can then start the day after)."""
    actor.require("duties.manage_rates")
    problems: list[Problem] = []
    end = collect_date(valid_to, "valid_to", problems)
    if end is None and not problems:
        problems.append(problem("valid_to", "required"))
    if problems:
        raise DomainError(problems)
    with transaction.atomic(durable=True):
        rate = selectors.tax_rate_for_update(actor, rate_id)
        if end < rate.valid_from:
            raise DomainError(problem("valid_to", "period_reversed", start=rate.valid_from, end=end))
        before = {"valid_to": str(rate.valid_to) if rate.valid_to else None}
        rate.valid_to = end
        rate.save(update_fields=["valid_to"])
        audit.record(actor, "duties.tax_rate_ended", rate, before=before, after={"valid_to": str(end)})
    requote_open_sales(reason=f"rate {rate.kind} {rate.hs_code} ended on {end}")
    return rate


def cbec_quote(actor: Actor, *, buyer_id: str, order_date, lines: Sequence[Mapping], annual_used) -> dict[str, Any]:
    """The engine's answer for one cross-border retail order (rates from the tables on the order date),
    or DomainError with the reason it is refused (limits, unknown code, bad ID number) — the ID number's
    problem named `buyer_id`, as the order calls it."""
    try:
        return quote(actor, {"regime": "cbec", "consumer_id": buyer_id, "order_date": str(order_date),
                             "annual_used": str(annual_used), "lines": list(lines)})
    except DomainError as exc:
        if any(p.field == "consumer_id" for p in exc.problems):
            raise type(exc)([problem("buyer_id", p.code, **p.params) if p.field == "consumer_id" else p
                             for p in exc.problems]) from None
        raise


def check_cbec_return(*, released_on, applied_on, back_on) -> None:
    """Refuse a tax-free return outside the windows (apply ≤ 30 days, goods back ≤ 45 days after release)."""
    problems = cbec_rules.check_return(released_on, applied_on, back_on)
    if problems:
        raise DomainError(problems)


def lodge_guarantee(*, actor: Actor, data: Mapping[str, Any], idempotency_key: str | None) -> Guarantee:
    """Customs records a guarantee an enterprise has lodged (deposit received, guarantee letter accepted).
    Idempotent: a retry with the same key answers the first guarantee; the same key with another body is
    refused (core.idempotency)."""
    actor.require("duties.manage_guarantees")
    payload = {k: data.get(k) for k in ("enterprise_id", "kind", "reference", "amount", "valid_to")}

    def do() -> dict:
        problems: list[Problem] = []
        enterprise_id = collect_id(data.get("enterprise_id"), "enterprise_id", problems, required=True)
        enterprise = get_scoped(Enterprise, actor, enterprise_id) if enterprise_id is not None else None
        kind = str(data.get("kind") or "")
        if kind not in GuaranteeKind.values:
            problems.append(problem("kind", "bad_choice", value=kind, choices=", ".join(GuaranteeKind.values)))
        reference = str(data.get("reference") or "").strip()
        if not reference or len(reference) > 60:
            problems.append(problem("reference", "required" if not reference else "too_long", max=60))
        amount = collect_decimal(data.get("amount"), "amount", problems, required=True, max_digits=16,
                                 decimal_places=2)
        if amount is not None:
            problems += guarantee_rules.positive(amount, "amount")
        valid_to = collect_date(data.get("valid_to"), "valid_to", problems)
        if valid_to is not None:
            problems += guarantee_rules.lodged_validity(valid_to, timezone.localdate())
        if enterprise and reference and Guarantee.objects.filter(enterprise=enterprise, reference=reference).exists():
            problems.append(problem("reference", "duplicate_value", value=reference))
        if problems:
            raise DomainError(problems)
        g = Guarantee.objects.create(enterprise=enterprise, zone_id=enterprise.zone_id, kind=kind, reference=reference,
                                     amount=amount, valid_to=valid_to)
        audit.record(actor, "duties.guarantee_lodged", g, after={"kind": kind, "amount": str(amount)})
        return {"guarantee_id": g.pk}

    result, _replayed = idempotency.run(actor, idempotency_key, "duties.guarantee_lodge", payload, do)
    return Guarantee.objects.get(pk=result["guarantee_id"])  # read back: the amounts as stored (2 places)


_MOVES = {"use": guarantee_rules.use, "free": guarantee_rules.free_use, "release": guarantee_rules.release}


def move_guarantee(*, actor: Actor, guarantee_id: Any, kind: str, amount: Any, purpose: str,
                   idempotency_key: str | None) -> Guarantee:
    """Use part of a guarantee for a purpose (refused when the free amount is short), free a use, or
    release (give back) part of it. The guarantee row is locked; every move is an entry. Idempotent: a
    retried request with the same key moves nothing twice."""
    actor.require("duties.manage_guarantees")
    payload = {"guarantee_id": str(guarantee_id), "kind": kind, "amount": amount, "purpose": purpose}

    def do() -> dict:
        problems: list[Problem] = []
        if kind not in _MOVES:
            problems.append(problem("kind", "bad_choice", value=kind, choices=", ".join(_MOVES)))
        value = collect_decimal(amount, "amount", problems, required=True, max_digits=16, decimal_places=2)
        text = str(purpose or "").strip()
        if not text or len(text) > 200:
            problems.append(problem("purpose", "required" if not text else "too_long", max=200))
        if problems:
            raise DomainError(problems)
        g = get_scoped(Guarantee.objects.select_for_update(), actor, guarantee_id)
        after, problems = _MOVES[kind](guarantee_rules.Balance(g.amount, g.used, g.released), value)
        if problems:
            raise DomainError(problems)
        before = {"used": str(g.used), "released": str(g.released)}
        g.used, g.released = after.used, after.released
        g.save(update_fields=["used", "released"])
        GuaranteeEntry.objects.create(guarantee=g, kind=kind, amount=value, purpose=text)
        audit.record(actor, f"duties.guarantee_{kind}", g, before=before,
                     after={"used": str(g.used), "released": str(g.released), "purpose": text})
        return {"guarantee_id": g.pk}

    result, _replayed = idempotency.run(actor, idempotency_key, "duties.guarantee_move", payload, do)
    return Guarantee.objects.get(pk=result["guarantee_id"])


from .regimes import alert_days, close_regime, extend_regime, open_regime, send_regime_alerts  # noqa: E402
from .regime_gate import link_regime_lists, regime_slips, settle_regime_returns  # noqa: E402
from .domestic import (  # noqa: E402
    cancel_domestic_sale, choose_domestic_basis, confirm_domestic_sale, request_domestic_sale, requote_open_sales,
    sync_returned_sales, withdraw_domestic_sale,
)
from .tax_bills import record_tax_payment, surcharge_on  # noqa: E402
from .tax_guarantee import charge_tax, free_tax  # noqa: E402

__all__ = [
    "alert_days", "cbec_quote", "charge_tax", "free_tax", "choose_domestic_basis", "confirm_domestic_sale", "record_tax_payment",
    "request_domestic_sale", "requote_open_sales", "check_cbec_return", "close_regime", "end_tax_rate", "extend_regime",
    "import_exchange_rates", "import_tax_rates", "lodge_guarantee", "move_guarantee", "open_regime", "quote",
    "send_regime_alerts", "link_regime_lists", "regime_slips", "settle_regime_returns", "cancel_domestic_sale", "surcharge_on", "sync_returned_sales", "withdraw_domestic_sale",
]
