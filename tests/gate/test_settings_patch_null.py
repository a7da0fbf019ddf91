"""PATCH of a zone's gate settings: an explicit null is refused on its field, nothing written (it was silently taken
as "unchanged")."""

import pytest

from bondzone.gate.models import GateSettings
from tests.patch_null import assert_null_refused, patch

FIELDS = ["weight_tolerance_pct", "weight_tolerance_kg", "empty_tolerance_kg", "weigh_non_bonded",
          "check_seal_non_bonded", "slip_valid_hours", "random_rate_pct", "risk_credit_classes", "risk_trade_modes",
          "risk_hs_chapters", "inspect_first_time_goods", "double_gate", "check_elock"]


@pytest.mark.parametrize("field", FIELDS)
def test_null_on_a_setting_is_refused(world, field):
    url = f"/api/v1/gate/settings/{world.zone_a.pk}"
    assert patch("customs", url, {"weight_tolerance_pct": "1.5", "double_gate": True}).status_code == 200
    assert_null_refused("customs", url, field, GateSettings, GateSettings.objects.get(zone=world.zone_a).pk)
