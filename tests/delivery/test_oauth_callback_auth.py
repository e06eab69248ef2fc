"""Advanced callback authentication: an OAuth client-credentials token, sent as `Bearer`.

One real HTTP server on 127.0.0.1 plays both the customer's token endpoint and their callback
endpoint.
"""

from __future__ import annotations

import base64
import json
import uuid
from urllib.parse import parse_qs

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from delivery.models import DeliveryStatus
from delivery.services import send_test
from profiles.validation import AuthInput, ProfileInput

from .test_deliver_callbacks import make_profile, send
from .test_retries_and_auto_disable import make_due

pytestmark = pytest.mark.usefixtures("settings_private_ok")

CLIENT_ID = "acme-callbacks"


def new_secret() -> str:
    # A fresh secret per test: the token cache is keyed by the settings, so tests never share.
    return f"s3cr3t-{uuid.uuid4().hex}"


class TokenEndpoint:
    """Checks each token request like an OAuth server would and hands out numbered tokens."""

    def __init__(self, secret: str, *, scope: str = "", expires_in: int | None = 3600):
        self.secret = secret
        self.scope = scope
        self.expires_in = expires_in
        self.issued: list[str] = []
        self.problems: list[str] = []

    def __call__(self, request: Request) -> Response:
        form = parse_qs(request.get_data(as_text=True))
        expected = "Basic " + base64.b64encode(f"{CLIENT_ID}:{self.secret}".encode()).decode()
        if request.headers.get("Authorization") != expected:
            self.problems.append(f"bad credentials: {request.headers.get('Authorization')}")
            return Response('{"error": "invalid_client"}', status=401)
        if form.get("grant_type") != ["client_credentials"]:
            self.problems.append(f"bad grant_type: {form.get('grant_type')}")
        if request.headers.get("Content-Type") != "application/x-www-form-urlencoded":
            self.problems.append(f"bad content type: {request.headers.get('Content-Type')}")
        if form.get("scope", [""]) != [self.scope]:
            self.problems.append(f"bad scope: {form.get('scope')}")
        token = f"tok-{len(self.issued) + 1}-{uuid.uuid4().hex[:8]}"
        self.issued.append(token)
        payload: dict = {"access_token": token, "token_type": "Bearer"}
        if self.expires_in is not None:
            payload["expires_in"] = self.expires_in
        return Response(json.dumps(payload), content_type="application/json")


def auth_for(httpserver: HTTPServer, secret: str, *, scope: str = "") -> AuthInput:
    return AuthInput(token_url=httpserver.url_for("/oauth/token"), client_id=CLIENT_ID,
                     client_secret=secret, scope=scope)


def callbacks(httpserver: HTTPServer) -> list[Request]:
    return [request for request, _ in httpserver.log if request.path == "/dlr"]


def token_requests(httpserver: HTTPServer) -> list[Request]:
    return [request for request, _ in httpserver.log if request.path == "/oauth/token"]


def test_callback_carries_the_bearer_token_from_the_token_url(
    alice, httpserver: HTTPServer, run_tasks
):
    secret = new_secret()
    tokens = TokenEndpoint(secret, scope="callbacks:write")
    httpserver.expect_request("/oauth/token", method="POST").respond_with_handler(tokens)
    httpserver.expect_request("/dlr", method="POST").respond_with_data("ok")
    profile = make_profile(alice.account, url=httpserver.url_for("/dlr"),
                           auth=auth_for(httpserver, secret, scope="callbacks:write"))

    delivery = send(profile, run_tasks)

    assert delivery.status == DeliveryStatus.SUCCEEDED, delivery.last_error
    assert tokens.problems == []
    assert len(tokens.issued) == 1
    [callback] = callbacks(httpserver)
    assert callback.headers["Authorization"] == f"Bearer {tokens.issued[0]}"
    # The short-lived token is added at send time only: the stored request never holds it.
    stored = json.loads(delivery.request_headers)
    assert "Authorization" not in stored and "authorization" not in stored
    assert tokens.issued[0] not in delivery.request_headers
    assert tokens.issued[0] not in json.dumps(
        [a.response_headers for a in delivery.attempts.all()]
    )


def test_token_is_reused_from_the_cache_for_the_next_delivery(
    alice, httpserver: HTTPServer, run_tasks
):
    secret = new_secret()
    tokens = TokenEndpoint(secret)
    httpserver.expect_request("/oauth/token").respond_with_handler(tokens)
    httpserver.expect_request("/dlr").respond_with_data("ok")
    profile = make_profile(alice.account, url=httpserver.url_for("/dlr"),
                           auth=auth_for(httpserver, secret))

    first = send(profile, run_tasks)
    second = send(profile, run_tasks)

    assert first.status == second.status == DeliveryStatus.SUCCEEDED
    assert len(token_requests(httpserver)) == 1
    assert [c.headers["Authorization"] for c in callbacks(httpserver)] == [
        f"Bearer {tokens.issued[0]}"
    ] * 2


