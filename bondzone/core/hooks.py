"""What core's services tell the apps that build on core, without core importing them.

Core sits under every app and may not import one; an app that must act inside one of core's writes (the
information-sharing outbox) registers a listener once, from its AppConfig.ready():

    hooks.on_enterprise_registered(fn)   # fn(actor, enterprise)
    hooks.on_enterprise_changed(fn)      # fn(actor, enterprise, changed_fields)
    hooks.set_field_policy(fn)           # fn(role, dataset) -> the fields the role may see, or None

Core's service calls the listeners inside its own transaction, after its audit row: a listener writes in
that transaction (an outbox row), so what it writes exists if and only if the change committed; a
listener that raises rolls the change back. Listeners are plain function calls, not Django signals (the
project keeps business logic out of signals).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

_REGISTERED: list[Callable[..., Any]] = []
_CHANGED: list[Callable[..., Any]] = []
_FIELD_POLICY: list[Callable[[str, str], tuple[str, ...] | None]] = []


def on_enterprise_registered(fn: Callable[..., Any]) -> Callable[..., Any]:
    if fn not in _REGISTERED:
        _REGISTERED.append(fn)
    return fn


def on_enterprise_changed(fn: Callable[..., Any]) -> Callable[..., Any]:
    if fn not in _CHANGED:
        _CHANGED.append(fn)
    return fn


def enterprise_registered(actor, enterprise) -> None:
    for fn in _REGISTERED:
        fn(actor, enterprise)


def enterprise_changed(actor, enterprise, changed: list[str]) -> None:
    for fn in _CHANGED:
        fn(actor, enterprise, changed)


def set_field_policy(fn: Callable[[str, str], tuple[str, ...] | None]) -> None:
    """The agencies' field-level policy (information sharing owns it), so core's own reads of the enterprise
    record show each role the same fields as the shared views do."""
    _FIELD_POLICY[:] = [fn]


def visible_fields(role: str, dataset: str) -> tuple[str, ...] | None:
    """The fields of `dataset` the role may see; None when no policy speaks of the role (then core shows
    what it always showed)."""
    return _FIELD_POLICY[0](role, dataset) if _FIELD_POLICY else None
