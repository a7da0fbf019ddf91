"""PATCH of a task: an explicit null is refused on the fields that need a value (published was set to false,
progress silently kept), nothing written; it clears the fields that may be empty."""

import pytest

from bondzone.governance.models import Task
from tests.patch_null import assert_null_refused, patch


@pytest.mark.parametrize("field", ["title", "status", "progress", "progress_mode", "cadence", "published",
                                   "due_in_workdays"])
def test_null_on_a_field_that_needs_a_value_is_refused(gov, field):
    Task.objects.filter(pk=gov.measure.pk).update(published=True)
    assert_null_refused("commerce", f"/api/v1/governance/tasks/{gov.measure.pk}", field, Task, gov.measure.pk)


def test_null_clears_the_fields_that_may_be_empty(gov):
    r = patch("commerce", f"/api/v1/governance/tasks/{gov.measure.pk}",
              {"code": None, "due_date": None, "lead_unit_id": None, "zone_ids": None})
    assert r.status_code == 200, r.content
    task = Task.objects.get(pk=gov.measure.pk)
    assert (task.code, task.due_date, task.lead_unit_id, task.zones.count(), task.title) == (
        "", None, None, 0, "实现功能特色")
