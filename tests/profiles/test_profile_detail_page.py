"""The profile page: summary with masked secrets, signing secret rotation, status actions,
delivery log and the 24-hour chart."""

from __future__ import annotations

import re
from datetime import timedelta

from django.utils import timezone

from delivery.models import DeliveryStatus
from profiles.models import CallbackProfile, ProfileStatus
from profiles.services import profile_set_status
from tests.profiles.page_helpers import make_delivery, make_encrypted_profile, make_profile


def page(profile) -> str:
    return f"/account/callback-profiles/{profile.profile_id}/"


def test_summary_masks_secrets_behind_reveal(client, alice):
    profile = make_encrypted_profile(alice.account, "Secretive")
    client.force_login(alice.user)
    html = client.get(page(profile)).content.decode()
    assert "<title>Secretive – Callback Profile · Alice Co · Callback Profiles</title>" in html
    assert "SMS - callback dynamic variables and types from SMS" in html
    assert "SMS Send" in html
    # Each secret is inside a closed <details>, after a mask and a "Reveal" control.
    for secret in ("secret-header-value", "0123456789abcdef", "abcdef9876543210",
                   profile.signing_secret):
        assert re.search(
            r'<details class="secret"><summary><span class="masked"[^>]*>••••••••</span>.*?Reveal'
            r'.*?</summary><code[^>]*>' + re.escape(secret) + "</code></details>",
            html,
        ), secret
    assert "AES-128-GCM" in html and "<code>recipient</code>" in html


def test_rotate_signing_secret(client, alice):
    profile = make_profile(alice.account)
    old = profile.signing_secret
    client.force_login(alice.user)
    response = client.post(page(profile) + "rotate-secret/", follow=True)
    profile.refresh_from_db()
    assert profile.signing_secret != old and profile.signing_secret.startswith("whsec_")
    html = response.content.decode()
    assert "New signing secret created." in html
    assert "The previous secret also signs until" in html
    assert profile.signing_secret in html


def test_disable_enable_and_reenable(client, alice):
    profile = make_profile(alice.account)
    client.force_login(alice.user)
    html = client.post(page(profile) + "status/", {"status": "3"}, follow=True).content.decode()
    profile.refresh_from_db()
    assert profile.status == ProfileStatus.DISABLED
    assert "Profile disabled" in html and ">Enable</button>" in html

    client.post(page(profile) + "status/", {"status": "1"})
    profile.refresh_from_db()
    assert profile.status == ProfileStatus.ACTIVE

    profile_set_status(profile=profile, status=ProfileStatus.AUTO_DISABLED,
                       reason="Every delivery failed for 5 days.")
    html = client.get(page(profile)).content.decode()
    assert "This profile was auto-disabled" in html
    assert "Every delivery failed for 5 days." in html
    assert ">Re-enable</button>" in html
    html = client.post(page(profile) + "status/", {"status": "1"}, follow=True).content.decode()
    profile.refresh_from_db()
    assert profile.status == ProfileStatus.ACTIVE
    assert "Profile re-enabled" in html


def test_bad_status_values_are_refused(client, alice):
    profile = make_profile(alice.account)
    client.force_login(alice.user)
    for value in ("2", "9", "x"):
        response = client.post(page(profile) + "status/", {"status": value}, follow=True)
        assert response.status_code == 200
        profile.refresh_from_db()
        assert profile.status == ProfileStatus.ACTIVE


def test_delivery_log_lists_deliveries_and_links_to_their_page(client, alice):
    profile = make_profile(alice.account)
    ok = make_delivery(profile, DeliveryStatus.SUCCEEDED, code=200, latency=37)
    bad = make_delivery(profile, DeliveryStatus.FAILED, code=503, latency=1200, attempts=3)
    client.force_login(alice.user)
    html = client.get(page(profile)).content.decode()
    assert f'href="/deliveries/{ok.id}/"' in html and f'href="/deliveries/{bad.id}/"' in html
    assert "HTTP 503" in html and "1200 ms" in html and "37 ms" in html
    assert '<span class="badge delivery-failed">Failed</span>' in html
    assert '<span class="badge delivery-succeeded">Succeeded</span>' in html


