"""Every validation rule, through the API: valid inputs pass, invalid ones name the problem."""

from __future__ import annotations

import pytest

VALID = {
    "title": "Delivery reports",
    "channel": "sms",
    "http_method": "POST",
    "url": "https://example.com/callback",
    "body": {"status": "<status>"},
}
ENC = {"algo": "AES-128-GCM", "key": "k" * 16, "IV": "i" * 16}


def create(actor, **changes):
    payload = {**VALID, **changes}
    payload = {k: v for k, v in payload.items() if v is not ...}
    return actor.api().post(f"/v1/{actor.sid}/callback/profiles", payload, format="json")


@pytest.mark.parametrize(
    "changes",
    [
        {"title": "abc"},
        {"title": "My profile-1_final"},
        {"channel": "sms", "http_method": "GET", "url": "https://e.com/cb?s=<status>", "body": ...},
        {"channel": "default", "http_method": "PUT"},
        {"channel": "default", "http_method": "DELETE", "body": ...},
        {"channel": "Default - No Channel Selected", "http_method": "PUT"},
        {"channel": ..., "events": "SMS-sent"},
        {"events": ["SMS-sent"]},
        {"url": "http://example.com:8080/path?x=1"},
        {"body": '{"status": "<status>"}'},
        {"headers": {"x-api-key": "A-RANDOM-API-KEY", "Authorization": "Basic dTpw"}},
        {"headers": '{"aa": "heyy"}'},
        {"enc": ENC},
        {"enc": {**ENC, "algo": "AES-192-CFB", "key": "k" * 24}},
        {"enc": {**ENC, "algo": "AES-256-GCM", "key": "k" * 32, "params": ["status", "recipient"]}},
        {"response_message": "Thank you"},
    ],
)
def test_valid_profiles_are_created(alice, changes):
    response = create(alice, **changes)
    assert response.status_code == 201, response.json()
    assert response.json()["code"] == "RBC024"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"title": ...}, "body", "body must have required property 'title'"),
        ({"url": ...}, "body", "body must have required property 'url'"),
        ({"http_method": ...}, "body", "body must have required property 'http_method'"),
        ({"title": "ab"}, "title", "body/title must NOT have fewer than 3 characters"),
        ({"title": "   "}, "title", "body/title must NOT be empty"),
        ({"title": "bad/title!"}, "title",
         "body/title must contain only letters, digits, spaces, hyphens and underscores"),
        ({"title": 42}, "title", "body/title must be string"),
        ({"title": "x" * 101}, "title", "body/title must NOT have more than 100 characters"),
        ({"channel": "voice"}, "channel", "body/channel must be one of: sms, default"),
        ({"http_method": "PUT"}, "http_method",
         "body/http_method must be one of: GET, POST for the sms channel"),
        ({"http_method": "DELETE", "body": ...}, "http_method",
         "body/http_method must be one of: GET, POST for the sms channel"),
        ({"http_method": "PATCH"}, "http_method",
         "body/http_method must be one of: GET, POST, PUT, DELETE"),
        ({"url": "ftp://example.com/x"}, "url", "body/url must start with http:// or https://"),
        ({"url": "not a url"}, "url", "body/url must NOT contain spaces"),
        ({"url": "https://"}, "url",
         "body/url must name a host (placeholders are allowed in the path and query)"),
        ({"http_method": "GET"}, "body",
         "body/body must be empty for GET: send variables in the URL query"),
        ({"body": "[1, 2]"}, "body", "body/body must be object"),
        ({"body": "{not json"}, "body", "body/body must be object (valid JSON)"),
        ({"events": ["Voice-call"]}, "events", "body/events must be [SMS-sent] for the sms channel"),
        ({"channel": "default", "events": ["SMS-sent"]}, "events",
         "body/events must be empty for the default channel"),
        ({"headers": {"bad header": "x"}}, "headers/bad header",
         "body/headers/bad header name must be a valid HTTP header name"),
        ({"headers": {"X-Evil": "a\r\nInjected: 1"}}, "headers/X-Evil",
         "body/headers/X-Evil must NOT contain line breaks"),
        ({"headers": {"webhook-signature": "x"}}, "headers/webhook-signature",
         "body/headers/webhook-signature is set by the platform and cannot be changed"),
        ({"headers": ["x"]}, "headers", "body/headers must be object"),
        ({"enc": {**ENC, "algo": "AES-512-XYZ"}}, "enc/algo",
         "body/enc/algo must be one of: AES-128-GCM, AES-192-GCM, AES-256-GCM, AES-128-CFB, "
         "AES-192-CFB, AES-256-CFB"),
        ({"enc": {**ENC, "key": "short"}}, "enc/key", None),
        ({"enc": {**ENC, "algo": "AES-256-GCM"}}, "enc/key", None),
        ({"enc": {**ENC, "IV": "short"}}, "enc/IV", None),
        ({"enc": {"algo": "AES-128-GCM", "key": "k" * 16}}, "enc", "body/enc must have required property 'IV'"),
        ({"enc": {**ENC, "params": ["no-such var"]}}, "enc/params", None),
        ({"enc": {**ENC, "nonce_mode": "sometimes"}}, "enc/nonce_mode", None),
    ],
)
def test_invalid_profiles_get_rbc302_naming_the_problem(alice, changes, field, message):
    response = create(alice, **changes)
    assert response.status_code == 400
    payload = response.json()
    assert payload["code"] == "RBC302"
    assert payload["status"] == 400
    assert payload["data"] == {}
    first = payload["error"][0]
    assert list(first) == [field]
    if message is not None:
        assert payload["message"] == message
        assert first[field] == message
    else:
        assert payload["message"].startswith(f"body/{field} ")
    assert alice.api().get(f"/v1/{alice.sid}/callback/profiles").json()["data"]["count"] == 0


def test_channel_cannot_change_after_creation(alice):
    profile_id = create(alice).json()["data"]["profile_id"]
    response = alice.api().patch(
        f"/v1/{alice.sid}/callback/profiles/{profile_id}", {"channel": "default"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["message"] == (
        "body/channel cannot be changed after the profile is created"
    )


def test_patch_revalidates_the_whole_profile(alice):
    profile_id = create(alice).json()["data"]["profile_id"]
    response = alice.api().patch(
        f"/v1/{alice.sid}/callback/profiles/{profile_id}", {"http_method": "GET"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["error"][0] == {
        "body": "body/body must be empty for GET: send variables in the URL query"
    }
