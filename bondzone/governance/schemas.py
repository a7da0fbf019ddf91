from datetime import date, datetime
from decimal import Decimal

from ninja import Schema

from bondzone.core.domain.inputs import PLANNED, RECORDED
from bondzone.core.types import DateIn, DecimalOf, Id, Int, Numbered, Text, TextOf

from .models import (
    AnnualList, AssessmentRule, ExtensionRequest, Issue, JointMeeting, ListItem, ProgressReport, Task, Unit,
)
from .services import MAX_WORKDAYS


class UnitOut(Schema):
    id: int
    name: str
    name_en: str
    short_name: str
    kind: str
    parent_id: int | None
    zone_id: int | None


class UnitIn(Schema):
    name: TextOf(Unit, "name")
    kind: TextOf(Unit, "kind") = "other"
    name_en: TextOf(Unit, "name_en") = ""
    short_name: TextOf(Unit, "short_name") = ""
    parent_id: Id | None = None
    zone_id: Id | None = None


class MemberIn(Schema):
    user_id: Id
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
    lead_status: str  # proposed (the policy's first-named unit) | confirmed (by the ledger office) | none
    lead_confirmed_at: datetime | None
    expanded_from_id: int | None

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
    title: TextOf(Task, "title")
    parent_id: Id | None = None
    code: TextOf(Task, "code") = ""
    text: TextOf(Task, "text") = ""
    lead_unit_id: Id | None = None
    co_unit_ids: list[Id] = []
    zone_ids: list[Text(16)] = []
    year: Int(2000, 2100) | None = None
    start_date: DateIn(PLANNED) | None = None
    due_date: DateIn(PLANNED) | None = None
    due_in_workdays: Int(1, MAX_WORKDAYS) | None = None
    status: TextOf(Task, "status") = "planned"
    progress: DecimalOf(Task, "progress") | None = None
    progress_mode: TextOf(Task, "progress_mode") = "manual"
    weight: DecimalOf(Task, "weight") | None = None
    cadence: TextOf(Task, "cadence") = "quarterly"
    published: bool = False
    public_summary: Text(5000) = ""


class TaskPatch(Schema):
    title: TextOf(Task, "title") | None = None
    parent_id: Id | None = None
    code: TextOf(Task, "code") | None = None
    text: TextOf(Task, "text") | None = None
    lead_unit_id: Id | None = None
    co_unit_ids: list[Id] | None = None
    zone_ids: list[Text(16)] | None = None
    year: Int(2000, 2100) | None = None
    start_date: DateIn(PLANNED) | None = None
    due_date: DateIn(PLANNED) | None = None
    due_in_workdays: Int(1, MAX_WORKDAYS) | None = None
    status: TextOf(Task, "status") | None = None
    progress: DecimalOf(Task, "progress") | None = None
    progress_mode: TextOf(Task, "progress_mode") | None = None
    weight: DecimalOf(Task, "weight") | None = None
    cadence: TextOf(Task, "cadence") | None = None
    published: bool | None = None
    public_summary: Text(5000) | None = None


class TaskWeightsIn(Schema):
    mode: TextOf(Task, "progress_mode")
    weights: dict[Text(20), DecimalOf(Task, "weight") | None] = {}


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
    decision: Text(20)
    reason: TextOf(ProgressReport, "return_reason") = ""


class ExtensionIn(Schema):
    new_due: DateIn(PLANNED)
    reason: Text(2000)
    unit_id: Id | None = None


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
    note: TextOf(ExtensionRequest, "decision_note") = ""


class ListItemIn(Schema):
    name: TextOf(ListItem, "name")
    zone: Text(16) | None = None
    lead_unit_id: Id | None = None
    investment: DecimalOf(ListItem, "investment") | None = None
    planned_start: DateIn(PLANNED) | None = None
    planned_end: DateIn(PLANNED) | None = None


class AnnualListIn(Schema):
    kind: TextOf(AnnualList, "kind")
    year: Int(2000, 2100)
    title: TextOf(AnnualList, "title") = ""
    published: bool = False
    items: Numbered(ListItemIn) = []


