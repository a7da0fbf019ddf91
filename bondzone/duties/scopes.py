"""Who sees which duties rows: rate tables and exchange rates are reference data every logged-in user reads;
guarantees: the enterprise its own, customs (its zone) and the tax bureau all."""

from bondzone.core.scoping import by_enterprise_or_zone, scope_rule

from .models import DomesticSale, ExchangeRate, Guarantee, GuaranteeEntry, Regime, RegimeAlert, TaxBill, TaxRate


@scope_rule(TaxRate)
def tax_rates(qs, actor, action):
    return qs


@scope_rule(ExchangeRate)
def exchange_rates(qs, actor, action):
    return qs


scope_rule(Guarantee)(by_enterprise_or_zone("enterprise_id", "zone_id", "duties.view_guarantees"))
scope_rule(GuaranteeEntry)(by_enterprise_or_zone("guarantee__enterprise_id", "guarantee__zone_id",
                                                 "duties.view_guarantees"))
scope_rule(Regime)(by_enterprise_or_zone("enterprise_id", "zone_id", "duties.view_regimes"))
scope_rule(RegimeAlert)(by_enterprise_or_zone("regime__enterprise_id", "regime__zone_id", "duties.view_regimes"))


scope_rule(DomesticSale)(by_enterprise_or_zone("enterprise_id", "zone_id", "duties.view_domestic"))
scope_rule(TaxBill)(by_enterprise_or_zone("enterprise_id", "zone_id", "duties.view_domestic"))
