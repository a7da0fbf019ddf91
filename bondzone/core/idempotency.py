"""Idempotent writes: same key + same payload returns the first result and writes nothing;
same key + another payload is a 409 naming what differs."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import OperationalError, connection, transaction
from django.utils import timezone

from .actor import Actor
from .domain.errors import Conflict, DomainError, problem
from .models import IdempotencyRecord

MAX_KEY_LENGTH = 200


def canonical(payload: Any) -> Any:
    return json.loads(json.dumps(payload, sort_keys=True, default=str))


def payload_hash(payload: Any) -> str:
    return hashlib.sha256(json.dumps(canonical(payload), sort_keys=True).encode()).hexdigest()


def differences(old: Any, new: Any, path: str = "") -> list[str]:
    """Paths (like `lines[2].quantity`) where two JSON payloads differ; list items count from 1, as every
    refusal names them."""
    if isinstance(old, dict) and isinstance(new, dict):
        out: list[str] = []
        for key in sorted(set(old) | set(new)):
            sub = f"{path}.{key}" if path else str(key)
            if key not in old or key not in new:
                out.append(sub)
            else:
                out.extend(differences(old[key], new[key], sub))
        return out
    if isinstance(old, list) and isinstance(new, list):
        if len(old) != len(new):
            return [f"{path} (length {len(old)} → {len(new)})"]
        out = []
        for i, (a, b) in enumerate(zip(old, new, strict=True)):
            out.extend(differences(a, b, f"{path}[{i + 1}]"))
        return out
    return [] if old == new else [path or "payload"]


def check_key(key: str | None) -> str:
    key = (key or "").strip()
    if not key:
        raise DomainError(problem("Idempotency-Key", "idempotency_key_required"))
    if len(key) > MAX_KEY_LENGTH:
        raise DomainError(problem("Idempotency-Key", "idempotency_key_too_long", max=MAX_KEY_LENGTH))
    return key


def _replay(record: IdempotencyRecord, operation: str, payload: Any) -> dict:
    canon = canonical(payload)
    if record.operation != operation:
        raise Conflict(problem("Idempotency-Key", "idempotency_other_operation", operation=record.operation))
    if record.payload_hash != payload_hash(canon):
        diff = differences(record.payload, canon)
        raise Conflict(problem("Idempotency-Key", "idempotency_payload_differs", fields=", ".join(diff)))
    return record.result


@dataclass(frozen=True)
class Settled:
    """What `fn` may return when its result is known before its last step: the record is written with
    `result`, then `last` runs, so the rows `last` locks (a ledger's accounts) are held only for it and
    the commit."""

    result: dict
    last: Callable[[], None]


RETRYABLE_SQLSTATES = {"40001", "40P01"}  # serialization failure, deadlock detected
ATTEMPTS = 3


def _retryable(exc: OperationalError) -> bool:
    return getattr(exc.__cause__, "sqlstate", None) in RETRYABLE_SQLSTATES


def run(
    actor: Actor, key: str | None, operation: str, payload: Any, fn: Callable[[], dict | Settled], *,
    expected: dict | None = None,
) -> tuple[dict, bool]:
    """Run `fn` once per (user, key) in one durable transaction; returns (result, replayed).

    `expected`: the result `fn` is known to return when it succeeds (e.g. {"list_id": 7, "status":
    "approved"}); the record is then claimed with it and needs no second write, unless `fn` returns
    something else (then the record is updated as usual). If `fn` raises, the transaction — record
    included — rolls back either way.

    A transaction the database aborted as a deadlock or serialization failure is retried whole, so
    such an error never reaches the user (locks are taken in a fixed order, so this should be rare)."""
    key = check_key(key)
    canon = canonical(payload)
    digest = payload_hash(canon)  # computed before the transaction: SQLite holds its write lock inside
    for attempt in range(ATTEMPTS):
        try:
            return _run_once(actor, key, operation, canon, fn, digest=digest, expected=expected)
        except OperationalError as exc:
            if not _retryable(exc) or attempt == ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")


def _claim(user_id: int | None, key: str, operation: str, canon: Any, *, digest: str | None = None,
           result: dict | None = None) -> int | None:
    """Insert the record unless the key is taken; returns its id, or None when it exists already.

    ON CONFLICT DO NOTHING waits for a concurrent transaction holding the same key and then yields
    nothing, so a duplicate never raises; one statement instead of SELECT + SAVEPOINT + INSERT."""
    field = IdempotencyRecord._meta.get_field
    with connection.cursor() as cur:
        cur.execute(
            "INSERT INTO core_idempotencyrecord (user_id, key, operation, payload_hash, payload, result, created_at) "
            "VALUES (%s, %s, %s, %s, %s, %s, %s) ON CONFLICT (user_id, key) DO NOTHING RETURNING id",
            [
                user_id, key, operation, digest or payload_hash(canon),
                field("payload").get_db_prep_value(canon, connection),
                field("result").get_db_prep_value({} if result is None else result, connection),
                connection.ops.adapt_datetimefield_value(timezone.now()),
            ],
        )
        row = cur.fetchone()
    return row[0] if row else None


def _run_once(
    actor: Actor, key: str, operation: str, canon: Any, fn: Callable[[], dict | Settled], *,
    digest: str | None = None, expected: dict | None = None,
) -> tuple[dict, bool]:
    with transaction.atomic(durable=True):
        record_id = _claim(actor.user_id, key, operation, canon, digest=digest, result=expected)
        if record_id is None:
            existing = IdempotencyRecord.objects.get(user_id=actor.user_id, key=key)
            return _replay(existing, operation, canon), True
        result = fn()
        last = None
        if isinstance(result, Settled):
            result, last = result.result, result.last
        if expected is None or result != expected:
            with connection.cursor() as cur:
                cur.execute("UPDATE core_idempotencyrecord SET result = %s WHERE id = %s",
                            [IdempotencyRecord._meta.get_field("result").get_db_prep_value(result, connection),
                             record_id])
        if last is not None:
            last()
        return result, False
