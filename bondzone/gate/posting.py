"""The gate's one way into the account book: a passage posts the share of each list the vehicle
carries (reserved at the list's approval → posted), through the supervision ledger's services, inside
the passage's own transaction."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from bondzone.core.actor import Actor
from bondzone.supervision import selectors as books
from bondzone.supervision import services as ledger
from bondzone.supervision.domain.posting import SourceRef

from .domain.codes import InspectionResult, InspectionState
from .models import Inspection, Slip, SlipLine

SOURCE_KIND = "passage"


def found_quantities(slip: Slip) -> dict[tuple[int, int], Decimal]:
    """(list, line) → quantity found, when the slip was inspected with discrepancies and released: the
    passage posts these instead of the slip's declared quantities (records from before the list was named
    on each row name the line only)."""
    if slip.inspection != InspectionState.RELEASED.value:
        return {}
    record = Inspection.objects.filter(slip=slip, result=InspectionResult.DISCREPANCY.value).first()
    if record is None:
        return {}
    out: dict[tuple[int, int], Decimal] = {}
    lists = set(SlipLine.objects.filter(slip=slip).values_list("vlist_id", flat=True))
    for row in record.discrepancies:
        for list_id in ([row["list_id"]] if row.get("list_id") else sorted(lists)):
            out[(int(list_id), int(row["seq"]))] = Decimal(str(row["found"]))
    return out


def shares_of(lines: list[tuple[int, int, Decimal]], found: dict[tuple[int, int], Decimal]) -> dict[int, dict[int, Decimal]]:
    """list → line → quantity a passage of a slip posts: the slip's lines (list, line, quantity, as
    selectors.lock_plate_slips reads them), or for a line found different at inspection what was found
    (nothing for a line found empty)."""
    shares: dict[int, dict[int, Decimal]] = defaultdict(dict)
    for vlist_id, seq, quantity in lines:
        quantity = found.get((vlist_id, seq), quantity)
        if quantity > 0:
            shares[vlist_id][seq] = quantity
    return dict(shares)


def solid_waste_holds(actor: Actor, list_ids) -> dict[int, list[dict]]:
    """list → its solid-waste hold (VerificationList.solid_waste_held), for the lists that have one: one query, read
    only at a double-gate zone's 一卡 (the posting at 二卡 reads the hold with the list row it locks)."""
    if not list_ids:
        return {}
    rows = books.lists(actor).filter(pk__in=sorted(list_ids)).exclude(solid_waste_held=[])
    return dict(rows.values_list("pk", "solid_waste_held"))


def post_passage(*, actor: Actor, passage_id: int, shares: dict[int, dict[int, Decimal]]) -> None:
    """Post every carried share (`shares_of`) with the ledger event id gate:<passage>:<list>. Runs inside
    the caller's transaction."""
    for vlist_id, by_seq in sorted(shares.items()):
        ledger.pass_goods_in_transaction(
            actor=actor, list_id=vlist_id, event_id=f"gate:{passage_id}:{vlist_id}",
            source=SourceRef(SOURCE_KIND, passage_id), shares=by_seq,
        )
