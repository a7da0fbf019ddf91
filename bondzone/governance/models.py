"""Tables of the policy task ledger, annual lists and joint-meeting escalation (constraints only)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from bondzone.core.files import private_storage
from bondzone.core.models import Zone

from .domain.assessment import COMPONENTS as ASSESSMENT_COMPONENTS
from .domain.schedule import Cadence, ReminderKind
from .domain.tree import Mode


def evidence_storage() -> FileSystemStorage:
    return private_storage()


PERCENT = [MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))]


class UnitKind(models.TextChoices):
    CITY = "city", _("city bureau")
    DISTRICT = "district", _("district government")
    ZONE_ADMIN = "zone_admin", _("zone administration")
    CUSTOMS = "customs", _("customs")
    TAX = "tax", _("tax")
    OTHER = "other", _("other")


class Unit(models.Model):
    """A responsible organisation (责任单位), not a person."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    short_name = models.CharField(_("short name"), max_length=40, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=UnitKind.choices, default=UnitKind.OTHER)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    zone = models.ForeignKey(Zone, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = pgettext_lazy("organisation", "unit")

    def __str__(self):
        return self.name


class UnitMember(models.Model):
    """Links a user to a unit they report for; a leader receives escalated reminders."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="governance_units")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="members")
    is_leader = models.BooleanField(default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "unit"], name="gov_member_once")]
        verbose_name = _("unit member")


class Policy(models.Model):
    """A policy document (政策文件)."""

    code = models.CharField(pgettext_lazy("record number", "code"), max_length=40, unique=True)
    title = models.CharField(_("title"), max_length=200)
    issuer = models.CharField(_("issuer"), max_length=100, blank=True)
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    text = models.TextField(blank=True)
    published = models.BooleanField(default=True)

    class Meta:
        ordering = ["-issued_on", "code"]
        verbose_name = _("policy")

    def __str__(self):
        return self.code


class TaskStatus(models.TextChoices):
    PLANNED = "planned", _("planned")
    IN_PROGRESS = "in_progress", _("in progress")
    COMPLETED = "completed", _("completed")
    CANCELLED = "cancelled", _("cancelled")


CLOSED_STATUSES = (TaskStatus.COMPLETED.value, TaskStatus.CANCELLED.value)


class TaskSource(models.TextChoices):
    POLICY = "policy", _("policy clause")
    ANNUAL_LIST = "annual_list", _("annual list item")
    DECISION = "decision", _("meeting decision")
    MANUAL = "manual", _("entered")


class Task(models.Model):
    """One line of the task ledger (任务台账): section → measure → sub-task, any depth."""

    policy = models.ForeignKey(Policy, null=True, blank=True, on_delete=models.PROTECT, related_name="tasks")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    position = models.PositiveIntegerField(default=0)
    code = models.CharField(pgettext_lazy("record number", "code"), max_length=40, blank=True)
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text"), blank=True)
    source = models.CharField(max_length=20, choices=TaskSource.choices, default=TaskSource.MANUAL)
    lead_unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="led_tasks",
                                  verbose_name=_("lead unit"))
    co_units = models.ManyToManyField(Unit, blank=True, related_name="co_tasks", verbose_name=_("co-units"))
    zones = models.ManyToManyField(Zone, blank=True, related_name="+", verbose_name=_("zones"))
    year = models.PositiveIntegerField(null=True, blank=True)
    start_date = models.DateField(_("start"), null=True, blank=True)
    due_date = models.DateField(_("due"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=TaskStatus.choices, default=TaskStatus.PLANNED)
    progress = models.DecimalField(_("progress"), max_digits=5, decimal_places=2, default=Decimal(0),
                                   validators=PERCENT)
    progress_mode = models.CharField(max_length=10, choices=[(m.value, m.value) for m in Mode], default=Mode.MANUAL)
    weight = models.DecimalField(_("weight"), max_digits=5, decimal_places=2, null=True, blank=True,
                                 validators=PERCENT)
    cadence = models.CharField(max_length=12, choices=[(c.value, c.value) for c in Cadence],
                               default=Cadence.QUARTERLY)
    published = models.BooleanField(_("published"), default=False)
    public_summary = models.TextField(blank=True)
    # the policy names no lead unit: the first-named unit is a proposal until the ledger office confirms it
    lead_confirmed_at = models.DateTimeField(null=True, blank=True)
    lead_confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                          related_name="+")
    # a sub-task created for one member of a collective unit (各综合保税区管理机构 …) of its parent
    expanded_from = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("task")
        indexes = [models.Index(fields=["parent", "position"]), models.Index(fields=["due_date"])]
        constraints = [
            models.CheckConstraint(name="gov_task_progress_0_100",
                                   condition=Q(progress__gte=0) & Q(progress__lte=100)),
            models.CheckConstraint(name="gov_task_weight_0_100",
                                   condition=Q(weight__isnull=True) | (Q(weight__gte=0) & Q(weight__lte=100))),
            models.CheckConstraint(name="gov_task_due_after_start",
                                   condition=Q(start_date__isnull=True) | Q(due_date__isnull=True)
                                   | Q(due_date__gte=models.F("start_date"))),
            models.CheckConstraint(name="gov_task_not_own_parent", condition=~Q(parent=models.F("id"))),
            models.UniqueConstraint(fields=["parent", "expanded_from", "lead_unit"], name="gov_task_expanded_once",
                                    condition=Q(expanded_from__isnull=False)),
        ]

    def __str__(self):
        return f"{self.code} {self.title}".strip()

    @property
    def closed(self) -> bool:
        return self.status in CLOSED_STATUSES

    @property
    def lead_status(self) -> str:
        from .domain.ownership import lead_status

        return lead_status(self.lead_unit_id is not None, self.lead_confirmed_at is not None)


class Acknowledgement(models.Model):
    """签收: a responsible unit acknowledges that it has received a task."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="acknowledgements")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    signed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["signed_at", "id"]
        verbose_name = _("acknowledgement")
        constraints = [models.UniqueConstraint(fields=["task", "unit"], name="gov_ack_once")]


