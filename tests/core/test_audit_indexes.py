"""The audit table keeps the indexes its queries use and no other (every audit row writes each one): request_id
by exact match, action by prefix; migration 0010 gets there from 0009 and back on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import connection

EXPECTED = {"core_audit_request_id_idx": ["request_id"], "core_audit_action_like": ["action"]}


def audit_indexes() -> dict[str, tuple[list[str], list[str] | None]]:
    """The audit table's indexes on request_id or action: name -> (columns, PostgreSQL opclasses)."""
    with connection.cursor() as cur:
        found = connection.introspection.get_constraints(cur, "core_auditevent")
        out = {}
        for name, info in found.items():
            if info["index"] and not info["primary_key"] and set(info["columns"]) & {"request_id", "action"}:
                opclasses = None
                if connection.vendor == "postgresql":
                    cur.execute("SELECT indexdef FROM pg_indexes WHERE indexname = %s", [name])
                    opclasses = ["varchar_pattern_ops" if "varchar_pattern_ops" in cur.fetchone()[0] else ""]
                out[name] = (info["columns"], opclasses)
    return out


@pytest.mark.django_db
def test_one_index_each_for_request_id_and_action():
    found = audit_indexes()
    assert {name: cols for name, (cols, _) in found.items()} == EXPECTED
    if connection.vendor == "postgresql":  # no pattern_ops twin for request_id; the action index serves LIKE 'x%'
        assert found["core_audit_request_id_idx"][1] == [""]
        assert found["core_audit_action_like"][1] == ["varchar_pattern_ops"]


@pytest.mark.django_db(transaction=True)
def test_migration_0010_runs_backward_and_forward():
    call_command("migrate", "core", "0009", verbosity=0)
    old = audit_indexes()
    assert {"core_auditevent_request_id_0f60cdac", "core_auditevent_action_b3c9b7a8"} <= set(old)
    if connection.vendor == "postgresql":
        assert {"core_auditevent_request_id_0f60cdac_like", "core_auditevent_action_b3c9b7a8_like"} <= set(old)
    call_command("migrate", "core", verbosity=0)
    assert {name: cols for name, (cols, _) in audit_indexes().items()} == EXPECTED
