"""Callback profiles: where and how a callback is sent, and what it carries."""

from __future__ import annotations

from django.db import models

from accounts.models import Account
from callbackadmin.encrypted_fields import EncryptedTextField
from common.json_values import loads_on_fresh_stack
from common.template_grammar import BODY_FORMAT_CHOICES, DEFAULT_BODY_FORMAT, HTTP_METHODS

from . import catalog


class TemplateJSONField(models.JSONField):
    """A JSONField whose stored value still loads when it is nested deeper than what is left of
    the recursion limit at the read (so the profile rules can refuse it with a 400)."""

    def from_db_value(self, value, expression, connection):
        try:
            return super().from_db_value(value, expression, connection)
        except RecursionError:
            return loads_on_fresh_stack(value, cls=self.decoder)

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.JSONField", args, kwargs  # the column is a JSONField's


class Channel(models.TextChoices):
    SMS = "sms", "SMS - callback dynamic variables and types from SMS"
    DEFAULT = "default", "Default - No Channel Selected"


HTTP_METHOD_CHOICES = [(m, m) for m in HTTP_METHODS]


class ProfileStatus(models.IntegerChoices):
    ACTIVE = 1, "Active"
    AUTO_DISABLED = 2, "Auto-Disabled"
    DISABLED = 3, "Disabled"


class RatePeriod(models.TextChoices):
    SECOND = "second", "per second"
    MINUTE = "minute", "per minute"


class CallbackProfile(models.Model):
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="callback_profiles")
    profile_id = models.CharField(max_length=64, unique=True, editable=False)
    title = models.CharField(max_length=100)
    channel = models.CharField(max_length=20, choices=Channel.choices, default=Channel.SMS)
    http_method = models.CharField(max_length=6, choices=HTTP_METHOD_CHOICES, default="POST")
    url = models.CharField("endpoint", max_length=2048)
    body = TemplateJSONField(
        null=True, blank=True,
        help_text="POST/PUT template: a JSON object (JSON and form formats) or a string (XML, "
                  "HTML, Text).",
    )
    body_format = models.CharField(max_length=10, choices=BODY_FORMAT_CHOICES,
                                   default=DEFAULT_BODY_FORMAT)
    # Created and kept in step by another feature (a Receive Message configuration's webhook
    # URL); the customer edits it there, not on the profile pages.
    managed = models.BooleanField(default=False, editable=False)
    response_message = models.TextField(blank=True)
    status = models.PositiveSmallIntegerField(
        choices=ProfileStatus.choices, default=ProfileStatus.ACTIVE
    )
    # Standard Webhooks signing with the current secret; after a rotation each earlier secret
    # keeps signing until its own expiry (RetiredSigningSecret), so receivers can switch over.
    signing_secret = EncryptedTextField()
    disabled_reason = models.CharField(max_length=200, blank=True)
    # Delivery limits (optional): requests in flight per worker process, and requests per
    # second/minute across every worker.
    max_concurrency = models.PositiveSmallIntegerField(null=True, blank=True)
    rate_limit = models.PositiveIntegerField(null=True, blank=True)
    rate_limit_period = models.CharField(
        max_length=6, choices=RatePeriod.choices, default=RatePeriod.SECOND
    )
    # When the profile was last (re-)enabled: failures before it don't count toward auto-disable.
    enabled_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    modified_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["account", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.title} ({self.profile_id})"

    @property
    def events(self) -> list[str]:
        found = catalog.channel(self.channel)
        return list(found.events) if found else []

    @property
    def event_labels(self) -> list[str]:
        return [catalog.event_label(e) for e in self.events]

    @property
    def is_active(self) -> bool:
        return self.status == ProfileStatus.ACTIVE


