"""Issue 12's bad-input list through the HTTP API, one row each: unknown HS code, a rate table with
overlapping validity, negative values, a CBEC order whose three records disagree, an ID number with a bad
check digit, an extension after expiry — each a 4xx naming the field, nothing written."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from bondzone.cbec.models import AnnualTotal, CbecOrder
from bondzone.duties.models import Regime, RegimeExtension, TaxRate
from bondzone.core.models import AuditEvent
from tests.cbec.test_orders import BUYER, MILK, cbec, complete, declare  # noqa: F401
from tests.conftest import PASSWORD, key

from .test_regimes import open_, rates  # noqa: F401

RATE_HEAD = "kind,hs_code,origin,ad_valorem,specific,valid_from,valid_to,source\n"


def fields(r) -> set[str]:
    return {e["field"] for e in r.json()["errors"]}


def post(client, url, body, **kw):
    return client.post(url, body, content_type="application/json", headers={"Idempotency-Key": key()}, **kw)


def test_unknown_hs_code_and_negative_values_in_a_quotation(world, client):
    client.login(username="ent_a", password=PASSWORD)
    audits = AuditEvent.objects.count()
    r = post(client, "/api/v1/duties/quote", {"lines": [{"hs_code": "9999999999", "quantity": "1", "unit": "007",
                                                          "customs_value": "100.00"}]})
    assert r.status_code == 400 and "no_rate_for_code" in [e["code"] for e in r.json()["errors"]]
    assert "lines[1].hs_code" in fields(r)
    r = post(client, "/api/v1/duties/quote", {"lines": [{"hs_code": "8471300000", "quantity": "-1", "unit": "007",
                                                          "customs_value": "-5", "tariff": {"ad_valorem": "0.1"},
                                                          "vat_rate": "0.13"}]})
    assert r.status_code == 400 and {"lines[1].quantity", "lines[1].customs_value"} <= fields(r)
    assert AuditEvent.objects.count() == audits


def test_overlapping_rate_table_refused_whole(world, client):
    client.login(username="customs", password=PASSWORD)
    csv = RATE_HEAD + "mfn,3304990099,,0.05,,2026-01-01,2026-06-30,A\nmfn,3304990099,,0.06,,2026-06-01,,A\n"
    r = client.post("/api/v1/duties/tax-rates/import", {"file": SimpleUploadedFile("r.csv", csv.encode())})
    assert 400 <= r.status_code < 500 and fields(r) == {"row 2"}
    assert TaxRate.objects.count() == 0


def test_negative_value_in_a_regime_and_extension_after_expiry(world, rates, client):  # noqa: F811
    client.login(username="ent_a", password=PASSWORD)
    from bondzone.supervision.models import BookItem
    item = BookItem.objects.get(book=world.book_a, item_no=1)
    r = post(client, "/api/v1/duties/regimes", {"kind": "repair_out", "book_id": world.book_a.pk,
                                                 "start_date": "2026-05-01",
                                                 "lines": [{"item_id": item.pk, "quantity": "1",
                                                            "customs_value": "-1"}]})
    assert r.status_code == 400 and fields(r) == {"lines[1].customs_value"} and Regime.objects.count() == 0
    expired = open_(world, kind="repair_out", start_date="2026-01-01")  # deadline 2026-03-02, long past
    client.logout()
    client.login(username="customs", password=PASSWORD)
    r = post(client, f"/api/v1/duties/regimes/{expired.pk}/extend", {"reason": "still in repair"})
    assert r.status_code == 400 and fields(r) == {"until"}
    assert [e["code"] for e in r.json()["errors"]] == ["regime_extension_after_expiry"]
    assert RegimeExtension.objects.count() == 0 and Regime.objects.get(pk=expired.pk).deadline == date(2026, 3, 2)


def test_bad_id_check_digit_and_disagreeing_records(cbec, client):  # noqa: F811
    client.login(username="ent_a", password=PASSWORD)
    bad_id = BUYER[:-1] + ("1" if BUYER[-1] != "1" else "2")
    r = post(client, "/api/v1/cbec/orders", {"order_no": "B1", "order_date": "2026-03-01", "buyer_name": "张三",
                                              "buyer_id": bad_id, "lines": [{"hs_code": MILK, "name": "x",
                                                                             "quantity": "1", "unit": "035",
                                                                             "value": "300"}]})
    assert r.status_code == 400 and fields(r) == {"buyer_id"}
    assert [e["code"] for e in r.json()["errors"]] == ["bad_id_number"] and CbecOrder.objects.count() == 0
    order = declare(cbec, "B2", "300.00")
    complete(cbec, order, amount="1.00")  # the payment does not match goods + tax
    client.logout()
    client.login(username="customs", password=PASSWORD)
    r = post(client, f"/api/v1/cbec/orders/{order.pk}/release", {})
    assert r.status_code == 400 and fields(r) == {"payment.amount"}
    assert [e["code"] for e in r.json()["errors"]] == ["cbec_mismatch"]
    assert CbecOrder.objects.get(pk=order.pk).status == "declared" and AnnualTotal.objects.count() == 0


@pytest.mark.parametrize("lang, words", [("zh-hans", "（校验码错误）"), ("en", "(wrong check digit)")])
def test_a_bad_id_number_says_what_is_wrong_in_the_readers_language(cbec, client, lang, words):  # noqa: F811
    client.login(username="ent_a", password=PASSWORD)
    bad_id = BUYER[:-1] + ("1" if BUYER[-1] != "1" else "2")
    r = post(client, "/api/v1/cbec/orders", {"order_no": "B1", "order_date": "2026-03-01", "buyer_name": "张三",
                                              "buyer_id": bad_id, "lines": [{"hs_code": MILK, "name": "x",
                                                                             "quantity": "1", "unit": "035",
                                                                             "value": "300"}]},
             HTTP_ACCEPT_LANGUAGE=lang)
    message = r.json()["errors"][0]["message"]
    assert words in message and "checksum" not in message
