"""The slip as the national system's messages: the SAS121 declaration of a slip (a read, scoped as the
slip's page) and customs' SAS221 receipt applied to our slip through the slip services' own steps."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bondzone.core import audit
from bondzone.core.actor import Actor
from bondzone.core.domain.errors import Conflict, Forbidden, NotFound, problem
from bondzone.core.domain.inputs import required_reason
from bondzone.core.files import MB, too_large

from .. import selectors
from ..domain import messages as msg
from ..domain.codes import Binding, SlipStatus, SlipType
from ..models import Slip, SlipReceipt
from .slips import approve_locked, cancel_locked, locked_slip

DECLARABLE = {SlipStatus.APPLIED.value, SlipStatus.APPROVED.value, SlipStatus.CANCELLED.value}
MAX_RECEIPT_BYTES = 1 * MB


def sas121_of(slip: Slip, *, now=None) -> msg.Sas121:
    """The declaration's values from the slip, its lists and lines (see the domain module for the fields)."""
    ent, zone = slip.enterprise, slip.zone
    lists = [link.vlist for link in slip.links.select_related("vlist__book").order_by("vlist_id")]
    head = dict.fromkeys(msg.HEAD_FIELDS, "")  # seqNo: customs assigns it on the first declaration
    head |= {
        "passportNo": getattr(getattr(slip, "receipt", None), "passport_no", ""),
        "etpsPreentNo": slip.number,
        "dclTypecd": msg.DCL_CANCEL if slip.status == SlipStatus.CANCELLED.value else msg.DCL_RECORD,
        "ioTypecd": slip.direction, "passportTypecd": slip.slip_type, "bindTypecd": slip.binding,
        "masterCuscd": zone.customs_office_code,
        # a slip's lists are its enterprise's; the head names one book (the first list's)
        "areainOriactNo": lists[0].book.number if lists else "",
        "areainEtpsSccd": ent.credit_code, "areainEtpsno": ent.customs_code, "areainEtpsNm": ent.name,
        "vehicleNo": slip.plate, "vehicleIcNo": slip.ic_card, "vehicleWt": msg.kg(slip.vehicle_wt),
        "vehicleFrameWt": msg.kg(slip.frame_wt), "containerNo": ",".join(slip.containers),
        "containerWt": msg.kg(slip.container_wt), "totalGrossWt": msg.kg(slip.total_gross_wt),
        "totalWt": msg.kg(msg.total_wt(slip.vehicle_wt, slip.frame_wt, slip.container_wt, slip.total_gross_wt)),
    }
    if lists:
        head["rltTbTypecd"] = msg.RLT_LIST
        head["rltNo"] = (lists[0].number or "") if len(lists) == 1 else ""  # several: the Acmp rows
    elif slip.slip_type == SlipType.ENTER_FIRST.value:
        head["rltTbTypecd"], head["rltNo"] = msg.RLT_BILL_OF_LADING, slip.bill_of_lading
    lines = ()
    if slip.binding == Binding.ONE_LIST_MANY_VEHICLES.value:
        lines = tuple(
            {"passportSeqNo": str(n), "rltGdsSeqno": str(ln.seq), "gdsMtno": ln.list_line.part_no,
             "gdecd": ln.list_line.hs_code, "gdsNm": ln.list_line.name_zh, "dclUnitcd": ln.list_line.unit,
             "dclQty": msg.kg(ln.quantity)}
            for n, ln in enumerate(selectors.slip_lines(slip), start=1)
        )
    sent = now or timezone.localtime()
    return msg.Sas121(
        envelope={"version": "1.0", "message_id": f"{slip.number}{sent:%Y%m%d%H%M%S}",
                  "file_name": f"SAS121_{slip.number}.xml", "message_type": "SAS121",
                  "sender_id": ent.customs_code, "send_time": f"{sent:%Y-%m-%d %H:%M:%S}"},
        oper_cus_reg_code=ent.customs_code, head=head, lines=lines,
        acmp=tuple({"rltTbTypecd": msg.RLT_LIST, "rltNo": v.number or ""} for v in lists),
    )


def sas121_document(actor: Actor, slip_id: int) -> tuple[str, bytes]:
    """(file name, XML) of a slip's SAS121 for whoever may see the slip; applied or approved slips are
    declared (dclTypecd 1), cancelled ones as 作废 (3); a slip that passed is no longer declared."""
    slip = selectors.slip(actor, slip_id)
    if slip.status not in DECLARABLE:
        raise Conflict(problem("status", "slip_wrong_state", slip=slip.number, state=slip.status,
                               expected=" / ".join(sorted(DECLARABLE))))
    return f"SAS121_{slip.number}.xml", msg.write_sas121(sas121_of(slip))


