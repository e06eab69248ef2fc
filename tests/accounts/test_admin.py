"""The Django admin lists every model for staff and applies the same validation rules."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth import get_user_model


@pytest.fixture
def staff_client(client, db):
    user = get_user_model().objects.create_superuser("root@example.com", "root@example.com", "pw")
    client.force_login(user)
    return client


def test_every_project_model_has_a_working_admin_changelist(staff_client, alice):
    project_apps = {"accounts", "profiles", "delivery", "sms", "receive_sms"}
    models = [m for m in apps.get_models() if m._meta.app_label in project_apps]
    registered = [m for m in models if admin.site.is_registered(m)]
    assert {m._meta.app_label for m in registered} >= {"accounts", "profiles"}
    for model in registered:
        url = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        assert staff_client.get(url).status_code == 200, url
        assert staff_client.get(url + "?q=alice").status_code == 200, url


def test_admin_profile_form_uses_the_profile_rules(staff_client, alice):
    response = staff_client.post(
        "/admin/profiles/callbackprofile/add/",
        {
            "account": alice.account.pk, "title": "no", "channel": "sms", "http_method": "PUT",
            "url": "ftp://x", "status": 1,
            "headers-TOTAL_FORMS": 0, "headers-INITIAL_FORMS": 0,
            "encryption-TOTAL_FORMS": 0, "encryption-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "must NOT have fewer than 3 characters" in text
    assert "must be one of: GET, POST for the sms channel" in text
    assert "must start with http:// or https://" in text
