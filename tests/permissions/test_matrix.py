"""Every page and every API operation, for every role and two enterprises (A in zone TZ, B in zone DX).

Fails when an endpoint has no entry in a matrix (tests/permissions/matrix.py or an app's
tests/<app>/matrix.py), so a new endpoint cannot ship without its permission rule."""

from __future__ import annotations

import importlib
import json
import pkgutil
import uuid
from urllib.parse import parse_qsl

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from bondzone.api import api
from bondzone.core import audit
from bondzone.core.models import AuditEvent, Enterprise
from bondzone.core.services import update_enterprise
from bondzone.supervision.models import AccountBook, BookItem, StockAccount, StockEntry, VerificationList

from ..conftest import PASSWORD, post_list
from . import matrix as base_matrix

USERS = ["admin", "customs", "customs_a", "zone_a", "tax", "market", "commerce", "ent_a", "ent_b"]

# Who sees the objects of enterprise A (zone TZ) and B (zone DX), written out by hand as the spec.
VISIBLE = {
    ("supervision", "A"): {"admin", "customs", "customs_a", "zone_a", "tax", "ent_a"},
    ("supervision", "B"): {"admin", "customs", "tax", "ent_b"},
    ("core", "A"): {"admin", "customs", "customs_a", "zone_a", "tax", "market", "commerce", "ent_a"},
    ("core", "B"): {"admin", "customs", "tax", "market", "commerce", "ent_b"},
}
OBJECT_DOMAIN = {"enterprise": "core", "book": "supervision", "account": "supervision", "list": "supervision"}


def all_matrices():
    """The base matrix plus every tests/<app>/matrix.py."""
    import tests

    pages, apis, extras = dict(base_matrix.PAGES), dict(base_matrix.API), []
    for mod in pkgutil.iter_modules(tests.__path__):
        if mod.ispkg and mod.name != "permissions":
            try:
                m = importlib.import_module(f"tests.{mod.name}.matrix")
            except ModuleNotFoundError:
                continue
            pages.update(getattr(m, "PAGES", {}))
            apis.update(getattr(m, "API", {}))
            extras.append(m)
    return pages, apis, extras


def page_patterns():
    """(qualified name, parameter names) for every named page URL, API routes excluded."""
    out = {}

    def walk(patterns, ns, prefix):
        for p in patterns:
            if isinstance(p, URLResolver):
                sub_ns = ns + [p.namespace] if p.namespace else ns
                walk(p.url_patterns, sub_ns, prefix + str(p.pattern))
            elif isinstance(p, URLPattern) and p.name:
                name = ":".join(ns + [p.name])
                route = prefix + str(p.pattern)
                if route.startswith("api/v1/") and name not in base_matrix.PUBLIC_API_DOC_NAMES:
                    continue
                out[name] = list(p.pattern.converters) if hasattr(p.pattern, "converters") else []

    walk(get_resolver().url_patterns, [], "")
    return out


def api_operations():
    schema = api.get_openapi_schema()
    return {f"{method.upper()} {path}" for path, ops in schema["paths"].items() for method in ops}


def test_every_endpoint_has_a_rule():
    pages, apis, _ = all_matrices()
    missing_pages = sorted(set(page_patterns()) - set(pages) - base_matrix.PUBLIC_API_DOC_NAMES)
    missing_api = sorted(api_operations() - set(apis))
    assert missing_pages == [], f"pages without a permission rule: {missing_pages}"
    assert missing_api == [], f"API operations without a permission rule: {missing_api}"
    assert not (set(apis) - api_operations()), "rules for operations that no longer exist"


