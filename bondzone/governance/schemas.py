from datetime import date, datetime
from decimal import Decimal

from ninja import Field, Schema


class UnitOut(Schema):
    id: int
    name: str
    name_en: str
    short_name: str
    kind: str
    parent_id: int | None
    zone_id: int | None


class UnitIn(Schema):
    name: str = Field(max_length=100)
    kind: str = "other"
    name_en: str = ""
    short_name: str = ""
    parent_id: int | None = None
    zone_id: int | None = None


class MemberIn(Schema):
    user_id: int
    is_leader: bool = False


class TaskOut(Schema):
    id: int
    parent_id: int | None
    policy_id: int | None
    code: str
    title: str
    source: str
    lead_unit_id: int | None
    co_unit_ids: list[int]
    zone_ids: list[int]
    year: int | None
    start_date: date | None
    due_date: date | None
    status: str
    progress: Decimal
    progress_mode: str
    weight: Decimal | None
    cadence: str
    published: bool

    @staticmethod
    def resolve_co_unit_ids(obj):
        return [u.pk for u in obj.co_units.all()]

    @staticmethod
    def resolve_zone_ids(obj):
        return [z.pk for z in obj.zones.all()]


class TaskDetailOut(TaskOut):
    text: str
    public_summary: str
    light: str = ""


class TaskIn(Schema):
    title: str = Field(max_length=200)
    parent_id: int | None = None
    code: str = ""
    text: str = ""
    lead_unit_id: int | None = None
    co_unit_ids: list[int] = []
    zone_ids: list[str] = []
    year: int | None = None
    start_date: date | None = None
    due_date: date | None = None
    due_in_workdays: int | None = None
    status: str = "planned"
    progress: Decimal | None = None
    progress_mode: str = "manual"
    weight: Decimal | None = None
    cadence: str = "quarterly"
    published: bool = False
    public_summary: str = ""


class TaskPatch(Schema):
    title: str | None = None
    parent_id: int | None = None
    code: str | None = None
    text: str | None = None
    lead_unit_id: int | None = None
    co_unit_ids: list[int] | None = None
    zone_ids: list[str] | None = None
    year: int | None = None
    start_date: date | None = None
    due_date: date | None = None
    due_in_workdays: int | None = None
    status: str | None = None
    progress: Decimal | None = None
    progress_mode: str | None = None
    weight: Decimal | None = None
    cadence: str | None = None
    published: bool | None = None
    public_summary: str | None = None


class WeightsIn(Schema):
    mode: str
    weights: dict[str, Decimal | None] = {}


class EvidenceOut(Schema):
    id: int
    name: str
    size: int
    sha256: str


class ReportOut(Schema):
    id: int
    task_id: int
    unit_id: int
    period: str
    text: str
    progress: Decimal
    problems: str
    help_needed: str
    status: str
    return_reason: str
    submitted_at: datetime
    reviewed_at: datetime | None
    evidence: list[EvidenceOut]

    @staticmethod
    def resolve_evidence(obj):
        return list(obj.evidence.all())


class ReviewIn(Schema):
    decision: str
    reason: str = ""


class ExtensionIn(Schema):
    new_due: date
    reason: str
    unit_id: int | None = None


class ExtensionOut(Schema):
    id: int
    task_id: int
    unit_id: int
    reason: str
    old_due: date
    new_due: date
    status: str
    decision_note: str
    requested_at: datetime
    decided_at: datetime | None


class DecideIn(Schema):
    approve: bool
    note: str = ""


class ListItemIn(Schema):
    name: str
    zone: str | None = None
    lead_unit_id: int | None = None
    investment: Decimal | None = None
    planned_start: date | None = None
    planned_end: date | None = None


class AnnualListIn(Schema):
    kind: str
    year: int
    title: str = ""
    published: bool = False
    items: list[ListItemIn] = []


class ReviseIn(Schema):
    add: list[ListItemIn] = []
    drop_item_ids: list[int] = []
    published: bool | None = None


class ListItemOut(Schema):
    id: int
    name: str
    zone_id: int | None
    lead_unit_id: int | None
    investment: Decimal | None
    planned_start: date | None
    planned_end: date | None
    task_id: int
    carried_from_id: int | None


class AnnualListOut(Schema):
    id: int
    kind: str
    year: int
    version: int
    title: str
    published: bool


class AnnualListDetailOut(AnnualListOut):
    items: list[ListItemOut]

    @staticmethod
    def resolve_items(obj):
        return list(obj.items.all())


class MeetingIn(Schema):
    number: str = Field(max_length=40)
    held_on: date
    title: str
    level: str = "city"
    convenor: str = ""
    minutes: str = ""
    attendee_ids: list[int] = []


class MeetingOut(Schema):
    id: int
    number: str
    held_on: date
    level: str
    convenor: str
    title: str


class IssueIn(Schema):
    title: str
    description: str = ""
    zone_id: str | None = None
    unit_id: int | None = None


class IssueOut(Schema):
    id: int
    title: str
    description: str
    zone_id: int | None
    raised_by_id: int | None
    level: str
    status: str
    meeting_id: int | None
    created_at: datetime
    closed_at: datetime | None


class EscalateIn(Schema):
    to_level: str
    reason: str
    meeting_id: int | None = None


class DecisionIn(Schema):
    text: str
    lead_unit_id: int
    co_unit_ids: list[int] = []
    meeting_id: int | None = None
    due_date: date | None = None
    due_in_workdays: int | None = None


class DecisionOut(Schema):
    id: int
    issue_id: int
    meeting_id: int | None
    text: str
    task_id: int


class ImportOut(Schema):
    rows: int
    changed: int


class ReminderRunIn(Schema):
    date: date


class ReminderRunOut(Schema):
    date: str
    owed: int
    created: int
    by_kind: dict[str, int]


class PublicTaskOut(Schema):
    id: int
    parent_id: int | None
    code: str
    title: str
    public_summary: str
    due_date: date | None
    status: str
    progress: Decimal
