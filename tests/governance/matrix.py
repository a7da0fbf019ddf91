"""Permission matrix of the governance pages and API (read by tests/permissions/test_matrix.py).

Fixture objects: target A is a task of zone A's administration (zone_a is a member, customs a co-unit
member) with a report, evidence, a pending extension, a published annual list and an issue raised in
zone A; target B belongs to a unit nobody in the world is a member of, with an unpublished list and an
issue in zone B. `expected()` computes every answer from the visibility table below."""

from __future__ import annotations

from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from bondzone.governance import services

from ..permissions.matrix import OK_WRITE, Rule, spec_answer

MANAGERS = {"admin", "commerce"}
STAFF = {"admin", "customs", "customs_a", "zone_a", "tax", "market", "commerce"}
EVERYONE = STAFF | {"ent_a", "ent_b"}
VISIBLE = {
    ("task", "A"): MANAGERS | {"zone_a", "customs"},
    ("task", "B"): MANAGERS,
    ("report", "A"): MANAGERS | {"zone_a"},
    ("report", "B"): MANAGERS,
    ("extension", "A"): MANAGERS | {"zone_a"},
    ("extension", "B"): MANAGERS,
    ("evidence", "A"): MANAGERS | {"zone_a"},
    ("evidence", "B"): MANAGERS,
    ("unit", "A"): EVERYONE,
    ("unit", "B"): EVERYONE,
    ("annual_list", "A"): EVERYONE,
    ("annual_list", "B"): STAFF,
    ("issue", "A"): MANAGERS | {"zone_a", "customs_a"},
    ("issue", "B"): MANAGERS,
    ("notice", "A"): STAFF,
    ("notice", "B"): STAFF,
    ("meeting", "A"): STAFF,
    ("meeting", "B"): STAFF,
    # a unit's assessment score (scopes.score_unit_ids): the office, leaders and admins every unit's, members
    # their own unit's (zone_a is a member of target A's unit; nobody of B's)
    ("score", "A"): MANAGERS | {"zone_a"},
    ("score", "B"): MANAGERS,
}
# label -> (kind, action, object, ok) ; kind: "page" (login redirect) or "api" (401); ok for allowed users
SPEC: dict[str, tuple] = {
    "governance:index": ("page", None, None, {200, 302}),
    "governance:print": ("page", "governance.view_ledger", None, {200}),
    "governance:export": ("page", "governance.export", None, {200}),
    "governance:import": ("page", "governance.manage", None, {200}),
    "governance:public": ("public", None, None, {200}),
    "governance:leadership": ("page", "governance.view_ledger", None, {200}),
    "governance:my-unit": ("page", None, None, {302}),
    "governance:unit": ("page", "governance.view_ledger", "unit", {200}),
    "governance:task": ("page", None, "task", {200}),
    "governance:task-edit": ("page-obj-first", "governance.manage", "task", {302}),
    "governance:task-weights": ("page-obj-first", "governance.manage", "task", {302}),
    "governance:task-add-child": ("page-obj-first", "governance.manage", "task", {302}),
    "governance:issue-create": ("page", "governance.raise_issue", None, {302}),
    "governance:report-create": ("page", "governance.report", "task", {302}),
    "governance:extension-create": ("page", "governance.report", "task", {302}),
    "governance:report-review": ("page-obj-first", "governance.review", "report", {302}),
    "governance:extension-decide": ("page-obj-first", "governance.review", "extension", {302}),
    "governance:evidence": ("page", None, "evidence", {200}),
    "governance:task-lead": ("page-obj-first", "governance.manage", "task", {302}),
    "governance:task-expand": ("page-obj-first", "governance.manage", "task", {302}),
    "governance:task-sign": ("page-obj-first", "governance.report", "task", {302}),
    "governance:task-deadline": ("page-obj-first", "governance.manage", "task", {302}),
    "governance:unsigned": ("page", "governance.view_ledger", None, {200}),
    "governance:office": ("page", "governance.manage", None, {200}),
    "governance:notices": ("page", "governance.view_ledger", None, {200}),
    "governance:notice-issue": ("page", "governance.manage", None, {302}),
    "governance:notice": ("page", "governance.view_ledger", "notice", {200}),
    "governance:notice-export": ("page", "governance.export", "notice", {200}),
    "governance:assessment": ("page", "governance.view_ledger", None, {200}),
    "governance:assessment-rules": ("page", "governance.manage", None, {302}),
    "governance:assessment-freeze": ("page", "governance.manage", None, {302}),
    "governance:assessment-export": ("page", "governance.export", None, {200}),
    "governance:lists": ("page", None, None, {200}),
    "governance:list": ("page", None, "annual_list", {200}),
    "governance:issues": ("page", "governance.view_ledger", None, {200}),
    "governance:issue": ("page", None, "issue", {200}),
    "governance:issue-action": ("page", None, "issue", {404}),  # the shared fixture fills action=approve
    "GET /api/v1/governance/units": ("api", None, None, {200}),
    "POST /api/v1/governance/units": ("api", "governance.manage", None, {201, 400}),  # 400: the same name again
    "POST /api/v1/governance/units/{unit_id}/members": ("api", "governance.manage", "unit", {201, 400}),
    "GET /api/v1/governance/tasks": ("api", None, None, {200}),
    "POST /api/v1/governance/tasks": ("api", "governance.manage", None, {201}),
    "GET /api/v1/governance/tasks/{task_id}": ("api", None, "task", {200}),
    "PATCH /api/v1/governance/tasks/{task_id}": ("api", "governance.manage", "task", {200}),
    "PUT /api/v1/governance/tasks/{task_id}/weights": ("api", "governance.manage", "task", {200}),
    "GET /api/v1/governance/tasks/{task_id}/reports": ("api", None, "task", {200}),
    "POST /api/v1/governance/tasks/{task_id}/reports": ("api", "governance.report", "task", {201, 400}),
    "GET /api/v1/governance/reports": ("api", None, None, {200}),
    "GET /api/v1/governance/extensions": ("api", None, None, {200}),
    "POST /api/v1/governance/reports/{report_id}/review": ("api", "governance.review", "report", {200, 400}),
    "POST /api/v1/governance/tasks/{task_id}/extensions": ("api", "governance.report", "task", {201, 400}),
    "POST /api/v1/governance/extensions/{extension_id}/decide": ("api", "governance.review", "extension",
                                                                {200, 400}),
    "GET /api/v1/governance/export": ("api", "governance.export", None, {200}),
    "POST /api/v1/governance/import": ("api", "governance.manage", None, {400}),
    "GET /api/v1/governance/annual-lists": ("api", None, None, {200}),
    "POST /api/v1/governance/annual-lists": ("api", "governance.manage", None, {201, 400}),
    "GET /api/v1/governance/annual-lists/{annual_list_id}": ("api", None, "annual_list", {200}),
    "POST /api/v1/governance/annual-lists/{annual_list_id}/revise": ("api", "governance.manage", "annual_list",
                                                                      {201, 400}),  # 400: that version exists
    "POST /api/v1/governance/annual-lists/{annual_list_id}/carry-over": ("api", "governance.manage", "annual_list",
                                                                         {201}),
    "GET /api/v1/governance/meetings": ("api", None, None, {200}),
    "POST /api/v1/governance/meetings": ("api", "governance.manage", None, {201, 400}),
    "GET /api/v1/governance/issues": ("api", None, None, {200}),
    "POST /api/v1/governance/issues": ("api", "governance.raise_issue", None, {201}),
    "GET /api/v1/governance/issues/{issue_id}": ("api", None, "issue", {200}),
    "POST /api/v1/governance/issues/{issue_id}/escalate": ("api", "governance.escalate", "issue", {200, 400}),
    "POST /api/v1/governance/issues/{issue_id}/decisions": ("api", "governance.manage", "issue", {201}),
    "POST /api/v1/governance/issues/{issue_id}/close": ("api", "governance.manage", "issue", {400}),
    "POST /api/v1/governance/reminders/run": ("api", "governance.run_reminders", None, {200}),
    "GET /api/v1/governance/public/tasks": ("public", None, None, {200}),
    "POST /api/v1/governance/tasks/{task_id}/lead": ("api", "governance.manage", None, {400}),
    "POST /api/v1/governance/tasks/{task_id}/expand": ("api", "governance.manage", "task", {400}),
    "POST /api/v1/governance/tasks/{task_id}/sign": ("api", "governance.report", None, {400}),
    "GET /api/v1/governance/tasks/{task_id}/acknowledgements": ("api", None, "task", {200}),
    "GET /api/v1/governance/unsigned": ("api", "governance.view_ledger", None, {200}),
    "GET /api/v1/governance/deadlines/missing": ("api", "governance.manage", None, {200}),
    "GET /api/v1/governance/notices": ("api", "governance.view_ledger", None, {200}),
    "POST /api/v1/governance/notices": ("api", "governance.manage", None, {200, 201}),
    "GET /api/v1/governance/notices/{notice_id}": ("api", "governance.view_ledger", "notice", {200}),
    "GET /api/v1/governance/notices/{notice_id}/export": ("api", "governance.export", "notice", {200}),
    "GET /api/v1/governance/assessment": ("api", "governance.view_ledger", None, {200}),
    "PUT /api/v1/governance/assessment/rules": ("api", "governance.manage", None, {400}),
    "GET /api/v1/governance/assessment/units/{unit_id}": ("api", "governance.view_ledger", "score", {200}),
    # the first manager freezes 2044 (201), the next is refused without a reason (409)
    "POST /api/v1/governance/assessment/freeze": ("api", "governance.manage", None, {201, 409}),
    "GET /api/v1/governance/assessment/export": ("api", "governance.export", None, {200}),
}


