"""The trade-mode rule table (docs/domain-customs.md §1.3, §2.6, §2.7, §4.1): what each 监管方式 allows,
through the pure domain, and through the API and the import, where a refusal writes nothing."""

from __future__ import annotations

import csv
import io
import json
import uuid
from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from django.test import Client
from django.utils import timezone
from django.utils.translation import override

from bondzone.core.messages import MESSAGES, render
from bondzone.supervision.domain import trade_modes
from bondzone.supervision.domain.codes import LIST_TYPES, TRADE_MODES
from bondzone.supervision.domain.trade_modes import RULES, Crossing
from bondzone.supervision.domain.validation import BookInfo, ItemInfo, validate_list

from ..conftest import PASSWORD
from .test_api import snapshot

T_BOOK = BookInfo("T0110W000001", "T", date(2020, 1, 1), date(2030, 1, 1))
H_BOOK = BookInfo("H01101000001", "H", date(2020, 1, 1), date(2030, 1, 1), processing_kind="imported")
ITEMS = {1: ItemInfo(1, "I", ("007",)), 2: ItemInfo(2, "E", ("007",)),
         3: ItemInfo(3, "I", ("007",), leftover="scrap"), 4: ItemInfo(4, "E", ("007",), leftover="defective"),
         5: ItemInfo(5, "I", ("007",), leftover="by_product")}


def listing(mode, direction, list_type="0", item_kind="I", statuses=("bonded",), item=None):
    item = item or (1 if item_kind == "I" else 2)
    return {"direction": direction, "trade_mode": mode, "list_type": list_type, "item_kind": item_kind,
            "lines": [{"item_no": item, "quantity": "1", "unit": "007", "goods_status": s} for s in statuses]}


