"""The durable outbox: one Delivery row per callback, one DeliveryAttempt per try.

A Delivery is written in the same transaction as whatever triggered it (an SMS status, an
incoming SMS), so a callback is never lost between "it happened" and "we queued the send".
"""

from __future__ import annotations

import json
import uuid

from django.db import models

from accounts.models import Account
from callbackadmin.encrypted_fields import EncryptedTextField
from profiles.models import CallbackProfile


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    SENDING = "sending", "Sending"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"
    # The profile was disabled or auto-disabled: recorded for the log, never sent.
    SKIPPED = "skipped", "Skipped"


class Delivery(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="deliveries")
    profile = models.ForeignKey(
        CallbackProfile,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="deliveries",
    )
    event = models.CharField(max_length=40)
    source_type = models.CharField(max_length=40, blank=True)
    source_id = models.CharField(max_length=100, blank=True)
    variables = models.JSONField(default=dict, blank=True)
    # Standard Webhooks message id: the same on every retry, so receivers can de-duplicate.
    webhook_id = models.CharField(max_length=64, db_index=True)
    request_method = models.CharField(max_length=8)
    request_url = models.TextField()
    # May carry credentials (Authorization, API keys): encrypted at rest, as on the profile.
    request_headers = EncryptedTextField(default="{}", blank=True)
    request_body = models.TextField(blank=True)
    status = models.CharField(
        max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING, db_index=True
    )
    attempt_count = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    # When and by which worker the row was claimed; the recovery sweep re-queues SENDING rows
    # whose worker stopped heart-beating (or that are past the lease).
    claimed_at = models.DateTimeField(null=True, blank=True)
    claimed_by = models.CharField(max_length=64, blank=True)
    # How often a worker died holding this delivery; past a few, it is failed (no poison loop).
    abandoned_count = models.PositiveSmallIntegerField(default=0)
    last_status_code = models.PositiveIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    last_latency_ms = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "deliveries"
        indexes = [
            models.Index(fields=["account", "-created_at"]),
            models.Index(fields=["profile", "-created_at"]),
            models.Index(fields=["status", "next_attempt_at"]),
            # The queue: due work is found through this small partial index.
            models.Index(fields=["next_attempt_at"], condition=models.Q(status="pending"),
                         name="delivery_due_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.event} → {self.request_url[:60]} ({self.status})"

    @property
    def headers(self) -> dict[str, str]:
        """The stored request headers as a dict (without the per-send signature headers)."""
        try:
            value = json.loads(self.request_headers or "{}")
        except ValueError:
            return {}
        return value if isinstance(value, dict) else {}

    @property
    def is_final(self) -> bool:
        return self.status in (
            DeliveryStatus.SUCCEEDED,
            DeliveryStatus.FAILED,
            DeliveryStatus.SKIPPED,
        )


class DeliveryAttempt(models.Model):
    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="attempts")
    number = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    status_code = models.PositiveIntegerField(null=True, blank=True)
    latency_ms = models.PositiveIntegerField(null=True, blank=True)
    succeeded = models.BooleanField(default=False)
    error = models.CharField(max_length=300, blank=True)
    response_excerpt = models.TextField(blank=True)
    response_headers = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["number", "id"]
        indexes = [models.Index(fields=["delivery", "number"])]

    def __str__(self) -> str:
        return f"attempt {self.number} of {self.delivery_id}"


class Inbox(models.Model):
    """The account's built-in request inbox: any request to /inbox/<token>/ is recorded."""

    account = models.OneToOneField(Account, on_delete=models.CASCADE, related_name="inbox")
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"inbox of {self.account_id}"


class InboxRequest(models.Model):
    inbox = models.ForeignKey(Inbox, on_delete=models.CASCADE, related_name="requests")
    received_at = models.DateTimeField(auto_now_add=True, db_index=True)
    method = models.CharField(max_length=16)
    path = models.CharField(max_length=500, blank=True)
    query_string = models.TextField(blank=True)
    headers = models.JSONField(default=dict, blank=True)
    body = models.TextField(blank=True)
    body_size = models.PositiveIntegerField(default=0)
    truncated = models.BooleanField(default=False)
    remote_addr = models.CharField(max_length=64, blank=True)
    webhook_id = models.CharField(max_length=64, blank=True, db_index=True)
    # What the inbox answered (200, or the code asked for with `status/<code>/`).
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-received_at", "-id"]

    def __str__(self) -> str:
        return f"{self.method} {self.path} at {self.received_at:%Y-%m-%d %H:%M:%S}"


class RateLimitWindow(models.Model):
    """Requests sent to one profile's endpoint in one fixed window, counted across workers."""

    profile = models.ForeignKey(CallbackProfile, on_delete=models.CASCADE, related_name="+")
    window_start = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["profile", "window_start"],
                                    name="unique_rate_window")
        ]
        indexes = [models.Index(fields=["window_start"])]  # the retention prune's cursor


class WorkerHeartbeat(models.Model):
    """One row per running worker process, refreshed every few seconds (bin/worker)."""

    worker_id = models.CharField(max_length=64, unique=True)
    hostname = models.CharField(max_length=255)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    last_seen_at = models.DateTimeField(db_index=True)
    in_flight = models.PositiveIntegerField(default=0)
    # {profile_id: attempts in flight} for the operator's view.
    endpoints = models.JSONField(default=dict, blank=True)
    stopping = models.BooleanField(default=False)
    # {loop name: "running" | "restarting: <error>" | "stopped"} for the process's loops
    # besides the main one (bin/worker's background tasks, its LISTEN connection): /readyz.
    loops = models.JSONField(default=dict, blank=True)

    def __str__(self) -> str:
        return f"{self.worker_id} ({self.hostname}:{self.pid})"

    @property
    def stopped_loops(self) -> list[str]:
        return sorted(name for name, state in self.loops.items() if state == "stopped")


class RecoverStatus(models.TextChoices):
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class RecoverRun(models.Model):
    """One "resend every failed delivery of this profile since T" (delivery/services/recover.py).

    Its copies are Deliveries with `source_type="recover"` and `source_id=<original id>`, made
    between `started_at` and `finished_at`; their statuses are the run's progress.
    """

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="recover_runs")
    profile = models.ForeignKey(CallbackProfile, on_delete=models.CASCADE,
                                related_name="recover_runs")
    since = models.DateTimeField()
    status = models.CharField(max_length=10, choices=RecoverStatus.choices,
                              default=RecoverStatus.RUNNING)
    found = models.PositiveIntegerField(default=0)  # failed deliveries since T, up to the limit
    resent = models.PositiveIntegerField(default=0)
    already_recovered = models.PositiveIntegerField(default=0)
    # More failed deliveries than one run may resend: running it again recovers the rest.
    truncated = models.BooleanField(default=False)
    error = models.CharField(max_length=300, blank=True)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["profile", "-started_at"])]

    def __str__(self) -> str:
        return f"recover {self.profile_id} since {self.since:%Y-%m-%d %H:%M} ({self.status})"
