"""The small common core: zones, enterprises, users' roles, audit events, idempotency records."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .domain.identifiers import CustomsCreditClass
from .domain.roles import Role


ROLE_LABELS = {
    Role.ENTERPRISE.value: _("enterprise"),
    Role.CUSTOMS.value: _("customs"),
    Role.ZONE_ADMIN.value: _("zone administration"),
    Role.TAX.value: _("tax bureau"),
    Role.MARKET.value: _("market supervision"),
    Role.COMMERCE.value: _("commerce bureau"),
    Role.PLATFORM_ADMIN.value: _("platform admin"),
    Role.GATE.value: _("gate"),
}


CREDIT_CLASS_LABELS = {
    CustomsCreditClass.ADVANCED_CERTIFIED.value: _("advanced certified enterprise (AEO)"),
    CustomsCreditClass.CERTIFIED.value: _("certified enterprise (AEO)"),
    CustomsCreditClass.REGULAR.value: _("regular enterprise"),
    CustomsCreditClass.DISHONEST.value: _("dishonest enterprise"),
    CustomsCreditClass.SERIOUSLY_DISHONEST.value: _("seriously dishonest enterprise"),
}


class Zone(models.Model):
    """A comprehensive bonded zone (综合保税区)."""

    code = models.CharField(_("code"), max_length=16, unique=True)
    name_zh = models.CharField(_("Chinese name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100)
    customs_office_code = models.CharField(_("customs office code"), max_length=4, blank=True)
    approved_on = models.DateField(_("approved on"), null=True, blank=True)
    planned_area_km2 = models.DecimalField(_("planned area (km²)"), max_digits=8, decimal_places=3, null=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("zone")

    def __str__(self):
        return self.name_zh


class Enterprise(models.Model):
    """An enterprise registered in a zone (区内企业)."""

    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    credit_code = models.CharField(_("unified social credit code"), max_length=18, unique=True)
    customs_code = models.CharField(_("customs registration code"), max_length=10, unique=True)
    zone = models.ForeignKey(Zone, on_delete=models.PROTECT, related_name="enterprises", verbose_name=_("zone"))
    business_type = models.CharField(_("business type"), max_length=50, blank=True)
    customs_credit_class = models.CharField(
        _("customs credit class"), max_length=20, choices=list(CREDIT_CLASS_LABELS.items()),
        default=CustomsCreditClass.REGULAR.value,
    )
    customs_credit_class_since = models.DateField(_("credit class since"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("enterprise")
        constraints = [
            models.CheckConstraint(
                name="enterprise_credit_class_known",
                condition=models.Q(customs_credit_class__in=[c.value for c in CustomsCreditClass]),
            )
        ]

    def __str__(self):
        return self.name


class Profile(models.Model):
    """A user's role and, for enterprise users, the enterprise they act for."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    role = models.CharField(_("role"), max_length=20, choices=list(ROLE_LABELS.items()))
    enterprise = models.ForeignKey(Enterprise, null=True, blank=True, on_delete=models.PROTECT)
    zone = models.ForeignKey(
        Zone, null=True, blank=True, on_delete=models.PROTECT, help_text=_("limits customs and zone staff")
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="enterprise_role_has_enterprise",
                condition=~models.Q(role="enterprise") | models.Q(enterprise__isnull=False),
            )
        ]

    def __str__(self):
        return f"{self.user} ({self.role})"


