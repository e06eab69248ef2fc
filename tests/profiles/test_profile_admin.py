"""The Django admin writes profiles through the same services as the pages and the API."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from profiles.models import CallbackProfile, ProfileStatus

from ..delivery.test_deliver_callbacks import make_profile

ADD = "/admin/profiles/callbackprofile/add/"


@pytest.fixture
def staff_client(client, db):
    user = get_user_model().objects.create_superuser("root@example.com", "root@example.com", "pw")
    client.force_login(user)
    return client


def form(**changes) -> dict:
    data = {"title": "Admin made", "channel": "sms", "http_method": "POST",
            "url": "https://example.com/cb", "body": "", "response_message": "", "status": 1,
            "disabled_reason": "", "headers": json.dumps({"X-Api-Key": "k-123"}),
            "encryption": json.dumps({"algo": "AES-128-GCM", "key": "0123456789abcdef",
                                      "IV": "fedcba9876543210", "params": ["status"]}),
            "auth": "",
            "retired_secrets-TOTAL_FORMS": 0, "retired_secrets-INITIAL_FORMS": 0}
    data.update(changes)
    return data


def test_adding_in_the_admin_creates_the_profile_through_the_service(staff_client, alice):
    response = staff_client.post(ADD, form(account=alice.account.pk))

    assert response.status_code == 302, response.content.decode()[:2000]
    profile = CallbackProfile.objects.get()
    assert profile.profile_id.startswith("IN_")
    assert profile.signing_secret.startswith("whsec_")
    assert {h.name: h.value for h in profile.headers.all()} == {"X-Api-Key": "k-123"}
    assert profile.encryption.params == ["status"]
    assert response["Location"] == "/admin/profiles/callbackprofile/"


def test_the_admin_refuses_what_the_api_refuses(staff_client, alice):
    response = staff_client.post(ADD, form(
        account=alice.account.pk, headers=json.dumps({"X-Weather": "☃ snow"}),
        auth=json.dumps({"token_url": "https://example.com/t", "client_id": "a",
                         "client_secret": "b"}),
        encryption=json.dumps({"algo": "AES-128-GCM", "key": "short", "IV": "x"}),
    ))

    assert response.status_code == 200
    text = response.content.decode()
    assert "headers/X-Weather: must contain only printable Latin-1" in text
    assert "enc/key" in text
    assert not CallbackProfile.objects.exists()


def test_editing_in_the_admin_updates_through_the_service(staff_client, alice):
    profile = make_profile(alice.account, url="https://example.com/a", headers={"X-Old": "1"})
    url = f"/admin/profiles/callbackprofile/{profile.pk}/change/"

    response = staff_client.post(url, form(url="https://example.com/b",
                                           headers=json.dumps({"X-New": "2"}), encryption=""))

    assert response.status_code == 302, response.content.decode()[:2000]
    profile.refresh_from_db()
    assert profile.url == "https://example.com/b"
    assert [h.name for h in profile.headers.all()] == ["X-New"]
    assert not hasattr(profile, "encryption") or profile.encryption is None


def test_re_enabling_in_the_admin_restarts_the_auto_disable_clock(staff_client, alice):
    profile = make_profile(alice.account, url="https://example.com/a")
    long_ago = timezone.now() - timedelta(days=30)
    CallbackProfile.objects.filter(pk=profile.pk).update(
        status=ProfileStatus.AUTO_DISABLED, enabled_at=long_ago,
        disabled_reason="Every attempt failed for 5 days")
    url = f"/admin/profiles/callbackprofile/{profile.pk}/change/"

    response = staff_client.post(url, form(url="https://example.com/a", headers="{}",
                                           encryption="", status=1))

    assert response.status_code == 302, response.content.decode()[:2000]
    profile.refresh_from_db()
    assert profile.status == ProfileStatus.ACTIVE
    assert profile.enabled_at > long_ago
    assert profile.disabled_reason == ""


def test_the_enable_action_restarts_the_clock_too(staff_client, alice):
    profile = make_profile(alice.account, url="https://example.com/a")
    long_ago = timezone.now() - timedelta(days=30)
    CallbackProfile.objects.filter(pk=profile.pk).update(
        status=ProfileStatus.AUTO_DISABLED, enabled_at=long_ago)

    staff_client.post("/admin/profiles/callbackprofile/",
                      {"action": "enable_profiles", "_selected_action": [profile.pk]})

    profile.refresh_from_db()
    assert profile.status == ProfileStatus.ACTIVE and profile.enabled_at > long_ago
