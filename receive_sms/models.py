"""Receive SMS: virtual mobile numbers, their receive configurations and the incoming log."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.functional import cached_property

from accounts.models import Account
from profiles.models import CallbackProfile
from profiles.placeholders import profile_misfits_for_incoming


class VMN(models.Model):
    """A virtual mobile number that receives SMS for one account (E.164, e.g. +919870012345)."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="vmns")
    number = models.CharField(max_length=16, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["number"]
        verbose_name = "VMN"
        verbose_name_plural = "VMNs"

    def __str__(self) -> str:
        return self.number


class SenderIdStatus(models.TextChoices):
    PENDING = "pending", "Pending approval"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"


class SenderId(models.Model):
    """A sender ID (the name shown as the SMS "from"); approval is done by staff in the admin."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="sender_ids")
    sender_id = models.CharField("sender ID", max_length=11)
    status = models.CharField(
        max_length=10, choices=SenderIdStatus.choices, default=SenderIdStatus.PENDING
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["sender_id"]
        verbose_name = "sender ID"
        constraints = [
            models.UniqueConstraint(fields=["account", "sender_id"], name="unique_sender_id")
        ]

    def __str__(self) -> str:
        return self.sender_id


class TriggerType(models.TextChoices):
    CALLBACK_ID = "callback_id", "Callback ID"
    URL = "url", "URL"


class SubscriberList(models.Model):
    """A named list of numbers that subscribed by texting a keyword (Subscribe action)."""

    NAME_MAX_LENGTH = 50

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    account = models.ForeignKey(Account, on_delete=models.CASCADE,
                                related_name="subscriber_lists")
    name = models.CharField(max_length=NAME_MAX_LENGTH)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["account", "name"], name="unique_list_name")
        ]

    def __str__(self) -> str:
        return self.name


class Subscriber(models.Model):
    """A number on a list. Unsubscribing keeps the row (with its time) as the record."""

    subscriber_list = models.ForeignKey(SubscriberList, on_delete=models.CASCADE,
                                        related_name="subscribers")
    number = models.CharField(max_length=32)
    source_keyword = models.CharField(max_length=30, blank=True)
    subscribed_at = models.DateTimeField(null=True, blank=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)
    unsubscribe_keyword = models.CharField(max_length=30, blank=True)

    class Meta:
        ordering = ["-subscribed_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["subscriber_list", "number"],
                                    name="unique_subscriber_number")
        ]

    def __str__(self) -> str:
        return f"{self.number} on {self.subscriber_list}"

    @property
    def is_subscribed(self) -> bool:
        return self.subscribed_at is not None and self.unsubscribed_at is None


class ReceiveConfiguration(models.Model):
    """What to do with SMS arriving on a VMN: a keyword configuration, or the default one
    (blank keyword) that catches every message no keyword configuration took."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    account = models.ForeignKey(
        Account, on_delete=models.CASCADE, related_name="receive_configurations"
    )
    vmn = models.ForeignKey(VMN, on_delete=models.CASCADE, related_name="configurations")
    # Stored upper-case: matching is case-insensitive and the unique constraint must agree.
    keyword = models.CharField(max_length=30, blank=True)
    trigger_url = models.BooleanField("Trigger URL", default=True)
    trigger_type = models.CharField(
        max_length=20, choices=TriggerType.choices, default=TriggerType.CALLBACK_ID
    )
    # SET_NULL: deleting a profile must not delete the customer's number setup; a configuration
    # without a profile is shown as such and fires nothing.
    callback_profile = models.ForeignKey(
        CallbackProfile,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="receive_configurations",
    )
    # Trigger type URL: the webhook URL and the profile made for it (managed by the services,
    # so the delivery engine signs, retries and logs it like any callback).
    webhook_url = models.CharField("webhook URL", max_length=2048, blank=True)
    webhook_profile = models.OneToOneField(
        CallbackProfile, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="webhook_configuration",
    )
    # The other actions it runs, as a typed list: [{"type": "auto_reply", "text": …}, …]; each
    # type's settings are declared by its module in receive_sms/actions/.
    actions = models.JSONField(default=list, blank=True)
    # SMS-channel profile that gets the delivery reports of the replies and forwards.
    reply_callback_profile = models.ForeignKey(
        CallbackProfile, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="reply_configurations",
    )
    active = models.BooleanField(default=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    modified_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["vmn__number", "keyword"]
        constraints = [
            models.UniqueConstraint(fields=["vmn", "keyword"], name="unique_keyword_per_vmn")
        ]

    def __str__(self) -> str:
        return f"{self.vmn} · {self.keyword or '(default)'}"

    @property
    def trigger_profile(self) -> CallbackProfile | None:
        """The profile Trigger URL fires: the chosen one, or the webhook URL's."""
        if self.trigger_type == TriggerType.URL:
            return self.webhook_profile
        return self.callback_profile

    @property
    def orphaned(self) -> bool:
        """Trigger URL is on but its profile was deleted: it fires nothing."""
        return self.trigger_url and self.trigger_profile is None

    @cached_property
    def misfits(self) -> list[str]:
        """The chosen profile's placeholders an incoming SMS has no value for (sent empty); the
        profile made for a webhook URL always fits."""
        if not self.trigger_url or self.trigger_type != TriggerType.CALLBACK_ID \
                or self.callback_profile is None:
            return []
        return profile_misfits_for_incoming(self.callback_profile)


class IncomingMessage(models.Model):
    """One SMS received on a VMN, with what it matched and the callback it fired (if any)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kid = models.UUIDField(default=uuid.uuid4, editable=False)
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="incoming_messages")
    vmn = models.ForeignKey(VMN, on_delete=models.CASCADE, related_name="incoming_messages")
    source = models.CharField(max_length=32)
    recipient = models.CharField(max_length=16)
    message = models.TextField(blank=True)
    keyword = models.CharField(max_length=30, blank=True, help_text="The matched keyword.")
    operator = models.CharField(max_length=60, blank=True)
    circle = models.CharField(max_length=60, blank=True)
    received_at = models.DateTimeField(db_index=True)
    configuration = models.ForeignKey(
        ReceiveConfiguration,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="incoming_messages",
    )
    matched = models.BooleanField(default=False)
    callback_delivery = models.ForeignKey(
        "delivery.Delivery",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="incoming_messages",
    )
    # Why no callback was fired, in words for the Logs page ("No configuration matched").
    note = models.CharField(max_length=200, blank=True)
    # The carrier's id for the message (`message_id` on /inbound/sms): a replayed post with the
    # same id is recognised and neither stored nor fired again.
    carrier_message_id = models.CharField(max_length=100, blank=True, default="")
    # What the actions and the opt-out keywords did: [{"action", "ok", "detail"}], in order.
    actions = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(fields=["account", "-received_at"]),
            models.Index(fields=["vmn", "source", "-received_at"], name="incoming_replay_window"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["vmn", "carrier_message_id"], condition=~models.Q(carrier_message_id=""),
                name="unique_carrier_message_per_vmn",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source} → {self.recipient} at {self.received_at:%Y-%m-%d %H:%M:%S}"

    @property
    def misfits(self) -> list[str]:
        """What its configuration's profile sends empty for an incoming SMS."""
        return self.configuration.misfits if self.configuration else []
