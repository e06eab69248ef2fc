"""Secrets in the profile API: masked in every answer (get, list, create, update), revealed only
by GET .../secrets; a masked value sent back unchanged keeps the stored secret."""

from __future__ import annotations

import pytest
from standardwebhooks import Webhook

from profiles.masking import MASK
from profiles.models import CallbackProfile

SECRETS = {
    "header": "Bearer sk_live_SUPERSECRET_HEADER_0042",
    "key": "KEYkeyKEYkey1234",
    "iv": "IVivIVivIVivIViv",
    "client_secret": "cs_live_VERYSECRET_77",
}
PROFILE = {
    "title": "Secret holder", "channel": "sms", "http_method": "POST",
    "url": "https://example.com/cb",
    "headers": {"X-Api-Key": SECRETS["header"], "X-Short": "abc"},
    "enc": {"algo": "AES-128-CFB", "key": SECRETS["key"], "IV": SECRETS["iv"]},
    "auth": {"token_url": "https://example.com/token", "client_id": "acme",
             "client_secret": SECRETS["client_secret"]},
}


def base(actor) -> str:
    return f"/v1/{actor.sid}/callback/profiles"


@pytest.fixture
def created(alice) -> dict:
    response = alice.api().post(base(alice), PROFILE, format="json")
    assert response.status_code == 201
    return response.json()["data"]


def assert_masked(data: dict) -> None:
    text = str(data)
    for secret in SECRETS.values():
        assert secret not in text
    assert data["headers"] == {"X-Api-Key": MASK + "0042", "X-Short": MASK}
    assert data["enc"]["key"] == data["enc"]["IV"] == MASK
    assert data["auth"]["client_secret"] == MASK + "T_77"
    assert data["signing_secret"].startswith(MASK)
    assert data["auth"]["client_id"] == "acme"  # not a secret


def test_create_get_and_list_answer_masked_secrets(alice, created):
    assert_masked(created)
    assert_masked(alice.api().get(f"{base(alice)}/{created['profile_id']}").json()["data"])
    assert_masked(alice.api().get(base(alice)).json()["data"]["results"][0])


def test_the_secrets_endpoint_reveals_them(alice, created):
    response = alice.api().get(f"{base(alice)}/{created['profile_id']}/secrets")

    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    data = response.json()["data"]
    profile = CallbackProfile.objects.get()
    assert data["headers"] == {"X-Api-Key": SECRETS["header"], "X-Short": "abc"}
    assert data["enc"] == {"key": SECRETS["key"], "IV": SECRETS["iv"]}
    assert data["auth"] == {"client_secret": SECRETS["client_secret"]}
    assert data["signing_secret"] == profile.signing_secret
    assert data["signing_secrets"] == [profile.signing_secret]


def test_a_stranger_cannot_reveal_or_rotate(alice, charlie, created):
    for method, suffix in (("get", "secrets"), ("post", "rotate-secret")):
        response = getattr(charlie.api(), method)(
            f"/v1/{charlie.sid}/callback/profiles/{created['profile_id']}/{suffix}")
        assert response.status_code == 404


def test_patching_back_the_masked_answer_keeps_every_secret(alice, created):
    url = f"{base(alice)}/{created['profile_id']}"
    masked = alice.api().get(url).json()["data"]

    response = alice.api().patch(url, {
        "title": "Renamed", "headers": masked["headers"], "auth": masked["auth"],
        "enc": {k: masked["enc"][k] for k in ("algo", "key", "IV", "params")},
    }, format="json")

    assert response.status_code == 200, response.json()
    revealed = alice.api().get(f"{url}/secrets").json()["data"]
    assert revealed["headers"] == {"X-Api-Key": SECRETS["header"], "X-Short": "abc"}
    assert revealed["enc"] == {"key": SECRETS["key"], "IV": SECRETS["iv"]}
    assert revealed["auth"] == {"client_secret": SECRETS["client_secret"]}


def test_a_mask_cannot_be_saved_as_a_new_secret(alice):
    response = alice.api().post(base(alice), {**PROFILE, "headers": {"X-Api-Key": MASK}},
                                format="json")

    assert response.status_code == 400  # the mask is not Latin-1: it can never be sent


def test_rotate_over_the_api_reveals_the_new_secret_and_keeps_the_old_signing(alice, created):
    url = f"{base(alice)}/{created['profile_id']}"
    old = alice.api().get(f"{url}/secrets").json()["data"]["signing_secret"]

    response = alice.api().post(f"{url}/rotate-secret")

    assert response.status_code == 200
    data = response.json()["data"]
    assert data["signing_secret"] != old
    assert data["signing_secrets"] == [data["signing_secret"], old]
    Webhook(data["signing_secret"])  # a valid Standard Webhooks secret
