"""The ledger as CSV / XLSX / JSON (tablib), and its id-keyed re-import (Decidim-style round trip):
only the editable columns change; every row is checked first and nothing is written if any is bad."""

from __future__ import annotations

from datetime import date
from typing import IO

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from bondzone.core import audit, tabular
from bondzone.core.actor import Actor
from bondzone.core.domain.errors import DomainError, Problem, problem
from bondzone.core.scoping import restrict

from . import scores, selectors, services
from .domain import tree
from .models import Task

FORMATS = tabular.FORMATS
guess_format = tabular.guess_format
HEADERS = ["id", "parent_id", "code", "title", "lead_unit", "lead_status", "co_units", "zones", "year", "start_date", "due_date",
           "status", "progress", "progress_mode", "weight", "published", "light"]
EDITABLE = ["title", "start_date", "due_date", "status", "progress", "weight", "published"]
HEADER_NAMES = {
    "parent_id": _("parent id"), "code": pgettext_lazy("record number", "Code"), "title": _("Task"),
    "lead_unit": _("Lead unit"), "lead_status": _("Lead unit status"), "co_units": _("Co-units"), "zones": _("Zones"), "year": _("Year"),
    "start_date": _("Start"), "due_date": pgettext_lazy("task deadline", "Due"), "status": _("Status"), "progress": _("Progress"),
    "progress_mode": _("Roll-up"), "weight": _("Weight"), "published": _("Published"), "light": _("Light"),
}


def demo_notes(task_codes: list[str]) -> list[tabular.Note]:
    """The synthetic label of an export showing tasks whose deadlines and progress the demo loader made up."""
    if not task_codes:
        return []
    return [tabular.Note("synthetic", gettext(
        "The start dates, deadlines and progress of %(n)s tasks (%(codes)s) were made up by the demo "
        "loader; the policy text and units are real.") % {"n": len(task_codes), "codes": ", ".join(task_codes)},
        "tasks", tuple(task_codes))]


def _ledger_notes(tasks: list[Task]) -> list[tabular.Note]:
    demo = selectors.demo_tasks([t.pk for t in tasks])
    notes = demo_notes([t.code for t in tasks if t.pk in demo])
    proposed = [t.code for t in tasks if t.lead_status == "proposed"]
    if proposed:
        notes.append(tabular.Note("assumed", gettext(
            "Lead unit proposed, not confirmed (lead_status = proposed) for %(n)s tasks: the policy names no lead "
            "unit, so the first unit it names is shown until the ledger office confirms or changes it.")
            % {"n": len(proposed)}, "lead_unit", tuple(proposed)))
    return notes


def export_ledger(actor: Actor, *, fmt: str, today: date | None = None) -> bytes:
    actor.require("governance.export")
    rows = []
    ledger = selectors.ledger(actor, today=today)
    for r in ledger:
        t = r.task
        rows.append([t.pk, t.parent_id or "", t.code, t.title, t.lead_unit.name if t.lead_unit else "", t.lead_status,
                     "、".join(r.co_units), ",".join(r.zones), t.year or "",
                     t.start_date.isoformat() if t.start_date else "", t.due_date.isoformat() if t.due_date else "",
                     t.status, str(t.progress), t.progress_mode, "" if t.weight is None else str(t.weight),
                     "1" if t.published else "0", r.light])
    return tabular.write_rows(HEADERS, rows, fmt, names=HEADER_NAMES, notes=_ledger_notes([r.task for r in ledger]))


def import_ledger(*, actor: Actor, stream: IO[bytes], fmt: str, name: str = "") -> dict:
    """The EDITABLE columns of an exported ledger, changed and imported again; its other (read-only) columns are
    left alone, a column the export does not write is refused."""
    actor.require("governance.manage")
    rows = tabular.read_rows(stream, fmt, required=["id"], known=HEADERS, name=name)
    cols = [c for c in EDITABLE if c in rows[0]]
    visible = {t.pk: t for t in restrict(Task, actor).filter(
        pk__in=[int(r["id"]) for r in rows if r["id"].isdigit()])}
    problems: list[Problem] = []
    changes: dict[int, dict] = {}
    for n, row in enumerate(rows, start=2):
        raw_id = row.get("id", "")
        task = visible.get(int(raw_id)) if raw_id.isdigit() else None
        if task is None:
            problems.append(problem("", "row", row=n, field="id", inner_code="unknown_column_id",
                                    inner_params={"id": raw_id}))
            continue
        data = {}
        for c in cols:
            v = row.get(c, "")
            if c == "published":
                data[c] = v.lower() in ("1", "true", "yes", "是")
            else:
                data[c] = v if v != "" or c in ("weight", "start_date", "due_date") else getattr(task, c)
        clean, ps, _ = services._validate_task(data, task)
        for p in ps:
            problems.append(problem("", "row", row=n, field=p.field, inner_code=p.code, inner_params=p.params))
        diff = {k: v for k, v in clean.items() if getattr(task, k) != v}
        if "progress" in diff and not tree.reported_directly(task.progress_mode,
                                                              Task.objects.filter(parent=task).exists()):
            problems.append(problem("", "row", row=n, field="progress", inner_code="progress_computed",
                                    inner_params={"mode": task.progress_mode}))
        if diff:
            changes[task.pk] = diff
    # weights of weighted parents must still sum to 100 after all rows apply
    by_parent: dict[int, dict[int, object]] = {}
    for tid, diff in changes.items():
        if "weight" in diff and visible[tid].parent_id:
            by_parent.setdefault(visible[tid].parent_id, {})[tid] = diff["weight"]
    for parent_id, changed in by_parent.items():
        for p in services._sibling_weights_problems(parent_id, changed):
            problems.append(problem("", "row", row="*", field=f"weight (parent {parent_id})", inner_code=p.code,
                                    inner_params=p.params))
    if problems:
        raise DomainError(problems)
    with transaction.atomic(durable=True):
        for tid, diff in changes.items():
            task = Task.objects.select_for_update().get(pk=tid)
            before = services.task_snapshot(task)
            for k, v in diff.items():
                setattr(task, k, v)
            task.save()
            audit.record(actor, "task.import", task, before=before, after=services.task_snapshot(task))
        services.recompute_up(list(changes))
    return {"rows": len(rows), "changed": len(changes), "at": timezone.now().isoformat()}


