"""Who reads a verification list's lines (item, goods, quantities, values), pinned to docs/authorization.md: the
lines are part of the list, and the lists are read by the enterprise (its own), customs (its zone's; all when
unbound), the zone administration (its zone's, read only) and tax (all, read only: domestic sales and the 入区退税
basis are valued on them); market supervision and commerce read no list. A bureau's read of a list is logged
(`read.list`, sharing/README.md), so the enterprise sees who read its lines. The shared datasets and the audit
trail show tax and the zone administration fewer fields of a list (sharing/domain/fields.py): that narrows those
views only, not the list's own pages."""

from __future__ import annotations

from decimal import Decimal

from django.test import Client

from bondzone.core.models import AuditEvent
from bondzone.core.scoping import restrict
from bondzone.supervision.models import VerificationListLine

from ..conftest import PASSWORD, post_list

READS_LINES = {"admin": {"A", "B"}, "customs": {"A", "B"}, "customs_a": {"A"}, "zone_a": {"A"}, "tax": {"A", "B"},
               "market": set(), "commerce": set(), "ent_a": {"A"}, "ent_b": {"B"}}


def test_list_lines_are_read_by_the_roles_the_docs_name_and_a_bureau_s_read_is_logged(world):
    lists = {"A": post_list(world, direction="I", lines=[(1, "5")]),
             "B": post_list(world, direction="I", lines=[(1, "7")], book=world.book_b, enterprise_user="ent_b")}
    for username, targets in READS_LINES.items():
        seen = set(restrict(VerificationListLine, world.actor(username)).values_list("vlist_id", flat=True))
        assert seen == {lists[t].pk for t in targets}, username
        c = Client()
        assert c.login(username=username, password=PASSWORD)
        for target, vlist in lists.items():
            r = c.get(f"/api/v1/lists/{vlist.pk}")
            if target not in targets:
                assert r.status_code in (403, 404), (username, target)
                continue
            assert r.status_code == 200, (username, target)
            [line] = r.json()["lines"]
            assert Decimal(line["quantity"]) == Decimal("5" if target == "A" else "7") and line["value"], username
    for username in ("tax", "zone_a"):
        read = AuditEvent.objects.filter(action="read.list", actor_name=username, object_id=str(lists["A"].pk))
        assert read.count() == 1 and read.get().enterprise_id == world.ent_a.pk, username
