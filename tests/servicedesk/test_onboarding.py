"""Enterprise self-registration with documents, review by the zone's administration, and the enterprise's
own users with roles."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from bondzone.core.actor import ANONYMOUS, actor_of
from bondzone.core.domain.errors import DomainError, Forbidden, NotFound
from bondzone.core.models import AuditEvent, Enterprise
from bondzone.servicedesk import selectors, services
from bondzone.servicedesk.models import EnterpriseMember, Registration, RegistrationDocument

from ..conftest import PASSWORD

GOOD = {"name": "北京新入区科技有限公司", "credit_code": "91110105MA00BAJ37B", "customs_code": "1105960123",
        "contact_name": "李女士", "contact_phone": "010-12345678", "username": "ent_new", "password": "a-long-passw0rd"}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)


def state():
    return (Registration.objects.count(), RegistrationDocument.objects.count(), Enterprise.objects.count(),
            get_user_model().objects.count(), EnterpriseMember.objects.count(), AuditEvent.objects.count())


def apply(world, **changes):
    data = {**GOOD, "zone_id": str(world.zone_a.pk), **changes}
    return services.register(actor=ANONYMOUS, data=data,
                             files=[SimpleUploadedFile("licence.pdf", b"%PDF-1.4 licence")])


def test_bad_application_writes_nothing(world):
    before = state()
    with pytest.raises(DomainError) as info:
        services.register(actor=ANONYMOUS, data={**GOOD, "credit_code": "91110105MA00BAJ37C", "customs_code": "x",
                                                 "zone_id": "999", "username": "ent_a", "password": "short"},
                          files=[SimpleUploadedFile("virus.exe", b"MZ")])
    assert {p.field: p.code for p in info.value.problems} == {
        "credit_code": "bad_credit_code", "customs_code": "bad_customs_code", "zone_id": "not_found",
        "username": "duplicate_value", "password": "invalid", "documents": "document_type_not_allowed"}
    with pytest.raises(DomainError) as info:
        apply(world, credit_code=world.ent_a.credit_code)
    assert {p.field: p.code for p in info.value.problems} == {"credit_code": "duplicate_value"}
    assert state() == before


def test_approval_creates_enterprise_and_manager_who_can_log_in(world):
    reg = apply(world)
    assert reg.status == "pending" and reg.documents.get().sha256
    with pytest.raises(DomainError):  # a second pending application for the same code
        apply(world, username="other")
    # the other zone's administration cannot see it; customs may not review
    with pytest.raises(NotFound):
        services.review(actor=_zone_b_admin(world), registration_id=reg.pk,
                        approve=True)
    with pytest.raises(Forbidden):
        services.review(actor=world.actor("customs"), registration_id=reg.pk, approve=True)
    reg = services.review(actor=world.actor("zone_a"), registration_id=reg.pk, approve=True)
    ent = Enterprise.objects.get(credit_code=GOOD["credit_code"])
    assert reg.status == "approved" and reg.enterprise == ent and ent.zone == world.zone_a
    user = get_user_model().objects.get(username="ent_new")
    assert actor_of(user).enterprise_id == ent.pk
    assert EnterpriseMember.objects.get(user=user).roles == ["manager"]
    assert Client().login(username="ent_new", password=GOOD["password"])
    with pytest.raises(DomainError) as info:
        services.review(actor=world.actor("zone_a"), registration_id=reg.pk, approve=False, reason="x")
    assert info.value.problems[0].code == "registration_decided"


def _zone_b_admin(world):
    from bondzone.core.domain.roles import Role
    from bondzone.core.services import create_user

    return actor_of(create_user(username="zone_b", password=PASSWORD, role=Role.ZONE_ADMIN, zone=world.zone_b))


def test_rejection_needs_a_reason(world):
    reg = apply(world)
    before = state()
    with pytest.raises(DomainError) as info:
        services.review(actor=world.actor("zone_a"), registration_id=reg.pk, approve=False, reason=" ")
    assert {p.field for p in info.value.problems} == {"reason"} and state() == before
    reg = services.review(actor=world.actor("zone_a"), registration_id=reg.pk, approve=False, reason="材料不全")
    assert reg.status == "rejected" and not Enterprise.objects.filter(credit_code=GOOD["credit_code"]).exists()


def test_manager_adds_users_with_roles_others_cannot(world):
    reg = services.review(actor=world.actor("zone_a"), registration_id=apply(world).pk, approve=True)
    manager = actor_of(get_user_model().objects.get(username="ent_new"))
    member = services.add_member(actor=manager, username="ent_new_decl", password="another-passw0rd",
                                 roles=["declarant"])
    assert member.enterprise == reg.enterprise and member.roles == ["declarant"]
    declarant = actor_of(member.user)
    with pytest.raises(Forbidden):
        services.add_member(actor=declarant, username="x1", password="another-passw0rd", roles=["manager"])
    with pytest.raises(Forbidden):  # ent_a has no manager role in the new enterprise (nor in its own)
        services.add_member(actor=world.actor("ent_a"), username="x2", password="another-passw0rd", roles=["manager"])
    with pytest.raises(DomainError) as info:
        services.add_member(actor=manager, username="x3", password="another-passw0rd", roles=["boss"])
    assert info.value.problems[0].code == "bad_choice"
    services.set_roles(actor=manager, member_id=member.pk, roles=["declarant", "manager"])
    with pytest.raises(DomainError) as info:
        services.set_roles(actor=manager, member_id=EnterpriseMember.objects.get(user__username="ent_new").pk,
                           roles=["declarant"])
    assert info.value.problems[0].code == "manager_keeps_own_role"
    assert {m.user.username for m in selectors.members(world.actor("ent_a"))} == set()
    assert {m.user.username for m in selectors.members(manager)} == {"ent_new", "ent_new_decl"}


def test_pages_register_review_and_download(world):
    anon = Client()
    assert anon.get("/services/register/").status_code == 200
    r = anon.post("/services/register/", {**GOOD, "zone_id": world.zone_a.pk,
                                          "documents": SimpleUploadedFile("lease.png", b"\x89PNG lease")})
    assert r.status_code == 200 and Registration.objects.count() == 1
    reg = Registration.objects.get()
    zone = Client()
    zone.login(username="zone_a", password=PASSWORD)
    assert GOOD["name"] in zone.get("/services/registrations/").content.decode()
    doc = reg.documents.get()
    assert b"".join(zone.get(f"/services/documents/{doc.pk}/").streaming_content) == b"\x89PNG lease"
    ent = Client()
    ent.login(username="ent_a", password=PASSWORD)
    assert ent.get(f"/services/documents/{doc.pk}/").status_code in (403, 404)
    zone.post(f"/services/registrations/{reg.pk}/review/", {"decision": "approve"})
    reg.refresh_from_db()
    assert reg.status == "approved"