NOTICE_HEADERS = ["notice", "period", "kind", "task_id", "code", "title", "unit", "due_date", "days_overdue",
                  "report_id", "reason"]
NOTICE_NAMES = {"notice": _("Notice"), "period": pgettext_lazy("reporting period", "Period"), "kind": _("Kind"), "task_id": _("Task id"),
                "code": pgettext_lazy("record number", "Code"), "title": _("Task"), "unit": pgettext_lazy("organisation", "Unit"), "due_date": pgettext_lazy("task deadline", "Due"),
                "days_overdue": _("Days overdue"), "report_id": _("Report id"), "reason": _("Reason returned")}


def export_notice(actor: Actor, notice_id: int, *, fmt: str) -> bytes:
    """A circulated notice (情况通报) as a table."""
    actor.require("governance.export")
    n = selectors.notice(actor, notice_id)
    rows = [[n.title, n.period, i.kind, i.task_id, i.task.code, i.task.title, i.unit.name if i.unit else "",
             i.due_date.isoformat() if i.due_date else "", "" if i.days_overdue is None else i.days_overdue,
             i.report_id or "", i.reason] for i in selectors.notice_items(actor, n.pk)]
    items = selectors.notice_items(actor, n.pk)
    demo = selectors.demo_tasks({i.task_id for i in items})
    return tabular.write_rows(NOTICE_HEADERS, rows, fmt, names=NOTICE_NAMES,
                              notes=demo_notes(sorted({i.task.code for i in items if i.task_id in demo})))


ASSESSMENT_HEADERS = ["year", "rank", "unit", "score", "timeliness", "quality", "results", "service", "promotion",
                      "not_scored", "tasks", "on_time", "late", "reports_reviewed", "requests_replied",
                      "requests_rated", "projects_landed", "landed_investment", "weights", "weights_assumed",
                      "frozen_version", "frozen_at", "as_of"]
ASSESSMENT_NAMES = {"year": _("Year"), "rank": _("Rank"), "unit": pgettext_lazy("organisation", "Unit"),
                    "score": _("Score"),
                    "timeliness": _("Timeliness"), "quality": _("Report quality"), "results": pgettext_lazy("work results", "Results"),
                    "service": _("Service results (服务成效)"), "promotion": _("Promotion results (招商成果)"),
                    "not_scored": _("Not scored"), "tasks": _("Tasks"), "on_time": _("On time"), "late": _("Late"),
                    "reports_reviewed": _("Reports reviewed"), "requests_replied": _("Requests replied"),
                    "requests_rated": _("Requests rated"), "projects_landed": _("Projects landed"),
                    "landed_investment": _("Planned investment landed (10,000 yuan)"), "weights": _("Weights"),
                    "weights_assumed": _("Weights assumed"), "frozen_version": _("Frozen version"),
                    "frozen_at": _("Frozen at"), "as_of": _("Facts as of")}


def export_assessment(actor: Actor, year: int, *, fmt: str, today: date | None = None) -> bytes:
    """The unit assessment (考核) of a year as a table: the latest frozen version when there is one, else the
    live figures; the weights used, whether they are assumed (with the reasons) and the reader's units only
    unless the reader sees every unit's score."""
    actor.require("governance.export")
    a = scores.assessment(actor, year, today)
    weights = " / ".join(f"{k} {v}" for k, v in a.weights.items())
    f = a.frozen

    def cell(v):
        return "" if v is None else str(v)

    rows = [[year, cell(s.rank), u.name, cell(s.score), cell(s.timeliness), cell(s.quality), cell(s.results),
             cell(s.service), cell(s.promotion), ",".join(s.missing), s.tasks, s.on_time, s.late, s.reviewed,
             s.replied, s.rated, s.landed, cell(s.investment), weights, "1" if a.assumed else "0",
             f.version if f else "", timezone.localtime(f.frozen_at).isoformat(timespec="seconds") if f else "",
             cell(a.as_of)]
            for s, u in a.rows]
    notes = []
    demo = selectors.demo_tasks(restrict(Task, actor).values_list("pk", flat=True))
    if demo:
        notes.append(tabular.Note("synthetic", gettext(
            "The scores are computed from deadlines, progress and reports the demo loader made up (%(n)s "
            "tasks), and from the demo service requests and promotion projects.") % {"n": len(demo)}, "tasks"))
    if a.assumed:
        notes.append(tabular.Note("assumed", gettext(
            "The weights (%(weights)s) are the platform's defaults: the policy asks for an assessment and names "
            "招商成果 and 服务成效 but sets no weights; the ledger office may set its own for the year.")
            % {"weights": weights}, "weights", tuple(a.weights)))
        for component, reason in a.assumed_reasons.items():
            notes.append(tabular.Note("assumed", f"{component} {a.weights[component]}: {reason}", component))
    return tabular.write_rows(ASSESSMENT_HEADERS, rows, fmt, names=ASSESSMENT_NAMES, notes=notes)
