"""Rate tables and exchange rates: validation, overlap refusal, lookups by the quotation, API, pages, CLI."""

import io
import json
from datetime import date
from decimal import Decimal as D

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from bondzone.core.domain.errors import DomainError
from bondzone.core.models import AuditEvent
from bondzone.duties import selectors, services
from bondzone.duties.domain.tables import parse_fx_row, parse_rate_row
from bondzone.duties.models import ExchangeRate, TaxRate
from tests.conftest import PASSWORD


def rate(kind, hs="3304990099", av="", sp="", origin="", start="2026-01-01", end="", source="t"):
    return {"kind": kind, "hs_code": hs, "origin": origin, "ad_valorem": av, "specific": sp, "valid_from": start,
            "valid_to": end, "source": source}


COSMETICS = [rate("mfn", av="0.05"), rate("provisional", av="0.01", end="2026-06-30"),
             rate("agreement", av="0.032", origin="KR"), rate("consumption_tax", av="0.15"), rate("vat", av="0.13")]
FX = [{"currency": "USD", "cny": "7.10", "per": "1", "valid_from": "2026-05-01", "valid_to": "2026-05-31"},
      {"currency": "JPY", "cny": "4.80", "per": "100", "valid_from": "2026-05-01", "valid_to": "2026-05-31"}]


@pytest.mark.parametrize("row,field,code", [
    (rate("duty", av="0.1"), "kind", "bad_choice"),
    (rate("mfn", hs="33049900", av="0.1"), "hs_code", "bad_hs_code"),
    (rate("mfn", hs="0000000000", av="0.1"), "hs_code", "hs_chapter_unknown"),
    (rate("mfn", hs="7700000000", av="0.1"), "hs_code", "hs_chapter_unknown"),  # chapter 77 is reserved
    (rate("agreement", av="0.1"), "origin", "origin_required"),
    (rate("mfn", av="0.1", origin="KR"), "origin", "origin_only_for_agreement"),
    (rate("mfn"), "ad_valorem", "rate_missing"),
    (rate("mfn", av="-0.1"), "rate.ad_valorem", "rate_negative"),
    (rate("consumption_tax", av="1"), "rate.ad_valorem", "rate_too_high"),
    (rate("vat", sp="1"), "specific", "vat_is_ad_valorem"),
    (rate("mfn", av="x"), "ad_valorem", "not_a_number"),
    (rate("mfn", av="0.1", start=""), "valid_from", "required"),
    (rate("mfn", av="0.1", start="2026-13-01"), "valid_from", "bad_date"),
])
def test_rate_row_problems(row, field, code):
    parsed, problems = parse_rate_row(row)
    assert parsed is None and (field, code) in [(p.field, p.code) for p in problems]


@pytest.mark.parametrize("row,field,code", [
    ({**FX[0], "currency": "CNY"}, "currency", "bad_currency"),
    ({**FX[0], "cny": "0"}, "cny", "fx_not_positive"),
    ({**FX[0], "per": "10"}, "per", "bad_choice"),
])
def test_fx_row_problems(row, field, code):
    parsed, problems = parse_fx_row(row)
    assert parsed is None and (field, code) in [(p.field, p.code) for p in problems]


