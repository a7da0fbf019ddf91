"""Cross-border retail orders (bonded mode 1210), the positive list and each buyer's annual total."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from bondzone.core.models import Enterprise, Zone


class PositiveListEntry(models.Model):
    """A tariff line on the positive list (跨境电子商务零售进口商品清单); reference data."""

    hs_code = models.CharField(max_length=10, unique=True)
    name = models.CharField(max_length=200)
    note = models.CharField(max_length=300, blank=True, default="")

    class Meta:
        ordering = ["hs_code"]

    def __str__(self):
        return f"{self.hs_code} {self.name}"


class OrderStatus(models.TextChoices):
    DECLARED = "declared", _("Declared")
    RELEASED = "released", _("Released")
    RETURNED = "returned", pgettext_lazy("goods return", "Returned")


class CbecOrder(models.Model):
    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT)  # the e-commerce enterprise
    zone = models.ForeignKey(Zone, on_delete=models.PROTECT)
    order_no = models.CharField(max_length=60)
    order_date = models.DateField()
    buyer_name = models.CharField(max_length=100)
    buyer_id = models.CharField(max_length=18)  # 居民身份证号码, validated with stdnum cn.ric
    goods_value = models.DecimalField(max_digits=14, decimal_places=2)
    status = models.CharField(max_length=10, choices=OrderStatus.choices, default=OrderStatus.DECLARED)
    treatment = models.CharField(max_length=20, blank=True, default="")
    tariff = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    consumption_tax = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    vat = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    quote = models.JSONField(default=dict)  # the engine's answer at declaration / release
    payment_no = models.CharField(max_length=60, blank=True, default="")
    payer_name = models.CharField(max_length=100, blank=True, default="")
    payer_id = models.CharField(max_length=18, blank=True, default="")
    payment_amount = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    payment_order_no = models.CharField(max_length=60, blank=True, default="")
    waybill_no = models.CharField(max_length=60, blank=True, default="")
    waybill_order_no = models.CharField(max_length=60, blank=True, default="")
    consignee_name = models.CharField(max_length=100, blank=True, default="")
    released_on = models.DateField(null=True, blank=True)
    return_applied_on = models.DateField(null=True, blank=True)
    returned_on = models.DateField(null=True, blank=True)
    consolidated = models.ForeignKey("ConsolidatedList", null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="orders")  # the type-8 list the order left the zone on
    # the enterprise's guarantee charged with the tax at release (freed on return or when the settlement is paid)
    tax_guarantee = models.ForeignKey("duties.Guarantee", null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="+")
    settlement = models.ForeignKey("TaxSettlement", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="orders")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("cross-border retail order")
        ordering = ["-order_date", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "order_no"], name="cbec_order_no_per_enterprise"),
            models.CheckConstraint(condition=Q(goods_value__gte=0), name="cbec_value_not_negative"),
        ]

    def __str__(self):
        return self.order_no

    @property
    def tax_total(self):
        return self.tariff + self.consumption_tax + self.vat


class CbecOrderLine(models.Model):
    order = models.ForeignKey(CbecOrder, on_delete=models.CASCADE, related_name="lines")
    line_no = models.PositiveIntegerField()
    hs_code = models.CharField(max_length=10)
    name = models.CharField(max_length=200)
    quantity = models.DecimalField(max_digits=14, decimal_places=3)
    unit = models.CharField(max_length=3)
    value = models.DecimalField(max_digits=14, decimal_places=2)  # price + freight + insurance, CNY

    class Meta:
        ordering = ["order", "line_no"]
        constraints = [models.UniqueConstraint(fields=["order", "line_no"], name="cbec_line_no_per_order")]


class AnnualTotal(models.Model):
    """A buyer's counted purchases in a calendar year (the row is locked while an order is released or
    returned, so two releases cannot both pass the 26,000 limit)."""

    buyer_id = models.CharField(max_length=18)
    year = models.PositiveIntegerField()
    used = models.DecimalField(max_digits=14, decimal_places=2, default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["buyer_id", "year"], name="one_total_per_buyer_year"),
            models.CheckConstraint(condition=Q(used__gte=0), name="annual_total_not_negative"),
        ]


class ConsolidatedList(models.Model):
    """A type-8 verification list (清单类型 8 保税电商, trade mode 1210) that consolidates the released orders
    of a period on the e-commerce enterprise's T book; the list itself is made through supervision's services."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT)
    zone = models.ForeignKey(Zone, on_delete=models.PROTECT)
    book = models.ForeignKey("supervision.AccountBook", on_delete=models.PROTECT, related_name="+")
    vlist = models.OneToOneField("supervision.VerificationList", on_delete=models.PROTECT, related_name="+")
    period_from = models.DateField()
    period_to = models.DateField()
    order_count = models.PositiveIntegerField(default=0)
    goods_value = models.DecimalField(max_digits=16, decimal_places=2, default=0)
    tax_total = models.DecimalField(max_digits=16, decimal_places=2, default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("consolidated list")
        ordering = ["-period_to", "-id"]


class SettlementStatus(models.TextChoices):
    ISSUED = "issued", _("Issued")
    PAID = "paid", _("Paid")


class TaxSettlement(models.Model):
    """The periodic tax payment (汇总纳税) of an e-commerce enterprise for the orders released in a period:
    their tax, due on the 45th day after the period's first release (GACC 2018 No. 194, domain-customs.md
    §6.1); when paid, the guarantee uses of its orders are freed."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT)
    zone = models.ForeignKey(Zone, on_delete=models.PROTECT)
    period_from = models.DateField()
    period_to = models.DateField()
    order_count = models.PositiveIntegerField(default=0)
    tariff = models.DecimalField(max_digits=16, decimal_places=2, default=0)
    consumption_tax = models.DecimalField(max_digits=16, decimal_places=2, default=0)
    vat = models.DecimalField(max_digits=16, decimal_places=2, default=0)
    tax_total = models.DecimalField(max_digits=16, decimal_places=2, default=0)
    due_on = models.DateField()
    status = models.CharField(max_length=10, choices=SettlementStatus.choices, default=SettlementStatus.ISSUED)
    paid_on = models.DateField(null=True, blank=True)
    payment_ref = models.CharField(max_length=60, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("tax settlement")
        ordering = ["-period_to", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "period_from", "period_to"],
                                    name="cbec_one_settlement_per_enterprise_period"),
            models.CheckConstraint(condition=Q(tax_total__gte=0), name="cbec_settlement_tax_not_negative"),
        ]

    def __str__(self):
        return f"{self.enterprise_id} {self.period_from}–{self.period_to}"
