"""Attempts: claim a due delivery, send it once, record the attempt, then finish or retry.

`delivery_attempt` claims the row with a conditional UPDATE (PENDING → SENDING; only the worker
that changed one row goes on), signs and sends it through `transport.send`, records a
DeliveryAttempt, and either finishes the delivery or puts it back to PENDING with
`next_attempt_at` and enqueues the retry. A failure may auto-disable the profile (policy.py).
"""

from __future__ import annotations

import logging
import uuid
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Count, Max, Min, Q
from django.utils import timezone

from profiles.models import CallbackProfile, ProfileStatus
from profiles.services import active_signing_secrets, profile_set_status
from profiles.validation import AuthInput

from .. import policy, transport
from ..models import Delivery, DeliveryAttempt, DeliveryStatus
from ..render import RenderedRequest
from .outbox import _enqueue_on_commit, _skip_reason
from .sending import _authenticated, _error_text, _signed, _transport_options

logger = logging.getLogger(__name__)

# A task may start a moment before next_attempt_at when clocks of the hosts differ slightly.
EARLY_START_TOLERANCE = timedelta(seconds=2)


def _stored_request(delivery: Delivery) -> RenderedRequest:
    return RenderedRequest(
        method=delivery.request_method,
        url=delivery.request_url,
        headers=delivery.headers,
        body=delivery.request_body.encode("utf-8"),
    )


def _claim(delivery_id: uuid.UUID | str, now: datetime) -> bool:
    due = Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now + EARLY_START_TOLERANCE)
    claimed = (
        Delivery.objects.filter(pk=delivery_id, status=DeliveryStatus.PENDING)
        .filter(due)
        .update(status=DeliveryStatus.SENDING, claimed_at=now, updated_at=now)
    )
    return claimed == 1


def delivery_attempt(*, delivery_id: uuid.UUID | str) -> Delivery | None:
    """Claim and send one due delivery; `None` when another worker has it or it is not due."""
    claimed_at = timezone.now()
    if not _claim(delivery_id, claimed_at):
        return None
    delivery = Delivery.objects.select_related("profile").get(pk=delivery_id)

    reason = _skip_reason(delivery.profile)
    if reason:
        _finish_unsent(delivery, claimed_at=claimed_at, reason=reason)
        return delivery

    profile = delivery.profile
    assert profile is not None  # _skip_reason covers a deleted profile
    request = _signed(
        _stored_request(delivery),
        secrets=active_signing_secrets(profile),
        webhook_id=delivery.webhook_id,
    )
    started_at = timezone.now()
    error: transport.DeliveryError | None = None
    result: transport.TransportResult | None
    try:
        outgoing = _authenticated(
            request, auth=AuthInput.for_profile(profile), profile_pk=profile.pk
        )
        result = transport.send(outgoing, **_transport_options())
    except transport.DeliveryError as exc:
        error, result = exc, exc.result
    _record(delivery, claimed_at=claimed_at, started_at=started_at, result=result, error=error)
    return delivery


def _finish_unsent(delivery: Delivery, *, claimed_at: datetime, reason: str) -> None:
    now = timezone.now()
    delivery.status = DeliveryStatus.SKIPPED
    delivery.last_error = reason
    delivery.completed_at = now
    Delivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.SENDING,
                            claimed_at=claimed_at).update(
        status=DeliveryStatus.SKIPPED, last_error=reason, completed_at=now, updated_at=now,
        next_attempt_at=None,
    )


@transaction.atomic
def _record(
    delivery: Delivery,
    *,
    claimed_at: datetime,
    started_at: datetime,
    result: transport.TransportResult | None,
    error: transport.DeliveryError | None,
) -> None:
    number = delivery.attempt_count + 1
    succeeded = error is None and result is not None and result.ok
    message = _error_text(result, error)
    DeliveryAttempt.objects.create(
        delivery=delivery,
        number=number,
        started_at=started_at,
        status_code=result.status_code if result else None,
        latency_ms=result.latency_ms if result else None,
        succeeded=succeeded,
        error=message,
        response_excerpt=result.body_excerpt if result else "",
        response_headers=dict(result.headers) if result else {},
    )
    now = timezone.now()
    changes: dict[str, Any] = {
        "attempt_count": number,
        "last_status_code": result.status_code if result else None,
        "last_latency_ms": result.latency_ms if result else None,
        "last_error": message,
        "updated_at": now,
    }
    delay = None if succeeded or (error and error.permanent) else policy.retry_delay(number)
    if succeeded:
        changes.update(status=DeliveryStatus.SUCCEEDED, completed_at=now, next_attempt_at=None)
    elif delay is None:
        changes.update(status=DeliveryStatus.FAILED, completed_at=now, next_attempt_at=None)
    else:
        changes.update(status=DeliveryStatus.PENDING, next_attempt_at=now + delay)
    updated = Delivery.objects.filter(
        pk=delivery.pk, status=DeliveryStatus.SENDING, claimed_at=claimed_at
    ).update(**changes)
    for name, value in changes.items():
        setattr(delivery, name, value)
    if not updated:
        # The sweep gave our lease away (we ran far past it); the attempt is logged, the
        # delivery's state belongs to whoever holds it now.
        logger.warning("Delivery %s lost its lease during attempt %s", delivery.pk, number)
        return
    if delay is not None:
        _enqueue_on_commit(delivery.pk, run_after=changes["next_attempt_at"])
    if not succeeded and delivery.profile is not None:
        _maybe_auto_disable(delivery.profile, now=now)


def _maybe_auto_disable(profile: CallbackProfile, *, now: datetime) -> bool:
    """Status 2 when every attempt has failed for AUTO_DISABLE_AFTER (policy.py)."""
    attempts = DeliveryAttempt.objects.filter(delivery__profile=profile)
    last_success = attempts.filter(succeeded=True).aggregate(at=Max("started_at"))["at"]
    failures = attempts.filter(succeeded=False)
    # The clock starts at the last success or the last re-enable, whichever is later.
    since = max(filter(None, [last_success, profile.enabled_at]), default=None)
    if since is not None:
        failures = failures.filter(started_at__gt=since)
    stats = failures.aggregate(first=Min("started_at"), count=Count("id"))
    if stats["first"] is None or stats["count"] < policy.AUTO_DISABLE_MIN_ATTEMPTS:
        return False
    if now - stats["first"] < policy.AUTO_DISABLE_AFTER:
        return False
    fresh = CallbackProfile.objects.filter(pk=profile.pk, status=ProfileStatus.ACTIVE).first()
    if fresh is None:
        return False
    days = policy.AUTO_DISABLE_AFTER.days
    profile_set_status(
        profile=fresh,
        status=ProfileStatus.AUTO_DISABLED,
        reason=f"every delivery failed for {days} days ({stats['count']} attempts)",
    )
    profile.status = ProfileStatus.AUTO_DISABLED
    logger.warning("Profile %s auto-disabled after %s failed attempts", profile.profile_id,
                   stats["count"])
    return True
