"""One attempt: `prepare` (loop thread, reads the database) and `perform` (a sender thread,
touches only the network).

`perform` never raises: whatever goes wrong — the endpoint, the token URL, a header that cannot
be encoded, a bug — becomes an `Outcome` with a short reason, which the recorder logs as a
failed attempt under the usual retry rules. Nothing can leave a delivery silently stuck.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils import timezone

from profiles.models import CallbackProfile
from profiles.services import active_signing_secrets
from profiles.validation import AuthInput

from .. import policy, transport
from ..models import Delivery
from ..render import RenderedRequest
from ..services.sending import authenticated, error_text, signed
from .claims import UnloadableDelivery

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PreparedAttempt:
    """Everything a sender thread needs, as plain values (no model access off the loop)."""

    delivery: Delivery
    # Both None: the delivery could not even be loaded (never sent).
    profile: CallbackProfile | None
    request: RenderedRequest | None
    secrets: list[str]
    auth: AuthInput | None
    options: dict[str, Any]


@dataclass(frozen=True)
class Outcome:
    prepared: PreparedAttempt
    started_at: datetime
    result: transport.TransportResult | None
    error: str = ""
    permanent: bool = False
    # A timeout, connection/TLS error or 5xx: the endpoint itself is unwell (circuit breaker).
    endpoint_failure: bool = False

    @property
    def succeeded(self) -> bool:
        return not self.error and self.result is not None and self.result.ok

    @property
    def overloaded(self) -> bool:
        """429 or 503: the endpoint asks for fewer requests (its concurrency is halved)."""
        return self.result is not None and self.result.status_code in policy.OVERLOAD_STATUSES

    @property
    def latency_ms(self) -> int | None:
        return self.result.latency_ms if self.result else None


def stored_request(delivery: Delivery) -> RenderedRequest:
    return RenderedRequest(
        method=delivery.request_method,
        url=delivery.request_url,
        headers=delivery.headers,
        body=delivery.request_body.encode("utf-8"),
    )


class ProfileCache:
    """Per-batch cache of what every delivery of one profile shares (secrets, OAuth settings)."""

    def __init__(self) -> None:
        self._values: dict[int, tuple[list[str], AuthInput | None]] = {}

    def get(self, profile: CallbackProfile) -> tuple[list[str], AuthInput | None]:
        if profile.pk not in self._values:
            self._values[profile.pk] = (active_signing_secrets(profile),
                                        AuthInput.for_profile(profile))
        return self._values[profile.pk]


def prepare(delivery: Delivery, *, options: dict[str, Any],
            cache: ProfileCache) -> PreparedAttempt:
    profile = delivery.profile
    assert profile is not None  # claimed deliveries of a deleted profile are skipped
    secrets, auth = cache.get(profile)
    return PreparedAttempt(delivery=delivery, profile=profile, request=stored_request(delivery),
                           secrets=secrets, auth=auth, options=options)


def unloadable(claimed: UnloadableDelivery, *, now: datetime) -> Outcome:
    """The failed attempt of a delivery whose stored secrets no longer decrypt: never sent,
    recorded with the reason, retried on the usual schedule."""
    prepared = PreparedAttempt(delivery=claimed.delivery, profile=None, request=None,
                               secrets=[], auth=None, options={})
    return Outcome(prepared=prepared, started_at=now, result=None, error=claimed.error[:300])


def perform(prepared: PreparedAttempt) -> Outcome:
    started_at = timezone.now()
    delivery = prepared.delivery
    assert prepared.request is not None
    try:
        request = signed(prepared.request, secrets=prepared.secrets,
                          webhook_id=delivery.webhook_id)
        outgoing = authenticated(request, auth=prepared.auth, profile_pk=delivery.profile_id)
        result = transport.send(outgoing, **prepared.options)
    except transport.DeliveryError as exc:
        return Outcome(
            prepared=prepared, started_at=started_at, result=exc.result,
            error=error_text(exc.result, exc), permanent=exc.permanent,
            endpoint_failure=exc.result is None and not exc.permanent,
        )
    except Exception as exc:  # noqa: BLE001 - recorded as a failed attempt, never a stuck row
        logger.exception("Unexpected error during attempt of delivery %s", delivery.pk)
        return Outcome(prepared=prepared, started_at=started_at, result=None,
                       error=error_text(None, RuntimeError(f"internal error: {exc!r}")))
    return Outcome(
        prepared=prepared, started_at=started_at, result=result,
        error=error_text(result, None), endpoint_failure=result.status_code >= 500,
    )
