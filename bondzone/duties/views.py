"""Pages of the duties part. Thin: parse the request, call one service, render."""

from __future__ import annotations

import json

from django.shortcuts import render

from bondzone.core.domain.errors import DomainError, problem
from bondzone.core.web import actor, errors_of, page

from . import services

EXAMPLE = {"declared_on": "2026-05-12", "lines": [
    {"hs_code": "3304100010", "quantity": "100", "unit": "035", "customs_value": "20000.00",
     "tariff": {"ad_valorem": "0.05"}, "consumption_tax": {"ad_valorem": "0.15"}, "vat_rate": "0.13"}]}


@page
def quote(request):
    """A quotation: the JSON document of `bondzone duty quote` in, the taxes per line and declaration out."""
    text = request.POST.get("document") if request.method == "POST" else json.dumps(EXAMPLE, indent=1)
    result, errors = None, []
    if request.method == "POST":
        try:
            try:
                document = json.loads(text or "")
            except json.JSONDecodeError as exc:
                raise DomainError(problem("document", "invalid", message=str(exc))) from None
            result = services.quote(actor(request), document)
        except DomainError as exc:
            if exc.status == 403:
                raise
            errors = errors_of(exc)
    return render(request, "duties/quote.html", {"document": text, "result": result, "errors": errors},
                  status=400 if errors else 200)
