"""A header value HTTP cannot carry (not Latin-1, control characters) is refused when the profile
is saved, and a profile that already holds one gets a 4xx from Test, never a 500."""

from __future__ import annotations

import pytest

from profiles.models import ProfileHeader

from ..delivery.test_deliver_callbacks import make_profile


def create(actor, headers):
    return actor.api().post(
        f"/v1/{actor.sid}/callback/profiles",
        {"title": "Hdr", "channel": "sms", "http_method": "POST",
         "url": "https://example.com/cb", "headers": headers},
        format="json",
    )


@pytest.mark.parametrize("value", ["☃ snow", "tab\tok but bell\x07", "del\x7f"])
def test_profile_api_refuses_a_header_value_http_cannot_send(alice, value):
    response = create(alice, {"X-Weather": value})

    assert response.status_code == 400
    payload = response.json()
    assert payload["code"] == "RBC302"
    assert payload["message"].startswith("body/headers/X-Weather must contain only printable Latin-1")


def test_latin1_and_tab_values_are_accepted(alice):
    assert create(alice, {"X-Name": "café\tcrème"}).status_code == 201


def test_profile_form_refuses_a_non_latin1_header_value(client, alice):
    client.force_login(alice.user)
    response = client.post("/account/callback-profiles/new/", {
        "title": "Hdr form", "channel": "sms", "http_method": "POST",
        "url": "https://example.com/cb", "headers_name": ["X-Weather"],
        "headers_value": ["☃ snow"],
    })
    assert response.status_code in (200, 400)
    assert "printable Latin-1" in response.content.decode()


def test_test_endpoint_answers_400_for_a_stored_unsendable_header(alice, settings_private_ok):
    profile = make_profile(alice.account, url="http://127.0.0.1:9/cb")
    # Saved before the rule existed: written straight to the table.
    ProfileHeader.objects.create(profile=profile, name="X-Weather", value="☃ snow")

    response = alice.api().post(f"/v1/{alice.sid}/callback/profiles/{profile.profile_id}/test")

    assert response.status_code == 400
    assert response.json()["code"] == "RBC302"
    assert "headers/X-Weather" in response.json()["message"]
