"""Alert emails land in the account's users' inboxes at most once per profile per window;
each account can turn alerts off."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from alerts.models import Alert, AlertEmailThrottle, AlertKind
from alerts.services import alert_raise, alert_settings_set
from profiles.services import profile_create
from profiles.validation import ProfileInput


def make_profile(account, title="Delivery reports"):
    return profile_create(account=account, data=ProfileInput(
        title=title, channel="sms", http_method="POST", url="https://example.com/cb", body=None,
    ))


@pytest.fixture
def raise_alert(django_capture_on_commit_callbacks):
    """alert_raise as the engine calls it, with the email sent on commit."""
    def raise_(profile, kind=AlertKind.DELIVERY_FAILED, detail="endpoint answered HTTP 503"):
        with django_capture_on_commit_callbacks(execute=True):
            return alert_raise(profile=profile, kind=kind, detail=detail)
    return raise_


def test_failed_delivery_emails_every_user_of_the_account(alice, bob, charlie, raise_alert):
    profile = make_profile(alice.account)

    raise_alert(profile)

    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert sorted(email.to) == ["alice@example.com", "bob@example.com"]
    assert email.subject == "Callbacks to “Delivery reports” are failing"
    assert "endpoint answered HTTP 503" in email.body
    assert f"/account/callback-profiles/{profile.profile_id}/" in email.body
    assert Alert.objects.get().emailed_at is not None


def test_at_most_one_email_per_profile_per_window(alice, raise_alert):
    profile = make_profile(alice.account)
    other = make_profile(alice.account, title="Inbound hook")

    raise_alert(profile)
    raise_alert(profile, detail="connection refused")
    raise_alert(profile, kind=AlertKind.PROFILE_AUTO_DISABLED, detail="failed for 5 days")
    raise_alert(other)  # another profile has its own window

    assert [e.subject for e in mail.outbox] == [
        "Callbacks to “Delivery reports” are failing",
        "Callbacks to “Inbound hook” are failing",
    ]
    failed = Alert.objects.get(profile=profile, kind=AlertKind.DELIVERY_FAILED)
    assert failed.occurrences == 2 and failed.detail == "connection refused"
    assert Alert.objects.filter(profile=profile).count() == 2  # both still show as banners

    # An hour later the window is open again.
    AlertEmailThrottle.objects.filter(profile=profile).update(
        last_sent_at=timezone.now() - timedelta(hours=1, seconds=1))
    raise_alert(profile, kind=AlertKind.PROFILE_AUTO_DISABLED, detail="failed for 5 days")

    assert len(mail.outbox) == 3
    assert mail.outbox[2].subject == "Callback profile “Delivery reports” was auto-disabled"


def test_recovery_resolves_the_failure_alerts(alice, raise_alert):
    profile = make_profile(alice.account)
    raise_alert(profile)
    AlertEmailThrottle.objects.update(last_sent_at=timezone.now() - timedelta(hours=2))

    raise_alert(profile, kind=AlertKind.PROFILE_RECOVERED, detail="")

    assert mail.outbox[-1].subject == "Callbacks to “Delivery reports” are getting through again"
    open_kinds = set(Alert.objects.filter(acknowledged_at__isnull=True)
                     .values_list("kind", flat=True))
    assert open_kinds == {AlertKind.PROFILE_RECOVERED}


def test_account_can_turn_alerts_off(alice, raise_alert):
    profile = make_profile(alice.account)
    alert_settings_set(account=alice.account, enabled=False)

    assert raise_alert(profile) is None

    assert mail.outbox == []
    assert not Alert.objects.exists()


def test_unknown_kind_is_refused(alice):
    with pytest.raises(ValueError):
        alert_raise(profile=make_profile(alice.account), kind="nonsense", detail="")


def test_a_mail_outage_does_not_break_the_caller_and_reopens_the_window(
        alice, raise_alert, settings):
    settings.EMAIL_BACKEND = "tests.alerts.failing_email.Backend"
    profile = make_profile(alice.account)

    raise_alert(profile)  # does not raise

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    raise_alert(profile)
    assert len(mail.outbox) == 1
