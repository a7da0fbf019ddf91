"""Who sees which gate rows. Enterprise users: their own slips; zone-bound staff and gates: their zone;
other staff with `gate.view`: all. Gates are zone records; passages follow their zone. A zone's settings hold
customs' risk rules: only the roles with `gate.view_settings` (customs, the zone administration, admins) read
them, a zone-bound one its own zone's — never the enterprises they select nor the gate devices."""

from bondzone.core.scoping import by_enterprise_or_zone, scope_rule

from .models import DoorPassage, Gate, GateSettings, Inspection, Passage, Slip, SlipLine, SlipList, SlipReceipt

VIEW = "gate.view"
VIEW_SETTINGS = "gate.view_settings"


def settings_zones(zone_path: str):
    """The settings rule on the zone a row names: also what selectors use for a zone without a settings row yet
    (its defaults are read on the same terms)."""

    def rule(qs, actor, action):
        if not actor.can(VIEW_SETTINGS):
            return qs.none()
        if actor.zone_id is not None:
            return qs.filter(**{zone_path: actor.zone_id})
        return qs

    return rule


scope_rule(Slip)(by_enterprise_or_zone("enterprise_id", "zone_id", VIEW))
scope_rule(SlipList)(by_enterprise_or_zone("slip__enterprise_id", "slip__zone_id", VIEW))
scope_rule(SlipLine)(by_enterprise_or_zone("slip__enterprise_id", "slip__zone_id", VIEW))
scope_rule(SlipReceipt)(by_enterprise_or_zone("slip__enterprise_id", "slip__zone_id", VIEW))
scope_rule(Inspection)(by_enterprise_or_zone("enterprise_id", "zone_id", VIEW))
scope_rule(Passage)(by_enterprise_or_zone("enterprise_id", "zone_id", VIEW))
scope_rule(Gate)(by_enterprise_or_zone("zone__enterprises", "zone_id", VIEW))
scope_rule(GateSettings)(settings_zones("zone_id"))
scope_rule(DoorPassage)(by_enterprise_or_zone("enterprise_id", "zone_id", VIEW))