@dataclass(frozen=True)
class ReceiptOutcome:
    slip: Slip
    receipt: SlipReceipt
    replayed: bool

    def sentence(self) -> str:
        if self.replayed:
            return _("Slip %(slip)s: this receipt was applied before; nothing changed.") % {"slip": self.slip.number}
        return {
            "approved": _("Slip %(slip)s approved by customs' receipt (passport number %(passport_no)s)."),
            "cancelled": _("Slip %(slip)s returned by customs (退单) and cancelled: %(remark)s"),
            "confirmed": _("Slip %(slip)s already was so; customs' receipt recorded."),
        }[self.receipt.effect] % {"slip": self.slip.number, "passport_no": self.receipt.passport_no,
                                  "remark": self.receipt.remark or "—"}


def _slip_for(actor: Actor, number: str) -> Slip:
    """Our slip named by the receipt, locked; another zone's slip is named as such (customs hold its number
    in their hands), an unknown number as unknown."""
    zone_id = Slip.objects.filter(number=number).values_list("zone_id", flat=True).first()  # system read
    if zone_id is None:
        raise NotFound(problem("etpsPreentNo", "receipt_slip_unknown", value=number))
    if actor.zone_id is not None and actor.zone_id != zone_id:
        raise Forbidden(problem("etpsPreentNo", "receipt_slip_other_zone", value=number))
    pk = Slip.objects.filter(number=number).values_list("pk", flat=True).get()
    return locked_slip(actor, pk)


# what each decision makes of the slip, by its state when no receipt came before: a new effect, the state it
# already has (recorded, nothing else changes), or a conflict
APPLIES = {
    (msg.APPROVED, SlipStatus.APPLIED.value): "approved",
    (msg.APPROVED, SlipStatus.APPROVED.value): "confirmed",
    (msg.APPROVED, SlipStatus.PASSED_FIRST.value): "confirmed",
    (msg.APPROVED, SlipStatus.PASSED.value): "confirmed",
    (msg.RETURNED, SlipStatus.APPLIED.value): "cancelled",
    (msg.RETURNED, SlipStatus.CANCELLED.value): "confirmed",
}


def _refuse_taken_passport_no(passport_no: str, slip: Slip) -> None:
    """A passport number customs gave another slip is refused (409) naming that slip."""
    taken = (SlipReceipt.objects.filter(passport_no=passport_no).exclude(slip=slip)
             .values_list("slip__number", flat=True).first() if passport_no else None)
    if taken is not None:
        raise Conflict(problem("passportNo", "receipt_passport_no_taken", value=passport_no, slip=taken))


def apply_receipt(*, actor: Actor, data: bytes, draw: Decimal | None = None) -> ReceiptOutcome:
    """Customs' SAS221 on our slip: 通过 approves it (validity, inspection draw: `approve_slip`'s step), 退单
    cancels it with customs' remark (`cancel_slip`'s step); the receipt is kept with the passport number.
    The same receipt again changes nothing (`replayed`); a receipt deciding otherwise than the slip was
    decided, or for a slip that cannot take it, is refused and nothing is written."""
    actor.require("gate.approve_slip")
    if len(data) > MAX_RECEIPT_BYTES:
        raise too_large(MAX_RECEIPT_BYTES)
    r = msg.read_sas221(data)
    reason = required_reason(f"SAS221 退单: {r.remark}"[:500]) if r.decision == msg.RETURNED else ""
    with transaction.atomic(durable=True):
        slip = _slip_for(actor, r.etps_preent_no)
        earlier = SlipReceipt.objects.filter(slip=slip).first()
        if earlier is not None:
            if (earlier.decision, earlier.passport_no) != (r.decision, r.passport_no):
                raise Conflict(problem("emapvMarkcd", "receipt_conflicts", slip=slip.number,
                                       decision=earlier.decision, passport_no=earlier.passport_no or "—"))
            return ReceiptOutcome(slip, earlier, replayed=True)
        _refuse_taken_passport_no(r.passport_no, slip)
        effect = APPLIES.get((r.decision, slip.status))
        if effect is None:
            raise Conflict(problem("emapvMarkcd", "receipt_slip_decided", slip=slip.number, state=slip.status,
                                   decision=r.decision))
        if effect == "approved":
            approve_locked(actor, slip, draw)
        elif effect == "cancelled":
            cancel_locked(actor, slip, reason)
        try:
            with transaction.atomic():
                receipt = SlipReceipt.objects.create(
                    slip=slip, decision=r.decision, passport_no=r.passport_no, remark=r.remark[:500],
                    manage_date=r.manage_date[:32], message_id=r.message_id[:64], effect=effect,
                    digest=hashlib.sha256(data).hexdigest(), received_by_id=actor.user_id,
                )
        except IntegrityError:
            # another slip's receipt with this passport number committed while this one was decided (the
            # unique key waited for it): refused as the check above refuses it, nothing of this one written
            _refuse_taken_passport_no(r.passport_no, slip)
            raise
        audit.record(actor, "slip.receipt", slip, after={
            "decision": r.decision, "passport_no": r.passport_no, "remark": r.remark, "effect": effect,
            "message_id": r.message_id, "manage_date": r.manage_date, "status": slip.status,
        })
    return ReceiptOutcome(slip, receipt, replayed=False)
