"""A passage posts the reserved share of each list the vehicle carries, once, through the ledger."""

from decimal import Decimal as D

import pytest

from bondzone.core.domain.errors import DomainError
from bondzone.core.models import AuditEvent
from bondzone.gate import services
from bondzone.gate.models import Passage
from bondzone.supervision import selectors as books
from bondzone.supervision import services as ledger
from bondzone.supervision.models import PostingEvent, VerificationList

from ..conftest import key, post_list
from .conftest import approved, report


def account(gw, item_no=1, status="bonded"):
    return books.accounts(gw.actor("customs"), book_id=gw.world.book_a.pk).get(item__item_no=item_no,
                                                                                goods_status=status)


def outbound(gw, lines):
    return post_list(gw.world, direction="E", lines=lines, passed=False)


def slip_for(vlists, binding="2", plate="京A12345", lines=None):
    data = {"slip_type": "2", "binding": binding, "direction": "E", "plate": plate, "vehicle_wt": "8000",
            "total_gross_wt": "500", "lists": [v.pk for v in vlists]}
    return {**data, "lines": lines} if lines else data


@pytest.fixture
def stocked(gw):
    post_list(gw.world, direction="I", lines=[(1, "100"), (2, "50")])
    return gw


def test_one_vehicle_one_list_posts_the_whole_reservation(stocked):
    gw = stocked
    vlist = outbound(gw, [(1, "30")])
    assert vlist.posting_state == "reserved" and account(gw).reserved == D("30")
    approved(gw, slip_for([vlist]))
    answer, _ = report(gw, direction="E", weighbridge_kg="8500")
    assert answer["outcome"] == "pass" and answer["posted"] is True
    acc = account(gw)
    assert (acc.posted, acc.reserved) == (D("70"), D("0"))
    assert VerificationList.objects.get(pk=vlist.pk).posting_state == "posted"


def test_one_list_many_vehicles_post_their_shares(stocked):
    gw = stocked
    vlist = outbound(gw, [(1, "30")])
    approved(gw, slip_for([vlist], binding="3", lines=[{"seq": 1, "quantity": "10"}]))
    approved(gw, slip_for([vlist], binding="3", plate="京A22222", lines=[{"seq": 1, "quantity": "20"}]))
    with pytest.raises(DomainError) as exc:
        services.apply_slip(actor=gw.actor("ent_a"), idempotency_key=key(), data=slip_for(
            [vlist], binding="3", plate="京A33333", lines=[{"seq": 1, "quantity": "1"}]))
    assert [p.code for p in exc.value.problems] == ["slip_exceeds_list"]
    report(gw, direction="E", weighbridge_kg="8500")
    assert (account(gw).posted, account(gw).reserved) == (D("90"), D("20"))
    assert VerificationList.objects.get(pk=vlist.pk).posting_state == "partial"
    report(gw, plate="京A22222", direction="E", weighbridge_kg="8500")
    assert (account(gw).posted, account(gw).reserved) == (D("70"), D("0"))
    assert VerificationList.objects.get(pk=vlist.pk).posting_state == "posted"


def test_one_vehicle_many_lists_posts_each(stocked):
    gw = stocked
    a, b = outbound(gw, [(1, "5")]), outbound(gw, [(2, "7")])
    approved(gw, slip_for([a, b], binding="1"))
    assert report(gw, direction="E", weighbridge_kg="8500")[0]["outcome"] == "pass"
    assert (account(gw, 1).posted, account(gw, 2).posted) == (D("95"), D("43"))


def test_retried_event_never_posts_twice(stocked):
    gw = stocked
    vlist = outbound(gw, [(1, "30")])
    approved(gw, slip_for([vlist]))
    data = {"event_id": "retry-1", "plate": "京A12345", "direction": "E", "weighbridge_kg": "8500"}
    first, _ = services.report_passage(actor=gw.gate_actor, data=data)
    again, replayed = services.report_passage(actor=gw.gate_actor, data=data)
    assert replayed and again == first and account(gw).posted == D("70")


