"""Concurrent reviews of sibling reports and concurrent reminder runs on PostgreSQL: the parent's
rolled-up progress is never stale and the reminder job never duplicates or fails."""

from __future__ import annotations

import threading
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection, connections

from bondzone.governance import services
from bondzone.governance.models import Reminder, Task

from ..conftest import build_world
from .conftest import build_gov

pytestmark = pytest.mark.postgres
THREADS = 6


def _run(fn, n):
    errors: list[BaseException] = []
    barrier = threading.Barrier(n)

    def worker(i):
        try:
            barrier.wait()
            fn(i)
        except BaseException as exc:  # noqa: BLE001 - asserted below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return errors


def test_sibling_reviews_never_leave_a_stale_parent(ledger_triggers):
    if connection.vendor != "postgresql":
        pytest.skip("row locking is exercised on PostgreSQL (SQLite serialises writers)")
    world = build_world()
    gov = build_gov(world)
    commerce, zone = world.actor("commerce"), world.actor("zone_a")
    parent = services.create_task(actor=commerce, data={"title": "P", "progress_mode": "average"})
    kids, reports = [], []
    for i in range(THREADS):
        kid = services.create_task(actor=commerce, data={"title": f"k{i}", "parent_id": parent.pk,
                                                         "lead_unit_id": gov.zone_unit.pk})
        kids.append(kid)
        reports.append(services.submit_report(actor=zone, task_id=kid.pk, unit_id=gov.zone_unit.pk, period="2025Q3",
                                              text="t", progress=str(10 * (i + 1))))
    errors = _run(lambda i: services.review_report(actor=commerce, report_id=reports[i].pk, decision="accept"),
                  THREADS)
    assert errors == []
    expected = sum(Decimal(10 * (i + 1)) for i in range(THREADS)) / THREADS
    assert Task.objects.get(pk=parent.pk).progress == expected.quantize(Decimal("0.01"))


def test_concurrent_reminder_runs_create_each_reminder_once(ledger_triggers):
    if connection.vendor != "postgresql":
        pytest.skip("exercised on PostgreSQL")
    world = build_world()
    gov = build_gov(world)
    commerce = world.actor("commerce")
    for t in (gov.measure, gov.other_task):
        services.update_task(actor=commerce, task_id=t.pk, data={"due_date": "2025-10-09"})
    errors = _run(lambda i: services.run_reminders(actor=commerce, today=date(2025, 9, 30)), 4)
    assert errors == []
    assert Reminder.objects.filter(kind="near_due").count() == 3  # measure: lead + co-unit; other task: lead
    assert Reminder.objects.count() == len(set(Reminder.objects.values_list("task_id", "kind", "period", "unit_id")))


def test_concurrent_expansions_and_signatures_create_each_row_once(ledger_triggers):
    if connection.vendor != "postgresql":
        pytest.skip("exercised on PostgreSQL")
    from bondzone.governance.models import Acknowledgement, Unit

    world = build_world()
    gov = build_gov(world)
    commerce = world.actor("commerce")
    coll = Unit.objects.create(name="各综合保税区管理机构", kind="zone_admin")
    Unit.objects.filter(pk=gov.zone_unit.pk).update(parent=coll)
    Unit.objects.create(name="B综保区管理机构", kind="zone_admin", zone=world.zone_b, parent=coll)
    task = services.create_task(actor=commerce, data={"title": "深化体制机制改革", "lead_unit_id": coll.pk})
    errors = _run(lambda i: services.expand_collectives(actor=commerce, task_id=task.pk), 4)
    assert errors == [] and Task.objects.filter(parent=task).count() == 2
    errors = _run(lambda i: services.sign_task(actor=world.actor("zone_a"), task_id=gov.measure.pk), 4)
    assert errors == [] and Acknowledgement.objects.filter(task=gov.measure).count() == 1


def test_concurrent_freezes_store_one_version_and_refuse_the_others(ledger_triggers):
    if connection.vendor != "postgresql":
        pytest.skip("exercised on PostgreSQL")
    from bondzone.core.domain.errors import Conflict
    from bondzone.governance.models import AssessmentFreeze

    world = build_world()
    build_gov(world)
    commerce = world.actor("commerce")
    errors = _run(lambda i: services.freeze_assessment(actor=commerce, year=2025), 4)
    assert AssessmentFreeze.objects.filter(year=2025).count() == 1
    assert len(errors) == 3 and all(isinstance(e, Conflict) and e.problems[0].code == "assessment_frozen"
                                    for e in errors)