# (case, book, list data, the (field, code) refused, or None when allowed)
CASES = [
    # the refusals the issue lists
    ("5335 is inbound only", T_BOOK, listing("5335", "E"), ("direction", "trade_mode_direction")),
    ("5361 is outbound only", T_BOOK, listing("5361", "I"), ("direction", "trade_mode_direction")),
    ("0664 re-exports: outbound only", H_BOOK, listing("0664", "I"), ("direction", "trade_mode_direction")),
    ("0844 sells leftovers out: outbound only", H_BOOK, listing("0844", "I"), ("direction", "trade_mode_direction")),
    ("5100 moves finished goods, not materials", H_BOOK, listing("5100", "E", item_kind="I"),
     ("item_kind", "trade_mode_item_kind")),
    ("1210 enters bonded only", T_BOOK, listing("1210", "I", statuses=("bonded", "non_bonded")),
     ("lines[2].goods_status", "trade_mode_goods_status")),
    ("list type 8 is for CBEC, not 5034", T_BOOK, listing("5034", "E", list_type="8"),
     ("list_type", "trade_mode_list_type")),
    ("1210 is no in-zone transfer (6)", T_BOOK, listing("1210", "E", list_type="6"),
     ("list_type", "trade_mode_list_type")),
    # book kinds (§2.2 prefix rules)
    ("5100 is for processing books", T_BOOK, listing("5100", "E"),
     ("trade_mode", "trade_mode_not_for_book")),
    ("1210 is for logistics books", H_BOOK, listing("1210", "I"), ("trade_mode", "trade_mode_not_for_book")),
    ("5015 is for processing books", T_BOOK, listing("5015", "I"), ("trade_mode", "trade_mode_not_for_book")),
    # modes that are known but never on a zone book's list
    ("0110 is the domestic party's declaration", T_BOOK, listing("0110", "I"),
     ("trade_mode", "trade_mode_not_for_zone_book")),
    ("9800 is a tax-only declaration", T_BOOK, listing("9800", "E"), ("trade_mode", "trade_mode_not_for_zone_book")),
    ("1233 belongs to bonded warehouses", T_BOOK, listing("1233", "I"),
     ("trade_mode", "trade_mode_not_for_zone_book")),
    # other refusals the table implies
    ("5034 from abroad is bonded", T_BOOK, listing("5034", "I", statuses=("non_bonded",)),
     ("lines[1].goods_status", "trade_mode_goods_status")),
    ("5000 brings domestic goods in non-bonded", T_BOOK, listing("5000", "I", statuses=("bonded",)),
     ("lines[1].goods_status", "trade_mode_goods_status")),
    ("5015 exports finished goods, materials leave as 0664", H_BOOK, listing("5015", "E", item_kind="I"),
     ("item_kind", "trade_mode_item_kind")),
    ("先入区后报关 (3) is a first-line entry", T_BOOK, listing("5000", "I", list_type="3", statuses=("non_bonded",)),
     ("list_type", "trade_mode_list_type")),
    ("9700 writes off, it brings nothing in", H_BOOK, listing("9700", "I"), ("direction", "trade_mode_direction")),
    # allowed
    ("5034 in, bonded", T_BOOK, listing("5034", "I"), None),
    ("5034 in, 先入区后报关", T_BOOK, listing("5034", "I", list_type="3"), None),
    ("5034 in-zone transfer", T_BOOK, listing("5034", "E", list_type="6"), None),
    ("5034 on a processing book", H_BOOK, listing("5034", "I"), None),
    ("5000 domestic goods in", T_BOOK, listing("5000", "I", statuses=("non_bonded", "duty_paid")), None),
    ("5000 goods out in any status", T_BOOK, listing("5000", "E", statuses=("bonded", "non_bonded")), None),
    ("5100 finished goods sold out", H_BOOK, listing("5100", "E", item_kind="E"), None),
    ("5100 一纳成品内销 (9)", H_BOOK, listing("5100", "E", list_type="9", item_kind="E"), None),
    ("5015 materials in", H_BOOK, listing("5015", "I"), None),
    ("5015 finished goods out", H_BOOK, listing("5015", "E", item_kind="E"), None),
    ("1210 retail out on list type 8", T_BOOK, listing("1210", "E", list_type="8"), None),
    ("1239 in", T_BOOK, listing("1239", "I"), None),
    ("5335 in", T_BOOK, listing("5335", "I"), None),
    ("5361 out", T_BOOK, listing("5361", "E"), None),
    ("0664 out", H_BOOK, listing("0664", "E"), None),
    ("0844 scrap out", H_BOOK, listing("0844", "E", item=3), None),
    # leftovers (边角料 / 副产品 / 残次品) leave a processing book only by their own modes
    ("0844 takes scrap, not ordinary materials", H_BOOK, listing("0844", "E"),
     ("lines[1].item_no", "trade_mode_leftover_only")),
    ("0864 by-product re-exported", H_BOOK, listing("0864", "E", item=5), None),
    ("5200 scrap taken out", H_BOOK, listing("5200", "E", item=3), None),
    ("5200 on a logistics book is not about leftovers", T_BOOK, listing("5200", "E"), None),
    ("0664 re-exports materials, not scrap", H_BOOK, listing("0664", "E", item=3),
     ("lines[1].item_no", "trade_mode_not_for_leftover")),
    ("5000 does not take a by-product out", H_BOOK, listing("5000", "E", item=5),
     ("lines[1].item_no", "trade_mode_not_for_leftover")),
    ("5100 sells defective goods at their state", H_BOOK, listing("5100", "E", item_kind="E", item=4), None),
    ("0400 destroys defective goods", H_BOOK, listing("0400", "E", item_kind="E", item=4), None),
    ("1200 does not move defective goods", H_BOOK, listing("1200", "E", item_kind="E", item=4),
     ("lines[1].item_no", "trade_mode_not_for_leftover")),
    ("scrap does not come in by a list", H_BOOK, listing("5015", "I", item=3),
     ("lines[1].item_no", "trade_mode_leftover_inbound")),
    ("9700 write-off", H_BOOK, listing("9700", "E", item_kind="E"), None),
    ("1523 lease out", T_BOOK, listing("1523", "E"), None),
    ("2600 temporary admission", T_BOOK, listing("2600", "I", statuses=("non_bonded",)), None),
]


