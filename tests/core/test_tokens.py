"""API tokens: they expire, can be listed and revoked (CLI and page), a read-only token only reads, and
last_used_at is not written on every request."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from bondzone.core.models import ApiToken, AuditEvent

from ..conftest import PASSWORD


def bearer(raw: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_expired_and_revoked_tokens_are_no_tokens(world):
    token, raw = ApiToken.issue(world.users["ent_a"], "erp")
    c = Client()
    assert c.get("/api/v1/me", **bearer(raw)).status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert c.get("/api/v1/me", **bearer(raw)).status_code == 401
    token, raw = ApiToken.issue(world.users["ent_a"], "erp2")
    ApiToken.objects.filter(pk=token.pk).update(revoked_at=timezone.now())
    assert c.get("/api/v1/me", **bearer(raw)).status_code == 401


def test_a_read_only_token_reads_but_never_writes(world):
    _, raw = ApiToken.issue(world.users["market"], "ro", scope=ApiToken.READ)
    c = Client()
    assert c.get("/api/v1/enterprises", **bearer(raw)).status_code == 200
    r = c.post("/api/v1/enterprises", {"name": "x"}, content_type="application/json", **bearer(raw))
    assert r.status_code == 403 and r.json()["errors"][0]["code"] == "token_read_only"


def test_last_used_is_written_once_per_interval(world):
    token, raw = ApiToken.issue(world.users["ent_a"], "erp")
    c = Client()
    c.get("/api/v1/me", **bearer(raw))
    first = ApiToken.objects.get(pk=token.pk).last_used_at
    c.get("/api/v1/me", **bearer(raw))
    assert first is not None and ApiToken.objects.get(pk=token.pk).last_used_at == first


def test_cli_issues_lists_and_revokes(world):
    out = io.StringIO()
    call_command("create_token", "ent_a", "--name", "erp", "--days", "7", "--read-only", stdout=out)
    raw = out.getvalue().strip()
    token = ApiToken.objects.get(digest=ApiToken.digest_of(raw))
    assert token.scope == ApiToken.READ and (token.expires_at - timezone.now()).days in (6, 7)
    listing = io.StringIO()
    call_command("list_tokens", "ent_a", stdout=listing)
    assert f"{token.pk}\tent_a\terp\tread" in listing.getvalue() and raw not in listing.getvalue()
    call_command("revoke_token", str(token.pk), stdout=io.StringIO())
    assert ApiToken.objects.get(pk=token.pk).revoked_at is not None
    assert AuditEvent.objects.filter(action__in=("token.issue", "token.revoke")).count() == 2


def test_page_issues_once_and_revokes_only_your_own(world):
    c = Client()
    assert c.login(username="ent_a", password=PASSWORD)
    r = c.post("/tokens/", {"name": "erp", "days": "30"})
    assert r.status_code == 200 and b'data-testid="new-token"' in r.content
    mine = ApiToken.objects.get(user=world.users["ent_a"])
    assert b"bz_" not in c.get("/tokens/").content  # the raw token is never shown again
    theirs, _ = ApiToken.issue(world.users["ent_b"], "other")
    assert c.post("/tokens/", {"revoke": theirs.pk}).status_code == 404
    assert c.post("/tokens/", {"revoke": mine.pk}).status_code == 302
    assert ApiToken.objects.get(pk=mine.pk).revoked_at is not None
    assert ApiToken.objects.get(pk=theirs.pk).revoked_at is None


@pytest.mark.parametrize("days", ["0", "367", "²"])
def test_page_refuses_bad_lifetimes(world, days):
    c = Client()
    assert c.login(username="ent_a", password=PASSWORD)
    assert c.post("/tokens/", {"name": "erp", "days": days}).status_code == 302
    assert not ApiToken.objects.exists()


def test_a_token_limited_to_some_actions_may_do_only_those(world):
    """A token of an enterprise clerk limited to declaring lists: it declares, it may not submit; the same
    user's unlimited token (and the user on a page) still may."""
    import json
    import uuid

    from bondzone.core.actor import SYSTEM
    from bondzone.core.services import issue_token
    from bondzone.supervision.models import VerificationList

    _, limited = issue_token(actor=SYSTEM, user_id=world.users["ent_a"].pk, name="erp-declare",
                             actions=["supervision.add_list", "supervision.view_book"])
    _, full = issue_token(actor=SYSTEM, user_id=world.users["ent_a"].pk, name="erp")
    c = Client()

    def post(path, body, raw):
        return c.post(path, json.dumps(body), content_type="application/json",
                      HTTP_IDEMPOTENCY_KEY=uuid.uuid4().hex, **bearer(raw))

    r = post("/api/v1/lists", {"book_id": world.book_a.pk, "direction": "I", "trade_mode": "5034",
                               "lines": [{"item_no": 1, "quantity": "1", "unit": "007"}]}, limited)
    assert r.status_code == 201
    list_id = r.json()["id"]
    r = post(f"/api/v1/lists/{list_id}/submit", {}, limited)
    assert r.status_code == 403 and r.json()["errors"][0]["code"] == "forbidden_action"
    assert VerificationList.objects.get(pk=list_id).status == "draft"
    assert post(f"/api/v1/lists/{list_id}/submit", {}, full).status_code == 200
    assert c.get("/api/v1/lists", **bearer(limited)).status_code == 200  # reads stay as the role's


