"""Writes to the core models. Each service owns its transaction and writes its audit row."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from . import audit, hooks
from .actor import SYSTEM, SYSTEM_USERNAME, Actor, actor_of
from .domain import workdays
from .domain.errors import DomainError, NotFound, problem
from .domain.identifiers import CustomsCreditClass, check_customs_code, normalize_credit_code
from .domain.inputs import QUERY, collect_date, collect_int, collect_text
from .domain.roles import PERMISSIONS, Role, allowed
from .models import CALENDAR_SOURCES, TOKEN_DAYS, ApiToken, CalendarDay, CalendarYear, Enterprise, Profile, Zone
from .scoping import get_scoped


def enterprise_snapshot(e: Enterprise) -> dict:
    return {
        "name": e.name,
        "name_en": e.name_en,
        "credit_code": e.credit_code,
        "customs_code": e.customs_code,
        "zone": e.zone_id,
        "business_type": e.business_type,
        "customs_credit_class": e.customs_credit_class,
        "customs_credit_class_since": e.customs_credit_class_since.isoformat() if e.customs_credit_class_since else None,
    }


# Fields an enterprise's registry record may change through update_enterprise, and who may change them:
# the registry (zone administration, market supervision) keeps names and codes, customs sets its credit class.
REGISTRY_FIELDS = ("name", "name_en", "credit_code", "customs_code", "business_type")
CREDIT_FIELDS = ("customs_credit_class", "customs_credit_class_since")


def update_enterprise(*, actor: Actor, enterprise_id: int, changes: dict) -> Enterprise:
    """Change some fields of an enterprise; the audit row holds only what changed (before and after), which
    is the enterprise's change history (selectors.enterprise_history)."""
    unknown = sorted(set(changes) - set(REGISTRY_FIELDS) - set(CREDIT_FIELDS))
    if unknown:
        raise DomainError([problem(name, "unknown_field", value=name) for name in unknown])
    if set(changes) & set(REGISTRY_FIELDS):
        actor.require("core.change_enterprise")
    if set(changes) & set(CREDIT_FIELDS):
        actor.require("core.set_credit_class")
    enterprise = get_scoped(Enterprise, actor, enterprise_id, action="change")
    values, problems = _enterprise_values(enterprise, changes)
    if problems:
        raise DomainError(problems)
    before = enterprise_snapshot(enterprise)
    with transaction.atomic(durable=True):
        enterprise = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
        for name, value in values.items():
            setattr(enterprise, name, value)
        after = enterprise_snapshot(enterprise)
        changed = [k for k in after if after[k] != before[k]]
        if changed:
            enterprise.save(update_fields=[k for k in changed])
            audit.record(actor, "enterprise.update", enterprise, before={k: before[k] for k in changed},
                         after={k: after[k] for k in changed}, enterprise_id=enterprise.pk, zone_id=enterprise.zone_id)
            hooks.enterprise_changed(actor, enterprise, changed)  # e.g. the sharing outbox, in this transaction
    return enterprise


def _enterprise_values(enterprise: Enterprise, changes: dict) -> tuple[dict, list]:
    values, problems = {}, []
    for name, limit in (("name", 200), ("name_en", 200), ("business_type", 50)):
        if name in changes:
            value = (changes[name] or "").strip()
            if name == "name" and not value:
                problems.append(problem(name, "required"))
            elif len(value) > limit:
                problems.append(problem(name, "too_long", max=limit))
            values[name] = value
    if "credit_code" in changes:
        code, found = normalize_credit_code(changes["credit_code"])
        problems += found
        if not found and Enterprise.objects.filter(credit_code=code).exclude(pk=enterprise.pk).exists():
            problems.append(problem("credit_code", "duplicate_value", value=code))
        values["credit_code"] = code
    if "customs_code" in changes:
        code = (changes["customs_code"] or "").strip().upper()
        found = check_customs_code(code)
        problems += found
        if not found and Enterprise.objects.filter(customs_code=code).exclude(pk=enterprise.pk).exists():
            problems.append(problem("customs_code", "duplicate_value", value=code))
        values["customs_code"] = code
    if "customs_credit_class" in changes:
        value = str(changes["customs_credit_class"] or "").strip()
        if value not in {c.value for c in CustomsCreditClass}:
            problems.append(problem("customs_credit_class", "bad_choice", value=value,
                                    choices=", ".join(c.value for c in CustomsCreditClass)))
        values["customs_credit_class"] = value
    if "customs_credit_class_since" in changes:
        values["customs_credit_class_since"] = collect_date(
            changes["customs_credit_class_since"], "customs_credit_class_since", problems)
    return values, problems