def test_delivery_log_paginates(client, alice):
    profile = make_profile(alice.account)
    for _ in range(25):
        make_delivery(profile)
    client.force_login(alice.user)
    html = client.get(page(profile)).content.decode()
    assert "Page 1 of 2" in html and html.count('>Details</a>') == 20
    html = client.get(page(profile), {"page": 2}).content.decode()
    assert html.count('>Details</a>') == 5


def test_chart_counts_last_24_hours_by_hour(client, alice):
    profile = make_profile(alice.account)
    now = timezone.now()
    for _ in range(3):
        make_delivery(profile, DeliveryStatus.SUCCEEDED, at=now - timedelta(hours=2))
    make_delivery(profile, DeliveryStatus.FAILED, at=now - timedelta(hours=2))
    make_delivery(profile, DeliveryStatus.SUCCEEDED, at=now)
    make_delivery(profile, DeliveryStatus.FAILED, at=now - timedelta(hours=30))  # too old
    client.force_login(alice.user)
    html = client.get(page(profile)).content.decode()
    assert "4 succeeded" in html and "1 failed" in html and "80% success" in html
    two_hours_ago = (now - timedelta(hours=2)).strftime("%H:00")
    assert f"<title>{two_hours_ago} UTC: 3 succeeded, 1 failed</title>" in html
    # The same data in two shapes: wide for laptops, taller for phones (CSS shows one).
    wide, narrow = html.split('class="chart chart-narrow"')
    for chart in (wide, narrow):
        assert chart.count('<rect class="ok"') == 2
        assert chart.count('<rect class="fail"') == 1
        assert chart.count('<g class="bar">') == 24


def test_chart_counts_retrying_deliveries_as_failing(client, alice):
    """A delivery waiting for its next try after a 503 is failing, not "0 failed"."""
    profile = make_profile(alice.account)
    make_delivery(profile, DeliveryStatus.SUCCEEDED)
    make_delivery(profile, DeliveryStatus.PENDING, code=503, attempts=2)
    make_delivery(profile, DeliveryStatus.PENDING, code=None, attempts=0)  # not tried yet
    client.force_login(alice.user)
    html = client.get(page(profile)).content.decode()
    assert "1 failing (0 failed, 1 retrying)" in html and "50% success" in html
    assert "1 succeeded, 0 failed, 1 retrying</title>" in html
    assert "Retrying" in html


def test_chart_without_deliveries(client, alice):
    profile = make_profile(alice.account)
    client.force_login(alice.user)
    html = client.get(page(profile)).content.decode()
    assert "0 succeeded" in html and "No deliveries yet." in html
    assert '<rect class="ok"' not in html


def test_profile_page_query_count_is_fixed(client, alice, django_assert_max_num_queries):
    profile = make_encrypted_profile(alice.account)
    for number in range(30):
        make_profile(alice.account, f"Other {number}")
    now = timezone.now()
    for index in range(50):
        status = DeliveryStatus.FAILED if index % 5 == 0 else DeliveryStatus.SUCCEEDED
        make_delivery(profile, status, at=now - timedelta(minutes=25 * index))
    client.force_login(alice.user)
    # 12: the page also asks whether anything is pending (live updates) and which
    # Receive Message configurations use the profile; none of it grows with the data.
    with django_assert_max_num_queries(12):
        response = client.get(page(profile))
    assert response.status_code == 200
    assert response.content.decode().count('>Details</a>') == 20


def test_deleting_a_profile_keeps_its_deliveries(client, alice):
    profile = make_profile(alice.account)
    delivery = make_delivery(profile)
    client.force_login(alice.user)
    client.post(page(profile) + "delete/")
    assert not CallbackProfile.objects.filter(pk=profile.pk).exists()
    delivery.refresh_from_db()
    assert delivery.profile_id is None
