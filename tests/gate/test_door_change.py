"""变更 of a door list (库门): before any of its goods passed the door the declaring enterprise changes its lines'
quantities — validated again, reservations resized through the ledger, audited, idempotent; after a passage it is
refused. Service, API, page and CLI; bad input writes nothing."""

from __future__ import annotations

import json
from decimal import Decimal as D
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from bondzone.core.domain.errors import Conflict, DomainError, Forbidden
from bondzone.core.models import AuditEvent
from bondzone.supervision import services as ledger
from bondzone.supervision.models import Reservation, StockEntry, VerificationList, VerificationListLine
from bondzone.supervision.reconcile import verify

from ..conftest import PASSWORD, key
from .test_door import change_list, door, held, stocked  # noqa: F401


def change(w, lines, user="ent_a", reason="客户改单", idem=None):
    return ledger.change_door_list(actor=w.actor(user), list_id=w.door_list.pk, lines=lines, reason=reason,
                                   idempotency_key=idem or key())


def state(w) -> tuple:
    """Everything a refused change must leave as it was."""
    v = VerificationList.objects.get(pk=w.door_list.pk)
    return (v.change_count, list(VerificationListLine.objects.filter(vlist=v).order_by("seq")
                                 .values_list("quantity", "book_quantity", "legal_quantity", "value")),
            list(Reservation.objects.filter(source_id=v.pk).order_by("id").values_list("quantity", "state")),
            StockEntry.objects.count(), AuditEvent.objects.filter(action="list.change").count(),
            held(w, 1, "non_bonded", "reserved"), held(w, 1, "bonded", "reserved"), held(w, 1, "bonded", "incoming"))


@pytest.fixture
def door_world(stocked):  # noqa: F811  (test_door's fixture: item 1, 10 non-bonded and 6 bonded; a door list 8 in, 5 out)
    return stocked


def codes(exc):
    return [(p.field, p.code) for p in exc.value.problems]


def test_a_change_before_the_door_resizes_the_reservations_once_and_is_audited(door_world):
    w = door_world
    idem = key()
    v = change(w, {"1": {"quantity": "6"}, 2: {"quantity": "3", "value": "2.50"}}, idem=idem)
    assert v.change_count == 1 and v.posting_state == "reserved"
    lines = list(VerificationListLine.objects.filter(vlist=v).order_by("seq"))
    assert [(ln.quantity, ln.book_quantity) for ln in lines] == [(6, 6), (3, 3)]
    assert lines[1].value == D("2.50")
    # each line's two reservations (out of the old status, into the new) take the new quantity
    assert (held(w, 1, "non_bonded", "reserved"), held(w, 1, "bonded", "reserved")) == (D("6"), D("3"))
    assert (held(w, 1, "bonded", "incoming"), held(w, 1, "non_bonded", "incoming")) == (D("6"), D("3"))
    assert sorted(Reservation.objects.filter(source_id=v.pk).values_list("source_line", "quantity")) == [
        (1, 6), (1, 6), (2, 3), (2, 3)]
    event = AuditEvent.objects.get(action="list.change")
    assert event.before["lines"]["1"]["quantity"] == "8" and event.after["lines"]["1"]["quantity"] == "6"
    assert event.after["reason"] == "客户改单" and event.after["change_count"] == 1
    assert verify()[2] == []  # balances, entries and reservations still fold (invariants 1–5)

    again = change(w, {"1": {"quantity": "6"}, 2: {"quantity": "3", "value": "2.50"}}, idem=idem)
    assert again.change_count == 1 and AuditEvent.objects.filter(action="list.change").count() == 1
    with pytest.raises(Conflict):
        change(w, {"1": {"quantity": "7"}}, idem=idem)

    record, _ = door(w, quantity="6")  # the door now takes the changed quantity, and all of it
    w.door_list.refresh_from_db()
    assert record.list_line == 1 and held(w, 1, "bonded") == D("12")
    with pytest.raises(DomainError) as exc:
        door(w, quantity="1")
    assert ("quantity", "door_exceeds_list") in codes(exc)
    assert verify()[2] == []


def test_more_going_out_than_is_available_is_refused_naming_the_line_and_writes_nothing(door_world):
    w = door_world
    before = state(w)
    with pytest.raises(DomainError) as exc:
        change(w, {"2": {"quantity": "7"}})  # 6 bonded, 5 already reserved by this line: 2 more are not there
    assert codes(exc) == [("lines[2].quantity", "insufficient_stock")]
    assert state(w) == before
    change(w, {"2": {"quantity": "6"}})  # exactly what is there
    assert held(w, 1, "bonded", "reserved") == D("6")


def test_after_goods_passed_the_door_a_change_is_refused(door_world):
    w = door_world
    door(w, quantity="4")
    before = state(w)
    with pytest.raises(DomainError) as exc:
        change(w, {"1": {"quantity": "6"}})
    assert codes(exc) == [("status", "list_not_changeable")]
    assert state(w) == before


