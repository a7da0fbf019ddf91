"""The events other agencies can subscribe to, and which agency may receive which."""

from __future__ import annotations

ENTERPRISE_REGISTERED = "enterprise.registered"
LIST_APPROVED = "list.approved"
REQUEST_ESCALATED = "request.escalated"

KINDS = (ENTERPRISE_REGISTERED, LIST_APPROVED, REQUEST_ESCALATED)

# role -> the event kinds it may subscribe to (what its field policy and scoping let it read anyway)
RECEIVES: dict[str, frozenset[str]] = {
    "platform_admin": frozenset(KINDS),
    "customs": frozenset({ENTERPRISE_REGISTERED, LIST_APPROVED}),
    "tax": frozenset({ENTERPRISE_REGISTERED, LIST_APPROVED}),
    "market": frozenset({ENTERPRISE_REGISTERED}),
    "zone_admin": frozenset(KINDS),
    "commerce": frozenset({ENTERPRISE_REGISTERED, REQUEST_ESCALATED}),
}

AGENCY_ROLES = tuple(r for r in RECEIVES if r != "platform_admin")


def kinds_for(role: str | None) -> frozenset[str]:
    return RECEIVES.get(str(role or ""), frozenset())
