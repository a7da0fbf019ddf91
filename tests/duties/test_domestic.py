"""Domestic sale (内销) on both bases: the pure comparison against worked example D, and the services end to
end — request (both quotations side by side), choose (the list is filed through supervision), confirm (the
list approved, the tax bill issued), payment; refusals write nothing; idempotent replays; CLI and API."""

from __future__ import annotations

import json
import uuid
from datetime import date, timedelta
from decimal import Decimal as D

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from bondzone.core.domain.errors import DomainError
from bondzone.core.models import AuditEvent
from bondzone.duties import services
from bondzone.duties.domain import domestic as rules
from bondzone.duties.domain.engine import Line, Rate
from bondzone.duties.models import DomesticSale, TaxBill, TaxRate
from bondzone.processing import services as processing
from bondzone.supervision import services as ledger
from bondzone.supervision.domain.posting import Move
from bondzone.supervision.models import BookItem, StockAccount, VerificationList
from tests.conftest import PASSWORD
from tests.processing.conftest import hbook, stock_in  # noqa: F401  (the H book fixture)


def key() -> str:
    return uuid.uuid4().hex


# --- the pure comparison ------------------------------------------------------------------------------


def test_worked_example_d_both_bases():
    """domain-customs.md §5.3 D in yuan: finished 1,200,000 @ 20 %; materials A 500,000 @ 2 %, B 100,000 @ 5 %,
    C 400,000 @ 3 %; VAT 13 %; interest on 27,000 for 180 days at 0.35 % = 47.25."""
    finished = [Line("8501109990", D(1), "007", D("1200000.00"), Rate(D("0.20")), Rate(), D("0.13"))]
    mats = [[rules.Material(1, "7408110000", D(1), "035", D("500000.00"), Rate(D("0.02"))),
             rules.Material(2, "7318159001", D(1), "007", D("100000.00"), Rate(D("0.05"))),
             rules.Material(3, "3901100000", D(1), "035", D("400000.00"), Rate(D("0.03")))]]
    goods = rules.goods_basis(finished)
    assert (goods.totals["tariff"], goods.totals["vat"], goods.total) == (D("240000.00"), D("187200.00"),
                                                                          D("427200.00"))
    m = rules.materials_basis(finished, mats, days=180, rate=D("0.0035"))
    assert (m.totals["tariff"], m.totals["vat"], m.interest) == (D("27000.00"), D("159510.00"), D("47.25"))
    assert m.total == D("186557.25")
    assert rules.cheaper(goods, m) == "materials" and rules.cheaper(goods, None) == "goods"
    # the interest threshold is a setting: with it, 47.25 (≤ 50) is not charged
    assert rules.materials_basis(finished, mats, days=180, rate=D("0.0035"), interest_threshold=True).interest == 0


def test_interest_and_due_dates():
    assert rules.interest(D("27000"), 0, D("0.0035")) == 0
    assert rules.interest(D("14040"), 1, D("0.0035")) == D("0.14")  # 0.1365 rounds half up
    assert rules.interest_days(date(2026, 1, 1), date(2026, 6, 30)) == 180
    assert rules.late_surcharge(D("14040.00"), 10) == D("70.20")  # notes §5.3 F
    assert rules.late_surcharge(D("14040.00"), 7) == 0  # 49.14: below the 50-yuan 起征点, not collected


def test_goods_basis_ties_go_to_goods():
    finished = [Line("8501109990", D(1), "007", D("1000.00"), Rate(D("0.10")), Rate(), D("0.13"))]
    same = [[rules.Material(1, "7408110000", D(1), "035", D("1000.00"), Rate(D("0.10")))]]
    assert rules.cheaper(rules.goods_basis(finished), rules.materials_basis(finished, same, days=0)) == "goods"


# --- services --------------------------------------------------------------------------------------------

TODAY = timezone.localdate()