class ReviseIn(Schema):
    add: Numbered(ListItemIn) = []
    drop_item_ids: list[Id] = []
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
    number: TextOf(JointMeeting, "number")
    held_on: DateIn(RECORDED)
    title: TextOf(JointMeeting, "title")
    level: TextOf(JointMeeting, "level") = "city"
    convenor: TextOf(JointMeeting, "convenor") = ""
    minutes: TextOf(JointMeeting, "minutes") = ""
    attendee_ids: list[Id] = []


class MeetingOut(Schema):
    id: int
    number: str
    held_on: date
    level: str
    convenor: str
    title: str


class IssueIn(Schema):
    title: TextOf(Issue, "title")
    description: TextOf(Issue, "description") = ""
    zone_id: Text(16) | None = None
    unit_id: Id | None = None


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
    to_level: TextOf(Issue, "level")
    reason: Text(2000)
    meeting_id: Id | None = None


class DecisionIn(Schema):
    text: Text(2000)
    lead_unit_id: Id
    co_unit_ids: list[Id] = []
    meeting_id: Id | None = None
    due_date: DateIn(PLANNED) | None = None
    due_in_workdays: Int(1, MAX_WORKDAYS) | None = None


class DecisionOut(Schema):
    id: int
    issue_id: int
    meeting_id: int | None
    text: str
    task_id: int


class LedgerImportOut(Schema):
    rows: int
    changed: int


class ReminderRunIn(Schema):
    date: DateIn(RECORDED)


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


class LeadIn(Schema):
    lead_unit_id: Id | None = None  # none: confirm the proposed unit
    note: Text(500) = ""


class ExpandOut(Schema):
    task_id: int
    created: int
    tasks: list[int]


class SignIn(Schema):
    unit_id: Id | None = None  # none: the reader's unit among the task's units


class AcknowledgementOut(Schema):
    id: int
    task_id: int
    unit_id: int
    unit: str
    signed_by: str | None
    signed_at: datetime

    @staticmethod
    def resolve_unit(obj):
        return obj.unit.name

    @staticmethod
    def resolve_signed_by(obj):
        return obj.signed_by.get_username() if obj.signed_by else None


class UnsignedOut(Schema):
    task_id: int
    code: str
    title: str
    unit_id: int
    unit: str
    due_date: date | None


class NoticeOut(Schema):
    id: int
    period: str
    issued_on: date
    title: str
    overdue: int = 0
    returned: int = 0


class NoticeItemOut(Schema):
    kind: str
    task_id: int
    code: str
    title: str
    unit_id: int | None
    due_date: date | None
    days_overdue: int | None
    report_id: int | None
    reason: str

    @staticmethod
    def resolve_code(obj):
        return obj.task.code

    @staticmethod
    def resolve_title(obj):
        return obj.task.title


class NoticeDetailOut(NoticeOut):
    created: bool = False
    items: list[NoticeItemOut]


class RulesIn(Schema):
    year: Int(2000, 2100)
    timeliness: DecimalOf(AssessmentRule, "timeliness")
    quality: DecimalOf(AssessmentRule, "quality")
    results: DecimalOf(AssessmentRule, "results")
    service: DecimalOf(AssessmentRule, "service")
    promotion: DecimalOf(AssessmentRule, "promotion")


class AssessmentFreezeIn(Schema):
    year: Int(2000, 2100)
    reason: Text(500) = ""


class UnitScoreOut(Schema):
    rank: int | None
    unit_id: int
    unit: str
    score: Decimal | None
    timeliness: Decimal | None
    quality: Decimal | None
    results: Decimal | None
    service: Decimal | None
    promotion: Decimal | None
    not_scored: list[str]
    tasks: int
    on_time: int
    late: int
    reports_reviewed: int
    requests_replied: int
    requests_rated: int
    projects_landed: int
    landed_investment: Decimal


class AssessmentFrozenOut(Schema):
    version: int
    frozen_at: datetime
    frozen_by: str | None
    reason: str
    as_of: date


class AssessmentOut(Schema):
    year: int
    weights: dict[str, Decimal]
    weights_assumed: bool
    assumed_reasons: dict[str, str]
    as_of: date | None
    frozen: AssessmentFrozenOut | None
    versions: list[int]
    scores: list[UnitScoreOut]


class AssessmentUnitOut(UnitScoreOut):
    year: int
    frozen_version: int | None
