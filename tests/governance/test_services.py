"""Services: the seed load, task writes with bad input (nothing written), reports with evidence and
review, extensions, annual lists, issues and decisions, reminders, export and id-keyed re-import."""

from __future__ import annotations

import hashlib
import io
from datetime import date
from decimal import Decimal as D
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction

from bondzone.core import tabular
from bondzone.core.domain.errors import DomainError, Forbidden, NotFound
from bondzone.core.models import AuditEvent
from bondzone.governance import exports, selectors, services
from bondzone.governance.models import (
    AnnualList, Decision, Evidence, ExtensionRequest, Issue, ListItem, Policy, ProgressReport, Reminder, Task, Unit,
)


def snapshot():
    return tuple(m.objects.count() for m in (Task, Unit, Policy, ProgressReport, Evidence, ExtensionRequest,
                                             AnnualList, ListItem, Issue, Decision, Reminder, AuditEvent))


def codes(exc: DomainError) -> dict[str, str]:
    return {p.field: p.code for p in exc.value.problems}


# ---------------------------------------------------------------- the seed
def test_load_policy_command_prints_counts_checked_against_the_text(db):
    text = Path(settings.BONDZONE_SEED_POLICY).read_text(encoding="utf-8")
    expected_lines = sum("责任单位" in line for line in text.splitlines())
    assert expected_lines == 17
    out = io.StringIO()
    call_command("load_policy", stdout=out)
    printed = out.getvalue()
    assert f"{expected_lines} measures" in printed and f"({expected_lines} 责任单位 lines" in printed
    assert "24 tasks" in printed and "35 units" in printed
    policy = Policy.objects.get(code="京政发〔2021〕33号")
    measures = Task.objects.filter(policy=policy, children__isnull=True)
    assert measures.count() == expected_lines
    assert all(m.lead_unit_id for m in measures)
    m = Task.objects.get(code="二(二)1")
    assert m.lead_unit.name == "各综合保税区管理机构" and m.co_units.count() == 7
    assert Task.objects.get(code="二(一)").progress_mode == "average"
    assert Unit.objects.get(name="北京海关").kind == "customs"
    assert AuditEvent.objects.filter(action="policy.load").count() == 1
    before = snapshot()
    out = io.StringIO()
    call_command("load_policy", stdout=out)  # loading again changes nothing
    assert "Already loaded" in out.getvalue() and snapshot() == before


def test_load_policy_refuses_text_without_measures(gov):
    before = snapshot()
    with pytest.raises(DomainError) as e:
        services.load_policy(actor=gov.actor("commerce"), text="京政发〔2099〕1号\n没有任务。")
    assert codes(e) == {"text": "policy_parse_failed"} and snapshot() == before
    with pytest.raises(Forbidden):
        services.load_policy(actor=gov.actor("zone_a"), text="x")


# ---------------------------------------------------------------- tasks and bad input
def test_due_before_start_is_a_field_error_and_writes_nothing(gov):
    before = snapshot()
    with pytest.raises(DomainError) as e:
        services.create_task(actor=gov.actor("commerce"), data={
            "title": "x", "start_date": "2025-05-01", "due_date": "2025-04-30"})
    assert codes(e) == {"due_date": "end_before_start"}
    with pytest.raises(DomainError) as e:
        services.update_task(actor=gov.actor("commerce"), task_id=gov.measure.pk, data={"due_date": "2024-12-31"})
    assert codes(e) == {"due_date": "end_before_start"}
    assert snapshot() == before
    assert Task.objects.get(pk=gov.measure.pk).due_date == date(2025, 12, 31)


def test_cycle_in_the_tree_is_refused(gov):
    commerce = gov.actor("commerce")
    root = gov.measure.parent
    sub = services.create_task(actor=commerce, data={"title": "sub", "parent_id": gov.measure.pk})
    before = snapshot()
    for target, parent in ((root.pk, sub.pk), (gov.measure.pk, gov.measure.pk)):
        with pytest.raises(DomainError) as e:
            services.update_task(actor=commerce, task_id=target, data={"parent_id": parent})
        assert codes(e) == {"parent_id": "task_cycle"}
    assert snapshot() == before and Task.objects.get(pk=root.pk).parent_id is None


