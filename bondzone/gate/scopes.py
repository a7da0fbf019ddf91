"""Who sees which gate rows. Enterprise users: their own slips; zone-bound staff and gates: their zone;
other staff with `gate.view`: all. Gates and settings are zone records; passages follow their zone."""

from bondzone.core.scoping import by_enterprise_or_zone, scope_rule

from .models import DoorPassage, Gate, GateSettings, Inspection, Passage, Slip, SlipLine, SlipList, SlipReceipt

VIEW = "gate.view"

scope_rule(Slip)(by_enterprise_or_zone("enterprise_id", "zone_id", VIEW))
scope_rule(SlipList)(by_enterprise_or_zone("slip__enterprise_id", "slip__zone_id", VIEW))
scope_rule(SlipLine)(by_enterprise_or_zone("slip__enterprise_id", "slip__zone_id", VIEW))
scope_rule(SlipReceipt)(by_enterprise_or_zone("slip__enterprise_id", "slip__zone_id", VIEW))
scope_rule(Inspection)(by_enterprise_or_zone("enterprise_id", "zone_id", VIEW))
scope_rule(Passage)(by_enterprise_or_zone("enterprise_id", "zone_id", VIEW))
scope_rule(Gate)(by_enterprise_or_zone("zone__enterprises", "zone_id", VIEW))
scope_rule(GateSettings)(by_enterprise_or_zone("zone__enterprises", "zone_id", VIEW))
scope_rule(DoorPassage)(by_enterprise_or_zone("enterprise_id", "zone_id", VIEW))
