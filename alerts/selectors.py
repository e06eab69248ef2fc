"""Reads of alerts, always scoped to one account."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from accounts.models import Account

from .models import Alert, AlertSettings

BANNER_LIMIT = 3


def alerts_enabled(*, account: Account) -> bool:
    found = AlertSettings.objects.filter(account=account).values_list("enabled", flat=True).first()
    return True if found is None else found


def open_alert_list(*, account: Account) -> QuerySet[Alert]:
    return (Alert.objects.filter(account=account, acknowledged_at__isnull=True)
            .select_related("profile").order_by("-last_raised_at", "-id"))


def alert_list(*, account: Account) -> QuerySet[Alert]:
    return Alert.objects.filter(account=account).select_related("profile", "acknowledged_by")


def get_alert_for_account(*, account: Account, pk: int) -> Alert:
    alert = Alert.objects.filter(account=account, pk=pk).first()
    if alert is None:
        raise Http404("No alert exists with this id")
    return alert