def test_weights_must_sum_to_100_and_roll_up_is_recomputed(gov):
    commerce = gov.actor("commerce")
    root = gov.measure.parent
    before = snapshot()
    with pytest.raises(DomainError) as e:
        services.set_weights(actor=commerce, task_id=root.pk, mode="weighted",
                             weights={str(gov.measure.pk): "70", str(gov.other_task.pk): "20"})
    assert codes(e) == {"weights": "weights_not_100"} and "90" in str(e.value.problems[0].params["total"])
    assert snapshot() == before
    assert Task.objects.get(pk=gov.measure.pk).weight is None
    services.update_task(actor=commerce, task_id=gov.measure.pk, data={"progress": "50"})
    services.update_task(actor=commerce, task_id=gov.other_task.pk, data={"progress": "100"})
    assert Task.objects.get(pk=root.pk).progress == D(75)  # average
    services.set_weights(actor=commerce, task_id=root.pk, mode="weighted",
                         weights={str(gov.measure.pk): "70", str(gov.other_task.pk): "30"})
    assert Task.objects.get(pk=root.pk).progress == D(65)  # 50×0.7 + 100×0.3
    # a single weight change that breaks the sum is refused
    with pytest.raises(DomainError) as e:
        services.update_task(actor=commerce, task_id=gov.measure.pk, data={"weight": "60"})
    assert codes(e) == {"weight": "weights_not_100"}
    # adding a child under a weighted parent needs the weights to still add up
    with pytest.raises(DomainError):
        services.create_task(actor=commerce, data={"title": "third", "parent_id": root.pk, "weight": "10"})
    assert Task.objects.filter(parent=root).count() == 2


def test_only_the_ledger_office_changes_tasks(gov):
    with pytest.raises(Forbidden):
        services.update_task(actor=gov.actor("zone_a"), task_id=gov.measure.pk, data={"title": "mine"})


# ---------------------------------------------------------------- reports
def test_report_with_evidence_then_accept_moves_progress_up_the_tree(gov, media_root):
    zone = gov.actor("zone_a")
    f = SimpleUploadedFile("证明.pdf", b"%PDF-1.4 evidence", content_type="application/pdf")
    r = services.submit_report(actor=zone, task_id=gov.measure.pk, unit_id=gov.zone_unit.pk, period="2025Q3",
                               text="done half", progress="60", files=[f])
    ev = r.evidence.get()
    assert ev.sha256 == hashlib.sha256(b"%PDF-1.4 evidence").hexdigest() and ev.size == 17
    assert Path(ev.file.path).is_file() and str(ev.file.path).startswith(media_root)
    assert Task.objects.get(pk=gov.measure.pk).progress == D(0)  # not before review
    services.review_report(actor=gov.actor("commerce"), report_id=r.pk, decision="accept")
    t = Task.objects.get(pk=gov.measure.pk)
    assert t.progress == D(60) and t.status == "in_progress"
    assert Task.objects.get(pk=t.parent_id).progress == D(30)  # average of 60 and 0
    assert AuditEvent.objects.filter(action="report.accept", object_id=str(r.pk)).exists()


def test_report_for_a_task_of_another_unit_is_refused(gov):
    zone = gov.actor("zone_a")
    commerce = gov.actor("commerce")
    services.update_task(actor=commerce, task_id=gov.other_task.pk, data={"published": True})  # zone_a can see it
    before = snapshot()
    with pytest.raises(DomainError) as e:
        services.submit_report(actor=zone, task_id=gov.other_task.pk, unit_id=gov.zone_unit.pk, period="2025Q3",
                               text="x", progress="10", files=[SimpleUploadedFile("a.txt", b"a")])
    assert codes(e) == {"task_id": "task_not_of_unit"}
    # reporting in the name of a unit one is not a member of
    with pytest.raises(DomainError) as e:
        services.submit_report(actor=zone, task_id=gov.measure.pk, unit_id=gov.customs_unit.pk, period="2025Q3",
                               text="x", progress="10")
    assert codes(e) == {"unit_id": "not_a_member"}
    # an unpublished task of another unit is not even visible
    services.update_task(actor=commerce, task_id=gov.other_task.pk, data={"published": False})
    before = snapshot()
    with pytest.raises(NotFound):
        services.submit_report(actor=zone, task_id=gov.other_task.pk, unit_id=gov.zone_unit.pk, period="2025Q3",
                               text="x", progress="10")
    assert snapshot() == before and not Evidence.objects.exists()


