"""Posting, refusal, reversal, idempotency, append-only entries, audit — through the services."""

from decimal import Decimal
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, IntegrityError, connection, transaction

from bondzone.core.domain.errors import Conflict, DomainError, Forbidden, NotFound
from bondzone.core.models import AuditEvent, IdempotencyRecord
from bondzone.supervision import services
from bondzone.supervision.models import Reservation, StockAccount, StockEntry, VerificationList

from ..conftest import key, post_list


def balance(world, item_no, status="bonded", book=None):
    acc = StockAccount.objects.filter(book=book or world.book_a, item__item_no=item_no, goods_status=status).first()
    return acc.posted if acc else Decimal(0)


def counts():
    return (VerificationList.objects.count(), StockEntry.objects.count(), StockAccount.objects.count(),
            AuditEvent.objects.count(), IdempotencyRecord.objects.count())


def test_statuses_are_separate_accounts(world):
    post_list(world, direction="I", lines=[(1, "10")])
    post_list(world, direction="I", lines=[(1, "4")], status="non_bonded")
    assert balance(world, 1) == 10 and balance(world, 1, "non_bonded") == 4
    with pytest.raises(DomainError):
        post_list(world, direction="E", lines=[(1, "12")])  # bonded has 10, non-bonded does not count


def test_refused_list_writes_nothing_and_names_line_and_shortfall(world):
    post_list(world, direction="I", lines=[(1, "10"), (2, "1.5")])
    owner, customs = world.actor("ent_a"), world.actor("customs")
    vlist = services.create_list(actor=owner, book_id=world.book_a.pk, idempotency_key=key(), data={
        "direction": "E", "trade_mode": "5034",
        "lines": [{"item_no": 1, "quantity": "4", "unit": "007"}, {"item_no": 2, "quantity": "2", "unit": "035"}]})
    services.submit_list(actor=owner, list_id=vlist.pk, idempotency_key=key())
    before = counts()
    with pytest.raises(DomainError) as err:
        services.approve_list(actor=customs, list_id=vlist.pk, idempotency_key=key())
    [p] = err.value.problems
    assert p.field == "lines[2].quantity" and p.code == "insufficient_stock"
    assert p.params["shortfall"] == "0.5" and p.params["available"] == "1.5"
    assert counts() == before
    assert balance(world, 1) == 10 and VerificationList.objects.get(pk=vlist.pk).status == "submitted"


def test_reversal_posts_opposite_and_only_once(world):
    vlist = post_list(world, direction="I", lines=[(1, "10")])
    counter = services.reverse_list(actor=world.actor("customs"), list_id=vlist.pk, reason="wrong quantity",
                                    idempotency_key=key())
    assert counter.reverses_id == vlist.pk and counter.direction == "E" and counter.status == "approved"
    assert balance(world, 1) == 0
    with pytest.raises(DomainError) as err:
        services.reverse_list(actor=world.actor("customs"), list_id=vlist.pk, reason="again", idempotency_key=key())
    assert err.value.problems[0].code == "list_already_reversed"
    with pytest.raises(DomainError) as err:
        services.reverse_list(actor=world.actor("customs"), list_id=counter.pk, reason="x", idempotency_key=key())
    assert err.value.problems[0].code == "cannot_reverse_reversal"


def test_reversal_refused_when_stock_already_left(world):
    vlist = post_list(world, direction="I", lines=[(1, "10")])
    post_list(world, direction="E", lines=[(1, "7")])
    before = counts()
    with pytest.raises(DomainError) as err:
        services.reverse_list(actor=world.actor("customs"), list_id=vlist.pk, reason="x", idempotency_key=key())
    assert err.value.problems[0].params["shortfall"] == "7"
    assert counts() == before


def test_same_key_same_payload_returns_first_result_and_writes_nothing(world):
    owner = world.actor("ent_a")
    data = {"direction": "I", "trade_mode": "5034", "lines": [{"item_no": 1, "quantity": "3", "unit": "007"}]}
    first = services.create_list(actor=owner, book_id=world.book_a.pk, data=data, idempotency_key="k-1")
    before = counts()
    again = services.create_list(actor=owner, book_id=world.book_a.pk, data=data, idempotency_key="k-1")
    assert again.pk == first.pk and counts() == before


