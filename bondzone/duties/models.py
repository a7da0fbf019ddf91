"""Tables of the duties part: effective-dated tax rates and customs exchange rates (reference data)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .domain.guarantees import EXPIRED, GIVEN_BACK, IN_FORCE, USED_UP, Balance
from .domain.guarantees import status as guarantee_status


class RateKind(models.TextChoices):
    MFN = "mfn", _("MFN tariff")  # 最惠国税率
    PROVISIONAL = "provisional", _("Provisional tariff")  # 暂定税率
    AGREEMENT = "agreement", _("Agreement tariff")  # 协定税率 (with the origin)
    CONSUMPTION_TAX = "consumption_tax", _("Consumption tax")  # 消费税
    VAT = "vat", _("Import VAT")  # 进口环节增值税


class TaxRate(models.Model):
    """One rate of one HS code, valid from `valid_from` to `valid_to` inclusive (open-ended if empty).
    Rows of one (kind, hs_code, origin) never overlap (checked on import)."""

    kind = models.CharField(max_length=20, choices=RateKind.choices)
    hs_code = models.CharField(max_length=10)
    origin = models.CharField(max_length=3, blank=True, default="")  # ISO country, agreement rates only
    ad_valorem = models.DecimalField(max_digits=7, decimal_places=4, null=True, blank=True)  # 0.1300 = 13 %
    specific = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)  # CNY per unit
    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True)
    source = models.CharField(max_length=200, blank=True, default="")  # e.g. 税委会公告2025年第N号
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("tax rate")
        ordering = ["hs_code", "kind", "origin", "valid_from"]
        indexes = [models.Index(fields=["hs_code", "kind", "valid_from"])]
        constraints = [
            models.UniqueConstraint(fields=["kind", "hs_code", "origin", "valid_from"], name="one_rate_per_start"),
            models.CheckConstraint(condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                                   name="rate_period_in_order"),
            models.CheckConstraint(condition=Q(ad_valorem__isnull=False) | Q(specific__isnull=False),
                                   name="rate_has_a_figure"),
        ]

    def __str__(self):
        return f"{self.kind} {self.hs_code} {self.origin} {self.valid_from}"


class ExchangeRate(models.Model):
    """Customs' exchange rate (计征汇率): CNY for `per` units of `currency`, valid over a period (a month)."""

    currency = models.CharField(max_length=3)
    cny = models.DecimalField(max_digits=14, decimal_places=6)
    per = models.PositiveIntegerField(default=1)
    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True)
    source = models.CharField(max_length=200, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("exchange rate")
        ordering = ["currency", "valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["currency", "valid_from"], name="one_fx_rate_per_start"),
            models.CheckConstraint(condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                                   name="fx_period_in_order"),
            models.CheckConstraint(condition=Q(cny__gt=0), name="fx_rate_positive"),
        ]

    def __str__(self):
        return f"{self.currency} {self.cny}/{self.per} {self.valid_from}"


class GuaranteeKind(models.TextChoices):
    DEPOSIT = "deposit", _("Cash deposit")  # 保证金
    BANK = "bank", _("Bank guarantee")  # 银行保函
    GENERAL = "general", _("General guarantee")  # 总担保


GUARANTEE_STATUS_NAMES = {
    GIVEN_BACK: _("Given back in full"), EXPIRED: _("Expired"), USED_UP: _("Fully used"), IN_FORCE: _("In force"),
}


class Guarantee(models.Model):
    """A customs guarantee lodged by an enterprise: `amount` of which `used` covers taxes or regimes now
    and `released` has been given back; the rest is free (database CHECK: never negative)."""

    enterprise = models.ForeignKey("core.Enterprise", on_delete=models.PROTECT)
    zone = models.ForeignKey("core.Zone", on_delete=models.PROTECT)
    kind = models.CharField(max_length=10, choices=GuaranteeKind.choices)
    reference = models.CharField(max_length=60)  # deposit receipt or guarantee letter number
    amount = models.DecimalField(max_digits=16, decimal_places=2)
    used = models.DecimalField(max_digits=16, decimal_places=2, default=0)
    released = models.DecimalField(max_digits=16, decimal_places=2, default=0)
    valid_to = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("guarantee")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "reference"], name="guarantee_reference_per_enterprise"),
            models.CheckConstraint(condition=Q(amount__gt=0, used__gte=0, released__gte=0)
                                   & Q(amount__gte=models.F("used") + models.F("released")),
                                   name="guarantee_within_amount"),
        ]

    def __str__(self):
        return self.reference

    @property
    def free(self):
        return self.amount - self.used - self.released

    @property
    def status(self) -> str:
        return guarantee_status(Balance(self.amount, self.used, self.released), self.valid_to, timezone.localdate())