@pytest.fixture
def sale_book(hbook):  # noqa: F811
    """The H book with priced materials, an approved BOM (2 kg of copper and 4 screws per motor), 5 motors
    in bonded stock, and rates for the three codes."""
    BookItem.objects.filter(book=hbook.book, item_no=1).update(unit_price=D("50000"))
    BookItem.objects.filter(book=hbook.book, item_no=2).update(unit_price=D("5000"))
    owner, customs = hbook.actor("ent_a"), hbook.actor("customs")
    b = processing.declare_bom(actor=owner, book_id=hbook.book.pk, data={
        "finished_no": 10, "version": "V1", "valid_from": (TODAY - timedelta(days=30)).isoformat(),
        "lines": [{"material_no": 1, "net": "1.8", "loss_pct": "10"}, {"material_no": 2, "net": "4"}]})
    processing.decide_bom(actor=customs, bom_id=b.pk, approve=True)
    ledger.post_document(actor=owner, book_id=hbook.book.pk, source_kind="production", source_id=1,
                         moves=[Move(1, 10, "bonded", D(5))], event_id=key(), idempotency_key=key())
    for hs, rate in (("8501109990", "0.20"), ("7408110000", "0.02"), ("7318159001", "0.05")):
        TaxRate.objects.create(kind="mfn", hs_code=hs, ad_valorem=D(rate), valid_from=date(2026, 1, 1))
        TaxRate.objects.create(kind="vat", hs_code=hs, ad_valorem=D("0.13"), valid_from=date(2026, 1, 1))
    return hbook


def item(h, no):
    return BookItem.objects.get(book=h.book, item_no=no)


def request(h, **kw):
    data = {"book_id": h.book.pk, "declared_on": TODAY.isoformat(),
            "interest_since": (TODAY - timedelta(days=180)).isoformat(),
            "lines": [{"item_id": item(h, 10).pk, "quantity": "5", "customs_value": "1200000.00"}], **kw}
    return services.request_domestic_sale(actor=h.actor("ent_a"), data=data, idempotency_key=key())


def test_request_quotes_both_bases_side_by_side(sale_book):
    s = request(sale_book)
    g, m = s.goods_quote, s.materials_quote
    assert g["totals"]["total"] == "427200.00" and g["rate_date"] == TODAY.isoformat()
    assert "mfn" in json.dumps(g["lines"][0]["sources"])  # the rate rows used are named
    # 5 motors consume 10 kg copper (2 per unit) = 500,000 and 20 screws = 100,000
    mats = m["lines"][0]["materials"]
    assert [(x["item_no"], x["quantity"], x["customs_value"], x["tariff"]) for x in mats] == [
        (1, "10.00000", "500000.00", "10000.00"), (2, "20.00000", "100000.00", "5000.00")]
    # T_m 15,000; VAT (1,200,000 + 15,000) × 13 % = 157,950; interest 15,000 × 180 × 0.35 % / 360 = 26.25
    assert (m["totals"]["tariff"], m["totals"]["vat"], m["totals"]["interest"], m["totals"]["total"]) == (
        "15000.00", "157950.00", "26.25", "172976.25")
    assert s.cheaper == "materials" and s.status == "quoted" and s.number.startswith("NX")
    assert AuditEvent.objects.filter(action="duties.domestic_requested").count() == 1


def test_materials_basis_only_for_zone_made_goods(sale_book):
    stock_in(sale_book, [(1, "5")])
    s = request(sale_book, lines=[{"item_id": item(sale_book, 1).pk, "quantity": "5", "customs_value": "1000.00"}])
    assert s.materials_quote is None and s.cheaper == "goods"
    with pytest.raises(DomainError) as err:
        services.choose_domestic_basis(actor=sale_book.actor("ent_a"), sale_id=s.pk, basis="materials",
                                       idempotency_key=key())
    assert [p.code for p in err.value.problems] == ["domestic_no_materials_basis"]
    assert VerificationList.objects.filter(direction="E").count() == 0


