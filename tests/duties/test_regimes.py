"""Time-limited regimes: the rule table, deadlines and extensions (pure), and the services — guarantee use
and freeing, refusals that write nothing, the alert sweep (mail.outbox), permissions, the API."""

from __future__ import annotations

import json
import re
import uuid
from datetime import date, timedelta
from decimal import Decimal as D

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from hypothesis import given
from hypothesis import strategies as st

from bondzone.core.domain.errors import DomainError
from bondzone.core.models import AuditEvent
from bondzone.duties import selectors, services
from bondzone.duties.domain import regimes as rules
from bondzone.duties.models import Guarantee, Regime, RegimeAlert, RegimeKind, TaxRate
from bondzone.supervision.models import BookItem
from tests.conftest import PASSWORD, post_list

TODAY = date(2026, 5, 4)


def key() -> str:
    return uuid.uuid4().hex


# --- the rule table and dates (pure) ----------------------------------------------------------------


def test_rule_table_covers_every_kind_with_its_basis():
    assert set(rules.KINDS) == set(RegimeKind.values)
    for r in rules.RULES.values():
        assert r.legal_basis_zh and r.legal_basis_en and r.status in {"R", "K", "unconfirmed"}
        assert r.validity.after(TODAY) > TODAY and r.extension.after(TODAY) > TODAY
    t = rules.RULES["temporary_entry"]
    assert (t.validity, t.max_extensions, t.extension, t.needs_guarantee, t.leaves_zone) == \
        (rules.Period(months=6), 3, rules.Period(months=6), True, False)
    assert "233" in t.legal_basis_zh and "233" in t.legal_basis_en
    r = rules.RULES["repair_out"]
    assert (r.validity, r.max_extensions, r.extension, r.leaves_zone) == (rules.Period(days=60), 1,
                                                                          rules.Period(days=30), True)
    relic = rules.RULES["relic_entry"]
    assert relic.validity == rules.Period(months=6) and relic.max_extensions is None and "42" in relic.legal_basis_en


def test_order_233_worked_example():
    """domain-customs.md §7.1: entry 2026-01-10 → 2026-07-10; three extensions → 2028-01-10; no fourth."""
    start = date(2026, 1, 10)
    deadline = rules.default_deadline("temporary_entry", start)
    assert deadline == date(2026, 7, 10)
    for n, want in enumerate((date(2027, 1, 10), date(2027, 7, 10), date(2028, 1, 10))):
        deadline, problems = rules.check_extension("temporary_entry", deadline=deadline, used=n, today=deadline,
                                                   until=None, status="open")
        assert problems == [] and deadline == want
    _, problems = rules.check_extension("temporary_entry", deadline=deadline, used=3, today=deadline, until=None,
                                        status="open")
    assert [p.code for p in problems] == ["regime_extensions_used"]


def test_month_end_and_sixty_days():
    assert rules.add_months(date(2026, 8, 31), 6) == date(2027, 2, 28)
    assert rules.add_months(date(2027, 8, 31), 6) == date(2028, 2, 29)
    assert rules.default_deadline("repair_out", date(2026, 1, 1)) == date(2026, 3, 2)


def test_extension_refusals():
    d = date(2026, 3, 2)
    ext = rules.check_extension
    assert ext("repair_out", deadline=d, used=0, today=d + timedelta(days=1), until=None, status="open")[1][0].code \
        == "regime_extension_after_expiry"
    assert ext("repair_out", deadline=d, used=0, today=d, until=d + timedelta(days=31), status="open")[1][0].code \
        == "regime_extension_too_long"
    assert ext("repair_out", deadline=d, used=0, today=d, until=d, status="open")[1][0].code \
        == "regime_extension_not_later"
    assert ext("repair_out", deadline=d, used=1, today=d, until=None, status="open")[1][0].code \
        == "regime_extensions_used"
    assert ext("repair_out", deadline=d, used=0, today=d, until=None, status="returned")[1][0].code \
        == "regime_not_open"
    assert ext("repair_out", deadline=d, used=0, today=d, until=d + timedelta(days=30), status="open") \
        == (d + timedelta(days=30), [])
    assert ext("relic_entry", deadline=d, used=50, today=d, until=None, status="open")[1] == []