class GuaranteeEntry(models.Model):
    """Every use, freeing and release of a guarantee, naming what it is for (append-only by the services)."""

    class Kind(models.TextChoices):
        USE = "use", _("Used")
        FREE = "free", _("Freed")
        RELEASE = "release", _("Given back")

    guarantee = models.ForeignKey(Guarantee, on_delete=models.PROTECT, related_name="entries")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    amount = models.DecimalField(max_digits=16, decimal_places=2)
    purpose = models.CharField(max_length=200)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]


class RegimeKind(models.TextChoices):
    TEMPORARY_ENTRY = "temporary_entry", _("Temporary admission")  # 暂时进出境货物
    DISPLAY_OUT = "display_out", _("Display or display trade outside the zone")  # 出区展示 / 保税展示交易
    REPAIR_OUT = "repair_out", _("Testing or repair outside the zone")  # 出区检测 / 维修
    BONDED_REPAIR = "bonded_repair", _("Bonded repair in the zone")  # 保税维修
    BONDED_RND = "bonded_rnd", _("Bonded R&D")  # 保税研发
    RELIC_ENTRY = "relic_entry", _("Cultural relics temporary entry")  # 文物临时进境
    BONDED_AUCTION = "bonded_auction", _("Bonded auction")  # 保税拍卖
    LEASE_DELIVERY = "lease_delivery", _("Finance-leasing delivery")  # 融资租赁交付


class RegimeStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("regime status", "Open")
    OVERDUE = "overdue", _("Overdue")
    RETURNED = "returned", pgettext_lazy("regime status", "Returned")
    CLOSED = "closed", _("Closed")


class Regime(models.Model):
    """A time-limited regime (时限监管): goods of a book under a rule with a deadline, its extensions, the
    guarantee part it uses and the duty that would fall due if the goods do not come back."""

    number = models.CharField(max_length=30, unique=True)
    enterprise = models.ForeignKey("core.Enterprise", on_delete=models.PROTECT)
    zone = models.ForeignKey("core.Zone", on_delete=models.PROTECT)
    book = models.ForeignKey("supervision.AccountBook", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, choices=RegimeKind.choices)
    # the kind's basis in Chinese as at opening (the API's); pages and exports show it in the reader's language
    # (core.labels "regime_legal_basis")
    legal_basis = models.CharField(max_length=500)
    purpose = models.CharField(max_length=200, blank=True, default="")  # venue, repairer, lessee …
    start_date = models.DateField()
    deadline = models.DateField()
    extensions_used = models.PositiveSmallIntegerField(default=0)
    status = models.CharField(max_length=10, choices=RegimeStatus.choices, default=RegimeStatus.OPEN)
    duty_at_risk = models.DecimalField(max_digits=16, decimal_places=2, default=0)
    guarantee = models.ForeignKey(Guarantee, null=True, blank=True, on_delete=models.PROTECT, related_name="regimes")
    guarantee_used = models.DecimalField(max_digits=16, decimal_places=2, default=0)
    overdue_since = models.DateField(null=True, blank=True)  # set by the alert sweep (flagged to customs)
    closed_on = models.DateField(null=True, blank=True)
    close_note = models.CharField(max_length=500, blank=True, default="")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("time-limited regime")
        ordering = ["deadline", "id"]
        indexes = [models.Index(fields=["status", "deadline"])]
        constraints = [
            models.CheckConstraint(condition=Q(deadline__gt=models.F("start_date")), name="regime_deadline_after_start"),
            models.CheckConstraint(condition=Q(duty_at_risk__gte=0, guarantee_used__gte=0), name="regime_amounts_not_negative"),
        ]

    def __str__(self):
        return self.number


