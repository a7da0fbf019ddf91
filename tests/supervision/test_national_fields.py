"""The national screen's header fields of a list: 运输方式 fits the crossing of the trade mode (一线 2–6, 二线 Y,
in and between zones 9, 分送集报 also 9), 起运/运抵国, 是否报关 with 报关类型 only for a declared list, 关联手(账)册
a book number; through the services, the API, the form and 变更."""

import json
import uuid

import pytest
from django.test import Client

from bondzone.core.domain.errors import DomainError
from bondzone.supervision import services
from bondzone.supervision.domain import trade_modes
from bondzone.supervision.models import VerificationList

from ..conftest import PASSWORD, key


@pytest.mark.parametrize("trade_mode, list_type, direction, allowed", [
    ("5034", "0", "I", {"2", "3", "4", "5", "6"}),
    ("5000", "0", "E", {"Y"}),
    ("5000", "1", "E", {"Y", "9"}),
    ("5034", "6", "I", {"9"}),
    ("1200", "0", "I", {"9"}),
    ("9900", "0", "E", {"9"}),
])
def test_transport_modes_follow_the_crossing(trade_mode, list_type, direction, allowed):
    assert trade_modes.transport_modes(trade_mode, list_type, direction) == allowed


def declare(world, **header):
    return services.create_list(actor=world.actor("ent_a"), book_id=world.book_a.pk, idempotency_key=key(), data={
        "direction": "I", "trade_mode": "5034", **header,
        "lines": [{"item_no": 1, "quantity": "2", "unit": "007"}]})


def test_fields_are_kept_and_checked(world):
    v = declare(world, transport_mode="5", departure_country="502", declaration_flag="1", declaration_type="2",
                related_book_no="T0120W000002")
    assert (v.transport_mode, v.departure_country, v.declaration_flag, v.declaration_type, v.related_book_no) == (
        "5", "502", "1", "2", "T0120W000002")
    before = VerificationList.objects.count()
    for header, field, code in (
        ({"transport_mode": "Y"}, "transport_mode", "trade_mode_transport"),  # 5034 comes from abroad
        ({"transport_mode": "Q"}, "transport_mode", "bad_choice"),
        ({"departure_country": "999"}, "departure_country", "bad_choice"),
        ({"declaration_type": "1"}, "declaration_type", "declaration_type_needs_declared"),
        ({"declaration_flag": "2", "declaration_type": "1"}, "declaration_type", "declaration_type_needs_declared"),
        ({"related_book_no": "t0120w000002"}, "related_book_no", "bad_format"),
    ):
        with pytest.raises(DomainError) as err:
            declare(world, **header)
        assert [(p.field, p.code) for p in err.value.problems] == [(field, code)], header
    assert VerificationList.objects.count() == before


def test_the_api_and_the_change(world):
    c = Client()
    assert c.login(username="ent_a", password=PASSWORD)
    r = c.post("/api/v1/lists", json.dumps({
        "book_id": world.book_a.pk, "direction": "I", "trade_mode": "5034", "transport_mode": "4",
        "lines": [{"item_no": 1, "quantity": "2", "unit": "007"}]}), content_type="application/json",
        HTTP_IDEMPOTENCY_KEY=uuid.uuid4().hex)
    assert r.status_code == 201 and r.json()["transport_mode"] == "4"
    list_id = r.json()["id"]
    owner, customs = world.actor("ent_a"), world.actor("customs")
    services.submit_list(actor=owner, list_id=list_id, idempotency_key=key())
    services.approve_list(actor=customs, list_id=list_id, idempotency_key=key())
    changed = services.change_list(actor=owner, list_id=list_id, changes={"transport_mode": "5"}, reason="改为空运",
                                   idempotency_key=key())
    assert (changed.transport_mode, changed.change_count) == ("5", 1)
    with pytest.raises(DomainError) as err:
        services.change_list(actor=owner, list_id=list_id, changes={"transport_mode": "Y"}, reason="x",
                             idempotency_key=key())
    assert err.value.problems[0].code == "trade_mode_transport"


def test_the_form_groups_them_and_keeps_them_on_a_refusal(world):
    c = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert c.login(username="ent_a", password=PASSWORD)
    page = c.get("/supervision/lists/new/").content.decode()
    assert 'data-testid="national-fields"' in page and "Y 综合保税区" in page
    r = c.post("/supervision/lists/new/", {
        "idempotency_key": key(), "book_id": world.book_a.pk, "direction": "I", "trade_mode": "5034", "list_type": "0",
        "transport_mode": "Y", "departure_country": "502", "line-item_no": ["1"], "line-quantity": ["2"],
        "line-unit": ["007"], "line-value": ["1"], "line-currency": ["142"], "line-goods_status": ["bonded"]})
    page = r.content.decode()
    assert r.status_code == 400 and 'id="list-transport_mode-error"' in page
    assert '<option value="502" selected>' in page and '<option value="Y" selected>' in page
