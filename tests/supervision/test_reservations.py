"""Two-stage posting (预核扣 → 正式核扣): approval reserves, the passage of goods posts (whole or in shares),
cancellation and reversal void; every reservation ends once; generic source documents; exact edges."""

import io
import json
import uuid
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.test import Client

from bondzone.core.domain.errors import DomainError, Forbidden
from bondzone.core.models import AuditEvent
from bondzone.supervision import services
from bondzone.supervision.domain.posting import Move, status_change
from bondzone.supervision.models import Reservation, StockAccount, StockEntry, VerificationList
from bondzone.supervision.reconcile import verify

from ..conftest import PASSWORD, key, post_list

UNITS = {1: "007", 2: "035", 3: "011"}


def account(world, item_no, status="bonded"):
    return StockAccount.objects.get(book=world.book_a, item__item_no=item_no, goods_status=status)


def submitted(world, direction, lines, list_type="0", status="bonded"):
    owner = world.actor("ent_a")
    v = services.create_list(actor=owner, book_id=world.book_a.pk, idempotency_key=key(), data={
        "direction": direction, "trade_mode": "5034", "list_type": list_type,
        "lines": [{"item_no": i, "quantity": q, "unit": UNITS[i], "goods_status": status} for i, q in lines]})
    services.submit_list(actor=owner, list_id=v.pk, idempotency_key=key())
    return v


def approve(world, v):
    return services.approve_list(actor=world.actor("customs"), list_id=v.pk, idempotency_key=key())


def pass_goods(world, v, shares=None, event=None):
    return services.pass_goods(actor=world.actor("customs"), list_id=v.pk, event_id=event or key(), shares=shares,
                               idempotency_key=key())


def writes():
    from bondzone.core.models import IdempotencyRecord
    from bondzone.supervision.models import PostingEvent

    return (StockEntry.objects.count(), Reservation.objects.count(), PostingEvent.objects.count(),
            AuditEvent.objects.count(), IdempotencyRecord.objects.count(),
            list(StockAccount.objects.order_by("id").values_list("posted", "reserved", "incoming")))


def test_outbound_reservation_makes_stock_unavailable_at_once(world):
    post_list(world, direction="I", lines=[(1, "10")])
    out = approve(world, submitted(world, "E", [(1, "6")]))
    acc = account(world, 1)
    assert out.posting_state == "reserved" and (acc.posted, acc.reserved, acc.available) == (10, 6, 4)
    second = submitted(world, "E", [(1, "5")])
    with pytest.raises(DomainError) as err:
        approve(world, second)
    [p] = err.value.problems
    assert (p.field, p.code, p.params["available"], p.params["shortfall"]) == (
        "lines[1].quantity", "insufficient_stock", "4", "1")


def test_inbound_is_never_available_before_it_is_posted(world):
    inbound = approve(world, submitted(world, "I", [(1, "10")]))
    acc = account(world, 1)
    assert (acc.posted, acc.incoming, acc.available) == (0, 10, 0)
    with pytest.raises(DomainError):
        approve(world, submitted(world, "E", [(1, "1")]))
    pass_goods(world, inbound)
    assert approve(world, submitted(world, "E", [(1, "1")])).posting_state == "reserved"


def test_partial_passages_post_each_share_and_complete_the_list(world):
    post_list(world, direction="I", lines=[(2, "5")])
    v = approve(world, submitted(world, "E", [(2, "3")]))
    r1 = pass_goods(world, v, shares={1: "1.25"}, event="truck-1")
    assert r1.posted == {1: Decimal("1.25")} and not r1.complete
    assert VerificationList.objects.get(pk=v.pk).posting_state == "partial"
    acc = account(world, 2)
    assert (acc.posted, acc.reserved, acc.available) == (Decimal("3.75"), Decimal("1.75"), 2)
    r2 = pass_goods(world, v, event="truck-2")
    assert r2.posted == {1: Decimal("1.75")} and r2.complete
    acc = account(world, 2)
    assert (acc.posted, acc.reserved) == (2, 0)
    res = Reservation.objects.get(source_kind="list", source_id=v.pk)
    assert (res.state, res.posted, res.voided) == ("posted", 3, 0) and res.ended_at
    assert [e.kind for e in StockEntry.objects.filter(reservation=res).order_by("id")] == ["reserve", "post", "post"]
    assert verify()[2] == []