@pytest.mark.parametrize("case, book, data, refused", CASES, ids=[c[0] for c in CASES])
def test_rule_table(case, book, data, refused):
    validated, problems = validate_list(data, book, ITEMS)
    if refused is None:
        assert problems == [] and validated is not None
    else:
        # the first problem is the rule's; a mode on the wrong book may break its item kind too
        assert validated is None and (problems[0].field, problems[0].code) == refused
        assert all(p.code.startswith("trade_mode_") for p in problems)
        assert problems[0].params["rule"] == f"trade_mode_use_{data['trade_mode']}"


PASSAGE = [
    ("5034", "I", "0", True, Crossing.FIRST_LINE),
    ("5034", "E", "6", False, Crossing.IN_ZONE),  # 区内流转 crosses no fence
    ("5034", "I", "4", False, Crossing.IN_ZONE),  # 简单加工 in a logistics book
    ("5000", "I", "0", True, Crossing.SECOND_LINE),
    ("5000", "E", "1", False, Crossing.SECOND_LINE),  # 集报: the goods passed before the list
    ("1210", "E", "8", False, Crossing.SECOND_LINE),
    ("1200", "E", "0", True, Crossing.INTER_ZONE),
    ("5335", "I", "3", True, Crossing.FIRST_LINE),
    ("9700", "E", "0", False, Crossing.NONE),  # a write-off moves no goods
    ("0200", "E", "0", False, Crossing.NONE),
    ("0000", "I", "0", True, Crossing.NONE),  # unknown: the safe side (validation refuses it anyway)
]


@pytest.mark.parametrize("mode, direction, list_type, passage, crossing", PASSAGE)
def test_passage_and_crossing(mode, direction, list_type, passage, crossing):
    header = SimpleNamespace(trade_mode=mode, direction=direction, list_type=list_type)
    assert trade_modes.needs_passage(header) is passage
    assert trade_modes.crossing(mode, list_type, direction) is crossing


def test_table_is_consistent_with_the_code_tables():
    for (code, direction), rule in RULES.items():
        assert code in TRADE_MODES and rule.direction is direction
        assert rule.list_types <= set(LIST_TYPES) and rule.book_kinds and rule.item_kinds and rule.statuses
    for code in TRADE_MODES:
        assert f"trade_mode_use_{code}" in MESSAGES
    for code in ("1239", "1300", "1500", "1523", "2600", "9700", "9800"):
        assert code in TRADE_MODES


def test_refusal_names_the_rule_in_both_languages():
    _, [p] = validate_list(listing("5335", "E"), T_BOOK, ITEMS)
    with override("en"):
        en = render(p)
    with override("zh-hans"):
        zh = render(p)
    assert "5335" in en and "inbound only" in en and "5361" in en
    assert "5335" in zh and "只能进口" in zh


# ---------------------------------------------------------------- through the API and the import
@pytest.fixture
def h_book(world):
    from bondzone.supervision import services

    today = timezone.localdate()
    book = services.create_book(actor=world.actor("customs"), enterprise_id=world.ent_a.pk, number="H01101000001",
                                kind="H", valid_from=today - timedelta(days=30), valid_until=today + timedelta(days=300),
                                processing_kind="imported")
    for item_no, kind in ((1, "I"), (2, "E")):
        services.add_item(actor=world.actor("customs"), book_id=book.pk, data={
            "item_no": item_no, "hs_code": "8803300000", "name_zh": f"零件{item_no}", "kind": kind,
            "declared_unit": "007", "legal_unit": "007"})
    return book


def _post(body, lang="en"):
    c = Client()
    assert c.login(username="ent_a", password=PASSWORD)
    return c.post("/api/v1/lists", json.dumps(body), content_type="application/json",
                  HTTP_IDEMPOTENCY_KEY=uuid.uuid4().hex, HTTP_ACCEPT_LANGUAGE=lang)


