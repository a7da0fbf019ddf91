"""Roles and the function-level permissions each holds (ASVS 8.1.1: documented, in code).

Data-level rules (which rows a role sees) live in each app's `scopes.py`; this module only says
which *actions* a role may attempt at all. docs/authorization.md is generated from the same table.
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    ENTERPRISE = "enterprise"  # 区内企业用户: sees only its own enterprise
    CUSTOMS = "customs"  # 海关关员: supervises books and lists in its zone
    ZONE_ADMIN = "zone_admin"  # 综保区管理机构: its zone's enterprises, read-only on books
    TAX = "tax"  # 税务: read-only on books and lists (domestic-sale taxes)
    MARKET = "market"  # 市场监管: the enterprise registry
    COMMERCE = "commerce"  # 市商务局 / 两区办: policy tasks and evaluation
    PLATFORM_ADMIN = "platform_admin"  # runs the platform: everything
    GATE = "gate"  # 卡口 hardware: one user per gate, reports vehicles through the gate API only


ALL_ROLES = tuple(Role)

# action -> roles allowed to attempt it
PERMISSIONS: dict[str, frozenset[Role]] = {
    "core.view_enterprise": frozenset(ALL_ROLES),
    "core.add_enterprise": frozenset({Role.ZONE_ADMIN, Role.MARKET, Role.PLATFORM_ADMIN}),
    "core.change_enterprise": frozenset({Role.ZONE_ADMIN, Role.MARKET, Role.PLATFORM_ADMIN}),
    "core.set_credit_class": frozenset({Role.CUSTOMS, Role.PLATFORM_ADMIN}),
    "core.view_audit": frozenset(
        {Role.CUSTOMS, Role.ZONE_ADMIN, Role.PLATFORM_ADMIN, Role.ENTERPRISE, Role.TAX, Role.MARKET, Role.COMMERCE}
    ),
    "core.manage_calendar": frozenset({Role.ZONE_ADMIN, Role.PLATFORM_ADMIN}),
    "supervision.view_book": frozenset(
        {Role.ENTERPRISE, Role.CUSTOMS, Role.ZONE_ADMIN, Role.TAX, Role.PLATFORM_ADMIN}
    ),
    "supervision.add_book": frozenset({Role.CUSTOMS, Role.PLATFORM_ADMIN}),
    "supervision.add_item": frozenset({Role.CUSTOMS, Role.PLATFORM_ADMIN}),
    "supervision.add_list": frozenset({Role.ENTERPRISE, Role.PLATFORM_ADMIN}),
    "supervision.submit_list": frozenset({Role.ENTERPRISE, Role.PLATFORM_ADMIN}),
    "supervision.delete_list": frozenset({Role.ENTERPRISE, Role.PLATFORM_ADMIN}),
    "supervision.approve_list": frozenset({Role.CUSTOMS, Role.PLATFORM_ADMIN}),
    "supervision.reject_list": frozenset({Role.CUSTOMS, Role.PLATFORM_ADMIN}),
    "supervision.reverse_list": frozenset({Role.CUSTOMS, Role.PLATFORM_ADMIN}),
    "supervision.export": frozenset(
        {Role.ENTERPRISE, Role.CUSTOMS, Role.ZONE_ADMIN, Role.TAX, Role.PLATFORM_ADMIN}
    ),
}


def allowed(role: Role | str | None, action: str) -> bool:
    if role is None:
        return False
    if action not in PERMISSIONS:
        raise KeyError(f"unknown action {action!r}: add it to PERMISSIONS")
    return Role(role) in PERMISSIONS[action]


def register(action: str, roles: set[Role] | frozenset[Role]) -> None:
    """Apps add their own actions at import time (kept beside their services)."""
    PERMISSIONS[action] = frozenset(roles)


def role_actions(role: Role | str | None) -> list[str]:
    """Every action the role holds, sorted (what a token of one of its users may be limited to)."""
    return sorted(action for action in PERMISSIONS if allowed(role, action))
