"""A role that may not do a write is refused (403) before its body is read: a bad body answers the same as a good
one, so a 400 cannot tell it what the endpoint expects. Every write operation of the API is `auth=auth_for(action)`
(core.http) unless listed below, its action is the one the permission matrix (tests/*/matrix.py) names, and each
matrix user whose role lacks it gets 403 for an invalid body."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from bondzone.api import api
from tests.conftest import PASSWORD

from .matrix import can
from .test_matrix import USERS, all_matrices, api_operations

# Writes whose permission depends on what the body asks, not on one action: nothing to check before the body.
NOT_ONE_ACTION = {
    "PATCH /api/v1/enterprises/{enterprise_id}",  # core.change_enterprise or core.set_credit_class, per field
}


def _operation_actions() -> dict[str, str]:
    """"METHOD /api/v1/path" -> the action its auth checks before the body ("" when none)."""
    out = {}
    for bound in api._get_bound_routers():
        for path, view in bound.path_operations.items():
            full = "/api/v1/" + "/".join(p.strip("/") for p in (bound.prefix, path) if p.strip("/"))
            for operation in view.operations:
                actions = {getattr(a, "bondzone_action", "") for a in operation.auth_callbacks or ()}
                for method in operation.methods:
                    out[f"{method} {full}"] = max(actions, default="")
    return out


ACTIONS = _operation_actions()
WRITES = sorted((op, action) for op, action in ACTIONS.items() if not op.startswith("GET ") and action)


def test_the_walk_reads_every_operation():
    assert set(ACTIONS) == api_operations()
    assert ("POST /api/v1/duties/guarantees", "duties.manage_guarantees") in WRITES


def test_every_write_checks_its_action_before_its_body():
    _, apis, _ = all_matrices()
    missing = sorted(op for op, action in ACTIONS.items()
                     if not op.startswith("GET ") and not action and op not in NOT_ONE_ACTION)
    assert missing == [], f"writes that read the body before the permission: {missing}"
    differ = sorted((op, action, apis[op].action) for op, action in WRITES
                    if op in apis and apis[op].action and apis[op].action != action)
    assert differ == [], f"auth_for action differs from the matrix: {differ}"


@pytest.mark.parametrize("op, action", WRITES)
def test_a_role_without_the_action_is_refused_before_its_body_is_read(world, op, action):
    method, path = op.split(" ", 1)
    url = re.sub(r"\{\w+\}", "1", path)
    for username in [u for u in USERS if not can(u, action)]:
        client = Client()
        assert client.login(username=username, password=PASSWORD)
        r = client.generic(method, url, "[1]", content_type="application/json")
        assert r.status_code == 403, (op, action, username, r.status_code, r.content[:200])
        assert r.json()["errors"][0]["code"] == "forbidden_action"
