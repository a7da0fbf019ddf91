"""Who sees cross-border retail rows. Orders carry buyers' identity numbers: the e-commerce enterprise
sees its own, customs (its zone, or all) sees them; other roles see none. The positive list is reference
data; annual totals are read only through the services (never listed)."""

from bondzone.core.scoping import by_enterprise_or_zone, nothing, scope_rule

from .models import ConsolidatedList, AnnualTotal, CbecOrder, CbecOrderLine, PositiveListEntry, TaxSettlement

scope_rule(CbecOrder)(by_enterprise_or_zone("enterprise_id", "zone_id", "cbec.view"))
scope_rule(CbecOrderLine)(by_enterprise_or_zone("order__enterprise_id", "order__zone_id", "cbec.view"))
scope_rule(AnnualTotal)(nothing)


@scope_rule(PositiveListEntry)
def positive_list(qs, actor, action):
    return qs
scope_rule(ConsolidatedList)(by_enterprise_or_zone("enterprise_id", "zone_id", "cbec.view"))
scope_rule(TaxSettlement)(by_enterprise_or_zone("enterprise_id", "zone_id", "cbec.view"))