API_CASES = [
    ("t", listing("5335", "E"), "direction"),
    ("t", listing("5361", "I"), "direction"),
    ("h", listing("0664", "I"), "direction"),
    ("h", listing("0844", "I"), "direction"),
    ("h", listing("5100", "E", item_kind="I"), "item_kind"),
    ("t", listing("1210", "I", statuses=("non_bonded",)), "lines[1].goods_status"),
    ("t", listing("5034", "E", list_type="8"), "list_type"),
    ("t", listing("1210", "E", list_type="6"), "list_type"),
]


@pytest.mark.parametrize("book, data, field", API_CASES)
def test_api_refuses_and_writes_nothing(world, h_book, book, data, field):
    body = {"book_id": world.book_a.pk if book == "t" else h_book.pk, **data}
    before = snapshot()
    r = _post(body)
    assert r.status_code == 400, r.content
    [err] = r.json()["errors"]
    assert err["field"] == field and err["code"].startswith("trade_mode_") and data["trade_mode"] in err["message"]
    assert snapshot() == before


def test_api_accepts_what_the_rule_allows(world, h_book):
    r = _post({"book_id": h_book.pk, **listing("5100", "E", item_kind="E")})
    assert r.status_code == 201, r.content
    r = _post({"book_id": world.book_a.pk, **listing("1210", "E", list_type="8")})
    assert r.status_code == 201, r.content


def test_import_refuses_a_rule_break_on_its_row(world):
    from .test_api import upload

    rows = [{"inner_no": "ERP-1", "direction": "I", "trade_mode": "5034", "item_no": 1, "quantity": "5", "unit": "007",
             "goods_status": "bonded"},
            {"inner_no": "ERP-1", "direction": "I", "trade_mode": "5034", "item_no": 2, "quantity": "5", "unit": "035",
             "goods_status": "non_bonded"},
            {"inner_no": "ERP-2", "direction": "I", "trade_mode": "5361", "item_no": 1, "quantity": "1", "unit": "007",
             "goods_status": "bonded"}]
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(rows[0]))
    w.writeheader()
    w.writerows(rows)
    c = Client()
    assert c.login(username="ent_a", password=PASSWORD)
    before = snapshot()
    r = upload(c, world, "lists.csv", buf.getvalue().encode(), HTTP_ACCEPT_LANGUAGE="en")
    assert r.status_code == 400, r.content
    messages = [e["message"] for e in r.json()["errors"]]
    assert any(m.startswith("row 3, goods_status") and "5034" in m for m in messages), messages
    assert any(m.startswith("row 4, direction") and "5361" in m for m in messages), messages
    assert snapshot() == before


def test_demo_data_follows_the_rules(db):
    import random

    from bondzone.core import demo as core_demo
    from bondzone.supervision import demo, services
    from bondzone.supervision.models import VerificationList

    rng = random.Random(7)
    world = core_demo.load(rng)
    demo.load(rng, world["enterprises"], timezone.localdate(), lists_per_enterprise=12)
    lists = list(VerificationList.objects.select_related("book").prefetch_related("lines"))
    assert lists
    for v in lists:
        assert trade_modes.check(v, list(v.lines.all()), services.book_info(v.book)) == [], (
            v.number, v.trade_mode, v.direction)
    first_line_non_bonded = [(v.trade_mode, ln.goods_status) for v in lists for ln in v.lines.all()
                             if ln.goods_status != "bonded"
                             and trade_modes.crossing(v.trade_mode, v.list_type, v.direction) is Crossing.FIRST_LINE]
    assert first_line_non_bonded == []
    assert not any(v.trade_mode == "5100" and v.item_kind == "I" for v in lists)
    assert {v.trade_mode for v in lists if v.book.kind == "H" and v.direction == "E"} <= {"0664", "5000"}
    assert any(v.trade_mode == "5000" and v.direction == "I" for v in lists)  # domestic goods do come in


def test_the_list_form_offers_only_modes_a_zone_book_takes(world):
    c = Client()
    assert c.login(username="ent_a", password=PASSWORD)
    html = c.get("/supervision/lists/new/").content.decode()
    assert 'value="5034"' in html and 'value="5335"' in html
    assert 'value="0110"' not in html and 'value="9800"' not in html
