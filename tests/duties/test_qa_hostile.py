"""Hostile input found by the QA walk of the duties API (one test per defect, each failing without its fix)."""

import pytest

from tests.conftest import PASSWORD

LINE = {"hs_code": "8471300000", "unit": "001", "tariff": {"ad_valorem": "0.08"}, "vat_rate": "0.13"}


def _fields(r) -> set[str]:
    return {e["field"] for e in r.json()["errors"]}


@pytest.mark.parametrize("line, field", [
    ({"quantity": "1e400", "customs_value": "100.00"}, "lines[1].quantity"),
    ({"quantity": "1", "customs_value": "9" * 40}, "lines[1].customs_value"),
    ({"quantity": "1", "customs_value": "100", "consumption_tax": {"ad_valorem": "0." + "9" * 30}},
     "lines[1].consumption_tax.ad_valorem"),
    ({"quantity": "1", "customs_value": "100", "tariff": {"specific": "1e30"}}, "lines[1].tariff.specific"),
])
def test_quote_with_huge_figures_is_refused_on_the_field_not_500(world, client, line, field):
    client.login(username="ent_a", password=PASSWORD)
    r = client.post("/api/v1/duties/quote", {"lines": [{**LINE, **line}]}, content_type="application/json")
    assert r.status_code == 400 and field in _fields(r), r.content


def test_quote_at_the_largest_figures_still_rounds_to_the_fen(world, client):
    client.login(username="ent_a", password=PASSWORD)
    line = {**LINE, "quantity": "9999999999999.99999", "customs_value": "9999999999999999",
            "tariff": {"ad_valorem": "1", "specific": "9999999999.9999"},
            "consumption_tax": {"ad_valorem": "0.9999", "specific": "9999999999.9999"}, "vat_rate": "1"}
    r = client.post("/api/v1/duties/quote", {"lines": [line]}, content_type="application/json")
    assert r.status_code == 200, r.content
    assert r.json()["lines"][0]["vat"].split(".")[1].__len__() == 2


def _messages(r) -> str:
    return " ".join(e["message"] for e in r.json()["errors"])


def test_not_found_refusals_name_the_thing_in_chinese(world, client):
    """zh-Hans refusals said “没有您可查看的编号为 9 的guarantee” (the model's English name in a Chinese sentence)."""
    from tests.conftest import key

    client.login(username="customs", password=PASSWORD)
    h = {"Idempotency-Key": key()}
    r = client.post("/api/v1/duties/guarantees/99999/moves", {"kind": "use", "amount": "1", "purpose": "x"},
                    content_type="application/json", headers=h)
    assert r.status_code == 404 and "担保" in _messages(r) and "guarantee" not in _messages(r)
    for url in ("/api/v1/duties/regimes/99999", "/api/v1/duties/domestic-sales/99999", "/api/v1/duties/tax-bills/99999",
                "/api/v1/cbec/orders/99999", "/api/v1/cbec/settlements/99999"):
        r = client.get(url)
        assert r.status_code == 404 and not any(c.isascii() and c.isalpha() for c in _messages(r)), (url, _messages(r))
    r = client.post("/api/v1/cbec/settlements", {"enterprise_id": 99999, "start": "2026-03-01", "end": "2026-03-10"},
                    content_type="application/json", headers={"Idempotency-Key": key()})
    assert r.status_code == 400 and "区内企业" in _messages(r), _messages(r)
    client.login(username="ent_a", password=PASSWORD)
    r = client.post("/api/v1/duties/regimes", {"kind": "repair_out", "book_id": world.book_b.pk, "start_date": "2026-05-01",
                                               "lines": [{"item_id": 1, "quantity": "1", "customs_value": "1"}]},
                    content_type="application/json", headers={"Idempotency-Key": key()})
    assert r.status_code == 400 and "电子账册" in _messages(r), _messages(r)


def test_guarantee_moves_and_lodging_are_idempotent(world, client):
    """A retried POST …/moves used the guarantee twice, a reused key with another body lodged a second guarantee,
    and no key was needed: now the key is required, a retry answers the first result, another body is refused."""
    from bondzone.duties.models import Guarantee, GuaranteeEntry
    from tests.conftest import key

    client.login(username="customs", password=PASSWORD)

    def post(url, body, k):
        return client.post(url, body, content_type="application/json", headers={"Idempotency-Key": k} if k else {})

    lodge = {"enterprise_id": world.ent_a.pk, "kind": "bank", "reference": "BH-Q", "amount": "5"}
    r = post("/api/v1/duties/guarantees", lodge, None)
    assert r.status_code == 400 and _fields(r) == {"Idempotency-Key"} and not Guarantee.objects.exists()
    k = key()
    r = post("/api/v1/duties/guarantees", lodge, k)
    assert r.status_code == 201 and (r.json()["amount"], r.json()["free"]) == ("5.00", "5.00")  # CNY: 2 places
    gid = r.json()["id"]
    assert post("/api/v1/duties/guarantees", lodge, k).json()["id"] == gid
    r = post("/api/v1/duties/guarantees", {**lodge, "reference": "BH-R", "amount": "7"}, k)
    assert 400 <= r.status_code < 500 and Guarantee.objects.count() == 1
    move = {"kind": "use", "amount": "2", "purpose": "维修出区"}
    r = post(f"/api/v1/duties/guarantees/{gid}/moves", move, None)
    assert r.status_code == 400 and _fields(r) == {"Idempotency-Key"}
    k = key()
    assert post(f"/api/v1/duties/guarantees/{gid}/moves", move, k).json()["free"] == "3.00"
    assert post(f"/api/v1/duties/guarantees/{gid}/moves", move, k).json()["free"] == "3.00"
    r = post(f"/api/v1/duties/guarantees/{gid}/moves", {**move, "amount": "1"}, k)
    assert 400 <= r.status_code < 500
    assert GuaranteeEntry.objects.count() == 1 and Guarantee.objects.get().free == 3
