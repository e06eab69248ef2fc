"""Advanced authentication (OAuth client credentials) on a profile: the API, its validation,
the pages, and the client secret at rest."""

from __future__ import annotations

import json

import pytest
from django.db import connection

from profiles.masking import MASK, mask
from profiles.models import CallbackProfile, ProfileAuth

VALID = {
    "title": "Delivery reports",
    "channel": "sms",
    "http_method": "POST",
    "url": "https://example.com/callback",
}
AUTH = {
    "token_url": "https://auth.example.com/oauth/token",
    "client_id": "acme-callbacks",
    "client_secret": "cs_live_VERYSECRET_42",
    "scope": "callbacks:write",
}
NEW = "/account/callback-profiles/new/"


def create(actor, **changes):
    return actor.api().post(f"/v1/{actor.sid}/callback/profiles", {**VALID, **changes},
                            format="json")


def test_auth_is_saved_and_returned_to_the_owner(alice):
    response = create(alice, auth=AUTH)

    assert response.status_code == 201
    masked = {**AUTH, "client_secret": mask(AUTH["client_secret"])}
    assert response.json()["data"]["auth"] == masked
    profile_id = response.json()["data"]["profile_id"]
    fetched = alice.api().get(f"/v1/{alice.sid}/callback/profiles/{profile_id}").json()["data"]
    assert fetched["auth"] == masked
    secrets = alice.api().get(f"/v1/{alice.sid}/callback/profiles/{profile_id}/secrets").json()
    assert secrets["data"]["auth"] == {"client_secret": AUTH["client_secret"]}


def test_auth_may_be_a_json_string_and_scope_is_optional(alice):
    without_scope = {k: v for k, v in AUTH.items() if k != "scope"}

    response = create(alice, auth=json.dumps(without_scope))

    assert response.status_code == 201
    assert response.json()["data"]["auth"] == {
        **without_scope, "client_secret": mask(AUTH["client_secret"]), "scope": ""}


def test_patch_changes_auth_and_null_removes_it(alice):
    profile_id = create(alice, auth=AUTH).json()["data"]["profile_id"]
    url = f"/v1/{alice.sid}/callback/profiles/{profile_id}"

    changed = alice.api().patch(url, {"auth": {**AUTH, "client_secret": "rotated"}},
                                format="json")
    assert changed.json()["data"]["auth"]["client_secret"] == MASK
    untouched = alice.api().patch(url, {"title": "Renamed"}, format="json")
    assert untouched.status_code == 200
    assert ProfileAuth.objects.get().client_secret == "rotated"

    removed = alice.api().patch(url, {"auth": None}, format="json")

    assert removed.status_code == 200
    assert removed.json()["data"]["auth"] is None
    assert not ProfileAuth.objects.exists()


def test_profiles_without_auth_show_null(alice):
    assert create(alice).json()["data"]["auth"] is None


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"auth": {**AUTH, "token_url": ""}}, "auth/token_url",
         "body/auth/token_url must NOT be empty"),
        ({"auth": {**AUTH, "token_url": "ftp://auth.example.com/token"}}, "auth/token_url",
         "body/auth/token_url must start with http:// or https://"),
        ({"auth": {**AUTH, "token_url": "https:///token"}}, "auth/token_url",
         "body/auth/token_url must name a host"),
        ({"auth": {**AUTH, "token_url": "https://auth.example.com/a b"}}, "auth/token_url",
         "body/auth/token_url must NOT contain spaces"),
        ({"auth": {**AUTH, "client_id": ""}}, "auth/client_id",
         "body/auth/client_id must NOT be empty"),
        ({"auth": {**AUTH, "client_id": "x" * 256}}, "auth/client_id",
         "body/auth/client_id must NOT have more than 255 characters"),
        ({"auth": {**AUTH, "client_id": "acme:callbacks"}}, "auth/client_id",
         "body/auth/client_id must NOT contain ':'"),
        ({"auth": {**AUTH, "client_secret": "   "}}, "auth/client_secret",
         "body/auth/client_secret must NOT be empty"),
        ({"auth": {**AUTH, "client_secret": "s" * 1001}}, "auth/client_secret",
         "body/auth/client_secret must NOT have more than 1000 characters"),
        ({"auth": {**AUTH, "client_secret": "a\nb"}}, "auth/client_secret",
         "body/auth/client_secret must NOT contain line breaks"),
        ({"auth": {**AUTH, "scope": "s" * 256}}, "auth/scope",
         "body/auth/scope must NOT have more than 255 characters"),
        ({"auth": {**AUTH, "client_id": 42}}, "auth/client_id",
         "body/auth/client_id must be string"),
        ({"auth": {k: v for k, v in AUTH.items() if k != "client_secret"}}, "auth",
         "body/auth must have required property 'client_secret'"),
        ({"auth": ["x"]}, "auth", "body/auth must be object"),
        ({"auth": "{not json"}, "auth", "body/auth must be object (valid JSON)"),
        ({"auth": AUTH, "headers": {"Authorization": "Basic dTpw"}}, "auth",
         "body/auth cannot be used with an Authorization header: remove the header or the "
         "advanced authentication"),
    ],
)
def test_invalid_auth_gets_rbc302_naming_the_field(alice, changes, field, message):
    response = create(alice, **changes)

    assert response.status_code == 400
    payload = response.json()
    assert payload["code"] == "RBC302"
    assert payload["message"] == message
    assert payload["error"][0] == {field: message}
    assert not CallbackProfile.objects.exists()


