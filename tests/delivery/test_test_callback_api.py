"""POST /v1/<sid>/callback/profiles/<profile_id>/test: one synchronous send with example values."""

from __future__ import annotations

import json
import time

import pytest
from pytest_httpserver import HTTPServer
from standardwebhooks import Webhook
from werkzeug import Request, Response

from common.errors import InvalidInput
from delivery.models import Delivery
from delivery.services import send_test
from profiles import catalog
from profiles.validation import ProfileInput

from .test_deliver_callbacks import make_profile
from .test_retries_and_auto_disable import free_port


def endpoint(actor, profile) -> str:
    return f"/v1/{actor.sid}/callback/profiles/{profile.profile_id}/test"


def test_success_returns_request_and_response(alice, settings_private_ok, httpserver: HTTPServer):
    httpserver.expect_request("/dlr", method="POST").respond_with_data("thanks", status=201)
    profile = make_profile(alice.account, url=httpserver.url_for("/dlr"),
                           body={"id": "<message_id>", "state": "<status>"})

    response = alice.api().post(endpoint(alice, profile))

    assert response.status_code == 200
    payload = response.json()
    assert payload["code"] == "RBC024" and payload["status"] == 200
    data = payload["data"]
    assert data["ok"] is True and data["error"] == ""
    assert data["response"]["status_code"] == 201
    assert data["response"]["body_excerpt"] == "thanks"
    assert data["request"]["method"] == "POST"
    # The catalog's example values were sent, and signed with the profile's secret.
    sent = httpserver.log[0][0]
    assert json.loads(sent.get_data()) == json.loads(data["request"]["body"])
    examples = catalog.event("SMS-sent").example_values()
    assert json.loads(sent.get_data()) == {"id": examples["message_id"], "state": examples["status"]}
    headers = {k.lower(): v for k, v in sent.headers.items()}
    Webhook(profile.signing_secret).verify(sent.get_data(), headers)
    assert Delivery.objects.count() == 0  # a test is not a delivery
    assert data["empty_placeholders"] == []


def test_the_api_test_names_placeholders_that_rendered_empty(
    alice, settings_private_ok, httpserver: HTTPServer
):
    httpserver.expect_request("/dlr", method="POST").respond_with_data("ok")
    profile = make_profile(alice.account, url=httpserver.url_for("/dlr"),
                           body={"state": "<statuss>", "id": "<message_id>"})

    data = alice.api().post(endpoint(alice, profile)).json()["data"]

    assert data["ok"] is True and data["empty_placeholders"] == ["statuss"]
    assert json.loads(httpserver.log[0][0].get_data())["state"] == ""


def test_non_2xx_is_reported_as_a_failure(alice, settings_private_ok, httpserver: HTTPServer):
    httpserver.expect_request("/dlr").respond_with_data("broken", status=500)
    profile = make_profile(alice.account, url=httpserver.url_for("/dlr"))

    data = alice.api().post(endpoint(alice, profile)).json()["data"]

    assert data["ok"] is False
    assert data["error"] == "endpoint answered HTTP 500"
    assert data["response"]["body_excerpt"] == "broken"


def test_connection_refused(alice, settings_private_ok):
    profile = make_profile(alice.account, url=f"http://127.0.0.1:{free_port()}/dlr")

    payload = alice.api().post(endpoint(alice, profile)).json()

    assert payload["data"]["ok"] is False
    assert payload["data"]["error"] == "connection refused"
    assert payload["message"] == "Test callback failed: connection refused"
    assert payload["data"]["response"] is None


def test_timeout(alice, settings_private_ok, httpserver: HTTPServer):
    settings_private_ok.CALLBACK_TEST_READ_TIMEOUT = 0.3

    def slow(request: Request) -> Response:
        time.sleep(1)
        return Response("late")

    httpserver.expect_request("/dlr").respond_with_handler(slow)
    profile = make_profile(alice.account, url=httpserver.url_for("/dlr"))

    data = alice.api().post(endpoint(alice, profile)).json()["data"]

    assert data["ok"] is False
    assert data["error"] == "timed out after 0.3 s"
    # Let the slow handler finish before the shared server serves the next test.
    deadline = time.monotonic() + 5
    while not httpserver.log and time.monotonic() < deadline:
        time.sleep(0.05)


def test_blocked_by_the_ssrf_guard(alice, settings, httpserver: HTTPServer):
    settings.CALLBACK_ALLOW_PRIVATE_NETWORKS = False
    profile = make_profile(alice.account, url=f"http://127.0.0.1:{httpserver.port}/dlr")

    data = alice.api().post(endpoint(alice, profile)).json()["data"]

    assert data["ok"] is False
    assert data["error"] == "blocked: 127.0.0.1 is a loopback address"
    assert httpserver.log == []


def test_rate_limited_per_account(alice, charlie, settings_private_ok, httpserver: HTTPServer):
    settings_private_ok.CALLBACK_TEST_RATE_LIMIT = 2
    httpserver.expect_request("/dlr").respond_with_data("ok")
    profile = make_profile(alice.account, url=httpserver.url_for("/dlr"))
    api = alice.api()

    codes = [api.post(endpoint(alice, profile)).status_code for _ in range(3)]

    assert codes == [200, 200, 429]
    payload = api.post(endpoint(alice, profile)).json()
    assert payload["status"] == 429 and payload["code"] == "RBC429"
    assert payload["message"].startswith("too many test callbacks: try again in ")
    assert len(httpserver.log) == 2
    # Another account has its own allowance.
    other = make_profile(charlie.account, url=httpserver.url_for("/dlr"))
    assert charlie.api().post(endpoint(charlie, other)).status_code == 200


def test_stranger_gets_404(alice, charlie, settings_private_ok, httpserver: HTTPServer):
    profile = make_profile(alice.account, url=httpserver.url_for("/dlr"))

    response = charlie.api().post(f"/v1/{charlie.sid}/callback/profiles/{profile.profile_id}/test")

    assert response.status_code == 404
    assert response.json()["message"] == "No profile exists with this id"
    assert httpserver.log == []
    # And charlie's key cannot even address alice's account.
    assert charlie.api().post(endpoint(alice, profile)).status_code == 401


def test_unsaved_form_input_can_be_tested(alice, settings_private_ok, httpserver: HTTPServer):
    httpserver.expect_request("/dlr").respond_with_data("ok")
    data = ProfileInput(title="", channel="sms", http_method="GET",
                        url=httpserver.url_for("/dlr") + "?s=<status>&to=<recipient>")

    outcome = send_test(account=alice.account, data=data)

    assert outcome.ok and outcome.status_code == 200
    assert httpserver.log[0][0].args["s"] == catalog.event("SMS-sent").example_values()["status"]
    assert outcome.request is not None and outcome.request.headers["webhook-id"]


def test_invalid_input_is_a_clear_error(alice, settings_private_ok):
    data = ProfileInput(title="x", channel="sms", http_method="GET", url="ftp://example.com/")

    with pytest.raises(InvalidInput) as caught:
        send_test(account=alice.account, data=data)

    assert [i.field for i in caught.value.issues] == ["url"]