def _rule(label: str, spec: tuple) -> Rule:
    method = label.split(" ")[0] if " " in label else "GET"
    if label.startswith("governance:") and label.split(":")[1] in (
            "report-create", "extension-create", "report-review", "extension-decide", "issue-action", "task-edit",
            "task-weights", "task-add-child", "issue-create", "task-lead", "task-expand", "task-sign",
            "task-deadline", "notice-issue", "assessment-rules", "assessment-freeze"):
        method = "POST"
    kind, action, obj, ok = spec
    return Rule("public" if kind == "public" else ("object" if obj else "list"), action=action, object=obj,
                ok=frozenset(ok | OK_WRITE if method != "GET" and label not in BODIES else ok), method=method,
                body=label if label in BODIES else None)


def _today() -> str:
    return timezone.localdate().isoformat()


# Bodies that pass each write's schema, so the answer shows the permission and scope rules (a 400 only
# where the service refuses a repeat: a second member link, report or review of the same object).
# "multipart" bodies are sent as form data.
BODIES = {
    "POST /api/v1/governance/units": lambda w, o: {"name": "矩阵测试单位"},
    "POST /api/v1/governance/units/{unit_id}/members": lambda w, o: {"user_id": w.users["tax"].pk},
    "POST /api/v1/governance/tasks": lambda w, o: {"title": "矩阵测试任务"},
    "PATCH /api/v1/governance/tasks/{task_id}": lambda w, o: {"title": "矩阵测试任务（改）"},
    "PUT /api/v1/governance/tasks/{task_id}/weights": lambda w, o: {"mode": "manual", "weights": {}},
    "POST /api/v1/governance/tasks/{task_id}/reports": lambda w, o: {
        "multipart": True, "period": "2026Q1", "text": "进展", "progress": "20"},
    "POST /api/v1/governance/reports/{report_id}/review": lambda w, o: {"decision": "accept"},
    "POST /api/v1/governance/tasks/{task_id}/extensions": lambda w, o: {
        "new_due": (timezone.localdate() + timedelta(days=200)).isoformat(), "reason": "矩阵测试"},
    "POST /api/v1/governance/extensions/{extension_id}/decide": lambda w, o: {"approve": False, "note": "矩阵测试"},
    "POST /api/v1/governance/import": lambda w, o: {
        "multipart": True, "file": SimpleUploadedFile("ledger.csv", b"id,title\n999999,x\n"), "format": "csv"},
    "POST /api/v1/governance/annual-lists": lambda w, o: {"kind": "projects", "year": 2045,
                                                          "items": [{"name": "矩阵测试项目"}]},
    "POST /api/v1/governance/annual-lists/{annual_list_id}/revise": lambda w, o: {"add": [{"name": "矩阵测试新增"}]},
    "POST /api/v1/governance/meetings": lambda w, o: {"number": "矩阵-1", "held_on": _today(), "title": "联席会议"},
    "POST /api/v1/governance/issues": lambda w, o: {"title": "矩阵测试问题"},
    "POST /api/v1/governance/issues/{issue_id}/escalate": lambda w, o: {"to_level": "city", "reason": "矩阵测试"},
    "POST /api/v1/governance/issues/{issue_id}/decisions": lambda w, o: {
        "text": "矩阵测试决定", "lead_unit_id": o["unit"].pk,
        "due_date": (timezone.localdate() + timedelta(days=60)).isoformat()},
    "POST /api/v1/governance/reminders/run": lambda w, o: {"date": _today()},
    "POST /api/v1/governance/assessment/freeze": lambda w, o: {"year": 2044},
}

