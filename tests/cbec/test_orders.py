"""Cross-border retail orders: positive list, ID numbers, three-record match, limits against the stored
annual total, returns; the duty quotation reads the same annual total."""

from decimal import Decimal as D

import pytest

from bondzone.cbec import selectors, services
from bondzone.cbec.domain.records import masked_id
from bondzone.cbec.models import AnnualTotal, CbecOrder, PositiveListEntry
from bondzone.core.domain.errors import DomainError
from bondzone.duties import services as duties
from tests.conftest import PASSWORD, key

BUYER = "11010519491231002X"
CAMERA, MILK = "8525890000", "1901101000"


@pytest.fixture
def cbec(world):
    PositiveListEntry.objects.bulk_create([PositiveListEntry(hs_code=CAMERA, name="camera"),
                                           PositiveListEntry(hs_code=MILK, name="infant formula")])
    rows = []
    for hs, tariff in ((CAMERA, "0.10"), (MILK, "0.05")):
        rows += [{"kind": "mfn", "hs_code": hs, "ad_valorem": tariff, "valid_from": "2026-01-01"},
                 {"kind": "vat", "hs_code": hs, "ad_valorem": "0.13", "valid_from": "2026-01-01"}]
    duties.import_tax_rates(actor=world.actor("customs"), rows=rows)
    duties.lodge_guarantee(idempotency_key=key(), actor=world.actor("customs"), data={  # covers the taxes charged at release
        "enterprise_id": world.ent_a.pk, "kind": "general", "reference": "TAX-A", "amount": "100000.00"})
    return world


def declare(world, no, value, *, hs=MILK, qty="1", lines=1, buyer=BUYER, day="2026-03-01", user="ent_a"):
    return services.declare_order(actor=world.actor(user), data={
        "order_no": no, "order_date": day, "buyer_name": "张三", "buyer_id": buyer,
        "lines": [{"hs_code": hs, "name": "x", "quantity": qty, "unit": "035", "value": value}] * lines})


def complete(world, order, amount=None):
    services.record_payment(actor=world.actor("ent_a"), order_id=order.pk, data={
        "payment_no": "P" + order.order_no, "order_no": order.order_no, "payer_name": "张三", "payer_id": BUYER,
        "amount": str(amount if amount is not None else order.goods_value + order.tax_total)})
    services.record_waybill(actor=world.actor("ent_a"), order_id=order.pk, data={
        "waybill_no": "W" + order.order_no, "order_no": order.order_no, "consignee_name": "张三"})


def codes(exc):
    return [(p.field, p.code) for p in exc.value.problems]


def test_declare_release_and_count(cbec):
    order = declare(cbec, "A1", "1000.00")
    assert (order.treatment, order.vat, order.tariff) == ("within_limits", D("91.00"), D("0"))
    complete(cbec, order)
    released = services.release(actor=cbec.actor("customs"), order_id=order.pk, released_on="2026-03-02")
    assert released.status == "released" and selectors.annual_used(BUYER, 2026) == D("1000.00")
    # the quotation reads the same stored total
    got = duties.quote(cbec.actor("ent_a"), {"regime": "cbec", "consumer_id": BUYER, "order_date": "2026-05-01",
                                              "lines": [{"hs_code": MILK, "quantity": "1", "unit": "035",
                                                         "customs_value": "100"}]})
    assert got["cbec"]["annual_before"] == "1000.00"


def test_single_item_over_5000_full_rates(cbec):
    order = declare(cbec, "CAM", "6000.00", hs=CAMERA)
    assert (order.treatment, order.tariff, order.vat) == ("single_item_full", D("600.00"), D("858.00"))