def test_same_key_other_payload_is_conflict_naming_the_difference(world):
    owner = world.actor("ent_a")
    data = {"direction": "I", "trade_mode": "5034", "lines": [{"item_no": 1, "quantity": "3", "unit": "007"}]}
    services.create_list(actor=owner, book_id=world.book_a.pk, data=data, idempotency_key="k-2")
    changed = {**data, "lines": [{"item_no": 1, "quantity": "4", "unit": "007"}]}
    before = counts()
    with pytest.raises(Conflict) as err:
        services.create_list(actor=owner, book_id=world.book_a.pk, data=changed, idempotency_key="k-2")
    assert "lines[1].quantity" in err.value.problems[0].params["fields"]
    assert counts() == before


def test_approval_retry_with_same_key_posts_once(world):
    owner, customs = world.actor("ent_a"), world.actor("customs")
    v = services.create_list(actor=owner, book_id=world.book_a.pk, idempotency_key=key(), data={
        "direction": "I", "trade_mode": "5034", "lines": [{"item_no": 1, "quantity": "3", "unit": "007"}]})
    services.submit_list(actor=owner, list_id=v.pk, idempotency_key=key())
    services.approve_list(actor=customs, list_id=v.pk, idempotency_key="approve-1")
    services.approve_list(actor=customs, list_id=v.pk, idempotency_key="approve-1")
    acc = StockAccount.objects.get(item__item_no=1)  # reserved inbound: incoming, never available yet
    assert (acc.posted, acc.incoming, acc.available) == (0, 3, 0) and StockEntry.objects.count() == 1
    assert Reservation.objects.get().quantity == 3
    with pytest.raises(DomainError) as err:  # a new key is a new attempt: the list is no longer submitted
        services.approve_list(actor=customs, list_id=v.pk, idempotency_key="approve-2")
    assert err.value.problems[0].code == "list_wrong_state"


def test_roles_and_enterprises_are_enforced(world):
    v = post_list(world, direction="I", lines=[(1, "1")])
    with pytest.raises(Forbidden):
        services.approve_list(actor=world.actor("ent_a"), list_id=v.pk, idempotency_key=key())
    with pytest.raises(NotFound):  # B cannot even see A's list
        services.delete_list(actor=world.actor("ent_b"), list_id=v.pk)
    with pytest.raises(NotFound):  # customs of another zone does not see it either
        other = services.create_list(actor=world.actor("ent_b"), book_id=world.book_b.pk, idempotency_key=key(), data={
            "direction": "I", "trade_mode": "5034", "lines": [{"item_no": 1, "quantity": "1", "unit": "007"}]})
        services.submit_list(actor=world.actor("ent_b"), list_id=other.pk, idempotency_key=key())
        services.approve_list(actor=world.actor("customs_a"), list_id=other.pk, idempotency_key=key())
    with pytest.raises(NotFound):
        services.create_list(actor=world.actor("ent_b"), book_id=world.book_a.pk, idempotency_key=key(), data={
            "direction": "I", "trade_mode": "5034", "lines": [{"item_no": 1, "quantity": "1", "unit": "007"}]})


def test_every_change_is_audited_with_request_id(world):
    v = post_list(world, direction="I", lines=[(1, "1")])
    actions = list(AuditEvent.objects.filter(object_type="supervision.verificationlist", object_id=str(v.pk))
                   .order_by("id").values_list("action", "role", "actor_name"))
    assert actions == [("list.create", "enterprise", "ent_a"), ("list.submit", "enterprise", "ent_a"),
                       ("list.approve", "customs", "customs"), ("list.pass", "customs", "customs")]
    assert all(AuditEvent.objects.values_list("request_id", flat=True))
    approve = AuditEvent.objects.get(action="list.approve")
    assert approve.before["status"] == "submitted" and approve.after["status"] == "approved"