@pytest.fixture
def objects(world):
    """For each enterprise: its enterprise row, book, an account, an approved inbound list whose reversal
    would overdraw (so a permitted reverse answers 400 and writes nothing) and a submitted one (the approval
    queue's row)."""
    from bondzone.supervision import services as ledger

    from ..conftest import key

    out = {}
    for target, user, book, ent in (("A", "ent_a", world.book_a, world.ent_a), ("B", "ent_b", world.book_b, world.ent_b)):
        vlist = post_list(world, direction="I", lines=[(1, "5")], book=book, enterprise_user=user)
        post_list(world, direction="E", lines=[(1, "5")], book=book, enterprise_user=user)
        submitted = ledger.create_list(actor=world.actor(user), book_id=book.pk, idempotency_key=key(), data={
            "direction": "I", "trade_mode": "5034",
            "lines": [{"item_no": 1, "quantity": "1", "unit": "007", "goods_status": "bonded", "value": "1.00"}]})
        ledger.submit_list(actor=world.actor(user), list_id=submitted.pk, idempotency_key=key())
        update_enterprise(actor=world.actor("admin"), enterprise_id=ent.pk, changes={"name_en": f"Enterprise {target}"})
        out[target] = {"enterprise": ent, "platform_zone": ent.zone, "book": book, "list": vlist, "item_no": "1",
                       "submitted": submitted,
                       "account": StockAccount.objects.get(book=book, item__item_no=1),
                       "list_event": AuditEvent.objects.filter(object_type="supervision.verificationlist",
                                                               object_id=str(vlist.pk)).latest("id"),
                       "enterprise_event": AuditEvent.objects.filter(object_type="core.enterprise",
                                                                     object_id=str(ent.pk)).latest("id"),
                       "book_event": AuditEvent.objects.filter(object_type="supervision.accountbook",
                                                               object_id=str(book.pk)).latest("id"),
                       # as the gate and the service desk record them: an inspection whose reason names the
                       # credit class, a filed request (their own matrices test the objects themselves)
                       "gate_event": audit.record(world.actor("customs"), "slip.inspect", object_type="gate.slip",
                                                  object_id=ent.pk, enterprise_id=ent.pk, zone_id=ent.zone_id,
                                                  after={"reason": "credit class: dishonest"}),
                       "servicedesk_event": audit.record(world.actor(user), "servicedesk.request.file",
                                                         object_type="servicedesk.servicerequest", object_id=ent.pk,
                                                         enterprise_id=ent.pk, zone_id=ent.zone_id)}
    return out


def snapshot(extras=()):
    """Row counts of the shared tables and the state a write could change without adding rows (a list's status,
    an enterprise's record, a book's processing kind, an item's units), the audit trail's count last; plus
    whatever each app's matrix adds with its own snapshot()."""
    state = (tuple(VerificationList.objects.order_by("pk").values_list("status", "remarks")),
             tuple(Enterprise.objects.order_by("pk").values_list("name", "name_en", "customs_credit_class")),
             tuple(AccountBook.objects.order_by("pk").values_list("processing_kind")),
             tuple(BookItem.objects.order_by("pk").values_list("declared_unit", "legal_unit", "name_zh")))
    base = (*(m.objects.count() for m in (Enterprise, AccountBook, BookItem, VerificationList, StockEntry)), state,
            AuditEvent.objects.count())
    return (base, *(extra.snapshot() for extra in extras if hasattr(extra, "snapshot")))


def _written(before, extras) -> bool:
    """Whether the tables the snapshot watches changed since `before`, the audit trail's row count aside."""
    after = snapshot(extras)
    return (before[0][:-1], *before[1:]) != (after[0][:-1], *after[1:])


BODIES = {
    "enterprise": lambda w, o: {"name": "X", "credit_code": "bad", "customs_code": "bad", "zone_id": w.zone_a.pk},
    "credit_class": lambda w, o: {"customs_credit_class": "AAA"},
    "book": lambda w, o: {"enterprise_id": o["enterprise"].pk, "number": "T0000W999999", "kind": "T",
                          "valid_from": "2025-01-01", "valid_until": "2024-01-01"},
    "processing_kind": lambda w, o: {"processing_kind": "imported"},  # the matrix book is a T book: refused
    "item": lambda w, o: {"item_no": 1, "hs_code": "8471300001", "name_zh": "x", "declared_unit": "007",
                          "legal_unit": "007"},
    "item_change": lambda w, o: {"declared_unit": "035"},
    "list": lambda w, o: {"book_id": o["book"].pk, "direction": "I", "trade_mode": "5034",
                          "lines": [{"item_no": 1, "quantity": "-1", "unit": "007"}]},
    "reason": lambda w, o: {"reason": "x"},
    "pass": lambda w, o: {},
    "correct": lambda w, o: {"direction": "I", "trade_mode": "5034",
                             "lines": [{"item_no": 1, "quantity": "-1", "unit": "007"}]},
    "change": lambda w, o: {"changes": {"remarks": "x"}, "reason": "x"},
}


def expected(rule, username, target, world) -> set[int]:
    if username is None:
        if rule.kind == "public":
            return set(rule.ok)
        return {rule.anonymous} if rule.anonymous else ({401} if rule.api else {302})
    actor = world.actor(username)
    if rule.kind in ("public", "list"):
        return set(rule.ok)
    if rule.kind in ("action", "write") and rule.action and not actor.can(rule.action):
        return {403}
    if rule.object and username not in VISIBLE[(OBJECT_DOMAIN.get(rule.object, "supervision"), target)]:
        return {404}
    return set(rule.ok)


