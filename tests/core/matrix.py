"""Permission matrix of the working-day calendar pages and API (read by tests/permissions/test_matrix.py).
Everyone logged in reads the calendar; only `core.manage_calendar` (platform admin, zone administration)
changes it. Fixture: year 2097 with one holiday; a delete succeeds for the first permitted user and is a
404 for the next (the object is gone)."""

from __future__ import annotations

from ..permissions.matrix import Rule

MANAGE = "core.manage_calendar"
GONE = frozenset({204, 302, 404})

PAGES = {
    "calendar": Rule("list"),
    "calendar_year": Rule("list"),
    "calendar_export": Rule("list"),
    "calendar_import": Rule("action", action=MANAGE, method="POST", ok=frozenset({302})),
    "calendar_add_year": Rule("action", action=MANAGE, method="POST", ok=frozenset({302})),
    "calendar_add_day": Rule("action", action=MANAGE, method="POST", ok=frozenset({302})),
    "calendar_delete_year": Rule("action", action=MANAGE, method="POST", ok=GONE),
    "calendar_delete_day": Rule("action", action=MANAGE, method="POST", ok=GONE),
}
# requests the matrix sends without a body: refused or invalid, never a write
NO_WRITES = ("calendar_import", "calendar_add_year", "calendar_add_day")
BAD_BODY = frozenset({400})  # the matrix's empty body, once the role may do it
API = {
    "GET /api/v1/calendar/years": Rule("list"),
    "GET /api/v1/calendar/years/{year}": Rule("list"),
    "POST /api/v1/calendar/years": Rule("action", action=MANAGE, method="POST", ok=BAD_BODY),
    "DELETE /api/v1/calendar/years/{year}": Rule("action", action=MANAGE, method="DELETE", ok=GONE),
    "POST /api/v1/calendar/years/{year}/days": Rule("action", action=MANAGE, method="POST", ok=BAD_BODY),
    "DELETE /api/v1/calendar/days/{day_id}": Rule("action", action=MANAGE, method="DELETE", ok=GONE),
    "POST /api/v1/calendar/import": Rule("action", action=MANAGE, method="POST", ok=BAD_BODY),
    "GET /api/v1/calendar/working-days": Rule("list", ok=BAD_BODY),
    "GET /api/v1/calendar/add-working-days": Rule("list", ok=BAD_BODY),
}


def objects(world) -> dict:
    from bondzone.core import services

    admin = world.actor("admin")
    services.add_calendar_year(actor=admin, year=2097)
    day = services.add_calendar_day(actor=admin, day="2097-01-01", kind="holiday", name="元旦")
    # an API token of enterprise A's user, B's, and of customs of zone A (target C)
    tokens = {t: services.issue_token(actor=world.actor(user), name=f"matrix token {t}")[0]
              for t, user in (("A", "ent_a"), ("B", "ent_b"), ("C", "customs_a"))}
    return {"A": {"year": "2097", "day": day, "token": tokens["A"]}, "B": {"year": "2097", "day": day,
                                                                         "token": tokens["B"]},
            "C": {"token": tokens["C"]}}


def snapshot():
    from bondzone.core.models import CalendarDay, CalendarYear

    return CalendarYear.objects.count(), CalendarDay.objects.count()


def expected(label, rule, username, target, world, want):
    """The delete pages run before the read pages (alphabetical): once the year is gone, reading it is a 404."""
    from bondzone.core.models import CalendarYear

    if label in ("calendar_year", "calendar_export", "GET /api/v1/calendar/years/{year}") and username is not None \
            and not CalendarYear.objects.filter(year=2097).exists():
        return {404}
    return want
