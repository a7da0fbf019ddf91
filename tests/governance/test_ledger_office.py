"""The ledger office's part of issue 15: the lead unit as a proposal, collective units expanded per
district or zone, tasks without a deadline, 签收, 情况通报 and the unit assessment (考核)."""

from __future__ import annotations

import io
import json
from datetime import date, timedelta
from decimal import Decimal as D
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from bondzone.core import tabular
from bondzone.core.domain.errors import DomainError, Forbidden
from bondzone.core.models import AuditEvent
from bondzone.governance import exports, scores, selectors, services
from bondzone.governance.domain import assessment as rules
from bondzone.governance.domain.notices import OpenTask, ReportState, notice_items
from bondzone.governance.domain.ownership import Expansion, expansion_plan, is_collective, lead_status
from bondzone.governance.models import Acknowledgement, Notice, Reminder, Task, Unit

from .test_pages import client_for


def codes(exc) -> dict[str, str]:
    return {p.field: p.code for p in exc.value.problems}


def audits(action: str) -> int:
    return AuditEvent.objects.filter(action=action).count()


# ---------------------------------------------------------------- pure rules
def test_collective_names_and_lead_status():
    assert is_collective("各综合保税区管理机构") and is_collective("综合保税区所在区政府")
    assert is_collective("各综合保税区所在区政府") and not is_collective("北京海关")
    assert not is_collective("北京经济技术开发区管委会")
    assert lead_status(True, False) == "proposed" and lead_status(True, True) == "confirmed"
    assert lead_status(False, False) == "none"


def test_expansion_plan_skips_owned_members_and_is_idempotent():
    members = {10: [1, 2, 3], 20: [4, 2]}
    plan = expansion_plan([10, 7, 20], members, existing_leads={3})
    assert plan == [Expansion(10, 1), Expansion(10, 2), Expansion(20, 4)]  # 2 named twice: once; 3 owned
    assert expansion_plan([10, 20], members, {1, 2, 3, 4}) == []


def test_notice_items_due_day_is_not_overdue_and_replaced_returns_are_dropped():
    today = date(2026, 5, 10)
    tasks = [OpenTask(1, 5, date(2026, 5, 10), False), OpenTask(2, 5, date(2026, 5, 9), False),
             OpenTask(3, 5, date(2026, 4, 1), True), OpenTask(4, 6, None, False)]
    reports = [ReportState(11, 1, 5, "2026Q1", True, date(2026, 4, 1)),
               ReportState(12, 1, 5, "2026Q1", False, date(2026, 4, 5)),  # replaced the returned one
               ReportState(13, 2, 5, "2026Q1", True, date(2026, 4, 2))]
    items = notice_items(today, tasks, reports)
    assert [(i.kind, i.task_id, i.days_overdue, i.report_id) for i in items] == [
        ("overdue", 2, 1, None), ("returned", 2, None, 13)]


def _fact(due, completed=False, done=None, progress="0", cancelled=False):
    return rules.TaskFact(due, completed, cancelled, done, D(progress))


def test_score_weights_components_and_leaves_missing_ones_out():
    w = rules.DEFAULT_WEIGHTS
    as_of = date(2026, 7, 1)
    facts = rules.UnitFacts(1, [_fact(date(2026, 3, 1), True, date(2026, 2, 20), "100"),
                                _fact(date(2026, 4, 1), True, date(2026, 4, 3), "100"),  # completed late
                                _fact(date(2026, 5, 1), progress="50"),  # open, overdue
                                _fact(date(2026, 9, 1), progress="10"),  # not yet due: results only
                                _fact(date(2026, 6, 1), cancelled=True)], accepted=3, returned=1)
    s = rules.score_unit(facts, w, as_of)
    assert (s.timeliness, s.quality, s.results) == (D("33.33"), D("75.00"), D("65.00"))
    # no service or promotion facts: those two are not scored and the three others carry the weight (30/20/20)
    assert s.missing == ["service", "promotion"]
    assert s.score == ((D(30) * D("33.33") + D(20) * D("75.00") + D(20) * D("65.00")) / 70).quantize(D("0.01"))
    assert (s.tasks, s.on_time, s.late) == (4, 1, 2)
    no_reports = rules.score_unit(rules.UnitFacts(2, [_fact(date(2026, 3, 1), True, None, "100")]), w, as_of)
    assert no_reports.quality is None and no_reports.missing == ["quality", "service", "promotion"]
    assert no_reports.score == D("100.00")  # timeliness and results carry the weight
    assert rules.score_unit(rules.UnitFacts(3), w, as_of).score is None


