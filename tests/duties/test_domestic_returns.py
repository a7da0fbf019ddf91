"""A domestic sale whose list comes back (customs rejects it, or the enterprise withdraws it) is not stuck:
it becomes `returned`, the enterprise corrects and resubmits (choosing the basis again) or cancels; a list
customs approved without the sale's confirmation is cancelled through supervision (reservations voided).
And the late-payment surcharge (滞纳金): the deadline on the working-day calendar, the edge days, recorded
with the payment, shown on the bill."""

from __future__ import annotations

import io
import json
from datetime import date, timedelta
from decimal import Decimal as D

import pytest
from django.core.management import CommandError, call_command

from bondzone.core.domain.errors import DomainError
from bondzone.core.domain.workdays import CalendarMissing, WorkCalendar
from bondzone.core.models import AuditEvent
from bondzone.duties import services
from bondzone.duties.domain import domestic as rules
from bondzone.duties.models import DomesticSale, TaxBill
from bondzone.supervision import services as lists
from bondzone.supervision.models import StockAccount, VerificationList
from tests.conftest import PASSWORD
from tests.duties.test_domestic import TODAY, item, key, request, sale_book  # noqa: F401
from tests.processing.conftest import hbook  # noqa: F401


def declared(h, basis="materials"):
    s = request(h)
    return services.choose_domestic_basis(actor=h.actor("ent_a"), sale_id=s.pk, basis=basis, idempotency_key=key())


def reserved(h) -> D:
    return sum((a.reserved for a in StockAccount.objects.filter(item=item(h, 10))), D(0))


# --- a rejected or withdrawn list -----------------------------------------------------------------------


def test_rejected_list_returns_the_sale_then_resubmit_and_confirm(sale_book):  # noqa: F811
    h = sale_book
    s = declared(h)
    lists.reject_list(actor=h.actor("customs"), list_id=s.vlist_id, reason="规格型号不全")
    # customs rejected in supervision's pages: confirming now is refused and the sale is recorded as returned
    with pytest.raises(DomainError) as err:
        services.confirm_domestic_sale(actor=h.actor("customs"), sale_id=s.pk, idempotency_key=key())
    assert [p.code for p in err.value.problems] == ["domestic_list_returned"]
    s.refresh_from_db()
    assert s.status == "returned" and TaxBill.objects.count() == 0
    ev = AuditEvent.objects.get(action="duties.domestic_list_returned")
    assert ev.after["reason"] == "规格型号不全" and ev.after["list_status"] == "rejected"
    # corrected and resubmitted on the other basis: the same list, a draft again, then submitted
    s = services.choose_domestic_basis(actor=h.actor("ent_a"), sale_id=s.pk, basis="goods", idempotency_key=key())
    v = VerificationList.objects.get(pk=s.vlist_id)
    assert (s.status, s.basis, v.status, VerificationList.objects.filter(direction="E").count()) == ("declared", "goods", "submitted", 1)
    assert "A-选择性征关税" not in v.remarks
    assert AuditEvent.objects.filter(action="duties.domestic_resubmitted").count() == 1
    s = services.confirm_domestic_sale(actor=h.actor("customs"), sale_id=s.pk, idempotency_key=key())
    assert s.status == "confirmed" and TaxBill.objects.get().total == D("427200.00")


def test_sweep_marks_sales_whose_list_was_rejected(sale_book):  # noqa: F811
    h = sale_book
    s = declared(h)
    assert services.sync_returned_sales() == 0
    lists.reject_list(actor=h.actor("customs"), list_id=s.vlist_id, reason="退单")
    assert services.sync_returned_sales() == 1
    assert DomesticSale.objects.get(pk=s.pk).status == "returned"
    assert services.sync_returned_sales() == 0  # nothing twice


def test_a_cron_runs_the_sweep_as_the_system(sale_book):  # noqa: F811
    """The worker's schedule runs the sweep every 10 minutes; without a broker a cron runs `bondzone sync-returned-sales`."""
    h = sale_book
    s = declared(h)
    lists.reject_list(actor=h.actor("customs"), list_id=s.vlist_id, reason="退单")
    out = io.StringIO()
    call_command("sync_returned_sales", stdout=out)
    assert json.loads(out.getvalue()) == {"returned": 1}
    assert DomesticSale.objects.get(pk=s.pk).status == "returned"
    assert AuditEvent.objects.filter(object_id=str(s.pk), actor_name="system").exists()