def request(client, rule, path, body, is_api):
    headers = {"HTTP_IDEMPOTENCY_KEY": uuid.uuid4().hex}
    method = rule.method
    if body == "import":
        return client.post(path, {"book_id": body_obj["book"].pk, "file": SimpleUploadedFile("x.csv", b"\xff\xfe")},
                           **headers)
    if method == "GET":
        return client.get(path)
    if is_api and isinstance(body, dict) and body.get("multipart"):  # form fields and files
        form = {k: v for k, v in body.items() if k != "multipart"}
        for v in form.values():
            if hasattr(v, "seek"):
                v.seek(0)
        return client.post(path, form, **headers)
    if is_api:
        data = json.dumps(body) if body is not None else None
        return client.generic(method, path, data or "", content_type="application/json", **headers)
    return client.post(path, {"idempotency_key": headers["HTTP_IDEMPOTENCY_KEY"], **(body or {})}, **headers)


body_obj = {}


def _clients(world):
    clients = {None: Client()}
    for name in USERS:
        c = Client()
        assert c.login(username=name, password=PASSWORD)
        clients[name] = c
    return clients


def _check(clients, world, objs, label, rule, build_path, is_api, extras):
    failures = []
    rule = _with_api_flag(rule, is_api)
    targets = ["A", "B"] if rule.object else ["A"]
    for target in targets:
        o = objs[target]
        body_obj.clear()
        body_obj.update(o)
        builders = dict(BODIES)
        for extra in extras:
            builders.update(getattr(extra, "BODIES", {}))  # an app's matrix may bring its own bodies
        body = builders[rule.body](world, o) if rule.body and rule.body in builders else None
        if rule.body == "import":
            body = "import"
        path = build_path(o)
        for username in [None, *USERS]:
            want = expected(rule, username, target, world)
            for extra in extras:
                hook = getattr(extra, "expected", None)
                if hook:
                    want = hook(label, rule, username, target, world, want)
            before = snapshot(extras) if rule.method != "GET" else None
            events = AuditEvent.objects.count()
            response = request(clients[username], rule, path, body, is_api)
            if response.status_code not in want:
                failures.append(f"{label} [{target}] as {username}: {response.status_code}, want {sorted(want)}")
            if rule.method != "GET" and AuditEvent.objects.count() == events and _written(before, extras):
                # a write leaves its audit row, in its own transaction: a service that forgot it fails here
                failures.append(f"{label} [{target}] as {username}: {response.status_code}, wrote without an audit row")
            # refused or bad input (4xx) writes nothing; so does any request an app's matrix lists in
            # NO_WRITES (its body is bad, even where a page answers with a redirect and a flashed error)
            must_not_write = response.status_code in (400, 401, 403, 404, 409) or any(
                label in getattr(extra, "NO_WRITES", ()) for extra in extras)
            if rule.method != "GET" and must_not_write and snapshot(extras) != before:
                failures.append(f"{label} [{target}] as {username}: {response.status_code} but wrote something")
    return failures


class _ApiRule:
    def __init__(self, rule, is_api):
        self._rule, self.api = rule, is_api

    def __getattr__(self, name):
        return getattr(self._rule, name)


def _with_api_flag(rule, is_api):
    return _ApiRule(rule, is_api)


def _path_values(o, gate):
    values = {"enterprise_id": o["enterprise"].pk, "book_id": o["book"].pk, "account_id": o["account"].pk,
              "list_id": o["list"].pk}
    for extra_key, extra_val in o.items():
        values.setdefault(f"{extra_key}_id", getattr(extra_val, "pk", extra_val))
        if isinstance(extra_val, str):  # a plain path parameter, e.g. <int:year> or {code}
            values.setdefault(extra_key, extra_val)
    if gate and "gate_zone" in o:  # the gate's zone is a platform zone, not an evaluated one
        values["zone_id"] = o["gate_zone"].pk
    return values


def _page_path(name, params, o):
    values = {"action": "approve", **_path_values(o, gate=name.startswith("gate:"))}
    return reverse(name, kwargs={p: values[p] for p in params})


def _api_path(op, o):
    path = op.split(" ", 1)[1]
    for k, v in _path_values(o, gate=path.startswith("/api/v1/gate/")).items():
        path = path.replace("{" + k + "}", str(v))
    return path


