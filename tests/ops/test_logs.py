"""Logs an operator can use: a request id on every request and its log lines, an optional JSON
format, and one structured line per delivery attempt."""

from __future__ import annotations

import json
import logging

from django.test import Client

from delivery.attempt_log import log_attempt
from ops.log_format import JsonFormatter
from ops.request_id import RequestIdFilter

from .helpers import clean_env, run_python


def test_each_response_carries_a_request_id(db):
    client = Client()

    first = client.get("/login/")["X-Request-ID"]
    second = client.get("/login/")["X-Request-ID"]

    assert first and second and first != second
    assert client.get("/login/", HTTP_X_REQUEST_ID="lb-7f3a.91")["X-Request-ID"] == "lb-7f3a.91"
    spoofed = client.get("/login/", HTTP_X_REQUEST_ID="evil\nline")["X-Request-ID"]
    assert spoofed != "evil\nline" and len(spoofed) == 32


def test_log_lines_written_during_a_request_carry_its_id(alice, caplog):
    caplog.handler.addFilter(RequestIdFilter())
    client = Client(HTTP_X_REQUEST_ID="req-123")
    client.force_login(alice.user)
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = client.get("/account/callback-profiles/nope/")

    assert response.status_code == 404
    not_found = [r for r in caplog.records if r.name == "django.request"]
    assert not_found and all(r.request_id == "req-123" for r in not_found)


def test_attempt_line_is_structured(caplog):
    with caplog.at_level(logging.INFO, logger="delivery.attempts"):
        log_attempt(profile_id="IN_abc", delivery_id="d-1", event="SMS-sent", attempt=2,
                    outcome="failed", status_code=503, latency_ms=120,
                    error="endpoint answered HTTP 503")

    record = caplog.records[-1]
    assert record.levelname == "WARNING"
    assert record.getMessage() == (
        'attempt profile=IN_abc delivery=d-1 event=SMS-sent attempt=2 outcome=failed '
        'status=503 latency_ms=120 error="endpoint answered HTTP 503"')
    line = json.loads(JsonFormatter().format(record))
    assert {k: line[k] for k in ("profile", "delivery", "status", "latency_ms", "error")} == {
        "profile": "IN_abc", "delivery": "d-1", "status": 503, "latency_ms": 120,
        "error": "endpoint answered HTTP 503"}


def test_log_format_json_prints_one_object_per_line_with_the_request_id():
    code = (
        "import django, logging; django.setup();\n"
        "from django.test import Client\n"
        "from delivery.attempt_log import log_attempt\n"
        "log_attempt(profile_id='IN_x', delivery_id='d-9', event='SMS-sent', attempt=1,"
        " outcome='succeeded', status_code=200, latency_ms=15)\n"
        "from ops.request_id import current_request_id\n"
        "current_request_id.set('req-json-1')\n"
        "logging.getLogger('ops').warning('inside a request')\n"
    )
    result = run_python(code, clean_env(DEBUG="true", LOG_FORMAT="json"))

    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stderr.splitlines()]
    attempt = next(line for line in lines if line["logger"] == "delivery.attempts")
    assert attempt["level"] == "INFO" and attempt["delivery"] == "d-9"
    assert attempt["status"] == 200 and attempt["request_id"] == ""
    inside = next(line for line in lines if line["message"] == "inside a request")
    assert inside["request_id"] == "req-json-1" and inside["time"].endswith("+00:00")
