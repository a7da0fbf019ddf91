"""REST endpoints of the duties part (/api/v1/duties/): thin wrappers over the services."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Body, Router

from bondzone.core.http import actor

from . import services

router = Router(tags=["duties"])


@router.post("/quote", response=dict[str, Any], summary="Tariff, consumption tax and VAT for a quotation document")
def quote(request: HttpRequest, payload: Any = Body(...)):
    return services.quote(actor(request), payload)