def create_enterprise(
    *, actor: Actor, name: str, credit_code: str, customs_code: str, zone_id: int, name_en: str = "",
    business_type: str = "",
) -> Enterprise:
    actor.require("core.add_enterprise")
    problems = []
    name = (name or "").strip()
    if not name:
        problems.append(problem("name", "required"))
    elif len(name) > 200:
        problems.append(problem("name", "too_long", max=200))
    credit_code, credit_problems = normalize_credit_code(credit_code)
    problems += credit_problems
    customs_code = (customs_code or "").strip().upper()
    problems += check_customs_code(customs_code)
    if not credit_problems and Enterprise.objects.filter(credit_code=credit_code).exists():
        problems.append(problem("credit_code", "duplicate_value", value=credit_code))
    if customs_code and Enterprise.objects.filter(customs_code=customs_code).exists():
        problems.append(problem("customs_code", "duplicate_value", value=customs_code))
    zone = None
    try:
        zone = get_scoped(Zone, actor, zone_id)
    except DomainError:
        problems.append(problem("zone_id", "not_found", model="zone", id=str(zone_id)))
    if zone is not None and actor.zone_id is not None and zone.pk != actor.zone_id:
        problems.append(problem("zone_id", "not_found", model="zone", id=str(zone_id)))
    if problems:
        raise DomainError(problems)
    with transaction.atomic(durable=True):
        enterprise = Enterprise.objects.create(
            name=name, name_en=(name_en or "").strip()[:200], credit_code=credit_code,
            customs_code=customs_code, zone=zone, business_type=(business_type or "")[:50],
        )
        audit.record(actor, "enterprise.create", enterprise, after=enterprise_snapshot(enterprise),
                     enterprise_id=enterprise.pk, zone_id=zone.pk)
        hooks.enterprise_registered(actor, enterprise)  # e.g. the sharing outbox, in this transaction
    return enterprise


def create_user(
    *, username: str, password: str | None, role: Role, enterprise: Enterprise | None = None, zone: Zone | None = None,
    first_name: str = "", actor: Actor = SYSTEM,
):
    """A log-in with its role, audited (`user.create`: who made it, with which role, for which enterprise or
    zone). Used by the demo loader and `bondzone create-user` (the operator at the shell: SYSTEM) and by the
    service desk's onboarding (its actor); not exposed over HTTP as such."""
    if username == SYSTEM_USERNAME:
        raise DomainError(problem("username", "reserved_username", value=username))
    User = get_user_model()
    with transaction.atomic():
        user = User.objects.create_user(username=username, password=password, first_name=first_name)
        Profile.objects.create(user=user, role=role.value, enterprise=enterprise, zone=zone)
        audit.record(actor, "user.create", object_type="auth.user", object_id=user.pk,
                     enterprise_id=enterprise.pk if enterprise else None,
                     zone_id=zone.pk if zone else (enterprise.zone_id if enterprise else None),
                     after={"username": username, "role": role.value,
                            "enterprise": enterprise.pk if enterprise else None, "zone": zone.code if zone else None})
    return user


MAX_TOKEN_DAYS = 366


