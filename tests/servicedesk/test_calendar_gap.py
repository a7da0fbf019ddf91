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
