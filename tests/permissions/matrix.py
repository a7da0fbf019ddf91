"""What every role may do on every endpoint. The matrix test walks the URL resolver and the OpenAPI
document and fails on any page or operation that has no entry here (or in another app's matrix)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Rule:
    """How an endpoint answers.

    kind:  "public"  anyone, logged in or not, gets `ok`
           "list"    any logged-in user gets `ok` (rows are scoped, never refused)
           "action"  needs permission `action`; else 403
           "object"  reads an object of enterprise A or B; invisible → 404
           "write"   needs `action` (else 403) and, if `object` is set, visibility of that object (else 404)
    """

    kind: str
    action: str | None = None
    object: str | None = None  # which fixture object the path or body refers to
    ok: frozenset[int] = field(default_factory=lambda: frozenset({200}))
    method: str = "GET"
    body: str | None = None  # name of a body builder in test_matrix.BODIES
    anonymous: int | None = None  # override the anonymous answer


OK_WRITE = frozenset({200, 201, 204, 302, 400, 409})

# The matrix users and their roles (the `world` fixture in tests/conftest.py creates them).
ROLE_OF = {"admin": "platform_admin", "customs": "customs", "customs_a": "customs", "zone_a": "zone_admin",
           "tax": "tax", "market": "market", "commerce": "commerce", "ent_a": "enterprise", "ent_b": "enterprise"}


def can(username: str, action: str) -> bool:
    """Whether the matrix user's role holds the permission, read from the platform's role table."""
    from bondzone.core.domain.roles import PERMISSIONS, Role

    return Role(ROLE_OF[username]) in PERMISSIONS[action]


def spec_answer(spec: tuple, username: str | None, target: str, visible: dict) -> set[int]:
    """The answer an app matrix's (kind, action, object, ok) row expects. Kinds: "public"; "page…" (login
    redirect for the anonymous) or "api…" (401); "page-obj-first" (the view loads the object, then the service
    checks the action);
    otherwise the action, then the object in scope. `visible` maps (object, target) to the users who see it."""
    kind, action, obj, ok = spec
    if kind == "public":
        return set(ok)
    if username is None:
        return {302} if kind.startswith("page") else {401}
    seen = obj is None or username in visible[(obj, target)]
    if kind == "page-obj-first":
        if not seen:
            return {404}
        return set(ok) if can(username, action) else {403}
    return action_then_object(username, action, seen, ok)


def action_then_object(username: str, action: str | None, visible: bool, ok) -> set[int]:
    """The answer to a logged-in user of an endpoint that checks the role's permission first, then looks
    the object up in the user's scope."""
    if action and not can(username, action):
        return {403}
    return set(ok) if visible else {404}

# Page URL names (Django resolver) -> rule. Path parameters are filled from the fixture objects.
PAGES: dict[str, Rule] = {
    "home": Rule("list", ok=frozenset({302}), anonymous=200),  # a visitor gets the public landing page
    "tokens": Rule("list"),  # each user's own API tokens
    "login": Rule("public", ok=frozenset({200, 302})),
    "logout": Rule("public", method="POST", ok=frozenset({302})),
    "set_language": Rule("public", method="POST", ok=frozenset({302})),
    "javascript-catalog": Rule("public"),
    "supervision:dashboard": Rule("list", ok=frozenset({200, 302})),
    "supervision:books": Rule("list"),
    "supervision:book": Rule("object", object="book"),
    "supervision:stock-as-of": Rule("object", object="book"),
    "supervision:item-create": Rule("write", action="supervision.add_item", object="book"),
    "supervision:item-edit": Rule("write", action="supervision.add_item", object="book"),
    # the matrix book is a T book: its processing kind is refused, the page shows why
    "supervision:book-processing-kind": Rule("write", action="supervision.add_book", object="book", method="POST",
                                             ok=frozenset({302})),
    "supervision:account": Rule("object", object="account"),
    "supervision:lists": Rule("list"),
    "supervision:list-create": Rule("action", action="supervision.add_list"),
    "supervision:list-line-row": Rule("action", action="supervision.add_list"),
    "supervision:list-line-info": Rule("action", action="supervision.add_list"),
    "supervision:list-trade-modes": Rule("action", action="supervision.add_list"),
    "supervision:list-import": Rule("action", action="supervision.add_list"),
    "supervision:list-import-template": Rule("action", action="supervision.add_list"),
    "supervision:list": Rule("object", object="list"),
    # the matrix list is approved: its edit page sends back to the list, its copy is refused with a message
    "supervision:list-edit": Rule("write", action="supervision.add_list", object="list", ok=frozenset({302})),
    "supervision:list-copy": Rule("write", action="supervision.add_list", object="list", method="POST",
                                  ok=frozenset({302})),
    "supervision:list-action": Rule("write", action="supervision.approve_list", object="list", method="POST",
                                    ok=OK_WRITE),
    "supervision:queue": Rule("action", action="supervision.approve_list"),
    "supervision:queue-approve": Rule("write", action="supervision.approve_list", method="POST",
                                      ok=frozenset({302})),
    "sharing:audit": Rule("action", action="core.view_audit"),
}

