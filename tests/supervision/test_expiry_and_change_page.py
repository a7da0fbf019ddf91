"""The reservation expiry sweep (stale 预核扣 voided, once) and the 变更 form on the list page."""

import io
import json
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.utils import timezone

from bondzone.core.actor import SYSTEM
from bondzone.core.domain.errors import DomainError, Forbidden
from bondzone.core.models import AuditEvent
from bondzone.supervision import services
from bondzone.supervision.models import Reservation, VerificationList
from bondzone.supervision.reconcile import verify

from ..conftest import PASSWORD, key, post_list
from .test_reservations import account, pass_goods, submitted, writes


def approved_on(world, v, days_ago):
    when = timezone.localdate() - timedelta(days=days_ago)
    return services.approve_list(actor=world.actor("customs"), list_id=v.pk, idempotency_key=key(), effective_date=when)


def test_stale_reservations_are_voided_once_and_fresh_ones_kept(world):
    post_list(world, direction="I", lines=[(1, "100")], when=timezone.localdate() - timedelta(days=200))
    stale = approved_on(world, submitted(world, "E", [(1, "30")]), 120)
    partly = approved_on(world, submitted(world, "E", [(1, "20")]), 95)
    pass_goods(world, partly, shares={1: "5"})
    fresh = approved_on(world, submitted(world, "E", [(1, "10")]), 10)
    assert account(world, 1).reserved == 55  # 30 + 15 + 10

    done = services.expire_reservations(actor=SYSTEM)
    assert {(e.list_id, e.posting_state, str(e.voided[1])) for e in done} == {
        (stale.pk, "voided", "30"), (partly.pk, "posted", "15")}
    acc = account(world, 1)
    assert (acc.posted, acc.reserved) == (95, 10)  # 100 in, 5 passed; only the fresh list still holds stock
    states = dict(VerificationList.objects.filter(pk__in=[stale.pk, partly.pk, fresh.pk])
                  .values_list("pk", "posting_state"))
    assert states == {stale.pk: "voided", partly.pk: "posted", fresh.pk: "reserved"}
    assert VerificationList.objects.get(pk=stale.pk).status == "cancelled"
    assert Reservation.objects.filter(source_id__in=[stale.pk, partly.pk], state="open").count() == 0
    assert AuditEvent.objects.filter(action="list.expire").count() == 2
    assert verify()[2] == []

    before = writes()
    assert services.expire_reservations(actor=SYSTEM) == []  # a second sweep finds nothing
    assert writes() == before


def test_the_boundary_day_and_the_days_setting(world):
    post_list(world, direction="I", lines=[(1, "10")], when=timezone.localdate() - timedelta(days=200))
    v = approved_on(world, submitted(world, "E", [(1, "4")]), services.EXPIRY_DAYS - 1)
    assert services.expire_reservations(actor=SYSTEM) == []  # one day short of the limit
    tomorrow = timezone.localdate() + timedelta(days=1)
    assert [e.list_id for e in services.expire_reservations(actor=SYSTEM, today=tomorrow, dry_run=True)] == [v.pk]
    assert account(world, 1).reserved == 4  # a dry run writes nothing
    assert [e.list_id for e in services.expire_reservations(actor=SYSTEM, days=30)] == [v.pk]
    assert account(world, 1).reserved == 0


@pytest.mark.parametrize("days", [0, -1, 100000, True])
def test_bad_days_are_refused_and_nothing_written(world, days):
    post_list(world, direction="I", lines=[(1, "10")], when=timezone.localdate() - timedelta(days=200))
    approved_on(world, submitted(world, "E", [(1, "4")]), 150)
    before = writes()
    with pytest.raises(DomainError) as err:
        services.expire_reservations(actor=SYSTEM, days=days)
    assert err.value.problems[0].field == "days"
    assert writes() == before


def test_only_customs_and_the_system_sweep(world):
    with pytest.raises(Forbidden):
        services.expire_reservations(actor=world.actor("ent_a"))
    assert services.expire_reservations(actor=world.actor("customs")) == []


def test_the_command(world):
    post_list(world, direction="I", lines=[(1, "10")], when=timezone.localdate() - timedelta(days=200))
    v = approved_on(world, submitted(world, "E", [(1, "4")]), 100)
    out = io.StringIO()
    call_command("expire_reservations", "--dry-run", stdout=out)
    assert "would void line 1: 4" in out.getvalue() and account(world, 1).reserved == 4
    out = io.StringIO()
    call_command("expire_reservations", "--format", "json", stdout=out)
    assert json.loads(out.getvalue()) == [{"list_id": v.pk, "number": v.display_number, "posting_state": "voided",
                                           "voided": {"1": "4"}}]
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("expire_reservations", "--date", "2026-13-01")
    with pytest.raises(CommandError):
        call_command("expire_reservations", "--days", "0")


def test_change_form_on_the_list_page(world):
    post_list(world, direction="I", lines=[(1, "10")])
    v = services.approve_list(actor=world.actor("customs"), list_id=submitted(world, "E", [(1, "4")]).pk,
                              idempotency_key=key())
    ent = Client()
    assert ent.login(username="ent_a", password=PASSWORD)
    page = ent.get(f"/supervision/lists/{v.pk}/").content.decode()
    assert 'data-testid="change-form"' in page and 'name="declaration_no"' in page

    r = ent.post(f"/supervision/lists/{v.pk}/change/", {"idempotency_key": key(), "trade_mode": v.trade_mode,
                                                         "declaration_no": "", "inner_no": "INV-7", "remarks": "",
                                                         "reason": ""})
    assert r.status_code == 302
    page = ent.get(f"/supervision/lists/{v.pk}/").content.decode()
    assert 'id="change-reason-error"' in page and 'value="INV-7"' in page  # under its field, typed text kept
    assert VerificationList.objects.get(pk=v.pk).change_count == 0

    r = ent.post(f"/supervision/lists/{v.pk}/change/", {"idempotency_key": key(), "trade_mode": v.trade_mode,
                                                         "declaration_no": "", "inner_no": "INV-7", "remarks": "",
                                                         "reason": "内部编号补录"})
    assert r.status_code == 302
    changed = VerificationList.objects.get(pk=v.pk)
    assert (changed.change_count, changed.inner_no) == (1, "INV-7")
    assert AuditEvent.objects.filter(action="list.change", object_id=str(v.pk)).count() == 1

    customs = Client()
    assert customs.login(username="customs", password=PASSWORD)
    assert 'data-testid="change-form"' not in customs.get(f"/supervision/lists/{v.pk}/").content.decode()
    pass_goods(world, v)
    assert 'data-testid="change-form"' not in ent.get(f"/supervision/lists/{v.pk}/").content.decode()
