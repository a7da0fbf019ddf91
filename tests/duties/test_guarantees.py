"""Guarantees: amount / used / released; a use larger than the free amount is refused with the shortfall."""

from datetime import timedelta
from decimal import Decimal as D

import pytest
from django.test import Client
from django.utils import timezone

from bondzone.core.domain.errors import DomainError
from bondzone.core.models import AuditEvent
from bondzone.duties import selectors, services
from bondzone.duties.domain.guarantees import Balance, free_use, release, use
from bondzone.duties.models import Guarantee, GuaranteeEntry
from tests.conftest import PASSWORD, key


def test_balance_rules():
    b = Balance(D("145800.00"), D("0"), D("0"))
    b, problems = use(b, D("145800.00"))  # 200 handbags × 729.00 (domain notes §7.6)
    assert problems == [] and b.free == 0
    assert [p.code for p in use(b, D("0.01"))[1]] == ["guarantee_short"]
    b, _ = free_use(b, D("36450.00"))  # 50 sold and paid
    assert (b.used, b.free) == (D("109350.00"), D("36450.00"))
    assert [p.code for p in free_use(b, D("109350.01"))[1]] == ["guarantee_not_used"]
    assert [p.code for p in release(b, D("36450.01"))[1]] == ["guarantee_short"]
    b, _ = release(b, D("36450.00"))
    assert b.free == 0 and b.released == D("36450.00")
    assert [p.code for p in use(b, D("0"))[1]] == ["amount_not_positive"]
    assert [p.code for p in use(b, D("0.001"))[1]] == ["too_many_decimals"]


def test_lodge_use_and_refusal_write_nothing(world):
    customs = world.actor("customs")
    g = services.lodge_guarantee(idempotency_key=key(), actor=customs, data={"enterprise_id": world.ent_a.pk, "kind": "deposit",
                                                      "reference": "BZJ-1", "amount": "1000.00"})
    services.move_guarantee(idempotency_key=key(), actor=customs, guarantee_id=g.pk, kind="use", amount="600", purpose="exhibition out")
    with pytest.raises(DomainError) as exc:
        services.move_guarantee(idempotency_key=key(), actor=customs, guarantee_id=g.pk, kind="use", amount="400.01", purpose="repair out")
    assert exc.value.problems[0].code == "guarantee_short" and exc.value.problems[0].params["shortfall"] == D("0.01")
    g.refresh_from_db()
    assert (g.used, g.free, GuaranteeEntry.objects.count()) == (D("600.00"), D("400.00"), 1)
    with pytest.raises(DomainError) as exc:
        services.lodge_guarantee(idempotency_key=key(), actor=customs, data={"enterprise_id": world.ent_a.pk, "kind": "cash",
                                                      "reference": "BZJ-1", "amount": "-1"})
    assert {p.field for p in exc.value.problems} == {"kind", "amount", "reference"}
    with pytest.raises(DomainError) as exc:
        services.move_guarantee(idempotency_key=key(), actor=world.actor("ent_a"), guarantee_id=g.pk, kind="release", amount="1", purpose="x")
    assert exc.value.status == 403
    assert list(selectors.guarantees(world.actor("ent_b"))) == []
    assert [x.pk for x in selectors.guarantees(world.actor("ent_a"))] == [g.pk]


def test_api(world, client):
    client.login(username="customs", password=PASSWORD)
    r = client.post("/api/v1/duties/guarantees", {"enterprise_id": world.ent_a.pk, "kind": "bank",
                                                  "reference": "BH-9", "amount": "5000.00"},
                    content_type="application/json", headers={"Idempotency-Key": key()})
    assert r.status_code == 201 and r.json()["free"] == "5000.00"
    gid = r.json()["id"]
    r = client.post(f"/api/v1/duties/guarantees/{gid}/moves", {"kind": "use", "amount": "6000", "purpose": "R&D"},
                    content_type="application/json", headers={"Idempotency-Key": key()})
    assert r.status_code == 400 and r.json()["errors"][0]["code"] == "guarantee_short"
    r = client.post(f"/api/v1/duties/guarantees/{gid}/moves", {"kind": "use", "amount": "4000", "purpose": "R&D"},
                    content_type="application/json", headers={"Idempotency-Key": key()})
    assert r.json()["free"] == "1000.00"
    assert client.get(f"/api/v1/duties/guarantees/{gid}").json()["entries"][0]["purpose"] == "R&D"


def test_status():
    from datetime import date

    from bondzone.duties.domain.guarantees import EXPIRED, GIVEN_BACK, IN_FORCE, USED_UP, status

    today = date(2026, 6, 1)
    assert status(Balance(D("100"), D("40"), D("0")), None, today) == IN_FORCE
    assert status(Balance(D("100"), D("40"), D("0")), date(2026, 6, 1), today) == IN_FORCE  # valid through that day
    assert status(Balance(D("100"), D("40"), D("0")), date(2026, 5, 31), today) == EXPIRED
    assert status(Balance(D("100"), D("40"), D("60")), None, today) == USED_UP
    assert status(Balance(D("100"), D("0"), D("100")), date(2026, 5, 31), today) == GIVEN_BACK


def test_lodge_without_an_enterprise_or_with_an_amount_too_large_names_the_fields(world):
    with pytest.raises(DomainError) as exc:
        services.lodge_guarantee(idempotency_key=key(), actor=world.actor("customs"), data={"kind": "bank", "reference": "BH-1",
                                                                     "amount": "100000000000000"})
    assert {(p.field, p.code) for p in exc.value.problems} == {("enterprise_id", "required"),
                                                               ("amount", "decimal_too_large")}


def test_a_guarantee_whose_validity_has_ended_is_refused_and_nothing_is_written(world):
    today = timezone.localdate()
    customs = world.actor("customs")
    data = {"enterprise_id": world.ent_a.pk, "kind": "bank", "reference": "BH-OLD", "amount": "1000.00",
            "valid_to": (today - timedelta(days=1)).isoformat()}
    with pytest.raises(DomainError) as exc:
        services.lodge_guarantee(idempotency_key=key(), actor=customs, data=data)
    [p] = exc.value.problems
    assert (p.field, p.code, p.params["today"]) == ("valid_to", "guarantee_already_ended", today)
    assert Guarantee.objects.count() == 0 and AuditEvent.objects.filter(action="duties.guarantee_lodged").count() == 0
    g = services.lodge_guarantee(idempotency_key=key(), actor=customs, data={**data, "valid_to": today.isoformat()})
    assert g.valid_to == today  # valid through today: still in force


@pytest.mark.parametrize("language, words", [("zh-hans", "担保有效期已于"), ("en", "validity ended on")])
def test_the_api_refuses_an_ended_guarantee_on_its_field_in_the_readers_language(world, language, words):
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    assert client.login(username="customs", password=PASSWORD)
    ended = (timezone.localdate() - timedelta(days=30)).isoformat()
    r = client.post("/api/v1/duties/guarantees", {"enterprise_id": world.ent_a.pk, "kind": "deposit",
                                                  "reference": "BZJ-OLD", "amount": "10.00", "valid_to": ended},
                    content_type="application/json", headers={"Idempotency-Key": key()})
    assert r.status_code == 400, r.content
    [error] = r.json()["errors"]
    assert (error["field"], error["code"]) == ("valid_to", "guarantee_already_ended")
    assert words in error["message"] and ended in error["message"]
    assert Guarantee.objects.count() == 0
