"""The before/after difference of an audit event, field by field."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

ADDED, REMOVED, CHANGED = "added", "removed", "changed"


@dataclass(frozen=True)
class Change:
    field: str
    kind: str  # added / removed / changed
    old: Any
    new: Any


def _flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    """Nested dicts as dotted keys ("lines.1.quantity"); lists of scalars and other values stay whole."""
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for k, v in value.items():
            key = f"{prefix}.{k}" if prefix else str(k)
            if isinstance(v, dict) and v:
                out.update(_flatten(v, key))
            else:
                out[key] = v
        return out
    return {prefix or "value": value}


def diff(before: dict | None, after: dict | None) -> list[Change]:
    """What changed from `before` to `after` (either may be None: a creation or a deletion), sorted by field.
    A field present in both with equal values is not a change; None and a missing field differ."""
    old = _flatten(before) if before is not None else {}
    new = _flatten(after) if after is not None else {}
    changes = []
    for key in sorted(set(old) | set(new)):
        if key not in new:
            changes.append(Change(key, REMOVED, old[key], None))
        elif key not in old:
            changes.append(Change(key, ADDED, None, new[key]))
        elif old[key] != new[key]:
            changes.append(Change(key, CHANGED, old[key], new[key]))
    return changes
