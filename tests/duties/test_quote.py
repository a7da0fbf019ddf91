"""`bondzone duty quote`, POST /api/v1/duties/quote and the quotation page: one document, one engine."""

import io
import json

import pytest
from django.core.management import CommandError, call_command

from tests.conftest import PASSWORD

LIPSTICK = {"regime": "cbec", "consumer_id": "11010519491231002X", "order_date": "2026-03-01",
            "lines": [{"hs_code": "3304100010", "quantity": "1", "unit": "035", "customs_value": "300.00",
                       "tariff": {"ad_valorem": "0.05"}, "consumption_tax": {"ad_valorem": "0.15"}, "vat_rate": "0.13"}]}
TWO_LINES = {"declared_on": "2026-05-12", "lines": [
    {"hs_code": "8471300000", "quantity": "10", "unit": "001", "customs_value": "100000.00",
     "tariff": {"ad_valorem": "0.08"}, "vat_rate": "0.13"},
    {"hs_code": "2203000000", "quantity": "10", "unit": "035", "customs_value": "423.00",
     "tariff": {"specific": "0"}, "vat_rate": "0.13"}]}


def quote_cli(doc, tmp_path=None, *args):
    out = io.StringIO()
    if tmp_path is None:
        import sys
        stdin, sys.stdin = sys.stdin, io.StringIO(json.dumps(doc))
        try:
            call_command("duty", *args, "quote", "-", stdout=out)
        finally:
            sys.stdin = stdin
    else:
        path = tmp_path / "q.json"
        path.write_text(json.dumps(doc))
        call_command("duty", *args, "quote", str(path), stdout=out)
    return json.loads(out.getvalue())


@pytest.mark.django_db
def test_cli_quote_from_stdin_general():
    got = quote_cli(TWO_LINES)
    assert got["rate_date"] == "2026-05-12" and got["regime"] == "general"
    assert [(line["tariff"], line["vat"], line["total"]) for line in got["lines"]] == [
        ("8000.00", "14040.00", "22040.00"), ("0.00", "54.99", "54.99")]
    assert got["totals"] == {"tariff": "8000.00", "consumption_tax": "0.00", "vat": "14094.99", "total": "22094.99"}
    assert got["waived"] == []


@pytest.mark.django_db
def test_cli_quote_from_file_cbec(tmp_path):
    got = quote_cli(LIPSTICK, tmp_path)
    assert got["totals"]["total"] == "69.18" and got["totals"]["tariff"] == "0.00"
    assert got["cbec"] == {"consumer_id": "11010519491231002X", "order_date": "2026-03-01",
                           "treatment": "within_limits", "order_value": "300.00", "annual_before": "0.00",
                           "annual_after": "300.00"}


@pytest.mark.django_db
@pytest.mark.parametrize("doc,needle", [
    ({**LIPSTICK, "consumer_id": "110105194912310021"}, "consumer_id"),
    ({**LIPSTICK, "annual_used": "25900"}, "26000"),
    ({"lines": [{**TWO_LINES["lines"][0], "customs_value": "-1"}]}, "lines[1].customs_value"),
    ({"lines": [{**TWO_LINES["lines"][0], "hs_code": "84713"}]}, "lines[1].hs_code"),
    ({"lines": [{**TWO_LINES["lines"][0], "tariff": {"rate": "0.1"}}]}, "lines[1].tariff"),
    ({"lines": [{k: v for k, v in TWO_LINES["lines"][0].items() if k != "vat_rate"}]}, "lines[1].vat_rate"),
    ({"lines": [{**TWO_LINES["lines"][0], "consumption_tax": {"ad_valorem": "1"}}]}, "consumption_tax.ad_valorem"),
    ({"lines": [{**TWO_LINES["lines"][0], "value": "10", "currency": "USD"}]}, "lines[1].currency"),
    ({"lines": []}, "lines"),
    ([1, 2], "JSON"),
])
def test_cli_bad_input_exits_with_a_sentence(doc, needle):
    with pytest.raises(CommandError) as exc:
        quote_cli(doc)
    assert needle in str(exc.value)


@pytest.mark.django_db
def test_cli_unreadable_sources(tmp_path):
    with pytest.raises(CommandError, match="missing.json"):
        call_command("duty", "quote", str(tmp_path / "missing.json"))
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    with pytest.raises(CommandError, match=r"bad.json: 不是 JSON（第 1 行第 2 列）"):
        call_command("duty", "quote", str(bad))


def test_api_quote_and_field_errors(world, client):
    client.login(username="ent_a", password=PASSWORD)
    ok = client.post("/api/v1/duties/quote", TWO_LINES, content_type="application/json")
    assert ok.status_code == 200 and ok.json()["totals"]["total"] == "22094.99"
    bad = client.post("/api/v1/duties/quote", {"lines": [{**TWO_LINES["lines"][0], "quantity": "x"}]},
                      content_type="application/json")
    assert bad.status_code == 400
    assert [e["field"] for e in bad.json()["errors"]] == ["lines[1].quantity"]
    refused = client.post("/api/v1/duties/quote", {**LIPSTICK, "annual_used": "25900"}, content_type="application/json")
    assert refused.status_code == 400 and refused.json()["errors"][0]["code"] == "cbec_annual_limit"


def test_api_quote_needs_login(db, client):
    assert client.post("/api/v1/duties/quote", TWO_LINES, content_type="application/json").status_code == 401


def test_quote_page(world, client):
    client.login(username="customs", password=PASSWORD)
    assert client.get("/duties/quote/").status_code == 200
    r = client.post("/duties/quote/", {"document": json.dumps(TWO_LINES)})
    assert r.status_code == 200 and "22094.99" in r.content.decode()
    r = client.post("/duties/quote/", {"document": "{oops"})
    assert r.status_code == 400 and 'data-testid="errors"' in r.content.decode()
