"""Processing trade's pure rules: BOM validation and versions, production plans, stock-take, write-off fold."""

from datetime import date
from decimal import Decimal as D

import pytest

from bondzone.processing.domain.bom import Bom, BomLine, BookItemFacts, bom_on, consumption, overlapping, validate_bom
from bondzone.processing.domain.production import plan_production
from bondzone.processing.domain.stocktake import BookBalance, assess
from bondzone.processing.domain.writeoff import Flow, FlowSum, fold

ITEMS = {
    1: BookItemFacts(1, "I", "035", D("10")),  # copper, kg
    2: BookItemFacts(2, "I", "007", D("2")),  # screws
    10: BookItemFacts(10, "E", "007", D("500")),  # motor
    11: BookItemFacts(11, "I", "035", D("1"), "scrap"),  # copper scrap (边角料, a material item of its own)
    12: BookItemFacts(12, "E", "007", D("100"), "defective", 10),  # defective motors (残次品 of item 10)
    13: BookItemFacts(13, "I", "035", D("1"), "by_product"),  # copper slag (副产品)
}
BOM = Bom(10, "V1", date(2026, 1, 1), None, (BomLine(1, D("1.8"), D("10")), BomLine(2, D("4"), D("0"))))


def codes(problems):
    return [(p.field, p.code) for p in problems]


def test_gross_consumption_is_net_over_one_minus_loss():
    assert BomLine(1, D("1.8"), D("10")).gross == D("2")
    assert consumption(BOM, D("3")) == {1: D("6.00000"), 2: D("12.00000")}
    third = Bom(10, "V2", date(2026, 1, 1), None, (BomLine(1, D("1"), D("66.6")),))
    assert consumption(third, D("1")) == {1: D("2.99401")}  # 1 / 0.334, rounded half-up to 10⁻⁵


def test_valid_bom_is_a_declared_draft():
    bom, problems = validate_bom({"finished_no": 10, "version": "V1", "valid_from": "2026-01-01",
                                  "lines": [{"material_no": 1, "net": "1.8", "loss_pct": "10"},
                                            {"material_no": 2, "net": "4"}]}, ITEMS)
    assert problems == [] and bom.approved is False and bom.lines[1].loss_pct == 0


@pytest.mark.parametrize("loss", ["100", "-0.1", "150"])
def test_loss_rate_must_be_at_least_zero_and_below_100(loss):
    _, problems = validate_bom({"finished_no": 10, "version": "V1", "valid_from": "2026-01-01",
                                "lines": [{"material_no": 1, "net": "1", "loss_pct": loss}]}, ITEMS)
    assert codes(problems) == [("lines[1].loss_pct", "loss_rate_out_of_range")]


def test_bom_problems_are_each_named():
    _, problems = validate_bom({"finished_no": 1, "version": "", "valid_from": "2026-02-01",
                                "valid_until": "2026-01-01",
                                "lines": [{"material_no": 10, "net": "1"}, {"material_no": 99, "net": "0"},
                                          {"material_no": 2, "net": "0.000001"}, {"material_no": 2, "net": "1"}]},
                              ITEMS)
    assert codes(problems) == [
        ("finished_no", "bom_needs_finished_item"), ("version", "required"), ("valid_until", "end_before_start"),
        ("lines[1].material_no", "bom_needs_material"), ("lines[2].material_no", "unknown_item"),
        ("lines[2].net", "quantity_not_positive"), ("lines[3].net", "too_many_decimals"),
        ("lines[4].material_no", "duplicate_value"),
    ]
    _, problems = validate_bom({"finished_no": 10, "version": "V1", "valid_from": "x", "lines": []}, ITEMS)
    assert codes(problems) == [("valid_from", "bad_date"), ("lines", "bom_no_lines")]


