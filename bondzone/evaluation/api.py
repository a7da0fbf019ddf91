"""REST endpoints of the zone evaluation (/api/v1/evaluation/): thin wrappers over selectors and services."""

from django.http import HttpRequest
from ninja import File, Header, Router, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from bondzone.core import tabular
from bondzone.core.types import Id, Int, Pagination

from bondzone.core.http import actor, auth_for, patch_changes

from . import exports, selectors, services
from .schemas import (
    AreaIn, AreaOut, CloneIn, ComputeIn, FrameworkDetailOut, FrameworkOut, ValuesImportOut, IndicatorOut, IndicatorPatch,
    NodeIn, PublishIn, RectificationOut, ReproduceOut, RunIn, RunOut, SensitivityIn, SettingsIn, ValueIn, ValueOut, FrameworkWeightsIn, ZoneDetailOut, EvalZoneIn,
    EvalZoneOut, ZoneResultOut,
)

router = Router(tags=["evaluation"])
# PATCH: an explicit null clears these (as ""); on any other field, and on every field of an indicator or the
# framework settings, it is refused (core.http.patch_changes)
ZONE_NULL_CLEARS = frozenset({"name_en", "province", "platform_zone", "approved_on", "accepted_on", "evaluated_from"})


def _framework_detail(f):
    f.indicators_list = list(f.indicators.all().order_by("position", "id"))
    return {**{k: getattr(f, k) for k in FrameworkOut.model_fields if k != "locked"}, "locked": f.locked,
            "indicators": f.indicators_list}


# ---------------------------------------------------------------- zones
@router.get("/zones", response=list[EvalZoneOut], summary="Evaluated zones")
@paginate(Pagination)
def list_zones(request: HttpRequest, q: str = "", region: str = "", synthetic: bool | None = None):
    return selectors.zones(actor(request), q=q, region=region, synthetic=synthetic)


@router.post("/zones", response={201: EvalZoneOut}, auth=auth_for("evaluation.manage"), summary="Add an evaluated zone")
def create_zone(request: HttpRequest, payload: EvalZoneIn):
    return Status(201, services.save_zone(actor=actor(request), data=payload.dict(exclude_unset=True)))


@router.patch("/zones/{zone_id}", response=EvalZoneOut,
              auth=auth_for("evaluation.manage"), summary="Change an evaluated zone (dates, region, platform link …)")
def update_zone(request: HttpRequest, zone_id: Id, payload: EvalZoneIn):
    return services.save_zone(actor=actor(request), zone_id=zone_id, data=patch_changes(payload, ZONE_NULL_CLEARS))


@router.get("/zones/{zone_id}/areas", response=list[AreaOut], summary="Areas of a zone per year")
def list_areas(request: HttpRequest, zone_id: Id):
    a = actor(request)
    return selectors.areas(a, selectors.zone(a, zone_id))


@router.put("/zones/{zone_id}/areas", response=AreaOut,
            auth=auth_for("evaluation.enter_values"), summary="Set a zone's areas for a year")
def set_area(request: HttpRequest, zone_id: Id, payload: AreaIn):
    return services.set_area(actor=actor(request), zone_id=zone_id, year=payload.year, planned=payload.planned_km2,
                             accepted=payload.accepted_km2, fenced=payload.fenced_km2,
                             developed=payload.developed_km2)


# ---------------------------------------------------------------- frameworks
@router.get("/frameworks", response=list[FrameworkOut], summary="Indicator frameworks")
def list_frameworks(request: HttpRequest):
    return [_framework_detail(f) for f in selectors.frameworks(actor(request))]


@router.get("/frameworks/{framework_id}", response=FrameworkDetailOut, summary="A framework with its indicator tree")
def get_framework(request: HttpRequest, framework_id: Id):
    return _framework_detail(selectors.framework(actor(request), framework_id))


@router.post("/frameworks/{framework_id}/clone", response={201: FrameworkDetailOut},
             auth=auth_for("evaluation.manage"), summary="Clone a framework")