def test_passage_refusals_name_the_rule_and_write_nothing(world):
    post_list(world, direction="I", lines=[(1, "10")])
    v = approve(world, submitted(world, "E", [(1, "4"), (1, "2")]))
    pass_goods(world, v, shares={1: "1"}, event="truck-1")
    draft = submitted(world, "I", [(1, "1")])
    before = writes()
    cases = [
        (dict(shares={1: "4"}, event="truck-2"), "shares[1]", "share_exceeds_reserved"),  # 3 left on line 1
        (dict(shares={3: "1"}, event="truck-2"), "shares[3]", "nothing_reserved_on_line"),
        (dict(shares={1: "0.5"}, event="truck-2"), "shares[1]", "too_many_decimals"),  # pieces: whole numbers
        (dict(shares={1: "1"}, event="truck-1"), "event_id", "event_already_posted"),  # the same passage again
    ]
    for kwargs, field, code in cases:
        with pytest.raises(DomainError) as err:
            pass_goods(world, v, **kwargs)
        assert [(p.field, p.code) for p in err.value.problems] == [(field, code)], kwargs
        assert writes() == before
    with pytest.raises(DomainError) as err:  # a list not approved has nothing awaiting passage
        pass_goods(world, draft)
    assert err.value.problems[0].code == "list_not_awaiting_passage"
    with pytest.raises(Forbidden):
        services.pass_goods(actor=world.actor("ent_a"), list_id=v.pk, event_id="x", idempotency_key=key())
    assert writes() == before


def test_in_zone_transfer_posts_at_approval(world):
    post_list(world, direction="I", lines=[(1, "10")])
    v = approve(world, submitted(world, "E", [(1, "4")], list_type="6"))
    acc = account(world, 1)
    assert v.posting_state == "posted" and (acc.posted, acc.reserved) == (6, 0)
    assert not Reservation.objects.filter(source_id=v.pk).exists()
    with pytest.raises(DomainError) as err:
        pass_goods(world, v)
    assert err.value.problems[0].code == "list_not_awaiting_passage"


def test_cancel_voids_a_reserved_list_once(world):
    post_list(world, direction="I", lines=[(1, "10")])
    v = approve(world, submitted(world, "E", [(1, "4")]))
    cancelled = services.cancel_list(actor=world.actor("ent_a"), list_id=v.pk, reason="删单", idempotency_key=key())
    assert (cancelled.status, cancelled.posting_state) == ("cancelled", "voided")
    acc = account(world, 1)
    assert (acc.posted, acc.reserved, acc.available) == (10, 0, 10)
    res = Reservation.objects.get(source_id=v.pk, source_kind="list")
    assert (res.state, res.voided, res.posted) == ("voided", 4, 0)
    before = writes()
    with pytest.raises(DomainError):  # voided: no passage can post it any more
        pass_goods(world, v)
    with pytest.raises(DomainError):  # and it cannot be voided twice
        services.cancel_list(actor=world.actor("ent_a"), list_id=v.pk, reason="again", idempotency_key=key())
    assert writes() == before
    assert verify()[2] == []


def test_cancel_after_a_share_posted_is_refused(world):
    post_list(world, direction="I", lines=[(1, "10")])
    v = approve(world, submitted(world, "E", [(1, "4")]))
    pass_goods(world, v, shares={1: "1"})
    with pytest.raises(DomainError) as err:
        services.cancel_list(actor=world.actor("ent_a"), list_id=v.pk, reason="late", idempotency_key=key())
    assert err.value.problems[0].code == "list_not_cancellable"


def test_reversal_voids_a_reserved_list_and_counter_posts_a_partly_posted_one(world):
    post_list(world, direction="I", lines=[(1, "10"), (2, "3")])
    customs = world.actor("customs")
    reserved = approve(world, submitted(world, "E", [(1, "4")]))
    same = services.reverse_list(actor=customs, list_id=reserved.pk, reason="void", idempotency_key=key())
    assert same.pk == reserved.pk and same.posting_state == "voided"
    assert not VerificationList.objects.filter(reverses=reserved).exists()
    assert (account(world, 1).posted, account(world, 1).reserved) == (10, 0)
    with pytest.raises(DomainError) as err:
        services.reverse_list(actor=customs, list_id=reserved.pk, reason="again", idempotency_key=key())
    assert err.value.problems[0].code == "list_already_voided"

    partly = approve(world, submitted(world, "E", [(1, "4"), (2, "2")]))
    pass_goods(world, partly, shares={1: "3"})
    counter = services.reverse_list(actor=customs, list_id=partly.pk, reason="undo", idempotency_key=key())
    assert counter.reverses_id == partly.pk and counter.direction == "I" and counter.posting_state == "posted"
    assert [(ln.seq, ln.quantity) for ln in counter.lines.order_by("seq")] == [(1, 3)]  # only what was posted
    assert (account(world, 1).posted, account(world, 1).reserved) == (10, 0)
    assert (account(world, 2).posted, account(world, 2).reserved) == (3, 0)
    assert verify()[2] == []


