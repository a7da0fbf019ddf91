"""The customs approval queue: work list, filters, stock check, batch approval, approve and open the next."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.test import Client

from bondzone.core.models import AuditEvent, IdempotencyRecord
from bondzone.supervision import services
from bondzone.supervision.domain.posting import AccountKey, Balance, Movement, check, draws
from bondzone.supervision.models import StockEntry, VerificationList

from ..conftest import PASSWORD, key, post_list

QUEUE = "/supervision/queue/"


def client_for(username: str) -> Client:
    c = Client()
    assert c.login(username=username, password=PASSWORD)
    return c


def waiting_list(world, *, direction: str, lines: list[tuple[int, str, str]], book=None, user: str = "ent_a",
                 list_type: str = "0") -> VerificationList:
    """A submitted list of (item number, quantity, value) lines of bonded goods in the item's declared unit."""
    units = {1: "007", 2: "035", 3: "011"}
    owner = world.actor(user)
    data = {"direction": direction, "trade_mode": "5034", "list_type": list_type,
            "lines": [{"item_no": i, "quantity": q, "unit": units[i], "goods_status": "bonded", "value": v}
                      for i, q, v in lines]}
    vlist = services.create_list(actor=owner, book_id=(book or world.book_a).pk, data=data, idempotency_key=key())
    services.submit_list(actor=owner, list_id=vlist.pk, idempotency_key=key())
    return VerificationList.objects.get(pk=vlist.pk)


def queue_rows(response) -> dict[int, bool]:
    """List id -> short? for the rows of a queue page, in their order."""
    assert response.status_code == 200
    return {v.pk: check.short for v, check in response.context["rows"]}


