"""情况通报: the circulated notice of overdue tasks and returned reports, worked out from the ledger's
state on a day. Pure rules: no Django."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


class ItemKind:
    OVERDUE = "overdue"
    RETURNED = "returned"


@dataclass(frozen=True)
class OpenTask:
    task_id: int
    unit_id: int | None
    due: date | None
    closed: bool


@dataclass(frozen=True)
class ReportState:
    report_id: int
    task_id: int
    unit_id: int
    period: str
    returned: bool
    submitted_at: date


@dataclass(frozen=True)
class NoticeItem:
    kind: str
    task_id: int
    unit_id: int | None
    days_overdue: int | None = None
    report_id: int | None = None


def notice_period(today: date) -> str:
    """One notice a month: its period is YYYY-MM."""
    return f"{today.year:04d}-{today.month:02d}"


def notice_items(today: date, tasks: list[OpenTask], reports: list[ReportState]) -> list[NoticeItem]:
    """Overdue = open with a due date before today (the due day itself is not overdue); returned = a
    returned report that the unit has not replaced by a later report for the same task and period."""
    items: list[NoticeItem] = []
    for t in sorted(tasks, key=lambda t: (t.due or date.max, t.task_id)):
        if not t.closed and t.due is not None and t.due < today:
            items.append(NoticeItem(ItemKind.OVERDUE, t.task_id, t.unit_id, days_overdue=(today - t.due).days))
    latest: dict[tuple[int, int, str], ReportState] = {}
    for r in sorted(reports, key=lambda r: (r.submitted_at, r.report_id)):
        latest[(r.task_id, r.unit_id, r.period)] = r
    for r in sorted(latest.values(), key=lambda r: r.report_id):
        if r.returned:
            items.append(NoticeItem(ItemKind.RETURNED, r.task_id, r.unit_id, report_id=r.report_id))
    return items
