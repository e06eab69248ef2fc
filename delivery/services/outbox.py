"""The outbox: record a callback (or a resend of one) and queue its send when the caller commits.

`delivery_create` runs inside the trigger's transaction: it renders the request from the
profile and writes a PENDING Delivery, due now. The Delivery table is the queue: workers claim
due rows (delivery.engine); `wakeup.notify_on_commit` only makes them look at once instead of
at their next poll, so nothing is lost if the wake-up is.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from django.db import transaction
from django.utils import timezone

from common.errors import InvalidInput, Issue
from profiles.models import CallbackProfile, ProfileStatus

from ..engine import wakeup
from ..models import Delivery, DeliveryStatus
from ..profile_render import ProfileInputs, render_profile
from ..render import RenderedRequest
from .sending import ERROR_MAX, new_webhook_id

logger = logging.getLogger(__name__)


def _json_safe(variables: dict[str, Any]) -> dict[str, Any]:
    # Decimals, datetimes... become text once, here, so a retry renders exactly the same.
    return json.loads(json.dumps(dict(variables), default=str))


def skip_reason(profile: CallbackProfile | None) -> str:
    if profile is None:
        return "the profile was deleted"
    if profile.status == ProfileStatus.AUTO_DISABLED:
        return "profile is auto-disabled"
    if profile.status == ProfileStatus.DISABLED:
        return "profile is disabled"
    return ""


def delivery_build(
    *,
    profile: CallbackProfile,
    event: str,
    variables: dict[str, Any],
    source_type: str,
    source_id: str,
    inputs: ProfileInputs | None = None,
) -> Delivery:
    """One callback for `profile`, rendered and ready to insert (pending, due now; or already
    finished as skipped or failed when it cannot be sent). A batch passes one `inputs` for all
    its callbacks, to read each profile's settings once."""
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
    reason = skip_reason(profile)
    try:
        rendered = render_profile(profile, event=event, variables=values, inputs=inputs)
    except ValueError as exc:  # a profile saved before a rule existed, a key that went bad...
        delivery.status = DeliveryStatus.SKIPPED if reason else DeliveryStatus.FAILED
        delivery.last_error = (reason or f"could not render the request: {exc}")[:ERROR_MAX]
        delivery.completed_at = now
        return delivery
    _store_request(delivery, rendered)

    if reason:
        delivery.status = DeliveryStatus.SKIPPED
        delivery.last_error = reason
        delivery.completed_at = now
        return delivery
    delivery.status = DeliveryStatus.PENDING
    delivery.next_attempt_at = now
    return delivery


def deliveries_save(deliveries: list[Delivery]) -> None:
    """Insert built deliveries in one statement; workers wake when the caller commits."""
    Delivery.objects.bulk_create(deliveries)
    if any(d.status == DeliveryStatus.PENDING for d in deliveries):
        wakeup.notify_on_commit()


def delivery_create(
    *,
    profile: CallbackProfile,
    event: str,
    variables: dict[str, Any],
    source_type: str,
    source_id: str,
    inputs: ProfileInputs | None = None,
) -> Delivery:
    """Record one callback for `profile` and schedule its send when the caller commits."""
    delivery = delivery_build(profile=profile, event=event, variables=variables,
                              source_type=source_type, source_id=source_id, inputs=inputs)
    deliveries_save([delivery])
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
    reason = skip_reason(profile)
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
    wakeup.notify_on_commit()
    return copy
