"""整改 from the exit watch: one ledger task and one joint-meeting issue per run and zone, written by
governance's services; refusals write nothing."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import timezone

from bondzone.core.domain.errors import DomainError, Forbidden
from bondzone.core.domain.workdays import add_working_days
from bondzone.core.models import AuditEvent
from bondzone.core.selectors import work_calendar
from bondzone.evaluation import selectors, services
from bondzone.evaluation.models import Rectification
from bondzone.governance import services as governance_services
from bondzone.governance.models import Issue, Task, UnitKind

from .conftest import PREVIOUS, make_run
from .test_api import API, client_for, send
from .test_pages import EN, html


OPENED_ON = date(2026, 3, 2)  # inside the seeded working-day calendar, whatever the machine's date


def written() -> tuple:
    return tuple(m.objects.count() for m in (Task, Issue, Rectification, AuditEvent))


@pytest.fixture
def watched(ev):
    """Runs of two consecutive years, the newest public; the first watched zone linked to the platform zone A, whose zone
    administration unit is in the ledger."""
    make_run(ev, year=PREVIOUS)
    run = make_run(ev, seed=1, public=True)
    zone = selectors.exit_watch_zones(ev.actor("commerce"), run)[0]
    if zone.zone_id != ev.world.zone_a.pk:
        type(zone).objects.filter(zone=ev.world.zone_a).update(zone=None)
        zone.zone = ev.world.zone_a
        zone.save(update_fields=["zone"])
    unit = governance_services.create_unit(actor=ev.actor("commerce"), name="天竺综保区管委会",
                                           kind=UnitKind.ZONE_ADMIN, zone_id=ev.world.zone_a.pk)
    return run, zone, unit


def test_opening_creates_one_task_and_one_issue_and_a_second_call_writes_nothing(ev, watched):
    run, zone, unit = watched
    before = written()
    done = services.open_rectification(actor=ev.actor("commerce"), run_id=run.pk, zone_id=zone.pk, today=OPENED_ON)
    tasks, issues, rects, audits = (after - b for after, b in zip(written(), before, strict=True))
    assert (tasks, issues, rects) == (1, 1, 1) and audits >= 2
    task, issue = Task.objects.get(pk=done.task_id), Issue.objects.get(pk=done.issue_id)
    assert zone.name_zh in task.title and str(run.year) in task.title
    assert task.lead_unit_id == unit.pk and list(task.zones.values_list("pk", flat=True)) == [ev.world.zone_a.pk]
    assert task.start_date == OPENED_ON
    assert task.due_date == add_working_days(work_calendar(), OPENED_ON, services.RECTIFICATION_WORKDAYS)
    assert issue.zone_id == ev.world.zone_a.pk and f"#{task.pk}" in issue.description
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"task.create", "issue.raise", "evaluation.rectification_opened"} <= actions

    before = written()
    again = services.open_rectification(actor=ev.actor("admin"), run_id=run.pk, zone_id=zone.pk, today=OPENED_ON)
    assert (again.task_id, again.issue_id) == (task.pk, issue.pk) and written() == before


def _refused(exc, **kwargs) -> DomainError:
    before = written()
    with pytest.raises(exc) as info:
        services.open_rectification(**kwargs)
    assert written() == before
    return info.value


def test_refusals_write_nothing(ev, watched):
    run, zone, unit = watched
    watch = {z.pk for z in selectors.exit_watch_zones(ev.actor("commerce"), run)}
    outside = next(z for z in ev.zones.values() if z.pk not in watch)
    err = _refused(DomainError, actor=ev.actor("commerce"), run_id=run.pk, zone_id=outside.pk)
    assert [p.code for p in err.problems] == ["zone_not_on_exit_watch"]
    _refused(Forbidden, actor=ev.actor("zone_a"), run_id=run.pk, zone_id=zone.pk)
    _refused(Forbidden, actor=ev.actor("tax"), run_id=run.pk, zone_id=zone.pk)
    services.publish_run(actor=ev.actor("commerce"), run_id=run.pk, public=False)
    err = _refused(DomainError, actor=ev.actor("commerce"), run_id=run.pk, zone_id=zone.pk)
    assert [p.code for p in err.problems] == ["run_not_published"]


def test_a_due_date_beyond_the_calendar_is_refused_and_nothing_is_kept(ev, watched):
    run, zone, unit = watched
    err = _refused(DomainError, actor=ev.actor("commerce"), run_id=run.pk, zone_id=zone.pk,
                   today=date(max(work_calendar().years), 12, 1))
    assert [p.code for p in err.problems] == ["calendar_year_missing"]


def test_a_zone_without_administration_unit_is_refused(ev, watched):
    run, zone, unit = watched
    type(zone).objects.filter(pk=zone.pk).update(zone=None)
    err = _refused(DomainError, actor=ev.actor("commerce"), run_id=run.pk, zone_id=zone.pk)
    assert [p.code for p in err.problems] == ["zone_without_administration"]


@pytest.fixture
def opened_on(monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *args: OPENED_ON)


def test_api_opens_once_and_the_run_page_links_the_task(ev, watched, opened_on):
    run, zone, unit = watched
    url = f"/evaluation/runs/{run.pk}/"
    page = html(client_for("commerce").get(url, **EN))
    buttons = page.count('data-testid="rectify"')
    assert buttons == len(selectors.exit_watch_zones(ev.actor("commerce"), run)) and 'data-confirm=' in page
    assert 'data-testid="rectification-task"' not in page
    assert 'data-testid="rectify"' not in html(client_for("tax").get(url, **EN))

    c = client_for("commerce")
    path = f"{API}/runs/{run.pk}/exit-watch/{zone.pk}/rectification"
    first = send(c, "POST", path)
    assert first.status_code == 200, first.content
    before = written()
    second = send(c, "POST", path)
    assert second.json() == first.json() and written() == before
    body = first.json()
    assert body["task_lead_unit_id"] == unit.pk and body["zone_id"] == zone.pk

    page = html(client_for("commerce").get(url, **EN))
    assert f'href="/governance/tasks/{body["task_id"]}/" data-testid="rectification-task"' in page
    assert page.count('data-testid="rectify"') == buttons - 1
    assert send(client_for("tax"), "POST", path).status_code == 403


def test_the_page_button_opens_rectification(ev, watched, opened_on):
    run, zone, unit = watched
    r = client_for("commerce").post(f"/evaluation/runs/{run.pk}/exit-watch/{zone.pk}/rectification")
    assert r.status_code == 302
    assert Rectification.objects.filter(run=run, zone=zone, task__lead_unit=unit, issue__isnull=False).count() == 1