# "METHOD /api/v1/path/{param}" -> rule
API: dict[str, Rule] = {
    "GET /api/v1/me": Rule("list"),
    "GET /api/v1/zones": Rule("list"),
    "GET /api/v1/enterprises": Rule("list"),
    "GET /api/v1/enterprises/{enterprise_id}": Rule("object", object="enterprise", action="core.view_enterprise"),
    "POST /api/v1/enterprises": Rule("write", action="core.add_enterprise", ok=OK_WRITE, body="enterprise"),
    "PATCH /api/v1/enterprises/{enterprise_id}": Rule("write", action="core.set_credit_class", object="enterprise",
                                                      ok=OK_WRITE, body="credit_class"),
    "GET /api/v1/enterprises/{enterprise_id}/history": Rule("object", object="enterprise"),
    "GET /api/v1/books": Rule("list"),
    "POST /api/v1/books": Rule("write", action="supervision.add_book", ok=OK_WRITE, body="book"),
    "GET /api/v1/books/{book_id}": Rule("object", object="book"),
    "PATCH /api/v1/books/{book_id}": Rule("write", action="supervision.add_book", object="book", ok=OK_WRITE,
                                          body="processing_kind"),
    "GET /api/v1/books/{book_id}/items": Rule("object", object="book"),
    "POST /api/v1/books/{book_id}/items": Rule("write", action="supervision.add_item", object="book", ok=OK_WRITE,
                                               body="item"),
    # the matrix item has movements: its unit stays (400), nothing is written
    "PATCH /api/v1/books/{book_id}/items/{item_no}": Rule("write", action="supervision.add_item", object="book",
                                                          ok=OK_WRITE, body="item_change"),
    "GET /api/v1/books/{book_id}/stock": Rule("object", object="book"),
    "GET /api/v1/accounts": Rule("list"),
    "GET /api/v1/accounts/{account_id}/movements": Rule("object", object="account"),
    "GET /api/v1/lists": Rule("list"),
    "POST /api/v1/lists": Rule("write", action="supervision.add_list", object="book", ok=OK_WRITE, body="list"),
    "POST /api/v1/lists/import": Rule("write", action="supervision.add_list", object="book", ok=OK_WRITE,
                                      body="import"),
    "GET /api/v1/lists/{list_id}": Rule("object", object="list"),
    "DELETE /api/v1/lists/{list_id}": Rule("write", action="supervision.delete_list", object="list", ok=OK_WRITE),
    "POST /api/v1/lists/{list_id}/submit": Rule("write", action="supervision.submit_list", object="list", ok=OK_WRITE),
    "POST /api/v1/lists/{list_id}/approve": Rule("write", action="supervision.approve_list", object="list",
                                                 ok=OK_WRITE),
    "POST /api/v1/lists/{list_id}/reject": Rule("write", action="supervision.reject_list", object="list",
                                                ok=OK_WRITE, body="reason"),
    "POST /api/v1/lists/{list_id}/reverse": Rule("write", action="supervision.reverse_list", object="list",
                                                 ok=OK_WRITE, body="reason"),
    "POST /api/v1/lists/{list_id}/withdraw": Rule("write", action="supervision.withdraw_list", object="list",
                                                  ok=OK_WRITE),
    "POST /api/v1/lists/{list_id}/pass": Rule("write", action="supervision.pass_goods", object="list", ok=OK_WRITE,
                                              body="pass"),
    "POST /api/v1/lists/{list_id}/cancel": Rule("write", action="supervision.cancel_list", object="list",
                                                ok=OK_WRITE, body="reason"),
    "GET /api/v1/lists/{list_id}/reservations": Rule("object", object="list"),
    "PUT /api/v1/lists/{list_id}": Rule("write", action="supervision.add_list", object="list", ok=OK_WRITE,
                                        body="correct"),
    "POST /api/v1/lists/{list_id}/change": Rule("write", action="supervision.change_list", object="list",
                                                ok=OK_WRITE, body="change"),
    "GET /api/v1/exports/balances": Rule("action", action="supervision.export"),
    "GET /api/v1/exports/movements": Rule("action", action="supervision.export"),
    "GET /api/v1/audit-events": Rule("action", action="core.view_audit"),
}

