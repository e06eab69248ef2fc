"""Outgoing SMS: one Message row per recipient of a send request.

Each row holds everything the "SMS-sent" dynamic variables need, so the delivery report can be
built from the row alone (`callback_variables`).
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.db import models
from django.utils import timezone

from accounts.models import Account
from callbackadmin.encrypted_fields import EncryptedTextField
from delivery.models import Delivery
from profiles.models import CallbackProfile

from .recipients import zone


class MessageType(models.TextChoices):
    OTP = "OTP", "OTP"
    TXN = "TXN", "Transactional"
    MKT = "MKT", "Promotional"


class MessageStatus(models.TextChoices):
    SENT = "Sent"  # accepted and handed to the (simulated) operator; no delivery report yet
    DELIVERED = "Delivered"
    UNDELIVERED = "Undelivered"
    FAILED = "Failed"
    REJECTED = "Rejected"  # a carrier refused it (submit error or REJECTD receipt)
    EXPIRED = "Expired"  # no final receipt within the validity period, or an EXPIRED receipt


class SubmitState(models.TextChoices):
    """Where a message routed to a real carrier is on its way there (README: Connecting a
    carrier). Empty for messages the carrier simulator settles."""

    NONE = "", "Simulator"
    QUEUED = "queued", "Queued"  # waiting for a bind (again, after throttling or a lost link)
    SUBMITTING = "submitting", "Submitting"  # claimed by the bind named in submit_lease
    SUBMITTED = "submitted", "Submitted"  # every part has the carrier's id
    DONE = "done", "Done"  # settled before every part was submitted (submit error)


class Carrier(models.Model):
    """An SMSC reached over SMPP, or a Kannel gateway over its sendsms API. `SMS_CARRIER_URL`
    is kept as the row `from_environment`; more rows route destinations by prefix (the longest
    matching prefix wins)."""

    name = models.CharField(max_length=60, unique=True)
    url = EncryptedTextField(
        "carrier URL",
        help_text="smpp://SYSTEM_ID:PASSWORD@HOST:PORT?options or "
                  "kannel://USERNAME:PASSWORD@HOST:PORT?dlr_url=... "
                  "(README: Connecting a carrier).")
    prefixes = models.CharField(
        max_length=500, blank=True,
        help_text="Comma-separated E.164 prefixes (+91,+4477) this carrier takes; "
                  "empty = every destination no other carrier's prefix matches.")
    active = models.BooleanField(default=True)
    from_environment = models.BooleanField(default=False, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    modified_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def prefix_list(self) -> list[str]:
        return [p.strip() for p in self.prefixes.split(",") if p.strip()]


class Encoding(models.TextChoices):
    GSM7 = "gsm7", "GSM-7"
    UCS2 = "ucs2", "UCS-2"


class Message(models.Model):
    # Indexed by the (account, -sent_at) index below, and `request_id` by unique_sms_position:
    # an index of their own would only slow every send down.
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="sms_messages",
                                db_index=False)
    # The `id` variable: one per API request, shared by all its recipients.
    request_id = models.UUIDField(default=uuid.uuid4)
    position = models.PositiveIntegerField(help_text="1-based order of the recipient in `to`.")
    message_id = models.CharField(max_length=64, unique=True)  # "<request_id>:<position>"
    recipient = models.CharField(max_length=20, help_text="E.164, with the +.")
    body = models.TextField()
    encoding = models.CharField(max_length=4, choices=Encoding.choices)
    length = models.PositiveIntegerField()
    units = models.PositiveIntegerField()
    iso_code = models.CharField(max_length=2, blank=True)
    country_name = models.CharField(max_length=80, blank=True)
    time_zone = models.CharField(max_length=64, default="UTC")
    price = models.DecimalField(max_digits=12, decimal_places=6)
    sender = models.CharField(max_length=16)
    type = models.CharField(max_length=3, choices=MessageType.choices)
    template_id = models.CharField(max_length=30, blank=True)
    flash = models.BooleanField(default=False)
    # Units this account had sent that day (UTC) when this message was accepted, itself included.
    total = models.PositiveIntegerField(default=0)
    source = models.CharField(max_length=20, default="API")
    campaign_name = models.CharField(max_length=100, blank=True)
    ref = models.CharField(max_length=100, blank=True)
    ref1 = models.CharField(max_length=100, blank=True)
    ref2 = models.CharField(max_length=100, blank=True)
    callback_profile = models.ForeignKey(
        CallbackProfile, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="sms_messages",
    )
    callback_delivery = models.ForeignKey(
        Delivery, null=True, blank=True, on_delete=models.SET_NULL, related_name="sms_messages",
    )
    status = models.CharField(
        max_length=16, choices=MessageStatus.choices, default=MessageStatus.SENT, db_index=True
    )
    status_trace = models.CharField(max_length=32, default="SENT")
    description = models.CharField(max_length=200, blank=True)
    sent_at = models.DateTimeField(default=timezone.now)
    status_at = models.DateTimeField(default=timezone.now)
    settled_at = models.DateTimeField(null=True, blank=True)
    # When the carrier simulator's delivery report is due; the worker settles every unsettled
    # message past it (the Message table is the queue: nothing to lose if a worker dies).
    settle_after = models.DateTimeField(default=timezone.now)
    # Routed to a real carrier (README: Connecting a carrier); then `settle_after` is the end
    # of the validity period (no final receipt by then: Expired, NO-DLR).
    carrier = models.ForeignKey(Carrier, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="messages")
    submit_state = models.CharField(max_length=10, choices=SubmitState.choices, blank=True,
                                    default=SubmitState.NONE)
    submit_after = models.DateTimeField(null=True, blank=True)
    submit_lease = models.CharField(max_length=120, blank=True)
    submit_attempts = models.PositiveIntegerField(default=0)
    carrier_message_id = models.CharField(max_length=300, blank=True,
                                          help_text="The carrier's id of each part.")
    smsc_error = models.CharField(max_length=60, blank=True,
                                  help_text="The SMSC's error code, e.g. ESME_RINVDSTADR (0x0B).")

    class Meta:
        ordering = ["-sent_at", "-id"]
        indexes = [
            models.Index(fields=["account", "-sent_at"]),
            models.Index(fields=["account", "status", "-sent_at"]),
            models.Index(fields=["settle_after"], condition=models.Q(settled_at__isnull=True),
                         name="sms_unsettled_idx"),
            models.Index(fields=["carrier", "submit_state", "submit_after"],
                         condition=models.Q(submit_state__in=["queued", "submitting"]),
                         name="sms_unsubmitted_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["request_id", "position"], name="unique_sms_position"),
        ]

    def __str__(self) -> str:
        return f"{self.message_id} → {self.recipient} ({self.status})"

    @property
    def is_settled(self) -> bool:
        return self.settled_at is not None

    @property
    def recipient_digits(self) -> str:
        return self.recipient.lstrip("+")

    @property
    def sent_time(self) -> str:
        # "based on the country specified using the iso_code": the recipient's local time.
        return self.sent_at.astimezone(zone(self.time_zone)).strftime("%Y-%m-%d %H:%M:%S")

    @property
    def status_time(self) -> str:
        return self.status_at.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S+00:00")

    def callback_variables(self) -> dict[str, Any]:
        """The "SMS-sent" dynamic variables of this message, typed as the catalog says."""
        return {
            "flash": 1 if self.flash else 0,
            "sent_time": self.sent_time,
            "total": self.total,
            "source": self.source,
            "sender": self.sender,
            "price": f"{self.price:.6f}",
            "iso_code": self.iso_code,
            "country_name": self.country_name,
            "campaign_name": self.campaign_name,
            "length": self.length,
            "units": self.units,
            "type": self.type,
            "id": str(self.request_id),
            "description": self.description,
            "status": self.status,
            "message_id": self.message_id,
            "recipient": self.recipient_digits,
            "status_trace": self.status_trace,
            "status_time": self.status_time,
            "ref": self.ref,
            "ref1": self.ref1,
            "ref2": self.ref2,
        }


class OptOut(models.Model):
    """A number that texted an opt-out keyword (STOP...) to one of the account's numbers.

    The row stays after an opt-in (START...) as the record of both; the number is opted out
    while `opted_in_at` is empty.
    """

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="opt_outs")
    number = models.CharField(max_length=20, help_text="E.164, with the +.")
    keyword = models.CharField(max_length=30, help_text="The word that opted the number out.")
    via = models.CharField(max_length=20, blank=True, help_text="The VMN it was texted to.")
    opted_out_at = models.DateTimeField(default=timezone.now)
    opted_in_at = models.DateTimeField(null=True, blank=True)
    opt_in_keyword = models.CharField(max_length=30, blank=True)

    class Meta:
        ordering = ["-opted_out_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["account", "number"], name="unique_opt_out_number"),
        ]

    def __str__(self) -> str:
        return f"{self.number} ({'opted in' if self.opted_in_at else 'opted out'})"

    @property
    def is_opted_out(self) -> bool:
        return self.opted_in_at is None


class OptOutSettings(models.Model):
    """The account's answers to the standard keywords (after Twilio's Advanced Opt-Out)."""

    account = models.OneToOneField(Account, on_delete=models.CASCADE,
                                   related_name="opt_out_settings")
    opt_out_reply = models.CharField("opt-out confirmation", max_length=320, blank=True)
    opt_in_reply = models.CharField("opt-in confirmation", max_length=320, blank=True)
    help_reply = models.CharField("help text", max_length=320, blank=True)
    modified_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "opt-out settings"
        verbose_name_plural = "opt-out settings"

    def __str__(self) -> str:
        return f"Opt-out settings of {self.account}"


class MessagePart(models.Model):
    """One submit_sm of a message to its carrier: a concatenated text has one per unit."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="parts")
    number = models.PositiveSmallIntegerField()  # 1-based
    carrier_message_id = models.CharField(max_length=65, blank=True, db_index=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    stat = models.CharField(max_length=10, blank=True, help_text="Latest receipt state.")
    err = models.CharField(max_length=10, blank=True)
    receipt_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["message", "number"]
        constraints = [
            models.UniqueConstraint(fields=["message", "number"], name="unique_message_part"),
        ]
        indexes = [models.Index(fields=["receipt_at"], name="sms_part_receipt_idx"),
                   models.Index(fields=["submitted_at"], name="sms_part_submitted_idx")]

    def __str__(self) -> str:
        return f"{self.message_id} part {self.number}"


class EarlyReceipt(models.Model):
    """A receipt whose carrier id no submit_sm_resp has named yet: applied when one does."""

    # Empty for a receipt posted to /inbound/dlr (its id is looked up across carriers).
    carrier = models.ForeignKey(Carrier, null=True, blank=True, on_delete=models.CASCADE,
                                related_name="+")
    carrier_message_id = models.CharField(max_length=65)
    stat = models.CharField(max_length=10)
    err = models.CharField(max_length=10, blank=True)
    received_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(
            fields=["carrier", "carrier_message_id", "stat"], name="unique_early_receipt")]


