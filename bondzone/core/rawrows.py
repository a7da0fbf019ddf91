"""Model rows read and written by hand-written SQL on hot paths (the approval's list lock, the gate's
decision): the ORM's own conversions and preparations, without compiling a queryset per call."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache

from django.db import connection
from django.db.backends.utils import CursorWrapper
from django.db.models import Model


@contextmanager
def prepared_cursor() -> Iterator[CursorWrapper]:
    """A cursor for a hot path's fixed statements. On PostgreSQL it binds parameters on the server, so the
    connection prepares a statement after `prepare_threshold` runs (settings: BONDZONE_DB_PREPARE_THRESHOLD)
    and stops planning it anew: the gate's statements cost more to plan than to run. Logged, wrapped and
    closed as `connection.cursor()` is; elsewhere it is that cursor."""
    if connection.vendor != "postgresql":
        with connection.cursor() as cur:
            yield cur
        return
    from django.db.backends.postgresql.base import ServerBindingCursor

    connection.ensure_connection()
    with connection.wrap_database_errors:
        raw = ServerBindingCursor(connection.connection)
    with connection._prepare_cursor(raw) as cur:
        yield cur


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
def _insert_plan(model: type[Model], vendor: str) -> tuple[list, str, str]:
    q = connection.ops.quote_name
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    table_columns = f"{q(model._meta.db_table)} ({', '.join(q(f.column) for f in fields)})"
    return fields, table_columns, (f"INSERT INTO {table_columns} VALUES ({', '.join(['%s'] * len(fields))}) "
                                   f"RETURNING {q(model._meta.pk.column)}")


def _values(obj: Model, fields) -> list:
    """The fields' own pre_save (auto_now_add) and database preparation."""
    return [f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields]


def insert_parts(obj: Model) -> tuple[str, list]:
    """The INSERT … RETURNING id of a new instance and its parameters, for `insert` or a larger statement
    of the caller's (mark the instance saved with `inserted`)."""
    fields, _, sql = _insert_plan(type(obj), connection.vendor)
    return sql, _values(obj, fields)


def insert_select_parts(obj: Model, expressions: dict[str, str]) -> tuple[str, str, list]:
    """A new instance as (`table (columns)`, its values, their parameters) for `INSERT INTO {table_columns}
    SELECT {values} FROM …` inside a larger statement: a `%s` per column, or the SQL expression given
    for a field (e.g. the id of a row the same statement inserts)."""
    fields, table_columns, _ = _insert_plan(type(obj), connection.vendor)
    params = _values(obj, [f for f in fields if f.name not in expressions])
    return table_columns, ", ".join(expressions.get(f.name, "%s") for f in fields), params


def inserted(obj: Model, pk) -> Model:
    """`obj`, inserted by the caller's statement as `pk`, marked saved."""
    obj.pk = pk
    obj._state.adding = False
    obj._state.db = connection.alias
    return obj


def insert_rows(objs: list[Model]) -> None:
    """Insert new instances of one model, their ids not read back: only for models no signal listens to.
    PostgreSQL: one COPY, its rows written by psycopg's C code (a multi-row INSERT of a write-off's 200 lines
    naming 92,000 documents spent ≈ 60 ms in psycopg splitting the statement and quoting its values).
    Elsewhere multi-row INSERTs, as many rows a statement as the backend takes parameters. Django's
    bulk_create compiles each value as an expression."""
    if not objs:
        return
    fields, table_columns, _ = _insert_plan(type(objs[0]), connection.vendor)
    if connection.vendor == "postgresql":
        with connection.cursor() as cur, connection.wrap_database_errors:
            with cur.cursor.copy(f"COPY {table_columns} FROM STDIN") as copy:
                for obj in objs:
                    copy.write_row(_values(obj, fields))
        return
    row = f"({', '.join(['%s'] * len(fields))})"
    per = (connection.features.max_query_params or len(objs) * len(fields)) // len(fields)
    with connection.cursor() as cur:
        for i in range(0, len(objs), per):
            chunk = objs[i:i + per]
            cur.execute(f"INSERT INTO {table_columns} VALUES {', '.join([row] * len(chunk))}",
                        [value for obj in chunk for value in _values(obj, fields)])


def insert(obj: Model) -> Model:
    """Insert a new instance by one INSERT … RETURNING instead of Model.save's machinery: only for models
    no signal listens to."""
    sql, params = insert_parts(obj)
    with connection.cursor() as cur:
        cur.execute(sql, params)
        return inserted(obj, cur.fetchone()[0])