def clone_framework(request: HttpRequest, framework_id: Id, payload: CloneIn):
    f = services.clone_framework(actor=actor(request), framework_id=framework_id, code=payload.code,
                                 name=payload.name)
    return Status(201, _framework_detail(f))


@router.put("/frameworks/{framework_id}/weights", response=FrameworkDetailOut, auth=auth_for("evaluation.manage"),
            summary="Change weights (every sibling set must still sum to its parent)")
def set_weights(request: HttpRequest, framework_id: Id, payload: FrameworkWeightsIn):
    return _framework_detail(services.set_weights(actor=actor(request), framework_id=framework_id,
                                                  weights=payload.weights))


@router.patch("/frameworks/{framework_id}/indicators/{code}", response=IndicatorOut,
              auth=auth_for("evaluation.manage"), summary="Change an indicator")
def update_indicator(request: HttpRequest, framework_id: Id, code: str, payload: IndicatorPatch):
    return services.update_indicator(actor=actor(request), framework_id=framework_id, code=code,
                                     data=patch_changes(payload))


@router.post("/frameworks/{framework_id}/indicators", response={201: IndicatorOut}, auth=auth_for("evaluation.manage"),
             summary="Add an indicator or bonus / penalty item (weight 0; then set weights)")
def add_indicator(request: HttpRequest, framework_id: Id, payload: NodeIn):
    return Status(201, services.add_node(actor=actor(request), framework_id=framework_id, data=payload.dict()))


@router.delete("/frameworks/{framework_id}/indicators/{code}", response={204: None}, auth=auth_for("evaluation.manage"),
               summary="Remove a weightless node (a category with its indicators)")
def remove_indicator(request: HttpRequest, framework_id: Id, code: str):
    services.remove_node(actor=actor(request), framework_id=framework_id, code=code)
    return Status(204, None)


@router.patch("/frameworks/{framework_id}", response=FrameworkDetailOut, auth=auth_for("evaluation.manage"),
              summary="Change aggregation, missing-value rule or class bands")
def update_settings(request: HttpRequest, framework_id: Id, payload: SettingsIn):
    return _framework_detail(services.update_settings(actor=actor(request), framework_id=framework_id,
                                                      data=patch_changes(payload)))


# ---------------------------------------------------------------- base data values
@router.get("/values", response=list[ValueOut], summary="Base data values (newest revisions unless all=true)")
@paginate(Pagination)
def list_values(request: HttpRequest, zone_id: Id | None = None, series: str = "", year: Int(1900, 2200) | None = None,
                source: str = "", all: bool = False):
    return selectors.values(actor(request), zone_id=zone_id, series=series, year=year, source=source,
                            current_only=not all)


@router.post("/values", response={201: ValueOut},
             auth=auth_for("evaluation.enter_values"), summary="Record a value (a new revision)")
def record_value(request: HttpRequest, payload: ValueIn):
    data = payload.dict()
    return Status(201, services.record_value(actor=actor(request), zone_id=data.pop("zone_id"), data=data))


@router.post("/values/import", response={201: ValuesImportOut}, auth=auth_for("evaluation.enter_values"),
             summary="Import values from CSV / XLSX / JSON (zone, series, year, value, unit, note); all or nothing")
def import_values(request: HttpRequest, file: File[UploadedFile]):
    a = actor(request)
    a.require("evaluation.enter_values")  # before reading (and reporting on) the file, as the page does
    rows = exports.read_rows(file, exports.guess_format(file.name or ""), file.name or "")
    return Status(201, {"rows": len(services.import_values(actor=a, rows=rows))})


@router.post("/values/compute", response={201: ValuesImportOut}, auth=auth_for("evaluation.manage"),
             summary="Compute the platform series (trade by trade mode, active enterprises) for a year")
def compute_values(request: HttpRequest, payload: ComputeIn):
    return Status(201, {"rows": len(services.compute_platform_values(actor=actor(request), year=payload.year))})


