"""PATCH of an evaluated zone, an indicator and a framework's settings: an explicit null is refused on its field,
nothing written (it was silently taken as "unchanged"); on a zone it clears the fields that may be empty."""

import pytest

from bondzone.evaluation.models import EvalZone, Framework, Indicator
from tests.patch_null import assert_null_refused, patch, row


@pytest.mark.parametrize("field", ["code", "name_zh", "kind", "region"])
def test_null_on_a_zone_field_that_needs_a_value_is_refused(ev, field):
    assert_null_refused("admin", f"/api/v1/evaluation/zones/{ev.zone_a.pk}", field, EvalZone, ev.zone_a.pk)


def test_null_clears_a_zone_field_that_may_be_empty(ev):
    url = f"/api/v1/evaluation/zones/{ev.zone_a.pk}"
    assert patch("admin", url, {"name_en": "Tianzhu", "province": "北京"}).status_code == 200
    assert ev.zone_a.zone_id is not None
    r = patch("admin", url, {"name_en": None, "province": None, "platform_zone": None})
    assert r.status_code == 200, r.content
    after = row(EvalZone, ev.zone_a.pk)
    assert (after["name_en"], after["province"], after["zone_id"], after["code"]) == ("", "", None, ev.zone_a.code)


@pytest.mark.parametrize("field", ["name_zh", "name_en", "direction", "unit", "normalisation", "goal_low",
                                   "goal_high", "points", "cap"])
def test_null_on_an_indicator_field_is_refused(ev, field):
    indicator = ev.gacc.indicators.filter(kind="indicator").order_by("pk").first()
    assert_null_refused("admin", f"/api/v1/evaluation/frameworks/{ev.gacc.pk}/indicators/{indicator.code}", field,
                        Indicator, indicator.pk)


@pytest.mark.parametrize("field", ["name", "aggregation", "impute", "min_coverage", "outliers", "class_bands"])
def test_null_on_a_framework_setting_is_refused(ev, field):
    assert_null_refused("admin", f"/api/v1/evaluation/frameworks/{ev.gacc.pk}", field, Framework, ev.gacc.pk)
