"""Customer alerts: what happened to a profile, shown as a banner until acknowledged and
emailed to the account's users at most once per profile per ALERT_EMAIL_INTERVAL_SECONDS."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from accounts.models import Account
from profiles.models import CallbackProfile


class AlertKind(models.TextChoices):
    DELIVERY_FAILED = "delivery_failed", "A delivery failed after every retry"
    PROFILE_AUTO_DISABLED = "profile_auto_disabled", "Profile auto-disabled"
    PROFILE_RECOVERED = "profile_recovered", "Profile recovered"


class AlertSettings(models.Model):
    """The account-level switch; an account without a row has alerts on."""

    account = models.OneToOneField(Account, on_delete=models.CASCADE,
                                   related_name="alert_settings")
    enabled = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"alerts {'on' if self.enabled else 'off'} for {self.account_id}"


class Alert(models.Model):
    """One open alert per profile and kind: raising it again counts another occurrence."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="alerts")
    profile = models.ForeignKey(CallbackProfile, on_delete=models.CASCADE, related_name="alerts")
    kind = models.CharField(max_length=32, choices=AlertKind.choices)
    detail = models.CharField(max_length=300, blank=True)
    occurrences = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    last_raised_at = models.DateTimeField()
    emailed_at = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                        on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-last_raised_at", "-id"]
        indexes = [models.Index(fields=["account", "acknowledged_at", "-last_raised_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.profile_id}"

    @property
    def is_open(self) -> bool:
        return self.acknowledged_at is None

    @property
    def is_good_news(self) -> bool:
        return self.kind == AlertKind.PROFILE_RECOVERED


class AlertEmailThrottle(models.Model):
    """When the last alert email about a profile went out (claimed with a conditional UPDATE,
    so two workers raising at once send one email)."""

    profile = models.OneToOneField(CallbackProfile, on_delete=models.CASCADE,
                                   related_name="alert_email_throttle")
    last_sent_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"last alert email for {self.profile_id} at {self.last_sent_at}"
