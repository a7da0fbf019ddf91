"""Release slips (核放单), their linked lists and lines, gates, passages (过卡) and inspections (查验)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from bondzone.core import labels
from bondzone.core.fields import QuantityField
from bondzone.core.models import Enterprise, Zone

from .domain.codes import (
    Binding, ElockStatus, GoodsClass, InspectionResult, InspectionState, Outcome, SlipStatus, SlipType,
)

SLIP_TYPE_LABELS = {
    SlipType.ENTER_FIRST.value: _("enter first, declare later"),
    SlipType.FIRST_LINE.value: _("first line (abroad ↔ zone)"),
    SlipType.SECOND_LINE.value: _("second line (zone ↔ domestic)"),
    SlipType.NON_DECLARED.value: _("non-declared goods"),
    SlipType.GATE_REGISTERED.value: _("gate-registered goods"),
    SlipType.EMPTY.value: _("empty vehicle"),
}
BINDING_LABELS = {
    Binding.ONE_VEHICLE_MANY_LISTS.value: _("one vehicle, several lists"),
    Binding.ONE_VEHICLE_ONE_LIST.value: _("one vehicle, one list"),
    Binding.ONE_LIST_MANY_VEHICLES.value: _("one list, several vehicles"),
}
SLIP_STATUS_LABELS = {  # 核放单 stucd: its own words, not the verification list's
    SlipStatus.APPLIED.value: pgettext_lazy("slip status", "applied"),
    SlipStatus.APPROVED.value: pgettext_lazy("slip status", "approved"),
    SlipStatus.PASSED_FIRST.value: pgettext_lazy("slip status", "passed the first gate"),
    SlipStatus.PASSED.value: pgettext_lazy("slip status", "passed"),
    SlipStatus.CANCELLED.value: pgettext_lazy("slip status", "cancelled"),
}
GOODS_CLASS_LABELS = {
    GoodsClass.BONDED.value: _("bonded"),
    GoodsClass.NON_BONDED.value: _("non-bonded"),
    GoodsClass.DUTY_PAID.value: _("duty-paid"),
    GoodsClass.EMPTY.value: _("empty"),
}
OUTCOME_LABELS = {Outcome.PASS.value: _("pass"), Outcome.HOLD.value: _("hold"), Outcome.REFUSE.value: _("refuse")}
INSPECTION_LABELS = {
    InspectionState.NOT_SELECTED.value: _("not selected"),
    InspectionState.PENDING.value: _("to inspect"),
    InspectionState.RELEASED.value: _("inspected, released"),
    InspectionState.REFUSED.value: _("inspected, refused"),
}
RESULT_LABELS = {InspectionResult.CONFORMS.value: _("conforms"), InspectionResult.DISCREPANCY.value: _("discrepancies")}
DIRECTION_LABELS = labels.DIRECTION_LABELS  # 进区 / 出区: core.labels, the one name of a goods direction
ELOCK_STATUS_LABELS = {
    ElockStatus.INTACT.value: pgettext_lazy("electronic lock", "intact"),
    ElockStatus.OPENED.value: pgettext_lazy("electronic lock", "opened"),
    ElockStatus.FAULT.value: pgettext_lazy("electronic lock", "fault"),
}
# why a vehicle was held, in a few words (a hold's full sentence is in permissions.MESSAGES): the reasons an
# inspection opened at the gate lists (risk_gate_hold)
HOLD_REASON_LABELS = {
    "weight_outside_tolerance": _("weight outside the tolerance"),
    "seal_mismatch": _("seal does not match"),
    "container_mismatch": _("containers do not match"),
    "elock_not_read": _("electronic lock not read"),
    "elock_mismatch": _("electronic lock does not match"),
    "elock_opened": _("electronic lock opened"),
    "elock_fault": _("electronic lock in fault"),
    "selected_for_inspection": _("selected for inspection"),
}

WEIGHT = dict(max_digits=12, decimal_places=3)


class GateSettings(models.Model):
    """A zone's gate rules: weight tolerances, lighter rules, slip validity and inspection risk rules."""

    zone = models.OneToOneField(Zone, on_delete=models.PROTECT, related_name="gate_settings")
    weight_tolerance_pct = models.DecimalField(_("weight tolerance (%)"), max_digits=5, decimal_places=2, default=Decimal("3"))
    weight_tolerance_kg = models.DecimalField(_("weight tolerance (kg)"), **WEIGHT, default=Decimal("50"))
    empty_tolerance_kg = models.DecimalField(_("empty vehicle tolerance (kg)"), **WEIGHT, default=Decimal("100"))
    weigh_non_bonded = models.BooleanField(_("weigh non-bonded and duty-paid loads"), default=False)
    check_seal_non_bonded = models.BooleanField(_("check seals of non-bonded loads"), default=False)
    slip_valid_hours = models.PositiveIntegerField(_("slip validity (hours)"), default=72)
    random_rate_pct = models.DecimalField(_("random inspection rate (%)"), max_digits=5, decimal_places=2, default=Decimal("0"))
    risk_credit_classes = models.CharField(_("credit classes always inspected"), max_length=100, blank=True)
    risk_trade_modes = models.CharField(_("trade modes always inspected"), max_length=200, blank=True)
    risk_hs_chapters = models.CharField(_("HS chapters always inspected"), max_length=200, blank=True)
    inspect_first_time_goods = models.BooleanField(_("inspect goods an enterprise moves for the first time"), default=False)
    double_gate = models.BooleanField(_("double-gate mode (一卡 then 二卡)"), default=False)
    check_elock = models.BooleanField(_("check electronic locks"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("gate settings")
        constraints = [
            models.CheckConstraint(name="gate_tolerance_pct_range", condition=Q(weight_tolerance_pct__gte=0, weight_tolerance_pct__lte=100)),
            models.CheckConstraint(name="gate_random_rate_range", condition=Q(random_rate_pct__gte=0, random_rate_pct__lte=100)),
            models.CheckConstraint(name="gate_tolerance_kg_nonneg", condition=Q(weight_tolerance_kg__gte=0, empty_tolerance_kg__gte=0)),
        ]


class Gate(models.Model):
    """One checkpoint (卡口) of a zone; its hardware acts as its own user (role `gate`) with its own token."""

    zone = models.ForeignKey(Zone, on_delete=models.PROTECT, related_name="gates")
    code = models.CharField(_("gate code"), max_length=16)
    name = models.CharField(_("name"), max_length=100)
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="gate")
    active = models.BooleanField(_("active"), default=True)
    # double-gate mode: 1 = 一卡 (checks the vehicle), 2 = 二卡 (completes the passage and posts)
    stage = models.PositiveSmallIntegerField(pgettext_lazy("gate stage", "stage"), choices=[(1, _("first gate")), (2, _("second gate"))], default=1)

    class Meta:
        ordering = ["zone", "code"]
        verbose_name = _("gate")
        constraints = [models.UniqueConstraint(fields=["zone", "code"], name="gate_code_per_zone")]

    def __str__(self):
        return f"{self.code} {self.name}"


class Slip(models.Model):
    """核放单 (SAS121): one vehicle crossing once, with the lists (or share of a list) it carries."""

    number = models.CharField(_("slip number"), max_length=24, unique=True)
    zone = models.ForeignKey(Zone, on_delete=models.PROTECT, related_name="+")
    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="slips")
    slip_type = models.CharField(_("slip type"), max_length=1, choices=list(SLIP_TYPE_LABELS.items()))
    binding = models.CharField(_("binding"), max_length=1, choices=list(BINDING_LABELS.items()))
    direction = models.CharField(_("direction"), max_length=1, choices=list(DIRECTION_LABELS.items()))
    status = models.CharField(_("status"), max_length=12, choices=list(SLIP_STATUS_LABELS.items()),
                              default=SlipStatus.APPLIED.value)
    goods_class = models.CharField(_("goods class"), max_length=12, choices=list(GOODS_CLASS_LABELS.items()))
    plate = models.CharField(_("vehicle plate"), max_length=12)
    ic_card = models.CharField(_("IC card"), max_length=32, blank=True)
    vehicle_wt = models.DecimalField(_("vehicle weight (kg)"), **WEIGHT)
    frame_wt = models.DecimalField(_("frame weight (kg)"), **WEIGHT, default=Decimal(0))
    container_wt = models.DecimalField(_("container weight (kg)"), **WEIGHT, default=Decimal(0))
    total_gross_wt = models.DecimalField(_("declared gross weight (kg)"), **WEIGHT, default=Decimal(0))
    containers = models.JSONField(_("containers"), default=list, blank=True)
    seal = models.CharField(_("seal"), max_length=32, blank=True)
    # 电子关锁 customs applied at the port to a first-line inbound (区港联动 / 转关) vehicle; the gate reads it
    elock_no = models.CharField(_("electronic lock"), max_length=32, blank=True)
    bill_of_lading = models.CharField(_("bill of lading"), max_length=64, blank=True)
    valid_until = models.DateTimeField(_("valid until"), null=True, blank=True)
    inspection = models.CharField(_("inspection"), max_length=14, choices=list(INSPECTION_LABELS.items()),
                                  default=InspectionState.NOT_SELECTED.value)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.CharField(max_length=500, blank=True)
    first_passed_at = models.DateTimeField(null=True, blank=True)  # double-gate mode: 已过一卡
    passed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("release slip")
        indexes = [models.Index(fields=["plate", "status"], name="slip_plate_status")]
        constraints = [
            models.CheckConstraint(name="slip_vehicle_wt_positive", condition=Q(vehicle_wt__gt=0)),
            models.CheckConstraint(name="slip_weights_nonneg",
                                   condition=Q(frame_wt__gte=0, container_wt__gte=0, total_gross_wt__gte=0)),
            models.CheckConstraint(name="slip_approved_has_expiry",
                                   condition=Q(status="applied") | Q(status="cancelled") | Q(valid_until__isnull=False)),
        ]

    def __str__(self):
        return self.number