def test_opening_deadline_within_rule():
    start = date(2026, 1, 1)
    assert rules.check_opening("repair_out", start, date(2026, 2, 1)) == (date(2026, 2, 1), [])
    assert rules.check_opening("repair_out", start, date(2026, 3, 3))[1][0].code == "regime_deadline_beyond_rule"
    assert rules.check_opening("repair_out", start, start)[1][0].code == "period_reversed"


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 1, 1)), st.integers(0, 60),
       st.lists(st.integers(0, 90), min_size=1, max_size=4))
def test_alert_due_is_the_tightest_reached_threshold(deadline, before, days):
    today = deadline - timedelta(days=before)
    due = rules.alert_due(deadline, today, tuple(days))
    reached = [d for d in days if before <= d]
    assert due == (("due_soon", min(reached)) if reached else None)
    assert rules.alert_due(deadline, deadline + timedelta(days=1), tuple(days)) == ("overdue", 0)


# --- services --------------------------------------------------------------------------------------


@pytest.fixture
def rates(world):
    post_list(world, direction="I", lines=[(1, "100")])  # 100 of item 1 in book A, bonded
    for n in (1, 2, 3):
        TaxRate.objects.create(kind="mfn", hs_code=f"847130000{n}", ad_valorem="0.10", valid_from=date(2020, 1, 1))
        TaxRate.objects.create(kind="vat", hs_code=f"847130000{n}", ad_valorem="0.13", valid_from=date(2020, 1, 1))


def guarantee(world, amount="1000.00", ent=None):
    ent = ent or world.ent_a
    return Guarantee.objects.create(enterprise=ent, zone_id=ent.zone_id, kind="deposit", reference=f"G{key()[:8]}",
                                    amount=D(amount))


def item(book, no=1):
    return BookItem.objects.get(book=book, item_no=no)


def body(world, g=None, **over):
    data = {"kind": "display_out", "book_id": world.book_a.pk, "start_date": "2026-05-01", "purpose": "展会",
            "lines": [{"item_id": item(world.book_a).pk, "quantity": "2", "customs_value": "3000.00"}],
            "guarantee_id": g.pk if g else None}
    return {**data, **over}


def open_(world, user="ent_a", today=TODAY, **kw):
    return services.open_regime(actor=world.actor(user), data=body(world, **kw), idempotency_key=key(), today=today)


def test_open_uses_the_guarantee_and_close_frees_it(world, rates):
    g = guarantee(world)
    r = open_(world, g=g)
    # 3000 × 10 % = 300.00; VAT (3000 + 300) × 13 % = 429.00 → 729.00 (domain notes §7.6 per handbag)
    assert (r.duty_at_risk, r.guarantee_used, r.deadline, r.status) == (D("729.00"), D("729.00"), date(2026, 11, 1),
                                                                       "open")
    assert r.legal_basis.startswith("《中华人民共和国海关综合保税区管理办法》")
    g.refresh_from_db()
    assert (g.used, g.free) == (D("729.00"), D("271.00"))
    # a second regime needing more than the free 271.00 is refused, nothing written
    before = (Regime.objects.count(), AuditEvent.objects.count())
    with pytest.raises(DomainError) as exc:
        open_(world, g=g)
    assert [(p.field, p.code) for p in exc.value.problems] == [("guarantee_id", "guarantee_short")]
    assert (Regime.objects.count(), AuditEvent.objects.count()) == before
    g.refresh_from_db()
    assert g.used == D("729.00")
    closed = services.close_regime(actor=world.actor("customs"), regime_id=r.pk, idempotency_key=key(), today=TODAY,
                                   data={"outcome": "returned", "closed_on": "2026-05-03"})
    assert (closed.status, closed.closed_on) == ("returned", date(2026, 5, 3))
    g.refresh_from_db()
    assert (g.used, g.free) == (D("0.00"), D("1000.00"))
    assert [e.kind for e in g.entries.all()] == ["use", "free"]
    with pytest.raises(DomainError) as exc:
        services.close_regime(actor=world.actor("customs"), regime_id=r.pk, idempotency_key=key(), today=TODAY,
                              data={"outcome": "closed", "note": "again"})
    assert exc.value.problems[0].code == "regime_not_open"


def test_idempotent_open(world, rates):
    g, k = guarantee(world), key()
    a = services.open_regime(actor=world.actor("ent_a"), data=body(world, g=g), idempotency_key=k, today=TODAY)
    b = services.open_regime(actor=world.actor("ent_a"), data=body(world, g=g), idempotency_key=k, today=TODAY)
    assert a.pk == b.pk and Regime.objects.count() == 1
    g.refresh_from_db()
    assert g.used == D("729.00")


