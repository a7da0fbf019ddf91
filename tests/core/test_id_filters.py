"""An id in a list filter that no database column can hold (23 digits) is a 400 on that filter, never a 500 (SQLite
cannot bind it: OverflowError); the filters are core.types.Id, as the paths' ids are."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.conftest import PASSWORD

FILTERS = ["/api/v1/gate/passages?gate_id={}", "/api/v1/gate/door-passages?book_id={}",
           "/api/v1/duties/guarantees?enterprise_id={}", "/api/v1/duties/regimes?book_id={}",
           "/api/v1/duties/domestic-sales?book_id={}", "/api/v1/duties/tax-bills?enterprise_id={}",
           "/api/v1/processing/production?book_id={}"]


@pytest.mark.parametrize("path", FILTERS)
def test_an_id_filter_beyond_the_database_is_a_400_on_its_field(world, path):
    client = Client()
    assert client.login(username="admin", password=PASSWORD)
    r = client.get(path.format("9" * 23))
    assert r.status_code == 400, (path, r.status_code)
    assert r.json()["errors"][0]["field"] == path.split("?")[1].split("=")[0]