def test_choose_confirm_pay_end_to_end(sale_book):
    h = sale_book
    s = request(h)
    k = key()
    s = services.choose_domestic_basis(actor=h.actor("ent_a"), sale_id=s.pk, basis="materials", idempotency_key=k)
    again = services.choose_domestic_basis(actor=h.actor("ent_a"), sale_id=s.pk, basis="materials",
                                           idempotency_key=k)
    assert again.vlist_id == s.vlist_id and VerificationList.objects.filter(direction="E").count() == 1
    v = s.vlist
    assert (s.status, v.status, v.trade_mode, v.direction) == ("declared", "submitted", "5100", "E")
    assert "A-选择性征关税" in v.remarks
    with pytest.raises(DomainError):  # the enterprise cannot confirm
        services.confirm_domestic_sale(actor=h.actor("ent_a"), sale_id=s.pk, idempotency_key=key())
    k = key()
    s = services.confirm_domestic_sale(actor=h.actor("customs"), sale_id=s.pk, idempotency_key=k)
    services.confirm_domestic_sale(actor=h.actor("customs"), sale_id=s.pk, idempotency_key=k)
    assert TaxBill.objects.count() == 1
    bill = TaxBill.objects.get()
    assert (bill.basis, bill.tariff, bill.vat, bill.interest, bill.total, bill.state) == (
        "materials", D("15000.00"), D("157950.00"), D("26.25"), D("172976.25"), "unpaid")
    from bondzone.core.selectors import work_calendar
    assert bill.due_on == rules.due_date(TODAY, work_calendar()) >= TODAY + timedelta(days=15)
    assert bill.vlist_id == s.vlist_id
    s.vlist.refresh_from_db()
    assert s.status == "confirmed" and s.vlist.status == "approved" and s.vlist.posting_state == "reserved"
    with pytest.raises(DomainError) as err:  # paid before it was issued
        services.record_tax_payment(actor=h.actor("customs"), bill_id=bill.pk,
                                    data={"paid_on": (TODAY - timedelta(days=1)).isoformat(), "reference": "B1"},
                                    idempotency_key=key())
    assert [p.field for p in err.value.problems] == ["paid_on"]
    bill = services.record_tax_payment(actor=h.actor("customs"), bill_id=bill.pk, data={"reference": "BANK-1"},
                                       idempotency_key=key())
    assert (bill.state, bill.paid_on, bill.payment_reference) == ("paid", TODAY, "BANK-1")
    with pytest.raises(DomainError) as err:
        services.record_tax_payment(actor=h.actor("customs"), bill_id=bill.pk, data={"reference": "BANK-2"},
                                    idempotency_key=key())
    assert [p.code for p in err.value.problems] == ["tax_bill_paid"]


def test_status_change_posts_bonded_to_duty_paid(sale_book):
    h = sale_book
    s = request(h, mode="status")
    s = services.choose_domestic_basis(actor=h.actor("ent_a"), sale_id=s.pk, basis="goods", idempotency_key=key())
    assert s.vlist.trade_mode == "9900"
    services.confirm_domestic_sale(actor=h.actor("customs"), sale_id=s.pk, idempotency_key=key())
    acc = {a.goods_status: a.posted for a in StockAccount.objects.filter(item=item(h, 10))}
    assert acc == {"bonded": D(0), "duty_paid": D(5)}
    assert TaxBill.objects.get().total == D("427200.00")


@pytest.mark.parametrize("change, field, code", [
    ({"lines": [{"item_id": 0, "quantity": "5", "customs_value": "1"}]}, "lines[1].item_id", None),
    ({"lines": [{"item_id": "ITEM", "quantity": "-1", "customs_value": "1"}]}, "lines[1].quantity", None),
    ({"lines": [{"item_id": "ITEM", "quantity": "1", "customs_value": "-1"}]}, "lines[1].customs_value", None),
    ({"lines": [{"item_id": "ITEM", "quantity": "6", "customs_value": "1"}]}, "lines[1].quantity",
     "domestic_item_not_bonded"),
    ({"mode": "gift"}, "mode", "bad_choice"),
    ({"interest_since": "2099-01-01"}, "interest_since", None),
    ({"declared_on": "2026-01-02", "interest_since": "2026-01-05"}, "interest_since", "period_reversed"),
    ({"book_id": 999999}, "book_id", "not_found"),
])
def test_bad_requests_write_nothing(sale_book, change, field, code):
    h = sale_book
    if "lines" in change:
        change = json.loads(json.dumps(change).replace('"ITEM"', str(item(h, 10).pk)))
    with pytest.raises(DomainError) as err:
        request(h, **change)
    assert field in [p.field for p in err.value.problems]
    if code:
        assert code in [p.code for p in err.value.problems]
    assert DomesticSale.objects.count() == 0


