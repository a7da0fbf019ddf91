"""What the account book's services ask of the apps that build on it, without importing them.

Processing (and any app on top of supervision) imports supervision, never the other way round; an app that
records something of a book item registers a counter once, from its AppConfig.ready(), the way core.hooks
works for core:

    hooks.on_item_use("boms", fn)   # fn(book_id, item_no) -> how many of its rows name the item

services.change_item adds the counts to its own (movements, reservations, list lines): an item any of them
names keeps its units, factors and kind (`item_in_use`, naming every count). Plain function calls, not signals.
"""

from __future__ import annotations

from collections.abc import Callable

_ITEM_USE: dict[str, Callable[[int, int], int]] = {}


def on_item_use(name: str, fn: Callable[[int, int], int]) -> Callable[[int, int], int]:
    _ITEM_USE[name] = fn
    return fn


def item_use(book_id: int, item_no: int) -> dict[str, int]:
    """Each registered app's count of its rows naming the item."""
    return {name: fn(book_id, item_no) for name, fn in _ITEM_USE.items()}