def test_exact_edges_through_the_service(world):
    post_list(world, direction="I", lines=[(1, "7"), (2, "2.5")])
    approve(world, submitted(world, "E", [(2, "1")]))  # reserved: 1.5 kg left available
    for item, over in ((1, "8"), (2, "1.501")):
        short = submitted(world, "E", [(item, over)])
        before = writes()
        with pytest.raises(DomainError) as err:
            approve(world, short)
        [p] = err.value.problems
        assert (p.field, p.code, p.params["line"], p.params["item"]) == ("lines[1].quantity", "insufficient_stock",
                                                                        1, item)
        assert p.params["shortfall"] == ("1" if item == 1 else "0.001")
        assert writes() == before
    exact = approve(world, submitted(world, "E", [(1, "7"), (2, "1.5")]))
    pass_goods(world, exact)
    assert account(world, 1).available == 0 and account(world, 2).available == 0
    assert verify()[2] == []


def test_exact_edges_through_the_api(world):
    post_list(world, direction="I", lines=[(2, "2.5")])
    ent, customs = Client(), Client()
    assert ent.login(username="ent_a", password=PASSWORD) and customs.login(username="customs", password=PASSWORD)

    def call(c, path, body):
        return c.post(path, json.dumps(body), content_type="application/json", HTTP_IDEMPOTENCY_KEY=uuid.uuid4().hex)

    def declare(qty):
        r = call(ent, "/api/v1/lists", {"book_id": world.book_a.pk, "direction": "E", "trade_mode": "5034",
                                        "lines": [{"item_no": 2, "quantity": qty, "unit": "035"}]})
        assert call(ent, f"/api/v1/lists/{r.json()['id']}/submit", {}).status_code == 200
        return r.json()["id"]

    over = declare("2.501")
    r = call(customs, f"/api/v1/lists/{over}/approve", {})
    assert r.status_code == 400
    [detail] = r.json()["errors"]
    assert detail["field"] == "lines[1].quantity" and detail["code"] == "insufficient_stock"
    assert "0.001" in detail["message"]
    exact = declare("2.5")
    assert call(customs, f"/api/v1/lists/{exact}/approve", {}).json()["posting_state"] == "reserved"
    r = call(customs, f"/api/v1/lists/{exact}/pass", {"shares": {"1": "2.501"}})
    assert r.status_code == 400 and r.json()["errors"][0]["field"] == "shares[1]"
    assert call(customs, f"/api/v1/lists/{exact}/pass", {}).json()["complete"] is True
    assert account(world, 2).posted == 0


def test_goods_passed_button_on_the_list_page(world):
    post_list(world, direction="I", lines=[(1, "10")])
    v = approve(world, submitted(world, "E", [(1, "4")]))
    c = Client()
    assert c.login(username="customs", password=PASSWORD)
    page = c.get(f"/supervision/lists/{v.pk}/").content.decode()
    assert 'data-testid="pass-goods"' in page and 'name="share-1"' in page
    r = c.post(f"/supervision/lists/{v.pk}/pass/", {"idempotency_key": key(), "share-1": "9"})
    assert r.status_code == 302 and account(world, 1).posted == 10  # refused: flashed, nothing written
    r = c.post(f"/supervision/lists/{v.pk}/pass/", {"idempotency_key": key(), "share-1": ""})
    assert r.status_code == 302 and account(world, 1).posted == 6
    ent = Client()
    assert ent.login(username="ent_a", password=PASSWORD)
    assert 'data-testid="pass-goods"' not in ent.get(f"/supervision/lists/{v.pk}/").content.decode()


def test_production_report_consumes_materials_and_books_finished_goods(world):
    post_list(world, direction="I", lines=[(1, "10"), (2, "5")])
    customs = world.actor("customs")
    moves = [Move(1, 1, "bonded", Decimal("-4")), Move(2, 2, "bonded", Decimal("-1.5")),
             Move(3, 3, "bonded", Decimal("2"))]
    r = services.post_document(actor=customs, book_id=world.book_a.pk, source_kind="production", source_id=77,
                               moves=moves, event_id="report-77", idempotency_key=key())
    assert (r.entries, r.reservations) == (3, 0)
    assert (account(world, 1).posted, account(world, 2).posted, account(world, 3).posted) == (6, Decimal("3.5"), 2)
    entry = StockEntry.objects.get(source_kind="production", source_line=2)
    assert (entry.source_id, entry.kind, entry.posted_delta) == (77, "direct", Decimal("-1.5"))
    before = writes()
    with pytest.raises(DomainError) as err:
        services.post_document(actor=customs, book_id=world.book_a.pk, source_kind="production", source_id=78,
                               moves=[Move(1, 1, "bonded", Decimal("-7")), Move(2, 9, "bonded", Decimal("1"))],
                               event_id="report-78", idempotency_key=key())
    assert [(p.field, p.code) for p in err.value.problems] == [("moves[2].item_no", "unknown_item")]
    with pytest.raises(DomainError) as err:
        services.post_document(actor=customs, book_id=world.book_a.pk, source_kind="production", source_id=78,
                               moves=[Move(5, 1, "bonded", Decimal("-7"))], event_id="report-78",
                               idempotency_key=key())
    assert [(p.field, p.code, p.params["line"]) for p in err.value.problems] == [
        ("moves[5].quantity", "insufficient_stock", 5)]
    with pytest.raises(DomainError) as err:
        services.post_document(actor=customs, book_id=world.book_a.pk, source_kind="production", source_id=78,
                               moves=moves[2:], event_id="report-77", idempotency_key=key())
    assert err.value.problems[0].code == "event_already_posted"
    assert writes() == before
    assert verify()[2] == []