@pytest.mark.parametrize(("lines", "expected"), [
    ({}, [("lines", "no_changes")]),
    ({"1": {"item_no": "2"}}, [("lines[1].item_no", "not_changeable")]),
    ({"1": {"target_status": "duty_paid"}}, [("lines[1].target_status", "not_changeable")]),
    ({"x": {"quantity": "1"}}, [("lines[x]", "not_an_integer")]),
    ({"3": {"quantity": "1"}}, [("lines[3]", "door_change_no_line")]),
    ({"1": {"quantity": "0"}}, [("lines[1].quantity", "quantity_not_positive")]),
    ({"1": {"quantity": "abc"}}, [("lines[1].quantity", "not_a_number")]),
    ({"1": {"quantity": "1.5"}}, [("lines[1].quantity", "too_many_decimals")]),
])
def test_bad_input_is_refused_by_field_and_writes_nothing(door_world, lines, expected):
    w = door_world
    before = state(w)
    with pytest.raises(DomainError) as exc:
        change(w, lines)
    assert codes(exc) == expected
    assert state(w) == before


def test_only_a_door_list_of_ones_own_and_with_a_reason(door_world):
    w = door_world
    before = state(w)
    with pytest.raises(DomainError) as exc:
        change(w, {"1": {"quantity": "6"}}, reason=" ")
    assert codes(exc) == [("reason", "reason_required")]
    with pytest.raises(Forbidden):
        change(w, {"1": {"quantity": "6"}}, user="customs")  # the declaring enterprise changes its list
    with pytest.raises(DomainError):
        change(w, {"1": {"quantity": "6"}}, user="ent_b")  # another enterprise's list is not found
    assert state(w) == before
    from tests.conftest import post_list

    plain = post_list(w, direction="I", lines=[(1, "2")], passed=False)
    with pytest.raises(DomainError) as exc:
        ledger.change_door_list(actor=w.actor("ent_a"), list_id=plain.pk, lines={"1": {"quantity": "1"}},
                                reason="x", idempotency_key=key())
    assert codes(exc) == [("list", "list_not_door_change")]


# --- API, page, CLI -----------------------------------------------------------------------------------


def client_for(username: str, lang: str = "zh-hans") -> Client:
    c = Client(HTTP_ACCEPT_LANGUAGE=lang)
    assert c.login(username=username, password=PASSWORD)
    return c


def test_api_changes_and_refuses_by_field_with_4xx(door_world):
    w = door_world
    c = client_for("ent_a", "en")
    url = f"/api/v1/gate/door-lists/{w.door_list.pk}/change"
    before = state(w)
    bad = c.post(url, json.dumps({"lines": {"1": {"quantity": "-1"}, "2": {"item_no": 3}}, "reason": "x"}),
                 content_type="application/json", HTTP_IDEMPOTENCY_KEY=key())
    assert bad.status_code == 400
    assert [e["field"] for e in bad.json()["errors"]] == ["lines[2].item_no"]  # refused before any line is read
    assert state(w) == before
    bad = c.post(url, json.dumps({"lines": {"1": {"quantity": "-1"}}, "reason": "x"}),
                 content_type="application/json", HTTP_IDEMPOTENCY_KEY=key())
    assert bad.status_code == 400 and [e["field"] for e in bad.json()["errors"]] == ["lines[1].quantity"]
    assert state(w) == before
    ok = c.post(url, json.dumps({"lines": {"1": {"quantity": 7}}, "reason": "改单"}),
                content_type="application/json", HTTP_IDEMPOTENCY_KEY=key())
    assert ok.status_code == 200, ok.content
    assert ok.json()["change_count"] == 1 and ok.json()["lines"][0]["quantity"] in ("7", "7.00000", 7)
    assert held(w, 1, "non_bonded", "reserved") == D("7")
    assert "/door-lists/{list_id}/change" in str(c.get("/api/v1/openapi.json").json()["paths"])


def test_page_shows_the_lines_changes_and_marks_a_refused_line(door_world):
    w = door_world
    c = client_for("ent_a")
    detail = c.get(f"/supervision/lists/{w.door_list.pk}/").content.decode()
    assert f"/gate/door/lists/{w.door_list.pk}/change/" in detail
    url = f"/gate/door/lists/{w.door_list.pk}/change/"
    page = c.get(url)
    assert page.status_code == 200 and 'name="quantity-2"' in page.content.decode()
    before = state(w)
    refused = c.post(url, {"quantity-1": "8", "value-1": "1.00", "quantity-2": "99", "value-2": "1.00",
                           "reason": "改单", "idempotency_key": key()})
    assert refused.status_code == 400 and 'data-testid="line-error"' in refused.content.decode()
    assert 'value="99"' in refused.content.decode() and state(w) == before
    done = c.post(url, {"quantity-1": "5", "value-1": "1.00", "quantity-2": "5", "value-2": "1.00",
                        "reason": "改单", "idempotency_key": key()})
    assert done.status_code == 302
    assert held(w, 1, "non_bonded", "reserved") == D("5") and held(w, 1, "bonded", "reserved") == D("5")
    assert client_for("customs").get(url).status_code == 403