def issue_token(*, actor: Actor, name: str, days: int | str = TOKEN_DAYS, scope: str = ApiToken.WRITE,
                user_id: int | None = None, actions: list[str] | None = None) -> tuple[ApiToken, str]:
    """A new bearer token for the actor (an administrator: for any user); the raw token is returned once.
    `actions` limits it to those permissions, each one its user's role holds (none: all of the role's)."""
    problems: list = []
    name = collect_text(name, "name", problems, max_length=100, required=True)
    days = collect_int(days, "days", problems, lo=1, hi=MAX_TOKEN_DAYS, required=True)
    if scope not in (ApiToken.READ, ApiToken.WRITE):
        problems.append(problem("scope", "bad_choice", value=scope, choices="read, write"))
    if user_id not in (None, actor.user_id) and not actor.is_admin:
        raise NotFound(problem("user_id", "not_found", model="user", id=user_id))
    user = get_user_model().objects.filter(pk=user_id or actor.user_id, is_active=True).first()
    if user is None:
        problems.append(problem("user_id", "not_found", model="user", id=user_id or actor.user_id))
    actions = sorted(set(actions or []))
    if user is not None:
        role = actor_of(user).role
        for i, action in enumerate(actions, start=1):
            if not isinstance(action, str) or action not in PERMISSIONS:
                problems.append(problem(f"actions[{i}]", "unknown_action", value=str(action)[:80]))
            elif not allowed(role, action):
                problems.append(problem(f"actions[{i}]", "action_not_of_role", value=action, role=str(role)))
    if problems:
        raise DomainError(problems)
    with transaction.atomic(durable=True):
        token, raw = ApiToken.issue(user, name, days=days, scope=scope, actions=actions)
        audit.record(actor, "token.issue", token, after={"user": user.get_username(), "name": name, "scope": scope,
                                                         "actions": actions,
                                                         "expires_at": token.expires_at.isoformat()})
    return token, raw


def revoke_token(*, actor: Actor, token_id: int) -> ApiToken:
    """Revoke one of the actor's tokens (an administrator: anyone's); it stops working at once."""
    with transaction.atomic(durable=True):
        token = get_scoped(ApiToken.objects.select_for_update(), actor, token_id)
        if token.revoked_at is None:
            token.revoked_at = timezone.now()
            token.save(update_fields=["revoked_at"])
            audit.record(actor, "token.revoke", token, after={"user": token.user_id, "name": token.name})
    return token
def _calendar_snapshot(year: CalendarYear) -> dict:
    return {"year": year.year, "source": year.source, "note": year.note,
            "days": [[d.date.isoformat(), d.kind, d.name] for d in year.days.order_by("date")]}


def _parse_calendar_rows(rows: list[dict]) -> tuple[dict[int, list[tuple]], list]:
    """{year: [(date, kind, name)]} from rows with date, kind, name; every bad row reported."""
    problems, by_year, seen = [], {}, {}
    for n, row in enumerate(rows, start=1):
        row_problems: list = []
        day = collect_date(row.get("date"), "date", row_problems, window=QUERY)  # the calendar's window applies
        if day is None and not row_problems:
            row_problems.append(problem("date", "required"))
        name = (row.get("name") or "").strip()
        kind, day_problems = workdays.check_day(day, row.get("kind") or "", name)
        row_problems += day_problems
        if day is not None and day in seen:
            row_problems.append(problem("date", "calendar_day_twice", value=day.isoformat(), first=seen[day]))
        for p in row_problems:
            problems.append(problem(f"row {n}", "row", row=n, field=p.field, inner_code=p.code, inner_params=p.params))
        if not row_problems:
            seen[day] = n
            by_year.setdefault(day.year, []).append((day, kind.value, name))
    return by_year, problems


# the columns of a working-day calendar file (the State Council's notice): date and kind required
CALENDAR_COLUMNS = ["date", "kind", "name"]


def import_calendar(*, actor: Actor, rows: list[dict], source: str = "notice", note: str = "") -> dict:
    """Replace whole the calendar years found in `rows` (date, kind, name), all or nothing: the State
    Council's annual notice as a small file, or the library's years."""
    actor.require("core.manage_calendar")
    if source not in dict(CALENDAR_SOURCES):
        raise DomainError(problem("source", "bad_choice", value=source, choices=", ".join(dict(CALENDAR_SOURCES))))
    by_year, problems = _parse_calendar_rows(rows)
    if problems:
        raise DomainError(problems)
    if not by_year:
        raise DomainError(problem("file", "file_empty"))
    with transaction.atomic(durable=True):
        for year_no, days in sorted(by_year.items()):
            year = CalendarYear.objects.select_for_update().filter(year=year_no).first()
            before = _calendar_snapshot(year) if year else None
            if year is None:
                year = CalendarYear(year=year_no)
            year.source, year.note = source, (note or "").strip()[:300]
            year.save()
            year.days.all().delete()
            CalendarDay.objects.bulk_create(CalendarDay(calendar_year=year, date=d, kind=k, name=nm)
                                            for d, k, nm in days)
            audit.record(actor, "calendar.import", year, before=before, after=_calendar_snapshot(year))
    return {"years": sorted(by_year), "days": sum(len(d) for d in by_year.values())}


