from datetime import date, datetime
from decimal import Decimal

from ninja import Field, Schema


class ZoneOut(Schema):
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


class ZoneIn(Schema):
    """Every field optional on PATCH; code, name_zh and region required on POST. Dates YYYY-MM-DD;
    platform_zone: the code of the platform zone ("" for none); evaluated_from: "" for not yet."""

    code: str | None = None
    name_zh: str | None = None
    name_en: str | None = None
    kind: str | None = None
    region: str | None = None
    province: str | None = None
    platform_zone: str | None = None
    approved_on: str | None = None
    accepted_on: str | None = None
    evaluated_from: str | None = None


class AreaIn(Schema):
    year: int
    planned_km2: str
    accepted_km2: str
    fenced_km2: str
    developed_km2: str


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
    code: str = Field(max_length=40)
    name: str = Field(max_length=200)


class WeightsIn(Schema):
    weights: dict[str, str]


class IndicatorPatch(Schema):
    name_zh: str | None = None
    name_en: str | None = None
    direction: int | None = None
    unit: str | None = None
    normalisation: str | None = None
    goal_low: str | None = None
    goal_high: str | None = None
    points: str | None = None
    cap: str | None = None


class NodeIn(Schema):
    code: str = Field(max_length=20)
    kind: str = "indicator"
    parent: str = ""
    name_zh: str = Field(max_length=100)
    name_en: str = ""
    direction: int = 1
    unit: str = ""
    formula: str = "raw"
    series: str
    normalisation: str = "minmax"
    goal_low: str | None = None
    goal_high: str | None = None
    points: str | None = None
    cap: str | None = None


class SettingsIn(Schema):
    name: str | None = None
    aggregation: str | None = None
    impute: str | None = None
    min_coverage: str | None = None
    class_bands: list[list[str]] | None = None


class ValueIn(Schema):
    zone_id: int
    series: str
    year: int
    value: str
    unit: str
    note: str = ""


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
    year: int


class ImportOut(Schema):
    rows: int


class RunIn(Schema):
    framework_id: int
    year: int
    draws: int = 1000
    seed: int = 0
    label: str = ""


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


class PublishIn(Schema):
    public: bool