def test_import_rates_and_quote_uses_them(world):
    customs = world.actor("customs")
    assert services.import_tax_rates(actor=customs, rows=COSMETICS) == 5
    assert services.import_exchange_rates(actor=customs, rows=FX) == 2
    assert AuditEvent.objects.filter(action__startswith="duties.").count() == 2
    doc = {"declared_on": "2026-05-12", "lines": [
        {"hs_code": "3304990099", "quantity": "10", "unit": "035", "value": "2000", "currency": "USD"},
        {"hs_code": "3304990099", "quantity": "1", "unit": "035", "value": "100000", "currency": "JPY",
         "origin": "KR"}]}
    got = services.quote(world.actor("ent_a"), doc)
    first, second = got["lines"]
    # 2000 USD × 7.10 = 14 200.00; provisional 1 % (it is in force until 2026-06-30)
    assert (first["customs_value"], first["tariff"]) == ("14200.00", "142.00")
    assert first["sources"]["tariff"].startswith("provisional")
    # 100 000 JPY × 4.80 / 100 = 4 800.00; KR agreement 3.2 % vs provisional 1 %: the lower (provisional)
    assert (second["customs_value"], second["tariff"]) == ("4800.00", "48.00")
    # CT (14 200 + 142) / 0.85 × 0.15 = 2 530.94; VAT (14 200 + 142 + 2 530.94) × 0.13 = 2 193.48
    assert (first["consumption_tax"], first["vat"]) == ("2530.94", "2193.48")
    # after the provisional rate ends, MFN applies to the first line and the KR agreement rate to the second
    later = services.quote(world.actor("ent_a"), {**doc, "declared_on": "2026-07-01", "lines": [
        {**doc["lines"][0], "currency": "CNY", "value": "1000"}, {**doc["lines"][1], "currency": "", "value": "1000"}]})
    assert [line["tariff"] for line in later["lines"]] == ["50.00", "32.00"]


def test_quote_refuses_unknown_code_and_missing_fx(world):
    services.import_tax_rates(actor=world.actor("customs"), rows=COSMETICS)
    with pytest.raises(DomainError) as exc:
        services.quote(world.actor("ent_a"), {"declared_on": "2026-05-12", "lines": [
            {"hs_code": "8471300000", "quantity": "1", "unit": "035", "customs_value": "10"},
            {"hs_code": "3304990099", "quantity": "1", "unit": "035", "value": "10", "currency": "EUR"}]})
    assert [(p.field, p.code) for p in exc.value.problems] == [
        ("lines[1].tariff", "no_rate_for_code"), ("lines[1].vat_rate", "no_rate_for_code"),
        ("lines[2].currency", "no_fx_rate_on")]


def test_overlapping_periods_are_refused_and_nothing_is_written(world):
    customs = world.actor("customs")
    services.import_tax_rates(actor=customs, rows=COSMETICS)
    with pytest.raises(DomainError) as exc:
        services.import_tax_rates(actor=customs, rows=[rate("mfn", hs="8471300000", av="0"),
                                                       rate("mfn", av="0.04", start="2026-03-01")])
    assert [(p.field, p.code) for p in exc.value.problems] == [("row 2", "period_overlap")]
    with pytest.raises(DomainError) as exc:
        services.import_tax_rates(actor=customs, rows=[rate("vat", hs="8471300000", av="0.13"),
                                                       rate("vat", hs="8471300000", av="0.09", start="2026-02-01")])
    assert [(p.field, p.code) for p in exc.value.problems] == [("row 2", "period_overlap")]
    with pytest.raises(DomainError):
        services.import_exchange_rates(actor=customs, rows=FX + [{**FX[0], "valid_from": "2026-05-31", "valid_to": ""}])
    assert TaxRate.objects.count() == 5 and ExchangeRate.objects.count() == 0


def test_ending_a_rate_lets_the_next_one_start(world):
    customs = world.actor("customs")
    services.import_tax_rates(actor=customs, rows=COSMETICS)
    mfn = TaxRate.objects.get(kind="mfn")
    with pytest.raises(DomainError) as exc:
        services.end_tax_rate(actor=customs, rate_id=mfn.pk, valid_to="2025-12-31")
    assert exc.value.problems[0].code == "period_reversed"
    services.end_tax_rate(actor=customs, rate_id=mfn.pk, valid_to="2026-02-28")
    assert services.import_tax_rates(actor=customs, rows=[rate("mfn", av="0.04", start="2026-03-01")]) == 1
    assert [r.ad_valorem for r in selectors.tax_rates(customs, kind="mfn", on=date(2026, 3, 1))] == [D("0.0400")]


