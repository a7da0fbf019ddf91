"""The events other agencies can subscribe to, and which agency may receive which."""

from __future__ import annotations

ENTERPRISE_REGISTERED = "enterprise.registered"
ENTERPRISE_CHANGED = "enterprise.changed"
LIST_APPROVED = "list.approved"
REGIME_OVERDUE = "regime.overdue"
REQUEST_ESCALATED = "request.escalated"

KINDS = (ENTERPRISE_REGISTERED, ENTERPRISE_CHANGED, LIST_APPROVED, REGIME_OVERDUE, REQUEST_ESCALATED)

# role -> the event kinds it may subscribe to (what its field policy and scoping let it read anyway)
RECEIVES: dict[str, frozenset[str]] = {
    "platform_admin": frozenset(KINDS),
    "customs": frozenset({ENTERPRISE_REGISTERED, ENTERPRISE_CHANGED, LIST_APPROVED, REGIME_OVERDUE}),
    "tax": frozenset({ENTERPRISE_REGISTERED, ENTERPRISE_CHANGED, LIST_APPROVED}),
    "market": frozenset({ENTERPRISE_REGISTERED, ENTERPRISE_CHANGED}),
    # the zone administration may not read regimes (duties.view_regimes), so it is not told of overdue ones
    "zone_admin": frozenset(KINDS) - {REGIME_OVERDUE},
    "commerce": frozenset({ENTERPRISE_REGISTERED, ENTERPRISE_CHANGED, REQUEST_ESCALATED}),
}

AGENCY_ROLES = tuple(r for r in RECEIVES if r != "platform_admin")


def kinds_for(role: str | None) -> frozenset[str]:
    return RECEIVES.get(str(role or ""), frozenset())


def reports_visible_change(changed: list[str] | tuple[str, ...] | None, visible: tuple[str, ...]) -> bool:
    """An "enterprise changed" event matters to an agency only if a field it may see changed (a change of
    the customs credit class alone is not news to market supervision, and it must not learn of it)."""
    return any(f in visible for f in changed or ())
