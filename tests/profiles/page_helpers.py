"""Helpers for the profile page tests: make profiles and deliveries the way the app does."""

from __future__ import annotations

import uuid
from datetime import datetime

from delivery.models import Delivery, DeliveryStatus
from profiles.services import profile_create
from profiles.validation import EncryptionInput, ProfileInput


def make_profile(account, title: str = "SMS-campaign", **overrides):
    values = {
        "title": title,
        "channel": "sms",
        "http_method": "POST",
        "url": "https://example.com/callback",
        "body": {"status": "<status>"},
        "headers": {},
    }
    values.update(overrides)
    return profile_create(account=account, data=ProfileInput(**values))


def make_encrypted_profile(account, title: str = "Encrypted"):
    return make_profile(
        account,
        title=title,
        headers={"api-key": "secret-header-value"},
        encryption=EncryptionInput(
            algorithm="AES-128-GCM", key="0123456789abcdef", iv="abcdef9876543210",
            params=["recipient"],
        ),
    )


def make_delivery(profile, status: str = DeliveryStatus.SUCCEEDED, *, at: datetime | None = None,
                  code: int | None = 200, latency: int | None = 42, attempts: int = 1) -> Delivery:
    delivery = Delivery.objects.create(
        account=profile.account, profile=profile, event="SMS-sent", source_type="sms_message",
        source_id=str(uuid.uuid4()), variables={"status": "Delivered"},
        webhook_id=f"msg_{uuid.uuid4().hex}", request_method=profile.http_method,
        request_url=profile.url, request_body="{}", status=status, attempt_count=attempts,
        last_status_code=code, last_latency_ms=latency,
    )
    if at is not None:
        Delivery.objects.filter(pk=delivery.pk).update(created_at=at)
        delivery.created_at = at
    return delivery
