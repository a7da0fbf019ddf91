"""Schemathesis over the whole OpenAPI document, in process, with an enterprise, a customs and a bureau
(commerce) token: no answer is a server error, and every answer matches its documented status and schema.

Bounded: BONDZONE_FUZZ_EXAMPLES examples per operation, mode and role (default 2: valid and invalid
requests), derandomized, so CI sends the same requests every run, in a few minutes; raise it locally for a
deeper run. The last line printed is the run's figures (docs/security.md)."""

from __future__ import annotations

import json
import os
import uuid

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

from bondzone.core.models import ApiToken

EXAMPLES = int(os.environ.get("BONDZONE_FUZZ_EXAMPLES", "2"))
ROLES = ("ent_a", "customs", "commerce")
CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance]


@pytest.fixture
def keep_connection():
    """The real WSGI handler closes the database connection after each request, which would end the test's
    transaction; Django's test client stops that the same way."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.fuzz
def test_no_server_error_and_answers_match_the_schema(world, keep_connection):
    app = get_wsgi_application()
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    tokens = {name: ApiToken.issue(world.users[name], "fuzz")[1] for name in ROLES}
    sent, statuses, failures = 0, {}, []

    for result in schema.get_all_operations():
        operation = result.ok()
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            @given(case=operation.as_strategy(generation_mode=mode))
            @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                      suppress_health_check=list(HealthCheck))
            def run(case):
                nonlocal sent
                for role in ROLES:
                    headers = {"Authorization": f"Bearer {tokens[role]}", "Idempotency-Key": uuid.uuid4().hex}
                    response = case.call(headers=headers)
                    sent += 1
                    statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
                    case.validate_response(response, checks=CHECKS, headers=headers)

            try:
                run()
            except Unsatisfiable:
                if mode is not GenerationMode.NEGATIVE:
                    raise
                # nothing in the operation can be made invalid (no parameters, or free text only)
            except Exception as exc:  # collect every operation's first failure, then report them all
                failures.append(f"{operation.label} [{mode.value}]: {str(exc)[:600]}")

    server_errors = sum(n for code, n in statuses.items() if code >= 500)
    print(json.dumps({"requests": sent, "server_errors": server_errors, "failures": len(failures),
                      "statuses": dict(sorted(statuses.items()))}))
    assert failures == [], "\n\n".join(failures)
    assert server_errors == 0
