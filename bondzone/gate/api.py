"""REST endpoints of the gate: slips for enterprises and customs, the gate hardware's event endpoint
(authenticated as the gate's own user), inspection results and zone settings."""

from django.http import HttpRequest, HttpResponse, JsonResponse
from ninja import File, Header, Router, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from bondzone.core.types import ChoiceOf, Id, Pagination, Text

from bondzone.core.domain.errors import Problem
from bondzone.core.files import read_upload, too_large
from bondzone.core.http import actor, auth_for, patch_changes
from bondzone.core.messages import render

from bondzone.supervision import services as ledger
from bondzone.supervision.schemas import ListDetailOut

from .models import Slip
from . import selectors, services
from .services.messages import MAX_RECEIPT_BYTES
from .schemas import (
    DoorListChangeIn, DoorPassageIn, ReceiptOut, DoorPassageOut, GateAnswerOut, GateEventIn, GateIn, GateOut, InspectionIn, PassageOut, ReasonIn, GateSettingsIn, GateSettingsOut,
    SlipDetailOut, SlipIn, SlipOut, TokenOut,
)

router = Router(tags=["gate"])
IdemKey = Header(None, alias="Idempotency-Key", description="Client-chosen key; a retry with the same key is safe")


ANSWER_DEFAULTS = {name: None for name, f in GateAnswerOut.model_fields.items() if not f.is_required()}


def with_messages(answer: dict, replayed: bool) -> dict:
    """The stored answer (codes) plus each reason rendered in the request's language."""
    reasons = [{**r, "message": render(Problem("", r["code"], r["params"]))} for r in answer["reasons"]]
    return {**answer, "reasons": reasons, "replayed": replayed}


def slip_detail(slip) -> dict:
    return {**SlipOut.from_orm(slip).dict(), "lists": [v.pk for v in selectors.slip_lists(slip)],
            "lines": list(selectors.slip_lines(slip))}


@router.get("/slips", response=list[SlipOut], summary="Release slips (核放单)")
@paginate(Pagination)
def list_slips(request: HttpRequest, status: ChoiceOf(Slip, "status") = "", direction: ChoiceOf(Slip, "direction") = "",
               inspection: ChoiceOf(Slip, "inspection") = "", q: Text(100) = ""):
    return selectors.slips(actor(request), status=status, direction=direction, inspection=inspection, q=q)


@router.post("/slips", response={201: SlipDetailOut}, auth=auth_for("gate.apply_slip"), summary="Apply for a release slip (enterprise)")
def apply_slip(request: HttpRequest, payload: SlipIn, idempotency_key: str | None = IdemKey):
    data = payload.dict()
    enterprise_id = data.pop("enterprise_id")
    slip = services.apply_slip(actor=actor(request), enterprise_id=enterprise_id, data=data,
                               idempotency_key=idempotency_key)
    return Status(201, slip_detail(slip))


@router.get("/slips/{slip_id}", response=SlipDetailOut, summary="One release slip with its lists and lines")
def get_slip(request: HttpRequest, slip_id: Id):
    return slip_detail(selectors.slip(actor(request), slip_id))


@router.get("/slips/{slip_id}/sas121.xml", summary="The slip as the SAS121 declaration (XML)",
            openapi_extra={"responses": {200: {"description": "SAS121 XML",
                                               "content": {"application/xml": {"schema": {"type": "string"}}}}}})
