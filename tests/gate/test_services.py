"""Slips, approval, cancellation, expiry, gate events and inspection through the services."""

from datetime import timedelta
from decimal import Decimal as D

import pytest
from django.utils import timezone

from bondzone.core.domain.errors import DomainError, Forbidden, NotFound
from bondzone.core.models import AuditEvent
from bondzone.gate import services
from bondzone.gate.models import Inspection, Passage, Slip

from .conftest import apply, approved, empty_slip, report


def codes(exc):
    return [(p.field, p.code) for p in exc.value.problems]


def reason_codes(answer):
    return [r["code"] for r in answer["reasons"]]


def test_empty_vehicle_applies_is_approved_and_passes_once(gw):
    slip = approved(gw, empty_slip())
    assert slip.status == "approved" and slip.valid_until > timezone.now() and slip.number.startswith("HF0110")
    answer, replayed = report(gw, weighbridge_kg="8260")
    assert answer["outcome"] == "pass" and not replayed and answer["slip"] == slip.number
    slip.refresh_from_db()
    assert slip.status == "passed" and slip.passed_at
    again, _ = report(gw)
    assert again["outcome"] == "refuse" and reason_codes(again) == ["slip_used"]


def test_repeated_event_returns_the_first_answer_and_changes_nothing(gw):
    approved(gw, empty_slip())
    data = {"event_id": "EV-1", "plate": "京A12345", "direction": "I", "weighbridge_kg": "8200"}
    first, replayed = services.report_passage(actor=gw.gate_actor, data=data)
    assert first["outcome"] == "pass" and not replayed
    counts = (Passage.objects.count(), AuditEvent.objects.count())
    second, replayed = services.report_passage(actor=gw.gate_actor, data={**data, "weighbridge_kg": "9999"})
    assert replayed and second == first
    assert (Passage.objects.count(), AuditEvent.objects.count()) == counts


def test_unknown_plate_is_refused_and_recorded(gw):
    answer, _ = report(gw, plate="京B99999")
    assert answer["outcome"] == "refuse" and reason_codes(answer) == ["unknown_plate"]
    p = Passage.objects.get()
    assert p.outcome == "refuse" and p.slip is None and p.enterprise is None


def test_applied_but_not_approved_is_refused(gw):
    apply(gw, empty_slip())
    answer, _ = report(gw)
    assert reason_codes(answer) == ["slip_not_approved"]


def test_cancelled_slip_is_refused_and_cannot_be_cancelled_twice(gw):
    slip = approved(gw, empty_slip())
    services.cancel_slip(actor=gw.actor("ent_a"), slip_id=slip.pk, reason="车辆故障")
    assert reason_codes(report(gw)[0]) == ["slip_cancelled"]
    with pytest.raises(DomainError) as exc:
        services.cancel_slip(actor=gw.actor("customs"), slip_id=slip.pk, reason="x")
    assert codes(exc) == [("status", "slip_wrong_state")]
    with pytest.raises(DomainError) as exc:
        services.cancel_slip(actor=gw.actor("customs"), slip_id=slip.pk, reason=" ")
    assert codes(exc) == [("reason", "reason_required")]


def test_expired_slip_is_refused(gw):
    slip = approved(gw, empty_slip())
    Slip.objects.filter(pk=slip.pk).update(valid_until=timezone.now() - timedelta(minutes=1))
    assert reason_codes(report(gw)[0]) == ["slip_expired"]


def test_validity_follows_the_zone_setting(gw):
    services.update_settings(actor=gw.actor("customs_a"), zone_id=gw.world.zone_a.pk, data={"slip_valid_hours": "2"})
    slip = approved(gw, empty_slip())
    assert timedelta(hours=1, minutes=59) < slip.valid_until - slip.approved_at <= timedelta(hours=2)


def test_empty_vehicle_too_heavy_is_held_and_goes_to_inspection_once(gw):
    slip = approved(gw, empty_slip())
    answer, _ = report(gw, weighbridge_kg="9000")
    assert answer["outcome"] == "hold" and reason_codes(answer) == ["weight_outside_tolerance"]
    assert answer["weight"]["error_kg"] == "800"
    slip.refresh_from_db()
    assert slip.inspection == "pending" and slip.status == "approved"
    assert reason_codes(report(gw, weighbridge_kg="9000")[0]) == ["weight_outside_tolerance", "selected_for_inspection"]
    assert Inspection.objects.filter(slip=slip).count() == 1
    services.record_inspection(actor=gw.actor("customs_a"), slip_id=slip.pk, result="conforms", release=True,
                               note="备胎与工具")
    answer, _ = report(gw, weighbridge_kg="9000")
    assert answer["outcome"] == "pass" and answer["reasons"] == []


def test_inspection_refusal_refuses_at_the_gate(gw):
    slip = approved(gw, empty_slip(), draw=D("0"))  # empty vehicles are never selected, even by a zero draw
    assert slip.inspection == "not_selected"
    report(gw, weighbridge_kg="9999")
    services.record_inspection(actor=gw.actor("customs"), slip_id=slip.pk, result="conforms", release=False)
    assert reason_codes(report(gw)[0]) == ["inspection_refused"]


def test_random_rate_selects_at_approval(gw):
    services.update_settings(actor=gw.actor("customs"), zone_id=gw.world.zone_a.pk, data={"random_rate_pct": "10"})
    data = {"slip_type": "5", "direction": "I", "plate": "京A12345", "vehicle_wt": "8200", "total_gross_wt": "500",
            "goods_class": "duty_paid"}
    picked = approved(gw, data, draw=D("9.5"))
    assert picked.inspection == "pending"
    assert picked.inspection_record.reasons == [{"code": "risk_random", "params": {"rate": "10"}}]
    answer, _ = report(gw, weighbridge_kg="8700")
    assert answer["outcome"] == "hold" and reason_codes(answer) == ["selected_for_inspection"]
    other = approved(gw, {**data, "plate": "京A22222"}, draw=D("10"))
    assert other.inspection == "not_selected"


