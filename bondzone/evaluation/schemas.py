from datetime import date, datetime
from decimal import Decimal

from ninja import Field, Schema

from bondzone.core.domain.inputs import BIGINT
from bondzone.core.types import Id, Int, Text



class EvalZoneOut(Schema):
    id: int
    code: str
    name_zh: str
    name_en: str
    kind: str
    region: str
    province: str
    zone_id: int | None
    approved_on: date | None
    accepted_on: date | None
    evaluated_from: int | None
    synthetic: bool


class EvalZoneIn(Schema):
    """Every field optional on PATCH; code, name_zh and region required on POST. Dates YYYY-MM-DD;
    platform_zone: the code of the platform zone ("" for none); evaluated_from: "" for not yet."""

    code: Text(16) | None = None
    name_zh: Text(100) | None = None
    name_en: Text(100) | None = None
    kind: Text(12) | None = None
    region: Text(16) | None = None
    province: Text(20) | None = None
    platform_zone: Text(16) | None = None
    approved_on: Text(10) | None = None
    accepted_on: Text(10) | None = None
    evaluated_from: str | None = None


class AreaIn(Schema):
    year: Int()
    planned_km2: Text(40)
    accepted_km2: Text(40)
    fenced_km2: Text(40)
    developed_km2: Text(40)


class AreaOut(Schema):
    zone_id: int
    year: int
    planned_km2: Decimal
    accepted_km2: Decimal
    fenced_km2: Decimal
    developed_km2: Decimal


class FrameworkOut(Schema):
    id: int
    code: str
    name: str
    description: str
    based_on_id: int | None
    aggregation: str
    impute: str
    min_coverage: Decimal
    outliers: str
    class_bands: list
    locked: bool


class IndicatorOut(Schema):
    code: str
    parent_code: str
    kind: str
    name_zh: str
    name_en: str
    weight: Decimal
    weight_assumed: bool
    direction: int
    unit: str
    formula: str
    series: str
    normalisation: str
    goal_low: Decimal | None
    goal_high: Decimal | None
    points: Decimal | None
    cap: Decimal | None


class FrameworkDetailOut(FrameworkOut):
    indicators: list[IndicatorOut]


class CloneIn(Schema):
    code: Text(40)
    name: Text(200)


class FrameworkWeightsIn(Schema):
    weights: dict[Text(20), Text(40)]


class IndicatorPatch(Schema):
    name_zh: Text(100) | None = None
    name_en: Text(150) | None = None
    direction: Int(-1, 1) | None = None
    unit: Text(20) | None = None
    normalisation: Text(10) | None = None
    goal_low: Text(40) | None = None
    goal_high: Text(40) | None = None
    points: Text(40) | None = None
    cap: Text(40) | None = None


class NodeIn(Schema):
    code: Text(20)
    kind: Text(10) = "indicator"
    parent: Text(20) = ""
    name_zh: Text(100)
    name_en: Text(150) = ""
    direction: Int(-1, 1) = 1
    unit: Text(20) = ""
    formula: Text(10) = "raw"
    series: Text(40)
    normalisation: Text(10) = "minmax"
    goal_low: Text(40) | None = None
    goal_high: Text(40) | None = None
    points: Text(40) | None = None
    cap: Text(40) | None = None


class SettingsIn(Schema):
    name: Text(200) | None = None
    aggregation: Text(12) | None = None
    impute: Text(8) | None = None
    min_coverage: Text(40) | None = None
    outliers: Text(16) | None = None
    class_bands: list[list[Text(40)]] | None = None


class ValueIn(Schema):
    zone_id: Id
    series: Text(40)
    year: Int()
    value: Text(60)
    unit: Text(20)
    note: Text(300) = ""


class ValueOut(Schema):
    id: int
    zone_id: int
    zone_code: str = Field(alias="zone.code")
    series: str
    year: int
    value: Decimal
    unit: str
    revision: int
    source: str
    note: str
    entered_at: datetime


class ComputeIn(Schema):
    year: Int()


class ValuesImportOut(Schema):
    rows: int


class RunIn(Schema):
    framework_id: Id
    year: Int()
    draws: Int() = 1000
    seed: Int(*BIGINT) = 0
    label: Text(200) = ""
    sensitivity_draws: Int(0, 4096) = 0  # > 0: also the Sobol indices with this base sample N (16–4096)


class SensitivityIndexOut(Schema):
    factor: str
    first_order: Decimal
    total: Decimal


class SensitivityOut(Schema):
    """Sobol indices stored with a run: base sample N, seed and Monte Carlo version that made them."""

    draws: int
    seed: int
    mc: int
    indices: list[SensitivityIndexOut]


class SensitivityIn(Schema):
    draws: Int() = 512  # base sample N, 16–4096 (N × (factors + 2) evaluations); the service says why not
    seed: Int(*BIGINT) | None = None  # default: the run's own seed


class RunOut(Schema):
    id: int
    framework_id: int
    framework_code: str = Field(alias="framework.code")
    year: int
    label: str
    draws: int
    seed: int
    zone_count: int
    synthetic: bool
    public: bool
    result_hash: str
    duration_ms: int
    created_at: datetime
    sensitivity: SensitivityOut | None = None

    @staticmethod
    def resolve_sensitivity(obj):
        return obj.sensitivity or None


class ZoneResultOut(Schema):
    zone_id: int
    zone_code: str = Field(alias="zone.code")
    zone_name: str = Field(alias="zone.name_zh")
    synthetic: bool = Field(alias="zone.synthetic")
    region: str
    base: Decimal
    adjustment: Decimal
    overall: Decimal
    rank_national: int
    rank_regional: int
    class_national: str
    class_regional: str
    mc_median: Decimal | None
    mc_p05: Decimal | None
    mc_p95: Decimal | None
    mc_regional_median: Decimal | None
    mc_regional_p05: Decimal | None
    mc_regional_p95: Decimal | None


class ScoreOut(Schema):
    code: str
    value: Decimal | None
    imputed: bool
    score: Decimal
    rank_national: int
    rank_regional: int
    percentile: Decimal | None


class ZoneDetailOut(Schema):
    result: ZoneResultOut
    scores: list[ScoreOut]
    strengths: list[str]
    weaknesses: list[str]


class ReproduceOut(Schema):
    same: bool
    stored_hash: str
    recomputed_hash: str


class RectificationOut(Schema):
    id: int
    run_id: int
    zone_id: int
    task_id: int
    issue_id: int
    task_title: str = Field(alias="task.title")
    task_lead_unit_id: int = Field(alias="task.lead_unit_id")
    task_due_date: date | None = Field(None, alias="task.due_date")
    opened_at: datetime


class PublishIn(Schema):
    public: bool
