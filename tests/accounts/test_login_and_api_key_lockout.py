"""Brute force is stopped: after LOGIN_FAILURE_LIMIT wrong passwords (or wrong api-keys for a
SID) from one address, even the right one is refused until the cool-off has passed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

LIMIT = 5


@pytest.fixture(autouse=True)
def limit(settings):
    settings.AXES_FAILURE_LIMIT = LIMIT


def log_in(client, actor, password, **extra):
    return client.post("/login/", {"username": actor.user.username, "password": password},
                       **extra)


def test_after_the_limit_even_the_right_password_is_refused(alice):
    client = Client()
    answers = [log_in(client, alice, f"wrong-{n}").status_code for n in range(LIMIT)]

    locked = log_in(client, alice, alice.password)

    assert answers[: LIMIT - 1] == [200] * (LIMIT - 1)  # the form, with its error
    assert answers[-1] == 429
    assert locked.status_code == 429
    assert "Too many wrong passwords" in locked.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_success_before_the_limit_resets_the_count(alice):
    client = Client()
    for n in range(LIMIT - 1):
        log_in(client, alice, f"wrong-{n}")
    assert log_in(client, alice, alice.password).status_code == 302
    client.logout()

    for n in range(LIMIT - 1):
        assert log_in(client, alice, f"again-{n}").status_code == 200
    assert log_in(client, alice, alice.password).status_code == 302


def test_the_lock_is_per_address_so_others_can_still_log_in(alice):
    for n in range(LIMIT):
        log_in(Client(), alice, f"wrong-{n}", REMOTE_ADDR="203.0.113.9")

    elsewhere = log_in(Client(), alice, alice.password, REMOTE_ADDR="198.51.100.7")

    assert elsewhere.status_code == 302


def test_the_lock_lifts_after_the_cool_off(alice, settings):
    client = Client()
    for n in range(LIMIT):
        log_in(client, alice, f"wrong-{n}")
    AccessAttempt.objects.update(
        attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - timedelta(seconds=1))

    assert log_in(client, alice, alice.password).status_code == 302


def test_the_admin_login_is_locked_too(alice):
    client = Client()
    for n in range(LIMIT):
        client.post("/admin/login/", {"username": alice.user.username, "password": f"x{n}"})

    response = client.post("/admin/login/", {"username": alice.user.username,
                                             "password": alice.password})

    assert response.status_code == 429


def api(key: str, remote_addr: str = "127.0.0.1") -> APIClient:
    client = APIClient(REMOTE_ADDR=remote_addr)
    client.credentials(HTTP_API_KEY=key)
    return client


def test_wrong_api_keys_lock_out_the_sid_even_for_the_right_key(alice, charlie):
    url = f"/v1/{alice.sid}/callback/profiles"
    codes = [api(f"A{n:032x}").get(url).status_code for n in range(LIMIT)]

    locked = api(alice.api_key).get(url)

    assert codes == [401] * (LIMIT - 1) + [429]
    assert locked.status_code == 429
    payload = locked.json()
    assert payload["code"] == "RBC429" and payload["status"] == 429
    assert payload["message"].startswith("too many wrong api-keys for this account")
    # Another SID, and the same SID from another address, are not affected.
    assert api(charlie.api_key).get(f"/v1/{charlie.sid}/callback/profiles").status_code == 200
    assert api(alice.api_key, "198.51.100.7").get(url).status_code == 200
