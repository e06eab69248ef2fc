"""Rotating the signing secret: every secret that signed in the last 24 hours keeps signing until
its own expiry, however often the secret is rotated, and concurrent rotations lose nothing."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import close_old_connections, connection
from django.utils import timezone
from pytest_httpserver import HTTPServer
from standardwebhooks import Webhook

from common.errors import InvalidInput
from profiles.models import CallbackProfile, RetiredSigningSecret
from profiles.services import (
    MAX_RETIRED_SECRETS,
    active_signing_secrets,
    profile_rotate_signing_secret,
)

from ..delivery.test_deliver_callbacks import make_profile, send


def test_two_rotations_in_a_day_keep_the_original_secret_signing(
    alice, settings_private_ok, httpserver: HTTPServer, run_tasks
):
    httpserver.expect_request("/dlr").respond_with_data("ok")
    profile = make_profile(alice.account, url=httpserver.url_for("/dlr"))
    original = profile.signing_secret
    profile_rotate_signing_secret(profile=profile)
    second = profile.signing_secret
    profile_rotate_signing_secret(profile=profile)

    send(profile, run_tasks)

    request = httpserver.log[0][0]
    headers = {k.lower(): v for k, v in request.headers.items()}
    assert len(headers["webhook-signature"].split(" ")) == 3
    for secret in (original, second, profile.signing_secret):
        Webhook(secret).verify(request.get_data(), headers)


def test_each_retired_secret_stops_signing_at_its_own_expiry(alice):
    profile = make_profile(alice.account)
    original = profile.signing_secret
    profile_rotate_signing_secret(profile=profile)
    second = profile.signing_secret
    profile_rotate_signing_secret(profile=profile)
    # The original was retired first: move its expiry into the past, as 24 h later.
    oldest = RetiredSigningSecret.objects.filter(profile=profile).order_by("id").first()
    oldest.expires_at = timezone.now() - timedelta(seconds=1)
    oldest.save()

    secrets = active_signing_secrets(profile)

    assert secrets == [profile.signing_secret, second]
    assert original not in secrets


def test_rotation_is_refused_once_too_many_secrets_still_sign(alice):
    profile = make_profile(alice.account)
    for _ in range(MAX_RETIRED_SECRETS):
        profile_rotate_signing_secret(profile=profile)
    current = profile.signing_secret

    with pytest.raises(InvalidInput, match="rotate again after that"):
        profile_rotate_signing_secret(profile=profile)

    profile.refresh_from_db()
    assert profile.signing_secret == current
    assert len(active_signing_secrets(profile)) == MAX_RETIRED_SECRETS + 1


def test_the_page_lists_every_secret_still_signing(client, alice):
    profile = make_profile(alice.account)
    client.force_login(alice.user)
    page = f"/account/callback-profiles/{profile.profile_id}/"
    client.post(page + "rotate-secret/")

    html = client.post(page + "rotate-secret/", follow=True).content.decode()

    assert "2 earlier secrets also sign, each until its own expiry" in html


@pytest.mark.skipif("connection.vendor != 'postgresql'")
@pytest.mark.django_db(transaction=True)
def test_concurrent_rotations_on_postgresql_lose_no_secret(alice):
    profile = make_profile(alice.account)
    original = profile.signing_secret
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def rotate():
        try:
            copy = CallbackProfile.objects.get(pk=profile.pk)  # each caller read it before
            barrier.wait()
            profile_rotate_signing_secret(profile=copy)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=rotate) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    profile.refresh_from_db()
    retired = set(RetiredSigningSecret.objects.filter(profile=profile)
                  .values_list("secret", flat=True))
    # Both rotations happened one after the other: the original and the first new secret are
    # both retired (none overwritten), and the current one is the second new secret.
    assert len(retired) == 2 and original in retired
    assert profile.signing_secret not in retired
    assert len(active_signing_secrets(profile)) == 3
