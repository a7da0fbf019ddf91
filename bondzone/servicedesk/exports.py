"""The promotion pipeline as a file (CSV / XLSX / JSON) through the project's one tabular module: the projects
the reader may see (the page's filters), and the conversion per promoting unit and stage as a second table;
a note names the synthetic (demo) projects."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from bondzone.core import tabular
from bondzone.core.actor import Actor
from bondzone.core.domain.errors import DomainError, problem

from . import selectors
from .domain.promotion import PIPELINE
from .models import STAGE_LABELS

MAX_ROWS = 50_000
NAMED_IN_NOTE = 20  # synthetic projects named in the note's text (all of them are in its codes)
COLUMNS = ["id", "name", "name_en", "investor", "zone", "industry", "planned_investment", "stage", "stage_name",
           "furthest_stage", "unit", "team", "stage_changed_at", "key_list_year", "synthetic"]
NAMES = {
    "id": _("id"), "name": _("Project"), "name_en": _("English name"), "investor": _("Investor"), "zone": _("Zone"),
    "industry": _("Industry"), "planned_investment": _("Planned investment (10,000 yuan)"), "stage": _("Stage code"),
    "stage_name": _("Stage"), "furthest_stage": _("Furthest stage reached"), "unit": _("Promoting unit"),
    "team": _("Promotion team"), "stage_changed_at": _("Stage changed"), "key_list_year": _("Key-project list year"),
    "synthetic": _("Synthetic"),
}


def _conversion_names() -> dict:
    """The conversion table's headings in the active language (made per export: the names are composed)."""
    names = {"unit": gettext("Promoting unit"), **{s.value: str(STAGE_LABELS[s.value]) for s in PIPELINE}}
    for s in PIPELINE[:-1]:
        names[f"{s.value}_to_next"] = gettext("%(stage)s → next stage (%%)") % {"stage": STAGE_LABELS[s.value]}
    return names


def pipeline_export(actor: Actor, fmt: Any, *, stage: str = "", unit_id: int | None = None, zone_id: int | None = None,
                    q: str = "") -> bytes:
    """The projects in the reader's scope (at most MAX_ROWS) with headings in the reader's language and the
    codes beside them, the conversion table, and a note listing the synthetic projects (none: an empty note
    list, so a program can tell "no synthetic data" from "not said")."""
    actor.require("servicedesk.view_promotion")
    fmt = str(fmt or "")
    problems = []
    if fmt not in tabular.FORMATS:
        problems.append(problem("format", "bad_choice", value=fmt[:10], choices=", ".join(tabular.FORMATS)))
    if stage and stage not in STAGE_LABELS:
        problems.append(problem("stage", "bad_choice", value=stage[:20], choices=", ".join(STAGE_LABELS)))
    if problems:
        raise DomainError(problems)
    projects = selectors.projects(actor, stage=stage, unit_id=unit_id, zone_id=zone_id, q=q)
    rows, synthetic, named = [], [], []
    for p in projects.order_by("zone__code", "name", "id")[:MAX_ROWS]:
        rows.append([p.pk, p.name, p.name_en, p.investor, p.zone.code, p.industry,
                     None if p.planned_investment is None else str(p.planned_investment), p.stage,
                     str(STAGE_LABELS.get(p.stage, p.stage)), PIPELINE[p.reached].value, p.unit.name, p.team,
                     p.stage_changed_at.isoformat(), p.key_list_year, p.synthetic])
        if p.synthetic:
            synthetic.append(str(p.pk))
            if len(named) < NAMED_IN_NOTE:
                named.append(f"{p.name} (id {p.pk})")
    notes = []
    if synthetic:
        more = "" if len(synthetic) <= NAMED_IN_NOTE else " …"
        notes.append(tabular.Note("synthetic", gettext(
            "%(n)s of these projects are made up for the demo (synthetic): %(projects)s. The pipeline, the "
            "investments and the conversion rates they enter are not real figures.") % {
            "n": len(synthetic), "projects": "; ".join(named) + more}, "projects", tuple(synthetic)))
    headers = ["unit", *[s.value for s in PIPELINE], *[f"{s.value}_to_next" for s in PIPELINE[:-1]]]
    table = []
    for r in selectors.conversion(actor, zone_id=zone_id):
        to_next = [None if x["to_next"] is None else str(x["to_next"]) for x in r["stages"][:-1]]
        table.append([r["unit"] or gettext("all units"), *[x["reached"] for x in r["stages"]], *to_next])
    sheet = tabular.Sheet("conversion", gettext("Conversion"), headers, table, _conversion_names())
    return tabular.write_rows(COLUMNS, rows, fmt, names=NAMES, notes=notes, sheets=[sheet])