def test_another_enterprise_cannot_use_the_book_or_see_the_sale(sale_book):
    h = sale_book
    with pytest.raises(DomainError) as err:
        services.request_domestic_sale(actor=h.actor("ent_b"), data={
            "book_id": h.book.pk, "lines": [{"item_id": item(h, 10).pk, "quantity": "1", "customs_value": "1"}]},
            idempotency_key=key())
    assert [p.field for p in err.value.problems] == ["book_id"]
    s = request(h)
    from bondzone.core.domain.errors import NotFound
    with pytest.raises(NotFound):
        services.choose_domestic_basis(actor=h.actor("ent_b"), sale_id=s.pk, basis="goods", idempotency_key=key())


# --- the tax bill: PDF and tables, CLI and API ---------------------------------------------------------


def confirmed(h):
    s = request(h)
    s = services.choose_domestic_basis(actor=h.actor("ent_a"), sale_id=s.pk, basis="materials",
                                       idempotency_key=key())
    return services.confirm_domestic_sale(actor=h.actor("customs"), sale_id=s.pk, idempotency_key=key())


def test_tax_bill_exports(sale_book, tmp_path):
    from bondzone.duties import exports

    bill = confirmed(sale_book).bill
    body = exports.bill_pdf(bill)
    assert body.startswith(b"%PDF") and len(body) > 1000
    rows = exports.bill_table(bill, fmt="json")
    data = json.loads(rows)
    kinds = [(r["tax_kind"], r["line"], r["amount"]) for r in data]
    assert ("tariff", "", "15000.00") in kinds and ("vat", 1, "157950.00") in kinds and ("interest", "", "26.25") in kinds
    csv = exports.bill_table(bill, fmt="csv").decode("utf-8-sig")
    assert bill.number in csv and "157950.00" in csv


def test_cli_domestic_flow(sale_book, tmp_path, capsys):
    h = sale_book
    doc = tmp_path / "sale.json"
    doc.write_text(json.dumps({"book_id": h.book.pk, "interest_since": (TODAY - timedelta(days=180)).isoformat(),
                               "lines": [{"item_id": item(h, 10).pk, "quantity": "5",
                                          "customs_value": "1200000.00"}]}))
    call_command("domestic", "request", "--user", "ent_a", "--file", str(doc))
    out = json.loads(capsys.readouterr().out)
    assert out["cheaper"] == "materials" and out["materials"]["totals"]["total"] == "172976.25"
    call_command("domestic", "choose", str(out["id"]), "--user", "ent_a", "--basis", "materials")
    call_command("domestic", "confirm", str(out["id"]), "--user", "customs")
    capsys.readouterr()
    bill = TaxBill.objects.get()
    call_command("tax_bill", str(bill.pk), "--user", "ent_a", "--format", "csv")
    assert "172976.25" in capsys.readouterr().out
    pdf = tmp_path / "bill.pdf"
    call_command("tax_bill", str(bill.pk), "--user", "tax", "--format", "pdf", "--output", str(pdf))
    assert pdf.read_bytes().startswith(b"%PDF")
    with pytest.raises(CommandError, match="无法使用 .*b.pdf"):  # was a FileNotFoundError traceback
        call_command("tax_bill", str(bill.pk), "--user", "tax", "--format", "pdf", "--output", str(tmp_path / "no" / "b.pdf"))
    with pytest.raises(CommandError, match="basis"):
        call_command("domestic", "choose", str(out["id"]), "--user", "ent_a", "--basis", "cheapest")
    with pytest.raises(CommandError):
        call_command("tax_bill", str(bill.pk), "--user", "ent_b", "--format", "csv")