def test_a_token_without_expires_in_is_still_used(alice, httpserver: HTTPServer, run_tasks):
    secret = new_secret()
    tokens = TokenEndpoint(secret, expires_in=None)  # the default lifetime (300 s) applies
    httpserver.expect_request("/oauth/token").respond_with_handler(tokens)
    httpserver.expect_request("/dlr").respond_with_data("ok")
    profile = make_profile(alice.account, url=httpserver.url_for("/dlr"),
                           auth=auth_for(httpserver, secret))

    send(profile, run_tasks)
    send(profile, run_tasks)

    assert len(tokens.issued) == 1
    assert len(callbacks(httpserver)) == 2


def test_token_endpoint_401_is_a_retried_failure_with_a_clear_error(
    alice, httpserver: HTTPServer, run_tasks
):
    secret = new_secret()
    tokens = TokenEndpoint(secret)
    httpserver.expect_request("/oauth/token").respond_with_handler(tokens)
    httpserver.expect_request("/dlr").respond_with_data("ok")
    wrong = auth_for(httpserver, "not-the-secret")
    profile = make_profile(alice.account, url=httpserver.url_for("/dlr"), auth=wrong)

    delivery = send(profile, run_tasks)

    token_url = httpserver.url_for("/oauth/token")
    assert delivery.status == DeliveryStatus.PENDING  # retried on the usual schedule
    assert delivery.attempt_count == 1
    assert delivery.last_error == f"token request failed: HTTP 401 from {token_url}"
    assert delivery.attempts.get().error == delivery.last_error
    assert callbacks(httpserver) == []  # the callback is not sent without a token

    # The customer fixes the secret; the retry fetches a token with the new settings.
    from profiles.services import profile_update

    data = ProfileInput.from_profile(profile)
    data.auth = auth_for(httpserver, secret)
    profile_update(profile=profile, data=data)
    make_due(delivery)
    run_tasks()
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SUCCEEDED
    assert callbacks(httpserver)[0].headers["Authorization"] == f"Bearer {tokens.issued[0]}"


def test_token_response_without_access_token_is_a_clear_failure(
    alice, httpserver: HTTPServer, run_tasks
):
    httpserver.expect_request("/oauth/token").respond_with_json({"token_type": "Bearer"})
    httpserver.expect_request("/dlr").respond_with_data("ok")
    profile = make_profile(alice.account, url=httpserver.url_for("/dlr"),
                           auth=auth_for(httpserver, new_secret()))

    delivery = send(profile, run_tasks)

    assert delivery.status == DeliveryStatus.PENDING
    assert delivery.last_error == "token response has no access_token"
    assert callbacks(httpserver) == []


def test_the_ssrf_guard_applies_to_the_token_url(alice, settings, httpserver, run_tasks):
    settings.CALLBACK_ALLOW_PRIVATE_NETWORKS = False
    profile = make_profile(
        alice.account, url="https://example.com/dlr",
        auth=AuthInput(token_url="http://10.1.2.3/oauth/token", client_id=CLIENT_ID,
                       client_secret=new_secret()),
    )

    delivery = send(profile, run_tasks)

    assert delivery.status == DeliveryStatus.FAILED
    assert delivery.last_error == (
        "token request to http://10.1.2.3/oauth/token failed: "
        "blocked: 10.1.2.3 is a private address"
    )


def test_test_api_sends_the_bearer_token_and_hides_it(alice, httpserver: HTTPServer):
    secret = new_secret()
    tokens = TokenEndpoint(secret)
    httpserver.expect_request("/oauth/token").respond_with_handler(tokens)
    httpserver.expect_request("/dlr").respond_with_data("received", status=202)
    profile = make_profile(alice.account, url=httpserver.url_for("/dlr"),
                           auth=auth_for(httpserver, secret))

    response = alice.api().post(f"/v1/{alice.sid}/callback/profiles/{profile.profile_id}/test")

    assert response.status_code == 200
    data = response.json()["data"]
    assert data["ok"] is True, data["error"]
    assert data["response"]["status_code"] == 202
    assert tokens.problems == []
    [callback] = callbacks(httpserver)
    assert callback.headers["Authorization"] == f"Bearer {tokens.issued[0]}"
    # The test result says a Bearer token was sent without showing the token itself.
    assert data["request"]["headers"]["Authorization"].startswith("Bearer ")
    assert tokens.issued[0] not in json.dumps(data)


def test_test_of_an_unsaved_form_reports_the_token_failure(alice, httpserver: HTTPServer):
    httpserver.expect_request("/oauth/token").respond_with_data("nope", status=401)
    httpserver.expect_request("/dlr").respond_with_data("ok")
    data = ProfileInput(title="Unsaved", channel="sms", http_method="POST",
                        url=httpserver.url_for("/dlr"), auth=auth_for(httpserver, new_secret()))

    outcome = send_test(account=alice.account, data=data)

    assert outcome.ok is False
    assert outcome.error == (
        f"token request failed: HTTP 401 from {httpserver.url_for('/oauth/token')}"
    )
    assert callbacks(httpserver) == []


def test_the_stranger_gets_404_testing_an_authenticated_profile(
    alice, charlie, httpserver: HTTPServer
):
    profile = make_profile(alice.account, url=httpserver.url_for("/dlr"),
                           auth=auth_for(httpserver, new_secret()))

    response = charlie.api().post(f"/v1/{charlie.sid}/callback/profiles/{profile.profile_id}/test")

    assert response.status_code == 404
    assert httpserver.log == []
