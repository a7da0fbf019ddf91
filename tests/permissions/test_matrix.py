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
    """For each enterprise: its enterprise row, book, an account and an approved inbound list whose
    reversal would overdraw (so a permitted reverse answers 400 and writes nothing)."""
    out = {}
    for target, user, book, ent in (("A", "ent_a", world.book_a, world.ent_a), ("B", "ent_b", world.book_b, world.ent_b)):
        vlist = post_list(world, direction="I", lines=[(1, "5")], book=book, enterprise_user=user)
        post_list(world, direction="E", lines=[(1, "5")], book=book, enterprise_user=user)
        update_enterprise(actor=world.actor("admin"), enterprise_id=ent.pk, changes={"name_en": f"Enterprise {target}"})
        out[target] = {"enterprise": ent, "book": book, "list": vlist,
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
    """Row counts of the shared tables, plus whatever each app's matrix adds with its own snapshot()."""
    base = tuple(m.objects.count() for m in (Enterprise, AccountBook, BookItem, VerificationList, StockEntry,
                                             AuditEvent))
    return (base, *(extra.snapshot() for extra in extras if hasattr(extra, "snapshot")))


BODIES = {
    "enterprise": lambda w, o: {"name": "X", "credit_code": "bad", "customs_code": "bad", "zone_id": w.zone_a.pk},
    "credit_class": lambda w, o: {"customs_credit_class": "AAA"},
    "book": lambda w, o: {"enterprise_id": o["enterprise"].pk, "number": "T0000W999999", "kind": "T",
                          "valid_from": "2025-01-01", "valid_until": "2024-01-01"},
    "processing_kind": lambda w, o: {"processing_kind": "imported"},  # the matrix book is a T book: refused
    "item": lambda w, o: {"item_no": 1, "hs_code": "8471300001", "name_zh": "x", "declared_unit": "007",
                          "legal_unit": "007"},
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
            response = request(clients[username], rule, path, body, is_api)
            if response.status_code not in want:
                failures.append(f"{label} [{target}] as {username}: {response.status_code}, want {sorted(want)}")
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
                objects[target].update(objs)


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


def test_every_collection_shows_each_role_exactly_its_rows(world, objects):
    """Each collection endpoint, as every matrix user: target A's and B's row appear exactly for the users
    who may see them (customs and zone staff of zone A included), whatever else the collection holds."""
    _, _, extras = all_matrices()
    _add_app_objects(world, objects, extras)
    collections = dict(base_matrix.COLLECTIONS)
    for extra in extras:
        collections.update(getattr(extra, "COLLECTIONS", {}))
    assert len(collections) >= 29
    clients = _clients(world)
    failures = []
    for path, (key, visible, *narrow) in sorted(collections.items()):
        base, _, fixed = path.partition("?")
        params = {"limit": 500, **dict(parse_qsl(fixed)), **(narrow[0](objects) if narrow else {})}
        for username in USERS:
            response = clients[username].get(base, params)
            body = response.json() if response.status_code == 200 else None
            rows = body["items"] if isinstance(body, dict) and "items" in body else body
            if rows is None:
                if any(username in visible[t] for t in "AB"):
                    failures.append(f"{path} as {username}: {response.status_code}")
                continue
            ids = {row["id"] for row in rows}
            for target in "AB":
                shown, want = objects[target][key].pk in ids, username in visible[target]
                if shown != want:
                    failures.append(f"{path} as {username}: {target}'s {key} {'shown' if shown else 'missing'}")
    assert failures == [], "\n".join(failures)


# list page -> (fixture object, its detail page, the API collection whose visibility it shares): a row shows
# as a link to the object's page
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
}


def test_every_list_page_shows_each_role_exactly_its_rows(world, objects):
    """The list pages as every matrix user: a row (a link to the object) of target A and B appears exactly
    for the users who may see it; a page the role may not open shows nothing."""
    _, _, extras = all_matrices()
    _add_app_objects(world, objects, extras)
    collections = dict(base_matrix.COLLECTIONS)
    for extra in extras:
        collections.update(getattr(extra, "COLLECTIONS", {}))
    clients = _clients(world)
    failures = []
    for page_name, (key, detail, api_path) in sorted(PAGE_COLLECTIONS.items()):
        visible = collections[api_path][1]
        for username in USERS:
            response = clients[username].get(reverse(page_name), {"per_page": 100}, follow=True)
            body = response.content.decode() if response.status_code == 200 else ""
            for target in "AB":
                obj = objects[target][key]
                href = reverse(detail, args=[obj.pk])
                shown, want = f'href="{href}"' in body, username in visible[target]
                if shown != want:
                    failures.append(f"{page_name} as {username}: {target}'s {key} {'shown' if shown else 'missing'}"
                                    f" ({response.status_code})")
    assert failures == [], "\n".join(failures)
