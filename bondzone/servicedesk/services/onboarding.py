"""Enterprise onboarding: self-registration with documents, review by the zone's administration (approval
creates the core Enterprise through core's service and the applicant as the enterprise's manager), and the
enterprise's own users with their roles (declarant, manager)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from bondzone.core import audit
from bondzone.core import services as core_services
from bondzone.core.actor import Actor
from bondzone.core.domain.errors import DomainError, Forbidden, Problem, problem
from bondzone.core.domain.identifiers import check_customs_code, normalize_credit_code
from bondzone.core.domain.roles import Role
from bondzone.core.files import sha256_of
from bondzone.core.models import Enterprise, Zone
from bondzone.core.scoping import get_scoped

from ..models import EnterpriseMember, EnterpriseRole, Registration, RegistrationDocument, RegistrationStatus
from .inputs import text as _text

MAX_DOCUMENTS = 5
MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
DOCUMENT_TYPES = (".pdf", ".jpg", ".jpeg", ".png")


def _username(value: Any, problems: list[Problem]) -> str:
    name = _text(value, "username", 150, problems, required=True)
    if name and (get_user_model().objects.filter(username=name).exists()
                 or Registration.objects.filter(username=name, status=RegistrationStatus.PENDING).exists()):
        problems.append(problem("username", "duplicate_value", value=name))
    return name


def _password(value: Any, field: str, problems: list[Problem]) -> str:
    raw = str(value or "")
    try:
        validate_password(raw)
    except ValidationError as exc:
        problems.append(problem(field, "invalid", message=" ".join(exc.messages)))
    return raw


def _documents(files, problems: list[Problem]) -> list:
    files = list(files or [])
    if len(files) > MAX_DOCUMENTS:
        problems.append(problem("documents", "too_many_files", max=MAX_DOCUMENTS))
    for f in files:
        if f.size > MAX_DOCUMENT_BYTES:
            problems.append(problem("documents", "file_too_large", name=f.name, max=MAX_DOCUMENT_BYTES // 2**20))
        if not f.name.lower().endswith(DOCUMENT_TYPES):
            problems.append(problem("documents", "document_type_not_allowed", name=f.name, types=", ".join(DOCUMENT_TYPES)))
    return files


def _codes(credit_raw: Any, customs_raw: Any, problems: list[Problem]) -> tuple[str, str]:
    credit, found = normalize_credit_code(str(credit_raw or ""))
    problems += found
    if not found and (Enterprise.objects.filter(credit_code=credit).exists()
                      or Registration.objects.filter(credit_code=credit, status=RegistrationStatus.PENDING).exists()):
        problems.append(problem("credit_code", "duplicate_value", value=credit))
    customs = str(customs_raw or "").strip().upper()
    found = check_customs_code(customs)
    problems += found
    if not found and Enterprise.objects.filter(customs_code=customs).exists():
        problems.append(problem("customs_code", "duplicate_value", value=customs))
    return credit, customs


def register(*, actor: Actor, data: dict, files=()) -> Registration:
    """Anyone may apply (no login); nothing is created but the application and its documents."""
    problems: list[Problem] = []
    name = _text(data.get("name"), "name", 200, problems, required=True)
    name_en = _text(data.get("name_en"), "name_en", 200, problems)
    credit, customs = _codes(data.get("credit_code"), data.get("customs_code"), problems)
    zone = Zone.objects.filter(pk=data.get("zone_id")).first() if str(data.get("zone_id") or "").isdigit() else None
    if zone is None:
        problems.append(problem("zone_id", "not_found", model="zone", id=str(data.get("zone_id"))))
    business_type = _text(data.get("business_type"), "business_type", 50, problems)
    contact_name = _text(data.get("contact_name"), "contact_name", 100, problems, required=True)
    contact_phone = _text(data.get("contact_phone"), "contact_phone", 40, problems, required=True)
    username = _username(data.get("username"), problems)
    password = _password(data.get("password"), "password", problems)
    files = _documents(files, problems)
    if problems:
        raise DomainError(problems)
    with transaction.atomic(durable=True):
        reg = Registration.objects.create(
            name=name, name_en=name_en, credit_code=credit, customs_code=customs, zone=zone,
            business_type=business_type, contact_name=contact_name, contact_phone=contact_phone,
            username=username, password_hash=make_password(password))
        for f in files:
            RegistrationDocument.objects.create(registration=reg, file=f, name=f.name[:200], size=f.size,
                                                sha256=sha256_of(f))
        audit.record(actor, "registration.submit", reg, zone_id=zone.pk,
                     after={"name": name, "credit_code": credit, "customs_code": customs, "documents": len(files)})
    return reg


def review(*, actor: Actor, registration_id: int, approve: bool, reason: str = "") -> Registration:
    actor.require("servicedesk.review_registration")
    reg = get_scoped(Registration, actor, registration_id, action="change")
    problems: list[Problem] = []
    if reg.status != RegistrationStatus.PENDING:
        problems.append(problem("status", "registration_decided", state=reg.status))
    text = _text(reason, "reason", 2000, problems, required=not approve)
    if approve and not problems and get_user_model().objects.filter(username=reg.username).exists():
        problems.append(problem("username", "duplicate_value", value=reg.username))
    if problems:
        raise DomainError(problems)
    enterprise = None
    if approve:  # core's own service and transaction; it checks the codes again and raises the sharing event
        enterprise = core_services.create_enterprise(
            actor=actor, name=reg.name, name_en=reg.name_en, credit_code=reg.credit_code,
            customs_code=reg.customs_code, zone_id=reg.zone_id, business_type=reg.business_type)
    with transaction.atomic(durable=True):
        reg = Registration.objects.select_for_update().get(pk=reg.pk)
        if enterprise is not None:
            user = core_services.create_user(username=reg.username, password=None, role=Role.ENTERPRISE,
                                             enterprise=enterprise, first_name=reg.contact_name[:150], actor=actor)
            user.password = reg.password_hash
            user.save(update_fields=["password"])
            EnterpriseMember.objects.create(user=user, enterprise=enterprise, roles=[EnterpriseRole.MANAGER.value])
            reg.enterprise = enterprise
        reg.status = RegistrationStatus.APPROVED if approve else RegistrationStatus.REJECTED
        reg.reviewed_at, reg.reviewed_by_id, reg.reason = timezone.now(), actor.user_id, text
        reg.save()
        audit.record(actor, f"registration.{reg.status}", reg, zone_id=reg.zone_id,
                     enterprise_id=enterprise.pk if enterprise else None,
                     after={"status": reg.status, "reason": text, "enterprise": enterprise.pk if enterprise else None})
    return reg


def _roles(value: Any, problems: list[Problem]) -> list[str]:
    items = value if isinstance(value, (list, tuple)) else [v for v in str(value or "").split(",")]
    roles = sorted({str(v).strip() for v in items if str(v).strip()})
    allowed = [r.value for r in EnterpriseRole]
    if not roles:
        problems.append(problem("roles", "required"))
    for r in roles:
        if r not in allowed:
            problems.append(problem("roles", "bad_choice", value=r, choices=", ".join(allowed)))
    return roles


def _require_manager(actor: Actor, enterprise_id: int | None) -> Enterprise:
    actor.require("servicedesk.manage_members")
    enterprise = get_scoped(Enterprise, actor, enterprise_id)
    if actor.is_admin:
        return enterprise
    mine = EnterpriseMember.objects.filter(user_id=actor.user_id, enterprise=enterprise).first()
    if mine is None or EnterpriseRole.MANAGER.value not in mine.roles:
        raise Forbidden(problem("", "not_enterprise_manager"))
    return enterprise


def add_member(*, actor: Actor, username: Any, password: Any, roles: Any, enterprise_id: int | None = None,
               first_name: str = "") -> EnterpriseMember:
    """A manager adds a user to their own enterprise with one or more roles."""
    enterprise = _require_manager(actor, enterprise_id or actor.enterprise_id)
    problems: list[Problem] = []
    name = _username(username, problems)
    raw = _password(password, "password", problems)
    role_list = _roles(roles, problems)
    if problems:
        raise DomainError(problems)
    with transaction.atomic(durable=True):
        user = core_services.create_user(username=name, password=raw, role=Role.ENTERPRISE, enterprise=enterprise,
                                         first_name=str(first_name or "")[:150], actor=actor)
        member = EnterpriseMember.objects.create(user=user, enterprise=enterprise, roles=role_list)
        audit.record(actor, "enterprise.member.add", member, enterprise_id=enterprise.pk, zone_id=enterprise.zone_id,
                     after={"username": name, "roles": role_list})
    return member


def set_roles(*, actor: Actor, member_id: int, roles: Any) -> EnterpriseMember:
    member = get_scoped(EnterpriseMember, actor, member_id)
    _require_manager(actor, member.enterprise_id)
    problems: list[Problem] = []
    role_list = _roles(roles, problems)
    if (member.user_id == actor.user_id and EnterpriseRole.MANAGER.value not in role_list
            and not actor.is_admin):
        problems.append(problem("roles", "manager_keeps_own_role"))
    if problems:
        raise DomainError(problems)
    with transaction.atomic(durable=True):
        before = list(member.roles)
        member.roles = role_list
        member.save(update_fields=["roles"])
        audit.record(actor, "enterprise.member.roles", member, enterprise_id=member.enterprise_id,
                     before={"roles": before}, after={"roles": role_list})
    return member
