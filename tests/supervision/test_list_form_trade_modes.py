"""The list form offers the trade modes the book and the direction take (issue 11): a T book no H-only mode, an
H book the modes of its recorded processing kind (neither 进料 nor 来料 modes while the kind is not recorded),
and each direction the modes with a row for it — decided by trade_modes.check's own book test, not a second
table. The choices come again (htmx) when the book or the direction changes; the services still refuse a mode
posted around the form."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest
from django.test import Client

from bondzone.supervision import services
from bondzone.supervision.domain import trade_modes
from bondzone.supervision.domain.codes import TRADE_MODES, Direction
from bondzone.supervision.domain.validation import BookInfo
from bondzone.supervision.models import VerificationList

from ..conftest import PASSWORD, key
from .test_processing_kind import books, listing  # noqa: F401  (the three H books fixture)

BOOK_REFUSALS = {"trade_mode_direction", "trade_mode_not_for_book", "trade_mode_other_processing_kind",
                 "processing_kind_not_recorded"}


def book(kind: str, processing_kind: str = "") -> BookInfo:
    from datetime import date
    return BookInfo(f"{kind}01101000001", kind, date(2020, 1, 1), date(2099, 1, 1), True, processing_kind,
                    "/supervision/books/1/")


@pytest.mark.parametrize("info", [book("T"), book("H", "imported"), book("H", "supplied"), book("H")],
                         ids=["T", "H-imported", "H-supplied", "H-not-recorded"])
@pytest.mark.parametrize("direction", ["I", "E"])
def test_the_modes_offered_are_those_check_takes_for_the_book_and_direction(info, direction):
    offered = trade_modes.modes_for(info, direction)
    for code in trade_modes.ZONE_BOOK_MODES:
        header = SimpleNamespace(trade_mode=code, direction=Direction(direction), list_type="0", item_kind="I")
        refused = {p.code for p in trade_modes.check(header, [], info)} & BOOK_REFUSALS
        assert (code in offered) == (not refused), (code, refused)
    assert offered == [c for c in TRADE_MODES if c in offered]  # the code table's order


def test_the_modes_offered_per_book_kind_processing_kind_and_direction():
    t_in, t_out = trade_modes.modes_for(book("T"), "I"), trade_modes.modes_for(book("T"), "E")
    assert {"5034", "5000", "1210"} <= set(t_in) and not {"5015", "5014", "5100", "0300", "5361"} & set(t_in)
    assert {"5034", "5361", "1210"} <= set(t_out) and not {"5335", "0664", "9700"} & set(t_out)
    imported = trade_modes.modes_for(book("H", "imported"), "E")
    assert {"5015", "0664", "0844", "0864", "4600", "5100", "9700"} <= set(imported)
    assert not {"5014", "0265", "0845", "0865", "4400"} & set(imported)
    supplied = trade_modes.modes_for(book("H", "supplied"), "E")
    assert {"5014", "0265", "0845"} <= set(supplied) and not {"5015", "0664", "0844"} & set(supplied)
    unrecorded = trade_modes.modes_for(book("H"), "E")
    assert {"5034", "5100", "9700"} <= set(unrecorded) and not {"5015", "5014", "0844", "0845"} & set(unrecorded)


# ---------------------------------------------------------------- the pages
def client(language: str = "zh-hans") -> Client:
    c = Client(HTTP_ACCEPT_LANGUAGE=language)
    assert c.login(username="ent_a", password=PASSWORD)
    return c


def offered(page: str) -> list[str]:
    field = page.split('<select id="trade_mode"', 1)[1].split("</select>", 1)[0]
    return re.findall(r'<option value="(\d{4})"', field)


def selected(page: str) -> str | None:
    field = page.split('<select id="trade_mode"', 1)[1].split("</select>", 1)[0]
    found = re.search(r'<option value="(\d{4})"\s+selected', field)
    return found.group(1) if found else None


def fragment(c: Client, book_id, direction: str, trade_mode: str = "") -> str:
    r = c.get("/supervision/lists/new/trade-modes/", {"book_id": book_id, "direction": direction,
                                                      "trade_mode": trade_mode})
    assert r.status_code == 200
    return r.content.decode()


@pytest.mark.parametrize("kind, direction", [("imported", "E"), ("supplied", "E"), ("", "E"), ("imported", "I")])
def test_the_fragment_offers_the_modes_of_the_chosen_book_and_direction(books, kind, direction):  # noqa: F811
    b = books[kind]
    page = fragment(client(), b.pk, direction)
    assert offered(page) == trade_modes.modes_for(services.book_info(b), direction)
    assert ("kind-not-recorded" in page) == (kind == "")


def test_the_fragment_of_a_logistics_book_leaves_out_the_processing_modes(world):
    page = fragment(client("en"), world.book_a.pk, "I")
    assert "5034" in offered(page) and not {"5015", "5014", "5100"} & set(offered(page))
    assert "kind-not-recorded" not in page


def test_the_chosen_mode_stays_selected_while_offered_and_is_dropped_when_not(books):  # noqa: F811
    c = client()
    assert selected(fragment(c, books["imported"].pk, "E", "0664")) == "0664"
    page = fragment(c, books["supplied"].pk, "E", "0664")  # the book changed to a 来料 book
    assert "0664" not in offered(page) and selected(page) is None  # the browser selects the first one offered


def test_the_fragment_sees_only_the_actors_books(world, books):  # noqa: F811
    c = Client()
    assert c.login(username="ent_b", password=PASSWORD)
    r = c.get("/supervision/lists/new/trade-modes/", {"book_id": books["imported"].pk, "direction": "E"})
    page = r.content.decode()
    assert r.status_code == 200 and "0664" in offered(page) and "0265" in offered(page)  # no book known: all modes


def test_the_new_list_form_offers_the_modes_of_the_book_it_shows_first_and_reloads_them_on_change(world):
    page = client().get("/supervision/lists/new/").content.decode()
    assert offered(page) == trade_modes.modes_for(services.book_info(world.book_a), "I")
    assert selected(page) == "5034"
    assert 'id="trade-mode-field" hx-get="/supervision/lists/new/trade-modes/"' in page
    assert 'hx-trigger="change from:#book_id, change from:#direction"' in page
    assert 'hx-get="/supervision/lists/new/trade-modes/"' in page


def test_the_edit_page_offers_the_modes_of_the_lists_book(world, books):  # noqa: F811
    vlist = services.create_list(actor=world.actor("ent_a"), book_id=books["imported"].pk, data=listing("5015"),
                                 idempotency_key=key())
    page = client().get(f"/supervision/lists/{vlist.pk}/edit/").content.decode()
    assert selected(page) == "5015" and "5014" not in offered(page)
    assert offered(page) == trade_modes.modes_for(services.book_info(books["imported"]), "I")


def test_a_mode_posted_around_the_form_is_still_refused_and_stays_shown_beside_its_refusal(books):  # noqa: F811
    r = client().post("/supervision/lists/new/", {
        "idempotency_key": key(), "book_id": books["imported"].pk, "direction": "I", "trade_mode": "5014",
        "list_type": "0", "item_kind": "I", "line-item_no": ["1"], "line-quantity": ["2"], "line-unit": ["007"],
        "line-value": ["1"], "line-currency": ["142"], "line-goods_status": ["bonded"]})
    page = r.content.decode()
    assert r.status_code == 400 and not VerificationList.objects.exists()
    assert selected(page) == "5014" and 'data-field="trade_mode"' in page
    assert "5015" in offered(page)  # besides it, the modes the book takes
