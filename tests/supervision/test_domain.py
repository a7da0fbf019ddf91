"""Pure rules of the account book: no database."""

from decimal import Decimal

import pytest
from hypothesis import given, settings, strategies as st

from bondzone.core.domain.quantity import check_quantity, from_units, parse_decimal, to_units
from bondzone.supervision.domain.posting import AccountKey, Balance, Movement, apply, check, net_if_covered
from bondzone.supervision.domain.validation import BookInfo, ItemInfo, validate_item, validate_list
from datetime import date

K1 = AccountKey(1, "bonded", "007")
K2 = AccountKey(2, "bonded", "035")


def test_outbound_within_stock_nets_per_account():
    net, problems = check([Movement(1, K1, Decimal("-3")), Movement(2, K1, Decimal("-2"))], {K1: Balance(Decimal(5))})
    assert problems == []
    assert net == {K1: Decimal(-5)}


def test_second_line_on_same_account_is_the_one_reported_short():
    net, problems = check([Movement(1, K1, Decimal("-4")), Movement(2, K1, Decimal("-4"))], {K1: Balance(Decimal(5))})
    assert [p.field for p in problems] == ["lines[2].quantity"]
    assert problems[0].params["shortfall"] == "3"
    assert problems[0].params["available"] == "1"


def test_reserved_quantity_is_not_available():
    _, problems = check([Movement(1, K1, Decimal("-5"))], {K1: Balance(Decimal(5), Decimal(1))})
    assert problems and problems[0].params["shortfall"] == "1"


def test_every_short_line_is_reported():
    _, problems = check([Movement(1, K1, Decimal("-1")), Movement(2, K2, Decimal("-1"))], {})
    assert [p.params["line"] for p in problems] == [1, 2]


def test_apply_moves_only_posted():
    out = apply({K1: Balance(Decimal(5), Decimal(2))}, {K1: Decimal(-1), K2: Decimal(3)})
    assert out[K1] == Balance(Decimal(4), Decimal(2)) and out[K2] == Balance(Decimal(3))


@pytest.mark.parametrize("raw", ["abc", "1e", "NaN", "Infinity", True, "1_000", "１２３"])
def test_parse_decimal_refuses_non_numbers(raw):
    value, problem = parse_decimal(raw, "quantity")
    assert value is None and problem.code == "not_a_number"


@pytest.mark.parametrize("raw", ["", None])
def test_parse_decimal_reads_nothing_given_as_required(raw):  # a JSON null is not “None”, a number it is not
    value, problem = parse_decimal(raw, "quantity")
    assert value is None and problem.code == "required"


def test_quantity_scale_per_unit():
    assert [p.code for p in check_quantity(Decimal("1.5"), 0, "q")] == ["too_many_decimals"]
    assert check_quantity(Decimal("1.125"), 3, "q") == []
    assert [p.code for p in check_quantity(Decimal("-1"), 3, "q")] == ["quantity_not_positive"]


def test_units_round_trip_exactly():
    for q in ["0.00001", "123456789.12345", "0.1", "3"]:
        assert from_units(to_units(Decimal(q))) == Decimal(q)
    with pytest.raises(ValueError):
        to_units(Decimal("0.000001"))


BOOK = BookInfo("T0110W000001", "T", date(2020, 1, 1), date(2030, 1, 1))
ITEMS = {1: ItemInfo(1, "I", ("007",)), 2: ItemInfo(2, "I", ("035",))}


def test_valid_list():
    validated, problems = validate_list(
        {"direction": "I", "trade_mode": "5034", "lines": [{"item_no": 1, "quantity": "3", "unit": "007"}]}, BOOK, ITEMS
    )
    assert problems == []
    header, lines = validated
    assert header.direction.value == "I" and lines[0].quantity == Decimal(3) and lines[0].goods_status == "bonded"


@pytest.mark.parametrize(
    "line, field, code",
    [
        ({"item_no": 9, "quantity": "1", "unit": "007"}, "lines[1].item_no", "unknown_item"),
        ({"item_no": 1, "quantity": "-1", "unit": "007"}, "lines[1].quantity", "quantity_not_positive"),
        ({"item_no": 1, "quantity": "x", "unit": "007"}, "lines[1].quantity", "not_a_number"),
        ({"item_no": 1, "quantity": "1.5", "unit": "007"}, "lines[1].quantity", "too_many_decimals"),
        ({"item_no": 1, "quantity": "1", "unit": "035"}, "lines[1].unit", "wrong_unit"),
        ({"item_no": 1, "quantity": "1", "unit": "999"}, "lines[1].unit", "unknown_unit"),
        ({"item_no": 1, "quantity": "1", "unit": "007", "goods_status": "free"}, "lines[1].goods_status", "bad_choice"),
        ({"item_no": 1, "quantity": "1", "unit": "007", "value": "-2"}, "lines[1].value", "amount_negative"),
    ],
)
def test_bad_lines(line, field, code):
    _, problems = validate_list({"direction": "I", "trade_mode": "5034", "lines": [line]}, BOOK, ITEMS)
    assert (field, code) in [(p.field, p.code) for p in problems]


@pytest.mark.parametrize(
    "header, field, code",
    [
        ({"direction": "X"}, "direction", "bad_choice"),
        ({"trade_mode": "0000"}, "trade_mode", "unknown_trade_mode"),
        ({"trade_mode": "5100"}, "trade_mode", "trade_mode_not_for_book"),
        ({"list_type": "2"}, "list_type", "bad_choice"),
        ({"declaration_no": "12345"}, "declaration_no", "bad_code"),
        ({"lines": []}, "lines", "no_lines"),
    ],
)
def test_bad_headers(header, field, code):
    data = {"direction": "I", "trade_mode": "5034", "lines": [{"item_no": 1, "quantity": "1", "unit": "007"}], **header}
    _, problems = validate_list(data, BOOK, ITEMS)
    assert (field, code) in [(p.field, p.code) for p in problems]


@pytest.mark.parametrize("hs", ["847130000", "84713000001", "84713A0000", ""])
def test_item_hs_code_must_be_ten_digits(hs):
    _, problems = validate_item({"item_no": 1, "hs_code": hs, "name_zh": "x", "declared_unit": "007", "legal_unit": "007"})
    assert "bad_hs_code" in [p.code for p in problems]


# The ledger decides the common case with net_if_covered on integer units and runs check only to name
# short lines: the two must agree on every input.
_keys = st.sampled_from([K1, K2, AccountKey(3, "non_bonded", "007")])


@given(
    moves=st.lists(st.tuples(_keys, st.integers(-50, 50).filter(bool)), max_size=12),
    posted=st.dictionaries(_keys, st.integers(0, 60)),
    reserved_share=st.integers(0, 100),
)
@settings(max_examples=300, deadline=None)
def test_net_if_covered_agrees_with_check(moves, posted, reserved_share):
    reserved = {k: p * reserved_share // 100 for k, p in posted.items()}
    net, problems = check([Movement(i + 1, k, Decimal(d)) for i, (k, d) in enumerate(moves)],
                          {k: Balance(Decimal(p), Decimal(reserved[k])) for k, p in posted.items()})
    fast = net_if_covered(moves, {k: p - reserved[k] for k, p in posted.items()})
    if problems:
        assert fast is None
    else:
        assert fast == {k: int(d) for k, d in net.items()}
