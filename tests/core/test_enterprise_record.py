"""The enterprise record's customs fields and its change history."""

from __future__ import annotations

import pytest
from django.test import Client

from bondzone.core import selectors, services
from bondzone.core.domain.errors import DomainError, Forbidden
from bondzone.core.models import AuditEvent, Enterprise

from ..conftest import PASSWORD


def _state():
    return (list(Enterprise.objects.order_by("pk").values()), AuditEvent.objects.count())


def _refused(exc, **kwargs):
    before = _state()
    with pytest.raises(exc) as info:
        services.update_enterprise(**kwargs)
    assert _state() == before
    return {p.field: p.code for p in info.value.problems}


def test_new_enterprise_is_regular_until_customs_classes_it(world):
    assert world.ent_a.customs_credit_class == "regular"
    services.update_enterprise(actor=world.actor("customs_a"), enterprise_id=world.ent_a.pk,
                               changes={"customs_credit_class": "advanced_certified",
                                        "customs_credit_class_since": "2026-05-01"})
    world.ent_a.refresh_from_db()
    assert world.ent_a.customs_credit_class == "advanced_certified"
    assert world.ent_a.customs_credit_class_since.isoformat() == "2026-05-01"


def test_history_holds_only_what_changed_before_and_after(world):
    zone = world.actor("zone_a")
    services.update_enterprise(actor=zone, enterprise_id=world.ent_a.pk,
                               changes={"name": "企业甲（新）", "business_type": "bonded logistics"})
    services.update_enterprise(actor=world.actor("customs"), enterprise_id=world.ent_a.pk,
                               changes={"customs_credit_class": "dishonest"})
    # same values again: nothing changed, no history row
    services.update_enterprise(actor=zone, enterprise_id=world.ent_a.pk, changes={"name": "企业甲（新）"})
    history = list(selectors.enterprise_history(world.actor("ent_a"), world.ent_a.pk))
    assert [(e.action, e.actor_name, e.before, e.after) for e in history] == [
        ("enterprise.update", "customs", {"customs_credit_class": "regular"}, {"customs_credit_class": "dishonest"}),
        ("enterprise.update", "zone_a", {"name": "企业甲", "business_type": ""},
         {"name": "企业甲（新）", "business_type": "bonded logistics"}),
    ]


def test_codes_are_validated_and_unique(world):
    zone = world.actor("zone_a")
    assert _refused(DomainError, actor=zone, enterprise_id=world.ent_a.pk,
                    changes={"credit_code": "91110000600037341X", "customs_code": "12"}) == {
        "credit_code": "bad_credit_code", "customs_code": "bad_customs_code"}
    admin = world.actor("admin")
    assert _refused(DomainError, actor=admin, enterprise_id=world.ent_a.pk,
                    changes={"credit_code": world.ent_b.credit_code, "customs_code": world.ent_b.customs_code}) == {
        "credit_code": "duplicate_value", "customs_code": "duplicate_value"}
    assert _refused(DomainError, actor=admin, enterprise_id=world.ent_a.pk,
                    changes={"customs_credit_class": "A", "customs_credit_class_since": "yesterday", "zone": 2}) == {
        "zone": "unknown_field"}
    assert _refused(DomainError, actor=admin, enterprise_id=world.ent_a.pk,
                    changes={"customs_credit_class": "A", "customs_credit_class_since": "yesterday"}) == {
        "customs_credit_class": "bad_choice", "customs_credit_class_since": "bad_date"}
    assert _refused(DomainError, actor=zone, enterprise_id=world.ent_a.pk, changes={"name": " "}) == {
        "name": "required"}


def test_who_may_change_what(world):
    # the registry keeps names and codes; customs alone sets the credit class
    _refused(Forbidden, actor=world.actor("customs"), enterprise_id=world.ent_a.pk, changes={"name": "x"})
    _refused(Forbidden, actor=world.actor("zone_a"), enterprise_id=world.ent_a.pk,
             changes={"customs_credit_class": "dishonest"})
    _refused(Forbidden, actor=world.actor("ent_a"), enterprise_id=world.ent_a.pk, changes={"name": "x"})
    # zone-bound staff cannot reach another zone's enterprise
    from bondzone.core.domain.errors import NotFound
    _refused(NotFound, actor=world.actor("customs_a"), enterprise_id=world.ent_b.pk,
             changes={"customs_credit_class": "dishonest"})
    _refused(NotFound, actor=world.actor("zone_a"), enterprise_id=world.ent_b.pk, changes={"name": "x"})


def test_api_patch_and_history(world):
    c = Client()
    c.login(username="customs", password=PASSWORD)
    r = c.patch(f"/api/v1/enterprises/{world.ent_b.pk}", {"customs_credit_class": "certified"},
                content_type="application/json")
    assert r.status_code == 200 and r.json()["customs_credit_class"] == "certified"
    r = c.patch(f"/api/v1/enterprises/{world.ent_b.pk}", {"customs_credit_class": "gold"},
                content_type="application/json")
    assert r.status_code == 400 and r.json()["errors"][0]["field"] == "customs_credit_class"
    ent = Client()
    ent.login(username="ent_b", password=PASSWORD)
    items = ent.get(f"/api/v1/enterprises/{world.ent_b.pk}/history").json()["items"]
    assert [(i["before"], i["after"]) for i in items] == [
        ({"customs_credit_class": "regular"}, {"customs_credit_class": "certified"})]
    assert ent.get(f"/api/v1/enterprises/{world.ent_a.pk}/history").status_code == 404
