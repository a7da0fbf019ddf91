"""Webhook rules: the signature, the retry schedule, and which target URLs are allowed."""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlsplit

SIGNATURE_HEADER = "X-BondZone-Signature"
EVENT_HEADER = "X-BondZone-Event"
DELIVERY_HEADER = "X-BondZone-Delivery"
MAX_ATTEMPTS = 6
FIRST_RETRY = timedelta(seconds=30)
LONGEST_WAIT = timedelta(hours=6)


def sign(secret: str, body: bytes, timestamp: int) -> str:
    """The signature header's value: "t=<unix seconds>,v1=<hex HMAC-SHA256 of '<t>.<body>' with the
    secret>". The receiver recomputes it and refuses a stale t (replays)."""
    mac = hmac.new(secret.encode(), str(timestamp).encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={mac}"


def fingerprint(secret: str) -> str:
    """What pages, the API and the audit trail show of a webhook secret after it was handed over once: the
    first 8 hex digits of its SHA-256 (the receiver can check it holds the current one; nobody can sign
    with it). Empty when there is no secret."""
    return hashlib.sha256(secret.encode()).hexdigest()[:8] if secret else ""


def verify(secret: str, body: bytes, header: str, *, now: int, tolerance: int = 300) -> bool:
    """A receiver's check (used by the tests and given to subscribers as the reference)."""
    parts = dict(p.split("=", 1) for p in header.split(",") if "=" in p)
    try:
        t = int(parts.get("t", ""))
    except ValueError:
        return False
    if abs(now - t) > tolerance:
        return False
    return hmac.compare_digest(sign(secret, body, t), header)


def backoff(attempts: int) -> timedelta:
    """The wait after the `attempts`-th failure: 30 s, 1 min, 2 min, 4 min … at most 6 h."""
    wait = FIRST_RETRY * (2 ** max(0, attempts - 1))
    return min(wait, LONGEST_WAIT)


def gives_up(attempts: int, max_attempts: int = MAX_ATTEMPTS) -> bool:
    return attempts >= max_attempts


@dataclass(frozen=True)
class Target:
    url: str
    host: str
    problem: str  # "" when allowed; else a message code


def parse_target(url: str, *, allow_private: bool) -> Target:
    """Whether a webhook URL is acceptable before any name is resolved: http(s) only, a host, no user
    info; when private targets are not allowed, https only and no literal loopback / private / link-local /
    reserved address and no "localhost". (The resolved addresses are checked by `address_allowed`.)"""
    text = (url or "").strip()
    try:
        parts = urlsplit(text)
        host = (parts.hostname or "").lower()
        parts.port  # noqa: B018 - a bad port raises ValueError
    except ValueError:
        return Target(text, "", "webhook_url_invalid")
    if parts.scheme not in ("http", "https") or not host or parts.username or parts.password or len(text) > 500:
        return Target(text, host, "webhook_url_invalid")
    if allow_private:
        return Target(text, host, "")
    if parts.scheme != "https":
        return Target(text, host, "webhook_url_not_https")
    if host == "localhost" or host.endswith(".localhost") or host.endswith(".local"):
        return Target(text, host, "webhook_url_private")
    try:
        ip = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return Target(text, host, "")
    return Target(text, host, "" if address_allowed(str(ip)) else "webhook_url_private")


def address_allowed(address: str) -> bool:
    """A resolved address a production webhook may reach: a global unicast address."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not (ip.is_loopback or ip.is_private or ip.is_link_local or ip.is_multicast
                                 or ip.is_reserved or ip.is_unspecified)
