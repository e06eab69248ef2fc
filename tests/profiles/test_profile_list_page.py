"""The Callback Profiles list: search, filters, pagination, badges, delete, query counts."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from profiles.models import CallbackProfile, ProfileStatus
from profiles.services import profile_set_status
from tests.profiles.page_helpers import make_profile

LIST = "/account/callback-profiles/"


def test_anonymous_user_is_sent_to_login(client, db):
    response = client.get(LIST)
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_list_shows_profiles_with_id_copy_button_and_status_badges(client, alice):
    active = make_profile(alice.account, "Orders hook")
    auto = make_profile(alice.account, "Broken hook")
    profile_set_status(profile=auto, status=ProfileStatus.AUTO_DISABLED, reason="failing")
    off = make_profile(alice.account, "Paused hook")
    profile_set_status(profile=off, status=ProfileStatus.DISABLED)
    client.force_login(alice.user)

    html = client.get(LIST).content.decode()

    assert "<title>Callback Profiles · Alice Co · Callback Profiles</title>" in html
    for profile in (active, auto, off):
        assert profile.profile_id in html
        assert f'data-copy="{profile.profile_id}"' in html
        assert f'href="/account/callback-profiles/{profile.profile_id}/edit/"' in html
        assert f'href="/account/callback-profiles/{profile.profile_id}/delete/"' in html
    assert '<span class="badge active">Active</span>' in html
    assert '<span class="badge auto-disabled">Auto-Disabled</span>' in html
    assert '<span class="badge disabled">Disabled</span>' in html
    assert 'href="/account/callback-profiles/new/"' in html


def test_layout_has_account_name_and_menu(client, alice):
    client.force_login(alice.user)
    html = client.get(LIST).content.decode()
    assert "Alice Co" in html and alice.sid in html
    for href in ('href="/account/callback-profiles/" aria-current="page"', 'href="/channels/"',
                 'href="/sms/logs/"', 'href="/deliveries/inbox/"', 'href="/account/api-keys/"'):
        assert href in html


def test_search_by_name_and_filter_by_method(client, alice):
    make_profile(alice.account, "Orders POST")
    make_profile(alice.account, "Orders GET", http_method="GET", body=None,
                 url="https://example.com/cb?status=<status>")
    make_profile(alice.account, "Billing POST")
    client.force_login(alice.user)

    html = client.get(LIST, {"title": "orders"}).content.decode()
    assert "Orders POST" in html and "Orders GET" in html and "Billing POST" not in html

    html = client.get(LIST, {"title": "orders", "http_method": "GET"}).content.decode()
    assert "Orders GET" in html and "Orders POST" not in html
    assert "1 profile matches your filters" in html


def test_filter_by_status(client, alice):
    make_profile(alice.account, "Running")
    paused = make_profile(alice.account, "Paused")
    profile_set_status(profile=paused, status=ProfileStatus.DISABLED)
    client.force_login(alice.user)
    html = client.get(LIST, {"status": "3"}).content.decode()
    assert "Paused" in html and "Running" not in html


def test_filter_by_created_date_range(client, alice):
    old = make_profile(alice.account, "Old profile")
    make_profile(alice.account, "New profile")
    ten_days_ago = timezone.now() - timedelta(days=10)
    CallbackProfile.objects.filter(pk=old.pk).update(created_at=ten_days_ago)
    client.force_login(alice.user)
    today = timezone.now().date()

    html = client.get(LIST, {"created_from": str(today - timedelta(days=1))}).content.decode()
    assert "New profile" in html and "Old profile" not in html

    html = client.get(LIST, {"created_to": str(today - timedelta(days=5))}).content.decode()
    assert "Old profile" in html and "New profile" not in html


def test_bad_dates_are_reported_not_a_500(client, alice):
    make_profile(alice.account, "Some profile")
    client.force_login(alice.user)
    response = client.get(LIST, {"created_from": "yesterday", "created_to": "2024-01-01"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Enter a valid date." in html
    response = client.get(LIST, {"created_from": "2024-02-01", "created_to": "2024-01-01"})
    assert "must be on or after the “Created from” date." in response.content.decode()


def test_pagination_keeps_the_filters(client, alice):
    for number in range(25):
        make_profile(alice.account, f"Hook {number:02d}")
    make_profile(alice.account, "Other", http_method="GET", body=None)
    client.force_login(alice.user)

    html = client.get(LIST, {"title": "hook", "http_method": "POST"}).content.decode()
    assert "Page 1 of 2" in html
    assert 'href="?title=hook&amp;http_method=POST&amp;page=2"' in html

    html = client.get(LIST, {"title": "hook", "http_method": "POST", "page": 2}).content.decode()
    assert "Page 2 of 2" in html
    assert html.count('data-copy="IN_') == 5
    assert "Other" not in html
    # The filter inputs show the filters again.
    assert 'value="hook"' in html
    assert '<option value="POST" selected>' in html


def test_empty_list_offers_to_add_one(client, alice):
    client.force_login(alice.user)
    html = client.get(LIST).content.decode()
    assert "No callback profiles yet." in html


def test_list_shows_only_own_account(client, alice, charlie):
    make_profile(charlie.account, "Charlies hook")
    client.force_login(alice.user)
    assert "Charlies hook" not in client.get(LIST).content.decode()


def test_list_query_count_does_not_grow_with_profiles(client, alice, django_assert_max_num_queries):
    for number in range(30):
        make_profile(alice.account, f"Hook {number:02d}", headers={"X-N": str(number)})
    client.force_login(alice.user)
    with django_assert_max_num_queries(8):
        response = client.get(LIST, {"title": "hook"})
    assert response.status_code == 200
    assert response.content.decode().count('data-copy="IN_') == 20


def test_delete_asks_for_confirmation_then_deletes(client, alice):
    profile = make_profile(alice.account, "Doomed hook")
    client.force_login(alice.user)
    url = f"/account/callback-profiles/{profile.profile_id}/delete/"

    html = client.get(url).content.decode()
    assert "Delete “Doomed hook”?" in html
    assert CallbackProfile.objects.filter(pk=profile.pk).exists()

    response = client.post(url, follow=True)
    assert response.redirect_chain[-1][0] == LIST
    assert "Callback profile “Doomed hook” deleted." in response.content.decode()
    assert not CallbackProfile.objects.filter(pk=profile.pk).exists()


def test_teammate_can_delete(client, alice, bob):
    profile = make_profile(alice.account, "Team hook")
    client.force_login(bob.user)
    client.post(f"/account/callback-profiles/{profile.profile_id}/delete/")
    assert not CallbackProfile.objects.filter(pk=profile.pk).exists()