# The API's own documentation pages are public.
PUBLIC_API_DOC_NAMES = {"api:openapi-json", "api:openapi-view"}

# collection -> (fixture object, who sees target A's and B's row), checked row by row per role (apps' matrices
# add theirs). Who sees what, by hand: enterprises their own; customs and the tax bureau all books; customs and
# zone staff of zone A (customs_a, zone_a) zone A's; market supervision and commerce enterprises but no books.
_BOOKS = {"A": {"admin", "customs", "customs_a", "zone_a", "tax", "ent_a"}, "B": {"admin", "customs", "tax", "ent_b"}}
_ZONE_STAFF = {"A": {"admin", "customs", "customs_a", "zone_a", "ent_a"}, "B": {"admin", "customs", "ent_b"}}
COLLECTIONS = {
    "/api/v1/books": ("book", _BOOKS),
    "/api/v1/lists": ("list", _BOOKS),
    "/api/v1/accounts": ("account", _BOOKS),
    "/api/v1/enterprises": ("enterprise", {
        "A": {"admin", "customs", "customs_a", "zone_a", "tax", "market", "commerce", "ent_a"},
        "B": {"admin", "customs", "tax", "market", "commerce", "ent_b"}}),
    # the audit trail: a list's events go where its book goes (never to market supervision or commerce), an
    # enterprise record's events to everyone who reads the registry
    "/api/v1/audit-events?object_type=supervision.verificationlist": ("list_event", _BOOKS),
    "/api/v1/audit-events?object_type=core.enterprise": ("enterprise_event", {
        "A": {"admin", "customs", "customs_a", "zone_a", "tax", "market", "commerce", "ent_a"},
        "B": {"admin", "customs", "tax", "market", "commerce", "ent_b"}}),
    "/api/v1/audit-events?object_type=supervision.accountbook": ("book_event", _BOOKS),
    # the gate's and the service desk's events: the enterprise, its zone's staff, customs — not tax (which reads
    # books, lists, domestic sales, tax bills and the registry), market supervision or commerce
    "/api/v1/audit-events?object_type=gate.slip": ("gate_event", _ZONE_STAFF),
    "/api/v1/audit-events?object_type=servicedesk.servicerequest": ("servicedesk_event", _ZONE_STAFF),
}

# A collection whose rows carry no `id` names the field its rows are told apart by (apps' matrices add theirs
# as ROW_KEYS: path -> a function of a row); the fixture object is then that key itself.

# Reference collections: rows of no tenant, read alike by every role that may read them (all logged-in users,
# or with `public` anyone) -> (row key, public, fixture object every reader sees, fixture object no reader
# sees: a draft or another tenant's row). Apps' matrices add theirs as REFERENCE.
REFERENCE = {
    "/api/v1/zones": ("id", False, "platform_zone", None),
    "/api/v1/calendar/years": ("year", False, None, None),
}

# Collections whose rows are figures computed over the caller's scoped rows (rates, conversion), not rows of
# their own: neither row-checked nor reference. Anything else in the OpenAPI document that returns a list or a
# page must be in COLLECTIONS or REFERENCE.
AGGREGATES = {"/api/v1/servicedesk/rates", "/api/v1/servicedesk/promotion/conversion"}


def third_enterprise(world):
    """Target C: a second enterprise of zone A (TZ), with its own enterprise user `ent_c` (not a matrix user):
    zone A's staff see its rows, enterprise A never does."""
    from bondzone.core.domain.roles import Role
    from bondzone.core.models import Enterprise
    from bondzone.core.services import create_user

    from ..conftest import PASSWORD

    ent, made = Enterprise.objects.get_or_create(credit_code="91110105MA00C0NE3G", defaults={
        "name": "企业丙", "customs_code": "1101960003", "zone": world.zone_a})
    if made:
        world.users["ent_c"] = create_user(username="ent_c", password=PASSWORD, role=Role.ENTERPRISE, enterprise=ent)
    return ent