def test_versions_by_date_and_overlap():
    v2 = Bom(10, "V2", date(2026, 6, 1), None, BOM.lines)
    v1 = Bom(10, "V1", date(2026, 1, 1), date(2026, 5, 31), BOM.lines)
    draft = Bom(10, "V3", date(2026, 7, 1), None, BOM.lines, approved=False)
    assert bom_on([v1, v2, draft], 10, date(2026, 3, 1)).version == "V1"
    assert bom_on([v1, v2, draft], 10, date(2026, 8, 1)).version == "V2"
    assert bom_on([v1, v2], 10, date(2025, 12, 31)) is None
    assert overlapping(Bom(10, "V4", date(2026, 5, 1), date(2026, 5, 10), ()), [v1]).version == "V1"
    assert overlapping(Bom(10, "V4", date(2025, 1, 1), date(2025, 12, 31), ()), [v1, v2]) is None


def test_production_consumes_through_the_bom_and_books_outputs_separately():
    data = {"outputs": [{"item_no": 10, "quantity": "3"}, {"item_no": 12, "kind": "defective", "quantity": "1"},
                        {"item_no": 11, "kind": "scrap", "quantity": "0.8"}]}
    plan, problems = plan_production(data, day=date(2026, 3, 1), items=ITEMS, boms=[BOM],
                                     available={1: D("100"), 2: D("100")})
    assert problems == []
    assert plan.consumed == {1: D("8"), 2: D("16")}
    assert [(m.line, m.item_no, m.quantity) for m in plan.movements] == [
        (1, 10, D("3")), (2, 12, D("1")), (3, 11, D("0.8")), (4, 1, D("-8")), (5, 2, D("-16"))]
    assert [(o.item_no, o.bom_item_no) for o in plan.outputs] == [(10, 10), (12, 10), (11, None)]


@pytest.mark.parametrize("output, refused", [
    # defective goods go to the item recorded for them, never into the finished item's good stock
    ({"item_no": 10, "kind": "defective"}, ("output_needs_leftover_item", "12")),
    # scrap goes to a scrap (material) item: not to a finished item, nor to the ordinary material
    ({"item_no": 10, "kind": "scrap"}, ("output_needs_leftover_item", "11")),
    ({"item_no": 1, "kind": "scrap"}, ("output_needs_leftover_item", "11")),
    ({"item_no": 12, "kind": "scrap"}, ("output_needs_leftover_item", "11")),
    ({"item_no": 11, "kind": "by_product"}, ("output_needs_leftover_item", "13")),
    ({"item_no": 13, "kind": "scrap"}, ("output_needs_leftover_item", "11")),
    # and the good stock takes no defective goods item as finished goods
    ({"item_no": 12}, ("output_item_is_leftover", None)),
])
def test_outputs_book_only_to_the_items_recorded_for_them(output, refused):
    plan, problems = plan_production({"outputs": [{"quantity": "1", **output}]}, day=date(2026, 3, 1), items=ITEMS,
                                     boms=[BOM], available={1: D("100"), 2: D("100")})
    assert plan is None and codes(problems) == [("outputs[1].item_no", refused[0])]
    if refused[1] is not None:
        assert problems[0].params["allowed"] == refused[1]


def test_defective_goods_consume_through_the_bom_of_their_finished_item():
    plan, problems = plan_production({"outputs": [{"item_no": 12, "kind": "defective", "quantity": "2"},
                                                  {"item_no": 13, "kind": "by_product", "quantity": "0.5"}]},
                                     day=date(2026, 3, 1), items=ITEMS, boms=[BOM], available={1: D("100"), 2: D("100")})
    assert problems == []
    assert plan.consumed == {1: D("4"), 2: D("8")}
    assert [(m.item_no, m.quantity) for m in plan.movements] == [(12, D("2")), (13, D("0.5")), (1, D("-4")), (2, D("-8"))]
    _, problems = plan_production({"outputs": [{"item_no": 12, "kind": "defective", "quantity": "2"}]},
                                  day=date(2025, 3, 1), items=ITEMS, boms=[BOM], available={})
    assert codes(problems) == [("outputs[1].item_no", "no_bom_in_force")] and problems[0].params["item"] == 10