def flashed(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_queue_shows_names_value_and_stock_check_scoped_to_the_zone(world):
    post_list(world, direction="I", lines=[(1, "5")])
    covered = waiting_list(world, direction="E", lines=[(1, "3", "30")])
    short = waiting_list(world, direction="E", lines=[(1, "7", "70"), (2, "1", "5")])
    other_zone = waiting_list(world, direction="I", lines=[(2, "4", "40")], book=world.book_b, user="ent_b")

    page = client_for("customs").get(QUEUE)
    assert queue_rows(page) == {covered.pk: False, short.pk: True, other_zone.pk: False}
    html = page.content.decode()
    for text in ("普通清单", "天竺综保区", "大兴综保区", "企业甲", "企业乙", "人民币", "不足", covered.display_number):
        assert text in html, text
    values = {v.pk: v.declared_value for v, _ in page.context["rows"]}
    assert values[short.pk] == Decimal("75") and values[covered.pk] == Decimal("30")

    assert list(queue_rows(client_for("customs_a").get(QUEUE))) == [covered.pk, short.pk]


def test_queue_filters_and_sorting(world):
    post_list(world, direction="I", lines=[(1, "5")])
    covered = waiting_list(world, direction="E", lines=[(1, "3", "30")])
    short = waiting_list(world, direction="E", lines=[(1, "7", "70")])
    simple = waiting_list(world, direction="I", lines=[(2, "1", "90")], list_type="4")
    other_zone = waiting_list(world, direction="I", lines=[(2, "4", "40")], book=world.book_b, user="ent_b")
    c = client_for("customs")

    assert list(queue_rows(c.get(QUEUE, {"stock": "short"}))) == [short.pk]
    assert list(queue_rows(c.get(QUEUE, {"stock": "ok"}))) == [covered.pk, simple.pk, other_zone.pk]
    assert list(queue_rows(c.get(QUEUE, {"zone": world.zone_b.pk}))) == [other_zone.pk]
    assert list(queue_rows(c.get(QUEUE, {"enterprise": world.ent_a.pk, "list_type": "4"}))) == [simple.pk]
    assert list(queue_rows(c.get(QUEUE, {"order": "value_highest"}))) == [simple.pk, short.pk, other_zone.pk,
                                                                          covered.pk]
    assert list(queue_rows(c.get(QUEUE, {"order": "waiting_shortest"}))) == [other_zone.pk, simple.pk, short.pk,
                                                                             covered.pk]
    assert list(queue_rows(c.get(QUEUE, {"zone": "x", "order": "nonsense"}))) == [covered.pk, short.pk, simple.pk,
                                                                                  other_zone.pk]
    assert "简单加工" in c.get(QUEUE).content.decode()


def test_enterprise_is_refused_the_queue_and_the_batch_approval(world):
    vlist = waiting_list(world, direction="I", lines=[(1, "3", "30")])
    c = client_for("ent_a")
    assert c.get(QUEUE).status_code == 403
    r = c.post(QUEUE + "approve/", {"idempotency_key": key(), "list_id": [vlist.pk]})
    assert r.status_code == 403
    assert VerificationList.objects.get(pk=vlist.pk).status == "submitted"


def test_batch_approval_approves_what_passes_and_names_what_fails_in_words(world):
    post_list(world, direction="I", lines=[(1, "5")])
    covered = waiting_list(world, direction="E", lines=[(1, "3", "30")])
    inbound = waiting_list(world, direction="I", lines=[(2, "2", "20")])
    short = waiting_list(world, direction="E", lines=[(1, "7", "70")])
    audit_before = AuditEvent.objects.count()
    entries_before = StockEntry.objects.count()

    c = client_for("customs")
    form = c.get(QUEUE, {"zone": world.zone_a.pk})
    r = c.post(QUEUE + f"approve/?zone={world.zone_a.pk}", {
        "idempotency_key": form.context["idempotency_key"], "list_id": [covered.pk, inbound.pk, short.pk]})

    assert r.status_code == 302 and r["Location"] == f"{QUEUE}?zone={world.zone_a.pk}"
    statuses = dict(VerificationList.objects.values_list("pk", "status"))
    assert (statuses[covered.pk], statuses[inbound.pk], statuses[short.pk]) == ("approved", "approved", "submitted")
    assert AuditEvent.objects.count() == audit_before + 2
    assert not AuditEvent.objects.filter(action="list.approve", object_id=str(short.pk)).exists()
    assert StockEntry.objects.count() == entries_before + 2  # one reservation entry per approved line
    assert not IdempotencyRecord.objects.filter(key__endswith=f":{short.pk}").exists()
    refusal = [m for m in flashed(r) if short.display_number in m]
    assert len(refusal) == 1
    assert "备案序号 1（保税，个）余量不足" in refusal[0]  # the goods status and unit by name, not by code
    assert any(VerificationList.objects.get(pk=covered.pk).number in m for m in flashed(r))


def test_batch_approval_of_a_list_outside_the_officers_zone_writes_nothing(world):
    other_zone = waiting_list(world, direction="I", lines=[(2, "4", "40")], book=world.book_b, user="ent_b")
    audit_before = AuditEvent.objects.count()
    r = client_for("customs_a").post(QUEUE + "approve/", {"idempotency_key": key(), "list_id": [other_zone.pk]})
    assert r.status_code == 302
    assert VerificationList.objects.get(pk=other_zone.pk).status == "submitted"
    assert AuditEvent.objects.count() == audit_before
    assert any(str(other_zone.pk) in m for m in flashed(r))


def test_batch_approval_without_a_selection_says_so(world):
    r = client_for("customs").post(QUEUE + "approve/", {"idempotency_key": key()}, HTTP_ACCEPT_LANGUAGE="en")
    assert r.status_code == 302 and r["Location"] == QUEUE
    assert flashed(r) == ["Select the lists to approve."]


def test_approve_and_open_the_next_waiting_list(world):
    first = waiting_list(world, direction="I", lines=[(1, "3", "30")])
    second = waiting_list(world, direction="I", lines=[(2, "1", "10")])
    c = client_for("customs")

    detail = c.get(f"/supervision/lists/{first.pk}/")
    assert 'data-testid="approve-and-next"' in detail.content.decode()
    r = c.post(f"/supervision/lists/{first.pk}/approve/",
               {"idempotency_key": detail.context["idempotency_key"], "next": "queue"})
    assert r.status_code == 302 and r["Location"] == f"/supervision/lists/{second.pk}/"
    assert VerificationList.objects.get(pk=first.pk).status == "approved"

    detail = c.get(r["Location"])
    r = c.post(f"/supervision/lists/{second.pk}/approve/",
               {"idempotency_key": detail.context["idempotency_key"], "next": "queue"}, HTTP_ACCEPT_LANGUAGE="en")
    assert r.status_code == 302 and r["Location"] == QUEUE
    assert "No list is waiting for approval any more." in flashed(r)
    assert VerificationList.objects.get(pk=second.pk).status == "approved"


def test_list_detail_shows_the_stock_of_each_outbound_line(world):
    post_list(world, direction="I", lines=[(1, "5")])
    short = waiting_list(world, direction="E", lines=[(1, "3", "30"), (1, "4", "40")])
    html = client_for("customs").get(f"/supervision/lists/{short.pk}/").content.decode()
    assert "备案序号 1（保税，个）: 可用 5, 申报 3" in html
    assert "备案序号 1（保税，个）: 可用 2, 申报 4" in html  # the second line draws on what the first left
    assert 'data-testid="stock-check"' in html and "不足" in html


def test_draws_are_short_exactly_where_check_names_a_line():
    a, b = AccountKey(1, "bonded", "007"), AccountKey(2, "bonded", "007")
    balances = {a: Balance(Decimal(5), Decimal(1)), b: Balance(Decimal(2))}
    moves = [Movement(1, a, Decimal(-3)), Movement(2, a, Decimal(-3)), Movement(3, a, Decimal(-1)),
             Movement(4, b, Decimal(-2)), Movement(5, b, Decimal(1)), Movement(6, b, Decimal(-1))]
    found = draws(moves, balances)
    assert [(d.line_seq, d.available, d.required, d.short) for d in found] == [
        (1, Decimal(4), Decimal(3), False), (2, Decimal(1), Decimal(3), True), (3, Decimal(1), Decimal(1), False),
        (4, Decimal(2), Decimal(2), False), (6, Decimal(1), Decimal(1), False)]
    _, problems = check(moves, balances)
    assert [d.line_seq for d in found if d.short] == [p.params["line"] for p in problems]


@pytest.mark.parametrize("raw", ["²", "٣", "9" * 23])
def test_a_queue_filter_or_selection_that_cannot_be_an_id_is_ignored_not_a_500(world, raw):
    # str.isdigit() let "²" through to int() (ValueError) and 23 digits through to SQLite (overflow): both 500s
    vlist = waiting_list(world, direction="I", lines=[(1, "3", "30")])
    c = client_for("customs")
    for name in ("zone", "enterprise"):
        r = c.get(QUEUE, {name: raw})
        assert r.status_code == 200 and list(queue_rows(r)) == [vlist.pk]
    r = c.post(QUEUE + "approve/", {"idempotency_key": key(), "list_id": [raw]}, follow=True)
    assert r.status_code == 200
    assert VerificationList.objects.get(pk=vlist.pk).status == "submitted"