@pytest.mark.parametrize("kwargs,expected", [
    ({"hs": "2204210000"}, [("lines[1].hs_code", "cbec_not_on_positive_list")]),
    ({"buyer": "110105194912310021"}, [("buyer_id", "bad_id_number")]),
    ({"lines": 2, "value": "2800.00"}, [("cbec", "cbec_single_limit")]),
    ({"value": "-1"}, [("lines[1].value", "amount_negative")]),
    ({"qty": "0"}, [("lines[1].quantity", "quantity_not_positive")]),
    ({"qty": "1.0001"}, [("lines[1].quantity", "too_many_decimals")]),
    ({"value": "1.005"}, [("lines[1].value", "too_many_decimals")]),
])
def test_declare_refusals_write_nothing(cbec, kwargs, expected):
    value = kwargs.pop("value", "100.00")
    with pytest.raises(DomainError) as exc:
        declare(cbec, "BAD", value, **kwargs)
    assert codes(exc) == expected and CbecOrder.objects.count() == 0


def test_a_line_name_longer_than_its_column_is_refused_not_cut(cbec):
    with pytest.raises(DomainError) as exc:
        services.declare_order(actor=cbec.actor("ent_a"), data={
            "order_no": "LONG", "order_date": "2026-03-01", "buyer_name": "张三", "buyer_id": BUYER,
            "lines": [{"hs_code": MILK, "name": "奶" * 201, "quantity": "1", "unit": "035", "value": "10.00"}]})
    assert codes(exc) == [("lines[1].name", "too_long")] and CbecOrder.objects.count() == 0


def test_three_records_must_match(cbec):
    order = declare(cbec, "A2", "1000.00")
    with pytest.raises(DomainError) as exc:
        services.release(actor=cbec.actor("customs"), order_id=order.pk)
    assert codes(exc) == [("payment", "cbec_record_missing"), ("waybill", "cbec_record_missing")]
    complete(cbec, order, amount="1000.00")  # forgot the tax
    with pytest.raises(DomainError) as exc:
        services.release(actor=cbec.actor("customs"), order_id=order.pk)
    assert codes(exc) == [("payment.amount", "cbec_mismatch")]
    services.record_payment(actor=cbec.actor("ent_a"), order_id=order.pk, data={
        "payment_no": "P2", "order_no": "A2", "payer_name": "李四", "payer_id": "110105194912310039", "amount": "1091.00"})
    with pytest.raises(DomainError) as exc:
        services.release(actor=cbec.actor("customs"), order_id=order.pk)
    assert codes(exc) == [("payment.payer_id", "cbec_payer_not_buyer"), ("payment.payer_name", "cbec_mismatch")]
    assert CbecOrder.objects.get(pk=order.pk).status == "declared" and not AnnualTotal.objects.filter(used__gt=0)


def test_annual_limit_counts_released_orders_and_returns_restore_it(cbec):
    for no in ("Y1", "Y2", "Y3", "Y4", "Y5"):
        o = declare(cbec, no, "5000.00")
        complete(cbec, o)
        services.release(actor=cbec.actor("customs"), order_id=o.pk, released_on="2026-03-01")
    assert selectors.annual_used(BUYER, 2026) == D("25000.00")
    with pytest.raises(DomainError) as exc:
        declare(cbec, "Y6", "1000.01")
    assert codes(exc) == [("cbec", "cbec_annual_limit")]
    ok = declare(cbec, "Y6", "1000.00")  # reaching exactly 26,000 is allowed
    assert ok.treatment == "within_limits"
    # another year is a fresh total
    assert declare(cbec, "N1", "5000.00", day="2027-01-01").treatment == "within_limits"
    first = CbecOrder.objects.get(order_no="Y1")
    with pytest.raises(DomainError) as exc:
        services.return_order(actor=cbec.actor("ent_a"), order_id=first.pk, applied_on="2026-04-01")
    assert codes(exc) == [("applied_on", "return_apply_late")]
    services.return_order(actor=cbec.actor("ent_a"), order_id=first.pk, applied_on="2026-03-31", back_on="2026-04-15")
    assert selectors.annual_used(BUYER, 2026) == D("20000.00")
    assert CbecOrder.objects.get(pk=first.pk).status == "returned"


