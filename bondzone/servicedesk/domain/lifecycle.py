"""The life of a service request (诉求): which step is allowed in which status, and the rates over many.

submitted → dispatched → signed → in_progress → replied → closed. A returned request (退单) goes back to
submitted for the dispatcher; a transfer (转办) dispatches it to another unit; feedback or a callback
(回访) closes a replied request."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from bondzone.core.domain.errors import Problem, problem


class Status(StrEnum):
    SUBMITTED = "submitted"
    DISPATCHED = "dispatched"
    SIGNED = "signed"
    IN_PROGRESS = "in_progress"
    REPLIED = "replied"
    CLOSED = "closed"


class Step(StrEnum):
    DISPATCH = "dispatch"
    TRANSFER = "transfer"
    RETURN = "return"
    SIGN = "sign"
    START = "start"
    ADD_CO_UNIT = "add_co_unit"
    EXTEND = "extend"
    PAUSE = "pause"
    RESUME = "resume"
    REMIND = "remind"
    ESCALATE = "escalate"
    REPLY = "reply"
    FEEDBACK = "feedback"
    CALLBACK = "callback"
    NOTE = "note"


class Kind(StrEnum):
    CONSULTATION = "consultation"  # 咨询
    HELP = "help"  # 求助
    COMPLAINT = "complaint"  # 投诉
    REPORT = "report"  # 举报
    SUGGESTION = "suggestion"  # 建议


class Satisfaction(StrEnum):
    SATISFIED = "satisfied"
    BASICALLY = "basically"
    UNSATISFIED = "unsatisfied"


S = Status
ALLOWED: dict[Step, frozenset[Status]] = {
    Step.DISPATCH: frozenset({S.SUBMITTED}),
    Step.TRANSFER: frozenset({S.DISPATCHED, S.SIGNED, S.IN_PROGRESS}),
    Step.RETURN: frozenset({S.DISPATCHED}),
    Step.SIGN: frozenset({S.DISPATCHED}),
    Step.START: frozenset({S.SIGNED}),
    Step.ADD_CO_UNIT: frozenset({S.DISPATCHED, S.SIGNED, S.IN_PROGRESS}),
    Step.EXTEND: frozenset({S.DISPATCHED, S.SIGNED, S.IN_PROGRESS}),
    Step.PAUSE: frozenset({S.SIGNED, S.IN_PROGRESS}),
    Step.RESUME: frozenset({S.SIGNED, S.IN_PROGRESS}),
    Step.REMIND: frozenset({S.DISPATCHED, S.SIGNED, S.IN_PROGRESS}),
    Step.ESCALATE: frozenset({S.SIGNED, S.IN_PROGRESS}),
    Step.REPLY: frozenset({S.SIGNED, S.IN_PROGRESS}),
    Step.FEEDBACK: frozenset({S.REPLIED}),
    Step.CALLBACK: frozenset({S.REPLIED}),
    Step.NOTE: frozenset(set(Status)),
}
NEXT: dict[Step, Status] = {
    Step.DISPATCH: S.DISPATCHED, Step.TRANSFER: S.DISPATCHED, Step.RETURN: S.SUBMITTED, Step.SIGN: S.SIGNED,
    Step.START: S.IN_PROGRESS, Step.REPLY: S.REPLIED, Step.FEEDBACK: S.CLOSED, Step.CALLBACK: S.CLOSED,
}
OPEN_STATUSES = frozenset({S.SUBMITTED, S.DISPATCHED, S.SIGNED, S.IN_PROGRESS})


def check_step(step: Step, status: str, *, paused: bool = False) -> list[Problem]:
    if Status(status) not in ALLOWED[step]:
        return [problem("status", "request_wrong_state", state=status, step=step.value)]
    if step == Step.PAUSE and paused:
        return [problem("status", "request_already_paused")]
    if step == Step.RESUME and not paused:
        return [problem("status", "request_not_paused")]
    if paused and step in (Step.REPLY, Step.START, Step.TRANSFER, Step.EXTEND):
        return [problem("status", "request_paused")]
    return []


def next_status(step: Step, status: str) -> Status:
    return NEXT.get(step, Status(status))


@dataclass(frozen=True)
class Tally:
    """Counts over a group of requests, from which the five rates are computed."""

    total: int = 0
    dispatched: int = 0
    signed_on_time: int = 0
    replied: int = 0
    replied_on_time: int = 0
    rated: int = 0
    satisfied_or_basically: int = 0
    solved: int = 0
    handling_days_sum: Decimal = Decimal(0)


def _pct(part: int, whole: int) -> Decimal | None:
    return None if not whole else (Decimal(100) * part / whole).quantize(Decimal("0.1"))


def rates(t: Tally) -> dict[str, Decimal | None]:
    """响应率 signed in time ÷ dispatched; 解决率 solved ÷ rated; 满意率 (satisfied + basically) ÷ rated;
    on-time replied in time ÷ replied; average working days from filing to reply."""
    return {
        "response_rate": _pct(t.signed_on_time, t.dispatched),
        "solution_rate": _pct(t.solved, t.rated),
        "satisfaction_rate": _pct(t.satisfied_or_basically, t.rated),
        "on_time_rate": _pct(t.replied_on_time, t.replied),
        "average_days": None if not t.replied else (Decimal(t.handling_days_sum) / t.replied).quantize(Decimal("0.01")),
    }
