"""Every use of the duty engine by the web, the API and the CLI goes through here."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from bondzone.core.actor import Actor
from bondzone.core.domain.errors import DomainError

from .domain import quote_io


def quote(actor: Actor, document: Any) -> dict[str, Any]:
    """Compute a quotation from the JSON document of `bondzone duty quote`; writes nothing."""
    actor.require("duties.quote")
    req, problems = quote_io.parse(document, today=timezone.localdate())
    if problems:
        raise DomainError(problems)
    result, assessed, problems = quote_io.evaluate(req)
    if problems:
        raise DomainError(problems)
    return quote_io.render(req, result, assessed)