def _add_app_objects(world, objects, extras):
    """Apps' matrices may add their own fixture objects for targets A and B."""
    for extra in extras:
        if hasattr(extra, "objects"):
            for target, objs in extra.objects(world).items():
                objects.setdefault(target, {}).update(objs)


def test_pages_answer_every_role_as_the_matrix_says(world, objects):
    pages, _, extras = all_matrices()
    _add_app_objects(world, objects, extras)
    clients = _clients(world)
    failures = []
    for name, params in sorted(page_patterns().items()):
        if name in base_matrix.PUBLIC_API_DOC_NAMES:
            rule = base_matrix.Rule("public")
        elif name not in pages:
            continue  # reported by test_every_endpoint_has_a_rule
        else:
            rule = pages[name]
        failures += _check(clients, world, objects, name, rule, lambda o, n=name, p=params: _page_path(n, p, o),
                           False, extras)
        if name == "logout":
            clients = _clients(world)  # everyone was just logged out
    assert failures == [], "\n".join(failures)


def test_api_answers_every_role_as_the_matrix_says(world, objects):
    _, apis, extras = all_matrices()
    _add_app_objects(world, objects, extras)
    clients = _clients(world)
    failures = []
    for op in sorted(api_operations() & set(apis)):
        rule = base_matrix.Rule(**{**apis[op].__dict__, "method": op.split(" ")[0]})
        failures += _check(clients, world, objects, op, rule, lambda o, op=op: _api_path(op, o), True, extras)
    assert failures == [], "\n".join(failures)


def test_enterprise_lists_never_show_another_enterprise(world, objects):
    for username, own, other in (("ent_a", objects["A"], objects["B"]), ("ent_b", objects["B"], objects["A"])):
        c = Client()
        c.login(username=username, password=PASSWORD)
        for path, pk in (("/api/v1/books", own["book"].pk), ("/api/v1/lists", own["list"].pk),
                         ("/api/v1/accounts", own["account"].pk), ("/api/v1/enterprises", own["enterprise"].pk)):
            ids = {row["id"] for row in c.get(path + "?limit=500").json()["items"]}
            assert pk in ids
            other_pk = other[{"books": "book", "lists": "list", "accounts": "account", "enterprises": "enterprise"}[
                path.rsplit("/", 1)[1]]].pk
            assert other_pk not in ids, (username, path)
        body = c.get("/api/v1/exports/balances?format=json").content.decode()
        assert other["book"].number not in body and own["book"].number in body
        audit = c.get("/api/v1/audit-events?limit=500").json()["items"]
        assert audit and all(e["enterprise_id"] == own["enterprise"].pk for e in audit)


def merged(extras, name: str) -> dict:
    """The base matrix's table `name` updated with each app matrix's."""
    out = dict(getattr(base_matrix, name, {}))
    for extra in extras:
        out.update(getattr(extra, name, {}))
    return out


def rows_of(response):
    """The rows of a collection's answer (a page's `items` or a plain list); None unless 200."""
    body = response.json() if response.status_code == 200 else None
    return body["items"] if isinstance(body, dict) and "items" in body else body


def _row_keys(path, rows, row_keys):
    return {row_keys.get(path.partition("?")[0], lambda row: row["id"])(row) for row in rows}


def test_every_collection_shows_each_role_exactly_its_rows(world, objects):
    """Each collection endpoint, as every matrix user: each target's row (A and B, and in some collections C,
    a second enterprise of zone A) appears exactly for the users who may see them (customs and zone staff of
    zone A included), whatever else the collection holds; a user who may not read the collection gets 403.
    Rows without an `id` are told apart by their natural key (ROW_KEYS)."""
    _, _, extras = all_matrices()
    _add_app_objects(world, objects, extras)
    collections, row_keys = merged(extras, "COLLECTIONS"), merged(extras, "ROW_KEYS")
    assert len(collections) >= 43
    clients = _clients(world)
    failures = []
    for path, (key, visible, *narrow) in sorted(collections.items()):
        base, _, fixed = path.partition("?")
        params = {"limit": 500, **dict(parse_qsl(fixed)), **(narrow[0](objects) if narrow else {})}
        for username in USERS:
            response = clients[username].get(base, params)
            rows = rows_of(response)
            if rows is None:
                if response.status_code != 403 or any(username in visible[t] for t in visible):
                    failures.append(f"{path} as {username}: {response.status_code}")
                continue
            ids = _row_keys(path, rows, row_keys)
            for target in visible:
                shown, want = _key_of(objects[target][key], "pk") in ids, username in visible[target]
                if shown != want:
                    failures.append(f"{path} as {username}: {target}'s {key} {'shown' if shown else 'missing'}")
    assert failures == [], "\n".join(failures)


