"""Model rows read and written by hand-written SQL on hot paths (the approval's list lock, the gate's
decision): the ORM's own conversions and preparations, without compiling a queryset per call."""

from __future__ import annotations

from functools import lru_cache

from django.db import connection
from django.db.models import Model


def converters(fields) -> list:
    """Per field, the backend and field converters the ORM would apply to a raw column value."""
    out = []
    for f in fields:
        col = f.get_col(f.model._meta.db_table)
        out.append((col, connection.ops.get_db_converters(col) + col.get_db_converters(connection)))
    return out


def convert(field_converters, values) -> list:
    out = []
    for (col, fns), value in zip(field_converters, values, strict=True):
        for fn in fns:
            value = fn(value, col, connection)
        out.append(value)
    return out


@lru_cache(maxsize=32)
def _instance_plan(model: type[Model], vendor: str) -> tuple[list, list[str], str]:
    fields = model._meta.concrete_fields
    return converters(fields), [f.attname for f in fields], ", ".join(
        f"{{alias}}.{connection.ops.quote_name(f.column)}" for f in fields)


def columns(model: type[Model], alias: str) -> str:
    """The model's concrete columns, in field order, qualified by `alias` (for `instance`)."""
    return _instance_plan(model, connection.vendor)[2].format(alias=alias)


def instance(model: type[Model], values) -> Model:
    """A model instance from the values of `columns(model, …)`, as a queryset would build it."""
    conv, attnames, _ = _instance_plan(model, connection.vendor)
    return model.from_db(connection.alias, attnames, convert(conv, values))


@lru_cache(maxsize=32)
def _insert_sql(model: type[Model], vendor: str) -> tuple[list, str]:
    q = connection.ops.quote_name
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    return fields, (f"INSERT INTO {q(model._meta.db_table)} ({', '.join(q(f.column) for f in fields)}) "
                    f"VALUES ({', '.join(['%s'] * len(fields))}) RETURNING {q(model._meta.pk.column)}")


def insert_parts(obj: Model) -> tuple[str, list]:
    """The INSERT … RETURNING id of a new instance and its parameters (the fields' own pre_save, e.g.
    auto_now_add, and database preparation), for `insert` or a larger statement of the caller's."""
    fields, sql = _insert_sql(type(obj), connection.vendor)
    return sql, [f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields]


def inserted(obj: Model, pk) -> Model:
    """`obj`, inserted by the caller's statement as `pk`, marked saved."""
    obj.pk = pk
    obj._state.adding = False
    obj._state.db = connection.alias
    return obj


def insert(obj: Model) -> Model:
    """Insert a new instance by one INSERT … RETURNING instead of Model.save's machinery: only for models
    no signal listens to."""
    sql, params = insert_parts(obj)
    with connection.cursor() as cur:
        cur.execute(sql, params)
        return inserted(obj, cur.fetchone()[0])