def test_api_domestic_flow(sale_book, client):
    h = sale_book
    client.login(username="ent_a", password=PASSWORD)
    body = {"book_id": h.book.pk, "lines": [{"item_id": item(h, 10).pk, "quantity": "5",
                                             "customs_value": "1200000.00"}]}
    r = client.post("/api/v1/duties/domestic-sales", body, content_type="application/json",
                    headers={"Idempotency-Key": key()})
    assert r.status_code == 201, r.content
    sale_id = r.json()["id"]
    assert r.json()["goods"]["totals"]["total"] == "427200.00"
    bad = client.post("/api/v1/duties/domestic-sales", {**body, "mode": "x"}, content_type="application/json",
                      headers={"Idempotency-Key": key()})
    assert bad.status_code == 400 and DomesticSale.objects.count() == 1
    r = client.post(f"/api/v1/duties/domestic-sales/{sale_id}/choose", {"basis": "goods"},
                    content_type="application/json", headers={"Idempotency-Key": key()})
    assert r.status_code == 200 and r.json()["status"] == "declared"
    client.logout()
    client.login(username="customs", password=PASSWORD)
    r = client.post(f"/api/v1/duties/domestic-sales/{sale_id}/confirm", {}, content_type="application/json",
                    headers={"Idempotency-Key": key()})
    assert r.status_code == 200 and r.json()["status"] == "confirmed"
    bill = TaxBill.objects.get()
    assert client.get(f"/api/v1/duties/tax-bills/{bill.pk}").json()["total"] == "427200.00"
    assert client.get(f"/api/v1/duties/tax-bills/{bill.pk}/export?format=pdf").content.startswith(b"%PDF")
    assert "427200.00" in client.get(f"/api/v1/duties/tax-bills/{bill.pk}/export?format=csv").content.decode("utf-8-sig")
    r = client.post(f"/api/v1/duties/tax-bills/{bill.pk}/payment", {"reference": "B-1"},
                    content_type="application/json", headers={"Idempotency-Key": key()})
    assert r.status_code == 200 and r.json()["state"] == "paid"


def test_pages_side_by_side_choose_confirm_pay(sale_book, client):
    h = sale_book
    s = request(h)
    client.login(username="ent_a", password=PASSWORD)
    page = client.get(f"/duties/domestic/{s.pk}/").content.decode()
    assert "427200.00" in page and "172976.25" in page and 'data-testid="choose-materials"' in page
    assert client.get("/duties/domestic/").status_code == 200
    assert client.get("/duties/domestic/new").status_code == 200
    r = client.post("/duties/domestic/new", {"idempotency_key": key(), "book_id": h.book.pk,
                                             "lines[1].item_id": item(h, 10).pk, "lines[1].quantity": "-1",
                                             "lines[1].customs_value": "1"})
    assert r.status_code == 302 and DomesticSale.objects.count() == 1  # refused: nothing written
    r = client.post(f"/duties/domestic/{s.pk}/choose", {"basis": "materials", "idempotency_key": key()})
    assert r.status_code == 302 and DomesticSale.objects.get().status == "declared"
    client.logout()
    client.login(username="customs", password=PASSWORD)
    client.post(f"/duties/domestic/{s.pk}/confirm", {"idempotency_key": key()})
    bill = TaxBill.objects.get()
    page = client.get(f"/duties/tax-bills/{bill.pk}/").content.decode()
    assert "172976.25" in page and 'data-testid="pay"' in page
    assert client.get(f"/duties/tax-bills/{bill.pk}/export?format=pdf").content.startswith(b"%PDF")
    assert client.get(f"/duties/tax-bills/{bill.pk}/export?format=xlsx").status_code == 200
    assert client.get("/duties/tax-bills/").status_code == 200
    client.post(f"/duties/tax-bills/{bill.pk}/pay", {"reference": "", "idempotency_key": key()})
    assert TaxBill.objects.get().state == "unpaid"  # the reference is required
    client.post(f"/duties/tax-bills/{bill.pk}/pay", {"reference": "BK-1", "idempotency_key": key()})
    assert TaxBill.objects.get().state == "paid"