def test_cancelled_list_turns_the_pass_into_a_refusal_and_posts_nothing(stocked):
    gw = stocked
    vlist = outbound(gw, [(1, "30")])
    slip = approved(gw, slip_for([vlist]))
    ledger.cancel_list(actor=gw.actor("customs"), list_id=vlist.pk, reason="删单", idempotency_key=key())
    answer, _ = report(gw, direction="E", weighbridge_kg="8500")
    assert answer["outcome"] == "refuse" and [r["code"] for r in answer["reasons"]] == ["posting_refused"]
    from django.utils import translation

    from bondzone.gate.templatetags.gate_reasons import reason

    from bondzone.core import labels

    state = VerificationList.objects.get(pk=vlist.pk).status
    names = {}
    for language in ("en", "zh-hans"):
        with translation.override(language):
            names[language] = labels.name("list_state", state)
    assert names["en"] != names["zh-hans"]
    for language, words, other in (("en", "The account book refused the posting: ", "zh-hans"),
                                   ("zh-hans", "账册拒绝核扣：", "en")):
        with translation.override(language):
            sentence = reason(answer["reasons"][0])
        # the ledger's own refusal in words, naming the list and its state in the reader's language (the
        # answer was recorded once, in whatever language the gate's request had), not their codes
        assert sentence.startswith(words) and vlist.display_number in sentence, sentence
        assert answer["reasons"][0]["params"]["code"] not in sentence, sentence
        assert names[language] in sentence and names[other] not in sentence, sentence
    slip.refresh_from_db()
    assert slip.status == "approved" and account(gw).posted == D("100")
    assert not Passage.objects.get().posted


def test_a_refused_posting_is_recorded_once_and_a_repeat_gets_the_same_refusal(stocked):
    # the first attempt posts without a savepoint and is rolled back whole; the decision made again records
    # the refusal: one passage, one gate audit row, no ledger event, and the repeat answers from the row
    gw = stocked
    vlist = outbound(gw, [(1, "30")])
    approved(gw, slip_for([vlist]))
    ledger.cancel_list(actor=gw.actor("customs"), list_id=vlist.pk, reason="删单", idempotency_key=key())
    data = {"event_id": "refused-1", "plate": "京A12345", "direction": "E", "weighbridge_kg": "8500"}
    first, replayed = services.report_passage(actor=gw.gate_actor, data=data)
    again, replayed_again = services.report_passage(actor=gw.gate_actor, data=data)
    passage = Passage.objects.get()
    assert (replayed, replayed_again) == (False, True) and again == first
    assert first["passage"] == passage.pk and first["posted"] is False and passage.outcome == "refuse"
    decisions = AuditEvent.objects.filter(action__in=["gate.pass", "gate.hold", "gate.refuse"])
    assert list(decisions.values_list("action", flat=True)) == ["gate.refuse"]
    assert not PostingEvent.objects.filter(event_id__startswith="gate:").exists()
    assert account(gw).posted == D("100")


def test_held_vehicle_posts_nothing_until_released(stocked):
    gw = stocked
    vlist = outbound(gw, [(1, "30")])
    slip = approved(gw, slip_for([vlist]))
    assert report(gw, direction="E", weighbridge_kg="12000")[0]["outcome"] == "hold"
    assert account(gw).posted == D("100")
    services.record_inspection(actor=gw.actor("customs"), slip_id=slip.pk, result="discrepancy", release=True,
                               discrepancies=[{"seq": 1, "found": "30"}], note="超重为包装")
    assert report(gw, direction="E", weighbridge_kg="12000")[0]["outcome"] == "pass"
    assert account(gw).posted == D("70")


