"""Every coded query filter of the API (status, direction, kind, level …) refuses a value that is not one of
its codes with a 400 naming the field and the codes; blank means no filter."""

import pytest
from django.test import Client

from ..conftest import PASSWORD

FILTERS = [
    ("/api/v1/lists", "status"), ("/api/v1/lists", "direction"), ("/api/v1/accounts", "goods_status"),
    ("/api/v1/gate/slips", "status"), ("/api/v1/gate/slips", "direction"), ("/api/v1/gate/slips", "inspection"),
    ("/api/v1/cbec/orders", "status"),
    ("/api/v1/duties/tax-rates", "kind"), ("/api/v1/duties/regimes", "kind"), ("/api/v1/duties/regimes", "status"),
    ("/api/v1/servicedesk/requests", "status"),
    ("/api/v1/governance/reports", "status"), ("/api/v1/governance/extensions", "status"),
    ("/api/v1/governance/issues", "status"), ("/api/v1/governance/issues", "level"),
    ("/api/v1/governance/annual-lists", "kind"), ("/api/v1/governance/units", "kind"),
]


@pytest.mark.parametrize("path, field", FILTERS)
def test_a_coded_filter_refuses_an_unknown_code(world, path, field):
    c = Client()
    assert c.login(username="admin", password=PASSWORD)
    r = c.get(path, {field: "no-such-code"})
    assert r.status_code == 400, r.content[:200]
    [error] = r.json()["errors"]
    assert (error["field"], error["code"]) == (field, "bad_choice") and "no-such-code" in error["message"]
    assert c.get(path, {field: ""}).status_code == 200


def test_the_service_desk_keeps_its_open_filter(world):
    c = Client()
    assert c.login(username="admin", password=PASSWORD)
    assert c.get("/api/v1/servicedesk/requests", {"status": "open"}).status_code == 200
    assert c.get("/api/v1/duties/regimes", {"status": "overdue"}).status_code == 200
