"""Schemas of the service-desk API and of its Open311 GeoReport v2 read API."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from ninja import Schema

from bondzone.core.types import Id, Int


class CategoryIn(Schema):
    code: str
    name: str
    name_en: str = ""
    description: str = ""
    group: str = ""
    kind: str = "help"
    default_unit_id: Id | None = None
    active: bool = True
    attributes: list[dict] = []
    sign_within: str = "1"
    sign_unit: str = "workdays"
    resolve_within: str | None = None
    resolve_unit: str = "workdays"


class CategoryPatch(Schema):
    name: str | None = None
    name_en: str | None = None
    description: str | None = None
    group: str | None = None
    kind: str | None = None
    default_unit_id: Id | None = None
    active: bool | None = None
    attributes: list[dict] | None = None
    sign_within: str | None = None
    sign_unit: str | None = None
    resolve_within: str | None = None
    resolve_unit: str | None = None


class CategoryOut(Schema):
    id: int
    code: str
    name: str
    name_en: str
    group: str
    kind: str
    default_unit_id: int | None
    active: bool
    attributes: list[dict]
    sign_within: Decimal
    sign_unit: str
    resolve_within: Decimal
    resolve_unit: str


class RequestIn(Schema):
    category_id: Id
    title: str
    description: str
    kind: str = ""
    channel: str = "web"
    contact_name: str = ""
    contact_phone: str = ""
    attributes: dict[str, Any] = {}
    enterprise_id: Id | None = None  # platform admins filing for an enterprise


class RequestOut(Schema):
    id: int
    number: str
    enterprise_id: int
    zone_id: int
    category_id: int
    kind: str
    channel: str
    title: str
    description: str
    attributes: dict
    status: str
    lead_unit_id: int | None
    submitted_at: datetime
    dispatched_at: datetime | None
    signed_at: datetime | None
    replied_at: datetime | None
    closed_at: datetime | None
    sign_due_at: datetime | None
    due_at: datetime | None
    paused: bool
    reply: str
    escalated_issue_id: int | None
    satisfaction: str
    solved: bool | None
    signed_on_time: bool | None
    replied_on_time: bool | None
    handling_days: Decimal | None

    @staticmethod
    def resolve_paused(obj) -> bool:
        return obj.paused_since is not None


class EventOut(Schema):
    step: str
    at: datetime
    actor_name: str
    unit_id: int | None
    to_unit_id: int | None
    text: str
    internal: bool


class UnitStepIn(Schema):
    unit_id: Id | None = None
    reason: str = ""
    note: str = ""


class RequestReasonIn(Schema):
    reason: str = ""


class TextIn(Schema):
    text: str = ""


class ExtendIn(Schema):
    workdays: str
    reason: str = ""


class FeedbackIn(Schema):
    satisfaction: str
    solved: bool | None = None
    comment: str = ""


class RateRowOut(Schema):
    group: str
    total: int
    response_rate: Decimal | None
    solution_rate: Decimal | None
    satisfaction_rate: Decimal | None
    on_time_rate: Decimal | None
    average_days: Decimal | None


class RequestReminderRunOut(Schema):
    sign_overdue: int
    overdue: int
    due_soon: int


# --- Open311 GeoReport v2 (field names as the standard spells them) ---------------------------------

class Open311Service(Schema):
    service_code: str
    service_name: str
    description: str
    metadata: bool
    type: str
    keywords: str
    group: str


class Open311Attribute(Schema):
    variable: bool
    code: str
    datatype: str
    required: bool
    datatype_description: str
    order: int
    description: str
    values: list[dict]


class Open311Definition(Schema):
    service_code: str
    attributes: list[Open311Attribute]


class Open311Request(Schema):
    service_request_id: str
    status: str
    status_notes: str
    service_name: str
    service_code: str
    description: str
    agency_responsible: str
    service_notice: str
    requested_datetime: datetime
    updated_datetime: datetime
    expected_datetime: datetime | None
    address: str
    address_id: str
    zipcode: str
    lat: float | None
    long: float | None
    media_url: str


class ArticleIn(Schema):
    title: str
    title_en: str = ""
    body: str
    body_en: str = ""
    category_id: Id | None = None
    tags: str = ""
    published: bool = False


class ArticlePatch(Schema):
    title: str | None = None
    title_en: str | None = None
    body: str | None = None
    body_en: str | None = None
    category_id: Id | None = None
    tags: str | None = None
    published: bool | None = None


class ArticleOut(Schema):
    id: int
    title: str
    title_en: str
    body: str
    body_en: str
    category_id: int | None
    tags: list[str]
    published: bool
    updated_at: datetime

    @staticmethod
    def resolve_tags(obj) -> list[str]:
        return obj.tag_list


# ---------------------------------------------------------------- investment guide
class SpaceIn(Schema):
    building: str
    kind: str = "warehouse"
    floor_area_m2: Decimal | str
    rent: Decimal | str | None = None
    bonded: bool = True
    available_from: str | None = None
    note: str = ""


class GuideIn(Schema):
    """A new draft version: only the sections given change; the rest is copied from the latest version. null clears
    title_en, the sections, planned_area_km2 and note; on title, policy_task_ids, spaces and synthetic it is refused
    (null_not_allowed), never read as "", no policies or false."""
    title: str | None = None
    title_en: str | None = None
    location: str | None = None
    location_en: str | None = None
    areas: str | None = None
    areas_en: str | None = None
    planned_area_km2: Decimal | str | None = None
    functions: str | None = None
    functions_en: str | None = None
    industries: str | None = None
    industries_en: str | None = None
    procedures: str | None = None
    procedures_en: str | None = None
    contacts: str | None = None
    contacts_en: str | None = None
    policy_task_ids: list[int] | None = None
    spaces: list[SpaceIn] | None = None
    synthetic: bool | None = None
    note: str | None = None


class SpaceOut(Schema):
    building: str
    kind: str
    floor_area_m2: Decimal
    rent: Decimal | None
    bonded: bool
    available_from: date | None
    note: str


class PolicyTaskOut(Schema):
    id: int
    code: str
    title: str


class GuideOut(Schema):
    id: int
    zone: str
    zone_name: str
    zone_name_en: str
    version: int
    status: str
    title: str
    title_en: str
    location: str
    location_en: str
    areas: str
    areas_en: str
    planned_area_km2: Decimal | None
    functions: str
    functions_en: str
    industries: str
    industries_en: str
    procedures: str
    procedures_en: str
    contacts: str
    contacts_en: str
    synthetic: bool
    note: str
    created_at: datetime
    published_at: datetime | None
    spaces: list[SpaceOut]
    policies: list[PolicyTaskOut] = []

    @staticmethod
    def resolve_zone(obj) -> str:
        return obj.zone.code

    @staticmethod
    def resolve_zone_name(obj) -> str:
        return obj.zone.name_zh

    @staticmethod
    def resolve_zone_name_en(obj) -> str:
        return obj.zone.name_en

    @staticmethod
    def resolve_spaces(obj) -> list:
        return list(obj.spaces.all())

    @staticmethod
    def resolve_policies(obj) -> list:
        return getattr(obj, "policies", [])


# ---------------------------------------------------------------- investment promotion
class ProjectIn(Schema):
    name: str
    name_en: str = ""
    investor: str = ""
    zone: str | None = None  # code or id; the zone administration's own zone when left out
    industry: str
    planned_investment: Decimal | str | None = None
    unit_id: Id | None = None
    team: str = ""
    note: str = ""


class ProjectPatch(Schema):
    name: str | None = None
    name_en: str | None = None
    investor: str | None = None
    zone: str | None = None
    industry: str | None = None
    planned_investment: Decimal | str | None = None
    unit_id: Id | None = None
    team: str | None = None
    note: str | None = None


class ProjectOut(Schema):
    id: int
    name: str
    name_en: str
    investor: str
    zone: str
    industry: str
    planned_investment: Decimal | None
    stage: str
    reached: str
    unit_id: int
    unit: str
    team: str
    note: str
    stage_changed_at: datetime
    key_list_id: int | None
    key_list_year: int | None

    @staticmethod
    def resolve_zone(obj) -> str:
        return obj.zone.code

    @staticmethod
    def resolve_unit(obj) -> str:
        return obj.unit.name

    @staticmethod
    def resolve_reached(obj) -> str:
        from .domain.promotion import PIPELINE

        return PIPELINE[obj.reached].value


class ProjectMoveIn(Schema):
    stage: str
    note: str = ""


class MoveOut(Schema):
    from_stage: str
    to_stage: str
    at: datetime
    note: str


class KeyListIn(Schema):
    year: Int() | None = None
    lead_unit_id: Id | None = None


class PromotionEventIn(Schema):
    kind: str
    title: str
    held_on: str
    zone: str | None = None
    unit_id: Id | None = None
    place: str = ""
    note: str = ""
    project_ids: list[int] = []


class PromotionEventOut(Schema):
    id: int
    kind: str
    title: str
    held_on: date
    zone: str
    unit_id: int
    place: str
    note: str
    project_ids: list[int]

    @staticmethod
    def resolve_zone(obj) -> str:
        return obj.zone.code

    @staticmethod
    def resolve_project_ids(obj) -> list[int]:
        return [p.pk for p in obj.projects.all()]


class StageConversionOut(Schema):
    stage: str
    reached: int
    to_next: Decimal | None


class ConversionOut(Schema):
    unit_id: int | None
    unit: str | None
    stages: list[StageConversionOut]


class ArticleLinkIn(Schema):
    article_id: Id