def test_enterprises_cannot_change_rates(world):
    with pytest.raises(DomainError) as exc:
        services.import_tax_rates(actor=world.actor("ent_a"), rows=COSMETICS)
    assert exc.value.status == 403 and TaxRate.objects.count() == 0


def test_api_import_list_and_end(world, client):
    client.login(username="customs", password=PASSWORD)
    csv = "kind,hs_code,origin,ad_valorem,specific,valid_from,valid_to,source\n" + "\n".join(
        ",".join(r[k] for k in ("kind", "hs_code", "origin", "ad_valorem", "specific", "valid_from", "valid_to",
                                "source")) for r in COSMETICS)
    r = client.post("/api/v1/duties/tax-rates/import", {"file": SimpleUploadedFile("r.csv", csv.encode())})
    assert r.status_code == 201 and r.json() == {"rows": 5}
    r = client.post("/api/v1/duties/tax-rates/import", {"file": SimpleUploadedFile("r.csv", csv.encode())})
    assert r.status_code == 400 and {e["field"] for e in r.json()["errors"]} == {f"row {i}" for i in range(1, 6)}
    listed = client.get("/api/v1/duties/tax-rates?hs_code=3304&on=2026-07-01").json()
    assert listed["count"] == 4 and "provisional" not in {x["kind"] for x in listed["items"]}
    mfn = TaxRate.objects.get(kind="mfn")
    r = client.post(f"/api/v1/duties/tax-rates/{mfn.pk}/end", {"valid_to": "2026-02-28"}, content_type="application/json")
    assert r.status_code == 200 and r.json()["valid_to"] == "2026-02-28"
    fx = json.dumps(FX).encode()
    r = client.post("/api/v1/duties/exchange-rates/import", {"file": SimpleUploadedFile("fx.json", fx)})
    assert r.status_code == 201
    assert client.get("/api/v1/duties/exchange-rates?currency=usd&on=2026-05-31").json()["count"] == 1


def test_pages_list_import_and_filter(world, client):
    client.login(username="customs", password=PASSWORD)
    csv = "currency,cny,per,valid_from,valid_to\nUSD,7.10,1,2026-05-01,2026-05-31\n"
    r = client.post("/duties/fx/", {"file": SimpleUploadedFile("fx.csv", csv.encode())})
    assert r.status_code == 302 and ExchangeRate.objects.count() == 1
    page = client.get("/duties/fx/?currency=USD").content.decode()
    assert "7.100000" in page and 'data-testid="fx-import"' in page
    r = client.post("/duties/fx/", {"file": SimpleUploadedFile("fx.csv", csv.encode())}, follow=True)
    assert "overlaps" in r.content.decode() or "重叠" in r.content.decode()
    assert ExchangeRate.objects.count() == 1
    client.login(username="ent_a", password=PASSWORD)
    page = client.get("/duties/rates/?on=bad").content.decode()
    assert 'data-testid="rates-import"' not in page and "bad" in page
    assert client.post("/duties/fx/", {"file": SimpleUploadedFile("fx.csv", csv.encode())}).status_code == 403


def test_cli_import_and_list(world, tmp_path):
    path = tmp_path / "fx.json"
    path.write_text(json.dumps(FX))
    out = io.StringIO()
    call_command("duty", "--user", "customs", "import-fx", str(path), stdout=out)
    assert json.loads(out.getvalue()) == {"rows": 2}
    out = io.StringIO()
    call_command("duty", "fx", "--currency", "JPY", stdout=out)
    assert json.loads(out.getvalue())["per"] == 100
    with pytest.raises(CommandError, match="--user"):
        call_command("duty", "import-fx", str(path))
    with pytest.raises(CommandError):
        call_command("duty", "--user", "customs", "import-fx", str(path))  # overlaps what is stored
    with pytest.raises(CommandError, match="“2026-02-30”不是日期"):
        call_command("duty", "rates", "--on", "2026-02-30")
