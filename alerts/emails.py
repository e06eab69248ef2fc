"""The alert email: to every user of the account, at most one per profile per interval."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from .models import Alert, AlertEmailThrottle, AlertKind

logger = logging.getLogger(__name__)

SUBJECTS = {
    AlertKind.DELIVERY_FAILED: "Callbacks to “{title}” are failing",
    AlertKind.PROFILE_AUTO_DISABLED: "Callback profile “{title}” was auto-disabled",
    AlertKind.PROFILE_RECOVERED: "Callbacks to “{title}” are getting through again",
}
NEVER = datetime(2000, 1, 1, tzinfo=UTC)


def _claim_email_slot(profile_pk: int, now: datetime) -> bool:
    """True for exactly one caller per profile per interval (a conditional UPDATE)."""
    interval = timedelta(seconds=settings.ALERT_EMAIL_INTERVAL_SECONDS)
    try:
        with transaction.atomic():
            AlertEmailThrottle.objects.get_or_create(profile_id=profile_pk,
                                                     defaults={"last_sent_at": NEVER})
    except IntegrityError:  # created by a concurrent caller: the UPDATE below decides
        pass
    claimed = AlertEmailThrottle.objects.filter(
        profile_id=profile_pk, last_sent_at__lte=now - interval
    ).update(last_sent_at=now)
    return claimed == 1


def _recipients(alert: Alert) -> list[str]:
    users = get_user_model().objects.filter(
        membership__account_id=alert.account_id, is_active=True
    ).exclude(email="").order_by("pk")
    return list(users.values_list("email", flat=True))


def send_alert_email(*, alert_pk: int) -> bool:
    """Email the alert unless the profile's window is closed; True when an email went out."""
    alert = Alert.objects.select_related("profile", "account").filter(pk=alert_pk).first()
    if alert is None or alert.acknowledged_at is not None:
        return False
    recipients = _recipients(alert)
    if not recipients:
        return False
    now = timezone.now()
    if not _claim_email_slot(alert.profile_id, now):
        return False
    profile_path = reverse("profiles:detail", args=[alert.profile.profile_id])
    context = {
        "alert": alert,
        "profile": alert.profile,
        "profile_url": f"{settings.SITE_URL}{profile_path}",
        "settings_url": f"{settings.SITE_URL}{reverse('alerts:list')}",
        "interval_minutes": settings.ALERT_EMAIL_INTERVAL_SECONDS // 60,
    }
    try:
        send_mail(
            subject=SUBJECTS[AlertKind(alert.kind)].format(title=alert.profile.title),
            message=render_to_string("alerts/alert_email.txt", context),
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=recipients,
        )
    except Exception:  # noqa: BLE001 - a mail outage must not break the delivery engine
        logger.exception("Could not email alert %s", alert.pk)
        AlertEmailThrottle.objects.filter(profile_id=alert.profile_id,
                                          last_sent_at=now).update(last_sent_at=NEVER)
        return False
    Alert.objects.filter(pk=alert.pk).update(emailed_at=now)
    return True