class ReportStatus(models.TextChoices):
    SUBMITTED = "submitted", pgettext_lazy("progress report", "submitted")  # not supervision's 已申报
    ACCEPTED = "accepted", pgettext_lazy("progress report", "accepted")
    RETURNED = "returned", pgettext_lazy("progress report", "returned")


class ProgressReport(models.Model):
    """A unit's progress report (进展反馈) for one period, reviewed by the ledger office."""

    task = models.ForeignKey(Task, on_delete=models.PROTECT, related_name="reports")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="reports")
    period = models.CharField(_("period"), max_length=8)
    text = models.TextField(_("progress"))
    progress = models.DecimalField(_("progress claimed"), max_digits=5, decimal_places=2, validators=PERCENT)
    problems = models.TextField(_("problems"), blank=True)
    help_needed = models.TextField(_("help needed"), blank=True)
    status = models.CharField(max_length=12, choices=ReportStatus.choices, default=ReportStatus.SUBMITTED)
    return_reason = models.CharField(max_length=500, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    submitted_at = models.DateTimeField(auto_now_add=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    reviewed_at = models.DateTimeField(null=True)

    class Meta:
        ordering = ["-submitted_at", "-id"]
        verbose_name = _("progress report")
        constraints = [
            models.CheckConstraint(name="gov_report_progress_0_100",
                                   condition=Q(progress__gte=0) & Q(progress__lte=100)),
        ]


class Evidence(models.Model):
    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(storage=evidence_storage, upload_to="governance/evidence/%Y/%m/", max_length=300)
    name = models.CharField(max_length=200)
    size = models.PositiveIntegerField(default=0)
    sha256 = models.CharField(max_length=64)
    description = models.CharField(max_length=200, blank=True)

    class Meta:
        verbose_name = _("evidence")


class ExtensionStatus(models.TextChoices):
    PENDING = "pending", _("pending")
    APPROVED = "approved", _("approved")
    REJECTED = "rejected", _("rejected")


class ExtensionRequest(models.Model):
    """延期申请: filed before the due date; approval moves the due date."""

    task = models.ForeignKey(Task, on_delete=models.PROTECT, related_name="extensions")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField()
    old_due = models.DateField()
    new_due = models.DateField()
    status = models.CharField(max_length=10, choices=ExtensionStatus.choices, default=ExtensionStatus.PENDING)
    decision_note = models.CharField(max_length=500, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(null=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("extension request")
        constraints = [models.CheckConstraint(name="gov_extension_later", condition=Q(new_due__gt=models.F("old_due")))]


class ListKind(models.TextChoices):
    PROJECTS = "projects", _("key projects")
    POLICIES = "policies", _("policies")


class AnnualList(models.Model):
    """年度重点项目清单 / 政策清单, one version per revision of a year."""

    kind = models.CharField(max_length=10, choices=ListKind.choices)
    year = models.PositiveIntegerField()
    version = models.PositiveIntegerField(default=1)
    title = models.CharField(max_length=200, blank=True)
    published = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year", "kind", "-version"]
        verbose_name = _("annual list")
        constraints = [models.UniqueConstraint(fields=["kind", "year", "version"], name="gov_list_version_once")]

    def __str__(self):
        return f"{self.year} {self.get_kind_display()} v{self.version}"


class ListItem(models.Model):
    annual_list = models.ForeignKey(AnnualList, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveIntegerField(default=0)
    name = models.CharField(_("name"), max_length=200)
    zone = models.ForeignKey(Zone, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    lead_unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    investment = models.DecimalField(_("investment (yuan)"), max_digits=16, decimal_places=2, null=True, blank=True)
    planned_start = models.DateField(null=True, blank=True)
    planned_end = models.DateField(null=True, blank=True)
    task = models.ForeignKey(Task, on_delete=models.PROTECT, related_name="list_items")
    carried_from = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("list item")


class Level(models.TextChoices):
    ZONE = "zone", _("zone")
    DISTRICT = "district", _("district")
    CITY = "city", _("city joint meeting")
    NATIONAL = "national", _("national level")


LEVEL_ORDER = [Level.ZONE.value, Level.DISTRICT.value, Level.CITY.value, Level.NATIONAL.value]


class JointMeeting(models.Model):
    """全市综合保税区建设发展联席会议 (or a district's)."""

    number = models.CharField(_("number"), max_length=40, unique=True)
    held_on = models.DateField(_("held on"))
    level = models.CharField(max_length=10, choices=Level.choices, default=Level.CITY)
    convenor = models.CharField(_("convenor"), max_length=100, blank=True)
    title = models.CharField(_("title"), max_length=200)
    minutes = models.TextField(blank=True)
    attendees = models.ManyToManyField(Unit, blank=True, related_name="+")

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = _("joint meeting")


class IssueStatus(models.TextChoices):
    OPEN = "open", _("open")
    CLOSED = "closed", _("closed")


class Issue(models.Model):
    """难点问题: raised at a zone, escalated zone → district → city joint meeting → national level."""

    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(blank=True)
    zone = models.ForeignKey(Zone, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    raised_by = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    level = models.CharField(max_length=10, choices=Level.choices, default=Level.ZONE)
    status = models.CharField(max_length=10, choices=IssueStatus.choices, default=IssueStatus.OPEN)
    meeting = models.ForeignKey(JointMeeting, null=True, blank=True, on_delete=models.PROTECT, related_name="issues")
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("issue")


class Escalation(models.Model):
    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="escalations")
    from_level = models.CharField(max_length=10, choices=Level.choices)
    to_level = models.CharField(max_length=10, choices=Level.choices)
    reason = models.TextField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]


class Decision(models.Model):
    """议定事项: each creates a tracked task."""

    issue = models.ForeignKey(Issue, on_delete=models.PROTECT, related_name="decisions")
    meeting = models.ForeignKey(JointMeeting, null=True, blank=True, on_delete=models.PROTECT, related_name="decisions")
    text = models.TextField()
    task = models.OneToOneField(Task, on_delete=models.PROTECT, related_name="decision")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]


class Reminder(models.Model):
    """A reminder issued by the scheduled job; unique per (task, kind, period) so reruns add nothing."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=12, choices=[(k.value, k.value) for k in ReminderKind])
    period = models.CharField(max_length=10)
    unit = models.ForeignKey(Unit, null=True, on_delete=models.SET_NULL, related_name="+")
    run_date = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-run_date", "-id"]
        # one per unit: the lead unit and every co-unit are reminded
        constraints = [models.UniqueConstraint(fields=["task", "kind", "period", "unit"], name="gov_reminder_once_unit")]


class NoticeKind(models.TextChoices):
    OVERDUE = "overdue", _("overdue task")
    RETURNED = "returned", _("returned report")


class Notice(models.Model):
    """情况通报: a monthly circulated notice of overdue tasks and returned reports, generated from the ledger."""

    period = models.CharField(_("period"), max_length=7, unique=True)
    issued_on = models.DateField(_("issued on"))
    title = models.CharField(_("title"), max_length=200)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-period", "-id"]
        verbose_name = _("notice")


class NoticeItem(models.Model):
    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="items")
    kind = models.CharField(max_length=10, choices=NoticeKind.choices)
    task = models.ForeignKey(Task, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(Unit, null=True, on_delete=models.PROTECT, related_name="+")
    due_date = models.DateField(null=True)
    days_overdue = models.PositiveIntegerField(null=True)
    report = models.ForeignKey(ProgressReport, null=True, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["kind", "id"]


class AssessmentRule(models.Model):
    """The weights of the unit assessment (考核) for a year; edited by the ledger office, audited."""

    year = models.PositiveIntegerField(unique=True)
    timeliness = models.DecimalField(max_digits=5, decimal_places=2, validators=PERCENT)
    quality = models.DecimalField(max_digits=5, decimal_places=2, validators=PERCENT)
    results = models.DecimalField(max_digits=5, decimal_places=2, validators=PERCENT)
    # rules saved before these components existed keep their meaning: 0 = not weighted
    service = models.DecimalField(max_digits=5, decimal_places=2, validators=PERCENT, default=Decimal(0))
    promotion = models.DecimalField(max_digits=5, decimal_places=2, validators=PERCENT, default=Decimal(0))
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-year"]
        verbose_name = _("assessment rule")
        constraints = [models.CheckConstraint(
            name="gov_assessment_weights_positive",
            condition=Q(timeliness__gte=0) & Q(quality__gte=0) & Q(results__gte=0) & Q(service__gte=0)
            & Q(promotion__gte=0))]


class AssessmentFreeze(models.Model):
    """A year's unit assessment frozen by the ledger office: the weights used and every unit's components and
    score as they stood. Freezing again makes the next version (with a reason); the latest version is what the
    pages, the API and the exports show for the year."""

    year = models.PositiveIntegerField(_("year"))
    version = models.PositiveIntegerField(_("version"))
    as_of = models.DateField(_("facts as of"))
    weights = models.JSONField()  # {component: "40.00"}
    weights_assumed = models.BooleanField()
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    frozen_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    frozen_at = models.DateTimeField(_("frozen at"))

    class Meta:
        ordering = ["-year", "-version"]
        verbose_name = _("frozen assessment")
        constraints = [models.UniqueConstraint(fields=["year", "version"], name="gov_assessment_freeze_version")]


class FrozenScore(models.Model):
    """One unit's row of a frozen assessment."""

    freeze = models.ForeignKey(AssessmentFreeze, on_delete=models.CASCADE, related_name="scores")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    rank = models.PositiveIntegerField(null=True)
    score = models.DecimalField(max_digits=5, decimal_places=2, null=True)
    timeliness = models.DecimalField(max_digits=5, decimal_places=2, null=True)
    quality = models.DecimalField(max_digits=5, decimal_places=2, null=True)
    results = models.DecimalField(max_digits=5, decimal_places=2, null=True)
    service = models.DecimalField(max_digits=5, decimal_places=2, null=True)
    promotion = models.DecimalField(max_digits=5, decimal_places=2, null=True)
    tasks = models.PositiveIntegerField()
    on_time = models.PositiveIntegerField()
    late = models.PositiveIntegerField()
    reviewed = models.PositiveIntegerField()
    replied = models.PositiveIntegerField(default=0)
    rated = models.PositiveIntegerField(default=0)
    landed = models.PositiveIntegerField(default=0)
    investment = models.DecimalField(max_digits=16, decimal_places=2, default=Decimal(0))

    class Meta:
        ordering = ["freeze", "rank", "unit_id"]
        constraints = [models.UniqueConstraint(fields=["freeze", "unit"], name="gov_frozen_score_once")]

    @property
    def missing(self) -> list[str]:
        return [c for c in ASSESSMENT_COMPONENTS if getattr(self, c) is None]
