"""The pure rules of information sharing: diff, field policy, signatures, back-off, allowed targets."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bondzone.sharing.domain import diff as d
from bondzone.sharing.domain import events, fields, webhooks

scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=5))
flat = st.dictionaries(st.text(alphabet="abcdef", min_size=1, max_size=3), scalars, max_size=6)


def test_diff_names_added_removed_and_changed_fields_in_order():
    changes = d.diff({"status": "submitted", "remarks": "x", "lines": {"1": {"qty": "5"}}},
                     {"status": "approved", "number": "Q1", "lines": {"1": {"qty": "6"}}})
    assert [(c.field, c.kind, c.old, c.new) for c in changes] == [
        ("lines.1.qty", "changed", "5", "6"), ("number", "added", None, "Q1"),
        ("remarks", "removed", "x", None), ("status", "changed", "submitted", "approved")]


def test_diff_of_a_creation_and_a_deletion():
    assert [c.kind for c in d.diff(None, {"a": 1, "b": None})] == ["added", "added"]
    assert [c.kind for c in d.diff({"a": 1}, None)] == ["removed"]
    assert d.diff(None, None) == []


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(flat, flat)
def test_diff_applied_to_before_gives_after(before, after):
    assert d.diff(before, before) == []
    rebuilt = dict(before)
    for c in d.diff(before, after):
        if c.kind == d.REMOVED:
            del rebuilt[c.field]
        else:
            rebuilt[c.field] = c.new
    assert rebuilt == after


def test_field_policy_names_only_known_fields_and_datasets():
    for role, datasets in fields.POLICY.items():
        for name, allowed in datasets.items():
            assert name in fields.DATASETS, (role, name)
            assert set(allowed) <= set(fields.DATASETS[name]), (role, name)


def test_field_policy_fails_closed():
    assert fields.allowed_fields("gate", "enterprises") == ()
    assert fields.allowed_fields(None, "enterprises") == ()
    assert fields.allowed_fields("market", "lists") == ()
    assert fields.allowed_fields("tax", "nonsense") == ()
    assert fields.datasets_for("market") == ["enterprises"]
    assert "customs_credit_class" not in fields.allowed_fields("market", "enterprises")
    assert fields.project({"a": 1, "b": 2}, ("b", "c")) == {"b": 2, "c": None}


def test_audit_keys_deny_by_default_and_keep_whole_readers_whole():
    event = {"status": "approved", "trade_mode": "5034", "lines": {"1": {"quantity": "7"}}, "reason": "x",
             "brand_new_key": 1}
    tax = fields.audit_keys("tax", "lists")
    assert fields.only_keys(event, tax) == {"status": "approved", "trade_mode": "5034"}
    assert [c.field for c in d.diff(None, fields.only_keys(event, tax))] == ["status", "trade_mode"]
    assert fields.audit_keys("customs", "lists") is None and fields.audit_keys("enterprise", "lists") is None
    assert fields.audit_keys("market", "lists") == frozenset()  # may not open it: nothing
    # a slip's audit row says "type" for the slip type: the zone administration, which sees the type, reads it
    assert "type" in fields.audit_keys("zone_admin", "slips") and "gross" not in fields.audit_keys("zone_admin", "slips")
    assert fields.only_keys(None, tax) is None and fields.only_keys(["a"], tax) == {}


def test_every_agency_receives_only_known_kinds():
    for role, kinds in events.RECEIVES.items():
        assert kinds <= set(events.KINDS), role
    assert events.kinds_for("enterprise") == frozenset()
    assert events.LIST_APPROVED not in events.kinds_for("market")


def test_signature_round_trip_and_tampering():
    body = b'{"event": "list.approved"}'
    header = webhooks.sign("s3cret", body, 1_700_000_000)
    assert header.startswith("t=1700000000,v1=") and len(header.split("v1=")[1]) == 64
    assert webhooks.verify("s3cret", body, header, now=1_700_000_010)
    assert not webhooks.verify("other", body, header, now=1_700_000_010)
    assert not webhooks.verify("s3cret", body + b" ", header, now=1_700_000_010)
    assert not webhooks.verify("s3cret", body, header, now=1_700_000_000 + 301)  # stale: a replay
    assert not webhooks.verify("s3cret", body, "v1=abc", now=1_700_000_000)


def test_backoff_doubles_up_to_a_ceiling_and_gives_up_after_n():
    assert [webhooks.backoff(n) for n in (1, 2, 3)] == [timedelta(seconds=30), timedelta(minutes=1),
                                                        timedelta(minutes=2)]
    assert webhooks.backoff(30) == timedelta(hours=6)
    assert not webhooks.gives_up(5, 6) and webhooks.gives_up(6, 6)


@pytest.mark.parametrize("url, problem", [
    ("https://hooks.example.com/bondzone", ""),
    ("https://8.8.8.8/x", ""),
    ("http://hooks.example.com/x", "webhook_url_not_https"),
    ("https://localhost/x", "webhook_url_private"),
    ("https://127.0.0.1:8443/x", "webhook_url_private"),
    ("https://10.1.2.3/x", "webhook_url_private"),
    ("https://172.16.0.1/x", "webhook_url_private"),
    ("https://192.168.1.1/x", "webhook_url_private"),
    ("https://169.254.169.254/latest/meta-data", "webhook_url_private"),
    ("https://[::1]/x", "webhook_url_private"),
    ("https://[::ffff:127.0.0.1]/x", "webhook_url_private"),
    ("https://0.0.0.0/x", "webhook_url_private"),
    ("ftp://example.com/x", "webhook_url_invalid"),
    ("https://user:pw@example.com/x", "webhook_url_invalid"),
    ("https://example.com:99999/x", "webhook_url_invalid"),
    ("not a url", "webhook_url_invalid"),
])
def test_production_targets(url, problem):
    assert webhooks.parse_target(url, allow_private=False).problem == problem


def test_private_targets_allowed_when_the_setting_says_so():
    assert webhooks.parse_target("http://127.0.0.1:9000/hook", allow_private=True).problem == ""
    assert webhooks.parse_target("ftp://127.0.0.1/", allow_private=True).problem == "webhook_url_invalid"