class SlipList(models.Model):
    """关联单证: a verification list the slip carries (whole, or a share through SlipLine)."""

    slip = models.ForeignKey(Slip, on_delete=models.CASCADE, related_name="links")
    vlist = models.ForeignKey("supervision.VerificationList", on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["slip", "vlist"], name="slip_list_once")]


class SlipLine(models.Model):
    """表体: how much of one list line this vehicle carries (the whole line for whole-list bindings)."""

    slip = models.ForeignKey(Slip, on_delete=models.CASCADE, related_name="lines")
    vlist = models.ForeignKey("supervision.VerificationList", on_delete=models.PROTECT, related_name="+")
    list_line = models.ForeignKey("supervision.VerificationListLine", on_delete=models.PROTECT, related_name="+")
    seq = models.PositiveIntegerField(_("list line"))
    quantity = QuantityField(_("quantity"))

    class Meta:
        ordering = ["slip", "vlist", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["slip", "list_line"], name="slip_line_once"),
            models.CheckConstraint(name="slip_line_quantity_positive", condition=Q(quantity__gt=0)),
        ]


RECEIPT_DECISION_LABELS = {"1": _("approved (通过)"), "3": _("returned (退单)")}
RECEIPT_EFFECT_LABELS = {
    "approved": _("slip approved"),
    "cancelled": _("slip cancelled"),
    "confirmed": _("slip already so; receipt recorded"),
}


