"""Profile delivery limits (max concurrency, rate limit per second/minute): the API, the
Add/Edit window's Advanced delivery section, the profile page and the admin, one set of rules."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model

from profiles.models import CallbackProfile
from tests.profiles.page_helpers import make_profile

SAMPLE = {
    "title": "Limited profile",
    "channel": "sms",
    "http_method": "POST",
    "url": "https://example.com/cb",
    "body": {"status": "<status>"},
}


def api_url(actor, suffix=""):
    return f"/v1/{actor.sid}/callback/profiles{suffix}"


def create(actor, **changes):
    return actor.api().post(api_url(actor), {**SAMPLE, **changes}, format="json")


# --- REST API ------------------------------------------------------------------------------


def test_api_create_with_limits_answers_them_and_stores_them(alice):
    response = create(alice, delivery={"max_concurrency": 10, "rate_limit": 5,
                                       "rate_limit_period": "minute"})
    assert response.status_code == 201, response.json()
    data = response.json()["data"]
    assert data["delivery"] == {"max_concurrency": 10, "rate_limit": 5,
                                "rate_limit_period": "minute"}
    profile = CallbackProfile.objects.get(profile_id=data["profile_id"])
    assert (profile.max_concurrency, profile.rate_limit, profile.rate_limit_period) == \
        (10, 5, "minute")


def test_api_profile_without_limits_says_so(alice):
    data = create(alice).json()["data"]
    assert data["delivery"] == {"max_concurrency": None, "rate_limit": None,
                                "rate_limit_period": "second"}


def test_api_accepts_limits_as_a_json_string_like_the_other_objects(alice):
    response = create(alice, delivery='{"rate_limit": 3}')
    assert response.status_code == 201, response.json()
    assert response.json()["data"]["delivery"]["rate_limit"] == 3


def test_api_patch_changes_only_the_keys_given_and_null_removes(alice):
    profile_id = create(alice, delivery={"max_concurrency": 4, "rate_limit": 20}).json()[
        "data"]["profile_id"]
    client = alice.api()

    patched = client.patch(api_url(alice, f"/{profile_id}"),
                           {"delivery": {"rate_limit_period": "minute"}}, format="json")
    assert patched.status_code == 200, patched.json()
    assert patched.json()["data"]["delivery"] == {
        "max_concurrency": 4, "rate_limit": 20, "rate_limit_period": "minute"}

    patched = client.patch(api_url(alice, f"/{profile_id}"),
                           {"delivery": {"max_concurrency": None}}, format="json")
    assert patched.json()["data"]["delivery"]["max_concurrency"] is None
    assert patched.json()["data"]["delivery"]["rate_limit"] == 20

    # A patch of something else keeps the limits.
    patched = client.patch(api_url(alice, f"/{profile_id}"), {"title": "Renamed"},
                           format="json")
    assert patched.json()["data"]["delivery"]["rate_limit"] == 20

    cleared = client.patch(api_url(alice, f"/{profile_id}"), {"delivery": None}, format="json")
    assert cleared.json()["data"]["delivery"] == {
        "max_concurrency": None, "rate_limit": None, "rate_limit_period": "second"}


@pytest.mark.parametrize(("delivery", "message"), [
    ({"max_concurrency": 0}, "body/delivery/max_concurrency must be >= 1"),
    ({"max_concurrency": 101}, "body/delivery/max_concurrency must be <= 100"),
    ({"max_concurrency": "ten"}, "body/delivery/max_concurrency must be integer"),
    ({"max_concurrency": 2.5}, "body/delivery/max_concurrency must be integer"),
    ({"rate_limit": True}, "body/delivery/rate_limit must be integer"),
    ({"rate_limit": -3}, "body/delivery/rate_limit must be >= 1"),
    ({"rate_limit": 10**9}, "body/delivery/rate_limit must be <= 100000"),
    ({"rate_limit": 5, "rate_limit_period": "hour"},
     "body/delivery/rate_limit_period must be one of: second, minute"),
    ({"rate_limt": 5},
     "body/delivery/rate_limt must NOT be given: allowed properties are max_concurrency, "
     "rate_limit, rate_limit_period"),
    ("[1, 2]", "body/delivery must be object"),
])
def test_api_refuses_bad_limits_with_a_schema_style_message(alice, settings, delivery, message):
    settings.DELIVERY_CONCURRENCY = 100
    response = create(alice, delivery=delivery)
    assert response.status_code == 400
    payload = response.json()
    assert payload["code"] == "RBC302"
    assert payload["message"] == message
    assert not CallbackProfile.objects.filter(account=alice.account).exists()


def test_max_concurrency_ceiling_follows_the_worker_setting(alice, settings):
    settings.DELIVERY_CONCURRENCY = 8
    assert create(alice, delivery={"max_concurrency": 9}).json()["message"] == \
        "body/delivery/max_concurrency must be <= 8"
    assert create(alice, delivery={"max_concurrency": 8}).status_code == 201


def test_stranger_cannot_change_anothers_limits(alice, charlie):
    profile_id = create(alice).json()["data"]["profile_id"]
    response = charlie.api().patch(api_url(charlie, f"/{profile_id}"),
                                   {"delivery": {"rate_limit": 1}}, format="json")
    assert response.status_code == 404
    assert CallbackProfile.objects.get(profile_id=profile_id).rate_limit is None


# --- Add / Edit window ----------------------------------------------------------------------

FORM = {
    "title": "Window limits", "channel": "sms", "http_method": "POST",
    "url": "https://example.com/cb", "body": '{"status": "<status>"}', "body_format": "json",
    "headers_name": [""], "headers_value": [""],
}


def advanced_section(html: str) -> str:
    found = re.search(r'<details class="more-options" id="delivery-fields"[^>]*>.*?</details>',
                      html, re.S)
    assert found, "no Advanced delivery section"
    return found.group(0)


def test_add_window_has_a_collapsed_advanced_delivery_section(client, alice):
    client.force_login(alice.user)
    html = client.get("/account/callback-profiles/new/").content.decode()
    section = advanced_section(html)
    assert section.startswith('<details class="more-options" id="delivery-fields">')  # closed
    assert "Advanced delivery" in section and "(no limits)" in section
    for name in ("max_concurrency", "rate_limit", "rate_limit_period"):
        assert f'name="delivery-{name}"' in section
    assert "Max concurrent requests" in section and "per worker process (1–100)" in section


def test_add_window_saves_limits_and_the_edit_window_shows_them(client, alice):
    client.force_login(alice.user)
    response = client.post("/account/callback-profiles/new/", {
        **FORM, "delivery-max_concurrency": "6", "delivery-rate_limit": "30", "delivery-rate_limit_period": "minute"})
    assert response.status_code == 302
    profile = CallbackProfile.objects.get(account=alice.account, title="Window limits")
    assert (profile.max_concurrency, profile.rate_limit, profile.rate_limit_period) == \
        (6, 30, "minute")

    html = client.get(f"/account/callback-profiles/{profile.profile_id}/edit/").content.decode()
    section = advanced_section(html)
    assert "(at most 6 at once, 30 per minute)" in section
    assert re.search(r'name="delivery-max_concurrency" value="6"', section)
    assert re.search(r'name="delivery-rate_limit" value="30"', section)
    assert re.search(r'<option value="minute" selected>', section)


def test_add_window_explains_bad_limits_and_opens_the_section(client, alice):
    client.force_login(alice.user)
    response = client.post("/account/callback-profiles/new/", {
        **FORM, "delivery-max_concurrency": "0", "delivery-rate_limit": "lots", "delivery-rate_limit_period": "second"})
    assert response.status_code == 400
    section = advanced_section(response.content.decode())
    assert section.startswith('<details class="more-options" id="delivery-fields" open>')
    assert "Enter a whole number, or leave it empty." in section
    assert "(check the values below)" in section
    assert not CallbackProfile.objects.filter(account=alice.account).exists()

    response = client.post("/account/callback-profiles/new/", {
        **FORM, "delivery-max_concurrency": "0", "delivery-rate_limit": "", "delivery-rate_limit_period": "second"})
    assert response.status_code == 400
    assert "Max concurrent requests must be at least 1." in advanced_section(
        response.content.decode())


def test_edit_window_clears_limits(client, alice):
    profile = make_profile(alice.account, max_concurrency=3, rate_limit=9)
    client.force_login(alice.user)
    response = client.post(f"/account/callback-profiles/{profile.profile_id}/edit/", {
        **FORM, "title": profile.title, "delivery-max_concurrency": "", "delivery-rate_limit": "",
        "delivery-rate_limit_period": "second"})
    assert response.status_code == 302
    profile.refresh_from_db()
    assert (profile.max_concurrency, profile.rate_limit) == (None, None)


def test_profile_page_lists_the_limits(client, alice):
    limited = make_profile(alice.account, "Limited", max_concurrency=3, rate_limit=9,
                           rate_limit_period="minute")
    plain = make_profile(alice.account, "Plain")
    client.force_login(alice.user)
    html = client.get(f"/account/callback-profiles/{limited.profile_id}/").content.decode()
    assert re.search(r'id="delivery-limits">At most 3 requests at once per worker; '
                     r'9 requests per minute</dd>', html)
    html = client.get(f"/account/callback-profiles/{plain.profile_id}/").content.decode()
    assert "None (adjusted automatically)" in html


# --- Admin -----------------------------------------------------------------------------------


@pytest.fixture
def admin_user(db):
    return get_user_model().objects.create_superuser("root@example.com", "root@example.com",
                                                     "pw")


def admin_form(profile, **changes):
    values = {
        "title": profile.title, "http_method": profile.http_method, "url": profile.url,
        "body_format": "json", "body": '{"status": "<status>"}', "response_message": "",
        "status": "1", "disabled_reason": "", "max_concurrency": "", "rate_limit": "",
        "rate_limit_period": "second",
    }
    for prefix in ("headers", "encryption", "auth"):
        values.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    values.update(changes)
    return values


def test_admin_sets_limits_through_the_same_rules(client, alice, admin_user):
    profile = make_profile(alice.account)
    client.force_login(admin_user)
    change_url = f"/admin/profiles/callbackprofile/{profile.pk}/change/"
    assert 'name="rate_limit"' in client.get(change_url).content.decode()

    refused = client.post(change_url, admin_form(profile, max_concurrency="500"))
    assert refused.status_code == 200
    assert "must be &lt;= 100" in refused.content.decode()

    saved = client.post(change_url, admin_form(profile, max_concurrency="12", rate_limit="2",
                                               rate_limit_period="minute"))
    assert saved.status_code == 302, saved.content.decode()[:2000]
    profile.refresh_from_db()
    assert (profile.max_concurrency, profile.rate_limit, profile.rate_limit_period) == \
        (12, 2, "minute")
