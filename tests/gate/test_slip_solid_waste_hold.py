"""A list held for solid waste (an item customs marked after the list's approval, VerificationList.solid_waste_held)
goes on no release slip: applying for one that takes a held line, and approving a slip whose line became held
after the application, are refused on the slip's field with the gate's own `trade_mode_solid_waste`, nothing
written — on the API, the page and the CLI."""

from __future__ import annotations

import json
from decimal import Decimal as D

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from bondzone.core.domain.errors import DomainError
from bondzone.core.models import AuditEvent
from bondzone.gate import services
from bondzone.gate.models import Inspection, Slip, SlipLine
from bondzone.supervision import services as ledger
from bondzone.supervision.domain.posting import Move
from tests.conftest import PASSWORD, key
from tests.processing.conftest import hbook  # noqa: F401  (the H book fixture)

from .conftest import apply
from .test_solid_waste_hold import mark, outbound


def whole(vlist) -> dict:
    return {"slip_type": "3", "binding": "2", "direction": "E", "plate": "京A12345", "vehicle_wt": "8000",
            "total_gross_wt": "500", "lists": [vlist.pk]}


def share(vlist, quantity="0.2") -> dict:
    return {**whole(vlist), "binding": "3", "lines": [{"seq": 1, "quantity": quantity}]}


@pytest.fixture
def inland(gw, hbook):  # noqa: F811
    """The H book with 0.8 kg of copper scrap (item 11), 0.5 kg of it approved on a 0844 list (边角料内销, out to
    境内区外), no slip yet."""
    ledger.post_document(actor=hbook.actor("ent_a"), book_id=hbook.book.pk, source_kind="production", source_id=1,
                         moves=[Move(1, 11, "bonded", D("0.8"))], event_id=key(), idempotency_key=key())
    return hbook, outbound(hbook, "0844")


def written() -> tuple[int, ...]:
    return Slip.objects.count(), SlipLine.objects.count(), Inspection.objects.count(), AuditEvent.objects.count()


def client(user: str) -> Client:
    c = Client(HTTP_ACCEPT_LANGUAGE="en")
    assert c.login(username=user, password=PASSWORD)
    return c


@pytest.mark.parametrize("data, field", [(whole, "lists[1]"), (share, "lines[1].seq")])
def test_applying_for_a_slip_taking_a_held_line_is_refused_on_its_field(gw, inland, data, field):
    h, vlist = inland
    mark(h)
    before = written()
    with pytest.raises(DomainError) as exc:
        apply(gw, data(vlist))
    [p] = exc.value.problems
    assert (p.field, p.code, p.params["item"], p.params["line"], p.params["mode"]) == (
        field, "trade_mode_solid_waste", 11, 1, "0844")
    assert written() == before
    mark(h, False)  # released: the same application is taken
    assert apply(gw, data(vlist)).status == "applied"


def test_the_api_page_and_cli_refuse_the_application(gw, inland, tmp_path):
    h, vlist = inland
    mark(h)
    before = written()
    r = client("ent_a").post("/api/v1/gate/slips", json.dumps(share(vlist)), content_type="application/json",
                             HTTP_IDEMPOTENCY_KEY=key())
    assert r.status_code == 400, r.content
    [err] = r.json()["errors"]
    assert (err["field"], err["code"]) == ("lines[1].seq", "trade_mode_solid_waste")
    assert "item 11 is recorded as solid waste" in err["message"]
    form = {k: v for k, v in whole(vlist).items() if k != "lists"}
    r = client("ent_a").post("/gate/slips/new/", {**form, "lists": str(vlist.pk), "idempotency_key": key()})
    assert r.status_code == 400 and "item 11 is recorded as solid waste" in r.content.decode()
    path = tmp_path / "slip.json"
    path.write_text(json.dumps(whole(vlist)), encoding="utf-8")
    with pytest.raises(CommandError, match=r"lists\[1\]: .*固体废物"):
        call_command("gate_slip", "apply", str(path), user="ent_a")
    assert written() == before


def test_approving_a_slip_whose_line_was_held_after_the_application_is_refused(gw, inland):
    h, vlist = inland
    slip = apply(gw, share(vlist))
    mark(h)
    before = written()
    with pytest.raises(DomainError) as exc:
        services.approve_slip(actor=gw.actor("customs"), slip_id=slip.pk, idempotency_key=key(), draw=D("99.99"))
    [p] = exc.value.problems
    assert (p.field, p.code, p.params["item"], p.params["line"]) == ("lines[1].seq", "trade_mode_solid_waste", 11, 1)
    r = client("customs").post(f"/api/v1/gate/slips/{slip.pk}/approve", HTTP_IDEMPOTENCY_KEY=key())
    assert r.status_code == 400 and r.json()["errors"][0]["code"] == "trade_mode_solid_waste"
    r = client("customs").post(f"/gate/slips/{slip.pk}/approve/", {"idempotency_key": key()}, follow=True)
    assert "item 11 is recorded as solid waste" in r.content.decode()
    with pytest.raises(CommandError, match=r"lines\[1\]\.seq: .*固体废物"):
        call_command("gate_slip", "approve", str(slip.pk), user="customs")
    assert Slip.objects.filter(pk=slip.pk, status="applied", valid_until=None, approved_at=None).exists()
    assert written() == before
    mark(h, False)
    assert services.approve_slip(actor=gw.actor("customs"), slip_id=slip.pk, idempotency_key=key(),
                                 draw=D("99.99")).status == "approved"


def test_a_customs_receipt_approving_a_held_slip_is_refused_the_same_way(gw, inland):
    from bondzone.gate.models import SlipReceipt

    from .test_messages import receipt_xml

    h, vlist = inland
    slip = apply(gw, share(vlist))
    mark(h)
    before = written()
    with pytest.raises(DomainError) as exc:
        services.apply_receipt(actor=gw.actor("customs"), data=receipt_xml(slip.number), draw=D("99.99"))
    assert [(p.field, p.code) for p in exc.value.problems] == [("lines[1].seq", "trade_mode_solid_waste")]
    assert written() == before and not SlipReceipt.objects.exists()
    mark(h, False)
    assert services.apply_receipt(actor=gw.actor("customs"), data=receipt_xml(slip.number)).receipt.effect == "approved"
