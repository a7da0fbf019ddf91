"""Regimes tied to the gate: the goods of a regime leave the zone on a release slip (核放单) that carries
the regime's `out` lists, and come back on slips carrying its `back` lists. The slips are the gate's
(read through gate.selectors); this module links lists to a regime and settles what came back.

- `link_regime_lists`: the enterprise (its own regimes) or customs names the verification lists the goods
  go out (E) or come back (I) on; a list of another book, or of the wrong direction, is refused naming
  `lists`. Idempotent (a list linked twice is linked once), audited.
- `settle_regime_returns` (the periodic job, `bondzone regime-returns`): for each open or overdue regime,
  the quantities that passed the gate inwards on its back lists are set against its lines (per book item,
  in line order, never more than a line's quantity). All back: the regime is `returned` on the day of the
  last passage and its guarantee part freed. Part back: the duty at risk becomes the duty of what is still
  out (each line's duty × the share still out, rounded half up to 0.01) and the guarantee part above it is
  freed. Each change is one transaction with its audit row; nothing changes when nothing new passed.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bondzone.core import audit, idempotency
from bondzone.core.actor import SYSTEM, Actor
from bondzone.core.domain.errors import DomainError, Problem, problem
from bondzone.gate import selectors as gate
from bondzone.supervision import selectors as books

from ..domain import regimes as rules
from ..models import Guarantee, Regime, RegimeLine, RegimeList
from .regimes import _list_ids, _locked, _use, regime_snapshot

ROLES = {"out": "E", "back": "I"}  # the list's direction for each role
FEN = Decimal("0.01")


def link_regime_lists(*, actor: Actor, regime_id: Any, data: Mapping[str, Any], idempotency_key: str | None) -> Regime:
    """Link verification lists of the regime's book to it: `role` out (goods leaving, direction E) or back
    (goods returning, direction I), `lists` the ids."""
    actor.require("duties.open_regime")

    def do() -> dict:
        regime = _locked(actor, regime_id)  # one the actor may not see is a 404 whatever the body
        problems: list[Problem] = []
        role = str(data.get("role") or "")
        if role not in ROLES:
            problems.append(problem("role", "bad_choice", value=role, choices=", ".join(ROLES)))
        ids = _list_ids(data.get("lists"), "lists", problems)
        if not ids and not problems:
            problems.append(problem("lists", "required"))
        if problems:
            raise DomainError(problems)
        if regime.status not in rules.LIVE:
            raise DomainError(problem("status", "regime_not_open", state=regime.status))
        found = dict(books.lists(actor, book_id=regime.book_id).filter(pk__in=ids).values_list("pk", "direction"))
        for pk in ids:
            if pk not in found:
                problems.append(problem("lists", "regime_list_not_in_book", value=pk))
            elif found[pk] != ROLES[role]:
                problems.append(problem("lists", "regime_list_direction", value=pk, role=role, direction=ROLES[role]))
        if problems:
            raise DomainError(problems)
        RegimeList.objects.bulk_create([RegimeList(regime=regime, vlist_id=pk, role=role) for pk in ids],
                                       ignore_conflicts=True)
        audit.record(actor, "duties.regime_lists_linked", regime, after={"role": role, "lists": ids})
        return {"regime_id": regime.pk}

    idempotency.run(actor, idempotency_key, "duties.regime_link", {"regime_id": str(regime_id), **dict(data)}, do)
    return Regime.objects.get(pk=regime_id)


def regime_slips(regime: Regime) -> dict[str, list[dict]]:
    """The release slips carrying the regime's out and back lists (the regime has been read in scope)."""
    links = list(regime.list_links.values_list("vlist_id", "role"))
    out: dict[str, list[dict]] = {"out": [], "back": []}
    for role in out:
        out[role] = gate.slips_of_lists([pk for pk, r in links if r == role])
    return out


def _share_out(line: RegimeLine) -> Decimal:
    left = line.quantity - line.returned
    return (line.duty * left / line.quantity).quantize(FEN, rounding=ROUND_HALF_UP) if left > 0 else Decimal(0)


def _apply(lines: list[RegimeLine], passed: dict[int, Decimal]) -> bool:
    """Spread the passed quantity of each item over its lines in order; True when a line changed."""
    changed = False
    left = dict(passed)
    for ln in lines:
        take = min(left.get(ln.item_id, Decimal(0)), ln.quantity)
        left[ln.item_id] = left.get(ln.item_id, Decimal(0)) - take
        if take != ln.returned:
            ln.returned = take
            changed = True
    return changed


def settle_regime_returns(*, actor: Actor | None = None, today: date | None = None) -> dict[str, int]:
    """The periodic settlement (see the module). Returns {"returned": n, "partly": n}."""
    from .. import selectors

    actor = actor or SYSTEM
    actor.require("duties.sweep_regimes")
    today = today or timezone.localdate()
    counts = {"returned": 0, "partly": 0}
    live = selectors.regimes(actor).filter(status__in=rules.LIVE, list_links__role="back").distinct()
    for regime_id in list(live.values_list("pk", flat=True)):
        back = list(RegimeList.objects.filter(regime_id=regime_id, role="back").values_list("vlist_id", flat=True))
        passed, at = gate.passed_quantities(back, ROLES["back"])
        if not passed:
            continue
        with transaction.atomic(durable=True):
            regime = Regime.objects.select_for_update().get(pk=regime_id)
            if regime.status not in rules.LIVE:
                continue
            lines = list(regime.lines.select_for_update().order_by("seq"))
            if not _apply(lines, passed):
                continue
            before = regime_snapshot(regime)
            RegimeLine.objects.bulk_update(lines, ["returned"])
            all_back = all(ln.returned >= ln.quantity for ln in lines)
            still_out = sum((_share_out(ln) for ln in lines), Decimal(0))
            free = regime.guarantee_used - (Decimal(0) if all_back else min(still_out, regime.guarantee_used))
            if regime.guarantee_id and free > 0:
                g = Guarantee.objects.select_for_update().get(pk=regime.guarantee_id)
                found = _use(g, free, _("Regime %(number)s: goods back through the gate") % {"number": regime.number},
                             "free")
                if found:
                    raise DomainError(found)
                regime.guarantee_used -= free
            regime.duty_at_risk = Decimal(0) if all_back else still_out
            fields = ["duty_at_risk", "guarantee_used"]
            if all_back:
                regime.status = rules.RETURNED
                regime.closed_on = min(timezone.localdate(at) if at else today, today)
                regime.close_note = _("Back through the gate")[:500]
                fields += ["status", "closed_on", "close_note"]
            regime.save(update_fields=fields)
            audit.record(actor, "duties.regime_returned_through_gate" if all_back else "duties.regime_partly_returned",
                         regime, before=before, after={**regime_snapshot(regime), "returned": {
                             str(ln.item_id): str(ln.returned) for ln in lines}})
            counts["returned" if all_back else "partly"] += 1
    return counts
