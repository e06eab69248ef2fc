"""API keys page: a new key is shown once, works, and stops working once revoked."""

from __future__ import annotations

import re

from accounts.models import ApiKey


def test_login_page_logs_in_and_lands_on_callback_profiles(client, alice):
    response = client.post("/login/", {"username": "alice@example.com", "password": alice.password})
    assert response.status_code == 302
    assert response["Location"] == "/account/callback-profiles/"


def test_wrong_password_shows_an_error(client, alice):
    response = client.post("/login/", {"username": "alice@example.com", "password": "nope"})
    assert response.status_code == 200
    assert b"correct" in response.content  # Django's "Please enter a correct username..."


def test_pages_need_login(client):
    response = client.get("/account/api-keys/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_create_shows_the_key_once_and_revoke_disables_it(client, alice):
    client.force_login(alice.user)
    page = client.post("/account/api-keys/", {"name": "ci"}, follow=True).content.decode()
    raw_key = re.search(r'id="new-api-key">(A[0-9a-f]{32})<', page).group(1)
    api_url = f"/v1/{alice.sid}/callback/profiles"
    assert client.get(api_url, HTTP_API_KEY=raw_key).status_code == 200

    assert raw_key not in client.get("/account/api-keys/").content.decode()

    key = ApiKey.objects.get(account=alice.account, name="ci")
    client.post(f"/account/api-keys/{key.pk}/revoke/")
    assert client.get(api_url, HTTP_API_KEY=raw_key).status_code == 401
    assert "Revoked" in client.get("/account/api-keys/").content.decode()


def test_stranger_cannot_revoke_someone_elses_key(client, alice, charlie):
    key = ApiKey.objects.get(account=alice.account)
    client.force_login(charlie.user)
    assert client.post(f"/account/api-keys/{key.pk}/revoke/").status_code == 404
    key.refresh_from_db()
    assert key.revoked_at is None


def test_refreshing_after_create_makes_no_second_key(client, alice):
    """Post/redirect/get: the POST answers a redirect, so a refresh only reloads the list."""
    client.force_login(alice.user)
    before = ApiKey.objects.filter(account=alice.account).count()
    response = client.post("/account/api-keys/", {"name": "once"})
    assert response.status_code == 302 and response["Location"] == "/account/api-keys/"
    first_view = client.get("/account/api-keys/").content.decode()
    assert 'id="new-api-key"' in first_view and 'data-copy-target="new-api-key"' in first_view
    refreshed = client.get("/account/api-keys/").content.decode()
    assert 'id="new-api-key"' not in refreshed
    assert ApiKey.objects.filter(account=alice.account).count() == before + 1