class RegimeLine(models.Model):
    """A book item and quantity under the regime, with its value and the duty it would bear."""

    regime = models.ForeignKey(Regime, on_delete=models.CASCADE, related_name="lines")
    seq = models.PositiveIntegerField()
    item = models.ForeignKey("supervision.BookItem", on_delete=models.PROTECT, related_name="+")
    quantity = models.DecimalField(max_digits=18, decimal_places=5)
    customs_value = models.DecimalField(max_digits=16, decimal_places=2)
    duty = models.DecimalField(max_digits=16, decimal_places=2, default=0)
    returned = models.DecimalField(max_digits=18, decimal_places=5, default=0)  # back through the gate so far

    class Meta:
        ordering = ["regime", "seq"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0, customs_value__gte=0), name="regime_line_positive"),
        ]


class RegimeExtension(models.Model):
    regime = models.ForeignKey(Regime, on_delete=models.CASCADE, related_name="extensions")
    previous_deadline = models.DateField()
    new_deadline = models.DateField()
    reason = models.CharField(max_length=500)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]


class RegimeList(models.Model):
    """A verification list (核注清单) the goods of a regime went out or came back on (linked by id)."""

    class Role(models.TextChoices):
        OUT = "out", pgettext_lazy("regime list role", "Out")  # 出区: the goods leave the zone on these lists
        BACK = "back", pgettext_lazy("regime list role", "Back")  # 返区

    regime = models.ForeignKey(Regime, on_delete=models.CASCADE, related_name="list_links")
    vlist = models.ForeignKey("supervision.VerificationList", on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=4, choices=Role.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["regime", "vlist"], name="regime_list_once")]


class RegimeAlert(models.Model):
    """An alert the sweep raised: the deadline is N days away, or it has passed (flagged to customs).
    One per (regime, kind, days, deadline), so a second sweep on the same day sends nothing twice."""

    class Kind(models.TextChoices):
        DUE_SOON = "due_soon", _("Deadline near")
        OVERDUE = "overdue", _("Overdue")

    regime = models.ForeignKey(Regime, on_delete=models.CASCADE, related_name="alerts")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    days_before = models.PositiveSmallIntegerField(default=0)
    deadline = models.DateField()
    raised_on = models.DateField()
    emailed_to = models.JSONField(default=list)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-raised_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["regime", "kind", "days_before", "deadline"], name="one_alert_per_step"),
        ]


class DomesticSaleStatus(models.TextChoices):
    QUOTED = "quoted", _("Quoted")  # both bases computed; the enterprise has not chosen yet
    DECLARED = "declared", _("Declared")  # basis chosen, the list filed and submitted
    CONFIRMED = "confirmed", _("Confirmed")  # customs approved the list; the tax bill is issued
    RETURNED = "returned", _("List returned")  # customs rejected (or the enterprise withdrew) the list: correct or cancel
    CANCELLED = "cancelled", _("Cancelled")  # withdrawn by the enterprise before confirmation; nothing reserved


