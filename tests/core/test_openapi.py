"""The OpenAPI document: one schema per name, error answers documented on every operation."""

from __future__ import annotations

from collections import defaultdict

from ninja import Schema

from bondzone.api import api


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def test_one_schema_class_per_name():
    by_name = defaultdict(set)
    for cls in _subclasses(Schema):
        if cls.__module__.startswith("bondzone."):
            by_name[cls.__name__].add(f"{cls.__module__}.{cls.__qualname__}")
    assert {n: c for n, c in by_name.items() if len(c) > 1} == {}


def test_every_operation_documents_its_error_answers():
    schema = api.get_openapi_schema()
    assert {"Error", "FieldError"} <= set(schema["components"]["schemas"])
    for path, operations in schema["paths"].items():
        for method, op in operations.items():
            assert {"400", "404", "409"} <= set(op["responses"]), (method, path)
            if op.get("security"):
                assert {"401", "403"} <= set(op["responses"]), (method, path)
            if method in ("post", "put", "patch", "delete"):
                assert "413" in op["responses"], (method, path)
