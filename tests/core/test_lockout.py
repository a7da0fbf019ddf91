"""Log-in throttling (django-axes): five failures for one user name, or from one address, lock it out with
a sentence (429) and an audit event; the right password does not get through while locked."""

from __future__ import annotations

import pytest
from django.test import Client

from bondzone.core.models import AuditEvent

from ..conftest import PASSWORD


@pytest.fixture
def axes_on(settings):
    settings.AXES_ENABLED = True


def attempt(username, password, ip="10.0.0.1"):
    return Client(REMOTE_ADDR=ip).post("/login/", {"username": username, "password": password})


def test_an_account_is_locked_after_five_failures_from_any_address(world, axes_on):
    for i in range(4):
        assert attempt("ent_a", "wrong", ip=f"10.0.0.{i + 1}").status_code == 200
    assert attempt("ent_a", "wrong", ip="10.0.0.5").status_code == 429  # the fifth failure locks
    r = attempt("ent_a", PASSWORD, ip="10.0.0.99")  # the right password, from a fresh address
    assert r.status_code == 429 and "15 分钟后再试".encode() in r.content
    events = AuditEvent.objects.filter(action="auth.locked_out")  # the lock, then each refused attempt
    assert events.exists() and {e.after["username"] for e in events} == {"ent_a"}
    assert attempt("ent_b", PASSWORD, ip="10.0.0.100").status_code == 302  # another account is unaffected


def test_an_address_is_locked_after_five_failures_on_any_account(world, axes_on):
    for name in ("a1", "a2", "a3", "a4", "a5"):
        attempt(name, "wrong", ip="10.9.9.9")
    assert attempt("ent_b", PASSWORD, ip="10.9.9.9").status_code == 429
    assert attempt("ent_b", PASSWORD, ip="10.9.9.10").status_code == 302