# collection -> (fixture object, who sees target A's and B's row): checked row by row per role
COLLECTIONS = {f"/api/v1/governance/{path}": (obj, {t: VISIBLE[(obj, t)] for t in "AB"}) for path, obj in (
    ("tasks", "task"), ("reports", "report"), ("extensions", "extension"), ("annual-lists", "annual_list"),
    ("issues", "issue"), ("units", "unit"), ("notices", "notice"), ("meetings", "meeting"))}
# a (task, unit) pair not signed for: the ledger office every unit's, staff their own units' (zone_a is a member
# of A's lead unit, nobody of B's); tasks without a deadline: the ledger office only
COLLECTIONS["/api/v1/governance/unsigned"] = ("unsigned", {"A": MANAGERS | {"zone_a"}, "B": MANAGERS})
COLLECTIONS["/api/v1/governance/deadlines/missing"] = ("undated", {"A": MANAGERS, "B": MANAGERS})
ROW_KEYS = {"/api/v1/governance/unsigned": lambda row: (row["task_id"], row["unit_id"])}
# the published ledger: anyone, logged in or not, reads the same published tasks and never an unpublished one
REFERENCE = {"/api/v1/governance/public/tasks": ("id", True, "public_task", "task")}

PAGES = {k: _rule(k, v) for k, v in SPEC.items() if k.startswith("governance:")}
API = {k: _rule(k, v) for k, v in SPEC.items() if not k.startswith("governance:")}


