"""Add / Edit Callback Profile: the same rules as the API, errors next to their fields,
nothing typed lost, the channel locked when editing."""

from __future__ import annotations

import re

from delivery.inbox import inbox_get_or_create
from profiles.models import CallbackProfile
from tests.profiles.page_helpers import make_encrypted_profile, make_profile

NEW = "/account/callback-profiles/new/"


def form_data(**overrides) -> dict:
    data = {
        "title": "SMS-campaign",
        "channel": "sms",
        "http_method": "POST",
        "url": "https://example.com/callback",
        "body": '{"status": "<status>", "recipient": "<recipient>"}',
        "headers_name": ["api-key", "X-Team", ""],
        "headers_value": ["k-123", "blue", ""],
    }
    data.update(overrides)
    return data


def test_new_form_has_every_field_in_the_seed_order(client, alice):
    client.force_login(alice.user)
    html = client.get(NEW).content.decode()
    assert "<title>Add Callback Profile · Alice Co · Callback Profiles</title>" in html
    labels = ["Title", "Select Channel API", "Events for the selected channel", "HTTP Method",
              "Enter Endpoint", "Dynamic Variables", "Request Body", "Headers",
              "Enable Encryption", "Algorithm", "Key", "Initialization Vector", "Nonce",
              "Parameters", "Enable Callback Required Option", "Response Message", "Save", "Test"]
    positions = [html.index(f">{label}") for label in labels]
    assert positions[:-2] == sorted(positions[:-2])
    # Labels are tied to their inputs.
    for field in ("id_title", "id_channel", "id_http_method", "id_url", "id_body", "id_enc-key",
                  "id_enc-IV", "id_enc-algo", "id_response_message", "header-name-1"):
        assert f'for="{field}"' in html and f'id="{field}"' in html
    assert "SMS Send" in html
    assert "List Dynamic Variables" in html and "Select All" in html
    assert "Copy to Clipboard" in html


def test_add_profile_saves_and_shows_its_id(client, alice):
    client.force_login(alice.user)
    response = client.post(NEW, form_data(), follow=True)
    profile = CallbackProfile.objects.get(account=alice.account)
    assert response.redirect_chain[-1][0] == f"/account/callback-profiles/{profile.profile_id}/"
    html = response.content.decode()
    assert "Callback profile “SMS-campaign” created." in html
    assert f'<code id="profile-id" class="big-id">{profile.profile_id}</code>' in html
    assert 'data-copy-target="profile-id"' in html
    assert profile.body == {"status": "<status>", "recipient": "<recipient>"}
    assert {h.name: h.value for h in profile.headers.all()} == {"api-key": "k-123", "X-Team": "blue"}
    assert not hasattr(profile, "encryption") or profile.encryption is None


def test_add_with_encryption_and_response_message(client, alice):
    client.force_login(alice.user)
    client.post(NEW, form_data(
        enable_encryption="on", enable_response="on",
        response_message="The callback option is enabled.",
        **{"enc-algo": "AES-256-CFB", "enc-key": "k" * 32, "enc-IV": "i" * 16,
           "enc-params": ["recipient", "status"], "enc-nonce_mode": "random_nonce"},
    ))
    profile = CallbackProfile.objects.select_related("encryption").get(account=alice.account)
    assert profile.encryption.algorithm == "AES-256-CFB"
    assert profile.encryption.params == ["recipient", "status"]
    assert profile.encryption.nonce_mode == "random_nonce"
    assert profile.response_message == "The callback option is enabled."


def test_response_message_is_dropped_when_its_toggle_is_off(client, alice):
    client.force_login(alice.user)
    client.post(NEW, form_data(response_message="typed, then toggled off"))
    assert CallbackProfile.objects.get(account=alice.account).response_message == ""


def test_errors_appear_next_to_fields_and_nothing_typed_is_lost(client, alice):
    client.force_login(alice.user)
    response = client.post(NEW, form_data(
        title="ab", url="ftp://example.com/x", http_method="PUT",
        headers_name=["Bad Name", "X-Ok"], headers_value=["v1", "ok"],
        enable_encryption="on", enable_response="on", response_message="Thanks!",
        **{"enc-algo": "AES-128-GCM", "enc-key": "short", "enc-IV": "iv"},
    ))
    assert response.status_code == 400
    html = response.content.decode()
    assert not CallbackProfile.objects.exists()
    assert "The profile was not saved." in html

    def errors_of(field_id: str) -> str:
        match = re.search(rf'id="{field_id}_error"[^>]*>(.*?)</div>', html, re.S)
        return match.group(1) if match else ""

    assert "Title must not have fewer than 3 characters." in errors_of("id_title")
    assert "The endpoint must start with http:// or https://" in errors_of("id_url")
    assert "for the sms channel" in errors_of("id_http_method")
    assert "Header “Bad Name”: name must be a valid HTTP header name." in errors_of("id_headers")
    assert "Key must be exactly 16 characters" in errors_of("id_enc-key")
    assert "IV must be exactly 16 characters" in errors_of("id_enc-IV")
    # Everything typed is still there.
    assert 'value="ab"' in html
    assert 'value="ftp://example.com/x"' in html
    assert 'value="Bad Name"' in html and 'value="X-Ok"' in html
    assert 'value="short"' in html
    assert "Thanks!</textarea>" in html
    assert "&quot;recipient&quot;: &quot;&lt;recipient&gt;&quot;" in html
    assert re.search(r'<input type="checkbox" name="enable_encryption"[^>]*checked', html)
    assert re.search(r'<input type="checkbox" name="enable_response"[^>]*checked', html)
    assert 'aria-invalid="true"' in html