def test_report_bad_fields_all_reported_at_once(gov):
    before = snapshot()
    with pytest.raises(DomainError) as e:
        services.submit_report(actor=gov.actor("zone_a"), task_id=gov.measure.pk, unit_id=gov.zone_unit.pk,
                               period="2025Q9", text="", progress="120")
    assert codes(e) == {"period": "bad_period", "text": "required", "progress": "progress_out_of_range"}
    assert snapshot() == before


def test_co_unit_may_report_and_return_needs_a_reason(gov):
    r = services.submit_report(actor=gov.actor("customs"), task_id=gov.measure.pk, unit_id=gov.customs_unit.pk,
                               period="2025-09", text="customs part", progress="20")
    with pytest.raises(DomainError) as e:
        services.review_report(actor=gov.actor("commerce"), report_id=r.pk, decision="return")
    assert codes(e) == {"reason": "reason_required"}
    services.review_report(actor=gov.actor("commerce"), report_id=r.pk, decision="return", reason="补充材料")
    r.refresh_from_db()
    assert r.status == "returned" and r.return_reason == "补充材料"
    assert Task.objects.get(pk=gov.measure.pk).progress == D(0)
    with pytest.raises(DomainError) as e:
        services.review_report(actor=gov.actor("commerce"), report_id=r.pk, decision="accept")
    assert codes(e) == {"status": "report_wrong_state"}
    with pytest.raises(Forbidden):
        services.review_report(actor=gov.actor("zone_a"), report_id=r.pk, decision="accept")


def test_reports_are_scoped_to_the_units(gov):
    r = services.submit_report(actor=gov.actor("customs"), task_id=gov.measure.pk, unit_id=gov.customs_unit.pk,
                               period="2025-09", text="customs part", progress="20")
    assert list(selectors.reports(gov.actor("customs"))) == [r]
    assert list(selectors.reports(gov.actor("zone_a"))) == []  # another unit's report
    assert list(selectors.reports(gov.actor("commerce"))) == [r]
    assert list(selectors.reports(gov.actor("ent_a"))) == []


# ---------------------------------------------------------------- extensions
def test_extension_only_before_due_and_approval_moves_the_date(gov):
    zone = gov.actor("zone_a")
    before = snapshot()
    with pytest.raises(DomainError) as e:
        services.request_extension(actor=zone, task_id=gov.measure.pk, unit_id=gov.zone_unit.pk,
                                   new_due="2026-03-31", reason="late", today=date(2025, 12, 31))
    assert codes(e) == {"new_due": "extension_after_due"}
    with pytest.raises(DomainError) as e:
        services.request_extension(actor=zone, task_id=gov.measure.pk, unit_id=gov.zone_unit.pk,
                                   new_due="2025-12-01", reason="x", today=date(2025, 11, 1))
    assert codes(e) == {"new_due": "extension_not_later"}
    assert snapshot() == before
    ext = services.request_extension(actor=zone, task_id=gov.measure.pk, unit_id=gov.zone_unit.pk,
                                     new_due="2026-03-31", reason="用地审批延后", today=date(2025, 11, 1))
    with pytest.raises(DomainError) as e:
        services.request_extension(actor=zone, task_id=gov.measure.pk, unit_id=gov.zone_unit.pk,
                                   new_due="2026-04-30", reason="again", today=date(2025, 11, 2))
    assert codes(e) == {"task_id": "extension_pending"}
    services.decide_extension(actor=gov.actor("commerce"), extension_id=ext.pk, approve=True)
    assert Task.objects.get(pk=gov.measure.pk).due_date == date(2026, 3, 31)
    with pytest.raises(DomainError):
        services.decide_extension(actor=gov.actor("commerce"), extension_id=ext.pk, approve=False, note="no")


