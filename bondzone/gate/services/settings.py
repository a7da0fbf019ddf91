"""A zone's gate settings, its gates and their users and tokens (customs)."""

from __future__ import annotations

import re
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction

from bondzone.core import audit
from bondzone.core.actor import Actor
from bondzone.core.domain.errors import DomainError, NotFound, Problem, problem
from bondzone.core.domain.identifiers import CustomsCreditClass
from bondzone.core.domain.inputs import collect_decimal, collect_int
from bondzone.core.domain.roles import Role
from bondzone.core.models import ApiToken, Profile, Zone
from bondzone.core.scoping import get_scoped

from .. import selectors
from ..models import Gate, GateSettings

PERCENT_FIELDS = ("weight_tolerance_pct", "random_rate_pct")
KG_FIELDS = ("weight_tolerance_kg", "empty_tolerance_kg")
FLAG_FIELDS = ("weigh_non_bonded", "check_seal_non_bonded", "inspect_first_time_goods", "double_gate", "check_elock")
SET_FIELDS = {"risk_credit_classes": None, "risk_trade_modes": 4, "risk_hs_chapters": 2}
SLIP_VALID_HOURS = (1, 24 * 90)  # a slip is valid for an hour to 90 days
GATE_CODE_RE = re.compile(r"^[A-Z0-9-]{1,16}$")


def _own_zone(actor: Actor, zone_id: int) -> Zone:
    """Zone-bound staff manage their own zone's gate only (others' zones are not found)."""
    zone = get_scoped(Zone, actor, zone_id)
    if actor.zone_id is not None and zone.pk != actor.zone_id:
        raise NotFound(problem("zone_id", "not_found", model=Zone._meta.verbose_name, id=str(zone_id)))
    return zone


def settings_snapshot(s: GateSettings) -> dict:
    names = (*PERCENT_FIELDS, *KG_FIELDS, *FLAG_FIELDS, *SET_FIELDS, "slip_valid_hours")
    return {n: str(getattr(s, n)) for n in names}


FLAG_VALUES = {"1": True, "true": True, "on": True, "yes": True, "0": False, "false": False, "off": False, "no": False,
               "": False}  # "": a form's unticked box


def _flag(value, name: str, problems: list[Problem]) -> bool | None:
    """A switch: yes/no in the spellings forms, JSON and the command line use; anything else is refused, not
    read as "off"."""
    text = str(value if value is not None else "").strip().lower()
    if text not in FLAG_VALUES:
        problems.append(problem(name, "bad_choice", value=str(value)[:20], choices="1, 0, true, false, on, off, yes, no"))
        return None
    return FLAG_VALUES[text]


