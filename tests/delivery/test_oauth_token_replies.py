"""Hostile or sloppy OAuth token replies never crash a send: an infinite `expires_in` falls back
to the default lifetime; a token that cannot be an HTTP header value is a clear failure."""

from __future__ import annotations

import json

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Response

from delivery.models import DeliveryStatus
from delivery.oauth import DEFAULT_EXPIRES_IN, _lifetime

from .test_deliver_callbacks import make_profile, send
from .test_oauth_callback_auth import auth_for, callbacks, new_secret

pytestmark = pytest.mark.usefixtures("settings_private_ok")


def token_reply(body: str):
    return lambda request: Response(body, content_type="application/json")


def test_infinite_expires_in_still_delivers_with_the_token(alice, httpserver: HTTPServer,
                                                           run_tasks):
    httpserver.expect_request("/oauth/token").respond_with_handler(
        token_reply('{"access_token": "tok-inf", "expires_in": 1e999}'))
    httpserver.expect_request("/dlr").respond_with_data("ok")
    profile = make_profile(alice.account, url=httpserver.url_for("/dlr"),
                           auth=auth_for(httpserver, new_secret()))

    delivery = send(profile, run_tasks)

    assert delivery.status == DeliveryStatus.SUCCEEDED
    assert callbacks(httpserver)[0].headers["Authorization"] == "Bearer tok-inf"


def test_non_ascii_token_is_a_failed_attempt_with_a_clear_error(alice, settings,
                                                                httpserver: HTTPServer):
    httpserver.expect_request("/oauth/token").respond_with_handler(
        token_reply(json.dumps({"access_token": "☃-token"})))
    profile = make_profile(alice.account, url=httpserver.url_for("/dlr"),
                           auth=auth_for(httpserver, new_secret()))

    response = alice.api().post(f"/v1/{alice.sid}/callback/profiles/{profile.profile_id}/test")

    assert response.status_code == 200
    data = response.json()["data"]
    assert data["ok"] is False
    assert "not a valid header value" in data["error"]
    assert callbacks(httpserver) == []


@pytest.mark.parametrize("raw", [1e999, float("-inf"), "1e999", "soon", True, None, -5, [1]])
def test_unusable_expires_in_falls_back_to_the_default(raw):
    assert _lifetime(raw) == DEFAULT_EXPIRES_IN


def test_expires_in_is_read_from_numbers_and_digit_strings():
    assert _lifetime(3600) == 3600
    assert _lifetime("120") == 120
    assert _lifetime(10**12) == 24 * 3600  # capped
