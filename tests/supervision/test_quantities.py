"""Three quantities per line (declared, legal, second legal) and the line's details; one stock per (item,
status) in the item's declared unit, reached through the item's factors; status change lists; 口岸货物."""

from decimal import Decimal

import pytest

from bondzone.core.domain.errors import DomainError
from bondzone.supervision import services
from bondzone.supervision.domain.validation import ItemInfo
from bondzone.supervision.models import StockAccount, StockEntry, VerificationList
from bondzone.supervision.reconcile import verify

from ..conftest import key

WINE = 9  # declared in bottles (142), legal unit litres (095) at 0.75 l a bottle, second unit kg (035) at 1.2


@pytest.fixture
def wine(world):
    services.add_item(actor=world.actor("customs"), book_id=world.book_a.pk, data={
        "item_no": WINE, "hs_code": "2204210000", "name_zh": "葡萄酒", "declared_unit": "142", "legal_unit": "095",
        "legal_factor": "0.75", "second_unit": "035", "second_factor": "1.2"})
    return world


def declare(world, direction, lines, trade_mode="5034", approve=True, passed=True):
    owner, customs = world.actor("ent_a"), world.actor("customs")
    v = services.create_list(actor=owner, book_id=world.book_a.pk, idempotency_key=key(), data={
        "direction": direction, "trade_mode": trade_mode, "lines": lines})
    if not approve:
        return v
    services.submit_list(actor=owner, list_id=v.pk, idempotency_key=key())
    v = services.approve_list(actor=customs, list_id=v.pk, idempotency_key=key())
    if passed and v.posting_state == "reserved":
        services.pass_goods(actor=customs, list_id=v.pk, event_id=key(), idempotency_key=key())
    return v


def stock(world, item_no, status="bonded"):
    return StockAccount.objects.get(book=world.book_a, item__item_no=item_no, goods_status=status)


def refusal(world, lines, direction="I", trade_mode="5034"):
    with pytest.raises(DomainError) as err:
        declare(world, direction, lines, trade_mode, approve=False)
    return [(p.field, p.code) for p in err.value.problems]


def test_goods_booked_by_the_bottle_leave_by_the_litre(wine):
    v = declare(wine, "I", [{"item_no": WINE, "quantity": "4", "unit": "142"}])
    line = v.lines.get()
    # legal and second quantities computed from the factors when not given
    assert (line.book_quantity, line.book_unit, line.legal_quantity, line.second_quantity) == (4, "142", 3, Decimal("4.8"))
    out = declare(wine, "E", [{"item_no": WINE, "quantity": "1.5", "unit": "095"}])
    assert (out.lines.get().book_quantity, out.lines.get().book_unit) == (2, "142")
    acc = stock(wine, WINE)
    assert (acc.unit, acc.posted) == ("142", 2)  # one stock for the item and status, in bottles
    assert StockAccount.objects.filter(item__item_no=WINE).count() == 1
    assert verify()[2] == []


def test_a_litre_quantity_that_is_no_whole_number_of_bottles_is_refused(wine):
    assert refusal(wine, [{"item_no": WINE, "quantity": "1", "unit": "095"}]) == [
        ("lines[1].quantity", "unit_conversion_inexact")]


def test_legal_quantity_must_match_the_factor_within_the_tolerance(wine):
    assert refusal(wine, [{"item_no": WINE, "quantity": "4", "unit": "142", "legal_quantity": "3.5"}]) == [
        ("lines[1].legal_quantity", "legal_quantity_off_factor")]  # expected 3 l, 16.7 % off
    assert refusal(wine, [{"item_no": WINE, "quantity": "4", "unit": "142", "second_quantity": "6"}]) == [
        ("lines[1].second_quantity", "legal_quantity_off_factor")]  # expected 4.8 kg
    v = declare(wine, "I", [{"item_no": WINE, "quantity": "4", "unit": "142", "legal_quantity": "3.1"}],
                approve=False)  # 3.3 % off: within ±5 %
    assert v.lines.get().legal_quantity == Decimal("3.1")