def test_bad_input_names_the_field_and_writes_nothing(world, rates):
    g_b = guarantee(world, ent=world.ent_b)
    before = (Regime.objects.count(), AuditEvent.objects.count())
    cases = [
        ({"book_id": world.book_b.pk}, {"book_id", "guarantee_id"}),  # another enterprise's book
        ({"lines": [{"item_id": item(world.book_a).pk, "quantity": "-1", "customs_value": "-5"}]},
         {"lines[1].quantity", "lines[1].customs_value", "guarantee_id"}),
        ({"lines": [{"item_id": item(world.book_b).pk, "quantity": "1", "customs_value": "5"}]},
         {"lines[1].item_id", "guarantee_id"}),
        ({"kind": "nope"}, {"kind"}),
        ({"deadline": "2027-01-01"}, {"deadline", "guarantee_id"}),
        ({"guarantee_id": g_b.pk}, {"guarantee_id"}),  # not the enterprise's
        ({"start_date": "2026-13-01"}, {"start_date", "guarantee_id"}),
    ]
    for over, fields in cases:
        with pytest.raises(DomainError) as exc:
            services.open_regime(actor=world.actor("ent_a"), data=body(world, **over), idempotency_key=key(),
                                 today=TODAY)
        assert {p.field for p in exc.value.problems} == fields, over
        assert exc.value.status < 500
    assert (Regime.objects.count(), AuditEvent.objects.count()) == before


def test_goods_leaving_the_zone_must_be_in_the_book(world, rates):
    g = guarantee(world, amount="100000.00")
    open_(world, g=g)  # 2 of the 100 out for display
    line = {"item_id": item(world.book_a).pk, "quantity": "99", "customs_value": "1.00"}
    with pytest.raises(DomainError) as exc:
        open_(world, g=g, lines=[line])
    p = exc.value.problems[0]
    assert (p.field, p.code, p.params["available"]) == ("lines[1].quantity", "regime_stock_short", D("98"))
    assert open_(world, g=g, lines=[{**line, "quantity": "98"}]).status == "open"
    # item 2 has no stock; a regime inside the zone (bonded R&D) does not take goods out
    none = {"item_id": item(world.book_a, 2).pk, "quantity": "1", "customs_value": "1.00"}
    with pytest.raises(DomainError):
        open_(world, g=g, lines=[none])
    assert open_(world, kind="bonded_rnd", lines=[none]).kind == "bonded_rnd"


def test_extension_after_expiry_refused_and_nothing_written(world, rates):
    r = open_(world, kind="repair_out", start_date="2026-01-01")  # deadline 2026-03-02, no guarantee needed
    assert r.deadline == date(2026, 3, 2) and r.status == "overdue"  # opened late: already past
    customs = world.actor("customs")
    with pytest.raises(DomainError) as exc:
        services.extend_regime(actor=customs, regime_id=r.pk, idempotency_key=key(), today=TODAY,
                               data={"reason": "still in repair"})
    assert [(p.field, p.code) for p in exc.value.problems] == [("until", "regime_extension_after_expiry")]
    r.refresh_from_db()
    assert (r.deadline, r.extensions_used, r.extensions.count()) == (date(2026, 3, 2), 0, 0)
    r2 = open_(world, kind="repair_out", start_date="2026-04-01")  # deadline 2026-05-31
    r2 = services.extend_regime(actor=customs, regime_id=r2.pk, idempotency_key=key(), today=TODAY,
                                data={"reason": "parts late"})
    assert (r2.deadline, r2.extensions_used) == (date(2026, 6, 30), 1)
    with pytest.raises(DomainError) as exc:
        services.extend_regime(actor=customs, regime_id=r2.pk, idempotency_key=key(), today=TODAY,
                               data={"reason": "again"})
    assert exc.value.problems[0].code == "regime_extensions_used"
    with pytest.raises(DomainError) as exc:
        services.extend_regime(actor=world.actor("ent_a"), regime_id=r2.pk, idempotency_key=key(), today=TODAY,
                               data={"reason": "x"})
    assert exc.value.status == 403


def test_scope(world, rates):
    r = open_(world, g=guarantee(world))
    assert [x.pk for x in selectors.regimes(world.actor("ent_a"))] == [r.pk]
    assert list(selectors.regimes(world.actor("ent_b"))) == []
    assert list(selectors.regimes(world.actor("market"))) == []
    assert [x.pk for x in selectors.regimes(world.actor("customs_a"))] == [r.pk]
    with pytest.raises(DomainError) as exc:
        services.close_regime(actor=world.actor("customs"), regime_id=r.pk, idempotency_key=key(),
                              data={"outcome": "closed"})
    assert [p.field for p in exc.value.problems] == ["note"]