class RetiredSigningSecret(models.Model):
    """A secret replaced by a rotation; it still signs every callback until `expires_at`."""

    profile = models.ForeignKey(
        CallbackProfile, on_delete=models.CASCADE, related_name="retired_secrets"
    )
    secret = EncryptedTextField()
    retired_at = models.DateTimeField()
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["-expires_at", "-id"]

    def __str__(self) -> str:
        return f"secret of {self.profile_id} retired at {self.retired_at:%Y-%m-%d %H:%M}"


class ProfileHeader(models.Model):
    """A header added to every callback request; the value may be a credential."""

    profile = models.ForeignKey(CallbackProfile, on_delete=models.CASCADE, related_name="headers")
    name = models.CharField(max_length=128)
    value = EncryptedTextField()
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["profile", "name"], name="unique_header_per_profile")
        ]

    def __str__(self) -> str:
        return self.name


class EncryptionAlgorithm(models.TextChoices):
    AES_128_GCM = "AES-128-GCM"
    AES_192_GCM = "AES-192-GCM"
    AES_256_GCM = "AES-256-GCM"
    AES_128_CFB = "AES-128-CFB"
    AES_192_CFB = "AES-192-CFB"
    AES_256_CFB = "AES-256-CFB"


class NonceMode(models.TextChoices):
    FIXED = "fixed", "Compatible: the profile's IV on every value"
    RANDOM = "random_nonce", "Safer: a fresh random nonce per value, sent before the ciphertext"


class ProfileEncryption(models.Model):
    profile = models.OneToOneField(
        CallbackProfile, on_delete=models.CASCADE, related_name="encryption"
    )
    algorithm = models.CharField(max_length=16, choices=EncryptionAlgorithm.choices)
    key = EncryptedTextField()
    iv = EncryptedTextField("IV")
    params = models.JSONField(
        default=list, blank=True, help_text="Variables to encrypt; empty = all."
    )
    nonce_mode = models.CharField(max_length=16, choices=NonceMode.choices, default=NonceMode.FIXED)

    def __str__(self) -> str:
        return f"{self.algorithm} for {self.profile_id}"


class ProfileAuth(models.Model):
    """Advanced authentication: an OAuth client-credentials token sent as `Bearer` with each
    callback. The token is fetched at send time and cached, never stored with a delivery."""

    profile = models.OneToOneField(CallbackProfile, on_delete=models.CASCADE, related_name="auth")
    token_url = models.CharField("token URL", max_length=2048)
    client_id = models.CharField("client ID", max_length=255)
    client_secret = EncryptedTextField()
    scope = models.CharField(max_length=255, blank=True)

    def __str__(self) -> str:
        return f"OAuth for {self.profile_id}"


class CircuitState(models.TextChoices):
    CLOSED = "closed", "Closed"
    OPEN = "open", "Open"
    HALF_OPEN = "half_open", "Half-open (probing)"


class EndpointState(models.Model):
    """Health of one profile's endpoint, shared by every worker: the circuit breaker and the
    auto-disable clock. The delivery engine writes it (delivery/engine/health.py); the profile
    page and API show it. No row yet = closed, never failed (`endpoint_state_of`)."""

    profile = models.OneToOneField(
        CallbackProfile, on_delete=models.CASCADE, primary_key=True, related_name="endpoint_state"
    )
    circuit = models.CharField(
        max_length=10, choices=CircuitState.choices, default=CircuitState.CLOSED
    )
    consecutive_failures = models.PositiveIntegerField(default=0)
    opened_at = models.DateTimeField(null=True, blank=True)
    reopen_at = models.DateTimeField(null=True, blank=True)
    # The cool-off of the current opening; doubled each time a probe fails.
    cooloff_seconds = models.PositiveIntegerField(default=0)
    # Auto-disable clock: the first failure since the last success (or re-enable).
    failing_since = models.DateTimeField(null=True, blank=True)
    failures_since_success = models.PositiveIntegerField(default=0)
    last_success_at = models.DateTimeField(null=True, blank=True)
    last_failure_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"endpoint of {self.profile_id}: {self.circuit}"

