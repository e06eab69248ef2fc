"""Writes of the delivery engine: record a callback, attempt it, retry it, resend it, test it.

The flow (policy.py documents the schedule and the auto-disable rule):

1. `delivery_create` runs inside the trigger's transaction: it renders the request from the
   profile and writes a PENDING Delivery; the send task is enqueued on commit.
2. The task calls `delivery_attempt`, which claims the row with a conditional UPDATE
   (PENDING → SENDING; only the worker that changed one row goes on), signs and sends it through
   `transport.send`, records a DeliveryAttempt, and either finishes the delivery or puts it back
   to PENDING with `next_attempt_at` and enqueues the retry.
3. `delivery_recover` (management command `delivery_sweep`) re-queues deliveries whose worker
   died (SENDING past the lease) and PENDING ones whose task was lost.
"""

from __future__ import annotations

import json
import logging
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, Max, Min, Q
from django.utils import timezone

from accounts.models import Account
from common.errors import InvalidInput, Issue
from profiles.models import CallbackProfile, ProfileStatus
from profiles.services import active_signing_secrets, profile_set_status
from profiles.validation import ProfileInput, validate_profile

from . import policy, transport
from .models import Delivery, DeliveryAttempt, DeliveryStatus
from .profile_render import example_event, example_values, render_input, render_profile
from .render import RenderedRequest
from .signing import generate_secret, signature_headers

logger = logging.getLogger(__name__)

# A task may start a moment before next_attempt_at when clocks of the hosts differ slightly.
EARLY_START_TOLERANCE = timedelta(seconds=2)
ERROR_MAX = 300


def _setting(name: str, default: Any) -> Any:
    return getattr(settings, name, default)


def new_webhook_id() -> str:
    return f"msg_{uuid.uuid4().hex}"


def _json_safe(variables: dict[str, Any]) -> dict[str, Any]:
    # Decimals, datetimes... become text once, here, so a retry renders exactly the same.
    return json.loads(json.dumps(dict(variables), default=str))


def _enqueue_send(delivery_id: uuid.UUID | str, *, run_after: datetime | None = None) -> None:
    """Queue the send task. A failure here is logged, not raised: the sweep re-queues it."""
    from .tasks import send_delivery

    try:
        task = send_delivery.using(run_after=run_after) if run_after else send_delivery
        task.enqueue(str(delivery_id))
    except Exception:  # noqa: BLE001 - queue down: the row is durable, the sweep retries
        logger.exception("Could not enqueue delivery %s; the recovery sweep will", delivery_id)


def _enqueue_on_commit(delivery_id: uuid.UUID, *, run_after: datetime | None = None) -> None:
    transaction.on_commit(lambda: _enqueue_send(delivery_id, run_after=run_after))


# --- Creating ----------------------------------------------------------------------------------


def _skip_reason(profile: CallbackProfile | None) -> str:
    if profile is None:
        return "the profile was deleted"
    if profile.status == ProfileStatus.AUTO_DISABLED:
        return "profile is auto-disabled"
    if profile.status == ProfileStatus.DISABLED:
        return "profile is disabled"
    return ""


@transaction.atomic
def delivery_create(
    *,
    profile: CallbackProfile,
    event: str,
    variables: dict[str, Any],
    source_type: str,
    source_id: str,
) -> Delivery:
    """Record one callback for `profile` and schedule its send when the caller commits."""
    values = _json_safe(variables)
    now = timezone.now()
    delivery = Delivery(
        account_id=profile.account_id,
        profile=profile,
        event=event,
        source_type=source_type,
        source_id=str(source_id),
        variables=values,
        webhook_id=new_webhook_id(),
        request_method=profile.http_method,
        request_url=profile.url,
    )
    reason = _skip_reason(profile)
    try:
        rendered = render_profile(profile, event=event, variables=values)
    except ValueError as exc:  # a profile saved before a rule existed, a key that went bad...
        delivery.status = DeliveryStatus.SKIPPED if reason else DeliveryStatus.FAILED
        delivery.last_error = (reason or f"could not render the request: {exc}")[:ERROR_MAX]
        delivery.completed_at = now
        delivery.save()
        return delivery
    _store_request(delivery, rendered)

    if reason:
        delivery.status = DeliveryStatus.SKIPPED
        delivery.last_error = reason
        delivery.completed_at = now
        delivery.save()
        return delivery
    delivery.status = DeliveryStatus.PENDING
    delivery.next_attempt_at = now
    delivery.save()
    _enqueue_on_commit(delivery.id)
    return delivery