class IncomingPart(models.Model):
    """A part of a concatenated mobile-originated SMS, kept until every part has arrived."""

    carrier = models.ForeignKey(Carrier, on_delete=models.CASCADE, related_name="+")
    source = models.CharField(max_length=32)
    destination = models.CharField(max_length=32)
    reference = models.PositiveIntegerField()
    total = models.PositiveSmallIntegerField()
    number = models.PositiveSmallIntegerField()
    text = models.TextField()
    received_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(
            fields=["carrier", "source", "destination", "reference", "number"],
            name="unique_incoming_part")]


class BindLease(models.Model):
    """One of a carrier's `binds` session slots. A worker holds it while `expires_at` is ahead
    and renews it every few seconds; a dead worker's slot is taken over once it lapses. The row
    also carries what operators see: bind state and outstanding window."""

    carrier = models.ForeignKey(Carrier, on_delete=models.CASCADE, related_name="leases")
    slot = models.PositiveSmallIntegerField()
    holder = models.CharField(max_length=120, blank=True)
    expires_at = models.DateTimeField(default=timezone.now)
    state = models.CharField(max_length=20, default="down")
    outstanding = models.PositiveIntegerField(default=0)
    detail = models.CharField(max_length=200, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["carrier", "slot"]
        constraints = [models.UniqueConstraint(fields=["carrier", "slot"],
                                               name="unique_bind_slot")]

    def __str__(self) -> str:
        return f"{self.carrier} bind {self.slot}: {self.state}"


class DailyUnits(models.Model):
    """The account's units sent on one UTC day: the `total` variable, read and advanced by one
    atomic upsert per send request (sms/daily_units.py), whatever the day's volume."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="+")
    day = models.DateField(help_text="UTC.")
    units = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = "daily units"
        verbose_name_plural = "daily units"
        constraints = [
            models.UniqueConstraint(fields=["account", "day"], name="unique_daily_units"),
        ]

    def __str__(self) -> str:
        return f"{self.account_id} {self.day}: {self.units}"