def test_the_stranger_gets_404_reading_or_changing_auth(alice, charlie):
    profile_id = create(alice, auth=AUTH).json()["data"]["profile_id"]
    url = f"/v1/{charlie.sid}/callback/profiles/{profile_id}"

    assert charlie.api().get(url).status_code == 404
    assert charlie.api().patch(url, {"auth": None}, format="json").status_code == 404
    assert ProfileAuth.objects.get().client_secret == AUTH["client_secret"]


def test_the_client_secret_is_encrypted_at_rest(alice):
    assert create(alice, auth=AUTH).status_code == 201

    with connection.cursor() as cursor:
        cursor.execute("SELECT token_url, client_id, client_secret, scope FROM profiles_profileauth")
        row = cursor.fetchone()

    assert AUTH["client_secret"] not in " ".join(str(value) for value in row)
    assert row[0] == AUTH["token_url"] and row[1] == AUTH["client_id"]
    assert ProfileAuth.objects.get().client_secret == AUTH["client_secret"]


# --- pages -------------------------------------------------------------------------------------

def form_data(**overrides) -> dict:
    data = {
        "title": "SMS-campaign", "channel": "sms", "http_method": "POST",
        "url": "https://example.com/callback", "body": "",
        "headers_name": [""], "headers_value": [""],
        "enable_auth": "on", "auth-token_url": AUTH["token_url"],
        "auth-client_id": AUTH["client_id"], "auth-client_secret": AUTH["client_secret"],
        "auth-scope": AUTH["scope"],
    }
    data.update(overrides)
    return data


def test_form_has_the_auth_toggle_after_headers(client, alice):
    client.force_login(alice.user)

    html = client.get(NEW).content.decode()

    labels = ["Headers", "Advanced authentication (OAuth)", "Token URL", "Client ID",
              "Client Secret", "Scope", "Enable Encryption"]
    positions = [html.index(f">{label}") for label in labels]
    assert positions == sorted(positions)
    assert 'data-revealed-by="id_enable_auth"' in html
    assert 'type="password" name="auth-client_secret"' in html


def test_form_saves_auth_and_the_page_masks_the_secret(client, alice):
    client.force_login(alice.user)

    response = client.post(NEW, form_data(), follow=True)

    auth = ProfileAuth.objects.get(profile__account=alice.account)
    assert (auth.token_url, auth.client_id, auth.client_secret, auth.scope) == tuple(AUTH.values())
    html = response.content.decode()
    summary = html[html.index('id="auth-summary"'):]
    summary = summary[:summary.index("</dd>")]
    assert AUTH["token_url"] in summary and AUTH["client_id"] in summary
    # The secret sits behind a "Reveal" control like the other secrets.
    assert '<details class="secret">' in summary
    assert "Reveal" in summary and "client secret" in summary


def test_form_errors_name_the_auth_fields(client, alice):
    client.force_login(alice.user)

    response = client.post(NEW, form_data(**{"auth-token_url": "ftp://x/token", "auth-client_secret": ""}))

    assert response.status_code == 400
    html = response.content.decode()
    assert "The token URL must start with http:// or https://." in html
    assert "The client secret must not be empty." in html
    assert not CallbackProfile.objects.exists()


def test_form_refuses_auth_together_with_an_authorization_header(client, alice):
    client.force_login(alice.user)

    response = client.post(NEW, form_data(headers_name=["Authorization"],
                                          headers_value=["Basic dTpw"]))

    assert "Advanced authentication cannot be used with an Authorization header" in (
        response.content.decode()
    )
    assert not CallbackProfile.objects.exists()


def test_turning_the_toggle_off_removes_auth(client, alice):
    client.force_login(alice.user)
    client.post(NEW, form_data())
    profile = CallbackProfile.objects.get()

    client.post(f"/account/callback-profiles/{profile.profile_id}/edit/",
                form_data(enable_auth=""))

    assert not ProfileAuth.objects.exists()


def test_the_stranger_gets_404_on_the_profile_page(client, alice, charlie):
    client.force_login(alice.user)
    client.post(NEW, form_data())
    profile = CallbackProfile.objects.get()
    client.force_login(charlie.user)

    response = client.get(f"/account/callback-profiles/{profile.profile_id}/")

    assert response.status_code == 404
    assert AUTH["client_secret"] not in response.content.decode()