class SlipReceipt(models.Model):
    """Customs' decision on a slip as the national system sent it (SAS221): one per slip, so the same
    receipt again is recognised and changes nothing."""

    slip = models.OneToOneField(Slip, on_delete=models.PROTECT, related_name="receipt")
    decision = models.CharField(_("decision"), max_length=1, choices=list(RECEIPT_DECISION_LABELS.items()))
    passport_no = models.CharField(_("passport number (customs)"), max_length=24, blank=True)
    remark = models.CharField(_("remark"), max_length=500, blank=True)
    manage_date = models.CharField(_("decided by customs at"), max_length=32, blank=True)
    message_id = models.CharField(_("message id"), max_length=64, blank=True)
    effect = models.CharField(_("effect"), max_length=10, choices=list(RECEIPT_EFFECT_LABELS.items()))
    digest = models.CharField(max_length=64)  # sha256 of the receipt as received
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)

    class Meta:
        verbose_name = _("slip receipt (SAS221)")
        constraints = [  # customs assign a passport number to one slip
            models.UniqueConstraint(fields=["passport_no"], condition=~models.Q(passport_no=""),
                                    name="gate_receipt_passport_no_unique"),
        ]


class Passage(models.Model):
    """One gate event (过卡 attempt) and the answer given; (gate, event id) is unique, so a retried
    event finds its first answer instead of deciding — and posting — again."""

    gate = models.ForeignKey(Gate, on_delete=models.PROTECT, related_name="passages")
    zone = models.ForeignKey(Zone, on_delete=models.PROTECT, related_name="+")
    event_id = models.CharField(_("event id"), max_length=64)
    slip = models.ForeignKey(Slip, null=True, blank=True, on_delete=models.PROTECT, related_name="passages")
    enterprise = models.ForeignKey(Enterprise, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    plate = models.CharField(_("vehicle plate"), max_length=12)
    direction = models.CharField(_("direction"), max_length=1)
    weighbridge_kg = models.DecimalField(_("weighbridge (kg)"), **WEIGHT)
    ic_card = models.CharField(max_length=32, blank=True)
    containers = models.JSONField(default=list, blank=True)
    seal = models.CharField(max_length=32, blank=True)
    elock_no = models.CharField(_("electronic lock"), max_length=32, blank=True)
    elock_status = models.CharField(_("electronic lock status"), max_length=8, blank=True,
                                    choices=list(ELOCK_STATUS_LABELS.items()))
    read_at = models.DateTimeField(_("read at"))
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True, db_index=True)
    outcome = models.CharField(_("decision"), max_length=8, choices=list(OUTCOME_LABELS.items()))
    answer = models.JSONField(_("answer"))
    posted = models.BooleanField(_("posted to the book"), default=False)

    class Meta:
        ordering = ["-recorded_at", "-id"]
        verbose_name = _("gate passage")
        constraints = [models.UniqueConstraint(fields=["gate", "event_id"], name="passage_event_once")]