# ---------------------------------------------------------------- annual lists
def test_annual_list_items_spawn_tasks_versions_and_carry_over_keep_history(gov):
    commerce = gov.actor("commerce")
    lst = services.create_annual_list(actor=commerce, kind="projects", year=2026, items=[
        {"name": "项目甲", "zone": "TZ", "lead_unit_id": gov.zone_unit.pk, "investment": "1000000"},
        {"name": "项目乙", "lead_unit_id": gov.other.pk, "planned_start": "2026-03-01", "planned_end": "2026-06-30"},
    ])
    items = list(lst.items.order_by("position"))
    assert [i.task.title for i in items] == ["项目甲", "项目乙"]
    assert items[1].task.due_date == date(2026, 6, 30) and items[0].task.zones.get().code == "TZ"
    assert items[0].task.parent.code == "2026-XM"
    r = services.submit_report(actor=gov.actor("zone_a"), task_id=items[0].task_id, unit_id=gov.zone_unit.pk,
                               period="2026Q1", text="签约", progress="40")
    v2 = services.revise_annual_list(actor=commerce, annual_list_id=lst.pk, drop_item_ids=[items[1].pk],
                                     add=[{"name": "项目丙"}])
    assert v2.version == 2 and lst.year == v2.year
    kept = v2.items.get(name="项目甲")
    assert kept.task_id == items[0].task_id and kept.carried_from_id == items[0].pk
    assert v2.items.count() == 2 and not v2.items.filter(name="项目乙").exists()
    with pytest.raises(DomainError):  # only the latest version can be revised
        services.revise_annual_list(actor=commerce, annual_list_id=lst.pk)
    services.update_task(actor=commerce, task_id=v2.items.get(name="项目丙").task_id, data={"status": "completed"})
    nxt = services.carry_over(actor=commerce, annual_list_id=v2.pk)
    assert nxt.year == 2027 and list(nxt.items.values_list("name", flat=True)) == ["项目甲"]
    carried = nxt.items.get()
    assert carried.task.reports.get() == r  # the history travels with the task


def test_annual_list_bad_items_write_nothing(gov):
    before = snapshot()
    with pytest.raises(DomainError) as e:
        services.create_annual_list(actor=gov.actor("commerce"), kind="projects", year=2026, items=[
            {"name": "", "investment": "-5", "planned_start": "2026-05-01", "planned_end": "2026-04-01",
             "zone": "XX"}])
    assert codes(e) == {"items[1].name": "required", "items[1].investment": "amount_negative",
                        "items[1].planned_end": "end_before_start", "items[1].zone": "not_found"}
    assert snapshot() == before


# ---------------------------------------------------------------- issues
def test_issue_escalates_upwards_decisions_create_tasks_closes_only_when_tasks_close(gov):
    zone, commerce = gov.actor("zone_a"), gov.actor("commerce")
    issue = services.raise_issue(actor=zone, title="查验场地不足")
    assert issue.zone_id == gov.world.zone_a.pk and issue.raised_by_id == gov.zone_unit.pk
    services.escalate_issue(actor=zone, issue_id=issue.pk, to_level="district", reason="需区级统筹")
    with pytest.raises(DomainError) as e:  # zone staff cannot take it to the city
        services.escalate_issue(actor=zone, issue_id=issue.pk, to_level="city", reason="x")
    assert codes(e) == {"to_level": "forbidden_action"}
    with pytest.raises(DomainError) as e:
        services.escalate_issue(actor=commerce, issue_id=issue.pk, to_level="zone", reason="down")
    assert codes(e) == {"to_level": "level_not_higher"}
    meeting = services.create_meeting(actor=commerce, number="LXH-1", held_on="2025-10-10", title="联席会议")
    services.escalate_issue(actor=commerce, issue_id=issue.pk, to_level="city", reason="提请联席会议",
                            meeting_id=meeting.pk)
    with pytest.raises(DomainError) as e:
        services.close_issue(actor=commerce, issue_id=issue.pk)
    assert codes(e) == {"issue_id": "issue_no_decisions"}
    d = services.add_decision(actor=commerce, issue_id=issue.pk, text="研究扩建方案", lead_unit_id=gov.zone_unit.pk,
                              due_in_workdays=3, today=date(2025, 9, 30))
    assert d.task.due_date == date(2025, 10, 11)  # 10-09, 10-10, then the make-up Saturday 10-11
    assert d.task.code.startswith("LXH-1") and d.task.source == "decision"
    with pytest.raises(DomainError) as e:
        services.close_issue(actor=commerce, issue_id=issue.pk)
    assert codes(e) == {"issue_id": "issue_tasks_open"}
    services.update_task(actor=commerce, task_id=d.task_id, data={"status": "completed", "progress": "100"})
    services.close_issue(actor=commerce, issue_id=issue.pk)
    issue.refresh_from_db()
    assert issue.status == "closed" and issue.level == "city" and issue.escalations.count() == 2
    # other zones' staff do not see it
    assert selectors.issues(gov.actor("customs_a")).exists()  # staff of zone A see it
    assert not selectors.issues(gov.actor("tax")).exists()