def test_rank_ties_share_the_lower_rank_and_unscored_come_last():
    def s(unit, score):
        return rules.Score(unit, None, None, None, None if score is None else D(score), 0, 0, 0, 0)

    ranked = rules.rank([s(1, "80"), s(2, "90"), s(3, None), s(4, "80")])
    assert [(r.unit_id, r.rank) for r in ranked] == [(2, 1), (1, 2), (4, 2), (3, None)]


def test_weights_must_sum_to_100():
    assert rules.check_weights(rules.DEFAULT_WEIGHTS) == []
    problems = rules.check_weights({"timeliness": D(50), "quality": D(30), "results": D(30), "service": D(0),
                                    "promotion": D(0)})
    assert [(p.field, p.code) for p in problems] == [("weights", "weights_not_100")]
    assert {p.code for p in rules.check_weights({"timeliness": D(-10), "quality": D(110)})} == {
        "weight_out_of_range", "required"}


@given(st.lists(st.tuples(st.integers(0, 400), st.booleans(), st.integers(0, 100)), max_size=12),
       st.integers(0, 20), st.integers(0, 20), st.integers(0, 100), st.integers(0, 100))
def test_scores_stay_between_0_and_100(tasks, accepted, returned, wt, wq):
    if wt + wq > 100:
        wt, wq = wt // 2, wq // 2
    weights = {"timeliness": D(wt), "quality": D(wq), "results": D(100 - wt - wq), "service": D(0), "promotion": D(0)}
    facts = rules.UnitFacts(1, [_fact(date(2026, 1, 1) + timedelta(days=d), done, None, str(p))
                                for d, done, p in tasks], accepted, returned)
    s = rules.score_unit(facts, weights, date(2026, 7, 1))
    for v in (s.timeliness, s.quality, s.results, s.score):
        assert v is None or D(0) <= v <= D(100)


# ---------------------------------------------------------------- lead unit: a proposal
def test_policy_leads_are_proposals_until_the_office_confirms_or_changes_them(gov):
    commerce, zone = gov.actor("commerce"), gov.actor("zone_a")
    services.load_policy(actor=commerce, text=Path(settings.BONDZONE_SEED_POLICY).read_text(encoding="utf-8"))
    t = Task.objects.get(code="二(三)1")
    assert t.lead_unit.name == "北京海关" and t.lead_status == "proposed"
    assert gov.measure.lead_status == "confirmed"  # chosen by the office when it created the task
    with pytest.raises(Forbidden):
        services.confirm_lead(actor=zone, task_id=t.pk)
    services.confirm_lead(actor=commerce, task_id=t.pk)
    t.refresh_from_db()
    assert t.lead_status == "confirmed" and t.lead_confirmed_by_id == gov.world.users["commerce"].pk
    assert audits("task.confirm_lead") == 1
    services.confirm_lead(actor=commerce, task_id=t.pk)  # again: nothing changes, nothing recorded
    assert audits("task.confirm_lead") == 1
    other = Unit.objects.get(name="市药监局")
    services.confirm_lead(actor=commerce, task_id=t.pk, lead_unit_id=other.pk, note="按职责调整")
    t.refresh_from_db()
    co = set(t.co_units.values_list("name", flat=True))
    assert t.lead_unit == other and "北京海关" in co and "市药监局" not in co
    assert AuditEvent.objects.get(action="task.change_lead").after["note"] == "按职责调整"
    with pytest.raises(DomainError) as e:
        services.confirm_lead(actor=commerce, task_id=t.pk, lead_unit_id=999999)
    assert codes(e) == {"lead_unit_id": "not_found"}
    # shown as such: API, ledger page, export
    api = client_for("commerce").get(f"/api/v1/governance/tasks/{Task.objects.get(code='二(三)2').pk}").json()
    assert api["lead_status"] == "proposed" and api["lead_confirmed_at"] is None
    html = client_for("commerce").get("/governance/").content.decode()
    assert 'data-lead-status="proposed"' in html and 'data-lead-status="confirmed"' in html
    rows = tabular.read_rows(io.BytesIO(exports.export_ledger(commerce, fmt="csv")), "csv", required=["id"], known=None)
    assert {r["lead_status"] for r in rows} >= {"proposed", "confirmed"}


