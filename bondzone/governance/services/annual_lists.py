"""Annual lists (key projects, reforms …) and their tasks."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from bondzone.core import audit
from bondzone.core.actor import Actor
from bondzone.core.domain.errors import DomainError, Problem, problem
from bondzone.core.domain.inputs import PLANNED, collect_date, collect_decimal, collect_int, collect_text, shown
from bondzone.core.scoping import get_scoped

from ..domain import tree
from ..models import CLOSED_STATUSES, AnnualList, ListItem, ListKind, Task, TaskSource
from .common import _choice, _one_unit, _one_zone, recompute_up


def _list_root(kind: str, year: int) -> Task:
    code = f"{year}-{'XM' if kind == ListKind.PROJECTS else 'ZC'}"
    root = Task.objects.filter(code=code, source=TaskSource.ANNUAL_LIST, parent__isnull=True).first()
    if root is None:
        title = f"{year}年度综合保税区发展{'重点项目' if kind == ListKind.PROJECTS else '政策'}清单"
        root = Task.objects.create(code=code, title=title, source=TaskSource.ANNUAL_LIST, year=year,
                                   progress_mode=tree.Mode.AVERAGE, start_date=date(year, 1, 1),
                                   due_date=date(year, 12, 31), position=year)
    return root


def _clean_items(items: list[dict], problems: list[Problem], year: int) -> list[dict]:
    out = []
    for i, raw in enumerate(items or [], start=1):
        p: list[Problem] = []
        f = f"items[{i}]"
        item = {
            "name": collect_text(raw.get("name"), f"{f}.name", p, max_length=200, required=True),
            "investment": collect_decimal(raw.get("investment"), f"{f}.investment", p, max_digits=16,
                                          decimal_places=2),
            "planned_start": collect_date(raw.get("planned_start"), f"{f}.planned_start", p, window=PLANNED),
            "planned_end": collect_date(raw.get("planned_end"), f"{f}.planned_end", p, window=PLANNED),
            "lead_unit": _one_unit(raw.get("lead_unit_id"), f"{f}.lead_unit_id", p),
            "zone": _one_zone(raw.get("zone"), f"{f}.zone", p),
        }
        if item["investment"] is not None and item["investment"] < 0:
            p.append(problem(f"{f}.investment", "amount_negative", value=item["investment"]))
        # the item's task runs over the year unless the item says otherwise; its end never precedes its start
        s, e = item["planned_start"] or date(year, 1, 1), item["planned_end"] or date(year, 12, 31)
        if e < s:
            bad = "planned_end" if item["planned_end"] else "planned_start"
            p.append(problem(f"{f}.{bad}", "end_before_start", start=s, end=e))
        problems += p
        out.append(item)
    return out


def _spawn_item(annual: AnnualList, root: Task, item: dict, position: int) -> ListItem:
    task = Task.objects.create(
        parent=root, position=position, code=f"{root.code}-{position}", title=item["name"],
        source=TaskSource.ANNUAL_LIST, lead_unit=item["lead_unit"], year=annual.year,
        lead_confirmed_at=timezone.now() if item["lead_unit"] else None,
        start_date=item["planned_start"] or date(annual.year, 1, 1),
        due_date=item["planned_end"] or date(annual.year, 12, 31), published=annual.published,
    )
    if item["zone"] is not None:
        task.zones.set([item["zone"]])
    return ListItem.objects.create(annual_list=annual, position=position, name=item["name"], zone=item["zone"],
                                   lead_unit=item["lead_unit"], investment=item["investment"],
                                   planned_start=item["planned_start"], planned_end=item["planned_end"], task=task)


def create_annual_list(*, actor: Actor, kind: str, year: int, items: list[dict], title: str = "",
                       published: bool = False) -> AnnualList:
    """Version 1 of a year's list (or the next version if one exists): every item spawns a tracked task."""
    actor.require("governance.manage")
    problems: list[Problem] = []
    _choice(kind, "kind", list(ListKind.values), problems)
    year = collect_int(year, "year", problems, lo=2000, hi=2100, required=True) or 2000
    title = collect_text(title, "title", problems, max_length=200)
    clean = _clean_items(items, problems, year)
    if problems:
        raise DomainError(problems)
    with transaction.atomic(durable=True):
        version = (AnnualList.objects.filter(kind=kind, year=year).aggregate(m=Max("version"))["m"] or 0) + 1
        annual = AnnualList.objects.create(kind=kind, year=year, version=version, title=title,
                                           published=published)
        root = _list_root(kind, year)
        start = Task.objects.filter(parent=root).aggregate(m=Max("position"))["m"] or 0
        for i, item in enumerate(clean, start=start + 1):
            _spawn_item(annual, root, item, i)
        recompute_up([root.pk])
        audit.record(actor, "annual_list.create", annual, after={"kind": kind, "year": year, "version": version,
                                                                  "items": len(clean)})
    return annual


