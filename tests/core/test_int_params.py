"""Every integer parameter of the API (a query filter, a page, a limit, a year, a path id) is a core.types Int: read
from the OpenAPI document, so a new one is covered without a list here. "1_000", full-width digits, `true` and a
number no column can hold are each a 400 on that parameter, never a 500 nor read as a number."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from bondzone.api import api
from tests.conftest import PASSWORD

BAD = ["1_000", "１２", "true", str(10**30)]


def _is_integer(schema: dict) -> bool:
    return schema.get("type") == "integer" or any(s.get("type") == "integer" for s in schema.get("anyOf", []))


def _int_params() -> list[tuple[str, str, str]]:
    """(path, where, name) of each integer parameter of a GET operation (path or query)."""
    out = []
    for path, operations in api.get_openapi_schema()["paths"].items():
        op = operations.get("get")
        for param in (op or {}).get("parameters", []):
            if _is_integer(param["schema"]):
                out.append((path, param["in"], param["name"]))
    return out


INT_PARAMS = _int_params()


def _url(path: str, bad_name: str | None = None, bad: str = "") -> str:
    def fill(m):
        return bad if m.group(1) == bad_name else "1"
    return re.sub(r"\{(\w+)\}", fill, path)


def _all_int_schemas():
    for path, operations in api.get_openapi_schema()["paths"].items():
        for method, op in operations.items():
            for param in op.get("parameters", []):
                if _is_integer(param["schema"]):
                    yield f"{method.upper()} {path} {param['name']}", param["schema"]


def test_every_integer_parameter_states_its_bounds():
    """core.types.Int names both bounds in the document; a bare `int` names none."""
    def bounded(schema):
        return any("minimum" in s and "maximum" in s for s in [schema, *schema.get("anyOf", [])])
    assert [name for name, schema in _all_int_schemas() if not bounded(schema)] == []


@pytest.mark.parametrize("limit", ["0", "501"])
def test_the_movements_limit_is_a_page_size(world, limit):
    from bondzone.supervision.models import StockAccount

    client = Client()
    assert client.login(username="admin", password=PASSWORD)
    account = StockAccount.objects.first()
    r = client.get(f"/api/v1/accounts/{account.pk if account else 1}/movements", {"limit": limit})
    assert r.status_code == 400 and [e["field"] for e in r.json()["errors"]] == ["limit"]


def test_the_walk_finds_the_parameters():
    found = {(p, where, name) for p, where, name in INT_PARAMS}
    assert ("/api/v1/open311/requests.json", "query", "page_size") in found
    assert ("/api/v1/books/{book_id}", "path", "book_id") in found
    assert ("/api/v1/lists", "query", "limit") in found


@pytest.mark.parametrize("path, where, name", INT_PARAMS)
def test_an_integer_parameter_refuses_what_is_not_an_ascii_integer_in_range(world, path, where, name):
    client = Client()
    assert client.login(username="admin", password=PASSWORD)
    for bad in BAD:
        if where == "path":
            r = client.get(_url(path, name, bad))
        else:
            r = client.get(_url(path), {name: bad})
        assert r.status_code == 400, (path, name, bad, r.status_code, r.content[:300])
        fields = [e["field"] for e in r.json()["errors"]]
        assert name in fields, (path, name, bad, fields)


def test_the_refusal_is_in_the_readers_language(world):
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert client.login(username="admin", password=PASSWORD)
    r = client.get("/api/v1/open311/requests.json", {"page": "１２"})
    [error] = r.json()["errors"]
    assert (error["field"], error["code"]) == ("page", "not_an_integer") and "整数" in error["message"]


def _write_path_params() -> list[tuple[str, str, str]]:
    out = []
    for path, operations in api.get_openapi_schema()["paths"].items():
        for method, op in operations.items():
            if method != "get":
                out += [(method, path, p["name"]) for p in op.get("parameters", [])
                        if p["in"] == "path" and _is_integer(p["schema"])]
    return out


@pytest.mark.parametrize("method, path, name", _write_path_params())
def test_an_integer_path_parameter_of_a_write_is_refused_too(world, method, path, name):
    client = Client()
    assert client.login(username="admin", password=PASSWORD)
    for bad in BAD:
        r = getattr(client, method)(_url(path, name, bad), "{}", content_type="application/json")
        assert r.status_code == 400, (method, path, name, bad, r.status_code, r.content[:300])
        assert name in [e["field"] for e in r.json()["errors"]]
