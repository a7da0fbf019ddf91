"""Permission matrix of the duties pages and API (read by tests/permissions/test_matrix.py).

A quotation writes nothing and every logged-in role may compute one; the bodies are valid documents, so
every role gets 200 and the anonymous visitor 401 / a redirect to the login page."""

from __future__ import annotations

from ..permissions.matrix import Rule

QUOTE = {"lines": [{"hs_code": "8471300000", "quantity": "1", "unit": "001", "customs_value": "1000.00",
                    "tariff": {"ad_valorem": "0.10"}, "vat_rate": "0.13"}]}

PAGES = {
    "duties:quote": Rule("list"),
}
API = {
    "POST /api/v1/duties/quote": Rule("list", body="duty_quote"),
}
BODIES = {
    "duty_quote": lambda w, o: QUOTE,
}
