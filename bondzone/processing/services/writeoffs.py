"""The period write-off (核销): requested by the enterprise or customs, computed by a background job
(tasks.py, on core/jobs' Celery app) with its progress on the row, stored as an immutable snapshot (a
trigger refuses UPDATE of its lines and of a finished write-off)."""

from __future__ import annotations

import logging
from functools import partial

from django.db import transaction
from django.utils import timezone

from bondzone.core import audit, idempotency, rawrows
from bondzone.core.actor import SYSTEM, Actor
from bondzone.core.domain.errors import DomainError, problem
from bondzone.core.domain.inputs import collect_date

from .. import selectors, tasks
from ..domain.writeoff import fold
from ..models import FAILED, WriteOff, WriteOffLine
from .common import processing_book

log = logging.getLogger(__name__)
MAX_DAYS = 400  # a processing book's write-off cycle is at most a year (§1.2), with room for its edges


def request_writeoff(*, actor: Actor, book_id: int, period_start, period_end, background: bool = True,
                     idempotency_key: str | None = None) -> WriteOff:
    """Queue a write-off; `background`: send its task after commit (tasks.py) — the CLI runs it itself instead.
    With an `idempotency_key`, a repeated request (a double click, a client's retry) answers with the write-off
    the first one queued instead of queuing another."""
    actor.require("processing.write_off")
    book = processing_book(actor, book_id)
    problems = []
    start = collect_date(period_start, "period_start", problems)
    end = collect_date(period_end, "period_end", problems)
    for name, value in (("period_start", start), ("period_end", end)):
        if value is None and not any(p.field == name for p in problems):
            problems.append(problem(name, "required"))
    if start and end:
        if end < start:
            problems.append(problem("period_end", "end_before_start", start=start, end=end))
        elif (end - start).days >= MAX_DAYS:
            problems.append(problem("period_end", "period_too_long", max=MAX_DAYS))
        if end > timezone.localdate():
            problems.append(problem("period_end", "date_in_future", value=end))
    if problems:
        raise DomainError(problems)

    def do() -> dict:
        job = WriteOff.objects.create(book=book, enterprise_id=book.enterprise_id, zone_id=book.zone_id,
                                      period_start=start, period_end=end, requested_by_id=actor.user_id)
        audit.record(actor, "writeoff.request", job, after={"book": book.number, "start": start.isoformat(),
                                                            "end": end.isoformat()})
        if background:
            transaction.on_commit(partial(tasks.enqueue_writeoff, job.pk))
        return {"writeoff_id": job.pk}

    if idempotency_key is None:
        with transaction.atomic(durable=True):
            result = do()
    else:
        payload = {"book_id": book_id, "period_start": start.isoformat(), "period_end": end.isoformat()}
        result, _ = idempotency.run(actor, idempotency_key, "writeoff.request", payload, do)
    return WriteOff.objects.get(pk=result["writeoff_id"])


def _progress(job_id: int, value: int) -> None:
    WriteOff.objects.filter(pk=job_id, status="running").update(progress=value)


def run_writeoff(job_id: int) -> bool:
    """Compute one queued write-off; False if another runner has it (or it is not queued)."""
    if not WriteOff.objects.filter(pk=job_id, status="queued").update(status="running", started_at=timezone.now()):
        return False
    job = WriteOff.objects.get(pk=job_id)
    try:
        opening, sums, explaining = selectors.flow_sums(job.book_id, job.period_start, job.period_end)
        _progress(job_id, 50)
        closing = dict(opening)
        for s in sums:
            closing[s.key] = closing.get(s.key, 0) + s.quantity
        rows = fold(opening, sums, closing, explaining)
        differing = sum(1 for r in rows if r.difference)
        with transaction.atomic():
            rawrows.insert_rows([
                WriteOffLine(writeoff_id=job_id, item_no=r.item_no, goods_status=r.goods_status, opening=r.opening,
                             inward=r.inward, outward=r.outward, consumed=r.consumed, produced=r.produced,
                             computed_closing=r.computed_closing, book_closing=r.book_closing,
                             difference=r.difference, explained_by=r.explained_by)
                for r in rows])
            WriteOff.objects.filter(pk=job_id).update(status="done", progress=100, rows=len(rows),
                                                      differences=differing, finished_at=timezone.now())
            audit.record(SYSTEM, "writeoff.done", job, after={"rows": len(rows), "differences": differing})
    except Exception as exc:  # the row says that it failed, in words (WriteOff.failure); the detail stays technical:
        log.exception("write-off %s failed", job_id)  # the log has the trace
        detail = f"{type(exc).__name__}: {exc}"[:500]
        with transaction.atomic():
            WriteOff.objects.filter(pk=job_id).update(status="failed", error=FAILED, finished_at=timezone.now())
            audit.record(SYSTEM, "writeoff.fail", job, after={"error": detail})  # …and the audit trail its text
        return False
    return True


def run_queued() -> int:
    """Run every queued write-off (the `run-jobs` worker and recovery after a restart)."""
    done = 0
    for job_id in WriteOff.objects.filter(status="queued").order_by("requested_at").values_list("pk", flat=True):
        done += run_writeoff(job_id)
    return done


