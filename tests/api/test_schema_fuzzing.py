"""A bounded fuzz run of the whole API against its published schema (/v1/schema).

Schemathesis generates valid and invalid requests for every operation (a few hundred in all)
and calls the app in-process. Every answer must be no 5xx, a documented status code, JSON, and
match the schema of that status. Callbacks the fuzzed profiles would send are confined to
loopback: every host name resolves to 127.0.0.1 during the run.
"""

from __future__ import annotations

import socket

import pytest
import schemathesis
from django.core import signals
from django.core.cache import cache
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    allow_header_conformance,
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
    unsupported_method,
)

# negative_data_rejection: the server refuses what the schema forbids (the schema is never
# stricter than the server; e.g. limit/offset bounds, required fields, empty query values).
# unsupported_method: a method the schema does not list for a path is a 405 with `Allow`.
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_headers_conformance, response_schema_conformance, negative_data_rejection,
          unsupported_method, allow_header_conformance]
EXAMPLES = {GenerationMode.POSITIVE: 25, GenerationMode.NEGATIVE: 12}


@pytest.fixture
def loopback_only(monkeypatch, settings):
    """Every callback (and OAuth token request) goes to 127.0.0.1, wherever it was aimed."""
    real = socket.getaddrinfo

    def to_loopback(host, port, *args, **kwargs):
        return real("127.0.0.1", port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", to_loopback)
    settings.CALLBACK_ALLOW_PRIVATE_NETWORKS = True
    settings.CALLBACK_CONNECT_TIMEOUT = 0.5
    settings.CALLBACK_TEST_READ_TIMEOUT = 0.5


@pytest.fixture
def keep_test_connection():
    """The real WSGI handler closes DB connections after each request; Django's test client
    stops that so the test's transaction survives, and so must this in-process run."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def test_fuzzing_the_api_finds_no_5xx_and_no_schema_mismatch(alice, loopback_only,
                                                             keep_test_connection):
    cache.clear()
    schema = schemathesis.openapi.from_wsgi("/v1/schema", get_wsgi_application())
    failures: list[str] = []
    cases = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        for mode, examples in EXAMPLES.items():
            strategy = operation.as_strategy(
                generation_mode=mode, path_parameters={"sid": alice.sid},
                headers={"api-key": alice.api_key},
            )

            @given(case=strategy)
            @hypothesis_settings(max_examples=examples, deadline=None, database=None,
                                 phases=[Phase.explicit, Phase.generate],
                                 suppress_health_check=list(HealthCheck))
            def run(case):
                nonlocal cases
                cases += 1
                case.call_and_validate(checks=CHECKS)

            try:
                run()
            except Unsatisfiable:
                # Nothing invalid to send: every string is a possible id (path parameters only).
                assert mode == GenerationMode.NEGATIVE
            except (Exception, BaseExceptionGroup) as exc:  # noqa: BLE001 - collect them all
                failures.append(f"{mode.value} {operation.label}: {exc}"[:3000])

    assert cases >= 400, cases
    assert failures == [], "\n\n".join(failures)
