"""Hostile JSON is stopped at the door with a clear 400 in the envelope, never a 500, and the
same on SQLite and PostgreSQL: deep nesting, NUL characters, numbers JSON cannot hold."""

from __future__ import annotations

import json

import pytest

from profiles.models import CallbackProfile

from ..delivery.test_deliver_callbacks import make_profile

PROFILE = {"title": "Hostile", "channel": "sms", "http_method": "POST",
           "url": "https://example.com/cb"}


def post_raw(actor, path: str, text: str):
    return actor.api().generic("POST", path, text.encode(), content_type="application/json")


def nested(depth: int) -> dict:
    node: dict = {"leaf": "<status>"}
    for _ in range(depth - 1):
        node = {"n": node}
    return node


def test_json_nested_a_thousand_deep_is_a_400(alice):
    text = '{"title": ' + "[" * 1000 + "]" * 1000 + "}"

    response = post_raw(alice, f"/v1/{alice.sid}/callback/profiles", text)

    assert response.status_code == 400
    assert response.json()["code"] == "RBC302"
    assert response.json()["message"] == "body must NOT be nested more than 32 levels deep"


def test_a_hundred_thousand_open_brackets_are_a_400(alice):
    response = post_raw(alice, f"/v1/{alice.sid}/messages", "[" * 100_000)

    assert response.status_code == 400


def test_brackets_inside_strings_do_not_count_toward_the_depth(alice):
    body = {"note": "[[[[" * 50 + '\\" {{{{' * 20}
    response = alice.api().post(f"/v1/{alice.sid}/callback/profiles", {**PROFILE, "body": body},
                                format="json")

    assert response.status_code == 201


def test_a_profile_body_deeper_than_the_template_limit_is_refused(alice):
    response = alice.api().post(f"/v1/{alice.sid}/callback/profiles",
                                {**PROFILE, "body": nested(20)}, format="json")

    assert response.status_code == 400
    assert response.json()["message"] == "body/body must NOT be nested more than 16 levels deep"
    assert not CallbackProfile.objects.exists()


def test_a_profile_body_given_as_a_deep_json_string_is_refused_too(alice):
    response = alice.api().post(f"/v1/{alice.sid}/callback/profiles",
                                {**PROFILE, "body": json.dumps(nested(900))}, format="json")

    assert response.status_code == 400
    assert response.json()["code"] == "RBC302"


@pytest.mark.parametrize("body", [{"a\x00b": "x"}, {"text": "snow\x00man"}, {"x": ["ok", "\x00"]}])
def test_nul_characters_in_json_are_a_400(alice, body):
    response = alice.api().post(f"/v1/{alice.sid}/callback/profiles", {**PROFILE, "body": body},
                                format="json")

    assert response.status_code == 400
    assert "must NOT contain NUL (\\u0000) characters" in response.json()["message"]
    assert not CallbackProfile.objects.exists()


def test_a_nul_in_a_profile_body_sent_as_a_json_encoded_string_is_a_400(alice):
    response = alice.api().post(f"/v1/{alice.sid}/callback/profiles",
                                {**PROFILE, "body": '{"text": "a\\u0000b"}'}, format="json")

    assert response.status_code == 400
    assert response.json()["message"] == "body/body/text must NOT contain NUL (\\u0000) characters"


def test_a_nul_in_an_sms_text_is_a_400(alice):
    response = alice.api().post(f"/v1/{alice.sid}/messages",
                                {"to": "+919876543210", "body": "hi\x00"}, format="json")

    assert response.status_code == 400
    assert response.json()["code"] == "RBC302"


@pytest.mark.parametrize("text", ['{"template_id": 1e999}', '{"flash": NaN}',
                                  '{"flash": Infinity}'])
def test_numbers_json_cannot_hold_are_a_400(alice, text):
    response = post_raw(alice, f"/v1/{alice.sid}/messages", text)

    assert response.status_code == 400
    assert response.json()["code"] == "RBC302"


def test_the_test_endpoint_refuses_a_stored_deep_body_with_a_400(alice, settings_private_ok):
    profile = make_profile(alice.account, url="http://127.0.0.1:9/cb")
    CallbackProfile.objects.filter(pk=profile.pk).update(body=nested(900))

    response = alice.api().post(f"/v1/{alice.sid}/callback/profiles/{profile.profile_id}/test")

    assert response.status_code == 400
    assert response.json()["message"] == "body/body must NOT be nested more than 16 levels deep"


def test_the_profile_form_refuses_a_deep_body(client, alice):
    client.force_login(alice.user)
    response = client.post("/account/callback-profiles/new/", {
        **PROFILE, "body": "[" * 5000 + "]" * 5000,
    })

    assert "nested too deeply" in response.content.decode()
    assert not CallbackProfile.objects.exists()
