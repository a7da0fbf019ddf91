"""Lists as customs handles them: pre-entry number at creation, list number at approval; withdraw,
reject → correct → resubmit; 变更 (change count) and 删单 before posting; paired 区内流转 / 区间流转 lists
that post together or not at all."""

from datetime import timedelta

import pytest
from django.utils import timezone

from bondzone.core.domain.errors import DomainError
from bondzone.supervision import services
from bondzone.supervision.models import AccountBook, StockAccount, StockEntry, VerificationList
from bondzone.supervision.reconcile import verify

from ..conftest import key, post_list


def new_list(world, direction="I", qty="5", book=None, user="ent_a", **header):
    data = {"direction": direction, "trade_mode": "5034", **header,
            "lines": [{"item_no": 1, "quantity": qty, "unit": "007"}]}
    return services.create_list(actor=world.actor(user), book_id=(book or world.book_a).pk, data=data,
                                idempotency_key=key())


def submit(world, v, user="ent_a"):
    return services.submit_list(actor=world.actor(user), list_id=v.pk, idempotency_key=key())


def approve(world, v):
    return services.approve_list(actor=world.actor("customs"), list_id=v.pk, idempotency_key=key())


def codes(err):
    return [p.code for p in err.value.problems]


def test_pre_entry_number_at_creation_list_number_at_approval(world):
    v = new_list(world)
    assert v.number is None and len(v.pre_entry_no) == 18 and v.pre_entry_no.startswith("0110")
    assert v.display_number == v.pre_entry_no
    submit(world, v)
    v = approve(world, v)
    assert v.number == f"QD0110{timezone.localdate():%y}I{v.pk:09d}" and v.display_number == v.number
    assert VerificationList.objects.get(pk=v.pk).number == v.number


def test_withdraw_then_resubmit(world):
    v = new_list(world)
    submit(world, v)
    assert services.withdraw_list(actor=world.actor("ent_a"), list_id=v.pk).status == "draft"
    with pytest.raises(DomainError) as err:  # a draft cannot be approved
        approve(world, v)
    assert codes(err) == ["list_wrong_state"]
    submit(world, v)
    assert approve(world, v).status == "approved"


def test_rejected_list_is_corrected_and_resubmitted(world):
    v = new_list(world, qty="5")
    submit(world, v)
    services.reject_list(actor=world.actor("customs"), list_id=v.pk, reason="wrong quantity")
    with pytest.raises(DomainError) as err:  # the correction is validated like a new list
        services.correct_list(actor=world.actor("ent_a"), list_id=v.pk, idempotency_key=key(), data={
            "direction": "I", "trade_mode": "5034", "lines": [{"item_no": 1, "quantity": "0", "unit": "007"}]})
    assert [p.field for p in err.value.problems] == ["lines[1].quantity"]
    assert VerificationList.objects.get(pk=v.pk).status == "rejected"
    fixed = services.correct_list(actor=world.actor("ent_a"), list_id=v.pk, idempotency_key=key(), data={
        "direction": "I", "trade_mode": "5034", "lines": [{"item_no": 1, "quantity": "4", "unit": "007"},
                                                          {"item_no": 2, "quantity": "1.5", "unit": "035"}]})
    assert (fixed.status, fixed.reject_reason, fixed.line_count) == ("draft", "", 2)
    assert [ln.quantity for ln in fixed.lines.order_by("seq")] == [4, 1.5]
    submit(world, fixed)
    approved = approve(world, fixed)
    assert approved.status == "approved" and approved.pre_entry_no == v.pre_entry_no
    with pytest.raises(DomainError):  # an approved list is never corrected
        services.correct_list(actor=world.actor("ent_a"), list_id=v.pk, idempotency_key=key(), data={
            "direction": "I", "trade_mode": "5034", "lines": [{"item_no": 1, "quantity": "1", "unit": "007"}]})


def test_change_before_posting_counts_and_refuses_what_it_may_not_change(world):
    v = new_list(world)
    submit(world, v)
    approve(world, v)
    owner = world.actor("ent_a")
    changed = services.change_list(actor=owner, list_id=v.pk, changes={"remarks": "new remark",
                                                                      "declaration_no": "0" * 18},
                                   reason="报关单号", idempotency_key=key())
    assert (changed.change_count, changed.remarks, changed.declaration_no) == (1, "new remark", "0" * 18)
    for changes, code in (({"direction": "E"}, "not_changeable"), ({"trade_mode": "9900"}, "change_would_post"),
                          ({"trade_mode": "5100"}, None)):
        with pytest.raises(DomainError) as err:
            services.change_list(actor=owner, list_id=v.pk, changes=changes, reason="x", idempotency_key=key())
        if code:
            assert code in codes(err)
    assert VerificationList.objects.get(pk=v.pk).change_count == 1
    services.pass_goods(actor=world.actor("customs"), list_id=v.pk, event_id=key(), idempotency_key=key())
    with pytest.raises(DomainError) as err:  # posted: too late to change
        services.change_list(actor=owner, list_id=v.pk, changes={"remarks": "late"}, reason="x",
                             idempotency_key=key())
    assert codes(err) == ["list_not_changeable"]


