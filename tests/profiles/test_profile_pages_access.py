"""Every profile page is for the profile's own account: the stranger gets 404, the teammate
gets in, nobody logged out gets anything."""

from __future__ import annotations

import pytest

from profiles.models import CallbackProfile, ProfileStatus
from tests.profiles.page_helpers import make_profile

GET_PAGES = ["", "edit/", "delete/"]
POST_PAGES = ["edit/", "test/", "status/", "rotate-secret/", "delete/"]


@pytest.mark.parametrize("suffix", GET_PAGES)
def test_stranger_gets_404_on_every_page(client, alice, charlie, suffix):
    profile = make_profile(alice.account)
    client.force_login(charlie.user)
    response = client.get(f"/account/callback-profiles/{profile.profile_id}/{suffix}")
    assert response.status_code == 404


@pytest.mark.parametrize("suffix", POST_PAGES)
def test_stranger_gets_404_on_every_action_and_changes_nothing(client, alice, charlie, suffix):
    profile = make_profile(alice.account, "Not yours")
    secret = profile.signing_secret
    client.force_login(charlie.user)
    response = client.post(
        f"/account/callback-profiles/{profile.profile_id}/{suffix}",
        {"title": "Hijacked", "channel": "sms", "http_method": "POST",
         "url": "https://evil.example/", "status": "3"},
    )
    assert response.status_code == 404
    profile.refresh_from_db()
    assert profile.title == "Not yours" and profile.status == ProfileStatus.ACTIVE
    assert profile.signing_secret == secret


@pytest.mark.parametrize("suffix", GET_PAGES)
def test_teammate_sees_every_page(client, alice, bob, suffix):
    profile = make_profile(alice.account)
    client.force_login(bob.user)
    response = client.get(f"/account/callback-profiles/{profile.profile_id}/{suffix}")
    assert response.status_code == 200


def test_unknown_profile_id_is_404(client, alice):
    client.force_login(alice.user)
    assert client.get("/account/callback-profiles/IN_nope/").status_code == 404


@pytest.mark.parametrize("suffix", ["", "new/", "IN_x/", "IN_x/edit/"])
def test_logged_out_user_is_sent_to_login(client, db, suffix):
    response = client.get(f"/account/callback-profiles/{suffix}")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_actions_need_post(client, alice):
    profile = make_profile(alice.account)
    client.force_login(alice.user)
    for suffix in ("status/", "rotate-secret/", "test/"):
        response = client.get(f"/account/callback-profiles/{profile.profile_id}/{suffix}")
        assert response.status_code == 405
    assert CallbackProfile.objects.filter(pk=profile.pk).exists()


def test_forms_need_csrf(alice):
    from django.test import Client

    profile = make_profile(alice.account)
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(alice.user)
    response = strict.post(f"/account/callback-profiles/{profile.profile_id}/delete/")
    assert response.status_code == 403
    assert CallbackProfile.objects.filter(pk=profile.pk).exists()