def test_alert_sweep_mails_once_and_flags_overdue(world, rates, settings):
    settings.BONDZONE_REGIME_ALERT_DAYS = {"repair_out": [10, 3]}
    world.users["ent_a"].email = "a@example.com"
    world.users["ent_a"].save()
    world.users["customs_a"].email = "c@example.com"
    world.users["customs_a"].save()
    world.users["ent_b"].email = "b@example.com"
    world.users["ent_b"].save()
    r = open_(world, kind="repair_out", start_date="2026-04-01")  # deadline 2026-05-31
    sweep = services.send_regime_alerts
    assert sweep(date(2026, 5, 20)) == {"due_soon": 0, "overdue": 0, "emails": 0}
    assert sweep(date(2026, 5, 21)) == {"due_soon": 1, "overdue": 0, "emails": 1}
    assert mail.outbox[-1].to == ["a@example.com"] and r.number in mail.outbox[-1].subject
    assert sweep(date(2026, 5, 22))["due_soon"] == 0  # the 10-day alert went out already
    assert sweep(date(2026, 5, 28))["due_soon"] == 1  # 3 days
    # the tariff rises the day after the deadline: the duty that falls due is at that day's rates
    TaxRate.objects.filter(kind="mfn", hs_code="8471300001").update(valid_to=date(2026, 5, 31))
    TaxRate.objects.create(kind="mfn", hs_code="8471300001", ad_valorem="0.20", valid_from=date(2026, 6, 1))
    assert r.duty_at_risk == D("729.00")
    assert sweep(date(2026, 6, 1)) == {"due_soon": 0, "overdue": 1, "emails": 1}
    assert sorted(mail.outbox[-1].to) == ["a@example.com", "c@example.com"]
    assert "1068.00" in mail.outbox[-1].body  # 3000 × 20 % = 600; (3000 + 600) × 13 % = 468
    assert sweep(date(2026, 6, 2))["overdue"] == 0 and len(mail.outbox) == 3
    r.refresh_from_db()
    assert (r.status, r.overdue_since, r.duty_at_risk, r.guarantee_used) == ("overdue", date(2026, 6, 1),
                                                                             D("1068.00"), D("0.00"))
    assert RegimeAlert.objects.filter(regime=r).count() == 3
    assert [a.kind for a in selectors.regime_alerts(world.actor("customs"))][0] == "overdue"
    assert list(selectors.regime_alerts(world.actor("ent_b"))) == []
    with pytest.raises(DomainError):
        services.send_regime_alerts(date(2026, 6, 1), actor=world.actor("ent_a"))


def test_cli(world, rates, capsys, tmp_path):
    doc = tmp_path / "r.json"
    doc.write_text(json.dumps(body(world, kind="bonded_rnd")), encoding="utf-8")
    call_command("regime_open", "--user", "ent_a", "--file", str(doc))
    r = Regime.objects.get()
    call_command("regime_extend", str(r.pk), "--user", "customs", "--reason", "more tests")
    call_command("regimes", "--user", "ent_a", "--format", "json")
    out = capsys.readouterr().out
    assert r.number in out
    with pytest.raises(CommandError, match="reason"):
        call_command("regime_extend", str(r.pk), "--user", "customs", "--reason", "")
    call_command("regime_alerts", "--user", "customs", "--today", "2030-01-01")
    assert "overdue 1" in capsys.readouterr().out
    with pytest.raises(CommandError):
        call_command("regime_alerts", "--user", "ent_a")
    call_command("regime_close", str(r.pk), "--user", "customs", "--outcome", "closed", "--note", "consumed in R&D")
    r.refresh_from_db()
    assert r.status == "closed"


