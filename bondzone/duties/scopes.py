"""Who sees which duties rows: rate tables and exchange rates are reference data every logged-in user reads."""

from bondzone.core.scoping import scope_rule

from .models import ExchangeRate, TaxRate


@scope_rule(TaxRate)
def tax_rates(qs, actor, action):
    return qs


@scope_rule(ExchangeRate)
def exchange_rates(qs, actor, action):
    return qs
