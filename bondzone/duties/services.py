"""Every write of the duties part, and every use of the duty engine by the web, the API and the CLI."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone

from bondzone.core import audit
from bondzone.core.actor import Actor
from bondzone.core.domain.errors import DomainError, Problem, problem
from bondzone.core.domain.inputs import collect_date

from . import selectors
from .domain import quote_io, tables
from .models import ExchangeRate, TaxRate

MAX_ROWS = 20000


def quote(actor: Actor, document: Any) -> dict[str, Any]:
    """Compute a quotation from the JSON document of `bondzone duty quote`; writes nothing. Lines without
    rates take them from the rate tables in force on the rate date; foreign values use the stored rates."""
    actor.require("duties.quote")
    req, problems = quote_io.parse(document, today=timezone.localdate(), rates=selectors.rate_lookup(actor),
                                   fx=selectors.fx_lookup(actor))
    if problems:
        raise DomainError(problems)
    result, assessed, problems = quote_io.evaluate(req)
    if problems:
        raise DomainError(problems)
    return quote_io.render(req, result, assessed)


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
    return rate