@pytest.mark.parametrize("actions, code", [(["supervision.approve_list"], "action_not_of_role"),
                                           (["no.such_action"], "unknown_action")])
def test_a_token_cannot_hold_an_action_its_role_lacks(world, actions, code):
    from bondzone.core.actor import SYSTEM
    from bondzone.core.domain.errors import DomainError
    from bondzone.core.services import issue_token

    before = ApiToken.objects.count()
    with pytest.raises(DomainError) as err:
        issue_token(actor=SYSTEM, user_id=world.users["ent_a"].pk, name="erp", actions=actions)
    assert [(p.field, p.code) for p in err.value.problems] == [("actions[1]", code)]
    assert ApiToken.objects.count() == before


def test_create_token_command_and_page_limit_actions(world):
    out = io.StringIO()
    call_command("create_token", "ent_a", "--name", "gate-erp", "--action", "supervision.add_list", stdout=out)
    token = ApiToken.objects.get(name="gate-erp")
    assert token.actions == ["supervision.add_list"]
    listing = io.StringIO()
    call_command("list_tokens", "ent_a", stdout=listing)
    assert "actions supervision.add_list" in listing.getvalue()
    with pytest.raises(Exception, match="approve_list"):
        call_command("create_token", "ent_a", "--action", "supervision.approve_list")
    c = Client()
    assert c.login(username="ent_a", password=PASSWORD)
    page = c.get("/tokens/").content.decode()
    assert 'name="actions"' in page and "supervision.add_list" in page and "supervision.approve_list" not in page
    r = c.post("/tokens/", {"name": "page-token", "days": "30", "actions": ["supervision.submit_list"]})
    assert r.status_code == 200 and ApiToken.objects.get(name="page-token").actions == ["supervision.submit_list"]


def test_cli_create_user_leaves_an_audit_row_the_enterprise_sees(world):
    """A log-in made at the shell (any role, an administrator's too) is in the audit trail: who made it (the
    system), with which role, for which enterprise; the enterprise reads it in its own trail."""
    call_command("create_user", "root2", "--password", "long enough", "--role", "platform_admin",
                 stdout=io.StringIO())
    call_command("create_user", "clerk_a", "--password", "long enough", "--role", "enterprise",
                 "--enterprise", str(world.ent_a.pk), stdout=io.StringIO())
    admin = AuditEvent.objects.get(action="user.create", after__username="root2")
    assert (admin.actor_name, admin.after["role"], admin.enterprise_id) == ("system", "platform_admin", None)
    clerk = AuditEvent.objects.get(action="user.create", after__username="clerk_a")
    assert (clerk.enterprise_id, clerk.zone_id, clerk.after["role"]) == (world.ent_a.pk, world.ent_a.zone_id,
                                                                           "enterprise")
    c = Client()
    assert c.login(username="ent_a", password=PASSWORD)
    trail = c.get("/api/v1/audit-events", {"action": "user.create", "limit": 500}).json()["items"]
    assert sorted(e["after"]["username"] for e in trail) == ["clerk_a", "ent_a"]  # not root2, nor ent_b