def test_withdraw_then_cancel_deletes_the_draft_list(sale_book):  # noqa: F811
    h = sale_book
    s = declared(h)
    s = services.withdraw_domestic_sale(actor=h.actor("ent_a"), sale_id=s.pk)
    assert s.status == "returned" and VerificationList.objects.get(direction="E").status == "draft"
    with pytest.raises(DomainError) as err:  # a reason is required; nothing changes
        services.cancel_domestic_sale(actor=h.actor("ent_a"), sale_id=s.pk, reason=" ", idempotency_key=key())
    assert [p.field for p in err.value.problems] == ["reason"]
    assert VerificationList.objects.filter(direction="E").count() == 1
    s = services.cancel_domestic_sale(actor=h.actor("ent_a"), sale_id=s.pk, reason="买方取消", idempotency_key=key())
    assert (s.status, s.vlist_id, VerificationList.objects.filter(direction="E").count()) == ("cancelled", None, 0)
    assert AuditEvent.objects.get(action="duties.domestic_cancelled").after["reason"] == "买方取消"
    with pytest.raises(DomainError):  # a cancelled sale cannot be chosen again
        services.choose_domestic_basis(actor=h.actor("ent_a"), sale_id=s.pk, basis="goods", idempotency_key=key())


def test_cancel_after_approval_voids_the_reservation_through_the_ledger(sale_book):  # noqa: F811
    h = sale_book
    s = declared(h)
    lists.approve_list(actor=h.actor("customs"), list_id=s.vlist_id, idempotency_key=key())
    assert reserved(h) == D(5)
    s = services.cancel_domestic_sale(actor=h.actor("ent_a"), sale_id=s.pk, reason="不再内销", idempotency_key=key())
    v = VerificationList.objects.get(direction="E")
    assert (s.status, v.status, v.posting_state, reserved(h)) == ("cancelled", "cancelled", "voided", D(0))
    # the stock is free again: a new sale of all 5 is accepted
    assert request(h).status == "quoted"


def test_a_confirmed_sale_cannot_be_cancelled_or_withdrawn(sale_book):  # noqa: F811
    h = sale_book
    s = declared(h)
    services.confirm_domestic_sale(actor=h.actor("customs"), sale_id=s.pk, idempotency_key=key())
    with pytest.raises(DomainError):
        services.cancel_domestic_sale(actor=h.actor("ent_a"), sale_id=s.pk, reason="x", idempotency_key=key())
    with pytest.raises(DomainError):
        services.withdraw_domestic_sale(actor=h.actor("ent_a"), sale_id=s.pk)
    assert DomesticSale.objects.get().status == "confirmed"


def test_cli_and_api_withdraw_and_cancel(sale_book, client, capsys):  # noqa: F811
    h = sale_book
    s = declared(h)
    call_command("domestic", "withdraw", str(s.pk), "--user", "ent_a")
    assert json.loads(capsys.readouterr().out)["status"] == "returned"
    with pytest.raises(CommandError, match="reason"):
        call_command("domestic", "cancel", str(s.pk), "--user", "ent_a")
    client.login(username="ent_a", password=PASSWORD)
    r = client.post(f"/api/v1/duties/domestic-sales/{s.pk}/cancel", {"reason": ""}, content_type="application/json")
    assert r.status_code == 400 and r.json()["errors"][0]["field"] == "reason"
    assert DomesticSale.objects.get().status == "returned"
    r = client.post(f"/api/v1/duties/domestic-sales/{s.pk}/cancel", {"reason": "取消"},
                    content_type="application/json", headers={"Idempotency-Key": key()})
    assert r.status_code == 200 and r.json()["status"] == "cancelled"


@pytest.mark.parametrize("lang, word", [("zh-hans", "重新"), ("en", "resubmit")])
def test_page_offers_correction_after_rejection(sale_book, client, lang, word):  # noqa: F811
    h = sale_book
    s = declared(h)
    lists.reject_list(actor=h.actor("customs"), list_id=s.vlist_id, reason="单耗有误")
    client.login(username="ent_a", password=PASSWORD)
    page = client.get(f"/duties/domestic/{s.pk}/", HTTP_ACCEPT_LANGUAGE=lang).content.decode()
    assert 'data-testid="returned"' in page and "单耗有误" in page and word in page
    assert 'data-testid="choose-goods"' in page and 'data-testid="cancel"' in page
    r = client.post(f"/duties/domestic/{s.pk}/cancel", {"reason": "", "idempotency_key": key()})
    assert r.status_code == 302 and DomesticSale.objects.get().status == "declared"  # refused: nothing written
    client.post(f"/duties/domestic/{s.pk}/choose", {"basis": "goods", "idempotency_key": key()})
    assert DomesticSale.objects.get().status == "declared" and VerificationList.objects.get(direction="E").status == "submitted"


# --- the late-payment surcharge (滞纳金) ---------------------------------------------------------------


CAL_2026 = WorkCalendar.build([2026], [(date(2026, 10, d), "holiday") for d in range(1, 9)]
                              + [(date(2026, 10, 10), "workday")])


