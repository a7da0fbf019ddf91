"""Tables of the one-stop enterprise service desk: request categories (派单目录), service requests (诉求),
their events, pauses and reminders. Constraints only; the rules are in domain/ and services.py."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from bondzone.core.files import private_storage
from bondzone.core.models import Enterprise, Zone

from .domain.lifecycle import Kind, Satisfaction, Status, Step
from .domain.promotion import PIPELINE, EventKind, Stage
from .domain.sla import SlaUnit

KIND_LABELS = {
    Kind.CONSULTATION.value: _("consultation"),
    Kind.HELP.value: _("help"),
    Kind.COMPLAINT.value: _("complaint"),
    Kind.REPORT.value: _("report"),
    Kind.SUGGESTION.value: _("suggestion"),
}
STATUS_LABELS = {
    Status.SUBMITTED.value: _("submitted"),
    Status.DISPATCHED.value: _("dispatched"),
    Status.SIGNED.value: _("signed"),
    Status.IN_PROGRESS.value: pgettext_lazy("request status", "in progress"),
    Status.REPLIED.value: _("replied"),
    Status.CLOSED.value: _("closed"),
}
SLA_UNIT_LABELS = {
    SlaUnit.WORKDAYS.value: _("working days"),
    SlaUnit.WORKHOURS.value: _("working hours"),
    SlaUnit.HOURS.value: _("hours"),
}
SATISFACTION_LABELS = {
    Satisfaction.SATISFIED.value: _("satisfied"),
    Satisfaction.BASICALLY.value: _("basically satisfied"),
    Satisfaction.UNSATISFIED.value: _("unsatisfied"),
}
STEP_LABELS = {
    Step.DISPATCH.value: _("dispatched"),
    Step.TRANSFER.value: _("transferred"),
    Step.RETURN.value: _("returned"),
    Step.SIGN.value: _("signed"),
    Step.START.value: _("work started"),
    Step.ADD_CO_UNIT.value: _("co-handling unit added"),
    Step.EXTEND.value: _("time limit extended"),
    Step.PAUSE.value: _("clock paused"),
    Step.RESUME.value: _("clock resumed"),
    Step.REMIND.value: _("reminder"),
    Step.ESCALATE.value: _("escalated to the joint meeting"),
    Step.REPLY.value: _("replied"),
    Step.FEEDBACK.value: _("rated by the enterprise"),
    Step.CALLBACK.value: _("callback"),
    Step.NOTE.value: _("note"),
    "submit": _("submitted"),
    "article": _("knowledge article linked"),
}
CHANNELS = {
    "web": _("web"),
    "phone": _("phone"),
    "visit": _("visit"),
    "hotline": _("12345 transfer"),
    "meeting": _("meeting"),
}
POSITIVE = [MinValueValidator(Decimal("0.01"))]


class Category(models.Model):
    """A kind of request (Open311 "service") with its default responsible unit and time limits."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    group = models.CharField(_("group"), max_length=100, blank=True)
    keywords = models.CharField(_("keywords"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=list(KIND_LABELS.items()), default=Kind.HELP.value)
    default_unit = models.ForeignKey("governance.Unit", null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+", verbose_name=_("default responsible unit"))
    active = models.BooleanField(_("open for new requests"), default=True)
    attributes = models.JSONField(_("extra fields"), default=list, blank=True)
    sign_within = models.DecimalField(_("sign within"), max_digits=6, decimal_places=2, default=Decimal(1),
                                      validators=POSITIVE)
    sign_unit = models.CharField(max_length=10, choices=list(SLA_UNIT_LABELS.items()), default=SlaUnit.WORKDAYS.value)
    resolve_within = models.DecimalField(_("reply within"), max_digits=6, decimal_places=2, default=Decimal(7),
                                         validators=POSITIVE)
    resolve_unit = models.CharField(max_length=10, choices=list(SLA_UNIT_LABELS.items()),
                                    default=SlaUnit.WORKDAYS.value)

    class Meta:
        ordering = ["group", "code"]
        verbose_name = _("request category")
        constraints = [
            models.CheckConstraint(name="sd_category_limits_positive",
                                   condition=Q(sign_within__gt=0) & Q(resolve_within__gt=0)),
        ]

    def __str__(self):
        return self.name


class ServiceRequest(models.Model):
    """诉求: one enterprise's request, its handling units, its clocks and its outcome."""

    number = models.CharField(_("number"), max_length=20, unique=True)
    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="service_requests",
                                   verbose_name=_("enterprise"))
    zone = models.ForeignKey(Zone, on_delete=models.PROTECT, related_name="+", verbose_name=_("zone"))
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="requests",
                                 verbose_name=_("category"))
    kind = models.CharField(_("kind"), max_length=20, choices=list(KIND_LABELS.items()))
    channel = models.CharField(_("channel"), max_length=10, choices=list(CHANNELS.items()), default="web")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"))
    attributes = models.JSONField(default=dict, blank=True)
    contact_name = models.CharField(_("contact"), max_length=100, blank=True)
    contact_phone = models.CharField(_("phone"), max_length=40, blank=True)
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    status = models.CharField(_("status"), max_length=20, choices=list(STATUS_LABELS.items()),
                              default=Status.SUBMITTED.value, db_index=True)
    lead_unit = models.ForeignKey("governance.Unit", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+", verbose_name=_("lead unit"))
    co_units = models.ManyToManyField("governance.Unit", blank=True, related_name="+", verbose_name=_("co-units"))

    submitted_at = models.DateTimeField(_("submitted"), db_index=True)
    dispatched_at = models.DateTimeField(null=True, blank=True)
    signed_at = models.DateTimeField(null=True, blank=True)
    replied_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    sign_due_at = models.DateTimeField(_("sign by"), null=True, blank=True)
    due_at = models.DateTimeField(_("reply by"), null=True, blank=True, db_index=True)
    extension_workdays = models.DecimalField(max_digits=6, decimal_places=2, default=Decimal(0))
    paused_since = models.DateTimeField(null=True, blank=True)

    reply = models.TextField(_("reply"), blank=True)
    escalated_issue_id = models.PositiveBigIntegerField(null=True, blank=True)  # governance issue (its services)
    article = models.ForeignKey("Article", null=True, blank=True, on_delete=models.SET_NULL, related_name="requests",
                                verbose_name=_("knowledge article"))

    # outcome, stored when it happens so the rates are plain aggregates
    signed_on_time = models.BooleanField(null=True)
    replied_on_time = models.BooleanField(null=True)
    handling_days = models.DecimalField(max_digits=8, decimal_places=2, null=True)
    satisfaction = models.CharField(_("satisfaction"), max_length=12, choices=list(SATISFACTION_LABELS.items()),
                                    blank=True)
    solved = models.BooleanField(_("solved"), null=True)
    feedback_comment = models.TextField(blank=True)
    feedback_at = models.DateTimeField(null=True, blank=True)
    feedback_by_callback = models.BooleanField(default=False)

    class Meta:
        ordering = ["-submitted_at", "-id"]
        verbose_name = _("service request")
        indexes = [models.Index(fields=["lead_unit", "status"]), models.Index(fields=["zone", "submitted_at"])]
        constraints = [
            models.CheckConstraint(name="sd_request_status_known",
                                   condition=Q(status__in=[s.value for s in Status])),
            models.CheckConstraint(name="sd_request_rated_when_closed",
                                   condition=~Q(satisfaction="") | ~Q(status=Status.CLOSED.value)),
        ]

    def __str__(self):
        return self.number


class RequestEvent(models.Model):
    """Every step of a request, in order: who, which unit, to which unit, why."""

    request = models.ForeignKey(ServiceRequest, on_delete=models.CASCADE, related_name="events")
    step = models.CharField(max_length=20)
    at = models.DateTimeField()
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    actor_name = models.CharField(max_length=150)
    unit = models.ForeignKey("governance.Unit", null=True, on_delete=models.PROTECT, related_name="+")
    to_unit = models.ForeignKey("governance.Unit", null=True, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(blank=True)
    internal = models.BooleanField(default=False)  # not shown to the enterprise

    class Meta:
        ordering = ["at", "id"]


class Pause(models.Model):
    """A stretch when the request's clock stops (waiting for the enterprise's documents, say)."""

    request = models.ForeignKey(ServiceRequest, on_delete=models.CASCADE, related_name="pauses")
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField()

    class Meta:
        ordering = ["started_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["request"], condition=Q(ended_at__isnull=True), name="sd_one_open_pause"),
        ]


class Reminder(models.Model):
    """A reminder owed to the handling unit; unique per request and kind, so the job may run twice."""

    request = models.ForeignKey(ServiceRequest, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=20)  # sign_overdue, due_soon, overdue
    unit = models.ForeignKey("governance.Unit", null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["request", "kind"], name="sd_reminder_once")]


class RegistrationStatus(models.TextChoices):
    PENDING = "pending", _("awaiting review")
    APPROVED = "approved", _("approved")
    REJECTED = "rejected", _("rejected")


class EnterpriseRole(models.TextChoices):
    DECLARANT = "declarant", _("declarant")
    MANAGER = "manager", _("manager")


class Registration(models.Model):
    """An enterprise's self-registration (入区企业登记申请), reviewed by its zone's administration; approval
    creates the core Enterprise and the applicant's user as the enterprise's manager."""

    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    credit_code = models.CharField(_("unified social credit code"), max_length=18)
    customs_code = models.CharField(_("customs registration code"), max_length=10)
    zone = models.ForeignKey(Zone, on_delete=models.PROTECT, related_name="+", verbose_name=_("zone"))
    business_type = models.CharField(_("business type"), max_length=50, blank=True)
    contact_name = models.CharField(_("contact"), max_length=100)
    contact_phone = models.CharField(_("phone"), max_length=40)
    username = models.CharField(_("user name"), max_length=150)
    password_hash = models.CharField(max_length=200)  # the applicant's chosen password, hashed
    status = models.CharField(_("status"), max_length=10, choices=RegistrationStatus.choices,
                              default=RegistrationStatus.PENDING)
    submitted_at = models.DateTimeField(auto_now_add=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    reason = models.TextField(blank=True)
    enterprise = models.ForeignKey(Enterprise, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-submitted_at", "-id"]
        verbose_name = _("registration")
        constraints = [
            models.UniqueConstraint(fields=["credit_code"], condition=Q(status="pending"),
                                    name="sd_one_pending_registration_per_code"),
        ]


def _registration_path(instance, filename):
    return f"servicedesk/registrations/{instance.registration_id}/{filename}"


class RegistrationDocument(models.Model):
    """A document uploaded with a registration (business licence, lease, …); served only to reviewers."""

    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="documents")
    file = models.FileField(storage=private_storage, upload_to=_registration_path, max_length=300)
    name = models.CharField(max_length=200)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)


class EnterpriseMember(models.Model):
    """A user of an enterprise with one or more roles there (declarant, manager)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enterprise_member")
    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="members")
    roles = models.JSONField(default=list)
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["enterprise", "user__username"]


class Article(models.Model):
    """A knowledge-base answer (知识库) in Chinese and English, written by the service centre and linked from
    requests; enterprises read it once published."""

    title = models.CharField(_("title"), max_length=200)
    title_en = models.CharField(_("English title"), max_length=200, blank=True)
    body = models.TextField(pgettext_lazy("reply", "answer"))
    body_en = models.TextField(_("English answer"), blank=True)
    category = models.ForeignKey(Category, null=True, blank=True, on_delete=models.PROTECT, related_name="articles",
                                 verbose_name=_("category"))
    tags = models.CharField(_("tags"), max_length=200, blank=True)  # comma-separated
    published = models.BooleanField(_("published"), default=False, db_index=True)
    updated_at = models.DateTimeField(_("updated"))
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-updated_at", "-id"]
        verbose_name = _("knowledge article")

    def __str__(self):
        return self.title

    @property
    def tag_list(self) -> list[str]:
        return [t for t in self.tags.split(", ") if t]


# ---------------------------------------------------------------- investment guide (投资指南)
class GuideStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    PUBLISHED = "published", _("published")
    SUPERSEDED = "superseded", _("superseded")


GUIDE_TEXTS = ("location", "areas", "functions", "industries", "procedures", "contacts")


class GuideVersion(models.Model):
    """One version of a zone's investment guide. Every edit writes a new draft version; publishing one makes it
    the zone's public guide and the one published before it superseded. No version is ever deleted."""

    zone = models.ForeignKey(Zone, on_delete=models.PROTECT, related_name="+", verbose_name=_("zone"))
    version = models.PositiveIntegerField(_("version"))
    status = models.CharField(_("status"), max_length=12, choices=GuideStatus.choices, default=GuideStatus.DRAFT)
    title = models.CharField(_("title"), max_length=200)
    title_en = models.CharField(_("English title"), max_length=200, blank=True)
    location = models.TextField(_("location"), blank=True)
    location_en = models.TextField(_("location (English)"), blank=True)
    areas = models.TextField(_("areas"), blank=True)
    areas_en = models.TextField(_("areas (English)"), blank=True)
    planned_area_km2 = models.DecimalField(_("planned area (km²)"), max_digits=8, decimal_places=3, null=True,
                                           blank=True)
    functions = models.TextField(_("functions"), blank=True)
    functions_en = models.TextField(_("functions (English)"), blank=True)
    industries = models.TextField(_("industries"), blank=True)
    industries_en = models.TextField(_("industries (English)"), blank=True)
    procedures = models.TextField(_("procedures to enter the zone"), blank=True)
    procedures_en = models.TextField(_("procedures to enter the zone (English)"), blank=True)
    contacts = models.TextField(_("contacts"), blank=True)
    contacts_en = models.TextField(_("contacts (English)"), blank=True)
    policy_tasks = models.ManyToManyField("governance.Task", blank=True, related_name="+",
                                          verbose_name=_("policies (policy ledger tasks)"))
    synthetic = models.BooleanField(_("demo figures (synthetic)"), default=False)
    note = models.CharField(_("change note"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("written"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                     related_name="+")

    class Meta:
        ordering = ["zone__code", "-version"]
        verbose_name = _("investment guide version")
        constraints = [
            models.UniqueConstraint(fields=["zone", "version"], name="sd_guide_version_once"),
            models.UniqueConstraint(fields=["zone"], condition=Q(status="published"), name="sd_guide_one_published"),
        ]

    def __str__(self):
        return f"{self.title} v{self.version}"


class SpaceKind(models.TextChoices):
    WAREHOUSE = "warehouse", _("warehouse")
    PLANT = "plant", _("plant")
    OFFICE = "office", _("office")
    LAB = "lab", _("laboratory")
    LAND = "land", _("land")


class SpaceListing(models.Model):
    """Space available in the zone as the guide version lists it (area in m², rent in yuan per m² per day)."""

    guide = models.ForeignKey(GuideVersion, on_delete=models.CASCADE, related_name="spaces")
    position = models.PositiveIntegerField(default=0)
    building = models.CharField(_("building"), max_length=100)
    kind = models.CharField(_("kind"), max_length=10, choices=SpaceKind.choices)
    floor_area_m2 = models.DecimalField(_("area (m²)"), max_digits=12, decimal_places=2)
    rent = models.DecimalField(_("rent (yuan/m²/day)"), max_digits=10, decimal_places=2, null=True, blank=True)
    bonded = models.BooleanField(_("bonded"), default=True)
    available_from = models.DateField(_("available from"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("available space")
        constraints = [
            models.CheckConstraint(name="sd_space_area_positive", condition=Q(floor_area_m2__gt=0)),
            models.CheckConstraint(name="sd_space_rent_not_negative", condition=Q(rent__isnull=True) | Q(rent__gte=0)),
        ]


# ---------------------------------------------------------------- investment promotion (招商引资)
STAGE_LABELS = {
    Stage.LEAD.value: pgettext_lazy("promotion", "lead"),
    Stage.CONTACTED.value: pgettext_lazy("promotion", "contacted"),
    Stage.NEGOTIATING.value: pgettext_lazy("promotion", "negotiating"),
    Stage.SIGNED.value: pgettext_lazy("promotion", "signed"),
    Stage.REGISTERED.value: pgettext_lazy("promotion", "registered"),
    Stage.OPERATING.value: pgettext_lazy("promotion", "operating"),
    Stage.DROPPED.value: pgettext_lazy("promotion", "dropped"),
}
EVENT_KIND_LABELS = {
    EventKind.VISIT.value: pgettext_lazy("promotion", "visit"),
    EventKind.CONFERENCE.value: pgettext_lazy("promotion", "promotion conference"),
    EventKind.INVITATION.value: pgettext_lazy("promotion", "targeted invitation"),
}


class Project(models.Model):
    """A prospective investment project in the promotion pipeline (招商项目)."""

    name = models.CharField(_("project"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    investor = models.CharField(_("investor"), max_length=200, blank=True)
    zone = models.ForeignKey(Zone, on_delete=models.PROTECT, related_name="+", verbose_name=_("zone"))
    industry = models.CharField(_("industry"), max_length=100)
    planned_investment = models.DecimalField(_("planned investment (10,000 yuan)"), max_digits=16, decimal_places=2,
                                             null=True, blank=True)
    stage = models.CharField(_("stage"), max_length=12, choices=list(STAGE_LABELS.items()), default=Stage.LEAD.value,
                             db_index=True)
    reached = models.PositiveSmallIntegerField(_("furthest stage reached"), default=0)
    unit = models.ForeignKey("governance.Unit", on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("promoting unit"))
    team = models.CharField(_("promotion team"), max_length=200, blank=True)
    note = models.TextField(_("note"), blank=True)
    synthetic = models.BooleanField(default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    stage_changed_at = models.DateTimeField(_("stage changed"))
    key_list = models.ForeignKey("governance.AnnualList", null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+", verbose_name=_("annual key-project list"))
    key_list_year = models.PositiveIntegerField(_("key-project list year"), null=True, blank=True)

    class Meta:
        ordering = ["-stage_changed_at", "-id"]
        verbose_name = _("promotion project")
        constraints = [
            models.CheckConstraint(name="sd_project_investment_not_negative",
                                   condition=Q(planned_investment__isnull=True) | Q(planned_investment__gte=0)),
            models.CheckConstraint(name="sd_project_reached_in_pipeline", condition=Q(reached__lte=len(PIPELINE) - 1)),
        ]

    def __str__(self):
        return self.name


class ProjectMove(models.Model):
    """One stage change of a project (who, when, why)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="moves")
    from_stage = models.CharField(max_length=12, blank=True)
    to_stage = models.CharField(max_length=12)
    at = models.DateTimeField()
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["at", "id"]


class PromotionEvent(models.Model):
    """A promotion activity: a visit, a promotion conference or a targeted invitation (专题邀约)."""

    kind = models.CharField(_("kind"), max_length=12, choices=list(EVENT_KIND_LABELS.items()))
    title = models.CharField(_("title"), max_length=200)
    held_on = models.DateField(_("date"))
    zone = models.ForeignKey(Zone, on_delete=models.PROTECT, related_name="+", verbose_name=_("zone"))
    unit = models.ForeignKey("governance.Unit", on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("promoting unit"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    projects = models.ManyToManyField(Project, blank=True, related_name="events", verbose_name=_("projects"))
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = _("promotion event")

    def __str__(self):
        return self.title
