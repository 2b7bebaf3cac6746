"""Schemathesis against the OpenAPI schema, once per role with seeded data: every operation
(GET, POST and DELETE), positive and negative generated input, with all of Schemathesis' checks.
No answer may be a 5xx or differ from the schema (status, content type, headers, body), and
input the schema forbids must be refused. Runs in-process through WSGI, no server.

One setting differs from the defaults, and why: ``positive_data_acceptance`` also accepts 400
and 429, because schema-valid input can still break a business rule the schema cannot state
(a policy that is not yours, a category not covered, a claim in the wrong state) and sign-in
attempts with generated names are rate-limited."""

from __future__ import annotations

import json
import time

import pytest
import schemathesis
from django.core.serializers.json import DjangoJSONEncoder
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import CHECKS, load_all_checks
from schemathesis.config import SchemathesisConfig

from config.wsgi import application
from tests.otp import api_token

MAX_EXAMPLES = 6
SECONDS_PER_ROLE = 60  # the negative pass stops here on a slow machine
CONFIG = {
    "checks": {
        "positive_data_acceptance": {
            "expected-statuses": ["2xx", "400", "401", "403", "404", "409", "429"],
        },
    },
}


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """The WSGI handler closes the database connection after each request; Django's test client
    disconnects that, and so must a test calling the WSGI app directly (the seeded rows live in
    the test's transaction)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def _schema():
    raw = SchemaGenerator().get_schema(request=None, public=True)
    schema = schemathesis.openapi.from_dict(json.loads(json.dumps(raw, cls=DjangoJSONEncoder)),
                                            config=SchemathesisConfig.from_dict(CONFIG))
    schema.app = application
    return schema


def _all_checks():
    load_all_checks()
    return CHECKS.get_all()


def _run(operation, mode, headers, checks, failures):
    @given(case=operation.as_strategy(generation_mode=mode))
    # Derandomized: the same examples on every run, so the CI is repeatable (run with a random
    # seed by hand, e.g. ``derandomize=False``, to explore further).
    @settings(max_examples=MAX_EXAMPLES, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    def check(case):
        response = case.call(headers=headers)
        assert response.status_code < 500, (
            f"{case.method} {case.formatted_path} {case.query}: {response.content[:300]!r}")
        case.validate_response(response, checks=checks, headers=headers)

    try:
        check()
    except Unsatisfiable:
        pass  # nothing in this operation can be made invalid (no parameters, free strings)
    except Exception as error:  # collect every operation's failure, then fail once
        failures.append(f"{operation.method.upper()} {operation.path} ({mode.value}): "
                        f"{str(error)[:1500]}")


@pytest.mark.parametrize("role", ["holder_a", "vendor_x", "adjuster", "anonymous"])
def test_every_operation_answers_as_documented(seed, role):
    user = seed.users[role]
    headers = {}
    if user.is_authenticated:
        headers["Authorization"] = f"Token {api_token(user)}"
    operations = [result.ok() for result in _schema().get_all_operations()]
    methods = {operation.method.upper() for operation in operations}
    assert {"GET", "POST", "DELETE"} <= methods
    checks = _all_checks()
    failures: list[str] = []
    ran = dict.fromkeys(GenerationMode, 0)
    deadline = time.monotonic() + SECONDS_PER_ROLE
    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
        for operation in operations:
            if mode is GenerationMode.NEGATIVE and time.monotonic() > deadline:
                break
            _run(operation, mode, headers, checks, failures)
            ran[mode] += 1
    print(f"{role}: {len(operations)} operations, positive {ran[GenerationMode.POSITIVE]}, "
          f"negative {ran[GenerationMode.NEGATIVE]}")
    assert not failures, "\n\n".join(failures)
    assert ran[GenerationMode.POSITIVE] == len(operations)
