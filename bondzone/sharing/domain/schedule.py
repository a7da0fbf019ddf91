"""When a scheduled export runs next."""

from __future__ import annotations

import calendar
from datetime import datetime, timedelta

EVERY = ("daily", "weekly", "monthly")


def next_run(after: datetime, every: str) -> datetime:
    """The run after `after`: a day, a week, or a calendar month later (the 31st becomes the month's last
    day)."""
    if every == "daily":
        return after + timedelta(days=1)
    if every == "weekly":
        return after + timedelta(weeks=1)
    if every == "monthly":
        year, month = (after.year + 1, 1) if after.month == 12 else (after.year, after.month + 1)
        return after.replace(year=year, month=month, day=min(after.day, calendar.monthrange(year, month)[1]))
    raise ValueError(f"unknown period {every!r}")


def catch_up(due: datetime, now: datetime, every: str) -> datetime:
    """The first run after `now` on the schedule of `due` (a job that was down for days runs once, not
    once per missed period)."""
    nxt = next_run(due, every)
    while nxt <= now:
        nxt = next_run(nxt, every)
    return nxt
