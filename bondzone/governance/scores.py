"""Reads of the unit assessment (考核, 京政发〔2021〕33号 三(二)–(三)): a year's scores computed from the ledger
and from the service desk's results (服务成效, 招商成果 — read only through `servicedesk.selectors`), and the
frozen versions the ledger office stores. Once a year is frozen, its latest version is what every page, the
API and the exports show. Who may read which unit's score: `scopes.score_unit_ids` (the office, leaders and
admins every unit's, a unit's members their own). Kept apart from `selectors.py` because the service desk's
selectors read governance's."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bondzone.core.actor import Actor
from bondzone.core.domain.errors import NotFound, problem
from bondzone.core.scoping import restrict
from bondzone.servicedesk import selectors as servicedesk_selectors

from .domain import assessment as rules
from .models import AssessmentFreeze, AssessmentRule, FrozenScore, ProgressReport, ReportStatus, Task, Unit
from .scopes import score_unit_ids


# why each default weight (domain.assessment.DEFAULT_WEIGHTS) is what it is: none is published
ASSUMED_REASONS = {
    "timeliness": _("the policy's 实施保障 is about tasks done on time: the largest share (our choice)"),
    "quality": _("returned reports (退办) weigh on quality; equal to results (our choice)"),
    "results": _("mean task progress; equal to report quality (our choice)"),
    "service": _("三(三) names 服务成效 but gives no weight; the on-time and satisfaction rates, as the Beijing "
                 "接诉即办 assessment uses them, weighted like promotion (our choice)"),
    "promotion": _("三(三) names 招商成果 but gives no weight; stage points (signed 1, registered 2, operating 3) "
                   "and planned investment relative to the best unit (our choice)"),
}


@dataclass
class Assessment:
    year: int
    weights: dict[str, Decimal]
    assumed: bool  # the platform's default weights (no rule saved for the year)
    rows: list  # (Score or FrozenScore, Unit), rank order, only the units the reader may see
    rule: AssessmentRule | None
    frozen: AssessmentFreeze | None = None  # the version shown; None = live figures
    versions: list[AssessmentFreeze] = field(default_factory=list)
    as_of: date | None = None

    @property
    def assumed_reasons(self) -> dict[str, str]:
        return {c: str(r) for c, r in ASSUMED_REASONS.items()} if self.assumed else {}


@dataclass
class Computed:
    weights: dict[str, Decimal]
    assumed: bool
    rule: AssessmentRule | None
    scores: list[rules.Score]
    as_of: date


def compute(year: int, today: date | None = None, *, reader: Actor) -> Computed:
    """Every unit's live score of the year (unscoped: a promotion share depends on every unit's figures).
    `reader` must hold governance.view_ledger (the service desk's selector checks it)."""
    today = today or timezone.localdate()
    as_of = min(today, date(year, 12, 31))
    rule = AssessmentRule.objects.filter(year=year).first()
    weights = ({c: getattr(rule, c) for c in rules.COMPONENTS} if rule else dict(rules.DEFAULT_WEIGHTS))
    tasks = list(Task.objects.filter(due_date__year=year, lead_unit__isnull=False, children__isnull=True)
                 .values_list("pk", "lead_unit_id", "due_date", "status", "progress"))
    done_on: dict[int, date] = {}
    for tid, at in ProgressReport.objects.filter(task_id__in=[t[0] for t in tasks], status=ReportStatus.ACCEPTED,
                                                 progress=Decimal(100), reviewed_at__isnull=False).values_list(
            "task_id", "reviewed_at"):
        d = timezone.localtime(at).date()
        done_on[tid] = min(done_on.get(tid, d), d)
    facts: dict[int, dict] = defaultdict(lambda: {"tasks": [], "accepted": 0, "returned": 0})
    for tid, unit_id, due, status, progress in tasks:
        facts[unit_id]["tasks"].append(rules.TaskFact(
            due, status == "completed", status == "cancelled", done_on.get(tid), progress))
    for unit_id, status, n in (ProgressReport.objects.filter(submitted_at__year=year).exclude(
            status=ReportStatus.SUBMITTED).order_by().values_list("unit_id", "status").annotate(n=Count("id"))):
        facts[unit_id]["accepted" if status == ReportStatus.ACCEPTED else "returned"] += n
    desk = servicedesk_selectors.unit_results_for_assessment(reader, year)
    service = {u: rules.ServiceFact(s["replied"], s["replied_on_time"], s["rated"], s["good"])
               for u, s in desk["service"].items()}
    promotion = {u: rules.PromotionFact(p["projects"], tuple(p["landed"])) for u, p in desk["promotion"].items()}
    promotion_score = rules.promotion_scores(promotion)
    units = set(facts) | {u for u, f in service.items() if f.replied or f.rated} | {
        u for u, f in promotion.items() if f.landed or promotion_score.get(u) is not None}
    scores = rules.rank([
        rules.score_unit(rules.UnitFacts(u, facts[u]["tasks"], facts[u]["accepted"], facts[u]["returned"])
                         if u in facts else rules.UnitFacts(u), weights, as_of, service=service.get(u),
                         promotion=promotion_score.get(u), landed=promotion.get(u)) for u in units])
    return Computed(weights, rule is None, rule, scores, as_of)


def _visible(actor: Actor, unit_ids) -> dict[int, Unit]:
    allowed = score_unit_ids(actor)
    qs = restrict(Unit, actor).filter(pk__in=list(unit_ids))
    return qs.in_bulk() if allowed is None else qs.filter(pk__in=allowed).in_bulk()


def versions(actor: Actor, year: int) -> list[AssessmentFreeze]:
    return list(restrict(AssessmentFreeze, actor).filter(year=year).select_related("frozen_by").order_by("-version"))


def assessment(actor: Actor, year: int, today: date | None = None, *, live: bool = False,
               version: int | None = None) -> Assessment:
    """The year's assessment as the reader may see it: the latest frozen version (or `version`), else the
    live figures. `live` shows the live figures of a frozen year (the office's preview before a new
    version); it needs governance.manage."""
    actor.require("governance.view_ledger")
    frozen = versions(actor, year)
    shown = None
    if version is not None:
        shown = next((f for f in frozen if f.version == version), None)
        if shown is None:
            raise NotFound(problem("version", "not_found", model=AssessmentFreeze._meta.verbose_name, id=version))
    elif frozen and not (live and actor.can("governance.manage")):
        shown = frozen[0]
    if shown is not None:
        scores = list(restrict(FrozenScore, actor).filter(freeze=shown))
        units = _visible(actor, [s.unit_id for s in scores])
        return Assessment(year, {c: Decimal(str(shown.weights.get(c, "0"))) for c in rules.COMPONENTS},
                          shown.weights_assumed, [(s, units[s.unit_id]) for s in scores if s.unit_id in units],
                          AssessmentRule.objects.filter(year=year).first(), shown, frozen, shown.as_of)
    c = compute(year, today, reader=actor)
    units = _visible(actor, [s.unit_id for s in c.scores])
    return Assessment(year, c.weights, c.assumed, [(s, units[s.unit_id]) for s in c.scores if s.unit_id in units],
                      c.rule, None, frozen, c.as_of)


def unit_score(actor: Actor, year: int, unit_id: int, today: date | None = None):
    """One unit's row of the year as shown (frozen or live; all components None when the unit has no data);
    NotFound when the reader may not see that unit's score."""
    a = assessment(actor, year, today)
    for s, u in a.rows:
        if u.pk == unit_id:
            return a, s, u
    unit = _visible(actor, [unit_id]).get(unit_id)
    if unit is None:
        raise NotFound(problem("unit_id", "not_found", model=Unit._meta.verbose_name, id=unit_id))
    return a, rules.Score(unit_id, None, None, None, None, 0, 0, 0, 0), unit
