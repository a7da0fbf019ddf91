"""Release slips: application (enterprise), approval with inspection selection (customs), cancellation."""

from __future__ import annotations

import random
import uuid
from dataclasses import replace
from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy

from bondzone.core import audit, idempotency
from bondzone.core.actor import Actor
from bondzone.core.domain.errors import DomainError, Problem, problem
from bondzone.core.domain.inputs import as_id, required_reason
from bondzone.core.models import Enterprise
from bondzone.core.scoping import get_scoped
from bondzone.supervision import selectors as books

from .. import selectors
from ..domain.codes import GoodsClass, InspectionState, SlipStatus
from ..domain.inspection import RiskFacts, select
from ..domain.slips import LineFacts, ListFacts, held_line_problem, validate_slip
from ..models import Inspection, Slip, SlipLine, SlipList

DEFAULT_OFFICE = "0100"


def slip_snapshot(s: Slip) -> dict:
    return {
        "number": s.number, "type": s.slip_type, "binding": s.binding, "direction": s.direction, "status": s.status,
        "plate": s.plate, "goods_class": s.goods_class, "gross": str(s.total_gross_wt), "seal": s.seal,
        "elock_no": s.elock_no,
        "containers": list(s.containers), "valid_until": s.valid_until.isoformat() if s.valid_until else None,
        "inspection": s.inspection,
    }


def list_facts(actor: Actor, list_ids: list[int]) -> dict[int, ListFacts]:
    """What the binding rules need of each named list: its header (with the trade mode and list type that
    tell which fence its goods cross), its lines, how much of each line live slips (not cancelled, not expired unused) already carry
    and the lines its solid-waste hold keeps from passing."""
    wanted = [i for i in list_ids if isinstance(i, int)]
    if not wanted:
        return {}
    on_slips = selectors.quantities_on_live_slips(wanted)
    whole = selectors.lists_on_whole_slips(wanted)
    out: dict[int, ListFacts] = {}
    # the lists locked in id order (the statement that reads them, FOR UPDATE on PostgreSQL), after the enterprise
    # row: a solid-waste hold (books.hold_open_lists locks them too) commits before this read or after this slip
    locked = books.lists(actor).filter(pk__in=wanted).select_for_update(of=("self",)).order_by("pk")
    for v in locked.prefetch_related("lines"):
        held = {params["line"]: params for params in v.solid_waste_held}
        lines = tuple(
            LineFacts(ln.pk, ln.seq, ln.quantity, on_slips.get(ln.pk, Decimal(0)), ln.goods_status, held.get(ln.seq))
            for ln in sorted(v.lines.all(), key=lambda ln: ln.seq)
        )
        out[v.pk] = ListFacts(
            list_id=v.pk, number=v.number, zone_id=v.zone_id, enterprise_id=v.enterprise_id, book_id=v.book_id,
            direction=v.direction, trade_mode=v.trade_mode, list_type=v.list_type, approved=v.status == "approved",
            on_whole_slip=v.pk in whole, lines=lines,
        )
    return out


LIST_MODEL = gettext_lazy("verification list")  # 核注清单


def _in_words(p: Problem) -> Problem:
    """The pure rules name an unseen list "verification list"; the answer names it in the request's language."""
    if p.code == "not_found" and p.params.get("model") == "verification list":
        return replace(p, params={**p.params, "model": LIST_MODEL})
    return p


def _list_ids(raw) -> list[int]:
    if raw in (None, ""):
        return []
    items = raw if isinstance(raw, (list, tuple)) else str(raw).split(",")
    # what cannot be an id (validate_slip names it) is not looked up: 23 digits would overflow the query
    return [i for one in items if (i := as_id(one)) is not None]