def test_release_refused_when_the_total_filled_up_since_declaration(cbec):
    a, b = declare(cbec, "R1", "5000.00"), declare(cbec, "R2", "5000.00")
    AnnualTotal.objects.create(buyer_id=BUYER, year=2026, used=D("17000.00"))
    complete(cbec, a)
    complete(cbec, b)
    services.release(actor=cbec.actor("customs"), order_id=a.pk, released_on="2026-03-01")
    with pytest.raises(DomainError) as exc:
        services.release(actor=cbec.actor("customs"), order_id=b.pk, released_on="2026-03-01")
    assert codes(exc) == [("cbec", "cbec_annual_limit")]
    assert selectors.annual_used(BUYER, 2026) == D("22000.00")


def test_scoping_and_roles(cbec):
    order = declare(cbec, "S1", "100.00")
    assert list(selectors.orders(cbec.actor("ent_b"))) == []
    assert list(selectors.orders(cbec.actor("tax"))) == []
    with pytest.raises(DomainError) as exc:
        services.release(actor=cbec.actor("ent_a"), order_id=order.pk)
    assert exc.value.status == 403
    with pytest.raises(DomainError) as exc:
        services.record_waybill(actor=cbec.actor("ent_b"), order_id=order.pk, data={"waybill_no": "W", "order_no": "S1",
                                                                                   "consignee_name": "张三"})
    assert exc.value.status == 404


def test_api_and_pages(cbec, client):
    client.login(username="ent_a", password=PASSWORD)
    r = client.post("/api/v1/cbec/orders", {"order_no": "API1", "order_date": "2026-03-01", "buyer_name": "张三",
                                            "buyer_id": BUYER, "lines": [{"hs_code": MILK, "name": "x", "quantity": "1",
                                                                          "unit": "035", "value": "300"}]},
                    content_type="application/json")
    assert r.status_code == 201 and r.json()["buyer_id_masked"] == masked_id(BUYER) and BUYER not in r.content.decode()
    oid = r.json()["id"]
    assert client.get("/api/v1/cbec/orders").json()["count"] == 1
    page = client.get(f"/cbec/orders/{oid}/").content.decode()
    assert "API1" in page and BUYER not in page
    r = client.post(f"/cbec/orders/{oid}/waybill", {"waybill_no": "W1", "order_no": "API1", "consignee_name": "张三"})
    assert r.status_code == 302 and CbecOrder.objects.get(pk=oid).waybill_no == "W1"
    client.login(username="customs", password=PASSWORD)
    r = client.post(f"/api/v1/cbec/orders/{oid}/release", {}, content_type="application/json")
    assert r.status_code == 400 and r.json()["errors"][0]["field"] == "payment"


def test_api_names_a_bad_first_line_line_1(cbec, client):
    client.login(username="ent_a", password=PASSWORD)
    good = {"hs_code": MILK, "name": "x", "quantity": "1", "unit": "035", "value": "300"}
    r = client.post("/api/v1/cbec/orders", {"order_no": "API1", "order_date": "2026-03-01", "buyer_name": "张三",
                                            "buyer_id": BUYER, "lines": [{**good, "name": ""}, good]},
                    content_type="application/json")
    assert r.status_code == 400
    assert [(e["field"], e["code"]) for e in r.json()["errors"]] == [("lines[1].name", "required")]
    assert CbecOrder.objects.count() == 0


def test_masked_id():
    assert masked_id(BUYER) == "110105********002X"


@pytest.mark.parametrize("path", ["/api/v1/cbec/orders/{}", "/api/v1/cbec/settlements/{}"])
def test_an_id_beyond_the_database_is_a_400_on_its_field_not_a_500(cbec, client, path):
    client.login(username="customs", password=PASSWORD)
    r = client.get(path.format("9" * 23))
    assert r.status_code == 400 and r.json()["errors"][0]["field"].endswith("_id")