def update_settings(*, actor: Actor, zone_id: int, data: dict) -> GateSettings:
    """Change the given fields of a zone's settings (others keep their value); all checked first."""
    actor.require("gate.manage")
    zone = _own_zone(actor, zone_id)
    problems: list[Problem] = []
    known = {*PERCENT_FIELDS, *KG_FIELDS, *FLAG_FIELDS, *SET_FIELDS, "slip_valid_hours"}
    for name in sorted(set(data) - known):
        problems.append(problem(name, "bad_choice", value=name, choices=", ".join(sorted(known))))
    changes: dict = {}
    for name in PERCENT_FIELDS + KG_FIELDS:
        if name in data:
            value = collect_decimal(data[name], name, problems, required=True)
            if value is None:
                continue
            if name in PERCENT_FIELDS and not (0 <= value <= 100):
                problems.append(problem(name, "rate_out_of_range", value=value))
            elif value < 0:
                problems.append(problem(name, "amount_negative", value=value))
            elif value >= 10 ** 8:  # before quantize: 1e30 kg has too many digits to quantize (InvalidOperation)
                problems.append(problem(name, "amount_too_large", value=value))
            elif value != value.quantize(Decimal("0.01") if name in PERCENT_FIELDS else Decimal("0.001")):
                problems.append(problem(name, "too_many_decimals", value=value, scale=2 if name in PERCENT_FIELDS else 3))
            else:
                changes[name] = value
    if "slip_valid_hours" in data:
        # a whole number of hours in the range, named with its bounds (-1 is out of range, not "not a number")
        hours = collect_int(data["slip_valid_hours"], "slip_valid_hours", problems, required=True,
                            lo=SLIP_VALID_HOURS[0], hi=SLIP_VALID_HOURS[1])
        if hours is not None:
            changes["slip_valid_hours"] = hours
    for name in FLAG_FIELDS:
        if name in data:
            flag = _flag(data[name], name, problems)
            if flag is not None:
                changes[name] = flag
    for name, width in SET_FIELDS.items():
        if name in data:
            raw = str(data[name] or "")
            parts = [p.strip().upper() for p in raw.replace(";", ",").split(",") if p.strip()]
            bad = [p for p in parts if (width and (len(p) != width or not p.isdigit())) or len(p) > 20]
            classes = sorted(c.value.upper() for c in CustomsCreditClass)
            unknown = [p for p in parts if name == "risk_credit_classes" and p not in classes]
            if unknown:  # a class that does not exist would never match an enterprise
                problems.append(problem(name, "bad_choice", value=", ".join(unknown), choices=", ".join(classes)))
            elif bad:
                problems.append(problem(name, "bad_code", value=", ".join(bad), length=width or "1–20"))
            elif len(", ".join(parts)) > GateSettings._meta.get_field(name).max_length:
                problems.append(problem(name, "too_long", max=GateSettings._meta.get_field(name).max_length))
            else:
                changes[name] = ", ".join(parts)
    if problems:
        raise DomainError(problems)
    with transaction.atomic(durable=True):
        current = GateSettings.objects.select_for_update().filter(zone=zone).first() or selectors.settings_of(zone.pk)
        before = settings_snapshot(current) if current.pk else None
        for name, value in changes.items():
            setattr(current, name, value)
        current.save()
        audit.record(actor, "gate.settings", current, zone_id=zone.pk, before=before, after=settings_snapshot(current))
    return current


def create_gate(*, actor: Actor, zone_id: int, code: str, name: str, stage=1) -> Gate:
    """A gate and its own user (role `gate`, bound to the zone); the user has no password, only tokens.
    `stage`: 1 一卡 or 2 二卡 (double-gate mode; a single-gate zone ignores it)."""
    actor.require("gate.manage")
    zone = _own_zone(actor, zone_id)
    code = (code or "").strip().upper()
    name = (name or "").strip()
    problems = []
    if str(stage).strip() not in ("1", "2"):
        problems.append(problem("stage", "bad_choice", value=str(stage)[:10], choices="1, 2"))
    if not GATE_CODE_RE.match(code):
        problems.append(problem("code", "bad_code", value=code, length="1–16"))
    elif Gate.objects.filter(zone=zone, code=code).exists():
        problems.append(problem("code", "duplicate_value", value=code))
    if not name:
        problems.append(problem("name", "required"))
    elif len(name) > 100:
        problems.append(problem("name", "too_long", max=100))
    username = f"gate-{zone.code}-{code}".lower()
    if not problems and get_user_model().objects.filter(username=username).exists():
        problems.append(problem("code", "duplicate_value", value=username))
    if problems:
        raise DomainError(problems)
    with transaction.atomic(durable=True):
        user = get_user_model().objects.create_user(username=username, password=None)
        Profile.objects.create(user=user, role=Role.GATE.value, zone=zone)
        gate = Gate.objects.create(zone=zone, code=code, name=name, user=user, stage=int(str(stage).strip()))
        audit.record(actor, "gate.create", gate, zone_id=zone.pk, after={"code": code, "name": name, "user": username,
                                                                       "stage": gate.stage})
    return gate


def issue_gate_token(*, actor: Actor, gate_id: int) -> str:
    """A new bearer token for the gate's hardware (shown once; only its hash is kept)."""
    actor.require("gate.manage")
    gate = get_scoped(Gate, actor, gate_id)
    with transaction.atomic(durable=True):
        token, raw = ApiToken.issue(gate.user, f"gate {gate.code}")
        audit.record(actor, "gate.token", gate, zone_id=gate.zone_id, after={"token_id": token.pk})
    return raw