def apply_slip(*, actor: Actor, enterprise_id: int | None = None, data: dict, idempotency_key: str | None) -> Slip:
    """An enterprise applies for a slip (状态 已申请). All problems are reported together; nothing is written."""
    actor.require("gate.apply_slip")
    if actor.enterprise_id and enterprise_id not in (None, actor.enterprise_id):
        # an enterprise applies for itself only: naming another is refused as an object it may not see
        raise DomainError(problem("enterprise_id", "not_found", model=Enterprise._meta.verbose_name, id=str(enterprise_id)))
    enterprise_id = actor.enterprise_id or enterprise_id
    payload = {"enterprise_id": enterprise_id, **data}

    def do() -> dict:
        try:
            # The enterprise row is the lock: its applications queue here, so two slips can never both
            # take the last quantity of a list line (lists belong to one enterprise).
            enterprise = get_scoped(Enterprise.objects.select_for_update(of=("self",)).select_related("zone"),
                                    actor, enterprise_id)
        except DomainError:
            raise DomainError(problem("enterprise_id", "not_found", model=Enterprise._meta.verbose_name, id=str(enterprise_id))) from None
        ids = _list_ids(data.get("lists"))
        facts = list_facts(actor, ids)
        draft, problems = validate_slip(data, zone_id=enterprise.zone_id, enterprise_id=enterprise.pk, lists=facts)
        if problems:
            raise DomainError([_in_words(p) for p in problems])
        slip = Slip.objects.create(
            number="tmp-" + uuid.uuid4().hex[:16], zone_id=enterprise.zone_id, enterprise=enterprise,
            slip_type=draft.slip_type.value, binding=draft.binding.value, direction=draft.direction,
            goods_class=draft.goods_class.value, plate=draft.plate, ic_card=draft.ic_card,
            vehicle_wt=draft.vehicle_wt, frame_wt=draft.frame_wt, container_wt=draft.container_wt,
            total_gross_wt=draft.total_gross_wt, containers=list(draft.containers), seal=draft.seal,
            elock_no=draft.elock_no,
            bill_of_lading=draft.bill_of_lading, created_by_id=actor.user_id,
        )
        office = enterprise.zone.customs_office_code or DEFAULT_OFFICE
        slip.number = f"HF{office}{timezone.localdate():%y}{draft.direction}{slip.pk:015d}"
        slip.save(update_fields=["number"])
        SlipList.objects.bulk_create([SlipList(slip=slip, vlist_id=i) for i in draft.list_ids])
        seq_of = {ln.line_id: ln.seq for f in facts.values() for ln in f.lines}
        SlipLine.objects.bulk_create([
            SlipLine(slip=slip, vlist_id=ln.list_id, list_line_id=ln.line_id, seq=seq_of[ln.line_id],
                     quantity=ln.quantity)
            for ln in draft.lines
        ])
        audit.record(actor, "slip.apply", slip, after=slip_snapshot(slip))
        return {"slip_id": slip.pk}

    result, _ = idempotency.run(actor, idempotency_key, "slip.apply", payload, do)
    return Slip.objects.get(pk=result["slip_id"])


def locked_slip(actor: Actor, slip_id: int) -> Slip:
    return get_scoped(Slip.objects.select_for_update(of=("self",)).select_related("enterprise", "zone"), actor,
                      slip_id, action="change")


def _require(slip: Slip, *states: SlipStatus) -> None:
    if slip.status not in {s.value for s in states}:
        raise DomainError(problem("status", "slip_wrong_state", slip=slip.number, state=slip.status,
                                  expected=" / ".join(s.value for s in states)))


def risk_facts(slip: Slip) -> RiskFacts:
    lines = list(SlipLine.objects.filter(slip=slip).values_list("list_line__hs_code", "vlist__trade_mode"))
    hs_codes = frozenset(hs for hs, _ in lines)
    return RiskFacts(
        goods_class=GoodsClass(slip.goods_class),
        # the customs credit class (core.Enterprise, GACC Order 282) in the settings' upper-case spelling
        credit_class=(slip.enterprise.customs_credit_class or "").upper() or None,
        trade_modes=frozenset(mode for _, mode in lines),
        hs_codes=hs_codes,
        first_time_hs=hs_codes - selectors.hs_codes_passed(slip.enterprise_id, exclude_slip=slip.pk),
    )