def test_lead_confirmation_page_shows_inline_errors(gov):
    c = client_for("commerce")
    r = c.post(f"/governance/tasks/{gov.measure.pk}/lead/", {"lead_unit_id": "abc"}, follow=True)
    html = r.content.decode()
    assert 'id="lead-lead_unit_id-error"' in html and 'aria-invalid="true"' in html
    r = c.post(f"/governance/tasks/{gov.measure.pk}/lead/", {"lead_unit_id": gov.customs_unit.pk})
    assert r.status_code == 302
    gov.measure.refresh_from_db()
    assert gov.measure.lead_unit == gov.customs_unit and gov.zone_unit in gov.measure.co_units.all()


# ---------------------------------------------------------------- collective units
def _collective(gov, *, co=True):
    coll = Unit.objects.create(name="各综合保税区管理机构", kind="zone_admin")
    b_admin = Unit.objects.create(name="B综保区管理机构", kind="zone_admin", zone=gov.world.zone_b, parent=coll)
    Unit.objects.filter(pk=gov.zone_unit.pk).update(parent=coll)
    commerce = gov.actor("commerce")
    data = {"title": "深化体制机制改革", "code": "三(三)", "due_date": "2026-12-31", "start_date": "2026-01-01"}
    if co:
        data |= {"lead_unit_id": gov.office.pk, "co_unit_ids": [coll.pk, gov.customs_unit.pk]}
    else:
        data |= {"lead_unit_id": coll.pk}
    return coll, b_admin, services.create_task(actor=commerce, data=data)


def test_collective_units_expand_into_one_owned_task_each_and_twice_adds_nothing(gov):
    commerce = gov.actor("commerce")
    coll, b_admin, task = _collective(gov)
    with pytest.raises(Forbidden):
        services.expand_collectives(actor=gov.actor("zone_a"), task_id=task.pk)
    services.update_task(actor=commerce, task_id=task.pk, data={"progress": "35", "status": "in_progress"})
    result = services.expand_collectives(actor=commerce, task_id=task.pk)
    assert result["created"] == 2
    kids = list(Task.objects.filter(parent=task).order_by("position"))
    assert {k.lead_unit_id for k in kids} == {gov.zone_unit.pk, b_admin.pk}
    assert all(k.expanded_from_id == coll.pk and k.due_date == date(2026, 12, 31) for k in kids)
    assert {z.pk for k in kids for z in k.zones.all()} == {gov.world.zone_a.pk, gov.world.zone_b.pk}
    task.refresh_from_db()
    assert task.progress_mode == "average" and task.progress == D(35)  # the shares start where the whole stood
    assert all(k.progress == D(35) and k.status == "in_progress" for k in kids)
    n_audit = audits("task.expand")
    assert services.expand_collectives(actor=commerce, task_id=task.pk)["created"] == 0
    assert Task.objects.filter(parent=task).count() == 2 and audits("task.expand") == n_audit
    # a new member later: only it is added
    Unit.objects.create(name="C综保区管理机构", kind="zone_admin", parent=coll)
    out = io.StringIO()
    call_command("expand_collectives", "--user", "commerce", stdout=out)
    assert json.loads(out.getvalue())["created"] == 1 and Task.objects.filter(parent=task).count() == 3
    call_command("expand_collectives", "--user", "commerce", "--task", str(task.pk), stdout=out)
    assert Task.objects.filter(parent=task).count() == 3
    # zone A's administration now owns its own sub-task and sees it
    own = next(k for k in kids if k.lead_unit_id == gov.zone_unit.pk)
    other = next(k for k in kids if k.lead_unit_id == b_admin.pk)
    seen = services.visible_task_ids(gov.actor("zone_a"))
    assert own.pk in seen and other.pk not in seen