def test_entries_are_append_only_in_the_database(world):
    post_list(world, direction="I", lines=[(1, "1")])
    entry = StockEntry.objects.get(kind="post")
    with pytest.raises((IntegrityError, DatabaseError)), transaction.atomic():
        StockEntry.objects.filter(pk=entry.pk).update(posted_delta=Decimal(5))
    with pytest.raises((IntegrityError, DatabaseError)), transaction.atomic():
        with connection.cursor() as cur:
            cur.execute("DELETE FROM supervision_stockentry WHERE id = %s", [entry.pk])
    assert StockEntry.objects.get(pk=entry.pk).posted_delta == 1


def test_balance_check_constraint_refuses_negative_available(world):
    post_list(world, direction="I", lines=[(1, "1")])
    with pytest.raises(IntegrityError), transaction.atomic():
        StockAccount.objects.update(reserved=Decimal(2))


def test_verify_books_passes_then_reports_a_tampered_balance(world):
    post_list(world, direction="I", lines=[(1, "5"), (2, "1.25")])
    post_list(world, direction="E", lines=[(1, "2")])
    out = io.StringIO()
    call_command("verify_books", stdout=out)
    assert "发现 0 个问题" in out.getvalue()  # in the CLI's language (zh-hans unless BONDZONE_LANGUAGE=en)
    acc = StockAccount.objects.get(item__item_no=1)
    with connection.cursor() as cur:
        cur.execute("UPDATE supervision_stockaccount SET posted = posted + 100000 WHERE id = %s", [acc.pk])
    out = io.StringIO()
    with pytest.raises(CommandError, match="发现 1 个问题"):
        call_command("verify_books", stdout=out)
    assert f"account {acc.pk}" in out.getvalue()


def test_posting_date_rules(world):
    import datetime

    from django.utils import timezone

    today = timezone.localdate()
    post_list(world, direction="I", lines=[(1, "5")], when=today - datetime.timedelta(days=3))
    with pytest.raises(DomainError) as err:  # behind the book's last posting date
        post_list(world, direction="I", lines=[(1, "5")], when=today - datetime.timedelta(days=5))
    assert err.value.problems[0].field == "effective_date"
    with pytest.raises(DomainError) as err:
        post_list(world, direction="I", lines=[(1, "5")], when=today + datetime.timedelta(days=1))
    assert err.value.problems[0].code == "date_in_future"


def test_stock_as_of_and_movements_running_balance(world):
    import datetime

    from django.utils import timezone

    from bondzone.supervision import selectors

    today = timezone.localdate()
    d1, d2 = today - datetime.timedelta(days=10), today - datetime.timedelta(days=5)
    post_list(world, direction="I", lines=[(1, "10")], when=d1)
    post_list(world, direction="E", lines=[(1, "3")], when=d2)
    post_list(world, direction="I", lines=[(1, "1")], when=today)
    admin = world.actor("admin")
    as_of = {r["account__item__item_no"]: r["quantity"] for r in selectors.stock_as_of(admin, world.book_a.pk, d2)}
    assert as_of == {1: Decimal(7)}
    acc = StockAccount.objects.get(item__item_no=1)
    _, rows, total, opening = selectors.movements(admin, acc.pk)
    assert total == 6 and opening == 0  # each list: its reservation, then its passage
    assert [(r.kind, r.delta, r.reserved_delta, r.incoming_delta, r.balance) for r in rows] == [
        ("reserve", 0, 0, 10, 10 - 10), ("post", 10, 0, -10, 10), ("reserve", 0, 3, 0, 10), ("post", -3, -3, 0, 7),
        ("reserve", 0, 0, 1, 7), ("post", 1, 0, -1, 8)]
    _, rows, total, opening = selectors.movements(admin, acc.pk, offset=3, limit=2)
    assert total == 6 and opening == Decimal(10)
    assert [(r.delta, r.balance) for r in rows] == [(Decimal(-3), Decimal(7)), (Decimal(0), Decimal(7))]


def _submitted(world, direction, lines, book=None, enterprise_user="ent_a", status="bonded"):
    units = {1: "007", 2: "035", 3: "011"}
    owner = world.actor(enterprise_user)
    v = services.create_list(actor=owner, book_id=(book or world.book_a).pk, idempotency_key=key(), data={
        "direction": direction, "trade_mode": "5034",
        "lines": [{"item_no": i, "quantity": q, "unit": units[i], "goods_status": status} for i, q in lines]})
    services.submit_list(actor=owner, list_id=v.pk, idempotency_key=key())
    return v