def _held_lines(slip: Slip) -> list:
    """The slip's lines (`lines[n]`, in the order the slip shows them) that a list's solid-waste hold, written
    after the application, keeps from passing. The statement that reads them locks their lists (FOR UPDATE OF the
    list on PostgreSQL, in list id order, after the slip: the passage's order — slip, list, reservations,
    accounts), so a hold racing the approval either is read here or waits for the approval's commit and holds the
    approved slip's list (the gate then refuses it)."""
    out = []
    for n, line in enumerate(selectors.slip_lines(slip).select_for_update(of=("vlist",)), start=1):
        hold = next((p for p in line.vlist.solid_waste_held if p["line"] == line.seq), None)
        if hold:
            out.append(held_line_problem(f"lines[{n}].seq", hold))
    return out


def approve_locked(actor: Actor, slip: Slip, draw: Decimal | None) -> None:
    """Approve a slip the caller has locked (this transaction): validity, risk selection, audit row. A line a
    list's solid-waste hold keeps from passing (the item marked after the application) is refused on its field."""
    _require(slip, SlipStatus.APPLIED)
    held = _held_lines(slip)
    if held:
        raise DomainError(held)
    before = slip_snapshot(slip)
    settings = selectors.settings_of(slip.zone_id)
    value = draw if draw is not None else Decimal(random.SystemRandom().randrange(0, 10000)) / 100
    reasons = select(risk_facts(slip), selectors.risk_rules(settings), value)
    now = timezone.now()
    slip.status = SlipStatus.APPROVED.value
    slip.approved_at, slip.approved_by_id = now, actor.user_id
    slip.valid_until = now + timedelta(hours=settings.slip_valid_hours)
    if reasons:
        slip.inspection = InspectionState.PENDING.value
        Inspection.objects.create(slip=slip, zone_id=slip.zone_id, enterprise_id=slip.enterprise_id,
                                  reasons=[r.as_dict() for r in reasons])
    slip.save(update_fields=["status", "approved_at", "approved_by", "valid_until", "inspection"])
    audit.record(actor, "slip.approve", slip, before=before,
                 after={**slip_snapshot(slip), "selected_because": [r.code for r in reasons]})


def approve_slip(*, actor: Actor, slip_id: int, idempotency_key: str | None, draw: Decimal | None = None) -> Slip:
    """Customs approves (已审批): the slip gets its validity and the risk rules decide whether it is
    inspected. `draw` (0–100) replaces the random number (tests, replays). A line a list's solid-waste hold keeps
    from passing (the item marked after the application) is refused on its field, nothing written."""
    actor.require("gate.approve_slip")

    def do() -> dict:
        slip = locked_slip(actor, slip_id)
        approve_locked(actor, slip, draw)
        return {"slip_id": slip.pk, "status": slip.status}

    idempotency.run(actor, idempotency_key, "slip.approve", {"slip_id": slip_id}, do)
    return Slip.objects.get(pk=slip_id)



def cancel_locked(actor: Actor, slip: Slip, reason: str) -> None:
    """Cancel a slip the caller has locked (this transaction), with its audit row."""
    _require(slip, SlipStatus.APPLIED, SlipStatus.APPROVED)
    before = slip_snapshot(slip)
    slip.status = SlipStatus.CANCELLED.value
    slip.cancelled_at = timezone.now()
    slip.cancel_reason = reason
    slip.save(update_fields=["status", "cancelled_at", "cancel_reason"])
    audit.record(actor, "slip.cancel", slip, before=before, after={**slip_snapshot(slip), "reason": reason})


def cancel_slip(*, actor: Actor, slip_id: int, reason: str) -> Slip:
    """作废: only before the vehicle passes; the quantities it carried go back to the list for other slips."""
    actor.require("gate.cancel_slip")
    reason = required_reason(reason)
    with transaction.atomic(durable=True):
        slip = locked_slip(actor, slip_id)
        cancel_locked(actor, slip, reason)
    return slip
