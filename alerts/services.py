"""Raising and acknowledging alerts. The delivery engine calls `alert_raise`.

An alert is recorded (and shown as a banner) every time; the email goes out on commit, at most
once per profile per ALERT_EMAIL_INTERVAL_SECONDS (emails.py). With the account's switch off
nothing is recorded or sent.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from accounts.models import Account
from profiles.models import CallbackProfile

from .emails import send_alert_email
from .models import Alert, AlertKind, AlertSettings
from .selectors import alerts_enabled

DETAIL_MAX = 300


@transaction.atomic
def alert_raise(*, profile: CallbackProfile, kind: str, detail: str = "") -> Alert | None:
    kind = AlertKind(kind)
    if not alerts_enabled(account=profile.account):
        return None
    now = timezone.now()
    alert = (Alert.objects.select_for_update()
             .filter(profile=profile, kind=kind, acknowledged_at__isnull=True).first())
    if alert is None:
        alert = Alert.objects.create(account_id=profile.account_id, profile=profile, kind=kind,
                                     detail=detail[:DETAIL_MAX], last_raised_at=now)
    else:
        alert.occurrences += 1
        alert.detail = detail[:DETAIL_MAX] or alert.detail
        alert.last_raised_at = now
        alert.save(update_fields=["occurrences", "detail", "last_raised_at"])
    if kind == AlertKind.PROFILE_RECOVERED:
        # The failures it recovered from are resolved: their banners go.
        Alert.objects.filter(profile=profile, acknowledged_at__isnull=True).exclude(
            kind=AlertKind.PROFILE_RECOVERED).update(acknowledged_at=now)
    alert_pk = alert.pk
    transaction.on_commit(lambda: send_alert_email(alert_pk=alert_pk))
    return alert


def alert_acknowledge(*, alert: Alert, user) -> Alert:
    if alert.acknowledged_at is None:
        alert.acknowledged_at = timezone.now()
        alert.acknowledged_by = user
        alert.save(update_fields=["acknowledged_at", "acknowledged_by"])
    return alert


def alert_acknowledge_all(*, account: Account, user) -> int:
    return Alert.objects.filter(account=account, acknowledged_at__isnull=True).update(
        acknowledged_at=timezone.now(), acknowledged_by=user)


def alert_settings_set(*, account: Account, enabled: bool) -> AlertSettings:
    found, _ = AlertSettings.objects.update_or_create(account=account,
                                                      defaults={"enabled": enabled})
    return found
