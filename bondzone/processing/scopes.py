"""Who sees processing rows: enterprise users their own; zone-bound staff their zone; other staff with
`processing.view` all."""

from bondzone.core.scoping import by_enterprise_or_zone, scope_rule

from .models import Bom, ProductionReport, StockTake, WriteOff

VIEW = "processing.view"

for _model in (Bom, ProductionReport, StockTake, WriteOff):
    scope_rule(_model)(by_enterprise_or_zone("enterprise_id", "zone_id", VIEW))