@pytest.fixture
def second_book(world):
    """A second logistics book of enterprise A in the same zone, with the same items."""
    today = timezone.localdate()
    book = services.create_book(actor=world.actor("customs"), enterprise_id=world.ent_a.pk, number="T0110W000003",
                                kind="T", valid_from=today - timedelta(days=400), valid_until=today + timedelta(days=400))
    for item in world.book_a.items.all():
        services.add_item(actor=world.actor("customs"), book_id=book.pk, data={
            "item_no": item.item_no, "hs_code": item.hs_code, "name_zh": item.name_zh,
            "declared_unit": item.declared_unit, "legal_unit": item.legal_unit})
    return book


def stock(book, item_no=1):
    acc = StockAccount.objects.filter(book=book, item__item_no=item_no, goods_status="bonded").first()
    return acc.posted if acc else 0


def test_in_zone_transfer_pair_posts_together_or_not_at_all(world, second_book):
    post_list(world, direction="I", lines=[(1, "10")])
    out = new_list(world, "E", "4", list_type="6")
    into = new_list(world, "I", "4", book=second_book, list_type="6", related_no=out.pre_entry_no)
    submit(world, into)
    with pytest.raises(DomainError) as err:  # the other list is still a draft: neither posts
        approve(world, into)
    assert codes(err) == ["related_list_not_ready"]
    submit(world, out)
    entries = StockEntry.objects.count()
    approve(world, into)  # approving either approves both, in one transaction
    out.refresh_from_db()
    assert (out.status, out.posting_state, out.number is not None) == ("approved", "posted", True)
    assert stock(world.book_a) == 6 and stock(second_book) == 4
    assert StockEntry.objects.count() == entries + 2
    counter = services.reverse_list(actor=world.actor("customs"), list_id=out.pk, reason="undo",
                                    idempotency_key=key())
    assert counter.reverses_id == out.pk
    assert VerificationList.objects.filter(reverses_id=into.pk).exists()  # the pair is undone together
    assert stock(world.book_a) == 10 and stock(second_book) == 0
    assert verify()[2] == []


def test_a_short_side_refuses_the_whole_pair(world, second_book):
    post_list(world, direction="I", lines=[(1, "3")])
    out = new_list(world, "E", "4", list_type="6")
    into = new_list(world, "I", "4", book=second_book, list_type="6", related_no=out.pre_entry_no)
    submit(world, out)
    submit(world, into)
    entries = StockEntry.objects.count()
    with pytest.raises(DomainError) as err:
        approve(world, out)
    assert codes(err) == ["insufficient_stock"]
    assert StockEntry.objects.count() == entries
    assert set(VerificationList.objects.filter(pk__in=[out.pk, into.pk]).values_list("status", flat=True)) == {
        "submitted"}


def test_a_transfer_list_without_its_pair_is_refused(world):
    post_list(world, direction="I", lines=[(1, "10")])
    alone = new_list(world, "E", "4", list_type="6")
    submit(world, alone)
    with pytest.raises(DomainError) as err:
        approve(world, alone)
    assert codes(err) == ["related_list_missing"]
    with pytest.raises(DomainError) as err:  # a related number is for transfers only
        new_list(world, "I", "1", related_no=alone.pre_entry_no)
    assert codes(err) == ["related_only_for_transfers"]


def test_inter_zone_pair_reserves_both_until_each_side_passes(world):
    post_list(world, direction="I", lines=[(1, "10")])
    post_list(world, direction="I", lines=[(1, "1")], book=world.book_b, enterprise_user="ent_b")
    out = new_list(world, "E", "4", trade_mode="1200")
    into = new_list(world, "I", "4", book=world.book_b, user="ent_b", trade_mode="1200", related_no=out.pre_entry_no)
    submit(world, out)
    submit(world, into, user="ent_b")
    approve(world, out)
    into.refresh_from_db()
    assert into.status == "approved" and into.posting_state == "reserved"
    a = StockAccount.objects.get(book=world.book_a, item__item_no=1)
    b = StockAccount.objects.get(book=world.book_b, item__item_no=1)
    assert (a.available, b.incoming) == (6, 4)
    services.cancel_list(actor=world.actor("customs"), list_id=into.pk, reason="删单", idempotency_key=key())
    assert set(VerificationList.objects.filter(pk__in=[out.pk, into.pk]).values_list("status", flat=True)) == {
        "cancelled"}
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.available, b.incoming) == (10, 0)
    assert verify()[2] == []
    assert AccountBook.objects.count() == 2