def test_expansion_refusals(gov):
    commerce = gov.actor("commerce")
    with pytest.raises(DomainError) as e:
        services.expand_collectives(actor=commerce, task_id=gov.measure.pk)
    assert codes(e) == {"task_id": "no_collective_unit"}
    coll = Unit.objects.create(name="综合保税区所在区政府", kind="district")
    t = services.create_task(actor=commerce, data={"title": "x", "lead_unit_id": coll.pk})
    with pytest.raises(DomainError) as e:
        services.expand_collectives(actor=commerce, task_id=t.pk)
    assert codes(e) == {"task_id": "collective_without_members"}
    Unit.objects.create(name="顺义区人民政府", kind="district", parent=coll)
    services.create_task(actor=commerce, data={"title": "y", "parent_id": t.pk, "weight": "100"})
    services.set_weights(actor=commerce, task_id=t.pk, mode="weighted", weights={})
    before = Task.objects.count()
    with pytest.raises(DomainError) as e:
        services.expand_collectives(actor=commerce, task_id=t.pk)
    assert codes(e) == {"task_id": "expand_weighted"} and Task.objects.count() == before
    with pytest.raises(CommandError, match="统称单位"):
        call_command("expand_collectives", "--user", "commerce", "--task", str(gov.measure.pk))


def test_expand_button_and_api(gov):
    coll, _b, task = _collective(gov, co=False)
    html = client_for("commerce").get(f"/governance/tasks/{task.pk}/").content.decode()
    assert 'id="expand-form"' in html and "各综合保税区管理机构" in html
    assert 'id="expand-form"' not in client_for("commerce").get(f"/governance/tasks/{gov.measure.pk}/").content.decode()
    r = client_for("commerce").post(f"/api/v1/governance/tasks/{task.pk}/expand")
    assert r.status_code == 200 and r.json()["created"] == 2
    assert client_for("commerce").post(f"/api/v1/governance/tasks/{task.pk}/expand").json()["created"] == 0
    r = client_for("commerce").post(f"/governance/tasks/{task.pk}/expand/", follow=True)
    assert r.status_code == 200


def test_reminders_reach_the_co_units_and_expanded_owners(gov):
    commerce = gov.actor("commerce")
    _coll, b_admin, task = _collective(gov)
    services.expand_collectives(actor=commerce, task_id=task.pk)
    services.run_reminders(actor=commerce, today=date(2026, 12, 28))
    units = set(Reminder.objects.filter(kind="near_due").values_list("unit_id", flat=True))
    assert {gov.office.pk, gov.customs_unit.pk, gov.zone_unit.pk, b_admin.pk} <= units
    n = Reminder.objects.count()
    services.run_reminders(actor=commerce, today=date(2026, 12, 28))
    assert Reminder.objects.count() == n


