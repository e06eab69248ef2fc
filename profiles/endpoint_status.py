"""How the profile page words its endpoint's health (the delivery engine's circuit breaker)
and its delivery limits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from django.conf import settings
from django.utils import timezone

from .models import CallbackProfile, CircuitState, RatePeriod
from .selectors import endpoint_state_of


@dataclass(frozen=True)
class EndpointStatus:
    paused: bool
    text: str
    consecutive_failures: int


def _clock(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%H:%M:%S UTC")


def _failures(count: int) -> str:
    return f"{count} consecutive failure{'' if count == 1 else 's'}"


def endpoint_status(profile: CallbackProfile, *, now: datetime | None = None) -> EndpointStatus:
    """Open or half-open: a badge saying until when the endpoint is paused and why; closed:
    a calm line (true whatever the profile's status), with the failures counted so far."""
    now = now or timezone.now()
    state = endpoint_state_of(profile)
    failures = state.consecutive_failures
    paused = state.circuit in (CircuitState.OPEN, CircuitState.HALF_OPEN)
    if state.circuit == CircuitState.OPEN and state.reopen_at and state.reopen_at > now:
        text = f"Endpoint paused until {_clock(state.reopen_at)} after {_failures(failures)}"
    elif paused:
        # The cool-off is over: one delivery is (about to be) sent as a probe.
        text = (f"Endpoint paused after {_failures(failures)}: one delivery is checking "
                "whether it answers again")
    elif failures:
        threshold = settings.DELIVERY_CIRCUIT_THRESHOLD
        text = (f"Not paused: {_failures(failures)} so far (the endpoint is paused for a "
                f"cool-off after {threshold})")
    else:
        text = "Not paused: no recent failures"
    return EndpointStatus(paused=paused, text=text, consecutive_failures=failures)


def delivery_limits_text(profile: CallbackProfile) -> str:
    parts = []
    if profile.max_concurrency:
        parts.append(f"at most {profile.max_concurrency} requests at once per worker")
    if profile.rate_limit:
        period = RatePeriod(profile.rate_limit_period).label if \
            profile.rate_limit_period in RatePeriod.values else "per second"
        parts.append(f"{profile.rate_limit} requests {period}")
    text = "; ".join(parts)
    return text[:1].upper() + text[1:]
