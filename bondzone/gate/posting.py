"""The gate's one way into the account book: a passage posts the share of each list the vehicle
carries (reserved at the list's approval → posted), through the supervision ledger's services, inside
the passage's own transaction."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from bondzone.core.actor import Actor
from bondzone.supervision import services as ledger
from bondzone.supervision.domain.posting import SourceRef

from .models import SlipLine

SOURCE_KIND = "passage"


def post_passage(*, actor: Actor, passage_id: int, slip_id: int) -> bool:
    """Post every carried share; True when anything was posted. Runs inside the caller's transaction."""
    shares: dict[int, dict[int, Decimal]] = defaultdict(dict)
    for vlist_id, seq, quantity in SlipLine.objects.filter(slip_id=slip_id).values_list("vlist_id", "seq", "quantity"):
        shares[vlist_id][seq] = quantity
    for vlist_id, by_seq in sorted(shares.items()):
        ledger.pass_goods_in_transaction(
            actor=actor, list_id=vlist_id, event_id=f"gate:{passage_id}:{vlist_id}",
            source=SourceRef(SOURCE_KIND, passage_id), shares=by_seq,
        )
    return bool(shares)