def _store_request(delivery: Delivery, rendered: RenderedRequest) -> None:
    delivery.request_method = rendered.method
    delivery.request_url = rendered.url
    delivery.request_headers = json.dumps(rendered.headers)
    delivery.request_body = rendered.body.decode("utf-8")


@transaction.atomic
def delivery_resend(*, delivery: Delivery) -> Delivery:
    """A new delivery carrying the same request and the same webhook-id.

    Keeping the webhook-id (as Svix does) lets a receiver that did process the original
    recognise the resend; the new row has its own attempts and log entry.
    """
    profile = delivery.profile
    reason = _skip_reason(profile)
    if reason:
        raise InvalidInput([Issue("delivery", f"cannot be resent: {reason}")])
    copy = Delivery.objects.create(
        account_id=delivery.account_id,
        profile=profile,
        event=delivery.event,
        source_type="resend",
        source_id=str(delivery.id),
        variables=delivery.variables,
        webhook_id=delivery.webhook_id,
        request_method=delivery.request_method,
        request_url=delivery.request_url,
        request_headers=delivery.request_headers,
        request_body=delivery.request_body,
        status=DeliveryStatus.PENDING,
        next_attempt_at=timezone.now(),
    )
    _enqueue_on_commit(copy.id)
    return copy


# --- Sending -----------------------------------------------------------------------------------


def _transport_options(*, test: bool = False) -> dict[str, Any]:
    read = _setting("CALLBACK_TEST_READ_TIMEOUT" if test else "CALLBACK_READ_TIMEOUT", 15.0)
    return {
        "allow_private": bool(_setting("CALLBACK_ALLOW_PRIVATE_NETWORKS", False)),
        "connect_timeout": float(_setting("CALLBACK_CONNECT_TIMEOUT", 5.0)),
        "read_timeout": float(read),
        "verify": _setting("CALLBACK_CA_BUNDLE", "") or True,
    }


def _signed(request: RenderedRequest, *, secrets: list[str], webhook_id: str) -> RenderedRequest:
    headers = dict(request.headers)
    headers.update(
        signature_headers(
            secrets=secrets, msg_id=webhook_id, timestamp=int(time.time()), body=request.body
        )
    )
    return RenderedRequest(method=request.method, url=request.url, headers=headers,
                           body=request.body)


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
        result = transport.send(request, **_transport_options())
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


def _error_text(result: transport.TransportResult | None, error: Exception | None) -> str:
    if error is not None:
        return str(getattr(error, "message", error))[:ERROR_MAX]
    if result is not None and not result.ok:
        return f"endpoint answered HTTP {result.status_code}"
    return ""


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
    if last_success is not None:
        failures = failures.filter(started_at__gt=last_success)
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


# --- Recovery ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RecoveryResult:
    stale_sending: int
    lost_pending: int


def delivery_recover(
    *,
    lease: timedelta | None = None,
    grace: timedelta | None = None,
    limit: int = 5000,
) -> RecoveryResult:
    """Re-queue SENDING rows past their lease and PENDING rows overdue by more than `grace`.

    Safe to run at any time and from several processes: a re-queued delivery is still claimed
    atomically, so an extra task for it is a no-op.
    """
    now = timezone.now()
    lease = lease if lease is not None else timedelta(
        seconds=_setting("DELIVERY_LEASE_SECONDS", 300))
    grace = grace if grace is not None else timedelta(
        seconds=_setting("DELIVERY_LOST_TASK_GRACE_SECONDS", 600))

    stale = 0
    sending = Delivery.objects.filter(
        status=DeliveryStatus.SENDING, claimed_at__lte=now - lease
    ).values_list("pk", "claimed_at")[:limit]
    for pk, claimed_at in sending:
        moved = Delivery.objects.filter(
            pk=pk, status=DeliveryStatus.SENDING, claimed_at=claimed_at
        ).update(
            status=DeliveryStatus.PENDING,
            next_attempt_at=now,
            last_error="the worker stopped during an attempt; re-queued",
            updated_at=now,
        )
        if moved:
            stale += 1
            _enqueue_send(pk)

    lost = 0
    overdue = Delivery.objects.filter(
        status=DeliveryStatus.PENDING, next_attempt_at__lte=now - grace
    ).values_list("pk", "next_attempt_at")[:limit]
    for pk, due in overdue:
        # Moving next_attempt_at to now keeps a long backlog from being re-queued every sweep.
        moved = Delivery.objects.filter(
            pk=pk, status=DeliveryStatus.PENDING, next_attempt_at=due
        ).update(next_attempt_at=now, updated_at=now)
        if moved:
            lost += 1
            _enqueue_send(pk)
    if stale or lost:
        logger.info("Recovery sweep re-queued %s stale and %s lost deliveries", stale, lost)
    return RecoveryResult(stale_sending=stale, lost_pending=lost)


