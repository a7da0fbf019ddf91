"""Bills of materials (单耗), production reports, stock-takes (盘点) and period write-offs (核销) of H books."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from bondzone.core.fields import QuantityField
from bondzone.core.models import Enterprise, Zone

from .domain.production import OutputKind

BOM_STATUS_LABELS = {"declared": _("declared"), "approved": _("approved"), "rejected": _("rejected")}
OUTPUT_LABELS = {
    OutputKind.FINISHED.value: _("finished goods"), OutputKind.DEFECTIVE.value: _("defective goods"),
    OutputKind.SCRAP.value: _("scrap"), OutputKind.BY_PRODUCT.value: _("by-product"),
}
DISPOSITION_LABELS = {"none": _("no difference"), "adjust": _("adjusted"), "case": _("case for customs")}
FAILED = "failed"  # WriteOff.error of a failed job: its text is for the log and the audit trail, not the reader
JOB_STATUS_LABELS = {"queued": _("queued"), "running": _("running"), "done": _("done"), "failed": _("failed")}


class Bom(models.Model):
    """单耗 of one finished item, one version: declared by the enterprise, approved by customs."""

    book = models.ForeignKey("supervision.AccountBook", on_delete=models.PROTECT, related_name="+")
    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="+")
    zone = models.ForeignKey(Zone, on_delete=models.PROTECT, related_name="+")
    finished_no = models.PositiveIntegerField(_("finished item"))
    version = models.CharField(pgettext_lazy("consumption version", "version"), max_length=16)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=list(BOM_STATUS_LABELS.items()), default="declared")
    declared_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    declared_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["book", "finished_no", "-valid_from"]
        verbose_name = _("bill of materials")
        constraints = [
            models.UniqueConstraint(fields=["book", "finished_no", "version"], name="bom_version_once"),
            models.CheckConstraint(name="bom_valid_range",
                                   condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("valid_from"))),
        ]


class BomLine(models.Model):
    bom = models.ForeignKey(Bom, on_delete=models.CASCADE, related_name="lines")
    material_no = models.PositiveIntegerField(_("material item"))
    net = QuantityField(_("net consumption"))
    loss_pct = models.DecimalField(_("loss rate (%)"), max_digits=7, decimal_places=4, default=Decimal(0))

    class Meta:
        ordering = ["bom", "material_no"]
        constraints = [
            models.UniqueConstraint(fields=["bom", "material_no"], name="bom_material_once"),
            models.CheckConstraint(name="bom_net_positive", condition=Q(net__gt=0)),
            models.CheckConstraint(name="bom_loss_range", condition=Q(loss_pct__gte=0, loss_pct__lt=100)),
        ]


class ProductionReport(models.Model):
    """生产报告: consumes materials through the BOM and books the outputs, in one posting."""

    book = models.ForeignKey("supervision.AccountBook", on_delete=models.PROTECT, related_name="+")
    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="+")
    zone = models.ForeignKey(Zone, on_delete=models.PROTECT, related_name="+")
    day = models.DateField(_("production date"))
    note = models.CharField(_("note"), max_length=500, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-day", "-id"]
        verbose_name = _("production report")


class ProductionOutput(models.Model):
    report = models.ForeignKey(ProductionReport, on_delete=models.CASCADE, related_name="outputs")
    line = models.PositiveIntegerField()
    item_no = models.PositiveIntegerField(_("item"))
    kind = models.CharField(_("output"), max_length=12, choices=list(OUTPUT_LABELS.items()))
    quantity = QuantityField(_("quantity"))
    bom_version = models.CharField(_("BOM version"), max_length=16, blank=True)

    class Meta:
        ordering = ["report", "line"]
        constraints = [models.CheckConstraint(name="output_quantity_positive", condition=Q(quantity__gt=0))]


class ProductionConsumption(models.Model):
    report = models.ForeignKey(ProductionReport, on_delete=models.CASCADE, related_name="consumption")
    line = models.PositiveIntegerField()
    material_no = models.PositiveIntegerField(_("material item"))
    quantity = QuantityField(_("quantity consumed"))

    class Meta:
        ordering = ["report", "line"]
        constraints = [models.CheckConstraint(name="consumption_positive", condition=Q(quantity__gt=0))]


class StockTake(models.Model):
    """盘点: counted stock against the book; small differences adjusted, larger ones a case for customs."""

    book = models.ForeignKey("supervision.AccountBook", on_delete=models.PROTECT, related_name="+")
    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="+")
    zone = models.ForeignKey(Zone, on_delete=models.PROTECT, related_name="+")
    day = models.DateField(_("count date"))
    tolerance_pct = models.DecimalField(_("tolerance (%)"), max_digits=5, decimal_places=2)
    adjusted = models.BooleanField(_("adjustment posted"), default=False)
    case_open = models.BooleanField(_("case for customs"), default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-day", "-id"]
        verbose_name = _("stock-take")


class StockTakeLine(models.Model):
    stocktake = models.ForeignKey(StockTake, on_delete=models.CASCADE, related_name="lines")
    line = models.PositiveIntegerField()
    item_no = models.PositiveIntegerField(_("item"))
    goods_status = models.CharField(_("goods status"), max_length=12)
    book_quantity = QuantityField(_("book"))
    counted = QuantityField(_("counted"))
    unit_price = models.DecimalField(_("unit price"), max_digits=18, decimal_places=4)
    value = models.DecimalField(_("value of the difference"), max_digits=18, decimal_places=2)
    disposition = models.CharField(max_length=6, choices=list(DISPOSITION_LABELS.items()))

    class Meta:
        ordering = ["stocktake", "line"]


class WriteOff(models.Model):
    """核销 of one book and period, computed by a background job; once done its rows never change."""

    book = models.ForeignKey("supervision.AccountBook", on_delete=models.PROTECT, related_name="+")
    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="+")
    zone = models.ForeignKey(Zone, on_delete=models.PROTECT, related_name="+")
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    status = models.CharField(_("status"), max_length=8, choices=list(JOB_STATUS_LABELS.items()), default="queued")
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    rows = models.PositiveIntegerField(default=0)
    differences = models.PositiveIntegerField(default=0)
    error = models.CharField(max_length=500, blank=True)  # FAILED when the job failed (its detail: log, audit)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("write-off")
        constraints = [
            models.CheckConstraint(name="writeoff_period", condition=Q(period_end__gte=models.F("period_start"))),
            models.CheckConstraint(name="writeoff_progress", condition=Q(progress__lte=100)),
        ]


    @property
    def failure(self) -> str:
        """Why a failed job has no rows, in the reader's language; never the exception's text (in the log and the
        audit event `writeoff.fail`)."""
        if self.status != "failed":
            return ""
        return gettext("The write-off could not be computed. Start it again; if it fails again, tell the "
                       "platform administrator (write-off #%(id)s).") % {"id": self.pk}


class WriteOffLine(models.Model):
    """One (item, goods status) row of a write-off snapshot; a trigger refuses UPDATE."""

    writeoff = models.ForeignKey(WriteOff, on_delete=models.CASCADE, related_name="lines")
    item_no = models.PositiveIntegerField(_("item"))
    goods_status = models.CharField(_("goods status"), max_length=12)
    opening = QuantityField(_("opening"))
    inward = QuantityField(_("in"))
    outward = QuantityField(_("out"))
    consumed = QuantityField(_("consumed"))
    produced = QuantityField(_("produced"))
    computed_closing = QuantityField(_("computed closing"))
    book_closing = QuantityField(_("book closing"))
    difference = QuantityField(_("difference"))
    explained_by = models.JSONField(_("explained by"), default=list)

    class Meta:
        ordering = ["writeoff", "item_no", "goods_status"]
        constraints = [models.UniqueConstraint(fields=["writeoff", "item_no", "goods_status"], name="writeoff_row_once")]
