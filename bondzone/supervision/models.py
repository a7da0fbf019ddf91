"""Account books (电子账册), their items, stock accounts, ledger entries and verification lists."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from bondzone.core.fields import QuantityField
from bondzone.core.models import Enterprise, Zone

from .domain.codes import (
    BookKind, Direction, EntryKind, GoodsStatus, ItemKind, Leftover, ListStatus, PostingState, ProcessingKind,
    ReservationState,
)


LEFTOVER_LABELS = {
    Leftover.NONE.value: _("ordinary"), Leftover.SCRAP.value: _("scrap"), Leftover.BY_PRODUCT.value: _("by-product"),
    Leftover.DEFECTIVE.value: _("defective goods"),
}
PROCESSING_KIND_LABELS = {
    ProcessingKind.NOT_RECORDED.value: _("not recorded"), ProcessingKind.IMPORTED.value: _("imported materials (进料加工)"),
    ProcessingKind.SUPPLIED.value: _("supplied materials (来料加工)"),
}
GOODS_STATUS_LABELS = {
    GoodsStatus.BONDED.value: _("bonded"),
    GoodsStatus.NON_BONDED.value: _("non-bonded"),
    GoodsStatus.DUTY_PAID.value: _("duty-paid"),
    GoodsStatus.PORT.value: _("port goods"),
}
LIST_STATUS_LABELS = {
    ListStatus.DRAFT.value: _("draft"),
    ListStatus.SUBMITTED.value: pgettext_lazy("list status", "submitted"),
    ListStatus.APPROVED.value: pgettext_lazy("list status", "approved"),
    ListStatus.REJECTED.value: pgettext_lazy("list status", "rejected"),
    ListStatus.CANCELLED.value: pgettext_lazy("list status", "cancelled"),
}
POSTING_STATE_LABELS = {
    PostingState.NONE.value: _("not posted"),
    PostingState.RESERVED.value: _("reserved (awaiting passage)"),
    PostingState.PARTIAL.value: _("partly posted"),
    PostingState.POSTED.value: _("posted"),
    PostingState.VOIDED.value: _("voided"),
}
ENTRY_KIND_LABELS = {
    EntryKind.DIRECT.value: _("posted"),
    EntryKind.RESERVE.value: _("reserved"),
    EntryKind.POST.value: _("passage posted"),
    EntryKind.VOID.value: _("voided"),
}


class AccountBook(models.Model):
    number = models.CharField(_("book number"), max_length=20, unique=True)
    kind = models.CharField(_("book type"), max_length=1, choices=[("T", _("logistics book")), ("H", _("processing book"))])
    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="books")
    zone = models.ForeignKey(Zone, on_delete=models.PROTECT, related_name="books")
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"))
    active = models.BooleanField(pgettext_lazy("book status", "active"), default=True)
    # 进料 / 来料加工 of an H book: its lists take the modes of its kind (5015 or 5014, 0844 or 0845 …, codes.
    # PROCESSING_MODE_PAIRS), none of them while it is "" (until customs records it)
    processing_kind = models.CharField(_("processing kind"), max_length=12, blank=True, default="",
                                       choices=list(PROCESSING_KIND_LABELS.items()))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["number"]
        verbose_name = _("account book")
        constraints = [
            models.CheckConstraint(name="book_valid_range", condition=models.Q(valid_until__gte=models.F("valid_from"))),
            models.CheckConstraint(name="book_kind", condition=models.Q(kind__in=[k.value for k in BookKind])),
            models.CheckConstraint(name="processing_kind_of_h_book", condition=models.Q(processing_kind="") | models.Q(
                kind=BookKind.PROCESSING.value, processing_kind__in=[k.value for k in ProcessingKind if k.value])),
        ]

    def __str__(self):
        return self.number

    def get_absolute_url(self) -> str:
        return reverse("supervision:book", args=[self.pk])


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
    # 边角料 / 副产品 / 残次品 recorded as their own items of an H book, kept apart from the ordinary stock
    leftover = models.CharField(_("leftover"), max_length=12, blank=True, default="",
                                choices=list(LEFTOVER_LABELS.items()))
    # for defective goods: the finished item (备案序号) whose BOM they consumed
    leftover_of = models.PositiveIntegerField(_("defective goods of item"), null=True, blank=True)
    # 固体废物 (customs' finding): its lists never take it into China (domain.trade_modes.INLAND_MODES)
    solid_waste = models.BooleanField(_("solid waste (固体废物)"), default=False)

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
    # 预减 (prevdRedcQty): outbound quantity reserved by approved lists, not available any more
    reserved = QuantityField(_("reserved"), default=0)
    # 预增 (prevdIncQty): inbound quantity reserved by approved lists, not available before it is posted
    incoming = QuantityField(_("incoming"), default=0)

    class Meta:
        ordering = ["book", "item", "goods_status", "unit"]
        constraints = [
            models.UniqueConstraint(fields=["book", "item", "goods_status", "unit"], name="one_account_per_key"),
            models.CheckConstraint(name="available_not_negative", condition=models.Q(posted__gte=models.F("reserved"))),
            models.CheckConstraint(name="reserved_not_negative", condition=models.Q(reserved__gte=0)),
            models.CheckConstraint(name="incoming_not_negative", condition=models.Q(incoming__gte=0)),
        ]

    @property
    def available(self):
        return self.posted - self.reserved


class VerificationList(models.Model):
    """保税核注清单: header. Lines post to the book when customs approves."""

    # 清单编号 (bondInvtNo): assigned at approval; 预录入统一编号 (seqNo): assigned at creation
    number = models.CharField(_("list number"), max_length=20, unique=True, null=True, blank=True)
    pre_entry_no = models.CharField(_("pre-entry number"), max_length=18, unique=True)
    change_count = models.PositiveIntegerField(_("change count"), default=0)  # 变更次数 (chgTmsCnt)
    # 关联清单编号 (rltInvtNo): the other list of a 区内流转 / 区间流转 pair (its list or pre-entry number)
    related_no = models.CharField(_("related list number"), max_length=20, blank=True)
    book = models.ForeignKey(AccountBook, on_delete=models.PROTECT, related_name="lists")
    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="lists")
    zone = models.ForeignKey(Zone, on_delete=models.PROTECT, related_name="+")
    direction = models.CharField(_("direction"), max_length=1, choices=[("I", _("in (import)")), ("E", _("out (export)"))])
    trade_mode = models.CharField(_("trade mode"), max_length=4)
    list_type = models.CharField(_("list type"), max_length=1, default="0")
    item_kind = models.CharField(max_length=1, default=ItemKind.MATERIAL.value)
    changes_status = models.BooleanField(_("status change list"), default=False)  # some line has a target status
    declaration_no = models.CharField(_("declaration number"), max_length=18, blank=True)
    inner_no = models.CharField(_("enterprise internal number"), max_length=64, blank=True)
    remarks = models.CharField(_("remarks"), max_length=500, blank=True)
    # the national screen's header (INV101 trspModecd, stshipTrsarvNatcd, dclcusFlag, dclcusTypecd, rltPutrecNo)
    transport_mode = models.CharField(_("transport mode"), max_length=1, blank=True)
    departure_country = models.CharField(_("country of departure or arrival"), max_length=3, blank=True)
    declaration_flag = models.CharField(_("declared to customs"), max_length=1, blank=True)
    declaration_type = models.CharField(_("declaration type"), max_length=1, blank=True)
    related_book_no = models.CharField(_("related book number"), max_length=12, blank=True)
    status = models.CharField(_("status"), max_length=10, default=ListStatus.DRAFT.value, choices=list(LIST_STATUS_LABELS.items()), db_index=True)
    # 核扣标记 (vrfdedMarkcd): none → reserved (预核扣) → partial → posted (正式核扣), or voided
    posting_state = models.CharField(_("posting"), max_length=10, default=PostingState.NONE.value,
                                     choices=list(POSTING_STATE_LABELS.items()))
    reverses = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversed_by")
    line_count = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    effective_date = models.DateField(_("posting date"), null=True, blank=True)
    reject_reason = models.CharField(max_length=500, blank=True)
    # 固体废物 found after approval: per line its passage may no longer post, the refusal's parameters
    # (trade_modes.solid_waste_problem), written by services.change_item when customs marks or clears an item and
    # read with the list row the passage locks anyway (no query of its own at the gate)
    solid_waste_held = models.JSONField(_("held: solid waste"), default=list, blank=True)

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
        return self.display_number

    @property
    def display_number(self) -> str:
        """The list number once approved, the pre-entry number before."""
        return self.number or self.pre_entry_no


class VerificationListLine(models.Model):
    vlist = models.ForeignKey(VerificationList, on_delete=models.PROTECT, related_name="lines")
    seq = models.PositiveIntegerField(_("line"))
    item = models.ForeignKey(BookItem, on_delete=models.PROTECT, related_name="+")
    # the goods as declared (INV101 表体: gdsMtno, gdecd, gdsNm, gdsSpcfModelDesc, lawfUnitcd, secdLawfUnitcd),
    # copied from the item when the line is written: a later 备案变更 of the item leaves the list as it was filed
    part_no = models.CharField(_("part number"), max_length=64, blank=True, db_default="")
    hs_code = models.CharField(_("HS code"), max_length=10, db_default="")
    name_zh = models.CharField(_("Chinese name"), max_length=200, db_default="")
    name_en = models.CharField(_("English name"), max_length=200, blank=True, db_default="")
    spec = models.CharField(_("specification"), max_length=500, blank=True, db_default="")
    legal_unit = models.CharField(_("legal unit"), max_length=3, blank=True, db_default="")
    second_unit = models.CharField(_("second legal unit"), max_length=3, blank=True, db_default="")
    quantity = QuantityField(_("quantity"))
    unit = models.CharField(_("unit"), max_length=3)
    value = models.DecimalField(_("value"), max_digits=18, decimal_places=2, default=0)
    currency = models.CharField(_("currency"), max_length=3, default="142")
    goods_status = models.CharField(_("goods status"), max_length=12, choices=list(GOODS_STATUS_LABELS.items()))
    # a status change line moves the item from goods_status to target_status (two movements)
    target_status = models.CharField(_("new goods status"), max_length=12, blank=True,
                                     choices=list(GOODS_STATUS_LABELS.items()))
    # what the book moves: the quantity in the item's declared unit (converted through the item's factors)
    book_quantity = QuantityField(_("book quantity"))
    book_unit = models.CharField(_("book unit"), max_length=3)
    legal_quantity = QuantityField(_("legal quantity"), null=True, blank=True)
    second_quantity = QuantityField(_("second legal quantity"), null=True, blank=True)
    unit_price = models.DecimalField(_("unit price"), max_digits=18, decimal_places=4, default=0)
    origin_country = models.CharField(_("origin"), max_length=3, blank=True)
    destination_country = models.CharField(_("destination"), max_length=3, blank=True)
    levy_mode = models.CharField(_("levy mode"), max_length=1, blank=True)
    gross_weight = models.DecimalField(_("gross weight"), max_digits=18, decimal_places=5, null=True, blank=True)
    net_weight = models.DecimalField(_("net weight"), max_digits=18, decimal_places=5, null=True, blank=True)
    reverses = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversed_by")

    class Meta:
        ordering = ["vlist", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["vlist", "seq"], name="line_seq_per_list"),
            models.CheckConstraint(name="line_quantity_positive", condition=models.Q(quantity__gt=0, book_quantity__gt=0)),
        ]


class Reservation(models.Model):
    """A pending movement (预核扣) of one account for one source line: it ends exactly once, posted (in one
    or several shares) or voided (the rest returns). The CHECKs make a second ending impossible."""

    account = models.ForeignKey(StockAccount, on_delete=models.PROTECT, related_name="reservations")
    source_kind = models.CharField(max_length=16)
    source_id = models.BigIntegerField()
    source_line = models.PositiveIntegerField(default=0)
    sign = models.SmallIntegerField()  # +1 inbound (incoming), -1 outbound (reserved)
    quantity = QuantityField()
    posted = QuantityField(default=0)
    voided = QuantityField(default=0)
    state = models.CharField(max_length=8, default=ReservationState.OPEN.value,
                             choices=[(s.value, s.value) for s in ReservationState])
    created_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["source_kind", "source_id", "source_line"], name="reservation_source")]
        constraints = [
            models.UniqueConstraint(fields=["source_kind", "source_id", "source_line", "account"],
                                    name="one_reservation_per_source_line"),
            models.CheckConstraint(name="reservation_sign", condition=models.Q(sign__in=[1, -1])),
            models.CheckConstraint(name="reservation_quantity_positive", condition=models.Q(quantity__gt=0)),
            models.CheckConstraint(name="reservation_shares_not_negative",
                                   condition=models.Q(posted__gte=0, voided__gte=0)),
            models.CheckConstraint(
                name="reservation_ends_once",
                condition=(
                    models.Q(state=ReservationState.OPEN.value, ended_at__isnull=True, voided=0,
                             posted__lt=models.F("quantity"))
                    | models.Q(state=ReservationState.POSTED.value, ended_at__isnull=False, voided=0,
                               posted=models.F("quantity"))
                    | models.Q(state=ReservationState.VOIDED.value, ended_at__isnull=False, voided__gt=0,
                               voided=models.F("quantity") - models.F("posted"))
                ),
            ),
        ]


class PostingEvent(models.Model):
    """One posting event (a gate passage, a production report...): its id is unique ledger-wide, so the
    same passage can never post twice."""

    event_id = models.CharField(max_length=64, unique=True)
    source_kind = models.CharField(max_length=16)
    source_id = models.BigIntegerField()
    recorded_at = models.DateTimeField()


class StockEntry(models.Model):
    """One append-only movement of one account; UPDATE and DELETE are refused by a trigger.

    It names its source document generically (kind, id, line: e.g. ("list", 12, 3) for line 3 of list 12,
    ("passage", 40, 0) for a gate passage) and, for reserve/post/void entries, its reservation."""

    # no index of its own: both account indexes below lead with it
    account = models.ForeignKey(StockAccount, on_delete=models.PROTECT, related_name="entries", db_index=False)
    kind = models.CharField(max_length=8, choices=[(k.value, k.value) for k in EntryKind])
    source_kind = models.CharField(max_length=16)
    source_id = models.BigIntegerField()
    source_line = models.PositiveIntegerField(default=0)
    reservation = models.ForeignKey(Reservation, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="entries")
    posted_delta = QuantityField(default=0)
    reserved_delta = QuantityField(default=0)
    incoming_delta = QuantityField(default=0)
    effective_date = models.DateField()
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["account", "effective_date", "id"]
        indexes = [
            models.Index(fields=["account", "effective_date", "id"]),
            models.Index(fields=["source_kind", "source_id", "source_line"], name="entry_source"),
            # an account's documents of some kinds within a period, read from the index alone (the entries
            # are append-only, so vacuum leaves their pages all-visible): the write-off's explaining documents
            models.Index(fields=["account", "source_kind", "effective_date", "source_id", "posted_delta"],
                         name="entry_account_documents"),
        ]
