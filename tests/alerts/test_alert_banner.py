"""The pages show the account's open alerts as a banner until someone acknowledges them;
the alerts page lists them and holds the account's on/off switch."""

from __future__ import annotations

from django.test import Client

from alerts.models import Alert, AlertKind
from alerts.selectors import alerts_enabled
from alerts.services import alert_raise

from .test_alert_emails import make_profile


def logged_in(actor) -> Client:
    client = Client()
    client.force_login(actor.user)
    return client


def test_banner_shows_on_pages_until_acknowledged(alice, bob):
    profile = make_profile(alice.account)
    alert = alert_raise(profile=profile, kind=AlertKind.PROFILE_AUTO_DISABLED,
                        detail="every delivery failed for 5 days (7 attempts)")

    page = logged_in(bob).get("/sms/logs/").content.decode()
    assert "Profile auto-disabled" in page
    assert "every delivery failed for 5 days (7 attempts)" in page
    assert f"/alerts/{alert.pk}/acknowledge" in page

    response = logged_in(alice).post(f"/alerts/{alert.pk}/acknowledge", {"next": "/sms/logs/"})
    assert response.status_code == 302 and response["Location"] == "/sms/logs/"

    assert "Profile auto-disabled" not in logged_in(bob).get("/sms/logs/").content.decode()
    alert.refresh_from_db()
    assert alert.acknowledged_by == alice.user


def test_stranger_sees_no_banner_and_cannot_acknowledge(alice, charlie):
    alert = alert_raise(profile=make_profile(alice.account), kind=AlertKind.DELIVERY_FAILED)
    stranger = logged_in(charlie)

    assert "A delivery failed" not in stranger.get("/sms/logs/").content.decode()
    assert stranger.post(f"/alerts/{alert.pk}/acknowledge").status_code == 404
    alert.refresh_from_db()
    assert alert.acknowledged_at is None


def test_acknowledge_all_and_history(alice):
    profile = make_profile(alice.account)
    for kind in (AlertKind.DELIVERY_FAILED, AlertKind.PROFILE_AUTO_DISABLED):
        alert_raise(profile=profile, kind=kind, detail="")
    client = logged_in(alice)

    client.post("/alerts/acknowledge-all")

    assert not Alert.objects.filter(acknowledged_at__isnull=True).exists()
    history = client.get("/alerts/").content.decode()
    assert history.count("Acknowledged by alice@example.com") == 2


def test_next_never_leaves_the_site(alice):
    alert = alert_raise(profile=make_profile(alice.account), kind=AlertKind.DELIVERY_FAILED)

    response = logged_in(alice).post(f"/alerts/{alert.pk}/acknowledge",
                                     {"next": "https://evil.example.com/"})

    assert response["Location"] == "/alerts/"


def test_switch_alerts_off_and_on(alice):
    client = logged_in(alice)

    response = client.post("/alerts/settings", {"enabled": "off"}, follow=True)
    assert "Alerts turned off" in response.content.decode()
    assert not alerts_enabled(account=alice.account)

    assert client.post("/alerts/settings", {"enabled": "maybe"}, follow=True).status_code == 200
    assert not alerts_enabled(account=alice.account)

    client.post("/alerts/settings", {"enabled": "on"})
    assert alerts_enabled(account=alice.account)


def test_alert_pages_need_a_login(db):
    response = Client().get("/alerts/")
    assert response.status_code == 302 and "/login/" in response["Location"]
