"""PATCH of an enterprise: an explicit null is refused on the fields that need a value, clears the optional ones."""

import pytest

from bondzone.core.models import Enterprise
from tests.patch_null import assert_null_refused, patch, row


@pytest.mark.parametrize("field", ["name", "credit_code", "customs_code", "customs_credit_class"])
def test_null_on_a_field_that_needs_a_value_is_refused(world, field):
    assert_null_refused("admin", f"/api/v1/enterprises/{world.ent_a.pk}", field, Enterprise, world.ent_a.pk)


def test_null_clears_the_optional_fields(world):
    url = f"/api/v1/enterprises/{world.ent_a.pk}"
    body = {"name_en": "Firm A", "business_type": "logistics", "customs_credit_class": "certified",
            "customs_credit_class_since": "2025-01-02"}
    assert patch("admin", url, body).status_code == 200
    r = patch("admin", url, {"name_en": None, "business_type": None, "customs_credit_class_since": None})
    assert r.status_code == 200, r.content
    after = row(Enterprise, world.ent_a.pk)
    assert (after["name_en"], after["business_type"], after["customs_credit_class_since"],
            after["customs_credit_class"]) == ("", "", None, "certified")
