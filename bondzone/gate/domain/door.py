"""库门: which line of a status-change list a door passage draws on (pure)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from bondzone.core.domain.errors import DomainError, problem


@dataclass(frozen=True)
class DoorLine:
    """A line of a bonded ↔ non-bonded status-change list and what of it still waits for the door."""

    seq: int
    item_no: int
    from_status: str
    to_status: str
    remaining: Decimal


def covering_line(lines: Iterable[DoorLine], *, list_no: str, item_no: int, from_status: str, to_status: str,
                  quantity: Decimal) -> int:
    """The seq of the first line of the list that moves this item the same way and still has `quantity`
    waiting; refused (naming the list) when no line moves it so, or none has that much left."""
    matching = [ln for ln in sorted(lines, key=lambda ln: ln.seq)
                if (ln.item_no, ln.from_status, ln.to_status) == (item_no, from_status, to_status)]
    if not matching:
        raise DomainError(problem("item_no", "door_list_no_line", list=list_no, item=item_no,
                                  **{"from": from_status, "to": to_status}))
    for ln in matching:
        if ln.remaining >= quantity:
            return ln.seq
    raise DomainError(problem("quantity", "door_exceeds_list", value=_plain(quantity), list=list_no,
                              remaining=_plain(max(ln.remaining for ln in matching))))


def _plain(value: Decimal) -> str:
    """50, not 5E+1."""
    return format(value.normalize(), "f")