def test_bad_json_body_keeps_the_text(client, alice):
    client.force_login(alice.user)
    response = client.post(NEW, form_data(body='{"status": "<status>",}'))
    html = response.content.decode()
    assert "The request body is not valid JSON" in html
    assert "{&quot;status&quot;: &quot;&lt;status&gt;&quot;,}" in html
    response = client.post(NEW, form_data(body='["a"]'))
    assert "The request body must be a JSON object" in response.content.decode()


def test_header_value_without_name_and_duplicates_are_errors(client, alice):
    client.force_login(alice.user)
    html = client.post(NEW, form_data(
        headers_name=["", "X-A", "x-a"], headers_value=["orphan", "1", "2"],
    )).content.decode()
    assert "Row 1: enter a header name for the value." in html
    assert "“x-a” is given more than once." in html
    assert not CallbackProfile.objects.exists()


def test_get_profile_with_a_body_is_refused_like_the_api(client, alice):
    client.force_login(alice.user)
    html = client.post(NEW, form_data(http_method="GET")).content.decode()
    assert "The request body must be empty for GET" in html


def test_unknown_channel_is_an_error_not_a_500(client, alice):
    client.force_login(alice.user)
    response = client.post(NEW, form_data(channel="voice"))
    assert response.status_code == 400
    assert "Select a valid choice." in response.content.decode()


def test_edit_shows_saved_values_and_locks_the_channel(client, alice):
    profile = make_encrypted_profile(alice.account, "Locked one")
    client.force_login(alice.user)
    url = f"/account/callback-profiles/{profile.profile_id}/edit/"
    html = client.get(url).content.decode()
    assert "<title>Edit Locked one · Alice Co · Callback Profiles</title>" in html
    assert re.search(r'<select name="channel" id="id_channel" disabled', html)
    assert "The channel of a saved profile cannot be changed." in html
    assert 'value="api-key"' in html and 'value="secret-header-value"' in html
    assert 'value="0123456789abcdef"' in html
    assert re.search(r'value="recipient" id="id_enc-params_\d+" checked', html)

    # A forged post cannot move it to another channel; the rest is saved.
    response = client.post(url, form_data(
        title="Renamed", channel="default", http_method="GET", body="",
        url="https://example.com/cb?status=<status>",
    ))
    assert response.status_code == 302
    profile.refresh_from_db()
    assert profile.channel == "sms"
    assert profile.title == "Renamed" and profile.http_method == "GET"
    assert not hasattr(profile, "encryption") or profile.encryption is None


def test_edit_keeps_encryption_when_left_on(client, alice):
    profile = make_encrypted_profile(alice.account, "Keep enc")
    client.force_login(alice.user)
    client.post(f"/account/callback-profiles/{profile.profile_id}/edit/", form_data(
        title="Keep enc", enable_encryption="on",
        **{"enc-algo": "AES-128-GCM", "enc-key": "0123456789abcdef",
           "enc-IV": "abcdef9876543210", "enc-params": ["recipient"], "enc-nonce_mode": "fixed"},
    ))
    profile = CallbackProfile.objects.select_related("encryption").get(pk=profile.pk)
    assert profile.encryption.key == "0123456789abcdef"


def test_default_channel_allows_put(client, alice):
    client.force_login(alice.user)
    response = client.post(NEW, form_data(channel="default", http_method="PUT"))
    assert response.status_code == 302
    assert CallbackProfile.objects.get(account=alice.account).http_method == "PUT"


def test_form_page_query_count_is_fixed(client, alice, django_assert_max_num_queries):
    profile = make_encrypted_profile(alice.account)
    for number in range(30):
        make_profile(alice.account, f"Other {number}")
    client.force_login(alice.user)
    with django_assert_max_num_queries(8):
        assert client.get(f"/account/callback-profiles/{profile.profile_id}/edit/").status_code == 200
    # The Add form offers the request inbox's URL (one query; the inbox is created once).
    inbox_get_or_create(account=alice.account)
    with django_assert_max_num_queries(7):
        assert client.get(NEW).status_code == 200


def test_the_add_form_offers_the_request_inbox_url(client, alice):
    client.force_login(alice.user)
    html = client.get(NEW).content.decode()
    inbox = inbox_get_or_create(account=alice.account)
    assert f'<code id="inbox-url-offer" class="break">http://testserver/inbox/{inbox.token}/</code>' in html
    assert 'data-copy-target="inbox-url-offer"' in html