class Inspection(models.Model):
    """查验 of one slip: why it was selected, what the officer found, and the release or refusal."""

    slip = models.OneToOneField(Slip, on_delete=models.PROTECT, related_name="inspection_record")
    zone = models.ForeignKey(Zone, on_delete=models.PROTECT, related_name="+")
    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="+")
    reasons = models.JSONField(_("selected because"))
    selected_at = models.DateTimeField(auto_now_add=True)
    result = models.CharField(_("result"), max_length=12, blank=True, choices=list(RESULT_LABELS.items()))
    discrepancies = models.JSONField(_("discrepancies"), default=list, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    officer = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-selected_at", "-id"]
        verbose_name = _("inspection")


DOOR_STATUS_LABELS = {"bonded": _("bonded"), "non_bonded": _("non-bonded")}


class DoorPassage(models.Model):
    """库门: goods of one item crossing the door between a warehouse's non-bonded and bonded areas. The
    crossing posts its share of an approved status-change list (non-bonded ↔ bonded, reserved at the list's
    approval) with the record in one transaction; `reference` is the list's number as reported. (book,
    event id) is unique: a repeated report returns the first record and never posts twice."""

    book = models.ForeignKey("supervision.AccountBook", on_delete=models.PROTECT, related_name="+")
    zone = models.ForeignKey(Zone, on_delete=models.PROTECT, related_name="+")
    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="+")
    event_id = models.CharField(_("event id"), max_length=64)
    door = models.CharField(_("warehouse door"), max_length=32)
    item_no = models.PositiveIntegerField(_("book item"))
    quantity = QuantityField(_("quantity"))
    from_status = models.CharField(_("from"), max_length=12, choices=list(DOOR_STATUS_LABELS.items()))
    to_status = models.CharField(_("to"), max_length=12, choices=list(DOOR_STATUS_LABELS.items()))
    reference = models.CharField(_("customs document"), max_length=64)
    # the status-change list whose reserved share the passage posted (null: recorded before doors posted
    # through their lists)
    vlist = models.ForeignKey("supervision.VerificationList", null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+", verbose_name=_("status-change list"))
    list_line = models.PositiveIntegerField(_("list line"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-recorded_at", "-id"]
        verbose_name = _("warehouse door passage")
        constraints = [
            models.UniqueConstraint(fields=["book", "event_id"], name="door_event_once"),
            models.CheckConstraint(name="door_quantity_positive", condition=Q(quantity__gt=0)),
            models.CheckConstraint(name="door_changes_status", condition=~Q(from_status=models.F("to_status"))),
        ]
