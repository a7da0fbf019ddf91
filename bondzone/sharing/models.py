"""Information sharing: the event outbox, agencies' subscriptions, deliveries with their attempts, and
scheduled exports."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from bondzone.core.models import ROLE_LABELS, Enterprise, Zone

from .domain.events import AGENCY_ROLES
from .domain.webhooks import fingerprint

AGENCY_CHOICES = [(r, ROLE_LABELS[r]) for r in AGENCY_ROLES]


class OutboxEvent(models.Model):
    """Something other agencies may want to know, written by the service that made it happen, in the
    same transaction (transactional outbox): it exists if and only if the change committed."""

    kind = models.CharField(_("event"), max_length=40, db_index=True)
    at = models.DateTimeField(_("time"), db_index=True)
    zone = models.ForeignKey(Zone, null=True, on_delete=models.SET_NULL, related_name="+")
    enterprise = models.ForeignKey(Enterprise, null=True, on_delete=models.SET_NULL, related_name="+")
    object_type = models.CharField(max_length=64)
    object_id = models.CharField(max_length=64)
    dataset = models.CharField(max_length=20, blank=True)  # field policy applied to `data` per receiver
    data = models.JSONField(default=dict)
    actor_name = models.CharField(max_length=150, blank=True)
    fanned_out_at = models.DateTimeField(null=True, db_index=True)  # deliveries made for the subscriptions

    class Meta:
        ordering = ["-at", "-id"]


class Subscription(models.Model):
    """An agency's subscription to events: in-app notifications always, plus a signed webhook when a
    target URL is set. A zone-bound agency's subscription covers its zone only."""

    role = models.CharField(_("agency"), max_length=20, choices=AGENCY_CHOICES)
    zone = models.ForeignKey(Zone, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("zone"))
    name = models.CharField(_("name"), max_length=100)
    kinds = models.JSONField(_("events"), default=list)
    webhook_url = models.CharField(_("webhook URL"), max_length=500, blank=True)
    secret = models.CharField(max_length=64, blank=True)
    active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["role", "name", "id"]
        verbose_name = _("subscription")

    def __str__(self):
        return self.name

    @property
    def secret_fingerprint(self) -> str:  # all that is shown of the secret after it was handed over
        return fingerprint(self.secret)


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("delivery status", "pending")
    DELIVERED = "delivered", _("delivered")
    FAILED = "failed", _("given up")


class Delivery(models.Model):
    """One event for one subscription: the in-app notification, and the webhook's progress."""

    event = models.ForeignKey(OutboxEvent, on_delete=models.CASCADE, related_name="deliveries")
    subscription = models.ForeignKey(Subscription, on_delete=models.CASCADE, related_name="deliveries")
    webhook = models.BooleanField(default=False)
    status = models.CharField(_("status"), max_length=10, choices=DeliveryStatus.choices,
                              default=DeliveryStatus.PENDING)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(null=True, db_index=True)
    last_status_code = models.PositiveIntegerField(null=True)
    last_error = models.CharField(max_length=500, blank=True)
    delivered_at = models.DateTimeField(null=True)

    class Meta:
        ordering = ["-event__at", "-id"]
        constraints = [models.UniqueConstraint(fields=["event", "subscription"], name="delivery_once_per_subscription")]


class DeliveryAttempt(models.Model):
    """The delivery log: one row per webhook attempt."""

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="log")
    number = models.PositiveIntegerField(_("attempt"))
    at = models.DateTimeField(_("time"))
    status_code = models.PositiveIntegerField(_("status code"), null=True)
    error = models.CharField(_("error"), max_length=500, blank=True)
    duration_ms = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["delivery", "number"]


EXPORT_FORMATS = [("csv", "CSV"), ("xlsx", "XLSX"), ("json", "JSON")]
EXPORT_EVERY = [("daily", _("daily")), ("weekly", _("weekly")), ("monthly", _("monthly"))]


class ScheduledExport(models.Model):
    """An agency's standing export of a shared dataset (its fields, its scope: those of the user who set it
    up, as they are at each run)."""

    role = models.CharField(_("agency"), max_length=20, choices=AGENCY_CHOICES)
    zone = models.ForeignKey(Zone, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("name"), max_length=100)
    dataset = models.CharField(_("dataset"), max_length=20)
    format = models.CharField(_("format"), max_length=4, choices=EXPORT_FORMATS)
    every = models.CharField(_("every"), max_length=8, choices=EXPORT_EVERY)
    # the language of the headings and named values: the one its owner used when setting it up
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES,
                                default=settings.LANGUAGE_CODE)
    next_run_at = models.DateTimeField(_("next run"), db_index=True)
    active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["role", "name", "id"]
        verbose_name = _("scheduled export")

    def __str__(self):
        return self.name


class ExportRun(models.Model):
    """One run of a scheduled export: the file as produced (kept in the database; a run is at most
    MAX_ROWS rows) or the reason it failed."""

    schedule = models.ForeignKey(ScheduledExport, on_delete=models.CASCADE, related_name="runs")
    at = models.DateTimeField(_("time"))
    rows = models.PositiveIntegerField(_("rows"), default=0)
    content = models.BinaryField(default=b"")
    error = models.CharField(_("error"), max_length=500, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