def revise_annual_list(*, actor: Actor, annual_list_id: int, add: list[dict] | None = None,
                       drop_item_ids: list[int] | None = None, published: bool | None = None) -> AnnualList:
    """A new version of the list: kept items carry over (same task, so their history stays)."""
    actor.require("governance.manage")
    old = get_scoped(AnnualList, actor, annual_list_id)
    problems: list[Problem] = []
    clean = _clean_items(add or [], problems, old.year)
    drop = set(drop_item_ids or [])
    unknown = drop - set(old.items.values_list("pk", flat=True))
    for i in sorted(unknown):
        problems.append(problem("drop_item_ids", "not_found", model="list item", id=shown(i)))
    latest = AnnualList.objects.filter(kind=old.kind, year=old.year).aggregate(m=Max("version"))["m"]
    if latest != old.version:
        problems.append(problem("annual_list_id", "duplicate_version", version=old.version + 1))
    if problems:
        raise DomainError(problems)
    with transaction.atomic(durable=True):
        new = AnnualList.objects.create(kind=old.kind, year=old.year, version=old.version + 1, title=old.title,
                                        published=old.published if published is None else published)
        for it in old.items.exclude(pk__in=drop).order_by("position", "id"):
            ListItem.objects.create(annual_list=new, position=it.position, name=it.name, zone=it.zone,
                                    lead_unit=it.lead_unit, investment=it.investment, planned_start=it.planned_start,
                                    planned_end=it.planned_end, task=it.task, carried_from=it)
        root = _list_root(old.kind, old.year)
        start = Task.objects.filter(parent=root).aggregate(m=Max("position"))["m"] or 0
        for i, item in enumerate(clean, start=start + 1):
            _spawn_item(new, root, item, i)
        recompute_up([root.pk])
        audit.record(actor, "annual_list.revise", new, after={"from_version": old.version, "version": new.version,
                                                               "dropped": sorted(drop), "added": len(clean)})
    return new


def carry_over(*, actor: Actor, annual_list_id: int, published: bool = False) -> AnnualList:
    """Next year's list from this one's open items; each keeps its task (and so its reports)."""
    actor.require("governance.manage")
    old = get_scoped(AnnualList, actor, annual_list_id)
    year = old.year + 1
    with transaction.atomic(durable=True):
        version = (AnnualList.objects.filter(kind=old.kind, year=year).aggregate(m=Max("version"))["m"] or 0) + 1
        new = AnnualList.objects.create(kind=old.kind, year=year, version=version, title=old.title,
                                        published=published)
        moved = []
        for it in old.items.select_related("task").exclude(task__status__in=CLOSED_STATUSES).order_by("position"):
            ListItem.objects.create(annual_list=new, position=it.position, name=it.name, zone=it.zone,
                                    lead_unit=it.lead_unit, investment=it.investment, planned_start=it.planned_start,
                                    planned_end=it.planned_end, task=it.task, carried_from=it)
            moved.append(it.task_id)
        audit.record(actor, "annual_list.carry_over", new, after={"from": old.pk, "year": year, "tasks": moved})
    return new
