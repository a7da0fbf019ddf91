"""Account books (电子账册), their items, stock accounts, ledger entries and verification lists."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from bondzone.core.fields import QuantityField
from bondzone.core.models import Enterprise, Zone

from .domain.codes import BookKind, Direction, GoodsStatus, ItemKind, ListStatus


GOODS_STATUS_LABELS = {
    GoodsStatus.BONDED.value: _("bonded"),
    GoodsStatus.NON_BONDED.value: _("non-bonded"),
    GoodsStatus.DUTY_PAID.value: _("duty-paid"),
}
LIST_STATUS_LABELS = {
    ListStatus.DRAFT.value: _("draft"),
    ListStatus.SUBMITTED.value: _("submitted"),
    ListStatus.APPROVED.value: _("approved"),
    ListStatus.REJECTED.value: _("rejected"),
}


class AccountBook(models.Model):
    number = models.CharField(_("book number"), max_length=20, unique=True)
    kind = models.CharField(_("book type"), max_length=1, choices=[("T", _("logistics book")), ("H", _("processing book"))])
    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="books")
    zone = models.ForeignKey(Zone, on_delete=models.PROTECT, related_name="books")
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"))
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["number"]
        verbose_name = _("account book")
        constraints = [
            models.CheckConstraint(name="book_valid_range", condition=models.Q(valid_until__gte=models.F("valid_from"))),
            models.CheckConstraint(name="book_kind", condition=models.Q(kind__in=[k.value for k in BookKind])),
        ]

    def __str__(self):
        return self.number


class BookItem(models.Model):
    """A record (备案) in a book: 备案序号, 料号, HS code, names, units."""

    book = models.ForeignKey(AccountBook, on_delete=models.PROTECT, related_name="items")
    item_no = models.PositiveIntegerField(_("record number"))
    part_no = models.CharField(_("part number"), max_length=64, blank=True)
    hs_code = models.CharField(_("HS code"), max_length=10)
    name_zh = models.CharField(_("Chinese name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    spec = models.CharField(_("specification"), max_length=500, blank=True)
    kind = models.CharField(_("material / finished"), max_length=1, choices=[("I", _("material")), ("E", _("finished goods"))], default=ItemKind.MATERIAL.value)
    declared_unit = models.CharField(_("declared unit"), max_length=3)
    legal_unit = models.CharField(_("legal unit"), max_length=3)
    legal_factor = models.DecimalField(_("legal unit factor"), max_digits=18, decimal_places=6, default=1)
    second_unit = models.CharField(_("second legal unit"), max_length=3, blank=True)
    second_factor = models.DecimalField(max_digits=18, decimal_places=6, null=True, blank=True)
    currency = models.CharField(_("currency"), max_length=3, default="142")
    unit_price = models.DecimalField(_("unit price"), max_digits=18, decimal_places=4, default=0)
    origin_country = models.CharField(_("origin"), max_length=3, blank=True)

    class Meta:
        ordering = ["book", "item_no"]
        verbose_name = _("book item")
        constraints = [models.UniqueConstraint(fields=["book", "item_no"], name="item_no_per_book")]

    def __str__(self):
        return f"{self.item_no} {self.name_zh}"

    @property
    def units(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(u for u in (self.declared_unit, self.legal_unit, self.second_unit) if u))


class StockAccount(models.Model):
    """Balance row of one account: (book, item, goods status, unit). Never a running total on entries."""

    book = models.ForeignKey(AccountBook, on_delete=models.PROTECT, related_name="accounts")
    item = models.ForeignKey(BookItem, on_delete=models.PROTECT, related_name="accounts")
    goods_status = models.CharField(_("goods status"), max_length=12, choices=list(GOODS_STATUS_LABELS.items()))
    unit = models.CharField(_("unit"), max_length=3)
    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="+")
    zone = models.ForeignKey(Zone, on_delete=models.PROTECT, related_name="+")
    posted = QuantityField(_("posted"), default=0)
    reserved = QuantityField(_("reserved"), default=0)

    class Meta:
        ordering = ["book", "item", "goods_status", "unit"]
        constraints = [
            models.UniqueConstraint(fields=["book", "item", "goods_status", "unit"], name="one_account_per_key"),
            models.CheckConstraint(name="available_not_negative", condition=models.Q(posted__gte=models.F("reserved"))),
            models.CheckConstraint(name="reserved_not_negative", condition=models.Q(reserved__gte=0)),
        ]

    @property
    def available(self):
        return self.posted - self.reserved


class VerificationList(models.Model):
    """保税核注清单: header. Lines post to the book when customs approves."""

    number = models.CharField(_("list number"), max_length=20, unique=True)
    book = models.ForeignKey(AccountBook, on_delete=models.PROTECT, related_name="lists")
    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="lists")
    zone = models.ForeignKey(Zone, on_delete=models.PROTECT, related_name="+")
    direction = models.CharField(_("direction"), max_length=1, choices=[("I", _("in (import)")), ("E", _("out (export)"))])
    trade_mode = models.CharField(_("trade mode"), max_length=4)
    list_type = models.CharField(_("list type"), max_length=1, default="0")
    item_kind = models.CharField(max_length=1, default=ItemKind.MATERIAL.value)
    declaration_no = models.CharField(_("declaration number"), max_length=18, blank=True)
    inner_no = models.CharField(_("enterprise internal number"), max_length=64, blank=True)
    remarks = models.CharField(_("remarks"), max_length=500, blank=True)
    status = models.CharField(_("status"), max_length=10, default=ListStatus.DRAFT.value, choices=list(LIST_STATUS_LABELS.items()), db_index=True)
    reverses = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversed_by")
    line_count = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    effective_date = models.DateField(_("posting date"), null=True, blank=True)
    reject_reason = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("verification list")
        indexes = [
            models.Index(fields=["enterprise", "status"]),
            # serves the "last posting date of the book" check on every approval
            models.Index(fields=["book", "status", "effective_date"], name="list_book_status_date"),
        ]
        constraints = [
            models.CheckConstraint(name="list_direction", condition=models.Q(direction__in=[d.value for d in Direction])),
        ]

    def __str__(self):
        return self.number


class VerificationListLine(models.Model):
    vlist = models.ForeignKey(VerificationList, on_delete=models.PROTECT, related_name="lines")
    seq = models.PositiveIntegerField(_("line"))
    item = models.ForeignKey(BookItem, on_delete=models.PROTECT, related_name="+")
    quantity = QuantityField(_("quantity"))
    unit = models.CharField(_("unit"), max_length=3)
    value = models.DecimalField(_("value"), max_digits=18, decimal_places=2, default=0)
    currency = models.CharField(_("currency"), max_length=3, default="142")
    goods_status = models.CharField(_("goods status"), max_length=12, choices=list(GOODS_STATUS_LABELS.items()))
    reverses = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversed_by")

    class Meta:
        ordering = ["vlist", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["vlist", "seq"], name="line_seq_per_list"),
            models.CheckConstraint(name="line_quantity_positive", condition=models.Q(quantity__gt=0)),
        ]


class StockEntry(models.Model):
    """One append-only movement of one account; UPDATE and DELETE are refused by a trigger."""

    account = models.ForeignKey(StockAccount, on_delete=models.PROTECT, related_name="entries")
    line = models.ForeignKey(VerificationListLine, on_delete=models.PROTECT, related_name="entries")
    posted_delta = QuantityField(default=0)
    reserved_delta = QuantityField(default=0)
    effective_date = models.DateField()
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["account", "effective_date", "id"]
        indexes = [models.Index(fields=["account", "effective_date", "id"])]