def _key_of(obj, field):
    """A fixture object's row key: the object itself when it is the key (a code, a number)."""
    return obj if isinstance(obj, (str, int, tuple)) else getattr(obj, field)


def test_reference_collections_show_every_reader_the_same_rows(world, objects):
    """A reference collection holds no tenant's rows: every user who may read it (with `public`, the
    anonymous too) gets the same row keys, including the fixture's shared row and never its draft or
    another tenant's row; a user who may not read it gets 401 / 403."""
    _, _, extras = all_matrices()
    _add_app_objects(world, objects, extras)
    reference = merged(extras, "REFERENCE")
    clients = _clients(world)
    failures = []
    for path, (field, public, shared, hidden) in sorted(reference.items()):
        seen = {}
        for username in [None, *USERS]:
            response = clients[username].get(path, {"limit": 500})
            rows = rows_of(response)
            if rows is None:
                if public or username is not None or response.status_code != 401:
                    failures.append(f"{path} as {username}: {response.status_code}")
                continue
            seen[username] = keys = {row[field] for row in rows}
            for target in "AB":
                if shared and _key_of(objects[target][shared], field) not in keys:
                    failures.append(f"{path} as {username}: {target}'s {shared} missing")
                if hidden and _key_of(objects[target][hidden], field) in keys:
                    failures.append(f"{path} as {username}: {target}'s {hidden} shown")
        if not any(seen.values()):
            failures.append(f"{path}: no rows to compare")
        differing = sorted((u or "anonymous") for u, keys in seen.items() if keys != seen.get("admin"))
        if differing:
            failures.append(f"{path}: rows differ from the admin's for {differing}")
    assert failures == [], "\n".join(failures)


def collection_operations() -> set[str]:
    """Paths of the OpenAPI document's GETs without a path parameter whose answer is a list or a page."""
    schema = json.loads(json.dumps(api.get_openapi_schema()))  # the response codes as strings
    components = schema["components"]["schemas"]

    def resolved(node):
        while "$ref" in node:
            node = components[node["$ref"].rsplit("/", 1)[1]]
        return node

    out = set()
    for path, operations in schema["paths"].items():
        content = operations.get("get", {}).get("responses", {}).get("200", {}).get("content", {})
        body = resolved(content.get("application/json", {}).get("schema", {}))
        if "{" not in path and (body.get("type") == "array" or "items" in body.get("properties", {})):
            out.add(path)
    return out


def test_every_collection_endpoint_is_row_checked_or_reference():
    """A new collection endpoint fails here until it is row-checked (COLLECTIONS) or declared reference data
    (REFERENCE, checked for sameness) or an aggregate (AGGREGATES)."""
    _, _, extras = all_matrices()
    checked = {p.partition("?")[0] for p in merged(extras, "COLLECTIONS")}
    reference, aggregates = set(merged(extras, "REFERENCE")), base_matrix.AGGREGATES
    found = collection_operations()
    assert len(found) >= 49
    assert sorted(found - checked - reference - aggregates) == [], "collections neither row-checked nor reference"
    assert not (checked & reference) and not (aggregates & (checked | reference))
    assert sorted((checked | reference | aggregates) - found) == [], "entries for collections that do not exist"


