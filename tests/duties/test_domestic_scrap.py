"""Domestic sale (内销) of scrap and by-products: the list's trade mode follows the book's processing kind
(0844 进料加工, 0845 来料加工), taxes are those of the goods as they leave (no materials basis, no interest),
and a book that does not record its kind, a sale mixing scrap with ordinary goods or a status change are
refused whole, nothing written."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from decimal import Decimal as D

import pytest
from django.utils import timezone
from django.utils.translation import override

from bondzone.core.domain.errors import DomainError
from bondzone.core.messages import render
from bondzone.duties import services
from bondzone.duties.models import DomesticSale, TaxBill, TaxRate
from bondzone.supervision import services as ledger
from bondzone.supervision.domain.posting import Move
from bondzone.supervision.models import AccountBook, BookItem, VerificationList
from tests.processing.conftest import hbook  # noqa: F401  (the H book fixture)

TODAY = timezone.localdate()


def key() -> str:
    return uuid.uuid4().hex


@pytest.fixture
def scrap_book(hbook):  # noqa: F811
    """The H book with 0.8 kg of copper scrap (item 11) and 0.3 kg of slag (by-product, item 13) booked by a
    production report, and rates for their codes and for copper wire (item 1)."""
    ledger.post_document(actor=hbook.actor("ent_a"), book_id=hbook.book.pk, source_kind="production", source_id=1,
                         moves=[Move(1, 11, "bonded", D("0.8")), Move(2, 13, "bonded", D("0.3"))], event_id=key(),
                         idempotency_key=key())
    for hs, rate in (("7404000090", "0.015"), ("2620300000", "0.04"), ("7408110000", "0.02")):
        TaxRate.objects.create(kind="mfn", hs_code=hs, ad_valorem=D(rate), valid_from=date(2026, 1, 1))
        TaxRate.objects.create(kind="vat", hs_code=hs, ad_valorem=D("0.13"), valid_from=date(2026, 1, 1))
    return hbook


def item_pk(h, no) -> int:
    return BookItem.objects.get(book=h.book, item_no=no).pk


def request(h, lines, **kw):
    data = {"book_id": h.book.pk, "declared_on": TODAY.isoformat(),
            "interest_since": (TODAY - timedelta(days=180)).isoformat(),
            "lines": [{"item_id": item_pk(h, no), "quantity": q, "customs_value": v} for no, q, v in lines], **kw}
    return services.request_domestic_sale(actor=h.actor("ent_a"), data=data, idempotency_key=key())


def set_kind(h, kind):
    ledger.set_processing_kind(actor=h.actor("customs"), book_id=h.book.pk, processing_kind=kind)


@pytest.mark.parametrize("kind, mode", [("imported", "0844"), ("supplied", "0845")])
def test_scrap_sold_inland_takes_the_mode_of_the_books_kind(scrap_book, kind, mode):
    h = scrap_book
    set_kind(h, kind)
    s = request(h, [(11, "0.5", "60000.00")])
    s = services.choose_domestic_basis(actor=h.actor("ent_a"), sale_id=s.pk, basis="goods", idempotency_key=key())
    v = s.vlist
    assert (v.trade_mode, v.direction, v.item_kind, v.status) == (mode, "E", "I", "submitted")
    s = services.confirm_domestic_sale(actor=h.actor("customs"), sale_id=s.pk, idempotency_key=key())
    s.vlist.refresh_from_db()
    assert (s.status, s.vlist.status, s.vlist.posting_state) == ("confirmed", "approved", "reserved")


def test_scrap_is_taxed_as_it_leaves_without_materials_basis_or_interest(scrap_book):
    """Notes §1.1: scrap pays duty on its actual state at exit; §5.1: no interest on the actual-state basis.
    Tariff 60,000 × 1.5 % = 900; VAT (60,000 + 900) × 13 % = 7,917; by-product 2,000 × 4 % = 80, VAT 270.40."""
    h = scrap_book
    set_kind(h, "supplied")
    s = request(h, [(11, "0.5", "60000.00"), (13, "0.3", "2000.00")])
    assert s.materials_quote is None and s.cheaper == "goods"
    t = s.goods_quote["totals"]
    assert (t["tariff"], t["vat"], t["interest"], t["total"]) == ("980.00", "8187.40", "0.00", "9167.40")
    with pytest.raises(DomainError) as err:
        services.choose_domestic_basis(actor=h.actor("ent_a"), sale_id=s.pk, basis="materials", idempotency_key=key())
    assert [p.code for p in err.value.problems] == ["domestic_no_materials_basis"]
    s = services.choose_domestic_basis(actor=h.actor("ent_a"), sale_id=s.pk, basis="goods", idempotency_key=key())
    assert s.vlist.trade_mode == "0845"
    services.confirm_domestic_sale(actor=h.actor("customs"), sale_id=s.pk, idempotency_key=key())
    bill = TaxBill.objects.get()
    assert (bill.basis, bill.tariff, bill.vat, bill.interest, bill.total) == (
        "goods", D("980.00"), D("8187.40"), D("0.00"), D("9167.40"))


def test_a_book_without_its_processing_kind_refuses_the_sale_until_customs_records_it(scrap_book):
    h = scrap_book
    # a book registered before its kind was recorded (migration 0010 left the existing books without one)
    AccountBook.objects.filter(pk=h.book.pk).update(processing_kind="")
    with pytest.raises(DomainError) as err:
        request(h, [(11, "0.5", "60000.00"), (13, "0.1", "100.00")])
    # the refusal a 0844 / 0845 list of the book gets (supervision's trade-mode rule), on the sale's book
    assert [(p.field, p.code) for p in err.value.problems] == [("book_id", "processing_kind_not_recorded")]
    assert err.value.problems[0].params["page"] == f"/supervision/books/{h.book.pk}/"
    for language, words in (("en", ("0844 / 0845", "H01101000001", "processing kind", f"/supervision/books/{h.book.pk}/")),
                            ("zh-hans", ("0844 / 0845", "进料加工", "加工类型", f"/supervision/books/{h.book.pk}/"))):
        with override(language):
            text = render(err.value.problems[0])
        assert all(w in text for w in words), text
    assert DomesticSale.objects.count() == 0 and VerificationList.objects.filter(direction="E").count() == 0
    set_kind(h, "imported")
    assert request(h, [(11, "0.5", "60000.00")]).status == "quoted"


@pytest.mark.parametrize("lines, kw, field, code", [
    ([(11, "0.5", "600.00"), (1, "1", "100.00")], {}, "lines", "domestic_scrap_mixed"),
    ([(11, "0.5", "600.00")], {"mode": "status"}, "mode", "domestic_scrap_leaves_zone"),
])
def test_scrap_leaves_on_a_list_of_its_own(scrap_book, lines, kw, field, code):
    h = scrap_book
    set_kind(h, "imported")
    with pytest.raises(DomainError) as err:
        request(h, lines, **kw)
    assert (field, code) in [(p.field, p.code) for p in err.value.problems]
    assert DomesticSale.objects.count() == 0


def test_ordinary_materials_still_leave_as_5000(scrap_book):
    h = scrap_book
    set_kind(h, "imported")
    s = request(h, [(1, "1", "100.00")])
    s = services.choose_domestic_basis(actor=h.actor("ent_a"), sale_id=s.pk, basis="goods", idempotency_key=key())
    assert s.vlist.trade_mode == "5000"