def test_a_rate_change_requotes_open_sales(sale_book):
    h = sale_book
    open_sale = request(h)
    done = request(h)
    services.choose_domestic_basis(actor=h.actor("ent_a"), sale_id=done.pk, basis="goods", idempotency_key=key())
    customs = h.actor("customs")
    mfn = TaxRate.objects.get(kind="mfn", hs_code="8501109990")
    services.end_tax_rate(actor=customs, rate_id=mfn.pk, valid_to=(TODAY - timedelta(days=1)).isoformat())
    open_sale.refresh_from_db()
    assert "no_rate_for_code" in open_sale.requotes[-1]["problem"]
    assert open_sale.goods_quote["totals"]["total"] == "427200.00"  # the old figures stand
    services.import_tax_rates(actor=customs, rows=[{"kind": "mfn", "hs_code": "8501109990", "ad_valorem": "0.10",
                                                    "valid_from": TODAY.isoformat()}])
    open_sale.refresh_from_db()
    last = open_sale.requotes[-1]
    # tariff 10 %: 120,000; VAT (1,200,000 + 120,000) × 13 % = 171,600 → 291,600; the materials basis is unchanged
    assert last["goods"] == ["427200.00", "291600.00"] and last["materials"] == ["172976.25", "172976.25"]
    assert open_sale.goods_quote["totals"]["total"] == "291600.00" and open_sale.cheaper == "materials"
    done.refresh_from_db()
    assert done.requotes == [] and done.goods_quote["totals"]["total"] == "427200.00"  # chosen: not re-rated
    assert AuditEvent.objects.filter(action="duties.domestic_requoted").count() == 1


def test_a_choice_made_meanwhile_leaves_no_second_list(sale_book, monkeypatch):
    """Two choices race: the one that loses has its list withdrawn and deleted through supervision."""
    from bondzone.duties.services import domestic as flow

    h = sale_book
    s = request(h)
    other = VerificationList.objects.filter(direction="I").first()
    original = flow.list_services.submit_list

    def submit_then_lose(**kw):
        out = original(**kw)
        DomesticSale.objects.filter(pk=s.pk).update(status="declared", basis="goods", vlist=other)
        return out

    monkeypatch.setattr(flow.list_services, "submit_list", submit_then_lose)
    with pytest.raises(DomainError) as err:
        services.choose_domestic_basis(actor=h.actor("ent_a"), sale_id=s.pk, basis="materials", idempotency_key=key())
    assert [p.code for p in err.value.problems] == ["domestic_state"]
    assert VerificationList.objects.filter(direction="E").count() == 0


def test_a_step_in_the_wrong_state_names_the_states_in_the_readers_language(sale_book, client):
    """zh-Hans said “内销申请状态为 quoted，此步骤需要 declared”: the status codes inside a Chinese sentence."""
    s = request(sale_book)
    client.login(username="ent_a", password=PASSWORD)
    r = client.post(f"/api/v1/duties/domestic-sales/{s.pk}/withdraw", {}, content_type="application/json",
                    headers={"Idempotency-Key": key()})
    message = r.json()["errors"][0]["message"]
    assert r.status_code == 400 and "已试算" in message and "已申报" in message and "quoted" not in message, message


def test_a_tax_bill_export_in_an_unknown_format_is_refused_not_answered_as_csv(sale_book, client):
    bill = confirmed(sale_book).bill
    client.login(username="ent_a", password=PASSWORD)
    r = client.get(f"/api/v1/duties/tax-bills/{bill.pk}/export?format=exe")
    assert r.status_code == 400 and r.json()["errors"][0]["field"] == "format"
    r = client.get(f"/duties/tax-bills/{bill.pk}/export?format=exe")
    assert r.status_code == 400 and "text/csv" not in r["Content-Type"]
    r = client.get(f"/duties/tax-bills/{bill.pk}/export?format=xlsx")
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxmlformats")


def test_the_tax_bill_page_payment_rule_is_translated(sale_book, client):
    """The page's {% translate %} of "… 0.05 % of the unpaid tax …" is looked up as "0.05 %% of": the catalogue's
    single-% entry never matched and the zh-Hans page showed the English sentence."""
    bill = confirmed(sale_book).bill
    client.login(username="ent_a", password=PASSWORD)
    page = client.get(f"/duties/tax-bills/{bill.pk}/").content.decode()
    assert "不足 50 元不征收" in page and "Pay within 15 days" not in page