def test_first_time_goods_and_trade_mode_select_for_inspection(stocked):
    gw = stocked
    services.update_settings(actor=gw.actor("customs"), zone_id=gw.world.zone_a.pk,
                             data={"inspect_first_time_goods": "1"})
    vlist = outbound(gw, [(1, "5")])
    slip = approved(gw, slip_for([vlist]))
    assert slip.inspection == "pending"
    assert slip.inspection_record.reasons[0]["code"] == "risk_first_time_goods"
    services.record_inspection(actor=gw.actor("customs"), slip_id=slip.pk, result="conforms", release=True)
    report(gw, direction="E", weighbridge_kg="8500")
    second = outbound(gw, [(1, "5")])
    again = approved(gw, slip_for([second], plate="京A22222"))
    assert again.inspection == "not_selected"  # the goods have passed once
    services.update_settings(actor=gw.actor("customs"), zone_id=gw.world.zone_a.pk, data={"risk_trade_modes": "5034"})
    third = approved(gw, slip_for([outbound(gw, [(1, "1")])], plate="京A33333"))
    assert [r["code"] for r in third.inspection_record.reasons] == ["risk_trade_mode"]


# ---------------------------------------------------------------- inspection discrepancies change what posts
def inspect(gw, slip, rows, release=True):
    return services.record_inspection(actor=gw.actor("customs"), slip_id=slip.pk, result="discrepancy",
                                      release=release, discrepancies=rows, note="实货与申报不符")


def test_found_less_than_declared_posts_what_was_found_and_is_audited(stocked):
    from bondzone.core.models import AuditEvent

    gw = stocked
    vlist = outbound(gw, [(1, "30"), (2, "10")])
    slip = approved(gw, slip_for([vlist]))
    assert report(gw, direction="E", weighbridge_kg="12000")[0]["outcome"] == "hold"
    record = inspect(gw, slip, [{"seq": 1, "found": "28"}]).inspection_record
    assert record.discrepancies == [{"list_id": vlist.pk, "seq": 1, "declared": "30", "found": "28",
                                     "reserved": "30"}]
    answer, _ = report(gw, direction="E", weighbridge_kg="12000")
    assert answer["outcome"] == "pass" and answer["found"] == [{"list_id": vlist.pk, "seq": 1, "quantity": "28"}]
    assert (account(gw, 1).posted, account(gw, 1).reserved) == (D("72"), D("2"))  # 2 still reserved on the list
    assert (account(gw, 2).posted, account(gw, 2).reserved) == (D("40"), D("0"))  # line 2 as declared
    assert VerificationList.objects.get(pk=vlist.pk).posting_state == "partial"
    audits = {a.action: a.after for a in AuditEvent.objects.filter(action__in=["slip.inspect", "gate.pass"])}
    assert audits["slip.inspect"]["discrepancies"][0]["found"] == "28"
    assert audits["gate.pass"]["posted_as_found"] == [{"list_id": vlist.pk, "seq": 1, "quantity": "28"}]


def test_found_more_than_the_slip_posts_it_within_the_reservation(stocked):
    gw = stocked
    vlist = outbound(gw, [(1, "30")])
    slip = approved(gw, slip_for([vlist], binding="3", lines=[{"seq": 1, "quantity": "10"}]))
    assert report(gw, direction="E", weighbridge_kg="12000")[0]["outcome"] == "hold"
    inspect(gw, slip, [{"seq": 1, "found": "12"}])
    assert report(gw, direction="E", weighbridge_kg="12000")[0]["outcome"] == "pass"
    assert (account(gw).posted, account(gw).reserved) == (D("88"), D("18"))


def test_found_more_than_reserved_is_refused_and_nothing_changes(stocked):
    gw = stocked
    vlist = outbound(gw, [(1, "30")])
    slip = approved(gw, slip_for([vlist]))
    report(gw, direction="E", weighbridge_kg="12000")
    with pytest.raises(DomainError) as exc:
        inspect(gw, slip, [{"seq": 1, "found": "31"}])
    assert [(p.field, p.code, p.params["reserved"]) for p in exc.value.problems] == [
        ("discrepancies[1].found", "found_exceeds_reserved", D("30"))]
    slip.refresh_from_db()
    assert slip.inspection == "pending" and slip.inspection_record.result == ""
    assert account(gw).posted == D("100")
    with pytest.raises(DomainError) as exc:
        inspect(gw, slip, [{"seq": 1, "found": "-1"}, {"seq": 7, "found": "1"}, {"seq": 1, "found": "x"}])
    assert [p.code for p in exc.value.problems] == ["amount_negative", "unknown_list_line", "not_a_number"]


