"""Issue 10's findings on evaluation over HTTP: numbers past their columns (areas, factors, goalposts, a
seed of 2**63), text longer than the column, far dates: a field-level 400, nothing written."""

from __future__ import annotations

import pytest

from ..conftest import key
from .conftest import snapshot
from .test_api import API, client_for, refused, send


@pytest.mark.parametrize("over, field, code", [
    ({"planned_km2": "1e10"}, "planned_km2", "decimal_too_large"),
    ({"developed_km2": "1.00001"}, "developed_km2", "too_many_decimals"),
    ({"planned_km2": "NaN"}, "planned_km2", "not_a_number"),
    ({"year": 2**63}, "year", "out_of_range"),
])
def test_areas_beyond_their_columns(ev, over, field, code):
    good = {"year": 2024, "planned_km2": "4", "accepted_km2": "3", "fenced_km2": "4", "developed_km2": "1"}
    before = snapshot()
    refused(send(client_for("commerce"), "PUT", f"{API}/zones/{ev.zone_a.pk}/areas", {**good, **over}), 400,
            {field: code}, before)


def test_indicator_goalposts_and_names_beyond_their_columns(ev):
    c, before = client_for("commerce"), snapshot()
    code = ev.gacc.indicators.filter(kind="indicator").values_list("code", flat=True).first()
    url = f"{API}/frameworks/{ev.gacc.pk}/indicators/{code}"
    refused(send(c, "PATCH", url, {"goal_high": "1e30"}), 400, {"goal_high": "decimal_too_large"}, before)
    refused(send(c, "PATCH", url, {"points": "123456"}), 400, {"points": "decimal_too_large"}, before)
    refused(send(c, "PATCH", url, {"name_zh": "x" * 101}), 400, {"name_zh": "too_long"}, before)
    refused(send(c, "PUT", f"{API}/frameworks/{ev.gacc.pk}/weights", {"weights": {code: "1e12"}}), 400,
            {f"weights.{code}": "decimal_too_large"}, before)


def test_run_seed_and_label_beyond_their_columns(ev):
    c, before = client_for("commerce"), snapshot()
    body = {"framework_id": ev.gacc.pk, "year": 2024, "draws": 0}
    refused(send(c, "POST", f"{API}/runs", {**body, "seed": 2**63}, HTTP_IDEMPOTENCY_KEY=key()), 400,
            {"seed": "out_of_range"}, before)
    refused(send(c, "POST", f"{API}/runs", {**body, "label": "x" * 201}, HTTP_IDEMPOTENCY_KEY=key()), 400,
            {"label": "too_long"}, before)


def test_zone_dates_and_names(ev):
    c, before = client_for("commerce"), snapshot()
    url = f"{API}/zones/{ev.zone_a.pk}"
    refused(send(c, "PATCH", url, {"approved_on": "0001-01-01"}), 400, {"approved_on": "date_out_of_window"}, before)
    refused(send(c, "PATCH", url, {"name_zh": "x" * 101}), 400, {"name_zh": "too_long"}, before)