# ---------------------------------------------------------------- no deadline
def test_a_task_without_a_deadline_is_not_green_and_is_on_the_office_list(gov):
    commerce = gov.actor("commerce")
    t = services.create_task(actor=commerce, data={"title": "建立联席会议制度", "lead_unit_id": gov.office.pk,
                                                   "parent_id": gov.measure.parent_id})
    assert selectors.task_light(t) == "no_deadline"
    row = next(r for r in selectors.ledger(commerce) if r.task.pk == t.pk)
    assert row.light == "no_deadline"
    assert t.pk in set(selectors.without_deadline(commerce).values_list("pk", flat=True))
    assert gov.measure.pk not in set(selectors.without_deadline(commerce).values_list("pk", flat=True))
    c = client_for("commerce")
    html = c.get("/governance/office/").content.decode()
    assert f'data-task="{t.pk}"' in html
    assert client_for("zone_a").get("/governance/office/").status_code == 403
    api = c.get("/api/v1/governance/deadlines/missing").json()["items"]
    assert [x["id"] for x in api] == [t.pk]
    # a bad date is shown under the row; a good one takes the task off the list
    r = c.post(f"/governance/tasks/{t.pk}/deadline/", {"due_date": "2026-02-30"}, follow=True)
    assert f'id="deadline-{t.pk}-due_date-error"' in r.content.decode()
    r = c.post(f"/governance/tasks/{t.pk}/deadline/", {}, follow=True)
    assert f'id="deadline-{t.pk}-due_date-error"' in r.content.decode()
    c.post(f"/governance/tasks/{t.pk}/deadline/", {"due_date": "2030-06-30"})
    t.refresh_from_db()
    assert t.due_date == date(2030, 6, 30) and selectors.task_light(t) != "no_deadline"
    assert not selectors.without_deadline(commerce).filter(pk=t.pk).exists()
    assert "Every open task has a deadline." in c.get("/governance/office/", HTTP_ACCEPT_LANGUAGE="en").content.decode()


# ---------------------------------------------------------------- 签收
def test_units_sign_for_their_tasks_once_and_unsigned_ones_are_listed(gov):
    zone, customs, tax = gov.actor("zone_a"), gov.actor("customs"), gov.actor("tax")
    assert {(r.task.pk, r.unit.pk) for r in selectors.unsigned(zone)} == {(gov.measure.pk, gov.zone_unit.pk)}
    office = {(r.task.pk, r.unit.pk) for r in selectors.unsigned(gov.actor("commerce"))}
    assert {(gov.measure.pk, gov.zone_unit.pk), (gov.measure.pk, gov.customs_unit.pk),
            (gov.other_task.pk, gov.other.pk)} <= office
    ack = services.sign_task(actor=zone, task_id=gov.measure.pk)
    assert ack.unit == gov.zone_unit and ack.signed_by_id == gov.world.users["zone_a"].pk
    again = services.sign_task(actor=zone, task_id=gov.measure.pk, unit_id=gov.zone_unit.pk)
    assert again.pk == ack.pk and Acknowledgement.objects.count() == 1 and audits("task.sign") == 1
    assert selectors.unsigned(zone) == []
    services.sign_task(actor=customs, task_id=gov.measure.pk)  # the co-unit signs too
    assert Acknowledgement.objects.filter(task=gov.measure).count() == 2
    with pytest.raises(DomainError) as e:  # tax cannot see the task at all
        services.sign_task(actor=tax, task_id=gov.measure.pk)
    assert e.value.status == 404
    with pytest.raises(DomainError) as e:  # a member, but not of this unit
        services.sign_task(actor=zone, task_id=gov.measure.pk, unit_id=gov.customs_unit.pk)
    assert codes(e) == {"unit_id": "not_a_member"}
    with pytest.raises(Forbidden):
        services.sign_task(actor=gov.actor("ent_a"), task_id=gov.measure.pk)