# list page -> (fixture object, its detail page — or, for rows that link none, what marks the row in the page, or
# the several marks of a page listing the object in more than one table —, the API collection whose visibility
# it shares[, the page's own visibility where it differs, for targets A, B and C]): a row shows as a link to the
# object's page. A page name may carry a query, formatted with the target's object as `obj`, that narrows a long
# list to the target's row (the page shows 50 rows).
PAGE_COLLECTIONS = {
    "supervision:books": ("book", "supervision:book", "/api/v1/books"),
    "supervision:lists": ("list", "supervision:list", "/api/v1/lists"),
    "gate:slips": ("slip", "gate:slip", "/api/v1/gate/slips"),
    "governance:issues": ("issue", "governance:issue", "/api/v1/governance/issues"),
    "servicedesk:index": ("request", "servicedesk:request", "/api/v1/servicedesk/requests"),
    "duties:guarantees": ("guarantee", "duties:guarantee", "/api/v1/duties/guarantees"),
    "duties:regimes": ("regime", "duties:regime", "/api/v1/duties/regimes"),
    "cbec:orders": ("order", "cbec:order", "/api/v1/cbec/orders"),
    "governance:index": ("task", "governance:task", "/api/v1/governance/tasks"),
    "governance:notices": ("notice", "governance:notice", "/api/v1/governance/notices"),
    "servicedesk:knowledge": ("article", "servicedesk:article", "/api/v1/servicedesk/knowledge"),
    "servicedesk:promotion": ("project", "servicedesk:project", "/api/v1/servicedesk/projects"),
    "sharing:notifications": ("delivery", "sharing:delivery", "/api/v1/sharing/notifications"),
    "processing:index": ("hbook", "processing:book", "/api/v1/books"),
    "duties:domestic-sales": ("sale", "duties:domestic-sale", "/api/v1/duties/domestic-sales"),
    "duties:tax-bills": ("bill", "duties:tax-bill", "/api/v1/duties/tax-bills"),
    "governance:lists": ("annual_list", "governance:list", "/api/v1/governance/annual-lists"),
    "evaluation:zones": ("zone", "evaluation:zone", "/api/v1/evaluation/zones"),
    "evaluation:frameworks": ("framework", "evaluation:framework", "/api/v1/evaluation/frameworks"),
    # enterprises are sent to the public ranking, which links no run: the runs page is staff's
    "evaluation:index": ("run", "evaluation:run", "/api/v1/evaluation/runs", {
        "A": {"admin", "customs", "customs_a", "zone_a", "tax", "market", "commerce"},
        "B": {"admin", "customs", "customs_a", "zone_a", "tax", "market", "commerce"}}),
    # a row per (task, unit) not signed for, linking the task: customs is a member of A's co-unit
    "governance:unsigned": ("task", "governance:task", "/api/v1/governance/unsigned", {
        "A": {"admin", "commerce", "zone_a", "customs"}, "B": {"admin", "commerce"}}),
    "gate:door": ("door_passage", lambda d: f"<td>{d.reference}</td>", "/api/v1/gate/door-passages"),
    "cbec:consolidations": ("consolidation", lambda c: f'href="{reverse("supervision:list", args=[c.vlist_id])}"',
                            "/api/v1/cbec/consolidations"),
    "cbec:settlements": ("settlement", lambda s: f"<tr><td>{s.enterprise.name}</td><td>{s.period_from:%Y-%m-%d} – "
                                                 f"{s.period_to:%Y-%m-%d}</td>", "/api/v1/cbec/settlements"),
    "servicedesk:promotion-events": ("promotion_event", lambda e: f"<td>{e.title}",
                                     "/api/v1/servicedesk/promotion-events"),
    "sharing:subscriptions": ("subscription", lambda s: f"<tr><td>{s.name}</td>", "/api/v1/sharing/subscriptions"),
    # applications to register (no API collection): zone A's administration its zone's, market supervision all
    "servicedesk:registrations": ("registration", "servicedesk:registration", None, {
        "A": {"admin", "zone_a", "market"}, "B": {"admin", "market"}}),
    # the ledger office's worklist: tasks without a deadline, each linking the task
    "governance:office": ("undated", "governance:task", "/api/v1/governance/deadlines/missing"),
    "governance:print": ("task", lambda t: f'data-task="{t.pk}"', "/api/v1/governance/tasks"),
    "evaluation:values?series={obj.series}&year={obj.year}": (
        "value", lambda v: f'<tr><td><a href="{reverse("evaluation:zone", args=[v.zone_id])}">',
        "/api/v1/evaluation/values"),
    # lists submitted, not yet approved: customs (and its staff of zone A) approve them
    "supervision:queue": ("submitted", "supervision:list", None, {
        "A": {"admin", "customs", "customs_a"}, "B": {"admin", "customs"}}),
    # each user's own API tokens, the administrator's everyone's (C: a token of customs of zone A)
    "tokens": ("token", lambda t: f"<tr><td>{t.name}</td><td>{t.user.username}</td>", None, {
        "A": {"admin", "ent_a"}, "B": {"admin", "ent_b"}, "C": {"admin", "customs_a"}}),
    # enterprises' members go where the registry goes (C: a member of a second enterprise of zone A)
    "servicedesk:members": ("member", lambda m: f"<tr><td>{m.user.username}</td><td>{m.enterprise.name}</td>", None, {
        "A": VISIBLE[("core", "A")], "B": VISIBLE[("core", "B")], "C": VISIBLE[("core", "A")] - {"ent_a"}}),
    # the gate officer's screen and its htmx feed: the latest passages, each linking its slip, for the gate's
    # staff (the passages' readers but the enterprises)
    **{name: ("passage", lambda p: f'href="{reverse("gate:slip", args=[p.slip_id])}"', "/api/v1/gate/passages", {
        "A": {"admin", "customs", "customs_a", "zone_a"}, "B": {"admin", "customs"}})
       for name in ("gate:screen", "gate:screen-feed")},
    # an agency's scheduled exports (their pause button) and their runs (a download link)
    "sharing:exports": ("export_run", lambda r: (f'action="{reverse("sharing:export-action", args=[r.schedule_id, "pause"])}"',
                                                 f'href="{reverse("sharing:export-download", args=[r.pk])}"'),
                        "/api/v1/sharing/subscriptions"),
    # the audit trail as its API twin, narrowed to the target event (object, action, user): its history link
    **{f"sharing:audit?object_type={object_type}&object_id={{obj.object_id}}&action={{obj.action}}"
       f"&user={{obj.actor_name}}": (key, lambda e: f'href="?object_type={e.object_type}&amp;object_id={e.object_id}"',
                                     f"/api/v1/audit-events?object_type={object_type}")
       for object_type, key in (("supervision.verificationlist", "list_event"), ("core.enterprise", "enterprise_event"),
                                ("supervision.accountbook", "book_event"), ("gate.slip", "gate_event"),
                                ("servicedesk.servicerequest", "servicedesk_event"))},
}
# list page -> (who is sent elsewhere, the page they land on); everyone else gets the list page itself
PAGE_REDIRECTS = {"evaluation:index": ({"ent_a", "ent_b"}, "evaluation:public")}

