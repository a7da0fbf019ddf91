"""Seed the working-day calendar with the years the installed `chinesecalendar` knows (2004–2026 in 1.11).
Later years come from the State Council's notice (`bondzone calendar-import`), not from this migration."""

from django.db import migrations


def seed(apps, schema_editor):
    from bondzone.core.domain.workdays import library_days

    CalendarYear = apps.get_model("core", "CalendarYear")
    CalendarDay = apps.get_model("core", "CalendarDay")
    for year_no, days in library_days().items():
        if CalendarYear.objects.filter(year=year_no).exists():
            continue
        year = CalendarYear.objects.create(year=year_no, source="library", note="chinesecalendar")
        CalendarDay.objects.bulk_create(CalendarDay(calendar_year=year, date=d, kind=k, name=n) for d, k, n in days)


def unseed(apps, schema_editor):
    apps.get_model("core", "CalendarYear").objects.filter(source="library").delete()


class Migration(migrations.Migration):
    dependencies = [("core", "0003_calendar")]
    operations = [migrations.RunPython(seed, unseed)]