def test_inspection_result_validation(gw):
    slip = approved(gw, empty_slip())
    with pytest.raises(DomainError) as exc:
        services.record_inspection(actor=gw.actor("customs"), slip_id=slip.pk, result="fine", release=True)
    assert codes(exc) == [("result", "bad_choice"), ("slip", "inspection_not_pending")]
    with pytest.raises(Forbidden):
        services.record_inspection(actor=gw.actor("ent_a"), slip_id=slip.pk, result="conforms", release=True)


def test_non_bonded_load_skips_weight_and_seal(gw):
    data = {"slip_type": "5", "direction": "I", "plate": "京A12345", "vehicle_wt": "8200", "total_gross_wt": "500",
            "seal": "S1"}
    approved(gw, data)
    answer, _ = report(gw, weighbridge_kg="20000", seal="S2")
    assert answer["outcome"] == "pass"


def test_bad_reading_is_refused_with_field_messages_and_writes_nothing(gw):
    approved(gw, empty_slip())
    before = (Passage.objects.count(), AuditEvent.objects.count())
    with pytest.raises(DomainError) as exc:
        services.report_passage(actor=gw.gate_actor, data={"event_id": "", "plate": "AB", "direction": "X",
                                                           "weighbridge_kg": "heavy"})
    assert codes(exc) == [("event_id", "event_id_required"), ("plate", "bad_plate"), ("direction", "bad_choice"),
                          ("weighbridge_kg", "not_a_number")]
    with pytest.raises(DomainError) as exc:
        report(gw, weighbridge_kg="-5")
    assert codes(exc) == [("weighbridge_kg", "weight_not_positive")]
    assert (Passage.objects.count(), AuditEvent.objects.count()) == before


def test_only_a_gate_user_reports(gw):
    with pytest.raises(Forbidden):
        services.report_passage(actor=gw.actor("customs"), data={})
    gw.gate.active = False
    gw.gate.save()
    with pytest.raises(Forbidden) as exc:
        report(gw)
    assert codes(exc) == [("", "not_a_gate")]


def test_gate_sees_only_its_zone(gw, world):
    other = services.apply_slip(actor=world.actor("ent_b"), data={**empty_slip()}, idempotency_key="k-b")
    services.approve_slip(actor=world.actor("customs"), slip_id=other.pk, idempotency_key="k-b2")
    answer, _ = report(gw)
    assert reason_codes(answer) == ["unknown_plate"]


def test_slip_of_another_enterprise_is_invisible(gw, world):
    slip = apply(gw, empty_slip())
    with pytest.raises(NotFound):
        services.cancel_slip(actor=world.actor("ent_b"), slip_id=slip.pk, reason="x")


def test_settings_validation_names_each_field(gw):
    with pytest.raises(DomainError) as exc:
        services.update_settings(actor=gw.actor("customs"), zone_id=gw.world.zone_a.pk, data={
            "weight_tolerance_pct": "101", "weight_tolerance_kg": "-1", "random_rate_pct": "x",
            "risk_hs_chapters": "61,6", "slip_valid_hours": "0",
        })
    assert sorted(codes(exc)) == sorted([
        ("weight_tolerance_pct", "rate_out_of_range"), ("weight_tolerance_kg", "amount_negative"),
        ("random_rate_pct", "not_a_number"), ("risk_hs_chapters", "bad_code"), ("slip_valid_hours", "out_of_range"),
    ])


def test_gate_creation_and_token(gw, world):
    with pytest.raises(DomainError) as exc:
        services.create_gate(actor=world.actor("customs"), zone_id=world.zone_a.pk, code="G1", name="")
    assert codes(exc) == [("code", "duplicate_value"), ("name", "required")]
    raw = services.issue_gate_token(actor=world.actor("customs_a"), gate_id=gw.gate.pk)
    assert raw.startswith("bz_")
    with pytest.raises(NotFound):
        services.create_gate(actor=world.actor("customs_a"), zone_id=world.zone_b.pk, code="G9", name="x")


def test_the_enterprise_customs_credit_class_drives_inspection(gw):
    """A class named in the zone's settings (any case) selects the enterprise's slips for inspection at
    approval; a class that does not exist is refused, nothing written."""
    from bondzone.core import services as core_services

    zone = gw.world.zone_a.pk
    with pytest.raises(DomainError) as info:
        services.update_settings(actor=gw.actor("customs"), zone_id=zone, data={"risk_credit_classes": "C"})
    assert [p.code for p in info.value.problems] == ["bad_choice"]
    services.update_settings(actor=gw.actor("customs"), zone_id=zone, data={"risk_credit_classes": "dishonest"})
    data = {"slip_type": "5", "direction": "I", "plate": "京A12345", "vehicle_wt": "8200", "total_gross_wt": "500",
            "goods_class": "duty_paid"}
    assert approved(gw, data).inspection == "not_selected"  # a regular enterprise
    core_services.update_enterprise(actor=gw.actor("customs"), enterprise_id=gw.world.ent_a.pk,
                                    changes={"customs_credit_class": "dishonest"})
    picked = approved(gw, {**data, "plate": "京A22222"})
    assert picked.inspection == "pending"
    assert picked.inspection_record.reasons == [{"code": "risk_credit_class", "params": {"value": "DISHONEST"}}]