# The pages without a path parameter answering GET that list no tenant's rows, each with why. Every other such
# page is in PAGE_COLLECTIONS.
_FORM, _DOWNLOAD, _SUMMARY, _REFERENCE = ("a form", "a download of a row-checked list (its API twin's rows)",
                                          "figures, not rows", "reference rows, the same for every reader")
PAGES_WITHOUT_ROWS = {
    "login": _FORM, "servicedesk:register": _FORM, "supervision:list-create": _FORM,
    "supervision:list-import": _FORM, "supervision:list-import-template": _FORM, "duties:domestic-new": _FORM,
    "duties:regime-open": _FORM, "duties:quote": _FORM, "gate:slip-create": _FORM, "governance:import": _FORM,
    "servicedesk:article-new": _FORM, "servicedesk:create": _FORM, "servicedesk:project-new": _FORM,
    "supervision:list-line-info": "a form fragment: one book item, looked up in scope",
    "supervision:list-line-row": "a form fragment: an empty list line",
    "supervision:list-trade-modes": "a form fragment: the trade modes of one book, looked up in scope",
    "duties:guarantees-export": _DOWNLOAD, "duties:regimes-export": _DOWNLOAD, "governance:export": _DOWNLOAD,
    "governance:assessment-export": _DOWNLOAD, "servicedesk:promotion-export": _DOWNLOAD,
    "sharing:audit-export": _DOWNLOAD, "evaluation:values-export": _DOWNLOAD,
    "home": "sends each user to their dashboard", "supervision:dashboard": _SUMMARY,
    "governance:leadership": _SUMMARY, "governance:assessment": _SUMMARY, "servicedesk:rates": _SUMMARY,
    "calendar": _REFERENCE, "duties:rates": _REFERENCE, "duties:fx": _REFERENCE, "servicedesk:categories": _REFERENCE,
    "servicedesk:guides": _REFERENCE, "governance:public": _REFERENCE, "evaluation:public": _REFERENCE,
    "sharing:agency-index": "the datasets the role may open (sharing:agency lists their rows)",
    "sharing:index": "the parts of sharing the role may open, with its agency's counts (its own rows, counted)",
    "governance:my-unit": "sends a unit's member to the unit's page (an object page)",
    "javascript-catalog": "the translations",
}


def test_every_list_page_is_row_checked_or_declared():
    """A new page without a path parameter fails here until it is row-checked (PAGE_COLLECTIONS) or declared
    as listing no tenant's rows (PAGES_WITHOUT_ROWS)."""
    pages, _, _ = all_matrices()
    listing = {name for name, params in page_patterns().items()
               if not params and name in pages and pages[name].method == "GET"}
    checked = {entry.partition("?")[0] for entry in PAGE_COLLECTIONS}
    assert sorted(listing - checked - set(PAGES_WITHOUT_ROWS)) == [], "pages neither row-checked nor declared"
    assert sorted((checked | set(PAGES_WITHOUT_ROWS)) - listing) == [], \
        "declared pages that do not exist (or do not answer GET)"
    assert not checked & set(PAGES_WITHOUT_ROWS), "a page both row-checked and declared without rows"


