"""A list line keeps the goods as declared (INV101 表体: 料号, HS, names, 规格型号, units): a later 备案变更 of the
item changes neither the list page nor the API; a list written after the change declares the new description."""

from __future__ import annotations

import io
from importlib import import_module

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from bondzone.supervision import imports, services
from bondzone.supervision.models import VerificationListLine
from tests.conftest import PASSWORD, key, post_list

OLD = ("商品2", "8471300002")
NEW = {"name_zh": "铜板", "name_en": "Copper plate", "spec": "T2 1mm", "hs_code": "7409110000", "part_no": "CU-1"}


def client_of(user: str, language: str = "zh-hans") -> Client:
    c = Client(HTTP_ACCEPT_LANGUAGE=language)
    assert c.login(username=user, password=PASSWORD)
    return c


def change_item_2(world) -> None:
    services.change_item(actor=world.actor("customs"), book_id=world.book_a.pk, item_no=2, data=NEW,
                         idempotency_key=key())


def declared(vlist) -> list[tuple[str, str, str, str, str]]:
    return list(VerificationListLine.objects.filter(vlist=vlist).order_by("seq")
                .values_list("name_zh", "hs_code", "spec", "part_no", "legal_unit"))


def draft(world, item_no: int = 2, quantity: str = "5", lines: int = 1):
    data = {"direction": "I", "trade_mode": "5034",
            "lines": [{"item_no": item_no, "quantity": quantity, "unit": "035", "goods_status": "bonded",
                       "value": "1.00"}] * lines}
    return services.create_list(actor=world.actor("ent_a"), book_id=world.book_a.pk, data=data, idempotency_key=key())


def test_an_item_change_leaves_the_list_page_and_api_as_declared_and_a_new_list_takes_the_new(world):
    old_list = post_list(world, direction="I", lines=[(2, "10")])
    assert declared(old_list) == [(*OLD, "", "", "035")]
    change_item_2(world)

    page = client_of("ent_a").get(f"/supervision/lists/{old_list.pk}/").content.decode()
    assert "商品2" in page and "HS 8471300002" in page and "铜板" not in page and "7409110000" not in page
    line = client_of("ent_a").get(f"/api/v1/lists/{old_list.pk}").json()["lines"][0]
    assert (line["name_zh"], line["hs_code"], line["spec"], line["part_no"], line["item_no"]) == (*OLD, "", "", 2)

    new_list = draft(world)
    assert declared(new_list) == [("铜板", "7409110000", "T2 1mm", "CU-1", "035")]
    page = client_of("ent_a", "en").get(f"/supervision/lists/{new_list.pk}/").content.decode()
    assert "Copper plate" in page and "T2 1mm" in page and "HS 7409110000" in page
    line = client_of("ent_a").get(f"/api/v1/lists/{new_list.pk}").json()["lines"][0]
    assert (line["name_zh"], line["name_en"], line["hs_code"]) == ("铜板", "Copper plate", "7409110000")


def test_a_corrected_draft_declares_the_item_as_it_is_at_the_correction(world):
    vlist = draft(world)
    change_item_2(world)
    assert declared(vlist)[0][:2] == OLD
    services.correct_list(actor=world.actor("ent_a"), list_id=vlist.pk, idempotency_key=key(), data={
        "direction": "I", "trade_mode": "5034",
        "lines": [{"item_no": 2, "quantity": "6", "unit": "035", "goods_status": "bonded", "value": "1.00"}]})
    assert declared(vlist)[0][:2] == ("铜板", "7409110000")


def test_an_imported_list_declares_its_items(world):
    stream = io.BytesIO(b"inner_no,direction,trade_mode,item_no,quantity,unit\nC-1,I,5034,3,1,011\n")
    [list_id] = imports.import_lists(actor=world.actor("ent_a"), book_id=world.book_a.pk, stream=stream, fmt="csv",
                                     idempotency_key=key())
    assert VerificationListLine.objects.get(vlist_id=list_id).name_zh == "商品3"
    assert VerificationListLine.objects.get(vlist_id=list_id).hs_code == "8471300003"


def test_a_counter_list_declares_what_the_list_it_undoes_declared(world):
    original = post_list(world, direction="I", lines=[(2, "10")])
    change_item_2(world)
    counter = services.reverse_list(actor=world.actor("customs"), list_id=original.pk, reason="undo",
                                    idempotency_key=key())
    assert counter.pk != original.pk and declared(counter) == declared(original) == [(*OLD, "", "", "035")]


def test_the_description_costs_no_query_per_line(world):
    def statements(lines: int) -> int:
        with CaptureQueriesContext(connection) as ctx:
            draft(world, lines=lines)
        return len(ctx.captured_queries)

    draft(world)  # the first list of a process reads what it caches
    assert statements(1) == statements(30)


def test_the_migration_fills_earlier_lines_from_the_item_as_it_is_now(world):
    vlist = post_list(world, direction="I", lines=[(2, "10"), (3, "1")])
    VerificationListLine.objects.filter(vlist=vlist).update(name_zh="", hs_code="", legal_unit="")
    change_item_2(world)
    with connection.cursor() as cur:
        cur.execute(import_module("bondzone.supervision.migrations.0013_line_declared_goods").BACKFILL)
    assert declared(vlist) == [("铜板", "7409110000", "T2 1mm", "CU-1", "035"), ("商品3", "8471300003", "", "", "035")]
