"""A display time zone per account (Account settings): pages show and label their times in it,
while the API, stored data and callback variables stay UTC."""

from __future__ import annotations

from datetime import UTC, datetime

from delivery.models import Delivery
from tests.profiles.page_helpers import make_delivery, make_profile


def test_settings_page_changes_the_zone_every_page_shows(client, alice):
    client.force_login(alice.user)
    page = client.get("/account/settings/").content.decode()
    assert 'name="time_zone"' in page and '<option value="Asia/Kolkata">' in page
    response = client.post("/account/settings/", {"time_zone": "Asia/Kolkata"}, follow=True)
    assert "Times are now shown in Asia/Kolkata." in response.content.decode()
    alice.account.refresh_from_db()
    assert alice.account.time_zone == "Asia/Kolkata"

    profile = make_profile(alice.account)
    delivery = make_delivery(profile, at=datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC))
    html = client.get(f"/deliveries/{delivery.pk}/").content.decode()
    assert "2026-01-02 08:34:05 Asia/Kolkata" in html  # 03:04:05 UTC + 05:30
    listing = client.get("/deliveries/").content.decode()
    assert "Created (Asia/Kolkata)" in listing and "2026-01-02 08:34:05" in listing


def test_an_unknown_zone_is_a_form_error(client, alice):
    client.force_login(alice.user)
    response = client.post("/account/settings/", {"time_zone": "Mars/Olympus"})
    assert response.status_code == 400 and "Select a valid choice" in response.content.decode()
    alice.account.refresh_from_db()
    assert alice.account.time_zone == "UTC"


def test_the_chart_counts_hours_of_the_display_zone(client, alice):
    from django.utils import timezone

    alice.account.time_zone = "Asia/Kolkata"
    alice.account.save()
    profile = make_profile(alice.account)
    make_delivery(profile, at=timezone.now())
    client.force_login(alice.user)
    html = client.get(f"/account/callback-profiles/{profile.profile_id}/").content.decode()
    assert "(hours in Asia/Kolkata)" in html
    local_hour = timezone.localtime(timezone.now(), timezone=__import__("zoneinfo").ZoneInfo(
        "Asia/Kolkata")).strftime("%H:00")
    assert f"<title>{local_hour} Asia/Kolkata: 1 succeeded, 0 failed</title>" in html


def test_the_api_and_the_incoming_timestamp_stay_utc(client, alice, settings_private_ok):
    from receive_sms.services import vmn_provision

    alice.account.time_zone = "Asia/Kolkata"
    alice.account.save()
    vmn = vmn_provision(account=alice.account, number="+919870012345")
    from receive_sms.services import ConfigurationInput, configuration_create

    profile = make_profile(alice.account, channel="default", body={"at": "<timestamp>"})
    configuration_create(account=alice.account,
                         data=ConfigurationInput(vmn=vmn, callback_profile=profile))
    client.force_login(alice.user)
    client.post("/channels/sms/receive/simulate/", {
        "to": "+919870012345", "source": "+918240123456", "message": "hi"})
    delivery = Delivery.objects.get()
    received = delivery.incoming_messages.get().received_at
    assert delivery.variables["timestamp"] == received.astimezone(UTC).strftime(
        "%Y-%m-%d %H:%M:%S")
    api = alice.api().get(f"/v1/{alice.sid}/callback/profiles/{profile.profile_id}").json()
    assert api["data"]["created_at"].endswith(("Z", "+00:00")), api["data"]["created_at"]
