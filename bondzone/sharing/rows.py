"""A shared dataset's row from a model instance, as JSON-ready values (dates ISO, decimals as text,
related records by their number or name): the one shape the agency views, the API, the exports and the
event payloads use. The field policy (domain/fields.py) then chooses the columns."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from bondzone.core import labels

from .domain.fields import DATASETS

# related records shown by a human key rather than an id
_KEYS = {"zone": "code", "book": "number", "enterprise": "name"}
# a coded field's name in the reader's language (core.labels): field -> (label kind, the field holding the code)
_NAMES = {"trade_mode_name": ("trade_mode", "trade_mode")}
# sums the database computes (not columns): SQLite returns them without their scale, so they are shown to the cent
_CENTS = frozenset({"value"})
CENT = Decimal("0.01")


def value(v: Any) -> Any:
    if isinstance(v, datetime | date):
        return v.isoformat()
    if isinstance(v, Decimal):
        return str(v)
    if hasattr(v, "_meta"):  # a related record
        return str(v)
    return v


def row_of(dataset: str, obj: Any, *, ids: bool = False) -> dict:
    """With `ids`, related records are given by their id (no query: what an event payload carries)."""
    out = {}
    for name in DATASETS[dataset]:
        key = _KEYS.get(name)
        if name in _NAMES:
            kind, code = _NAMES[name]
            out[name] = labels.name(kind, getattr(obj, code, None), None)
        elif key is not None and ids:
            out[name] = getattr(obj, f"{name}_id", None)
        elif key is not None:
            related = getattr(obj, name, None)
            out[name] = getattr(related, key, None) if related is not None else None
        elif name in _CENTS:
            amount = getattr(obj, name, None)
            out[name] = value(amount.quantize(CENT) if isinstance(amount, Decimal) else amount)
        else:
            out[name] = value(getattr(obj, name, None))
    return out
