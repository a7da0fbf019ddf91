"""Pages of the zone evaluation. Thin: parse the request, call one selector or service, render."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bondzone.core import tabular
from bondzone.core.domain.inputs import as_id
from bondzone.core.domain.errors import DomainError, problem
from bondzone.core.web import actor, errors_of, export_format, flash_refusal, new_idempotency_key, page, page_of

from . import exports, selectors, services
from .domain.framework import Formula, Normalisation
from .models import IMPUTE_CHOICES, OUTLIER_CHOICES, Region, Source, ZoneKind


# lists, not the enum classes: a template calls whatever is callable, and an enum class called with no
# argument fails, which the template turns into an empty loop
NORMALISATIONS = [n.value for n in Normalisation]
FORMULAS = [f.value for f in Formula]


def _name(node: dict) -> str:
    return node["name_zh"] if (get_language() or "").startswith("zh") else (node["name_en"] or node["name_zh"])


# ---------------------------------------------------------------- runs and rankings
@page
def index(request):
    a = actor(request)
    if not a.can("evaluation.view"):
        return redirect("evaluation:public")
    runs, prefix = page_of(request, selectors.runs(a, year=as_id(request.GET.get("year"))))
    return render(request, "evaluation/index.html", {
        "runs": runs, "prefix": prefix, "frameworks": selectors.frameworks(a), "can_manage": a.can("evaluation.manage"),
        "key": new_idempotency_key(), "f": request.GET})


# the inputs of the run and value forms: a refusal shows its problems under them, with what was typed
RUN_FIELDS = ("framework", "year", "draws", "seed", "label")
VALUE_FIELDS = ("zone", "series", "year", "value", "unit", "note")


@page
@require_POST
def run_create(request):
    a = actor(request)
    try:
        run = services.create_run(actor=a, framework_id=request.POST.get("framework"), year=request.POST.get("year"),
                                  draws=request.POST.get("draws") or 1000, seed=request.POST.get("seed") or 0,
                                  label=request.POST.get("label", ""),
                                  idempotency_key=request.POST.get("idempotency_key"))
    except DomainError as exc:
        flash_refusal(request, exc, form="run", fields=RUN_FIELDS)
        return redirect("evaluation:index")
    messages.success(request, _("Evaluation run %(run)s finished: %(n)s zones.") % {"run": run.pk, "n": run.zone_count})
    return redirect("evaluation:run", run.pk)


def _ranking_context(request, a, run) -> dict:
    region = request.GET.get("region", "")
    region = region if region in Region.values else ""
    klass = request.GET.get("class", "").strip()[:4]
    rows, prefix = page_of(request, selectors.ranking(a, run, region=region, klass=klass,
                                                      q=request.GET.get("q", "").strip()))
    for r in rows:
        r.iv_median, r.iv_p05, r.iv_p95 = ((r.mc_regional_median, r.mc_regional_p05, r.mc_regional_p95) if region
                                           else (r.mc_median, r.mc_p05, r.mc_p95))
    cats = selectors.categories_of(run)
    # on a region board the regional intervals and ranks, else the national ones
    whiskers = [{"zone": r.zone.name_zh, "rank": r.rank_regional if region else r.rank_national,
                 "median": float(r.iv_median), "p05": float(r.iv_p05), "p95": float(r.iv_p95)}
                for r in rows if r.iv_median is not None]
    heat = selectors.heatmap(a, run, region=region)
    cat_scores = selectors.category_scores(a, run, [r.zone_id for r in rows])
    imputed = selectors.imputed_codes(a, run, [r.zone_id for r in rows])
    for r in rows:
        r.cat_scores = cat_scores.get(r.zone_id, {})
        r.imputed = imputed.get(r.zone_id, [])
    # xgettext:no-python-format
    labels = {"interval": _("5–95% interval"), "median": _("median rank"),
              "rank": _("regional rank") if region else _("national rank")}
    return {"run": run, "rows": rows, "prefix": prefix, "region": region, "klass": klass, "regions": Region.choices,
            "categories": [{"code": c["code"], "name": _name(c), "weight": c["weight"]} for c in cats],
            "charts": {"whiskers": whiskers, "heat": heat, "regional": bool(region), "labels": labels},
            "f": request.GET}


@page
def run_detail(request, run_id: int):
    a = actor(request)
    run = selectors.run(a, run_id)
    ctx = _ranking_context(request, a, run)
    watched = selectors.exit_watch_zones(a, run)
    opened = selectors.rectifications_of(a, run)
    for z in watched:
        z.rectification = opened.get(z.pk)
    ctx.update({"exit_watch": watched, "outside_interval": selectors.outside_interval(run),
                "assumptions": exports.assumed_notes(run), "sensitivity": exports.sensitivity_rows(run),
                "can_manage": a.can("evaluation.manage"), "can_rectify": a.can("evaluation.rectify"),
                "bands": run.params.get("class_bands", [])})
    ctx["charts"]["sensitivity"] = {
        "factors": [i["name"] for i in ctx["sensitivity"]],
        "first": [float(i["first_order"]) for i in ctx["sensitivity"]],
        "total": [float(i["total"]) for i in ctx["sensitivity"]],
        "labels": {"first": _("first-order index"), "total": _("total index")}}
    return render(request, "evaluation/run.html", ctx)


@page
@require_POST
def run_sensitivity(request, run_id: int):
    a = actor(request)
    try:
        run = services.store_sensitivity(actor=a, run_id=run_id, draws=request.POST.get("draws") or 512)
    except DomainError as exc:
        flash_refusal(request, exc)
        return redirect("evaluation:run", run_id)
    messages.success(request, _("Sensitivity indices computed from the run's frozen inputs (N = %(n)s).")
                     % {"n": run.sensitivity["draws"]})
    return redirect("evaluation:run", run_id)


@page
def run_zone(request, run_id: int, zone_id: int):
    a = actor(request)
    run = selectors.run(a, run_id)
    result, scores = selectors.zone_scores(a, run, zone_id)
    cats, inds = selectors.categories_of(run), selectors.indicators_of(run)
    best, worst = selectors.strengths_weaknesses(scores, [n["code"] for n in inds])
    nodes = selectors.nodes_of(run)
    sources = selectors.value_sources(run, result.zone.code)
    medians = selectors.category_medians(a, run)
    rows = []
    for c in cats:
        s = scores.get(c["code"])
        rows.append({"node": c, "name": _name(c), "score": s, "depth": 0})
        for n in inds:
            if n["parent"] == c["code"]:
                rows.append({"node": n, "name": _name(n), "score": scores.get(n["code"]), "depth": 1,
                             "source": sources.get(n.get("series") or "")})
    radar = {"indicators": [{"name": _name(c), "max": 100} for c in cats],
             "zone": [float(scores[c["code"]].score) if c["code"] in scores else 0 for c in cats],
             "median": [float(medians.get(c["code"], 0)) for c in cats],
             "trend": selectors.trend(a, result.zone, run),
             "labels": {"zone": result.zone.name_zh, "median": _("national median"), "rank": _("national rank"),
                        "score": _("score")}}
    return render(request, "evaluation/zone_result.html", {
        "run": run, "result": result, "rows": rows, "radar": radar, "assumptions": exports.assumed_notes(run),
        "demo_figures": not result.zone.synthetic and selectors.has_demo_figures(result.zone, run),
        "strengths": [(s, _name(nodes[s.code])) for s in best], "weaknesses": [(s, _name(nodes[s.code])) for s in worst]})


@page
@require_POST
def run_reproduce(request, run_id: int):
    a = actor(request)
    same, got = services.reproduce_run(actor=a, run_id=run_id)
    if same:
        messages.success(request, _("Re-run from the frozen inputs: identical result (hash %(h)s).") % {"h": got[:12]})
    else:
        messages.error(request, _("Re-run from the frozen inputs gave a different result (hash %(h)s).") % {"h": got[:12]})
    return redirect("evaluation:run", run_id)


@page
@require_POST
def run_publish(request, run_id: int):
    a = actor(request)
    run = selectors.run(a, run_id)
    services.publish_run(actor=a, run_id=run.pk, public=request.POST.get("public") == "1")
    return redirect("evaluation:run", run.pk)


@page
@require_POST
def run_rectify(request, run_id: int, zone_id: int):
    a = actor(request)
    try:
        done = services.open_rectification(actor=a, run_id=run_id, zone_id=zone_id)
    except DomainError as exc:
        flash_refusal(request, exc)
        return redirect("evaluation:run", run_id)
    messages.success(request, _("Rectification opened: ledger task #%(task)s and issue #%(issue)s.")
                     % {"task": done.task_id, "issue": done.issue_id})
    return redirect("evaluation:run", run_id)


@page
def run_export(request, run_id: int):
    a = actor(request)
    run = selectors.run(a, run_id)
    fmt = export_format(request)
    try:
        body = exports.export_ranking(a, run, fmt=fmt)
    except DomainError as exc:
        return HttpResponse("; ".join(e["message"] for e in errors_of(exc)), status=400,
                            content_type="text/plain; charset=utf-8")
    return tabular.download(body, fmt, f"ranking-{run.pk}")


@page(login=False)
def public(request):
    a = selectors.PUBLIC  # not the visitor: anonymous visitors would see no run at all
    run = selectors.runs(a).filter(public=True).order_by("-year", "-id").first()
    ctx = {"run": run}
    if run is not None:
        ctx.update(_ranking_context(request, a, run))
    return render(request, "evaluation/public.html", ctx)


# ---------------------------------------------------------------- frameworks
@page
def frameworks(request):
    a = actor(request)
    return render(request, "evaluation/frameworks.html", {"frameworks": selectors.frameworks(a),
                                                          "can_manage": a.can("evaluation.manage")})


@page
def framework(request, framework_id: int):
    a = actor(request)
    f = selectors.framework(a, framework_id)
    rows = selectors.framework_tree(f)
    return render(request, "evaluation/framework.html", {
        "framework": f, "rows": rows, "can_edit": a.can("evaluation.manage") and not f.locked,
        "can_manage": a.can("evaluation.manage"), "impute_choices": IMPUTE_CHOICES,
        "outlier_choices": OUTLIER_CHOICES})


@page
@require_POST
def framework_clone(request, framework_id: int):
    a = actor(request)
    selectors.framework(a, framework_id)
    try:
        f = services.clone_framework(actor=a, framework_id=framework_id, code=request.POST.get("code", ""),
                                     name=request.POST.get("name", ""))
    except DomainError as exc:
        flash_refusal(request, exc)
        return redirect("evaluation:framework", framework_id)
    messages.success(request, _("Framework %(code)s created; edit it below.") % {"code": f.code})
    return redirect("evaluation:framework", f.pk)


@page
@require_POST
def framework_weights(request, framework_id: int):
    a = actor(request)
    selectors.framework(a, framework_id)
    weights = {k[2:]: v for k, v in request.POST.items() if k.startswith("w_")}
    try:
        settings_data = {k: request.POST[k] for k in ("aggregation", "impute", "min_coverage", "outliers") if request.POST.get(k)}
        if request.POST.get("class_bands", "").strip():
            settings_data["class_bands"] = _bands_from_text(request.POST["class_bands"])
        services.edit_framework(actor=a, framework_id=framework_id, weights=weights, settings=settings_data)
    except DomainError as exc:
        flash_refusal(request, exc)
    else:
        messages.success(request, _("Weights saved."))
    return redirect("evaluation:framework", framework_id)


INDICATOR_FORM_FIELDS = ("name_zh", "name_en", "direction", "normalisation", "goal_low", "goal_high", "points", "cap")


@page
def framework_indicator(request, framework_id: int, indicator_id: int):
    """Edit one node of an unlocked framework (names, direction, normalisation, goalposts, points / cap)."""
    a = actor(request)
    f = selectors.framework(a, framework_id)
    a.require("evaluation.manage")
    node = selectors.indicator(a, f, indicator_id)
    if request.method == "POST":
        data = {k: request.POST[k] for k in INDICATOR_FORM_FIELDS if k in request.POST}
        try:
            services.update_indicator(actor=a, framework_id=f.pk, code=node.code, data=data)
        except DomainError as exc:
            flash_refusal(request, exc)
            return redirect("evaluation:framework-indicator", f.pk, node.pk)
        messages.success(request, _("%(code)s saved.") % {"code": node.code})
        return redirect("evaluation:framework", f.pk)
    return render(request, "evaluation/indicator.html", {
        "framework": f, "node": node, "can_edit": not f.locked, "normalisations": NORMALISATIONS})


NODE_FORM_FIELDS = ("code", "kind", "parent", "name_zh", "name_en", "direction", "unit", "formula", "series",
                    "normalisation", "goal_low", "goal_high", "points", "cap")


@page
def framework_indicator_add(request, framework_id: int):
    """Add an indicator or a bonus / penalty item to an unlocked framework (it starts with weight 0)."""
    a = actor(request)
    f = selectors.framework(a, framework_id)
    a.require("evaluation.manage")
    form = {"kind": "indicator", "direction": "1", "formula": "raw", "normalisation": "minmax"}
    if request.method == "POST":
        form = {k: request.POST[k] for k in NODE_FORM_FIELDS if k in request.POST}
        try:
            node = services.add_node(actor=a, framework_id=f.pk, data=form)
        except DomainError as exc:
            flash_refusal(request, exc)
        else:
            messages.success(request, _("%(code)s added with weight 0; give it weight below.") % {"code": node.code})
            return redirect("evaluation:framework", f.pk)
    return render(request, "evaluation/indicator_add.html", {
        "framework": f, "can_edit": not f.locked, "form": form, "categories": selectors.categories(f),
        "series": selectors.series_choices(), "formulas": FORMULAS, "normalisations": NORMALISATIONS})


@page
@require_POST
def framework_indicator_remove(request, framework_id: int, indicator_id: int):
    a = actor(request)
    f = selectors.framework(a, framework_id)
    a.require("evaluation.manage")
    node = selectors.indicator(a, f, indicator_id)
    try:
        services.remove_node(actor=a, framework_id=f.pk, code=node.code)
    except DomainError as exc:
        flash_refusal(request, exc)
        return redirect("evaluation:framework-indicator", f.pk, node.pk)
    messages.success(request, _("%(code)s removed.") % {"code": node.code})
    return redirect("evaluation:framework", f.pk)


def _bands_from_text(text: str):
    """"A:20, B:70, C:100" -> [["A", "20"], …]; anything else is passed on for the service to refuse."""
    try:
        return [[name.strip(), share.strip()] for name, share in (part.split(":") for part in text.split(","))]
    except ValueError:
        return text


# ---------------------------------------------------------------- base data values
def _values_of(request, a):
    f = request.GET
    return selectors.values(a, zone_id=as_id(f.get("zone")), series=f.get("series", ""), year=as_id(f.get("year")),
                            source=f.get("source", ""), current_only=f.get("all") != "1")


@page
def values_export(request):
    a = actor(request)
    a.require("evaluation.view")
    fmt = export_format(request)
    try:
        body = exports.export_values(_values_of(request, a), fmt=fmt)
    except DomainError as exc:
        return HttpResponse("; ".join(e["message"] for e in errors_of(exc)), status=400,
                            content_type="text/plain; charset=utf-8")
    return tabular.download(body, fmt, "values")


@page
def values(request):
    a = actor(request)
    a.require("evaluation.view")
    f = request.GET
    qs = _values_of(request, a)
    rows, prefix = page_of(request, qs)
    writable = selectors.zones(a)
    if a.role == "zone_admin":
        writable = writable.filter(zone_id=a.zone_id)
    return render(request, "evaluation/values.html", {
        "rows": rows, "prefix": prefix, "f": f, "series": selectors.series_choices(), "sources": Source.choices,
        "zones": writable.filter(synthetic=False) if a.role == "zone_admin" else writable.order_by("synthetic", "code")[:400],
        "can_enter": a.can("evaluation.enter_values"), "can_manage": a.can("evaluation.manage")})


@page
@require_POST
def value_create(request):
    a = actor(request)
    data = {k: request.POST.get(k, "") for k in VALUE_FIELDS[1:]}
    try:
        v = services.record_value(actor=a, zone_id=as_id(request.POST.get("zone")) or 0, data=data)
    except DomainError as exc:
        flash_refusal(request, exc, form="value", fields=VALUE_FIELDS)
    else:
        messages.success(request, _("Saved as revision %(rev)s.") % {"rev": v.revision})
    return redirect("evaluation:values")


@page
def values_import(request):
    a = actor(request)
    a.require("evaluation.enter_values")
    errors = []
    if request.method == "POST":
        upload = request.FILES.get("file")
        try:
            if upload is None:
                raise DomainError(problem("file", "required"))
            rows = exports.read_rows(upload, exports.guess_format(upload.name or ""), upload.name or "")
            stored = services.import_values(actor=a, rows=rows)
        except DomainError as exc:
            if exc.status in (403, 404):
                raise
            errors = errors_of(exc)
        else:
            messages.success(request, _("%(n)s values imported.") % {"n": len(stored)})
            return redirect("evaluation:values")
    return render(request, "evaluation/import.html", {"errors": errors}, status=400 if errors else 200)


@page
@require_POST
def values_compute(request):
    a = actor(request)
    try:
        stored = services.compute_platform_values(actor=a, year=request.POST.get("year"))
    except DomainError as exc:
        flash_refusal(request, exc)
    else:
        messages.success(request, _("%(n)s values computed from the account books.") % {"n": len(stored)})
    return redirect("evaluation:values")


# ---------------------------------------------------------------- zones
@page
def zones(request):
    a = actor(request)
    f = request.GET
    synthetic = {"1": True, "0": False}.get(f.get("synthetic", ""))
    region = f.get("region", "")
    rows, prefix = page_of(request, selectors.zones(a, q=f.get("q", "").strip(),
                                                    region=region if region in Region.values else "",
                                                    synthetic=synthetic))
    return render(request, "evaluation/zones.html", {"rows": rows, "prefix": prefix, "f": f,
                                                     "regions": Region.choices, "kinds": ZoneKind.choices,
                                                     "can_manage": a.can("evaluation.manage")})


@page
def zone(request, zone_id: int):
    a = actor(request)
    z = selectors.zone(a, zone_id)
    can_enter = a.can("evaluation.enter_values") and (a.role != "zone_admin" or z.zone_id == a.zone_id)
    results = selectors.restrict(selectors.ZoneResult, a).filter(zone=z).select_related("run", "run__framework")
    return render(request, "evaluation/zone.html", {
        "zone": z, "areas": selectors.areas(a, z) if a.can("evaluation.view") else [], "can_enter": can_enter,
        "can_manage": a.can("evaluation.manage"), "regions": Region.choices, "kinds": ZoneKind.choices,
        "results": results.order_by("-run__year", "-run_id")[:20],
        "demo_figures": not z.synthetic and selectors.has_demo_figures(z)})


@page
@require_POST
def zone_area(request, zone_id: int):
    a = actor(request)
    selectors.zone(a, zone_id)
    p = request.POST
    try:
        services.set_area(actor=a, zone_id=zone_id, year=p.get("year"), planned=p.get("planned_km2"),
                          accepted=p.get("accepted_km2"), fenced=p.get("fenced_km2"), developed=p.get("developed_km2"))
    except DomainError as exc:
        flash_refusal(request, exc)
    else:
        messages.success(request, _("Areas saved."))
    return redirect("evaluation:zone", zone_id)


@page
@require_POST
def zone_create(request):
    a = actor(request)
    data = {k: request.POST[k] for k in services.ZONE_FIELDS if k in request.POST}
    try:
        z = services.save_zone(actor=a, data=data)
    except DomainError as exc:
        flash_refusal(request, exc)
        return redirect("evaluation:zones")
    messages.success(request, _("Zone %(code)s added.") % {"code": z.code})
    return redirect("evaluation:zone", z.pk)


@page
@require_POST
def zone_edit(request, zone_id: int):
    a = actor(request)
    selectors.zone(a, zone_id)
    data = {k: request.POST[k] for k in services.ZONE_FIELDS if k in request.POST}
    try:
        services.save_zone(actor=a, zone_id=zone_id, data=data)
    except DomainError as exc:
        flash_refusal(request, exc)
    else:
        messages.success(request, _("Zone saved."))
    return redirect("evaluation:zone", zone_id)