def test_api(world, rates, client):
    g = guarantee(world)
    assert client.login(username="ent_a", password=PASSWORD)
    url = "/api/v1/duties/regimes"
    data = body(world, g=g, start_date=str(date.today()))
    bad = client.post(url, {**data, "lines": [{"item_id": item(world.book_a).pk, "quantity": "-2",
                                              "customs_value": "1"}]},
                      content_type="application/json", HTTP_IDEMPOTENCY_KEY=key())
    assert bad.status_code == 400 and "lines[1].quantity" in json.dumps(bad.json(), ensure_ascii=False)
    other = client.post(url, {**data, "book_id": world.book_b.pk}, content_type="application/json",
                        HTTP_IDEMPOTENCY_KEY=key())
    assert other.status_code == 400 and "book_id" in json.dumps(other.json())
    short = client.post(url, {**data, "lines": [{"item_id": item(world.book_a).pk, "quantity": "1",
                                                "customs_value": "9000.00"}]},
                        content_type="application/json", HTTP_IDEMPOTENCY_KEY=key())
    assert short.status_code == 400 and "guarantee_id" in json.dumps(short.json())
    assert Regime.objects.count() == 0
    ok = client.post(url, data, content_type="application/json", HTTP_IDEMPOTENCY_KEY=key())
    assert ok.status_code == 201, ok.content
    rid = ok.json()["id"]
    assert ok.json()["duty_at_risk"] == "729.00" and ok.json()["lines"][0]["duty"] == "729.00"
    assert client.get(url).json()["count"] == 1
    assert client.get(f"{url}/{rid}").status_code == 200
    assert client.post(f"{url}/{rid}/extend", {"reason": "x"}, content_type="application/json",
                       HTTP_IDEMPOTENCY_KEY=key()).status_code == 403
    client.logout()
    assert client.login(username="ent_b", password=PASSWORD)
    assert client.get(f"{url}/{rid}").status_code == 404
    client.logout()
    assert client.login(username="customs", password=PASSWORD)
    late = client.post(f"{url}/{rid}/extend", {"reason": "x", "until": "2099-01-01"}, content_type="application/json",
                       HTTP_IDEMPOTENCY_KEY=key())
    assert late.status_code == 400 and "until" in json.dumps(late.json())
    done = client.post(f"{url}/{rid}/close", {"outcome": "returned"}, content_type="application/json",
                       HTTP_IDEMPOTENCY_KEY=key())
    assert done.status_code == 200 and done.json()["status"] == "returned"


CJK = re.compile(r"[\u3000-\u30ff\u4e00-\u9fff\uff00-\uffef]")


@pytest.mark.parametrize("kind", rules.KINDS)
def test_each_legal_basis_is_whole_in_each_language(kind):
    """No Chinese in the English text; no English words in the Chinese one (beyond the notes' file name)."""
    r = rules.RULES[kind]
    assert not CJK.search(r.legal_basis_en), r.legal_basis_en
    assert CJK.search(r.legal_basis_zh) and not re.search(r"[A-Za-z]{2,}", r.legal_basis_zh.replace(
        "domain-customs.md", "")), r.legal_basis_zh


# --- pages ------------------------------------------------------------------------------------------


def test_pages_open_extend_close_with_inline_errors(world, rates, client):
    from django.urls import reverse

    g = guarantee(world)
    c = client
    assert c.login(username="ent_a", password=PASSWORD)
    assert c.get(reverse("duties:regime-open")).status_code == 200
    form = {"kind": "display_out", "book_id": world.book_a.pk, "start_date": str(date.today()), "guarantee_id": g.pk,
            "lines[1].item_id": item(world.book_a).pk, "lines[1].quantity": "-2", "lines[1].customs_value": "3000.00",
            "idempotency_key": key()}
    page = c.post(reverse("duties:regime-open"), form, follow=True).content.decode()
    assert 'id="open-lines[1].quantity-error"' in page and 'value="-2"' in page and Regime.objects.count() == 0
    r = c.post(reverse("duties:regime-open"), {**form, "lines[1].quantity": "2", "idempotency_key": key()})
    regime = Regime.objects.get()
    assert r.status_code == 302 and r["Location"] == reverse("duties:regime", args=[regime.pk])
    page = c.get(r["Location"]).content.decode()
    assert '<dd data-testid="duty">729.00</dd>' in page and 'data-testid="extend"' not in page
    listing = c.get(reverse("duties:regimes") + "?kind=display_out").content.decode()
    assert regime.number in listing
    export = c.get(reverse("duties:regimes-export") + "?format=csv").content.decode("utf-8-sig")
    assert regime.number in export and "出区展示" in export
    c.logout()
    assert c.login(username="ent_b", password=PASSWORD)
    assert c.get(reverse("duties:regime", args=[regime.pk])).status_code == 404
    assert regime.number not in c.get(reverse("duties:regimes")).content.decode()
    c.logout()
    assert c.login(username="customs", password=PASSWORD)
    page = c.post(reverse("duties:regime-extend", args=[regime.pk]),
                  {"until": "2099-01-01", "reason": "展期", "idempotency_key": key()}, follow=True).content.decode()
    assert 'id="extend-until-error"' in page
    regime.refresh_from_db()
    assert regime.extensions_used == 0
    page = c.post(reverse("duties:regime-close", args=[regime.pk]),
                  {"outcome": "returned", "idempotency_key": key()}, follow=True).content.decode()
    assert '<dd data-testid="status">' in page
    regime.refresh_from_db()
    assert regime.status == "returned"