def test_line_found_empty_posts_nothing_for_it_and_shared_line_numbers_need_the_list(stocked):
    gw = stocked
    a, b = outbound(gw, [(1, "5")]), outbound(gw, [(2, "7")])
    slip = approved(gw, slip_for([a, b], binding="1"))
    report(gw, direction="E", weighbridge_kg="12000")
    with pytest.raises(DomainError) as exc:
        inspect(gw, slip, [{"seq": 1, "found": "0"}])
    assert [(p.field, p.code) for p in exc.value.problems] == [("discrepancies[1].list_id", "discrepancy_needs_list")]
    inspect(gw, slip, [{"seq": 1, "list_id": a.pk, "found": "0"}])
    answer, _ = report(gw, direction="E", weighbridge_kg="12000")
    assert answer["outcome"] == "pass" and answer["found"] == [{"list_id": a.pk, "seq": 1, "quantity": "0"}]
    assert (account(gw, 1).posted, account(gw, 1).reserved) == (D("100"), D("5"))
    assert (account(gw, 2).posted, account(gw, 2).reserved) == (D("43"), D("0"))
    assert VerificationList.objects.get(pk=a.pk).posting_state == "reserved"


def test_cli_records_a_discrepancy_and_refuses_a_bad_one(stocked):
    from io import StringIO

    from django.core.management import CommandError, call_command

    gw = stocked
    vlist = outbound(gw, [(1, "30")])
    slip = approved(gw, slip_for([vlist]))
    report(gw, direction="E", weighbridge_kg="12000")
    with pytest.raises(CommandError, match="31"):
        call_command("gate_slip", "inspect", str(slip.pk), "--result", "discrepancy", "--found", "1=31",
                     "--user", "customs")
    with pytest.raises(CommandError, match="--found: “1:29”格式不正确"):
        call_command("gate_slip", "inspect", str(slip.pk), "--result", "discrepancy", "--found", "1:29",
                     "--user", "customs")
    out = StringIO()
    call_command("gate_slip", "inspect", str(slip.pk), "--result", "discrepancy", "--found", f"{vlist.pk}:1=29",
                 "--note", "少一件", "--user", "customs", stdout=out)
    assert "released" in out.getvalue()
    assert report(gw, direction="E", weighbridge_kg="12000")[0]["found"] == [
        {"list_id": vlist.pk, "seq": 1, "quantity": "29"}]
    assert account(gw).posted == D("71")


