"""The request clock: office hours on working days, holidays, make-up working days (调休) and pauses."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from bondzone.servicedesk.domain import sla

# A made-up week: Mon 2030-09-30 … with a holiday on Tue 1 Oct and Wed 2 Oct, and Sat 5 Oct a make-up workday.
HOLIDAYS = {date(2030, 10, 1), date(2030, 10, 2)}
MAKEUP = {date(2030, 10, 5)}


def fake(day: date) -> bool:
    return day in MAKEUP or (day.weekday() < 5 and day not in HOLIDAYS)


CLOCK = sla.Clock(workday=fake)
DAY = sla.budget_seconds(1, sla.SlaUnit.WORKDAYS)


def at(d: date, h: int, m: int = 0) -> datetime:
    return datetime.combine(d, time(h, m))


def test_one_working_day_skips_holidays():
    # filed Monday 10:00; Tue and Wed are holidays → due Thursday 10:00
    assert sla.due_at(CLOCK, at(date(2030, 9, 30), 10), DAY) == at(date(2030, 10, 3), 10)


def test_make_up_saturday_counts_and_sunday_does_not():
    # Friday 4 Oct 15:00 + 2 working days: Fri 2 h, Sat (make-up) 8 h, Sun off, Mon 6 h → Mon 7 Oct 15:00
    assert sla.due_at(CLOCK, at(date(2030, 10, 4), 15), 2 * DAY) == at(date(2030, 10, 7), 15)


def test_filed_at_night_starts_at_next_opening():
    # Monday 20:00 → the clock starts Thursday 09:00 (Tue/Wed holidays); one working day is over at its close
    assert sla.due_at(CLOCK, at(date(2030, 9, 30), 20), DAY) == at(date(2030, 10, 3), 17)
    # half a day from Thursday 15:00: 2 h Thursday, 2 h Friday
    assert sla.due_at(CLOCK, at(date(2030, 10, 3), 15), DAY // 2) == at(date(2030, 10, 4), 11)


def test_pause_moves_the_due_time_by_the_paused_working_time():
    start = at(date(2030, 10, 3), 9)  # Thursday opening
    # paused Thursday 13:00 → Friday 11:00 = 4 h Thu + 2 h Fri of working time
    pauses = [(at(date(2030, 10, 3), 13), at(date(2030, 10, 4), 11))]
    assert sla.due_at(CLOCK, start, DAY) == at(date(2030, 10, 3), 17)
    assert sla.due_at(CLOCK, start, DAY, pauses) == at(date(2030, 10, 4), 15)
    # an open pause with budget left: no due time until it ends
    assert sla.due_at(CLOCK, start, DAY, [(at(date(2030, 10, 3), 13), None)]) is None
    # a pause that starts after the budget ran out changes nothing
    late = [(at(date(2030, 10, 4), 10), at(date(2030, 10, 7), 10))]
    assert sla.due_at(CLOCK, start, DAY, late) == at(date(2030, 10, 3), 17)


def test_pause_over_a_holiday_costs_nothing_extra():
    start = at(date(2030, 9, 30), 9)
    # paused Monday 17:00 → Thursday 09:00: only holidays and night in between
    pauses = [(at(date(2030, 9, 30), 17), at(date(2030, 10, 3), 9))]
    assert sla.due_at(CLOCK, start, 2 * DAY, pauses) == sla.due_at(CLOCK, start, 2 * DAY)


def test_used_time_excludes_pauses_and_converts_to_working_days():
    start, end = at(date(2030, 9, 30), 9), at(date(2030, 10, 4), 13)
    # Mon 8 h + Thu 8 h + Fri 4 h = 20 h = 2.5 working days; minus a 4 h pause on Thursday
    assert sla.as_workdays(sla.used_seconds(CLOCK, start, end)) == sla.as_workdays(20 * 3600)
    used = sla.used_seconds(CLOCK, start, end, [(at(date(2030, 10, 3), 9), at(date(2030, 10, 3), 13))])
    assert sla.as_workdays(used) == sla.as_workdays(16 * 3600) and str(sla.as_workdays(used)) == "2.00"


def test_plain_hours_ignore_the_calendar():
    clock = sla.clock_for(sla.SlaUnit.HOURS, fake)
    start = at(date(2030, 10, 1), 22)  # a holiday night
    assert sla.due_at(clock, start, sla.budget_seconds(2, sla.SlaUnit.HOURS)) == start + timedelta(hours=2)


def test_official_calendar_spring_festival_2025(db):
    # 2025 in the database calendar: 28 Jan – 4 Feb off; Sunday 26 Jan and Saturday 8 Feb are make-up days
    from bondzone.servicedesk import clock as desk_clock

    clock = sla.Clock(workday=desk_clock.workday())
    assert sla.due_at(clock, at(date(2025, 1, 25), 12), DAY) == at(date(2025, 1, 26), 17)  # Sat → Sun make-up
    assert sla.due_at(clock, at(date(2025, 1, 27), 10), DAY) == at(date(2025, 2, 5), 10)  # over the holiday
    assert sla.due_at(clock, at(date(2025, 2, 7), 10), DAY) == at(date(2025, 2, 8), 10)  # Fri → Sat make-up


@settings(max_examples=60, deadline=None)
@given(st.datetimes(min_value=datetime(2030, 9, 20), max_value=datetime(2030, 10, 20)),
       st.integers(min_value=0, max_value=20 * 8 * 3600))
def test_due_time_is_exactly_budget_of_working_time_later(start, budget):
    due = CLOCK.add(start, budget)
    assert CLOCK.seconds_between(start, due) == budget
    assert due >= start
