"""The life of a request through the services: dispatch catalogue, sign, transfer, return, co-units,
pause, extension, escalation, reply, feedback and callback; refusals write nothing."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from bondzone.core.domain.errors import DomainError, Forbidden, NotFound
from bondzone.core.messages import render
from bondzone.governance.models import Issue
from bondzone.servicedesk import selectors, services
from bondzone.servicedesk.models import Reminder

from .conftest import refused


def test_catalogue_dispatches_at_once_with_sign_and_reply_limits(desk):
    req = desk.file(attributes={"port": "PEK"})
    assert req.status == "dispatched" and req.lead_unit == desk.customs_unit
    assert req.number.startswith("SR") and req.attributes == {"port": "PEK"}
    assert req.sign_due_at > req.submitted_at and req.due_at > req.sign_due_at
    steps = [e.step for e in selectors.events(desk.world.actor("customs_a"), req.pk)]
    assert steps == ["submit", "dispatch"]
    # the enterprise does not see the internal dispatch line
    assert [e.step for e in selectors.events(desk.world.actor("ent_a"), req.pk)] == ["submit"]


def test_full_life_sign_reply_rate(desk):
    w = desk.world
    req = desk.file()
    services.sign(actor=w.actor("customs_a"), request_id=req.pk)
    services.start(actor=w.actor("customs_a"), request_id=req.pk)
    services.reply(actor=w.actor("customs_a"), request_id=req.pk, text="请按流程申报")
    req = services.rate(actor=w.actor("ent_a"), request_id=req.pk, satisfaction="basically", solved=True)
    assert req.status == "closed" and req.signed_on_time and req.replied_on_time
    assert req.satisfaction == "basically" and req.solved is True and req.handling_days is not None
    assert [e.step for e in selectors.events(w.actor("ent_a"), req.pk)] == [
        "submit", "sign", "start", "reply", "feedback"]
    rows = selectors.rate_table(w.actor("commerce"), by="unit")
    assert rows == [{"group": "北京海关", "total": 1, "response_rate": Decimal("100.0"),
                     "solution_rate": Decimal("100.0"), "satisfaction_rate": Decimal("100.0"),
                     "on_time_rate": Decimal("100.0"), "average_days": req.handling_days}]


def test_only_the_handling_unit_signs_and_replies(desk):
    w = desk.world
    req = desk.file()
    # the tax bureau does not even see it; the enterprise may not sign
    refused(services.sign, NotFound, actor=w.actor("tax"), request_id=req.pk)
    refused(services.sign, Forbidden, actor=w.actor("ent_a"), request_id=req.pk)
    assert refused(services.reply, DomainError, actor=w.actor("customs_a"), request_id=req.pk, text="x") == {
        "status": "request_wrong_state"}


def test_return_and_redispatch_and_transfer(desk):
    w = desk.world
    req = desk.file()
    assert refused(services.return_request, DomainError, actor=w.actor("customs_a"), request_id=req.pk,
                   reason=" ") == {"reason": "required"}
    req = services.return_request(actor=w.actor("customs_a"), request_id=req.pk, reason="不属于海关职责")
    assert req.status == "submitted" and req.lead_unit is None
    # the zone's service centre dispatches it again, to the tax bureau
    assert refused(services.dispatch, DomainError, actor=w.actor("zone_a"), request_id=req.pk,
                   unit_id=999999) == {"unit_id": "not_found"}
    req = services.dispatch(actor=w.actor("zone_a"), request_id=req.pk, unit_id=desk.tax_unit.pk)
    assert req.status == "dispatched" and req.lead_unit == desk.tax_unit
    services.sign(actor=w.actor("tax"), request_id=req.pk)
    # the tax bureau transfers it on to customs; customs must sign again
    assert refused(services.transfer, DomainError, actor=w.actor("tax"), request_id=req.pk,
                   unit_id=desk.tax_unit.pk, reason="x") == {"unit_id": "same_unit"}
    req = services.transfer(actor=w.actor("tax"), request_id=req.pk, unit_id=desk.customs_unit.pk, reason="涉及通关")
    assert req.status == "dispatched" and req.lead_unit == desk.customs_unit and req.signed_at is None
    # the tax bureau no longer sees it
    refused(services.sign, NotFound, actor=w.actor("tax"), request_id=req.pk)


def test_co_unit_sees_and_notes_but_does_not_reply(desk):
    w = desk.world
    req = desk.file()
    services.sign(actor=w.actor("customs_a"), request_id=req.pk)
    services.add_co_unit(actor=w.actor("customs_a"), request_id=req.pk, unit_id=desk.tax_unit.pk)
    services.add_note(actor=w.actor("tax"), request_id=req.pk, text="税务意见：可享受退税")
    assert refused(services.reply, DomainError, actor=w.actor("tax"), request_id=req.pk, text="x") == {
        "unit": "not_handling_unit"}
    assert "note" not in [e.step for e in selectors.events(w.actor("ent_a"), req.pk)]


def test_pause_stops_the_clock_and_extension_adds_working_days(desk):
    w = desk.world
    req = desk.file()
    services.sign(actor=w.actor("customs_a"), request_id=req.pk)
    due = req.due_at
    req = services.pause(actor=w.actor("customs_a"), request_id=req.pk, reason="等待企业补充材料")
    assert refused(services.reply, DomainError, actor=w.actor("customs_a"), request_id=req.pk, text="x") == {
        "status": "request_paused"}
    assert refused(services.pause, DomainError, actor=w.actor("customs_a"), request_id=req.pk, reason="x") == {
        "status": "request_already_paused"}
    req = services.resume(actor=w.actor("customs_a"), request_id=req.pk)
    assert req.due_at >= due and req.paused_since is None
    before = req.due_at
    assert refused(services.extend, Forbidden, actor=w.actor("customs_a"), request_id=req.pk, workdays="2",
                   reason="x") is not None
    assert refused(services.extend, DomainError, actor=w.actor("zone_a"), request_id=req.pk, workdays="abc",
                   reason="") == {"workdays": "not_a_number", "reason": "required"}
    req = services.extend(actor=w.actor("zone_a"), request_id=req.pk, workdays="2", reason="需要现场核查")
    assert req.extension_workdays == Decimal(2) and req.due_at > before


def test_escalation_goes_to_the_joint_meeting_issue_list(desk):
    w = desk.world
    req = desk.file()
    services.sign(actor=w.actor("customs_a"), request_id=req.pk)
    req = services.escalate(actor=w.actor("zone_a"), request_id=req.pk, reason="涉及跨部门政策调整")
    issue = Issue.objects.get(pk=req.escalated_issue_id)
    assert issue.zone_id == w.zone_a.pk and req.number in issue.title
    assert refused(services.escalate, DomainError, actor=w.actor("zone_a"), request_id=req.pk, reason="again") == {
        "": "already_escalated"}


def test_callback_closes_and_feedback_only_by_the_filer(desk):
    w = desk.world
    req = desk.file()
    services.sign(actor=w.actor("customs_a"), request_id=req.pk)
    services.reply(actor=w.actor("customs_a"), request_id=req.pk, text="已办结")
    refused(services.rate, NotFound, actor=w.actor("ent_b"), request_id=req.pk, satisfaction="satisfied",
            solved=True)
    assert refused(services.rate, DomainError, actor=w.actor("ent_a"), request_id=req.pk, satisfaction="great",
                   solved=None) == {"satisfaction": "bad_choice", "solved": "required"}
    req = services.callback(actor=w.actor("zone_a"), request_id=req.pk, satisfaction="unsatisfied", solved="no")
    assert req.status == "closed" and req.feedback_by_callback and req.solved is False


def test_bad_filing_writes_nothing(desk):
    w = desk.world
    services.update_category(actor=w.actor("admin"), category_id=desk.category.pk, data={"active": False})
    assert refused(desk.file, DomainError) == {"category_id": "category_closed"}
    services.update_category(actor=w.actor("admin"), category_id=desk.category.pk, data={"active": True})
    assert refused(desk.file, DomainError, attributes={"port": "SHA", "colour": "red"}, title="") == {
        "attributes.colour": "attribute_unknown", "attributes.port": "attribute_bad_value", "title": "required"}
    assert refused(desk.file, DomainError, category_id="abc") == {"category_id": "not_found"}
    # no category chosen is "required" (was "no category numbered ''"), and an unknown one is named in words
    assert refused(desk.file, DomainError, category_id="") == {"category_id": "required"}
    with pytest.raises(DomainError) as caught:
        desk.file(category_id="999999")
    message = render(caught.value.problems[0])
    assert "诉求类别" in message or "request category" in message, message  # was "的category" / "No category"
    # an unknown attribute key is echoed bounded, not sent back whole in the field and the message
    with pytest.raises(DomainError) as caught:
        desk.file(attributes={"k" * 1000: "v"})
    (p,) = caught.value.problems
    assert p.code == "attribute_unknown" and len(p.field) < 60 and len(render(p)) < 120
    assert refused(desk.file, Forbidden, user="customs") == {"": "forbidden_action"}


def test_categories_default_limits_and_validation(desk):
    admin = desk.world.actor("admin")
    c = services.create_category(actor=admin, data={"code": "q", "name": "咨询", "kind": "consultation"})
    assert c.resolve_within == Decimal(2) and c.sign_within == Decimal(1)
    with pytest.raises(DomainError) as info:
        services.create_category(actor=admin, data={"code": "q", "name": "", "kind": "x", "sign_within": "0",
                                                    "resolve_unit": "weeks", "default_unit_id": 999999,
                                                    "attributes": [{"code": "a", "datatype": "colour"}]})
    assert {p.field for p in info.value.problems} == {"code", "name", "kind", "sign_within", "resolve_unit",
                                                      "default_unit_id", "attributes"}
    with pytest.raises(Forbidden):
        services.create_category(actor=desk.world.actor("zone_a"), data={"code": "z", "name": "z"})


def test_reminders_are_written_once(desk):
    w = desk.world
    req = desk.file()
    later = timezone.now() + timedelta(days=12)  # within the calendar's covered years
    out = services.run_reminders(actor=w.actor("commerce"), now=later)
    assert out == {"sign_overdue": 1, "overdue": 1, "due_soon": 0}
    assert services.run_reminders(actor=w.actor("commerce"), now=later) == {"sign_overdue": 0, "overdue": 0,
                                                                            "due_soon": 0}
    assert set(Reminder.objects.filter(request=req).values_list("kind", flat=True)) == {"sign_overdue", "overdue"}


def test_scoping_of_requests(desk):
    w = desk.world
    a = desk.file()
    b = desk.file(user="ent_b")
    seen = {u: set(selectors.requests(w.actor(u)).values_list("pk", flat=True))
            for u in ("ent_a", "ent_b", "customs_a", "customs", "zone_a", "tax", "commerce", "admin")}
    assert seen == {"ent_a": {a.pk}, "ent_b": {b.pk}, "customs_a": {a.pk, b.pk}, "customs": set(),
                    "zone_a": {a.pk}, "tax": set(), "commerce": {a.pk, b.pk}, "admin": {a.pk, b.pk}}