@given(st.sampled_from(rules.KINDS), st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 1, 1)),
       st.integers(0, 800), st.integers(0, 5))
def test_an_accepted_extension_is_later_and_within_one_extension(kind, deadline, ask, used):
    until = deadline + timedelta(days=ask)
    new, problems = rules.check_extension(kind, deadline=deadline, used=used, today=deadline, until=until,
                                          status="open")
    r = rules.RULES[kind]
    if not problems:
        assert deadline < new == until <= r.extension.after(deadline)
        assert r.max_extensions is None or used < r.max_extensions
    else:
        assert new is None


def test_lists_are_linked_by_id_within_the_book(world, rates):
    from bondzone.duties.models import RegimeList
    from bondzone.supervision.models import VerificationList

    mine = VerificationList.objects.filter(book=world.book_a).first()
    theirs = post_list(world, direction="I", lines=[(1, "5")], book=world.book_b, enterprise_user="ent_b")
    with pytest.raises(DomainError) as exc:
        open_(world, g=guarantee(world), out_lists=[mine.pk, theirs.pk])
    assert [(p.field, p.code) for p in exc.value.problems] == [("out_lists", "regime_list_not_in_book")]
    r = open_(world, g=guarantee(world), out_lists=[mine.pk])
    back = post_list(world, direction="I", lines=[(1, "1")])
    services.close_regime(actor=world.actor("customs"), regime_id=r.pk, idempotency_key=key(),
                          data={"outcome": "returned", "back_lists": f"{back.pk}"})
    assert sorted(RegimeList.objects.filter(regime=r).values_list("role", "vlist_id")) == [("back", back.pk),
                                                                                          ("out", mine.pk)]


@pytest.mark.parametrize("lang, shown, other", [
    ("zh-hans", rules.RULES["display_out"].legal_basis_zh, rules.RULES["display_out"].legal_basis_en),
    ("en", rules.RULES["display_out"].legal_basis_en, rules.RULES["display_out"].legal_basis_zh)])
def test_the_legal_basis_is_shown_in_the_readers_language(world, rates, lang, shown, other):
    """The regime's page, the open form's table of rules and the export name the basis in the reader's
    language only (it was one text mixing Chinese and English)."""
    from django.test import Client
    from django.urls import reverse
    from django.utils.html import escape

    regime = open_(world, g=guarantee(world))
    c = Client(HTTP_ACCEPT_LANGUAGE=lang)
    assert c.login(username="ent_a", password=PASSWORD)
    page = c.get(reverse("duties:regime", args=[regime.pk])).content.decode()
    assert f'<dd data-testid="legal-basis">{escape(shown)}</dd>' in page and escape(other) not in page
    form = c.get(reverse("duties:regime-open")).content.decode()
    assert f'<td class="muted" data-testid="legal-basis">{escape(shown)}</td>' in form and escape(other) not in form
    export = c.get(reverse("duties:regimes-export") + "?format=csv").content.decode("utf-8-sig")
    assert shown in export and other not in export


def test_linking_lists_to_a_regime_out_of_scope_is_a_404_whatever_the_body(world, rates):
    """Another enterprise's regime is not found, before the body is read: an empty or bad body does not tell
    it apart from a regime of one's own (400), and nothing is written."""
    from django.test import Client

    r = open_(world, g=guarantee(world))
    before = AuditEvent.objects.count()
    c = Client()
    assert c.login(username="ent_b", password=PASSWORD)
    for data in ({}, {"role": "sideways", "lists": ["x"]}):
        api = c.post(f"/api/v1/duties/regimes/{r.pk}/lists", json.dumps(data), content_type="application/json",
                     HTTP_IDEMPOTENCY_KEY=key())
        assert api.status_code == 404, (data, api.content)
    assert c.post(f"/duties/regimes/{r.pk}/lists", {"idempotency_key": key()}).status_code == 404
    assert AuditEvent.objects.count() == before