def test_line_details_are_kept_and_checked(wine):
    v = declare(wine, "I", [{"item_no": WINE, "quantity": "4", "unit": "142", "unit_price": "12.3456",
                             "value": "49.38", "currency": "300", "origin_country": "305",
                             "destination_country": "142", "levy_mode": "3", "gross_weight": "5.2",
                             "net_weight": "4.8"}], approve=False)
    ln = v.lines.get()
    assert (ln.unit_price, ln.currency, ln.origin_country, ln.destination_country, ln.levy_mode, ln.gross_weight,
            ln.net_weight) == (Decimal("12.3456"), "300", "305", "142", "3", Decimal("5.2"), Decimal("4.8"))
    assert sorted(refusal(wine, [{"item_no": WINE, "quantity": "4", "unit": "142", "levy_mode": "0",
                                  "origin_country": "999", "gross_weight": "1", "net_weight": "2"}])) == [
        ("lines[1].levy_mode", "bad_choice"), ("lines[1].net_weight", "net_above_gross"),
        ("lines[1].origin_country", "bad_choice")]


def test_status_change_list_moves_two_statuses_in_one_transaction(world):
    declare(world, "I", [{"item_no": 1, "quantity": "10", "unit": "007"}])
    line = {"item_no": 1, "quantity": "4", "unit": "007", "goods_status": "bonded", "target_status": "duty_paid"}
    v = declare(world, "E", [line], trade_mode="9900")
    assert v.changes_status and v.posting_state == "posted"  # a status change moves no goods: posts at approval
    assert stock(world, 1).posted == 6 and stock(world, 1, "duty_paid").posted == 4
    assert StockEntry.objects.filter(source_kind="list", source_id=v.pk).count() == 2
    with pytest.raises(DomainError) as err:  # more than there is: refused whole, nothing moves
        declare(world, "E", [{**line, "quantity": "7"}], trade_mode="9900")
    assert [p.code for p in err.value.problems] == ["insufficient_stock"]
    assert stock(world, 1).posted == 6 and stock(world, 1, "duty_paid").posted == 4
    counter = services.reverse_list(actor=world.actor("customs"), list_id=v.pk, reason="sale cancelled",
                                    idempotency_key=key())
    assert [(ln.goods_status, ln.target_status) for ln in counter.lines.all()] == [("duty_paid", "bonded")]
    assert stock(world, 1).posted == 10 and stock(world, 1, "duty_paid").posted == 0
    assert verify()[2] == []


def test_a_line_cannot_change_to_its_own_status(world):
    assert refusal(world, [{"item_no": 1, "quantity": "1", "unit": "007", "goods_status": "bonded",
                            "target_status": "bonded"}], direction="E", trade_mode="9900") == [
        ("lines[1].target_status", "bad_choice")]


def test_port_goods_are_a_status_of_their_own(world):
    declare(world, "I", [{"item_no": 1, "quantity": "3", "unit": "007", "goods_status": "port"}], trade_mode="9900")
    assert stock(world, 1, "port").posted == 3
    assert not StockAccount.objects.filter(item__item_no=1, goods_status="bonded").exists()
    assert VerificationList.objects.get().posting_state == "posted"


def test_item_factor_per_unit():
    item = ItemInfo(1, "I", ("142", "095", "035"), "095", Decimal("0.75"), "035", Decimal("1.2"))
    assert [item.factor(u) for u in ("142", "095", "035", "007")] == [1, Decimal("0.75"), Decimal("1.2"), None]


def test_documents_move_the_same_stock_through_the_factors(wine):
    from bondzone.supervision.domain.posting import Move

    declare(wine, "I", [{"item_no": WINE, "quantity": "4", "unit": "142"}])
    customs = wine.actor("customs")
    services.post_document(actor=customs, book_id=wine.book_a.pk, source_kind="stocktake", source_id=1,
                           moves=[Move(1, WINE, "bonded", Decimal("-1.5"), "095")], event_id=key(), idempotency_key=key())
    assert stock(wine, WINE).posted == 2 and StockAccount.objects.filter(item__item_no=WINE).count() == 1
    with pytest.raises(DomainError) as err:  # 1 litre is no whole number of bottles
        services.post_document(actor=customs, book_id=wine.book_a.pk, source_kind="stocktake", source_id=2,
                               moves=[Move(1, WINE, "bonded", Decimal("-1"), "095")], event_id=key(),
                               idempotency_key=key())
    assert [(p.field, p.code) for p in err.value.problems] == [("moves[1].quantity", "unit_conversion_inexact")]