def test_a_list_that_is_not_a_door_list_has_no_change_page_and_the_api_refuses_it_first(door_world):
    """A status change that is not between bonded and non-bonded (bonded → duty-paid) and an inbound list: the page
    sends the enterprise back to the list's page with the reason, no form, whether GET or POST; the API answers 400
    on `list` before it reads the lines, the reason or the Idempotency-Key; nothing is written."""
    from tests.conftest import post_list

    w = door_world
    duty_paid = change_list(w, [(1, "1", "bonded", "duty_paid")])
    inbound = post_list(w, direction="I", lines=[(1, "2")], passed=False)
    before = state(w)
    for lang, words in (("en", "is not a status change between bonded and non-bonded"),
                        ("zh-hans", "不是保税与非保税之间的状态转换清单")):
        c = client_for("ent_a", lang)
        for vlist in (duty_paid, inbound):
            url = f"/gate/door/lists/{vlist.pk}/change/"
            page = c.get(url)
            assert (page.status_code, page["Location"]) == (302, f"/supervision/lists/{vlist.pk}/")
            shown = c.get(page["Location"]).content.decode()
            assert 'data-testid="door-change-form"' not in shown
            assert words in shown and vlist.display_number in shown
            posted = c.post(url, {"quantity-1": "1", "value-1": "1.00", "reason": "改单", "idempotency_key": key()})
            assert posted.status_code == 302
    c = client_for("ent_a", "en")
    for body, headers in (({"lines": {"1": {"quantity": "1"}}, "reason": "改单"}, {"HTTP_IDEMPOTENCY_KEY": key()}),
                          ({"lines": {"x": {"item_no": 3}}, "reason": " "}, {})):  # bad lines, no reason, no key
        r = c.post(f"/api/v1/gate/door-lists/{inbound.pk}/change", json.dumps(body), content_type="application/json",
                   **headers)
        assert r.status_code == 400, r.content
        assert [(e["field"], e["code"]) for e in r.json()["errors"]] == [("list", "list_not_door_change")]
    other = client_for("ent_b", "en").post(f"/api/v1/gate/door-lists/{inbound.pk}/change",
                                           json.dumps({"lines": {"1": {"quantity": "1"}}, "reason": "x"}),
                                           content_type="application/json", HTTP_IDEMPOTENCY_KEY=key())
    assert other.status_code == 404  # another enterprise's list: not found, whatever it is
    assert state(w) == before
    assert AuditEvent.objects.filter(action="list.change").count() == 0


def test_the_list_page_links_to_the_change_only_while_a_door_list_can_change(door_world):
    """The link on the list's page: for the enterprise's door list while nothing went through the door; not for a
    status change that is not a door list, not for customs (who does not change lists), not after a passage."""
    w = door_world
    duty_paid = change_list(w, [(1, "1", "bonded", "duty_paid")])
    link = 'data-testid="door-change-link"'

    def shows(username, vlist):
        return link in client_for(username, "en").get(f"/supervision/lists/{vlist.pk}/").content.decode()

    assert shows("ent_a", w.door_list)
    assert not shows("ent_a", duty_paid)
    assert not shows("customs", w.door_list)
    door(w, quantity="4")
    assert not shows("ent_a", w.door_list)


def test_cli_changes_and_refuses_with_a_sentence(door_world):
    w = door_world
    out = StringIO()
    call_command("gate_door_change", str(w.door_list.pk), "--line", "1=6", "--line", "2:value=3.00",
                 "--reason", "改单", "--user", "ent_a", stdout=out)
    assert "changed (change 1)" in out.getvalue() and held(w, 1, "non_bonded", "reserved") == D("6")
    before = state(w)
    with pytest.raises(CommandError) as exc:
        call_command("gate_door_change", str(w.door_list.pk), "--line", "2=9", "--reason", "改单", "--user", "ent_a")
    assert "lines[2].quantity" in str(exc.value) and state(w) == before


@pytest.mark.parametrize("list_id", ["١", "9" * 23])
def test_cli_refuses_a_list_id_that_cannot_be_one(door_world, list_id):
    # type=int read "١" (Arabic-Indic one) as list 1; 23 digits reached the query
    w = door_world
    before = state(w)
    with pytest.raises(CommandError, match="”(不是整数|超出范围)"):  # in the CLI's language (zh by default)
        call_command("gate_door_change", list_id, "--line", "1=6", "--reason", "改单", "--user", "ent_a")
    assert state(w) == before
