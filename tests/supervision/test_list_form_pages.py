"""The list form (create and edit) shows a refusal where it belongs; a draft is edited and copied on the pages;
deleting a draft and approving a list ask first."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.test import Client

from bondzone.core.models import AuditEvent
from bondzone.supervision import services
from bondzone.supervision.models import VerificationList

from ..conftest import PASSWORD, key


def client_for(username: str) -> Client:
    c = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert c.login(username=username, password=PASSWORD)
    return c


def draft(world, lines=(("1", "3"),), remarks="原备注"):
    return services.create_list(actor=world.actor("ent_a"), book_id=world.book_a.pk, idempotency_key=key(), data={
        "direction": "I", "trade_mode": "5034", "remarks": remarks,
        "lines": [{"item_no": i, "quantity": q, "unit": "007", "value": "10.00", "unit_price": "3.3300",
                   "origin_country": "502"} for i, q in lines]})


def form_post(book_id, lines, **header):
    return {"idempotency_key": key(), "book_id": book_id, "direction": "I", "trade_mode": "5034", "list_type": "0",
            **header,
            "line-item_no": [i for i, _ in lines], "line-quantity": [q for _, q in lines],
            "line-unit": ["007"] * len(lines), "line-value": ["1"] * len(lines),
            "line-currency": ["142"] * len(lines), "line-goods_status": ["bonded"] * len(lines)}


def row(page: str, n: int) -> str:
    return page.split('<tr class="line-row"')[n]


def cell_of(row_html: str, name: str) -> str:
    return next(td for td in row_html.split("<td>") if f'name="{name}"' in td)


def test_a_refused_line_shows_its_problem_in_its_cell_with_what_was_typed(world):
    r = client_for("ent_a").post("/supervision/lists/new/",
                                 form_post(world.book_a.pk, [("1", "3"), ("1", "abc")], remarks="备注一"))
    page = r.content.decode()
    assert r.status_code == 400
    assert not VerificationList.objects.exists()
    second = cell_of(row(page, 2), "line-quantity")
    assert re.search(r'name="line-quantity" value="abc"[^>]*aria-invalid="true"', second)
    assert 'data-field="lines[2].quantity"' in second and "不是数字" in second
    first = cell_of(row(page, 1), "line-quantity")
    assert 'value="3"' in first and "aria-invalid" not in first
    assert re.search(r'id="remarks" name="remarks" value="备注一"', page)
    assert "lines[2].quantity:" not in page and "未保存：请更正标出的字段。" in page


def test_a_problem_with_no_input_of_its_own_is_named_in_words_above_the_form(world):
    r = client_for("ent_a").post("/supervision/lists/new/", form_post(world.book_a.pk, []))
    errors = r.content.decode().split('data-testid="errors"', 1)[1].split("</div>", 1)[0]
    assert r.status_code == 400 and "lines:" not in errors and "<li>" in errors


def test_a_draft_is_edited_through_the_correction_service(world):
    vlist = draft(world)
    c = client_for("ent_a")
    form = c.get(f"/supervision/lists/{vlist.pk}/edit/").content.decode()
    assert 'name="line-origin_country" value="502"' in form and 'value="原备注"' in form and re.search(r'name="line-quantity" value="3(\.0+)?"', form)
    refused = c.post(f"/supervision/lists/{vlist.pk}/edit/", {**form_post("", [("1", "2"), ("99", "1")]),
                                                               "remarks": "新备注"})
    assert refused.status_code == 400
    assert 'data-field="lines[2].item_no"' in cell_of(row(refused.content.decode(), 2), "line-item_no")
    assert VerificationList.objects.get(pk=vlist.pk).remarks == "原备注"
    post = form_post("", [("1", "2")], remarks="新备注")
    post.update({"line-unit_price": ["3.3300"], "line-origin_country": ["502"]})  # the row's hidden inputs
    assert c.post(f"/supervision/lists/{vlist.pk}/edit/", post).status_code == 302
    vlist.refresh_from_db()
    line = vlist.lines.get()
    assert (vlist.remarks, line.quantity, line.unit_price, line.origin_country) == ("新备注", 2, Decimal("3.33"), "502")
    assert AuditEvent.objects.filter(action="list.correct").count() == 1


def test_only_a_draft_or_a_rejected_list_has_an_edit_page(world):
    vlist = draft(world)
    services.submit_list(actor=world.actor("ent_a"), list_id=vlist.pk, idempotency_key=key())
    r = client_for("ent_a").get(f"/supervision/lists/{vlist.pk}/edit/")
    assert r.status_code == 302 and r.url == f"/supervision/lists/{vlist.pk}/"


def test_a_draft_is_copied_into_a_new_draft_with_the_same_lines(world):
    vlist = draft(world, lines=(("1", "3"), ("1", "4")))
    c = client_for("ent_a")
    detail = c.get(f"/supervision/lists/{vlist.pk}/").content.decode()
    assert "复制为新草稿" in detail
    copy_key = re.search(r'action="/supervision/lists/\d+/copy/">.*?name="idempotency_key" value="(\w+)"',
                         detail).group(1)
    r = c.post(f"/supervision/lists/{vlist.pk}/copy/", {"idempotency_key": copy_key})
    copy = VerificationList.objects.exclude(pk=vlist.pk).get()
    assert r.status_code == 302 and r.url == f"/supervision/lists/{copy.pk}/"
    assert (copy.status, copy.book_id, copy.remarks) == ("draft", vlist.book_id, vlist.remarks)

    def lines(v):
        return [(ln.item_id, ln.quantity, ln.unit, ln.value, ln.unit_price, ln.origin_country) for ln in v.lines.order_by("seq")]

    assert lines(copy) == lines(vlist)
    assert AuditEvent.objects.filter(action="list.create").count() == 2
    c.post(f"/supervision/lists/{vlist.pk}/copy/", {"idempotency_key": copy_key})  # the same click again
    assert VerificationList.objects.count() == 2


def test_copy_is_refused_to_another_enterprise_and_to_a_role_that_declares_nothing(world):
    vlist = draft(world)
    assert client_for("ent_b").post(f"/supervision/lists/{vlist.pk}/copy/", {"idempotency_key": key()}).status_code == 404
    assert client_for("customs").post(f"/supervision/lists/{vlist.pk}/copy/", {"idempotency_key": key()}).status_code == 403
    assert client_for("ent_b").get(f"/supervision/lists/{vlist.pk}/edit/").status_code == 404
    assert VerificationList.objects.count() == 1


def test_deleting_a_draft_and_approving_a_list_ask_first(world):
    vlist = draft(world)
    detail = client_for("ent_a").get(f"/supervision/lists/{vlist.pk}/").content.decode()
    assert re.search(r'data-testid="delete-list" data-confirm="[^"]+"', detail)
    services.submit_list(actor=world.actor("ent_a"), list_id=vlist.pk, idempotency_key=key())
    detail = client_for("customs").get(f"/supervision/lists/{vlist.pk}/").content.decode()
    for testid in ("approve-list", "approve-and-next"):
        assert re.search(rf'data-testid="{testid}" data-confirm="[^"]*{vlist.display_number}[^"]*"', detail)
    assert "<script>" not in detail


def test_the_line_info_beside_each_line(world):
    """The grid's lookup: an item by record or part number, its three quantities through the factors, its
    stock per goods status, and a warning when an outbound line asks for more than is available."""
    from bondzone.supervision.models import BookItem

    from ..conftest import post_list

    BookItem.objects.filter(book=world.book_a, item_no=3).update(part_no="PN-3", legal_factor=Decimal("0.5"),
                                                                 spec="品牌 甲|型号 X1")
    post_list(world, direction="I", lines=[(3, "8")], unit_of={3: "011"})
    c = client_for("ent_a")

    def info(**params):
        return c.get("/supervision/lists/new/line-info/", {"book_id": world.book_a.pk, **params}).content.decode()

    by_part = info(**{"line-item_no": "PN-3", "line-quantity": "4", "line-unit": "035", "direction": "E"})
    assert "商品3" in by_part and "PN-3" in by_part and '<span data-testid="line-spec">品牌 甲|型号 X1</span>' in by_part
    # 4 kg at 0.5 kg per declared unit = 8 declared units; stock 8 available: exactly enough
    assert re.search(r"= 8 011", by_part) and "法定 4 035" in by_part and 'data-testid="line-short"' not in by_part
    # the unit choices are the item's own (declared 011, legal 035), the legal quantity is prefilled as saved
    choices = re.search(r"<template data-unit-choices>(.*?)</template>", by_part).group(1)
    assert re.findall(r'<option value="(\d+)"', choices) == ["011", "035"] and 'value="035" selected' in choices
    assert 'data-item-no="3"' in by_part and 'data-legal="4"' in by_part and 'data-second=""' in by_part
    # a unit the item does not have (chosen before the item was known) counts as its declared unit
    other_unit = info(**{"line-item_no": "3", "line-quantity": "3", "line-unit": "007", "direction": "I"})
    assert "= 3 011" in other_unit and 'data-legal="1.5"' in other_unit and 'value="011" selected' in other_unit
    short = info(**{"line-item_no": "3", "line-quantity": "4.5", "line-unit": "035", "direction": "E"})
    assert 'data-testid="line-short"' in short and "可用 8" in short
    # saved as a draft, the list's submit button asks before it goes to customs short
    short_draft = services.create_list(actor=world.actor("ent_a"), book_id=world.book_a.pk, idempotency_key=key(),
                                       data={"direction": "E", "trade_mode": "5034",
                                             "lines": [{"item_no": 3, "quantity": "9", "unit": "011"}]})
    detail = c.get(f"/supervision/lists/{short_draft.pk}/").content.decode()
    assert re.search(r'data-testid="submit-list" data-confirm="[^"]*仍要申报', detail)
    services.correct_list(actor=world.actor("ent_a"), list_id=short_draft.pk, idempotency_key=key(),
                          data={"direction": "E", "trade_mode": "5034",
                                "lines": [{"item_no": 3, "quantity": "8", "unit": "011"}]})
    detail = c.get(f"/supervision/lists/{short_draft.pk}/").content.decode()
    assert 'data-testid="submit-list">' in detail
    assert 'data-testid="line-short"' not in info(**{"line-item_no": "3", "line-quantity": "4.5", "line-unit": "035",
                                                      "direction": "I"})
    assert 'data-testid="line-info-unknown"' in info(**{"line-item_no": "99"})
    # the English page names the item in English, its recorded Chinese name beside it
    BookItem.objects.filter(book=world.book_a, item_no=3).update(name_en="Item three")
    english = c.get("/supervision/lists/new/line-info/", {"book_id": world.book_a.pk, "line-item_no": "3"},
                    HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert re.search(r"Item three <span[^>]*>商品3</span>", english)
    assert "Item three" not in info(**{"line-item_no": "3"})
    # another enterprise's book: nothing of it is shown
    assert 'data-testid="line-info-unknown"' in c.get("/supervision/lists/new/line-info/", {
        "book_id": world.book_b.pk, "line-item_no": "1"}).content.decode()
    assert client_for("customs").get("/supervision/lists/new/line-info/").status_code == 403
    form = c.get("/supervision/lists/new/").content.decode()
    assert 'hx-get="/supervision/lists/new/line-info/"' in form and 'class="line-info"' in form
    assert '<option value="5034" selected>' in form  # a trade mode every book kind and direction may use


def test_the_import_template_has_chinese_headings_and_imports_once_filled(world):
    """The template's headings are "名称 (code)"; filled in and uploaded as it is, it imports (the headings
    read back as their codes); bare Chinese headings are understood too."""
    import io

    from openpyxl import Workbook, load_workbook

    c = client_for("ent_a")
    r = c.get("/supervision/lists/import/template/", {"format": "xlsx"})
    assert r.status_code == 200 and "verification-list-import.xlsx" in r["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(r.content)).worksheets[0]
    headings = [cell.value for cell in sheet[1]]
    assert "备案序号 (item_no)" in headings and "申报数量 (quantity)" in headings and "监管方式 (trade_mode)" in headings
    example = dict(zip(headings, [cell.value for cell in sheet[2]], strict=True))
    assert example["备案序号 (item_no)"] == "1"

    upload = io.BytesIO(r.content)
    upload.name = "filled.xlsx"
    r = c.post("/supervision/lists/import/", {"book_id": world.book_a.pk, "file": upload, "idempotency_key": key()})
    assert r.status_code in (200, 302), r.content[:300]
    imported = VerificationList.objects.get(inner_no="ERP-0001")
    assert imported.lines.get().quantity == 10

    wb = Workbook()  # bare Chinese names, as a clerk would type them
    wb.active.append(["企业内部编号", "进出口标记", "监管方式", "备案序号", "申报数量", "申报计量单位", "货物状态"])
    wb.active.append(["ERP-0002", "进口", "5034", 2, 3, "035", "保税"])
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    buf.name = "bare.xlsx"
    c.post("/supervision/lists/import/", {"book_id": world.book_a.pk, "file": buf, "idempotency_key": key()})
    bare = VerificationList.objects.get(inner_no="ERP-0002")  # names of coded values read as their codes
    assert (bare.direction, bare.lines.get().item.item_no, bare.lines.get().goods_status) == ("I", 2, "bonded")
    assert c.get("/supervision/lists/import/template/", {"format": "pdf"}).status_code == 400


def test_counters_are_links_and_related_objects_link_each_other(world):
    """Dashboard counters open the lists they count (customs: the queue); a list's line opens its stock
    account, the account its book, the book its lists; the list and the book open their audit trail."""
    from bondzone.supervision.models import StockAccount

    from ..conftest import post_list

    vlist = post_list(world, direction="I", lines=[(1, "4")])
    ent = client_for("ent_a")
    dashboard = ent.get("/supervision/").content.decode()
    for status in ("draft", "submitted", "approved", "rejected"):
        assert f'href="/supervision/lists/?status={status}"' in dashboard
    assert f'href="/supervision/books/{world.book_a.pk}/?goods_status=bonded">1</a>' in dashboard
    assert 'href="/supervision/queue/"' in client_for("customs").get("/supervision/").content.decode()
    account = StockAccount.objects.get(book=world.book_a, item__item_no=1, goods_status="bonded")
    detail = client_for("customs").get(f"/supervision/lists/{vlist.pk}/").content.decode()
    assert f'href="/supervision/accounts/{account.pk}/" data-testid="line-account"' in detail
    assert "object_type=supervision.verificationlist" in detail and f"object_id={vlist.pk}" in detail
    assert f'href="/supervision/books/{world.book_a.pk}/" data-testid="account-book"' in ent.get(
        f"/supervision/accounts/{account.pk}/").content.decode()
    book = client_for("customs").get(f"/supervision/books/{world.book_a.pk}/").content.decode()
    assert f'href="/supervision/lists/?book_id={world.book_a.pk}"' in book
    assert "object_type=supervision.accountbook" in book
    # the list's audit trail names its actions in words (the code stays in the cell's title)
    trail = client_for("customs").get("/sharing/audit/", {"object_type": "supervision.verificationlist",
                                                         "object_id": vlist.pk}).content.decode()
    assert 'title="list.approve">清单审核通过<' in trail and 'title="list.submit">清单申报<' in trail


@pytest.mark.parametrize("lang, glue", [("zh-hans", "、"), ("en", ", ")])
def test_the_line_info_names_the_items_units_not_their_codes(world, lang, glue):
    from bondzone.supervision.domain.codes import UNITS

    c = Client(HTTP_ACCEPT_LANGUAGE=lang)
    assert c.login(username="ent_a", password=PASSWORD)
    item = world.book_a.items.get(item_no=3)
    info = c.get("/supervision/lists/new/line-info/", {"book_id": world.book_a.pk, "line-item_no": "3"}).content.decode()
    named = glue.join(f"{u} {UNITS[u].name_zh if lang == 'zh-hans' else UNITS[u].name_en}" for u in item.units)
    assert len(item.units) > 1 and named in info, info  # "011, 035" named nothing
