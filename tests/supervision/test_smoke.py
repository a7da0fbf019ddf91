from decimal import Decimal

from bondzone.supervision.models import StockAccount

from ..conftest import post_list


def test_inbound_list_posts_to_book(world):
    vlist = post_list(world, direction="I", lines=[(1, "10"), (2, "2.5")])
    assert vlist.status == "approved"
    balances = {(a.item.item_no, a.unit): a.posted for a in StockAccount.objects.filter(book=world.book_a)}
    assert balances == {(1, "007"): Decimal("10"), (2, "035"): Decimal("2.5")}