def test_production_refuses_more_than_the_book_holds_and_outputs_without_bom():
    data = {"outputs": [{"item_no": 10, "quantity": "10"}]}
    _, problems = plan_production(data, day=date(2026, 3, 1), items=ITEMS, boms=[BOM], available={1: D("5"), 2: D("40")})
    assert codes(problems) == [("outputs", "consumption_exceeds_stock")]
    assert problems[0].params == {"item": 1, "required": D("20.00000"), "available": D("5"), "shortfall": D("15.00000")}
    _, problems = plan_production(data, day=date(2025, 3, 1), items=ITEMS, boms=[BOM], available={})
    assert codes(problems) == [("outputs[1].item_no", "no_bom_in_force")]
    _, problems = plan_production({"outputs": [{"item_no": 1, "quantity": "1"}, {"item_no": 10, "quantity": "-1"},
                                               {"item_no": 10, "kind": "waste", "quantity": "1"}]},
                                  day=date(2026, 3, 1), items=ITEMS, boms=[BOM], available={})
    assert codes(problems) == [("outputs[1].item_no", "bom_needs_finished_item"),
                               ("outputs[2].quantity", "quantity_not_positive"), ("outputs[3].kind", "bad_choice")]


BOOK = {(1, "bonded"): BookBalance(D("100"), D("10")), (2, "bonded"): BookBalance(D("50"), D("2")),
        (10, "bonded"): BookBalance(D("0"), D("500"))}


def test_stocktake_splits_adjustments_and_cases_with_values():
    result, problems = assess([{"item_no": 1, "counted": "99"}, {"item_no": 2, "counted": "40"},
                               {"item_no": 10, "counted": "0"}], BOOK, D("2"))
    assert problems == []
    assert [(r.item_no, r.difference, r.value) for r in result.rows] == [
        (1, D("-1"), D("-10.00")), (2, D("-10"), D("-20.00")), (10, D("0"), D("0.00"))]
    assert [r.item_no for r in result.adjust] == [1] and [r.item_no for r in result.case] == [2]


def test_stocktake_refuses_counts_not_in_the_book():
    _, problems = assess([{"item_no": 7, "counted": "1"}, {"item_no": 1, "goods_status": "duty_paid", "counted": "1"},
                          {"item_no": 1, "counted": "-1"}, {"item_no": 2, "counted": "x"}], BOOK, D("2"))
    assert codes(problems) == [("counts[1].item_no", "count_not_in_book"), ("counts[2].item_no", "count_not_in_book"),
                               ("counts[3].counted", "count_negative"), ("counts[4].counted", "not_a_number")]


def test_stock_appearing_where_the_book_holds_none_is_always_a_case():
    result, _ = assess([{"item_no": 10, "counted": "1"}], BOOK, D("50"))
    assert result.case and not result.adjust


def test_writeoff_fold_balances_and_flags_explained_differences():
    opening = {(1, "bonded"): D("100"), (10, "bonded"): D("5")}
    sums = [FlowSum((1, "bonded"), Flow.IN, D("50")), FlowSum((1, "bonded"), Flow.CONSUMED, D("-60")),
            FlowSum((1, "bonded"), Flow.OUT, D("-10")), FlowSum((10, "bonded"), Flow.PRODUCED, D("30")),
            FlowSum((10, "bonded"), Flow.OUT, D("-20")), FlowSum((1, "bonded"), Flow.OTHER, D("-1"))]
    closing = {(1, "bonded"): D("79"), (10, "bonded"): D("15")}
    rows = fold(opening, sums, closing, {(1, "bonded"): ["stocktake:3", "stocktake:3"]})
    r1, r10 = rows
    assert (r1.computed_closing, r1.difference, r1.explained_by) == (D("80"), D("-1"), ["stocktake:3"])
    assert (r10.computed_closing, r10.difference, r10.explained_by) == (D("15"), D("0"), [])
    assert r1.as_dict()["out"] == "10" and r1.as_dict()["consumed"] == "60"