class DomesticSale(models.Model):
    """A domestic-sale request (内销): book lines priced on the goods' basis and, for zone-made finished
    goods, on the materials they consumed (选择性征收关税), side by side; the enterprise's choice; the
    verification list it went out (or changed status) on."""

    class Mode(models.TextChoices):
        OUT = "out", _("Goods leave the zone")  # 二线出区
        STATUS = "status", _("Bonded to duty-paid in the zone")  # 保税 → 已完税 status change

    number = models.CharField(max_length=30, unique=True)
    enterprise = models.ForeignKey("core.Enterprise", on_delete=models.PROTECT)
    zone = models.ForeignKey("core.Zone", on_delete=models.PROTECT)
    book = models.ForeignKey("supervision.AccountBook", on_delete=models.PROTECT, related_name="+")
    mode = models.CharField(max_length=10, choices=Mode.choices, default=Mode.OUT)
    declared_on = models.DateField()  # the rate date (the day the declaration is accepted)
    interest_since = models.DateField(null=True, blank=True)  # start of the deferred-interest period
    interest_rate = models.DecimalField(max_digits=7, decimal_places=5, default=0)
    goods_quote = models.JSONField(default=dict)
    materials_quote = models.JSONField(null=True, blank=True)  # None: not zone-made (no BOM)
    cheaper = models.CharField(max_length=10, default="goods")
    basis = models.CharField(max_length=10, blank=True, default="")  # the enterprise's choice
    status = models.CharField(max_length=10, choices=DomesticSaleStatus.choices, default=DomesticSaleStatus.QUOTED)
    vlist = models.ForeignKey("supervision.VerificationList", null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+")
    # re-ratings while quoted (a rate table changed): [{on, reason, goods: [before, after], materials: [...],
    # problem}] — the user sees each difference
    requotes = models.JSONField(default=list, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("domestic sale")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.number

    @property
    def chosen_quote(self) -> dict:
        return (self.materials_quote if self.basis == "materials" else self.goods_quote) or {}


class DomesticSaleLine(models.Model):
    sale = models.ForeignKey(DomesticSale, on_delete=models.CASCADE, related_name="lines")
    seq = models.PositiveIntegerField()
    item = models.ForeignKey("supervision.BookItem", on_delete=models.PROTECT, related_name="+")
    quantity = models.DecimalField(max_digits=18, decimal_places=5)
    customs_value = models.DecimalField(max_digits=16, decimal_places=2)

    class Meta:
        ordering = ["sale", "seq"]
        constraints = [models.CheckConstraint(condition=Q(quantity__gt=0, customs_value__gte=0),
                                              name="domestic_line_positive")]


class TaxBill(models.Model):
    """The tax due on one verification list (税单), recorded against the enterprise with its payment state."""

    class State(models.TextChoices):
        UNPAID = "unpaid", _("Unpaid")
        PAID = "paid", _("Paid")

    number = models.CharField(max_length=30, unique=True)
    enterprise = models.ForeignKey("core.Enterprise", on_delete=models.PROTECT)
    zone = models.ForeignKey("core.Zone", on_delete=models.PROTECT)
    vlist = models.OneToOneField("supervision.VerificationList", on_delete=models.PROTECT, related_name="+")
    sale = models.OneToOneField(DomesticSale, null=True, blank=True, on_delete=models.PROTECT, related_name="bill")
    basis = models.CharField(max_length=10, default="goods")
    rate_date = models.DateField()
    issued_on = models.DateField()
    due_on = models.DateField()
    tariff = models.DecimalField(max_digits=16, decimal_places=2, default=0)
    consumption_tax = models.DecimalField(max_digits=16, decimal_places=2, default=0)
    vat = models.DecimalField(max_digits=16, decimal_places=2, default=0)
    interest = models.DecimalField(max_digits=16, decimal_places=2, default=0)
    total = models.DecimalField(max_digits=16, decimal_places=2, default=0)
    # 滞纳金 recorded with the payment: days late after due_on and the surcharge on the unpaid taxes
    late_days = models.PositiveIntegerField(default=0)
    surcharge = models.DecimalField(max_digits=16, decimal_places=2, default=0)
    detail = models.JSONField(default=dict)  # the chosen quotation as computed
    state = models.CharField(max_length=10, choices=State.choices, default=State.UNPAID)
    paid_on = models.DateField(null=True, blank=True)
    payment_reference = models.CharField(max_length=60, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("tax bill")
        ordering = ["-issued_on", "-id"]
        constraints = [models.CheckConstraint(
            condition=Q(tariff__gte=0, consumption_tax__gte=0, vat__gte=0, interest__gte=0, total__gte=0),
            name="tax_bill_not_negative"),
            models.CheckConstraint(condition=Q(surcharge__gte=0), name="tax_bill_surcharge_not_negative")]

    def __str__(self):
        return self.number