# --- Test callbacks ----------------------------------------------------------------------------


@dataclass(frozen=True)
class SentRequest:
    method: str
    url: str
    headers: dict[str, str]
    body: str


@dataclass(frozen=True)
class TestOutcome:
    __test__ = False  # not a pytest test class

    ok: bool
    request: SentRequest | None
    status_code: int | None = None
    latency_ms: int | None = None
    response_excerpt: str = ""
    error: str = ""
    variables: dict[str, Any] = field(default_factory=dict)


class RateLimited(InvalidInput):
    """Too many test callbacks; an InvalidInput so forms show it, the API answers 429."""

    def __init__(self, retry_after: int):
        super().__init__([Issue("test", f"too many test callbacks: try again in {retry_after} s")])
        self.retry_after = retry_after


def _check_test_rate(account: Account) -> None:
    limit = int(_setting("CALLBACK_TEST_RATE_LIMIT", 10))
    window = int(_setting("CALLBACK_TEST_RATE_WINDOW", 60))
    now = int(time.time())
    slot = now // window
    key = f"delivery:test-rate:{account.sid}:{slot}"
    cache.add(key, 0, timeout=window + 5)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window + 5)
        count = 1
    if count > limit:
        raise RateLimited(retry_after=(slot + 1) * window - now)


# Fields a Test does not need: a half-filled form can still be tested.
_TEST_IGNORED_FIELDS = ("title", "events", "response_message")


def send_test(
    *, account: Account, data: ProfileInput, profile: CallbackProfile | None = None
) -> TestOutcome:
    """Render `data` with the catalog's example values and send it once, synchronously.

    Signed with `profile`'s secrets when given (testing an edit of a saved profile), else with
    a one-off secret. Never retried, never recorded as a Delivery.
    """
    issues = [
        i for i in validate_profile(data)
        if i.field.split("/")[0] not in _TEST_IGNORED_FIELDS
    ]
    if issues:
        raise InvalidInput(issues)
    _check_test_rate(account)

    event = example_event(data.channel)
    values = example_values(event)
    try:
        rendered = render_input(data, event=event, variables=values)
    except ValueError as exc:
        return TestOutcome(ok=False, request=None, error=f"could not render: {exc}",
                           variables=values)
    secrets = active_signing_secrets(profile) if profile is not None else [generate_secret()]
    request = _signed(rendered, secrets=secrets, webhook_id=new_webhook_id())
    sent = SentRequest(
        method=request.method, url=request.url, headers=dict(request.headers),
        body=request.body.decode("utf-8"),
    )
    try:
        result = transport.send(request, **_transport_options(test=True))
    except transport.DeliveryError as exc:
        result = exc.result
        return TestOutcome(
            ok=False, request=sent, error=exc.message, variables=values,
            status_code=result.status_code if result else None,
            latency_ms=result.latency_ms if result else None,
            response_excerpt=result.body_excerpt if result else "",
        )
    return TestOutcome(
        ok=result.ok,
        request=sent,
        status_code=result.status_code,
        latency_ms=result.latency_ms,
        response_excerpt=result.body_excerpt,
        error=_error_text(result, None),
        variables=values,
    )


def send_profile_test(*, profile: CallbackProfile) -> TestOutcome:
    return send_test(
        account=profile.account, data=ProfileInput.from_profile(profile), profile=profile
    )