def test_status_change_is_two_movements_in_one_transaction(world):
    post_list(world, direction="I", lines=[(1, "10")])
    services.post_document(actor=world.actor("customs"), book_id=world.book_a.pk, source_kind="status", source_id=1,
                           moves=status_change(1, 1, Decimal("4"), "", "bonded", "duty_paid"), event_id="sale-1",
                           idempotency_key=key())
    assert account(world, 1).posted == 6 and account(world, 1, "duty_paid").posted == 4
    assert StockEntry.objects.filter(source_kind="status", source_id=1, source_line=1).count() == 2


def test_generic_reservations_post_and_void_inside_the_callers_transaction(world):
    post_list(world, direction="I", lines=[(1, "10")])
    customs, book = world.actor("customs"), world.book_a.pk
    with transaction.atomic(durable=True):
        services.post_document_in_transaction(actor=customs, book_id=book, source_kind="stocktake", source_id=5,
                                              moves=[Move(1, 1, "bonded", Decimal("-3"))], event_id="st-5",
                                              reserve=True)
    assert (account(world, 1).posted, account(world, 1).reserved) == (10, 3)
    with transaction.atomic(durable=True):
        services.post_reserved(actor=customs, book_id=book, source_kind="stocktake", source_id=5, event_id="st-5-p",
                               shares={1: "1"})
    with transaction.atomic(durable=True):
        assert services.void_reservations(actor=customs, book_id=book, source_kind="stocktake", source_id=5,
                                          reason="recount") == 1
    assert (account(world, 1).posted, account(world, 1).reserved) == (9, 0)
    res = Reservation.objects.get(source_kind="stocktake")
    assert (res.state, res.posted, res.voided) == ("voided", 1, 2)
    with pytest.raises(DomainError), transaction.atomic(durable=True):  # ended: nothing left to void or post
        services.post_reserved(actor=customs, book_id=book, source_kind="stocktake", source_id=5, event_id="st-5-q")
    with pytest.raises(DomainError), transaction.atomic(durable=True):  # another enterprise's book
        services.void_reservations(actor=customs, book_id=world.book_b.pk, source_kind="stocktake", source_id=5,
                                   reason="x")
    assert verify()[2] == []


def test_a_reservation_cannot_end_twice_in_the_database(world):
    post_list(world, direction="I", lines=[(1, "10")])
    v = approve(world, submitted(world, "E", [(1, "4")]))
    pass_goods(world, v)
    res = Reservation.objects.get(source_id=v.pk, source_kind="list")
    from django.db import IntegrityError
    from django.utils import timezone

    with pytest.raises(IntegrityError), transaction.atomic():  # posted in full, and voided too: CHECK refuses
        Reservation.objects.filter(pk=res.pk).update(state="voided", voided=Decimal(1), ended_at=timezone.now())


def test_verify_books_reports_reservations_that_do_not_fold(world):
    post_list(world, direction="I", lines=[(1, "10")])
    v = approve(world, submitted(world, "E", [(1, "4")]))
    res = Reservation.objects.get(source_id=v.pk, source_kind="list")
    call_command("verify_books", stdout=io.StringIO())
    with connection.cursor() as cur:  # voided behind the ledger's back: no void entry, balance still reserved
        cur.execute("UPDATE supervision_reservation SET state = 'voided', voided = quantity, ended_at = %s "
                    "WHERE id = %s", [connection.ops.adapt_datetimefield_value(res.created_at), res.pk])
    findings = [f.message for f in verify()[2]]
    assert any(f"reservation {res.pk}: 0 void entries" in m for m in findings)
    assert any("open reservations hold reserved=0" in m for m in findings)
    with pytest.raises(CommandError):
        call_command("verify_books", stdout=io.StringIO())