@pytest.mark.parametrize("issued, due", [
    (date(2026, 3, 2), date(2026, 3, 17)),  # day 15 a Tuesday: as it falls
    (date(2026, 3, 6), date(2026, 3, 23)),  # day 15 a Saturday: the next Monday
    (date(2026, 9, 20), date(2026, 10, 9)),  # day 15 is 5 October, inside the holiday: the first working day after
    (date(2026, 9, 25), date(2026, 10, 10)),  # day 15 a Saturday made a working day (调休): it stands
])
def test_due_date_moves_past_rest_days_and_holidays(issued, due):
    assert rules.due_date(issued, CAL_2026) == due


def test_due_date_needs_the_calendar_of_its_year():
    with pytest.raises(CalendarMissing):
        rules.due_date(date(2026, 12, 25), CAL_2026)  # due in 2027: not in the calendar, no Monday–Friday guess


@pytest.mark.parametrize("paid_after_issue, days, surcharge", [
    (0, 0, "0"),
    (15, 0, "0"),  # the 15th day: in time
    (16, 1, "50.00"),  # one day late: 100,000 × 0.05 % = 50.00, the 起征点 reached
    (17, 2, "100.00"),
])
def test_edge_days(paid_after_issue, days, surcharge):
    issued = date(2026, 3, 2)  # due 17 March (a Tuesday), nothing moves
    due = rules.due_date(issued, CAL_2026)
    paid = issued + timedelta(days=paid_after_issue)
    assert rules.late_days(due, paid) == days
    assert rules.late_surcharge(D("100000.00"), days) == D(surcharge)


def test_surcharge_minimum_and_rounding():
    assert rules.late_surcharge(D("99980.00"), 1) == 0  # 49.99: below 50, not collected
    assert rules.late_surcharge(D("99990.00"), 1) == D("50.00")  # 49.995 rounds half up to 50.00 first
    assert rules.late_surcharge(D("14040.00"), 10) == D("70.20")  # notes §5.3 F
    assert rules.late_surcharge(D("12345.67"), 9) == D("55.56")  # 55.555515
    assert rules.late_surcharge(D("0"), 30) == 0 and rules.late_surcharge(D("100000"), -3) == 0
    assert rules.surcharge_base(D("1"), D("2"), D("3")) == D("6")  # the interest is not in it


def bill_of(h, *, basis="goods"):
    s = declared(h, basis)
    services.confirm_domestic_sale(actor=h.actor("customs"), sale_id=s.pk, idempotency_key=key(),
                                   today=date(2026, 3, 2))
    return TaxBill.objects.get()


def test_payment_records_the_surcharge(sale_book):  # noqa: F811
    h = sale_book
    bill = bill_of(h)
    assert (bill.issued_on, bill.due_on) == (date(2026, 3, 2), date(2026, 3, 17))
    # while unpaid the surcharge accrues (shown, not stored)
    assert services.surcharge_on(bill, date(2026, 3, 17)) == (0, D(0))
    assert services.surcharge_on(bill, date(2026, 3, 18)) == (1, D("213.60"))  # 427,200 × 0.05 %
    bill = services.record_tax_payment(actor=h.actor("customs"), bill_id=bill.pk, idempotency_key=key(),
                                       data={"reference": "B-9", "paid_on": "2026-03-27"}, today=date(2026, 4, 1))
    assert (bill.late_days, bill.surcharge) == (10, D("2136.00"))
    assert AuditEvent.objects.get(action="duties.tax_bill_paid").after["surcharge"] == "2136.00"
    assert services.surcharge_on(bill, date(2026, 12, 31)) == (10, D("2136.00"))  # recorded, no longer accrues


def test_materials_basis_surcharge_leaves_out_the_interest(sale_book):  # noqa: F811
    bill = bill_of(sale_book, basis="materials")
    # taxes 15,000 + 157,950 = 172,950 (the 26.25 interest is not tax): 2 days → 172.95
    assert services.surcharge_on(bill, date(2026, 3, 19)) == (2, D("172.95"))


@pytest.mark.parametrize("lang, word", [("zh-hans", "滞纳金"), ("en", "surcharge")])
def test_bill_page_api_and_exports_show_the_surcharge(sale_book, client, lang, word):  # noqa: F811
    h = sale_book
    bill = bill_of(h)
    services.record_tax_payment(actor=h.actor("customs"), bill_id=bill.pk, idempotency_key=key(),
                                data={"reference": "B-9", "paid_on": "2026-03-27"}, today=date(2026, 4, 1))
    client.login(username="ent_a", password=PASSWORD)
    page = client.get(f"/duties/tax-bills/{bill.pk}/", HTTP_ACCEPT_LANGUAGE=lang).content.decode()
    assert word in page and "2136.00" in page
    body = client.get(f"/api/v1/duties/tax-bills/{bill.pk}").json()
    assert (body["late_days"], body["surcharge"]) == (10, "2136.00")
    csv = client.get(f"/api/v1/duties/tax-bills/{bill.pk}/export?format=csv").content.decode("utf-8-sig")
    assert "2136.00" in csv
