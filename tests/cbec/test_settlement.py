"""The tax guarantee covering cross-border retail taxes until the periodic settlement (汇总纳税): charged at
release, refused when short (nothing written), freed by a return or by paying the settlement."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal as D

import pytest
from django.core.management import CommandError, call_command

from bondzone.cbec import selectors, services, settlement
from bondzone.cbec.domain import settlement as rules
from bondzone.cbec.models import AnnualTotal, CbecOrder, TaxSettlement
from bondzone.core.domain.errors import DomainError, Forbidden
from bondzone.core.models import AuditEvent
from bondzone.duties.models import Guarantee, GuaranteeEntry

from .test_orders import BUYER, cbec, codes, complete, declare  # noqa: F401

LATER = date(2026, 6, 30)  # every March release's return window has closed


def key() -> str:
    return uuid.uuid4().hex


def guarantee(world) -> Guarantee:
    return Guarantee.objects.get(enterprise=world.ent_a, reference="TAX-A")


def released(world, no, value, day="2026-03-02"):
    order = declare(world, no, value)
    complete(world, order)
    return services.release(actor=world.actor("customs"), order_id=order.pk, released_on=day)


def issue(world, start="2026-03-01", end="2026-03-15", user="customs", k=None, today=LATER):
    return settlement.issue(actor=world.actor(user), enterprise_id=world.ent_a.pk, start=start, end=end,
                            idempotency_key=k or key(), today=today)


def test_release_charges_the_tax_to_the_guarantee(cbec):  # noqa: F811
    order = released(cbec, "S1", "1000.00")
    g = guarantee(cbec)
    assert order.tax_total == D("91.00")  # 1,000 × 13 % × 70 %
    assert order.tax_guarantee_id == g.pk and g.used == D("91.00") and g.free == D("99909.00")
    entry = GuaranteeEntry.objects.get(guarantee=g)
    assert (entry.kind, entry.amount, entry.purpose) == ("use", D("91.00"), "CBEC order S1")
    audit = AuditEvent.objects.filter(action="cbec.order_released").last()
    assert audit.after["tax_guarantee_id"] == g.pk
    (row,) = selectors.tax_guarantees(cbec.actor("ent_a"), date(2026, 3, 2))
    assert (row["enterprise"], str(row["free"]), str(row["charged"])) == (cbec.ent_a, "99909.00", "91.00")


def test_release_refused_when_the_guarantee_is_short_nothing_written(cbec):  # noqa: F811
    g = guarantee(cbec)
    g.used = g.amount - D("90.00")  # 90.00 free, the order's tax is 91.00
    g.save()
    order = declare(cbec, "S2", "1000.00")
    complete(cbec, order)
    events = AuditEvent.objects.count()
    with pytest.raises(DomainError) as exc:
        services.release(actor=cbec.actor("customs"), order_id=order.pk, released_on="2026-03-02")
    assert codes(exc) == [("guarantee", "tax_guarantee_short")]
    assert exc.value.problems[0].params["shortfall"] == D("1.00")
    order.refresh_from_db()
    g.refresh_from_db()
    assert order.status == "declared" and order.tax_guarantee_id is None and g.used == g.amount - D("90.00")
    assert not GuaranteeEntry.objects.exists() and AuditEvent.objects.count() == events
    assert not AnnualTotal.objects.filter(used__gt=0).exists()


def test_expired_or_other_enterprises_guarantees_do_not_cover(cbec):  # noqa: F811
    g = guarantee(cbec)
    g.valid_to = date(2026, 3, 1)
    g.save()
    Guarantee.objects.create(enterprise=cbec.ent_b, zone_id=cbec.ent_b.zone_id, kind="deposit", reference="B",
                             amount=D("50000.00"))
    order = declare(cbec, "S3", "1000.00")
    complete(cbec, order)
    with pytest.raises(DomainError) as exc:
        services.release(actor=cbec.actor("customs"), order_id=order.pk, released_on="2026-03-02")
    assert codes(exc) == [("guarantee", "tax_guarantee_short")]
    services.release(actor=cbec.actor("customs"), order_id=order.pk, released_on="2026-03-01")  # still in force
    assert guarantee(cbec).used == D("91.00")


def test_return_frees_the_charged_tax(cbec):  # noqa: F811
    order = released(cbec, "S4", "1000.00")
    services.return_order(actor=cbec.actor("ent_a"), order_id=order.pk, applied_on="2026-03-20", back_on="2026-03-30")
    g = guarantee(cbec)
    assert g.used == D("0.00")
    assert list(g.entries.values_list("kind", "amount")) == [("use", D("91.00")), ("free", D("91.00"))]


def test_settlement_totals_due_date_and_payment_frees_the_guarantee(cbec):  # noqa: F811
    a = released(cbec, "S5", "1000.00", day="2026-03-02")
    b = released(cbec, "S6", "2000.00", day="2026-03-15")
    released(cbec, "S7", "500.00", day="2026-03-16")  # next period
    returned = released(cbec, "S8", "300.00", day="2026-03-05")
    services.return_order(actor=cbec.actor("ent_a"), order_id=returned.pk, applied_on="2026-03-06")
    assert guarantee(cbec).used == D("91.00") + D("182.00") + D("45.50")
    s = issue(cbec)
    assert (s.order_count, s.tariff, s.vat, s.tax_total) == (2, D("0.00"), D("273.00"), D("273.00"))
    assert s.due_on == date(2026, 4, 15) and s.status == "issued"  # 45th day after the first release day
    assert set(s.orders.values_list("pk", flat=True)) == {a.pk, b.pk}
    assert AuditEvent.objects.filter(action="cbec.settlement_issued", object_id=str(s.pk)).exists()
    s = settlement.pay(actor=cbec.actor("customs"), settlement_id=s.pk, paid_on="2026-04-10", payment_ref="CEB816-1",
                       idempotency_key=key())
    g = guarantee(cbec)
    assert s.status == "paid" and s.paid_on == date(2026, 4, 10)
    assert g.used == D("45.50")  # S7 stays charged until its own settlement
    assert g.entries.filter(kind="free").last().amount == D("273.00")
    with pytest.raises(DomainError) as exc:  # paid once
        settlement.pay(actor=cbec.actor("customs"), settlement_id=s.pk, paid_on="2026-04-11", idempotency_key=key())
    assert codes(exc) == [("status", "cbec_settlement_paid")]
    with pytest.raises(DomainError) as exc:  # a settled order is no longer returned tax-free
        services.return_order(actor=cbec.actor("ent_a"), order_id=a.pk, applied_on="2026-03-20")
    assert codes(exc) == [("applied_on", "cbec_order_settled")]


def test_same_key_replays_and_a_period_is_settled_once(cbec):  # noqa: F811
    released(cbec, "S9", "1000.00")
    k = key()
    s = issue(cbec, k=k)
    assert issue(cbec, k=k).pk == s.pk and TaxSettlement.objects.count() == 1
    with pytest.raises(DomainError) as exc:
        issue(cbec)
    assert codes(exc) == [("start", "cbec_settlement_exists")]


@pytest.mark.parametrize("start,end,today,expected", [
    ("2026-03-01", "2026-03-16", LATER, [("end", "cbec_settlement_period_long")]),  # 16 days
    ("2026-03-01", "2026-03-15", date(2026, 4, 14), [("end", "cbec_settlement_early")]),  # day 30 of the 15th
    ("2026-03-15", "2026-03-01", LATER, [("end", "period_reversed")]),
    ("2026-03-01", "2026-03-xx", LATER, [("end", "bad_date")]),
    ("2026-04-01", "2026-04-15", LATER, [("start", "cbec_nothing_to_settle")]),
])
def test_bad_periods_refused_nothing_written(cbec, start, end, today, expected):  # noqa: F811
    released(cbec, "S10", "1000.00")
    with pytest.raises(DomainError) as exc:
        issue(cbec, start=start, end=end, today=today)
    assert codes(exc) == expected
    assert not TaxSettlement.objects.exists() and not CbecOrder.objects.filter(settlement__isnull=False).exists()


def test_period_rule_matches_the_31_to_45_day_window():
    assert rules.check_period(date(2026, 3, 1), date(2026, 3, 15), date(2026, 4, 15)) == []  # day 31 of the 15th
    assert rules.due_on(date(2026, 3, 1)) == date(2026, 4, 15)  # day 45 of the 1st
    assert rules.next_period(date(2026, 3, 1), date(2026, 4, 15)) == (date(2026, 3, 1), date(2026, 3, 15))
    assert rules.next_period(date(2026, 3, 1), date(2026, 4, 5)) == (date(2026, 3, 1), date(2026, 3, 5))
    assert rules.next_period(date(2026, 3, 6), date(2026, 4, 5)) is None


def test_only_customs_and_the_platform_settle(cbec):  # noqa: F811
    released(cbec, "S11", "1000.00")
    with pytest.raises(Forbidden):
        issue(cbec, user="ent_a")
    s = issue(cbec)
    with pytest.raises(Forbidden):
        settlement.pay(actor=cbec.actor("ent_a"), settlement_id=s.pk, paid_on="2026-04-10", idempotency_key=key())
    assert list(selectors.settlements(cbec.actor("ent_a"))) == [s]
    assert list(selectors.settlements(cbec.actor("ent_b"))) == []


def test_the_daily_run_by_a_role_that_may_not_settle_is_refused_once_in_a_sentence(cbec, capsys):  # noqa: F811
    released(cbec, "S13", "1000.00", day="2026-03-02")
    with pytest.raises(Forbidden):
        settlement.settle_due(actor=cbec.actor("ent_a"), today=date(2026, 4, 20))
    with pytest.raises(CommandError):
        call_command("cbec_settle", "--user", "ent_a", "--due")
    assert TaxSettlement.objects.count() == 0 and "skipped" not in capsys.readouterr().out


def test_daily_job_and_cli(cbec, capsys):  # noqa: F811
    released(cbec, "S12", "1000.00", day="2026-03-02")
    released(cbec, "S13", "1000.00", day="2026-03-20")
    out = settlement.settle_due(actor=cbec.actor("admin"), today=date(2026, 4, 16))  # 20th + 31 not reached
    assert len(out["settlements"]) == 1
    first = TaxSettlement.objects.get()
    assert (first.period_from, first.period_to, first.order_count) == (date(2026, 3, 2), date(2026, 3, 16), 1)  # 15 days
    assert settlement.settle_due(actor=cbec.actor("admin"), today=date(2026, 4, 16))["settlements"] == []
    call_command("cbec_settle", "--user", "admin", "--due")
    second = TaxSettlement.objects.exclude(pk=first.pk).get()  # today is past day 31 of the 20th
    assert (second.period_from, second.order_count) == (date(2026, 3, 20), 1)
    call_command("cbec_settle", "--user", "customs", "--pay", str(second.pk), "--paid-on", "2026-05-01")
    second.refresh_from_db()
    assert second.status == "paid" and guarantee(cbec).used == D("91.00")
    with pytest.raises(CommandError):
        call_command("cbec_settle", "--user", "customs", "--enterprise", str(cbec.ent_a.pk), "--from", "2026-03-01")
    with pytest.raises(CommandError):
        call_command("cbec_settle", "--user", "customs", "--pay", str(first.pk), "--paid-on", "nope")
    assert TaxSettlement.objects.filter(status="paid").count() == 1


def test_api_list_detail_issue_pay_and_page(cbec, client):  # noqa: F811
    released(cbec, "S14", "1000.00")
    client.force_login(cbec.users["customs"])
    url = "/api/v1/cbec/settlements"
    r = client.post(url, {"enterprise_id": cbec.ent_a.pk, "start": "2026-03-01", "end": "2026-03-40"},
                    content_type="application/json", HTTP_IDEMPOTENCY_KEY=key())
    assert r.status_code == 400 and "end" in r.content.decode() and not TaxSettlement.objects.exists()
    r = client.post(url, {"enterprise_id": cbec.ent_a.pk, "start": "2026-03-01", "end": "2026-03-15"},
                    content_type="application/json")  # no Idempotency-Key
    assert r.status_code == 400 and not TaxSettlement.objects.exists()
    r = client.post(url, {"enterprise_id": cbec.ent_a.pk, "start": "2026-03-01", "end": "2026-03-15"},
                    content_type="application/json", HTTP_IDEMPOTENCY_KEY=key())
    assert r.status_code == 201 and r.json()["tax_total"] == "91.00" and r.json()["due_on"] == "2026-04-15"
    sid = r.json()["id"]
    detail = client.get(f"{url}/{sid}").json()
    assert [o["order_no"] for o in detail["orders"]] == ["S14"]
    r = client.post(f"{url}/{sid}/pay", {"paid_on": "yesterday"}, content_type="application/json",
                    HTTP_IDEMPOTENCY_KEY=key())
    assert r.status_code == 400 and guarantee(cbec).used == D("91.00")
    r = client.post(f"{url}/{sid}/pay", {"paid_on": "2026-04-01"}, content_type="application/json",
                    HTTP_IDEMPOTENCY_KEY=key())
    assert r.status_code == 200 and r.json()["status"] == "paid" and guarantee(cbec).used == D("0.00")
    client.force_login(cbec.users["ent_a"])
    assert [s["id"] for s in client.get(url).json()["items"]] == [sid]
    page = client.get("/cbec/settlements/").content.decode()
    assert "100000.00" in page.replace(",", "")  # the free amount, all of it again after the payment
    client.force_login(cbec.users["ent_b"])
    assert client.get(url).json()["items"] == [] and client.get(f"{url}/{sid}").status_code == 404


def test_overdue_flag_and_filters_on_api_and_page(cbec, client):  # noqa: F811
    released(cbec, "S20", "1000.00")
    sid = issue(cbec).pk  # due 2026-04-15, unpaid: overdue on any day after
    assert rules.overdue(False, date(2026, 4, 15), date(2026, 4, 15)) is False
    assert rules.overdue(False, date(2026, 4, 15), date(2026, 4, 16)) is True
    assert rules.overdue(True, date(2026, 4, 15), date(2026, 4, 16)) is False
    client.force_login(cbec.users["customs"])
    url = "/api/v1/cbec/settlements"

    def ids(**query):
        r = client.get(url, query)
        assert r.status_code == 200, r.content
        return [s["id"] for s in r.json()["items"]]

    assert client.get(url).json()["items"][0]["overdue"] is True
    assert ids(overdue="true") == [sid] and ids(overdue="false") == []
    assert ids(enterprise_id=cbec.ent_a.pk) == [sid] and ids(enterprise_id=cbec.ent_b.pk) == []
    r = client.get(url, {"enterprise_id": "x"})
    assert r.status_code == 400 and "enterprise_id" in r.content.decode()
    client.cookies["django_language"] = "zh-hans"
    page = client.get("/cbec/settlements/?overdue=1", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert 'data-testid="overdue"' in page and "逾期" in page
    settlement.pay(actor=cbec.actor("customs"), settlement_id=sid, paid_on="2026-04-20", idempotency_key=key())
    assert ids(overdue="true") == [] and ids(overdue="false") == [sid]
    assert client.get(url).json()["items"][0]["overdue"] is False
    page = client.get("/cbec/settlements/?overdue=1", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "没有逾期的汇总纳税。" in page
    client.force_login(cbec.users["ent_b"])
    assert ids(enterprise_id=cbec.ent_a.pk) == []