class AuditEvent(models.Model):
    """Who changed what, written by the service that made the change, in the same transaction.

    Its user, enterprise and zone are references without a database constraint: a constraint's check at
    commit takes a share lock on the referenced row, so every concurrent writer (the gate's decisions, all
    naming one zone and one gate user) queued its lock on the same few rows. Django still applies on_delete."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, db_constraint=False)
    actor_name = models.CharField(max_length=150)
    role = models.CharField(max_length=20)
    enterprise = models.ForeignKey(Enterprise, null=True, on_delete=models.SET_NULL, related_name="+",
                                   db_constraint=False)
    zone = models.ForeignKey(Zone, null=True, on_delete=models.SET_NULL, related_name="+", db_constraint=False)
    request_id = models.CharField(max_length=64)
    action = models.CharField(max_length=64)
    object_type = models.CharField(max_length=64)
    object_id = models.CharField(max_length=64)
    before = models.JSONField(null=True)
    after = models.JSONField(null=True)

    class Meta:
        ordering = ["-at", "-id"]
        # Every audit row writes each index (two rows per gate decision), so only what a query needs: the trail
        # finds a request's rows by exact match (a plain index: db_index=True would add on PostgreSQL a
        # varchar_pattern_ops twin no query uses) and filters actions by prefix, LIKE 'x%', which PostgreSQL
        # serves under a non-C collation only from a pattern_ops index; that one serves exact matches too.
        indexes = [models.Index(fields=["object_type", "object_id"]),
                   models.Index(fields=["request_id"], name="core_audit_request_id_idx"),
                   models.Index(fields=["action"], name="core_audit_action_like", opclasses=["varchar_pattern_ops"])]


class IdempotencyRecord(models.Model):
    """First result of a write made under an Idempotency-Key (TigerBeetle's `exists` semantics)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    key = models.CharField(max_length=200)
    operation = models.CharField(max_length=64)
    payload_hash = models.CharField(max_length=64)
    payload = models.JSONField()
    result = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="idempotency_key_per_user")]


def default_token_expiry():
    return timezone.now() + timedelta(days=TOKEN_DAYS)


TOKEN_DAYS = 90  # a token's default life
TOKEN_USE_PRECISION = timedelta(minutes=5)  # last_used_at is written at most this often


class ApiToken(models.Model):
    """A bearer token for ERP integrations; only its SHA-256 is stored. It expires, can be revoked, and a
    read-only token may only read (GET) whatever its user's role may read. `actions`, when not empty, are
    the only permissions the token holds (of its user's role): a gate device's token that may only report
    passages, an ERP's that may only declare lists."""

    READ = "read"
    WRITE = "write"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    digest = models.CharField(max_length=64, unique=True)
    scope = models.CharField(max_length=5, choices=[(READ, _("read only")), (WRITE, _("read and write"))],
                             default=WRITE)
    actions = models.JSONField(_("actions"), default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(default=default_token_expiry)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    @staticmethod
    def digest_of(raw: str) -> str:
        return hashlib.sha256(raw.encode()).hexdigest()

    @classmethod
    def issue(cls, user, name: str, *, days: int = TOKEN_DAYS, scope: str = WRITE,
              actions: list[str] | None = None) -> tuple["ApiToken", str]:
        raw = "bz_" + secrets.token_urlsafe(32)
        token = cls.objects.create(user=user, name=name, digest=cls.digest_of(raw), scope=scope,
                                   actions=sorted(actions or []), expires_at=timezone.now() + timedelta(days=days))
        return token, raw

    @property
    def active(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()


CALENDAR_SOURCES = [
    ("library", _("chinesecalendar library")),
    ("notice", _("State Council notice (imported)")),
    ("manual", _("entered by hand")),
]
DAY_KINDS = [("holiday", _("holiday (day off)")), ("workday", _("make-up working day"))]


class CalendarYear(models.Model):
    """A year of the official working-day calendar (国务院办公厅 annual holiday notice). A year without a
    row has no calendar: deadlines in it are refused, not counted Monday–Friday."""

    year = models.PositiveSmallIntegerField(pgettext_lazy("calendar year", "year"), unique=True)
    source = models.CharField(_("source"), max_length=16, choices=CALENDAR_SOURCES)
    note = models.CharField(_("note"), max_length=300, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["year"]
        verbose_name = _("calendar year")
        constraints = [models.CheckConstraint(name="calendar_year_in_window",
                                              condition=models.Q(year__gte=2000, year__lte=2099))]

    def __str__(self):
        return str(self.year)


class CalendarDay(models.Model):
    """An exception to Monday–Friday: a holiday (放假) or a make-up working day (调休上班)."""

    calendar_year = models.ForeignKey(CalendarYear, on_delete=models.CASCADE, related_name="days",
                                      verbose_name=pgettext_lazy("calendar year", "year"))
    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=8, choices=DAY_KINDS)
    name = models.CharField(_("name"), max_length=100, blank=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("calendar day")

    def __str__(self):
        return f"{self.date} {self.kind}"