@pytest.mark.parametrize("direction", ["E", "I"])
def test_a_pass_writes_its_rows_in_few_statements(stocked, direction):
    """A pass posting one list's share: on PostgreSQL four statements in the transaction — the gate, a
    repeated event's answer and the plate's slips with their lines (locked); the passage, the slip and the
    gate's audit row; the list and its reservations (locked); the event claim, the list's audit row, the
    reservation, the account (locked) and the entries. The rows and audit contents are those of the
    step-by-step path SQLite takes. Inbound, the first-line vehicle's electronic lock is checked and recorded
    at no statement of its own: it comes with the slip's row, the zone's check with its settings row."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    gw = stocked
    vlist = post_list(gw.world, direction=direction, lines=[(1, "30")], passed=False)
    elock = {"elock_no": "EL0001"} if direction == "I" else {}
    approved(gw, {**slip_for([vlist], binding="3", lines=[{"seq": 1, "quantity": "10"}]), "direction": direction,
                  **elock})
    actor = gw.gate_actor
    data = {"event_id": key(), "plate": "京A12345", "direction": direction, "weighbridge_kg": "8500", **elock,
            **({"elock_status": "intact"} if elock else {})}
    with CaptureQueriesContext(connection) as ctx:
        answer, replayed = services.report_passage(actor=actor, data=data)
    assert (answer["outcome"], answer["posted"], replayed) == ("pass", True, False)
    statements = [q["sql"] for q in ctx.captured_queries if "SAVEPOINT" not in q["sql"] and q["sql"] not in
                  ("BEGIN", "BEGIN IMMEDIATE", "COMMIT")]
    assert len(statements) == (4 if connection.vendor == "postgresql" else 13), statements
    passage = Passage.objects.get(pk=answer["passage"])
    assert passage.slip.status == "passed" and passage.slip.passed_at is not None and passage.posted
    assert (passage.elock_no, passage.elock_status) == (("EL0001", "intact") if elock else ("", ""))
    gate_row = AuditEvent.objects.get(action="gate.pass")
    assert (gate_row.object_type, gate_row.object_id, gate_row.enterprise_id, gate_row.zone_id) == (
        "gate.passage", str(passage.pk), passage.enterprise_id, passage.zone_id)
    assert gate_row.after == {"slip": passage.slip.number, "plate": "京A12345", "reasons": [],
                              **({"elock_no": "EL0001", "elock_status": "intact"} if elock else {})}
    list_row = AuditEvent.objects.get(action="list.pass", object_id=str(vlist.pk))
    assert (list_row.before["posting_state"], list_row.after["posting_state"]) == ("reserved", "partial")
    assert list_row.after["event_id"] == f"gate:{passage.pk}:{vlist.pk}" and list_row.after["posted"] == {"1": "10"}
    assert PostingEvent.objects.filter(event_id=f"gate:{passage.pk}:{vlist.pk}").exists()
    # `reserved` holds what is to leave the account: an inbound share only adds to `posted`
    assert (account(gw).posted, account(gw).reserved) == ((D("90"), D("20")) if direction == "E" else (D("110"), D(0)))


def test_the_gate_statements_are_prepared_after_a_few_passes_on_postgresql(stocked):
    """PostgreSQL keeps the gate's fixed statements prepared on the connection after
    BONDZONE_DB_PREPARE_THRESHOLD runs (core.rawrows.prepared_cursor): the gate's lock of the plate's
    slips, the passage with its audit row, the list's lock and the ledger's posting are planned once, not
    per vehicle (the posting's statement has a second shape for a pass that changes the list's state: the
    first and the last pass here). The ORM's own queries stay unprepared."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("prepared statements are PostgreSQL's")
    gw = stocked
    threshold = connection.settings_dict["OPTIONS"]["prepare_threshold"]
    if threshold is None:
        pytest.skip("BONDZONE_DB_PREPARE_THRESHOLD=off")
    vlist = outbound(gw, [(1, str(threshold + 4))])
    plates = [f"京A{n:05d}" for n in range(threshold + 4)]
    before = account(gw).posted
    for plate in plates:
        approved(gw, slip_for([vlist], binding="3", plate=plate, lines=[{"seq": 1, "quantity": "1"}]))
    for plate in plates:
        answer, _ = services.report_passage(actor=gw.gate_actor, data={
            "event_id": key(), "plate": plate, "direction": "E", "weighbridge_kg": "8500"})
        assert answer["outcome"] == "pass" and answer["posted"], answer
    assert account(gw).posted == before - len(plates)
    with connection.cursor() as cur:
        cur.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [row[0] for row in cur.fetchall()]
    for marker in ("FROM gate_gate g", 'INSERT INTO "gate_passage"', "FOR UPDATE OF v, r",
                   "INSERT INTO supervision_postingevent"):
        assert sum(marker in sql for sql in prepared) == 1, (marker, prepared)
    assert not any("core_apitoken" in sql or "core_profile" in sql for sql in prepared)
