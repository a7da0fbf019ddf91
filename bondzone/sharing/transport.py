"""How a webhook body leaves the machine: one POST, no redirects followed, a short timeout. Tests replace
`send` (or point a subscription at a local stub server with private targets allowed)."""

from __future__ import annotations

import socket
import urllib.error
import urllib.request
from urllib.parse import urlsplit

from .domain.webhooks import address_allowed


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):  # a redirect is an answer, not a hop
        return None


_opener = urllib.request.build_opener(_NoRedirects)


def resolves_to_allowed(url: str) -> bool:
    """Every address the URL's host resolves to is a public one (checked again at each attempt)."""
    parts = urlsplit(url)
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or (443 if parts.scheme == "https" else 80),
                                   proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError):
        return False
    return bool(infos) and all(address_allowed(info[4][0]) for info in infos)


def send(url: str, body: bytes, headers: dict[str, str], *, timeout: float) -> tuple[int | None, str]:
    """POST the body; (status code, "") for any HTTP answer, (None, error text) when there was none."""
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with _opener.open(request, timeout=timeout) as response:
            return response.status, ""
    except urllib.error.HTTPError as exc:
        return exc.code, str(exc.reason)[:500]
    except (urllib.error.URLError, OSError, ValueError) as exc:
        return None, str(getattr(exc, "reason", exc))[:500]
