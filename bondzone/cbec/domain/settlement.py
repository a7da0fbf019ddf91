"""The periodic tax payment of cross-border retail (汇总纳税), GACC 2018 No. 194 as domain-customs.md §6.1 and
§7.8 quote it: customs releases each order against the withholding agent's tax guarantee; when no return
happened within 30 days of release, the tax of the released orders is paid **between day 31 and day 45
after release**. Days count as the return windows do (release day + N).

A settlement covers the orders released in one period [start, end]. It may be issued once the last day's
return window has closed (end + 31) and is due on the first day's 45th day (start + 45); for that day to
fall inside every order's window the period spans at most 15 days (end − start ≤ 14). A calendar month,
as one might expect, would put the first days' orders past day 45 before the last days' orders reach day
31, so a month is settled in two or more periods."""

from __future__ import annotations

from datetime import date, timedelta

from bondzone.core.domain.errors import Problem, problem

PAY_FROM_DAY = 31
PAY_BY_DAY = 45
MAX_PERIOD_DAYS = PAY_BY_DAY - PAY_FROM_DAY + 1  # 15 release days


def due_on(start: date) -> date:
    return start + timedelta(days=PAY_BY_DAY)


def overdue(paid: bool, due: date, today: date) -> bool:
    """Unpaid after its due day (the 45th day after the period's first release)."""
    return not paid and today > due


def first_issue_day(end: date) -> date:
    return end + timedelta(days=PAY_FROM_DAY)


def check_period(start: date, end: date, today: date) -> list[Problem]:
    if end < start:
        return [problem("end", "period_reversed", start=start, end=end)]
    problems = []
    if (end - start).days + 1 > MAX_PERIOD_DAYS:
        problems.append(problem("end", "cbec_settlement_period_long", days=MAX_PERIOD_DAYS,
                                latest=start + timedelta(days=MAX_PERIOD_DAYS - 1)))
    if today < first_issue_day(end):
        problems.append(problem("end", "cbec_settlement_early", end=end, day=first_issue_day(end)))
    return problems


def next_period(first_waiting: date, today: date) -> tuple[date, date] | None:
    """The period the daily job settles for an enterprise whose earliest unsettled release is
    `first_waiting`: from it, as long as allowed and no later than the last day whose window has closed."""
    last_closed = today - timedelta(days=PAY_FROM_DAY)
    if first_waiting > last_closed:
        return None
    return first_waiting, min(first_waiting + timedelta(days=MAX_PERIOD_DAYS - 1), last_closed)