def expected(label, rule, username, target, world, want):
    spec = SPEC.get(label)
    if spec is None:
        return want
    if label == "governance:index" and username in ("ent_a", "ent_b"):
        return {302}  # enterprises land on their own work
    return spec_answer(spec, username, target, VISIBLE)


def objects(world) -> dict:
    from .conftest import build_gov

    g = build_gov(world)
    commerce, admin, zone = world.actor("commerce"), world.actor("admin"), world.actor("zone_a")
    due = (timezone.localdate() + timedelta(days=60)).isoformat()
    later = (timezone.localdate() + timedelta(days=120)).isoformat()
    out = {}
    for target, task, unit, actor, zone_ref in (("A", g.measure, g.zone_unit, zone, world.zone_a.pk),
                                                ("B", g.other_task, g.other, admin, world.zone_b.pk)):
        services.update_task(actor=commerce, task_id=task.pk, data={"start_date": None, "due_date": due})
        report = services.submit_report(actor=actor, task_id=task.pk, unit_id=unit.pk, period="2025Q4", text="t",
                                        progress="10", files=[SimpleUploadedFile(f"{target}.txt", b"x")])
        ext = services.request_extension(actor=actor, task_id=task.pk, unit_id=unit.pk, new_due=later, reason="r")
        lst = services.create_annual_list(actor=commerce, kind="projects", year=2030 + (target == "B"),
                                          items=[{"name": f"item {target}"}], published=target == "A")
        issue = services.raise_issue(actor=zone if target == "A" else commerce, title=f"issue {target}",
                                     zone_id=zone_ref)
        # one notice a month: A's this month, B's in an earlier month
        notice, _ = services.issue_notice(actor=commerce, today=timezone.localdate() - timedelta(
            days=0 if target == "A" else 40))
        meeting = services.create_meeting(actor=commerce, number=f"M-{target}", held_on="2026-01-05",
                                          title=f"meeting {target}")
        out[target] = {"task": task, "report": report, "extension": ext, "evidence": report.evidence.get(),
                       "unit": unit, "annual_list": lst, "issue": issue, "notice": notice, "meeting": meeting,
                       "unsigned": (task.pk, unit.pk)}
    # made last, so nothing above counts them: a task of each unit still without a deadline, and one published
    # task (the public ledger's shared row)
    for target, unit in (("A", g.zone_unit), ("B", g.other)):
        out[target]["undated"] = services.create_task(actor=commerce, data={
            "title": f"undated {target}", "code": f"M-{target}", "lead_unit_id": unit.pk})
        out[target]["public_task"] = services.create_task(actor=commerce, data={
            "title": f"public {target}", "code": f"P-{target}", "lead_unit_id": unit.pk, "due_date": due,
            "published": True})
    return out