def slip_sas121(request: HttpRequest, slip_id: Id):
    name, document = services.sas121_document(actor(request), slip_id)
    response = HttpResponse(document, content_type="application/xml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


RECEIPT_BODY = {"requestBody": {"required": True, "content": {
    "multipart/form-data": {"schema": {"type": "object", "properties": {"file": {"type": "string", "format": "binary"}}}},
    "application/xml": {"schema": {"type": "string"}},
}}}


@router.post("/receipts", response={200: ReceiptOut, 201: ReceiptOut}, openapi_extra=RECEIPT_BODY,
             auth=auth_for("gate.approve_slip"),
             summary="Apply customs' SAS221 receipt to our slip (customs): multipart `file`, or the XML as the body; "
                     "201 applied, 200 the same receipt again (nothing changed)")
def apply_receipt(request: HttpRequest, file: UploadedFile = File(None)):
    if file is not None:
        data = read_upload(file, MAX_RECEIPT_BYTES)
    elif request.content_type == "multipart/form-data":  # read already, without the file: an empty receipt
        data = b""
    else:  # the XML as the body: one declared larger is refused before the body is read
        declared = str(request.META.get("CONTENT_LENGTH") or "")
        if declared.isdigit() and int(declared) > MAX_RECEIPT_BYTES:
            raise too_large(MAX_RECEIPT_BYTES)
        data = request.body
    outcome = services.apply_receipt(actor=actor(request), data=data)
    slip, receipt = outcome.slip, outcome.receipt
    return Status(200 if outcome.replayed else 201, {
        "slip_id": slip.pk, "slip_number": slip.number, "status": slip.status, "inspection": slip.inspection,
        "decision": receipt.decision, "passport_no": receipt.passport_no, "effect": receipt.effect,
        "replayed": outcome.replayed, "message": outcome.sentence(),
    })


@router.post("/slips/{slip_id}/approve", response=SlipOut, auth=auth_for("gate.approve_slip"), summary="Approve a slip (customs); may select it for inspection")
def approve_slip(request: HttpRequest, slip_id: Id, idempotency_key: str | None = IdemKey):
    return services.approve_slip(actor=actor(request), slip_id=slip_id, idempotency_key=idempotency_key)


@router.post("/slips/{slip_id}/cancel", response=SlipOut, auth=auth_for("gate.cancel_slip"), summary="Cancel (作废) a slip before it passes")
def cancel_slip(request: HttpRequest, slip_id: Id, payload: ReasonIn):
    return services.cancel_slip(actor=actor(request), slip_id=slip_id, reason=payload.reason)


@router.post("/slips/{slip_id}/inspection", response=SlipOut, auth=auth_for("gate.inspect"), summary="Record an inspection result (customs)")
def record_inspection(request: HttpRequest, slip_id: Id, payload: InspectionIn):
    data = payload.dict()
    return services.record_inspection(actor=actor(request), slip_id=slip_id, **data)


@router.post("/events", response=GateAnswerOut, auth=auth_for("gate.report"), summary="A vehicle at the gate: pass, hold or refuse (gate users)")
def gate_event(request: HttpRequest, payload: GateEventIn):
    answer, replayed = services.report_passage(actor=actor(request), data=payload.dict())
    # the answer is built from the decision's own types, so it is written out as it is, not validated again
    # on the gate's hot path (tests/gate/test_api.py holds every kind of answer to GateAnswerOut)
    return JsonResponse({**ANSWER_DEFAULTS, **with_messages(answer, replayed)})


@router.get("/passages", response=list[PassageOut], summary="Gate events and their decisions")
@paginate(Pagination)
def list_passages(request: HttpRequest, outcome: str = "", gate_id: Id | None = None, plate: str = ""):
    return selectors.passages(actor(request), outcome=outcome, gate_id=gate_id, plate=plate)


@router.get("/settings/{zone_id}", response=GateSettingsOut, summary="A zone's gate settings")
def get_settings(request: HttpRequest, zone_id: Id):
    return selectors.zone_settings(actor(request), zone_id)


@router.patch("/settings/{zone_id}", response=GateSettingsOut, auth=auth_for("gate.manage"), summary="Change a zone's gate settings (customs)")
def update_settings(request: HttpRequest, zone_id: Id, payload: GateSettingsIn):
    return services.update_settings(actor=actor(request), zone_id=zone_id, data=patch_changes(payload))


@router.get("/gates", response=list[GateOut], summary="Gates")
@paginate(Pagination)
def list_gates(request: HttpRequest):
    return selectors.gates(actor(request))


@router.post("/gates", response={201: GateOut}, auth=auth_for("gate.manage"), summary="Register a gate and its user (customs)")
def create_gate(request: HttpRequest, payload: GateIn):
    return Status(201, services.create_gate(actor=actor(request), **payload.dict()))


@router.post("/gates/{gate_id}/token", response={201: TokenOut}, auth=auth_for("gate.manage"), summary="Issue a bearer token for a gate's hardware")
def issue_token(request: HttpRequest, gate_id: Id):
    return Status(201, {"token": services.issue_gate_token(actor=actor(request), gate_id=gate_id)})


@router.get("/door-passages", response=list[DoorPassageOut], summary="库门: crossings of a warehouse door (status changes)")
@paginate(Pagination)
def list_door_passages(request: HttpRequest, book_id: Id | None = None, door: str = ""):
    return selectors.door_passages(actor(request), book_id=book_id, door=door)


@router.post("/door-passages", response={200: DoorPassageOut, 201: DoorPassageOut}, auth=auth_for("gate.door"),
             summary="Record goods crossing a warehouse door: posts their share of an approved non-bonded ↔ bonded status-change list")
def record_door_passage(request: HttpRequest, payload: DoorPassageIn):
    data = payload.dict()
    record, replayed = services.record_door_passage(actor=actor(request), book_id=data.pop("book_id"), data=data)
    out = DoorPassageOut.from_orm(record).dict()
    return Status(200 if replayed else 201, {**out, "replayed": replayed})


@router.post("/door-lists/{list_id}/change", response=ListDetailOut, auth=auth_for("supervision.change_list"),
             summary="变更 of a door list (non-bonded ↔ bonded) before its goods passed the door: its lines' quantities")
def change_door_list(request: HttpRequest, list_id: Id, payload: DoorListChangeIn,
                     idempotency_key: str | None = IdemKey):
    return ledger.change_door_list(actor=actor(request), list_id=list_id, lines=payload.lines, reason=payload.reason,
                                   idempotency_key=idempotency_key)