# ---------------------------------------------------------------- reminders
def test_reminders_are_idempotent(gov):
    commerce = gov.actor("commerce")
    services.update_task(actor=commerce, task_id=gov.measure.pk, data={"due_date": "2025-10-09"})
    first = services.run_reminders(actor=commerce, today=date(2025, 9, 30))
    assert first["created"] >= 1
    # the lead unit and the co-unit are each reminded once
    assert set(Reminder.objects.filter(task=gov.measure, kind="near_due").values_list("unit_id", flat=True)) == {
        gov.zone_unit.pk, gov.customs_unit.pk}
    again = services.run_reminders(actor=commerce, today=date(2025, 9, 30))
    assert again["created"] == 0 and again["owed"] == first["owed"]
    n = Reminder.objects.count()
    out = io.StringIO()
    call_command("run_reminders", "--date", "2025-09-30", stdout=out)
    assert '"created": 0' in out.getvalue() and Reminder.objects.count() == n
    later = services.run_reminders(actor=commerce, today=date(2025, 10, 20))
    # overdue: lead and co-unit; the escalation goes up the lead unit only
    assert later["by_kind"].get("overdue") == 2 and later["by_kind"].get("escalated") == 1
    with pytest.raises(IntegrityError), transaction.atomic():
        Reminder.objects.create(task=gov.measure, kind="overdue", period="2025-10-09", unit=gov.zone_unit,
                                run_date=date(2025, 10, 21))
    with pytest.raises(Forbidden):
        services.run_reminders(actor=gov.actor("zone_a"), today=date(2025, 9, 30))


# ---------------------------------------------------------------- export and re-import
def test_export_then_reimport_by_id(gov):
    commerce = gov.actor("commerce")
    body = exports.export_ledger(commerce, fmt="csv", today=date(2025, 6, 1)).decode("utf-8-sig")
    lines = body.strip().splitlines()
    assert [tabular.header_code(h) for h in lines[0].split(",")[:4]] == ["id", "parent_id", "code", "title"]
    assert len(lines) == 4
    edited = body.replace("实现功能特色", "实现功能特色（修订）").replace(",2025-12-31,planned,0.00,", ",2026-01-31,planned,0.00,", 1)
    result = exports.import_ledger(actor=commerce, stream=io.BytesIO(edited.encode()), fmt="csv")
    assert result["changed"] >= 1
    assert Task.objects.get(pk=gov.measure.pk).title == "实现功能特色（修订）"
    xlsx = exports.export_ledger(commerce, fmt="xlsx")
    assert exports.import_ledger(actor=commerce, stream=io.BytesIO(xlsx), fmt="xlsx")["changed"] == 0


def test_bad_reimport_writes_nothing(gov):
    commerce = gov.actor("commerce")
    body = exports.export_ledger(commerce, fmt="csv").decode("utf-8-sig")
    bad = body.replace("实现功能特色", "改了").replace("2025-12-31", "2024-01-01", 1) + "999999,,X,ghost\n"
    before = snapshot()
    with pytest.raises(DomainError) as e:
        exports.import_ledger(actor=commerce, stream=io.BytesIO(bad.encode()), fmt="csv")
    inner = {(p.params["field"], p.params["inner_code"]) for p in e.value.problems}
    assert ("due_date", "end_before_start") in inner and ("id", "unknown_column_id") in inner
    assert snapshot() == before and Task.objects.get(pk=gov.measure.pk).title == "实现功能特色"
    with pytest.raises(Forbidden):
        exports.import_ledger(actor=gov.actor("zone_a"), stream=io.BytesIO(body.encode()), fmt="csv")