def test_every_list_page_shows_each_role_exactly_its_rows(world, objects):
    """The list pages as every matrix user: a row (a link to the object, or its marks) of target A and B, and C
    where the visibility names one, appears exactly for the users who may see it; a page the role may not open
    shows nothing."""
    _, _, extras = all_matrices()
    _add_app_objects(world, objects, extras)
    collections = dict(base_matrix.COLLECTIONS)
    for extra in extras:
        collections.update(getattr(extra, "COLLECTIONS", {}))
    clients = _clients(world)
    failures = []
    for entry, (key, detail, api_path, *own) in sorted(PAGE_COLLECTIONS.items()):
        page_name, _, query = entry.partition("?")
        visible = own[0] if own else collections[api_path][1]
        sent, landing = PAGE_REDIRECTS.get(page_name, ((), page_name))
        for username in USERS:
            answers = {}
            for target in visible:
                obj = objects[target][key]
                params = (("per_page", "100"), *parse_qsl(query.format(obj=obj)))
                if params not in answers:
                    answers[params] = clients[username].get(reverse(page_name), dict(params), follow=True)
                response = answers[params]
                body = response.content.decode() if response.status_code == 200 else ""
                markers = detail(obj) if callable(detail) else f'href="{reverse(detail, args=[obj.pk])}"'
                for marker in [markers] if isinstance(markers, str) else markers:
                    shown, want = marker in body, username in visible[target]
                    if shown != want:
                        failures.append(f"{entry} as {username}: {target}'s {key} {'shown' if shown else 'missing'}"
                                        f" ({response.status_code}, {marker})")
            if page_name in PAGE_REDIRECTS:
                lands = response.request["PATH_INFO"] if response.status_code == 200 else None
                if lands != reverse(landing if username in sent else page_name):
                    failures.append(f"{page_name} as {username}: {response.status_code} at {lands}")
    assert failures == [], "\n".join(failures)


def test_filters_naming_another_tenants_objects_show_nothing_of_theirs(world, objects):
    """Every GET page and API operation without a path parameter (lists, exports, downloads, htmx fragments),
    asked with each filter naming enterprise B's objects — its enterprise, zone, book, list — by the users of
    zone A who may not see B (its enterprise, the zone's administration and customs): B's name and book number
    appear nowhere in the answer, whatever the filter."""
    _, _, extras = all_matrices()
    _add_app_objects(world, objects, extras)
    b = objects["B"]
    filters = {"enterprise_id": b["enterprise"].pk, "enterprise": b["enterprise"].pk, "zone_id": world.zone_b.pk,
               "zone": world.zone_b.pk, "book_id": b["book"].pk, "book": b["book"].pk, "list_id": b["list"].pk,
               "list": b["list"].pk}
    marks = (b["enterprise"].name, b["book"].number)
    paths = {path for path in collection_operations() | {p for p in (op.split(" ", 1)[1] for op in api_operations()
                                                                     if op.startswith("GET ")) if "{" not in p}}
    paths |= {reverse(name) for name, params in page_patterns().items()
              if not params and name not in ("logout", "set_language") and name not in base_matrix.PUBLIC_API_DOC_NAMES}
    clients = _clients(world)
    failures = []
    for username in ("ent_a", "zone_a", "customs_a"):
        assert username not in VISIBLE[("core", "B")] | VISIBLE[("supervision", "B")]
        for path in sorted(paths):
            for fmt in ("csv", "json") if "export" in path else ("",):
                response = clients[username].get(path, {**filters, **({"format": fmt} if fmt else {})})
                if response.status_code != 200:
                    continue
                body = response.content.decode("utf-8", "replace")
                shown = [m for m in marks if m in body]
                if shown:
                    failures.append(f"{path} {fmt} as {username}: shows {shown}")
    # the same filters do find B's rows for a user who sees them: the marks are the ones the answers carry
    seen = clients["customs"].get("/api/v1/exports/balances", {**filters, "format": "csv"}).content.decode("utf-8-sig")
    assert b["book"].number in seen
    assert failures == [], "\n".join(failures)