def test_sign_page_and_api(gov):
    c = client_for("zone_a")
    html = c.get(f"/governance/tasks/{gov.measure.pk}/").content.decode()
    assert 'id="sign-form"' in html and 'data-testid="not-signed"' in html
    assert f'data-task="{gov.measure.pk}"' in c.get("/governance/unsigned/").content.decode()
    dashboard = c.get(f"/governance/units/{gov.zone_unit.pk}/").content.decode()
    assert f'href="/governance/tasks/{gov.measure.pk}/"' in dashboard.split('id="unit-unsigned"')[1].split("</div>")[0]
    r = c.post(f"/governance/tasks/{gov.measure.pk}/sign/", {"unit_id": gov.zone_unit.pk, "next": "unsigned"})
    assert r.status_code == 302 and r["Location"].endswith("/governance/unsigned/")
    html = c.get(f"/governance/tasks/{gov.measure.pk}/").content.decode()
    assert f'data-signed-unit="{gov.zone_unit.pk}"' in html and "zone_a" in html and 'id="sign-form"' not in html
    en = c.get("/governance/unsigned/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Every task has been signed for." in en
    assert "签收" in c.get("/governance/unsigned/").content.decode()
    api = client_for("customs")
    r = api.post(f"/api/v1/governance/tasks/{gov.measure.pk}/sign", "{}", content_type="application/json")
    assert r.status_code == 201 and r.json()["unit_id"] == gov.customs_unit.pk
    acks = api.get(f"/api/v1/governance/tasks/{gov.measure.pk}/acknowledgements").json()
    assert {a["unit_id"] for a in acks} == {gov.zone_unit.pk, gov.customs_unit.pk}
    r = api.post(f"/api/v1/governance/tasks/{gov.measure.pk}/sign", '{"unit_id": "x"}', content_type="application/json")
    assert r.status_code in (400, 422) and Acknowledgement.objects.count() == 2
    assert client_for("commerce").get("/api/v1/governance/unsigned").json()["count"] >= 1


# ---------------------------------------------------------------- 情况通报
def test_notice_lists_overdue_tasks_and_returned_reports_once_a_month(gov):
    commerce, zone = gov.actor("commerce"), gov.actor("zone_a")
    today = timezone.localdate()
    services.update_task(actor=commerce, task_id=gov.measure.pk, data={"due_date": today - timedelta(days=3)})
    services.update_task(actor=commerce, task_id=gov.other_task.pk, data={"due_date": today})  # due today: not yet
    r = services.submit_report(actor=zone, task_id=gov.measure.pk, unit_id=gov.zone_unit.pk, period="2025Q4",
                               text="t", progress="10")
    services.review_report(actor=commerce, report_id=r.pk, decision="return", reason="请补充佐证材料")
    with pytest.raises(Forbidden):
        services.issue_notice(actor=zone)
    notice, created = services.issue_notice(actor=commerce, today=today)
    assert created and notice.period == today.strftime("%Y-%m")
    items = {(i.kind, i.task_id): i for i in notice.items.all()}
    assert set(items) == {("overdue", gov.measure.pk), ("returned", gov.measure.pk)}
    assert items[("overdue", gov.measure.pk)].days_overdue == 3
    assert items[("returned", gov.measure.pk)].reason == "请补充佐证材料"
    again, created = services.issue_notice(actor=commerce, today=today)
    assert again.pk == notice.pk and not created and Notice.objects.count() == 1 and audits("notice.issue") == 1
    rows = tabular.read_rows(io.BytesIO(exports.export_notice(zone, notice.pk, fmt="csv")), "csv", required=["kind"], known=None)
    assert sorted(r["kind"] for r in rows) == ["overdue", "returned"] and rows[0]["code"] == gov.measure.code
    c = client_for("zone_a")
    assert notice.title in c.get("/governance/notices/").content.decode()
    html = c.get(f"/governance/notices/{notice.pk}/").content.decode()
    assert "请补充佐证材料" in html and 'id="overdue"' in html
    xlsx = c.get(f"/governance/notices/{notice.pk}/export/?format=xlsx")
    assert xlsx.status_code == 200 and xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    assert client_for("ent_a").get("/governance/notices/").status_code == 403
    api = client_for("commerce").get(f"/api/v1/governance/notices/{notice.pk}").json()
    assert {i["kind"] for i in api["items"]} == {"overdue", "returned"}
    assert client_for("commerce").post("/api/v1/governance/notices").status_code == 200  # this month's exists
    assert c.get(f"/api/v1/governance/notices/{notice.pk}/export?format=pdf").status_code == 400


def test_notice_command_and_empty_states(gov, tmp_path):
    c = client_for("commerce")
    assert "No notice has been issued yet." in c.get("/governance/notices/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    out = io.StringIO()
    target = tmp_path / "notice.csv"
    call_command("issue_notice", "--user", "commerce", "--date", "2025-03-15", "--export", str(target), stdout=out)
    result = json.loads(out.getvalue())
    assert result["period"] == "2025-03" and result["created"] and target.read_bytes().startswith(b"\xef\xbb\xbf")
    html = c.get(f"/governance/notices/{result['notice_id']}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "No task was overdue." in html and "No report was waiting after being returned." in html
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("issue_notice", "--user", "commerce", "--date", "15/03/2025")
    # a date far outside the recorded window wrote a notice for "9999-12" (and reminders for it): refused now
    before = Notice.objects.count()
    with pytest.raises(CommandError, match="9999-12-31"):
        call_command("issue_notice", "--user", "commerce", "--date", "9999-12-31")
    with pytest.raises(CommandError, match="9999-12-31"):
        call_command("run_reminders", "--date", "9999-12-31")
    assert Notice.objects.count() == before
    with pytest.raises(CommandError):
        call_command("issue_notice", "--user", "zone_a")


# ---------------------------------------------------------------- 考核
def _scored_year(gov):
    commerce, zone = gov.actor("commerce"), gov.actor("zone_a")
    year = timezone.localdate().year - 1
    services.update_task(actor=commerce, task_id=gov.measure.pk, data={
        "start_date": f"{year}-01-01", "due_date": f"{year}-06-30", "progress": "40"})
    services.update_task(actor=commerce, task_id=gov.other_task.pk, data={
        "start_date": f"{year}-01-01", "due_date": f"{year}-09-30", "status": "completed", "progress": "100"})
    r = services.submit_report(actor=zone, task_id=gov.measure.pk, unit_id=gov.zone_unit.pk, period=f"{year}Q1",
                               text="t", progress="40")
    services.review_report(actor=commerce, report_id=r.pk, decision="accept")
    return year


def test_assessment_scores_units_with_editable_audited_rules(gov):
    commerce = gov.actor("commerce")
    year = _scored_year(gov)
    a = scores.assessment(commerce, year)
    assert a.assumed and a.weights == rules.DEFAULT_WEIGHTS
    by_unit = {u.pk: s for s, u in a.rows}
    zone_s, other_s = by_unit[gov.zone_unit.pk], by_unit[gov.other.pk]
    # the reports are submitted this year, not in `year`: quality not scored for either
    assert (zone_s.timeliness, zone_s.results, zone_s.quality) == (D("0.00"), D("40.00"), None)
    assert (other_s.timeliness, other_s.score, other_s.rank) == (D("100.00"), D("100.00"), 1)
    assert zone_s.score == D("16.00") and zone_s.rank == 2  # (30×0 + 20×40) / 50: no service, promotion data
    with pytest.raises(Forbidden):
        services.set_assessment_rules(actor=gov.actor("zone_a"), year=year,
                                      weights={"timeliness": 50, "quality": 25, "results": 25, "service": 0,
                                               "promotion": 0})
    with pytest.raises(DomainError) as e:
        services.set_assessment_rules(actor=commerce, year=year,
                                      weights={"timeliness": "50", "quality": "30", "results": "30", "service": "0",
                                               "promotion": "0"})
    assert codes(e) == {"weights": "weights_not_100"}
    services.set_assessment_rules(actor=commerce, year=year,
                                  weights={"timeliness": "20", "quality": "20", "results": "60", "service": "0",
                                           "promotion": "0"})
    services.set_assessment_rules(actor=commerce, year=year,  # the same again: no second audit row
                                  weights={"timeliness": "20.00", "quality": "20", "results": "60", "service": "0",
                                           "promotion": "0.0"})
    ev = AuditEvent.objects.get(action="assessment.rules")
    assert ev.before["assumed"] is True and ev.after == {"timeliness": "20", "quality": "20", "results": "60",
                                                         "service": "0", "promotion": "0"}
    a = scores.assessment(commerce, year)
    assert not a.assumed and {u.pk: s for s, u in a.rows}[gov.zone_unit.pk].score == D("30.00")  # 60×40 / 80
    rows = tabular.read_rows(io.BytesIO(exports.export_assessment(commerce, year, fmt="csv")), "csv",
                             required=["unit"], known=None)
    assert [r["unit"] for r in rows] == [gov.other.name, gov.zone_unit.name]
    assert rows[1]["not_scored"] == "quality,service,promotion" and rows[0]["weights_assumed"] == "0"
    out = io.StringIO()
    call_command("assess_units", "--user", "zone_a", "--year", str(year), stdout=out)
    assert gov.zone_unit.name in out.getvalue() and gov.other.name not in out.getvalue()  # its own unit only
    out = io.StringIO()
    call_command("assess_units", "--user", "tax", "--year", str(year), stdout=out)  # a member of no unit
    assert gov.zone_unit.name not in out.getvalue() and gov.other.name not in out.getvalue()
    with pytest.raises(CommandError, match="“1990”超出范围（2000 至 2100）"):
        call_command("assess_units", "--user", "tax", "--year", "1990")


def test_assessment_page_and_api_in_both_languages(gov):
    year = _scored_year(gov)
    c = client_for("commerce")
    zh = c.get(f"/governance/assessment/?year={year}").content.decode()
    assert "考核" in zh and 'data-testid="assumed"' in zh and f'data-unit="{gov.zone_unit.pk}"' in zh
    en = c.get(f"/governance/assessment/?year={year}", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Unit assessment" in en and "Report quality" in en
    empty = c.get("/governance/assessment/?year=2001", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "No unit has a task due, a report reviewed, a service request or a promotion project in this year." in empty
    r = c.post("/governance/assessment/rules/", {"year": year, "timeliness": "abc", "quality": "30",
                                                 "results": "30", "service": "0", "promotion": "0"}, follow=True)
    assert 'id="rules-timeliness-error"' in r.content.decode()
    r = c.post("/governance/assessment/rules/", {"year": year, "timeliness": "40", "quality": "40", "results": "40",
                                                 "service": "0", "promotion": "0"}, follow=True)
    assert 'id="rules-weights-error"' in r.content.decode()
    assert not AuditEvent.objects.filter(action="assessment.rules").exists()
    assert 'id="rules-form"' not in client_for("zone_a").get("/governance/assessment/").content.decode()
    assert client_for("ent_a").get("/governance/assessment/").status_code == 403
    body = {"year": year, "timeliness": "50", "quality": "0", "results": "50", "service": "0", "promotion": "0"}
    r = c.put("/api/v1/governance/assessment/rules", json.dumps(body), content_type="application/json")
    assert r.status_code == 200 and r.json()["weights_assumed"] is False
    r = c.put("/api/v1/governance/assessment/rules", json.dumps({**body, "quality": "10"}),
              content_type="application/json")
    assert r.status_code == 400 and AuditEvent.objects.filter(action="assessment.rules").count() == 1
    api = client_for("zone_a").get(f"/api/v1/governance/assessment?year={year}").json()
    assert {s["unit_id"] for s in api["scores"]} == {gov.zone_unit.pk}  # its own unit only (scopes.score_unit_ids)
    csv = c.get(f"/governance/assessment/export/?year={year}&format=csv")
    head = csv.content.decode("utf-8-sig").splitlines()[0]
    assert csv.status_code == 200 and gov.zone_unit.name in csv.content.decode("utf-8-sig")
    assert "单位 (unit)" in head and "计量单位" not in head  # an organisation, not a unit of measure