def test_one_open_report_per_unit_and_period(gov):
    zone = gov.actor("zone_a")
    r = services.submit_report(actor=zone, task_id=gov.measure.pk, unit_id=gov.zone_unit.pk, period="2025Q3",
                               text="a", progress="10")
    before = snapshot()
    with pytest.raises(DomainError) as e:
        services.submit_report(actor=zone, task_id=gov.measure.pk, unit_id=gov.zone_unit.pk, period="2025Q3",
                               text="b", progress="20")
    assert codes(e) == {"period": "report_exists"} and snapshot() == before
    services.review_report(actor=gov.actor("commerce"), report_id=r.pk, decision="return", reason="重报")
    again = services.submit_report(actor=zone, task_id=gov.measure.pk, unit_id=gov.zone_unit.pk, period="2025Q3",
                                   text="b", progress="20")
    assert again.status == "submitted"


def test_every_governance_model_has_a_scoping_rule_and_writes_are_audited(gov):
    from django.apps import apps

    from bondzone.core.scoping import scoped_models

    mine = set(apps.get_app_config("governance").get_models())
    assert mine - set(scoped_models()) == set()
    commerce, zone = gov.actor("commerce"), gov.actor("zone_a")
    done = []

    def audited(action, fn):
        n = AuditEvent.objects.filter(action=action).count()
        result = fn()
        assert AuditEvent.objects.filter(action=action).count() == n + 1, action
        done.append(action)
        return result

    unit = audited("unit.create", lambda: services.create_unit(actor=commerce, name="新单位", kind="city"))
    audited("unit.add_member", lambda: services.add_member(actor=commerce, unit_id=unit.pk,
                                                           user_id=gov.world.users["tax"].pk))
    t = audited("task.create", lambda: services.create_task(actor=commerce, data={"title": "审计"}))
    audited("task.update", lambda: services.update_task(actor=commerce, task_id=t.pk, data={"title": "审计2"}))
    audited("task.set_weights", lambda: services.set_weights(actor=commerce, task_id=t.pk, mode="average", weights={}))
    r = audited("report.submit", lambda: services.submit_report(
        actor=zone, task_id=gov.measure.pk, unit_id=gov.zone_unit.pk, period="2025Q4", text="t", progress="5"))
    audited("report.accept", lambda: services.review_report(actor=commerce, report_id=r.pk, decision="accept"))
    lst = audited("annual_list.create", lambda: services.create_annual_list(actor=commerce, kind="projects",
                                                                            year=2026, items=[]))
    audited("annual_list.revise", lambda: services.revise_annual_list(actor=commerce, annual_list_id=lst.pk))
    issue = audited("issue.raise", lambda: services.raise_issue(actor=zone, title="i"))
    audited("issue.escalate", lambda: services.escalate_issue(actor=zone, issue_id=issue.pk, to_level="district",
                                                              reason="r"))
    audited("meeting.create", lambda: services.create_meeting(actor=commerce, number="M1", held_on="2025-01-01",
                                                              title="m"))
    audited("issue.decide", lambda: services.add_decision(actor=commerce, issue_id=issue.pk, text="d",
                                                          lead_unit_id=unit.pk, due_date="2035-01-01"))
    audited("reminders.run", lambda: services.run_reminders(actor=commerce, today=date(2025, 9, 30)))
    assert len(done) == 14


def test_load_policy_refuses_a_file_that_is_not_utf8_with_a_sentence(db, tmp_path):
    # was a UnicodeDecodeError traceback; now a CommandError (exit 1) and nothing loaded
    bad = tmp_path / "policy.txt"
    bad.write_bytes(b"\xff\xfe\x00\xd4\xf0\xc8\xce")  # UTF-16 / GBK bytes, not UTF-8
    with pytest.raises(CommandError, match="不是 UTF-8 文本"):  # in the CLI's language (zh-hans)
        call_command("load_policy", "--file", str(bad))
    assert not Policy.objects.exists()
