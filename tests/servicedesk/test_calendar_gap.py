"""A reply-by or sign-by time that reaches a year without a working-day calendar is refused (core's
CalendarMissing, 409), never counted Monday–Friday; once the year's notice is imported it is worked out."""

from __future__ import annotations

from datetime import datetime

import pytest

from bondzone.core import services as core_services
from bondzone.core.domain.workdays import CalendarMissing
from bondzone.core.models import CalendarYear
from bondzone.servicedesk import clock
from bondzone.servicedesk.domain import sla


def test_a_deadline_in_a_year_without_calendar_is_refused_then_worked_out_once_imported(world):
    CalendarYear.objects.filter(year=2027).delete()
    start = datetime(2026, 12, 28, 10, 0)  # Monday; 5 working days reach into 2027
    budget = sla.budget_seconds(5, sla.SlaUnit.WORKDAYS, clock.office_hours())
    with pytest.raises(CalendarMissing) as e:
        clock.clock(sla.SlaUnit.WORKDAYS).add(start, budget)
    assert e.value.status == 409 and e.value.problems[0].code == "calendar_year_missing"
    core_services.import_calendar(actor=world.actor("admin"), rows=[{"date": "2027-01-01", "kind": "holiday"}])
    due = clock.clock(sla.SlaUnit.WORKDAYS).add(start, budget)
    assert due == datetime(2027, 1, 5, 10, 0)  # 29, 30, 31, (1 Jan off), 4, 5


def test_the_documented_sample_file_imports_as_the_seeded_year(world, tmp_path):
    """docs/configuration.md tells the zone how to import next year's notice, with a sample file: the sample
    is accepted and holds exactly the exception days the seed has for 2026."""
    import io
    from pathlib import Path

    from django.core.management import call_command

    from bondzone.core.models import CalendarDay

    seeded = set(CalendarDay.objects.filter(calendar_year__year=2026).values_list("date", "kind"))
    sample = Path(__file__).resolve().parents[2] / "docs" / "samples" / "calendar-notice-2026.csv"
    call_command("calendar_import", str(sample), "--user", "admin", stdout=io.StringIO())
    assert set(CalendarDay.objects.filter(calendar_year__year=2026).values_list("date", "kind")) == seeded


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_request_form_and_page_warn_of_a_year_without_calendar(desk, language):
    """As on the ledger pages (core/_calendar_gaps.html): the request form and an open request's page name the
    year its time limits would reach without a calendar; once that year's notice is in, the warning goes."""
    from django.test import Client
    from django.utils import timezone

    from bondzone.servicedesk.models import Category

    from ..conftest import PASSWORD

    req = desk.file()
    next_year = timezone.localdate().year + 1
    CalendarYear.objects.filter(year__gte=next_year).delete()
    Category.objects.filter(pk=desk.category.pk).update(resolve_within=300)  # 300 working days: next year
    pages = {}
    for user, path in (("ent_a", "/services/new/"), ("ent_a", f"/services/requests/{req.pk}/")):
        c = Client(HTTP_ACCEPT_LANGUAGE=language)
        assert c.login(username=user, password=PASSWORD)
        pages[path] = c
        html = c.get(path).content.decode()
        assert 'data-testid="calendar-gaps"' in html and str(next_year) in html, path
    core_services.import_calendar(actor=desk.world.actor("admin"), rows=[{"date": f"{next_year}-01-01",
                                                                          "kind": "holiday"}])
    Category.objects.filter(pk=desk.category.pk).update(resolve_within=5)
    for path, c in pages.items():
        assert 'data-testid="calendar-gaps"' not in c.get(path).content.decode(), path
