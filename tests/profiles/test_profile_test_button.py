"""The form's Test button: sends the unsaved form once through the delivery engine to a real
receiver on 127.0.0.1 and shows the request and the response (JSON for the page's JS, the
form page again without JS)."""

from __future__ import annotations

import json

from werkzeug import Response

from profiles.models import CallbackProfile
from tests.profiles.page_helpers import make_profile

TEST_NEW = "/account/callback-profiles/new/test/"
JSON = {"HTTP_ACCEPT": "application/json"}


def form_data(url: str, **overrides) -> dict:
    data = {
        "title": "", "channel": "sms", "http_method": "POST", "url": url,
        "body": '{"status": "<status>", "to": "<recipient>"}',
        "headers_name": ["X-Token"], "headers_value": ["t-1"],
    }
    data.update(overrides)
    return data


def test_test_button_sends_the_unsaved_form_and_shows_the_response(
    client, alice, httpserver, settings_private_ok
):
    httpserver.expect_request("/hook", method="POST").respond_with_data("thanks", status=200)
    client.force_login(alice.user)
    response = client.post(TEST_NEW, form_data(httpserver.url_for("/hook")), **JSON)
    assert response.status_code == 200
    result = response.json()
    assert result["ok"] is True and result["status_code"] == 200
    assert result["response_excerpt"] == "thanks"
    assert result["request"]["method"] == "POST"
    # Header values are secrets: the output says they were sent, not what they are.
    assert result["request"]["headers"]["X-Token"] == "•••••••• (hidden)"
    assert "t-1" not in response.content.decode()
    assert result["empty_placeholders"] == [] and result["placeholder_problems"] == []
    sent = json.loads(result["request"]["body"])
    assert set(sent) == {"status", "to"} and sent["status"]  # catalog example values
    # The receiver really got it, signed, and nothing was saved.
    (received, _), = httpserver.log
    assert received.headers["X-Token"] == "t-1"
    assert received.headers["webhook-signature"].startswith("v1,")
    assert json.loads(received.get_data()) == sent
    assert not CallbackProfile.objects.exists()


def test_test_button_without_js_draws_the_result_on_the_form(
    client, alice, httpserver, settings_private_ok
):
    httpserver.expect_request("/hook").respond_with_response(Response("nope", status=503))
    client.force_login(alice.user)
    response = client.post(TEST_NEW, form_data(httpserver.url_for("/hook"), title="Kept title"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Test failed:" in html and "HTTP 503" in html and "nope" in html
    assert 'value="Kept title"' in html


def test_test_reports_connection_errors(client, alice, settings_private_ok):
    client.force_login(alice.user)
    result = client.post(TEST_NEW, form_data("http://127.0.0.1:9/hook"), **JSON).json()
    assert result["ok"] is False and result["status_code"] is None
    assert result["error"]
    assert result["request"]["url"] == "http://127.0.0.1:9/hook"


def test_test_with_invalid_fields_names_them(client, alice):
    client.force_login(alice.user)
    response = client.post(TEST_NEW, form_data("not a url", body="{oops"), **JSON)
    assert response.status_code == 400
    result = response.json()
    assert result["request"] is None
    assert "The request body is not valid JSON" in result["errors"]["body"][0]

    response = client.post(TEST_NEW, form_data("ftp://x.example/"), **JSON)
    assert response.json()["errors"]["url"] == ["The endpoint must start with http:// or https://."]


def test_private_addresses_are_blocked_unless_allowed(client, alice, httpserver, settings):
    settings.CALLBACK_ALLOW_PRIVATE_NETWORKS = False
    client.force_login(alice.user)
    result = client.post(TEST_NEW, form_data(httpserver.url_for("/hook")), **JSON).json()
    assert result["ok"] is False
    assert "private" in result["error"] or "blocked" in result["error"]
    assert httpserver.log == []


def test_test_of_an_edit_uses_the_saved_profile(client, alice, httpserver, settings_private_ok):
    httpserver.expect_request("/edit-hook").respond_with_data("ok")
    profile = make_profile(alice.account, "Saved one")
    client.force_login(alice.user)
    result = client.post(
        f"/account/callback-profiles/{profile.profile_id}/test/",
        form_data(httpserver.url_for("/edit-hook"), channel="default"), **JSON,
    ).json()
    assert result["ok"] is True
    assert len(httpserver.log) == 1


def test_tests_are_rate_limited(client, alice, httpserver, settings_private_ok):
    settings_private_ok.CALLBACK_TEST_RATE_LIMIT = 2
    settings_private_ok.CALLBACK_TEST_RATE_WINDOW = 3600  # one window for the whole test
    httpserver.expect_request("/hook").respond_with_data("ok")
    client.force_login(alice.user)
    answers = [client.post(TEST_NEW, form_data(httpserver.url_for("/hook")), **JSON)
               for _ in range(3)]
    assert [a.status_code for a in answers][:2] == [200, 200]
    assert answers[2].status_code == 429
    assert answers[2].json()["error"].startswith("Too many tests: try again in")
