"""The working-day rule (core/domain/workdays.py): holidays and 调休 make-up days, refusal of years without a
calendar, and the stated window."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bondzone.core.domain import workdays as w

LIB = w.library_days()
CAL = w.WorkCalendar.build(LIB, [(d, k) for days in LIB.values() for d, k, _ in days])


def codes(exc) -> list[str]:
    return [p.code for p in exc.value.problems]


def test_national_day_and_make_up_days_2025():
    assert w.is_workday(CAL, date(2025, 9, 28))  # Sunday, make-up workday
    assert w.is_workday(CAL, date(2025, 10, 11))  # Saturday, make-up workday
    assert not any(w.is_workday(CAL, date(2025, 10, d)) for d in range(1, 9))
    assert w.working_days_between(CAL, date(2025, 9, 30), date(2025, 10, 9)) == 1
    assert w.working_days_between(CAL, date(2025, 9, 27), date(2025, 9, 28)) == 1
    assert w.working_days_between(CAL, date(2025, 10, 9), date(2025, 9, 30)) == -1
    assert w.add_working_days(CAL, date(2025, 9, 30), 1) == date(2025, 10, 9)
    assert w.add_working_days(CAL, date(2025, 10, 10), 1) == date(2025, 10, 11)
    assert w.add_working_days(CAL, date(2025, 10, 9), -1) == date(2025, 9, 30)
    assert w.add_working_days(CAL, date(2025, 10, 4), 0) == date(2025, 10, 4)


def test_library_seed_covers_2004_to_2026_with_chinese_names():
    assert min(LIB) == 2004 and max(LIB) == 2026 and len(LIB) == 23
    assert (date(2026, 1, 4), "workday", "元旦") in LIB[2026]
    assert (date(2025, 10, 1), "holiday", "国庆节") in LIB[2025]


def test_a_missing_year_is_refused_never_counted_monday_to_friday():
    with pytest.raises(w.CalendarMissing) as exc:
        w.add_working_days(CAL, date(2026, 12, 28), 10, field="due_in_workdays")
    assert codes(exc) == ["calendar_year_missing"] and exc.value.problems[0].field == "due_in_workdays"
    assert exc.value.problems[0].params == {"years": "2027"} and exc.value.status == 409
    with pytest.raises(w.CalendarMissing):
        w.working_days_between(CAL, date(2026, 12, 1), date(2027, 1, 15))
    with pytest.raises(w.CalendarMissing):
        w.is_workday(CAL, date(2027, 1, 4))
    # inside the known year the same walk is fine, up to the year's last working day
    assert w.add_working_days(CAL, date(2026, 12, 28), 3) == date(2026, 12, 31)


def test_across_a_year_boundary_once_the_next_year_is_entered():
    notice_2027 = [(date(2027, 1, 1), "holiday")]  # a made-up notice: only New Year's Day off
    cal = w.WorkCalendar.build(list(LIB) + [2027], [(d, k) for days in LIB.values() for d, k, _ in days] + notice_2027)
    # 2026-12-31 (Thu) → 2027-01-01 (Fri, holiday) → 01-04 (Mon) → 01-05 (Tue)
    assert w.add_working_days(cal, date(2026, 12, 30), 3) == date(2027, 1, 5)
    assert w.working_days_between(cal, date(2026, 12, 30), date(2027, 1, 5)) == 3
    assert w.add_working_days(cal, date(2027, 1, 5), -3) == date(2026, 12, 30)
    # a gap year between two covered years is refused too
    gap = w.WorkCalendar.build([2026, 2028], [])
    assert w.missing_years(gap, date(2026, 6, 1), date(2028, 6, 1)) == [2027]
    with pytest.raises(w.CalendarMissing) as exc:
        w.working_days_between(gap, date(2026, 6, 1), date(2028, 6, 1))
    assert exc.value.problems[0].params == {"years": "2027"}


@pytest.mark.parametrize("day", [date(1, 1, 1), date(1999, 12, 31), date(2100, 1, 1), date(9999, 12, 31)])
def test_dates_outside_the_window_are_refused_before_any_work(day):
    with pytest.raises(w.CalendarOutOfWindow) as exc:
        w.working_days_between(CAL, day, date(2026, 1, 1))
    assert codes(exc) == ["calendar_out_of_window"]
    with pytest.raises(w.CalendarOutOfWindow):
        w.add_working_days(CAL, day, 1)
    assert day.year in w.missing_years(CAL, day, date(2026, 1, 1))


def test_a_walk_stops_at_the_window_edge():
    full = w.WorkCalendar.build(range(w.FIRST_YEAR, w.LAST_YEAR + 1), [])
    with pytest.raises(w.CalendarOutOfWindow):
        w.add_working_days(full, date(2099, 12, 1), 100)
    with pytest.raises(w.CalendarOutOfWindow):
        w.add_working_days(full, date(2000, 1, 10), -100)
    assert w.working_days_between(full, date(2000, 1, 1), date(2099, 12, 31)) == sum(
        1 for n in range(1, (date(2099, 12, 31) - date(2000, 1, 1)).days + 1)
        if (date(2000, 1, 1) + timedelta(days=n)).weekday() < 5)


def test_check_day_rules():
    assert w.check_day(date(2027, 2, 6), "班", "春节")[0] == w.DayKind.WORKDAY  # a Saturday
    assert [p.code for p in w.check_day(date(2027, 2, 8), "workday", "")[1]] == ["calendar_workday_on_weekday"]
    assert [p.code for p in w.check_day(date(2027, 2, 8), "x", "")[1]] == ["bad_choice"]
    assert [p.code for p in w.check_day(date(2100, 1, 1), "休", "")[1]] == ["calendar_out_of_window"]
    assert [p.code for p in w.check_day(date(2027, 1, 1), "holiday", "x" * 101)[1]] == ["too_long"]


def _slow_count(cal, a, b):
    lo, hi = sorted((a, b))
    n = sum(w.is_workday(cal, lo + timedelta(days=i)) for i in range(1, (hi - lo).days + 1))
    return n if b >= a else -n


days_2004_2026 = st.dates(min_value=date(2004, 1, 1), max_value=date(2026, 12, 31))


@settings(max_examples=200, deadline=None)
@given(days_2004_2026, st.integers(min_value=-800, max_value=800))
def test_fast_count_matches_day_by_day_and_add_is_its_inverse(a, span):
    b = a + timedelta(days=span)
    if not 2004 <= b.year <= 2026:
        return
    n = w.working_days_between(CAL, a, b)
    assert n == _slow_count(CAL, a, b) == -w.working_days_between(CAL, b, a)
    lo, hi = sorted((a, b))
    if abs(n) and w.is_workday(CAL, hi):  # the |n|-th working day after lo is hi
        assert w.add_working_days(CAL, lo, abs(n)) == hi
    if abs(n) and w.is_workday(CAL, lo) and w.is_workday(CAL, hi):  # walking back, the |n|-th before hi is lo
        assert w.add_working_days(CAL, hi, -abs(n)) == lo