def import_library_calendar(*, actor: Actor, only_missing: bool = True) -> dict:
    """The years the installed `chinesecalendar` knows (by default only those the database lacks)."""
    have = set(CalendarYear.objects.values_list("year", flat=True))
    rows = [{"date": d, "kind": k, "name": nm} for year, days in workdays.library_days().items()
            if not (only_missing and year in have) for d, k, nm in days]
    if not rows:
        actor.require("core.manage_calendar")
        return {"years": [], "days": 0}
    return import_calendar(actor=actor, rows=rows, source="library")


def add_calendar_year(*, actor: Actor, year, note: str = "") -> CalendarYear:
    """Declare a year's calendar kept by hand (its days are then added one by one, or imported)."""
    actor.require("core.manage_calendar")
    raw = str(year if year is not None else "").strip()
    if not raw.isdigit():
        raise DomainError(problem("year", "not_an_integer", value=raw))
    year = int(raw)
    if not workdays.FIRST_YEAR <= year <= workdays.LAST_YEAR:
        raise DomainError(problem("year", "calendar_out_of_window", value=str(year), first=workdays.FIRST_YEAR,
                                  last=workdays.LAST_YEAR))
    if CalendarYear.objects.filter(year=year).exists():
        raise DomainError(problem("year", "duplicate_value", value=str(year)))
    with transaction.atomic(durable=True):
        cy = CalendarYear.objects.create(year=year, source="manual", note=(note or "").strip()[:300])
        audit.record(actor, "calendar.add_year", cy, after=_calendar_snapshot(cy))
    return cy


def delete_calendar_year(*, actor: Actor, year: int) -> None:
    actor.require("core.manage_calendar")
    cy = get_scoped(CalendarYear, actor, year, action="change", field="year")
    with transaction.atomic(durable=True):
        before = _calendar_snapshot(cy)
        audit.record(actor, "calendar.delete_year", cy, before=before)
        cy.delete()


def add_calendar_day(*, actor: Actor, day, kind: str, name: str = "", year: int | None = None) -> CalendarDay:
    """One exception day; with `year`, the day must fall in it (the page and API add days to a year)."""
    actor.require("core.manage_calendar")
    problems: list = []
    parsed_day = collect_date(day, "date", problems, window=QUERY)  # the calendar's own window applies
    if parsed_day is None and not problems:
        problems.append(problem("date", "required"))
    elif parsed_day is not None and year is not None and parsed_day.year != year:
        problems.append(problem("date", "calendar_day_other_year", value=parsed_day.isoformat(), year=year))
    parsed_kind, day_problems = workdays.check_day(parsed_day, kind, name)
    problems += day_problems
    year = None
    cy = None
    if parsed_day is not None and not problems:
        cy = CalendarYear.objects.filter(year=parsed_day.year).first()
        if cy is None:
            problems.append(problem("date", "calendar_year_missing", years=str(parsed_day.year)))
        elif CalendarDay.objects.filter(date=parsed_day).exists():
            problems.append(problem("date", "duplicate_value", value=parsed_day.isoformat()))
    if problems:
        raise DomainError(problems)
    with transaction.atomic(durable=True):
        before = _calendar_snapshot(cy)
        entry = CalendarDay.objects.create(calendar_year=cy, date=parsed_day, kind=parsed_kind.value,
                                           name=(name or "").strip())
        cy.save()  # updated_at: the cached calendar is rebuilt
        audit.record(actor, "calendar.add_day", cy, before=before, after=_calendar_snapshot(cy))
    return entry


def delete_calendar_day(*, actor: Actor, day_id: int) -> None:
    actor.require("core.manage_calendar")
    entry = get_scoped(CalendarDay, actor, day_id, action="change")
    year = entry.calendar_year
    with transaction.atomic(durable=True):
        before = _calendar_snapshot(year)
        entry.delete()
        year.save()
        audit.record(actor, "calendar.delete_day", year, before=before, after=_calendar_snapshot(year))