# ---------------------------------------------------------------- runs
@router.get("/runs", response=list[RunOut], summary="Evaluation runs")
@paginate(Pagination)
def list_runs(request: HttpRequest, year: Int(1900, 2200) | None = None, framework_id: Id | None = None):
    return selectors.runs(actor(request), year=year, framework_id=framework_id)


@router.post("/runs", response={201: RunOut},
             auth=auth_for("evaluation.manage"), summary="Run an evaluation (freezes its inputs)")
def create_run(request: HttpRequest, payload: RunIn, idempotency_key: str | None = Header(None, alias="Idempotency-Key")):
    return Status(201, services.create_run(actor=actor(request), idempotency_key=idempotency_key, **payload.dict()))


@router.get("/runs/{run_id}", response=RunOut, summary="One run")
def get_run(request: HttpRequest, run_id: Id):
    return selectors.run(actor(request), run_id)


@router.get("/runs/{run_id}/results", response=list[ZoneResultOut], summary="Ranking of a run")
@paginate(Pagination)
def run_results(request: HttpRequest, run_id: Id, region: str = "", klass: str = "", q: str = ""):
    a = actor(request)
    return selectors.ranking(a, selectors.run(a, run_id), region=region, klass=klass, q=q)


@router.get("/runs/{run_id}/zones/{zone_id}", response=ZoneDetailOut, summary="A zone's scores in a run")
def run_zone(request: HttpRequest, run_id: Id, zone_id: Id):
    a = actor(request)
    r = selectors.run(a, run_id)
    result, scores = selectors.zone_scores(a, r, zone_id)
    best, worst = selectors.strengths_weaknesses(scores, [n["code"] for n in selectors.indicators_of(r)])
    return {"result": result, "scores": sorted(scores.values(), key=lambda s: s.code),
            "strengths": [s.code for s in best], "weaknesses": [s.code for s in worst]}


@router.get("/runs/{run_id}/exit-watch", response=list[EvalZoneOut],
            summary="Zones in the bottom 5 nationally and regionally two years running")
def run_exit_watch(request: HttpRequest, run_id: Id):
    a = actor(request)
    return selectors.exit_watch_zones(a, selectors.run(a, run_id))


@router.post("/runs/{run_id}/exit-watch/{zone_id}/rectification", response={200: RectificationOut},
             auth=auth_for("evaluation.rectify"),
             summary="Open rectification (整改) for a zone on a published run's exit watch: a ledger task and a "
                     "joint-meeting issue; a second call returns the same ones")
def open_rectification(request: HttpRequest, run_id: Id, zone_id: Id):
    return services.open_rectification(actor=actor(request), run_id=run_id, zone_id=zone_id)


@router.get("/runs/{run_id}/export", summary="Ranking as CSV / XLSX / JSON")
def export_run(request: HttpRequest, run_id: Id, format: str = "csv"):
    a = actor(request)
    body = exports.export_ranking(a, selectors.run(a, run_id), fmt=format)
    return tabular.download(body, format, f"ranking-{run_id}")


@router.post("/runs/{run_id}/reproduce", response=ReproduceOut,
             auth=auth_for("evaluation.view"), summary="Re-run from the frozen inputs and compare")
def reproduce_run(request: HttpRequest, run_id: Id):
    a = actor(request)
    same, got = services.reproduce_run(actor=a, run_id=run_id)
    return {"same": same, "stored_hash": selectors.run(a, run_id).result_hash, "recomputed_hash": got}


@router.post("/runs/{run_id}/sensitivity", response=RunOut, auth=auth_for("evaluation.manage"),
             summary="Compute the run's Sobol sensitivity indices from its frozen inputs and keep them on the run")
def store_sensitivity(request: HttpRequest, run_id: Id, payload: SensitivityIn):
    return services.store_sensitivity(actor=actor(request), run_id=run_id, draws=payload.draws, seed=payload.seed)


@router.post("/runs/{run_id}/publish", response=RunOut,
             auth=auth_for("evaluation.manage"), summary="Publish or withdraw a run")
def publish_run(request: HttpRequest, run_id: Id, payload: PublishIn):
    return services.publish_run(actor=actor(request), run_id=run_id, public=payload.public)
