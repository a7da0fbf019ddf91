"""The request id every audit row carries: from the HTTP request, or one per CLI command."""

from __future__ import annotations

import contextvars
import uuid

_request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("bondzone_request_id", default=None)


def current_request_id() -> str:
    rid = _request_id.get()
    if rid is None:
        rid = "local-" + uuid.uuid4().hex
        _request_id.set(rid)
    return rid


# the request id of every write `bondzone load-demo` makes: audit rows under it mark demo (synthetic) figures
DEMO_REQUEST_ID = "demo-load"


def set_request_id(rid: str | None) -> contextvars.Token:
    return _request_id.set(rid or uuid.uuid4().hex)


def reset_request_id(token: contextvars.Token) -> None:
    _request_id.reset(token)