def test_approval_returns_the_row_as_stored(world):
    v = _submitted(world, "I", [(1, "2"), (2, "1.5")])
    returned = services.approve_list(actor=world.actor("customs"), list_id=v.pk, idempotency_key=key())
    stored = VerificationList.objects.get(pk=v.pk)
    for f in VerificationList._meta.concrete_fields:
        assert getattr(returned, f.attname) == getattr(stored, f.attname), f.name
    assert returned.status == "approved" and not returned._state.adding


def test_approval_of_a_list_with_existing_and_new_accounts(world):
    post_list(world, direction="I", lines=[(1, "5")])
    post_list(world, direction="I", lines=[(1, "1"), (2, "2"), (1, "3")])  # item 2's account opens here
    post_list(world, direction="E", lines=[(2, "0.5"), (1, "9")])  # all accounts exist: the one-statement path
    assert balance(world, 1) == 0 and balance(world, 2) == Decimal("1.5")
    assert StockEntry.objects.filter(kind="post").count() == 6 and StockEntry.objects.count() == 12


def test_second_line_on_one_account_is_the_one_refused(world):
    post_list(world, direction="I", lines=[(1, "5")])
    v = _submitted(world, "E", [(1, "3"), (1, "3")])
    before = counts()
    with pytest.raises(DomainError) as err:
        services.approve_list(actor=world.actor("customs"), list_id=v.pk, idempotency_key=key())
    assert [(p.field, p.params["available"], p.params["shortfall"]) for p in err.value.problems] == [
        ("lines[2].quantity", "2", "1")]
    assert counts() == before and VerificationList.objects.get(pk=v.pk).status == "submitted"


def test_approval_scope_follows_the_actor(world):
    other = _submitted(world, "I", [(1, "1")], book=world.book_b, enterprise_user="ent_b")
    for name, error in (("customs_a", NotFound), ("ent_b", Forbidden), ("market", Forbidden)):
        with pytest.raises(error):
            services.approve_list(actor=world.actor(name), list_id=other.pk, idempotency_key=key())
    with pytest.raises(NotFound):
        services.approve_list(actor=world.actor("customs"), list_id=10**9, idempotency_key=key())
    # the zone-bound officer's scope did not stick to the list: an unbound officer may approve it
    assert services.approve_list(actor=world.actor("customs"), list_id=other.pk,
                                 idempotency_key=key()).status == "approved"
    mine = _submitted(world, "I", [(1, "1")])
    assert services.approve_list(actor=world.actor("customs_a"), list_id=mine.pk,
                                 idempotency_key=key()).status == "approved"


def test_approval_statements(world):
    from django.test.utils import CaptureQueriesContext

    post_list(world, direction="I", lines=[(1, "5"), (2, "5"), (3, "5")])
    v = _submitted(world, "E", [(1, "1"), (2, "1"), (3, "1"), (1, "2")])
    with CaptureQueriesContext(connection) as ctx:
        services.approve_list(actor=world.actor("customs"), list_id=v.pk, idempotency_key=key())
    statements = [q["sql"] for q in ctx.captured_queries if "SAVEPOINT" not in q["sql"] and q["sql"] not in
                  ("BEGIN", "BEGIN IMMEDIATE", "COMMIT")]
    # idempotency claim, list (locked) + book + last date, list update, audit, lines + accounts (locked),
    # balances, reservations, entries; the outbox event (sharing)
    assert len(statements) == 9, statements


def test_idempotency_result_other_than_expected_is_stored(world):
    from bondzone.core import idempotency

    actor = world.actor("customs")
    result, replayed = idempotency.run(actor, "k-exp", "test.op", {"a": 1}, lambda: {"n": 2}, expected={"n": 1})
    assert (result, replayed) == ({"n": 2}, False)
    assert IdempotencyRecord.objects.get(key="k-exp").result == {"n": 2}
    result, replayed = idempotency.run(actor, "k-exp", "test.op", {"a": 1}, lambda: {"n": 3}, expected={"n": 3})
    assert (result, replayed) == ({"n": 2}, True)
