"""Endpoint health, shared by every worker: the circuit breaker and the auto-disable clock.

Per profile, after each batch of attempts (constant time: one locked row per profile):

* Any 2xx, or any answer below 500 (the endpoint is up): consecutive failures go to zero and a
  half-open circuit closes. A 2xx also stops the auto-disable clock (`last_success_at` is
  the time of the last recovery from failing).
* A timeout, connection/TLS error or 5xx adds to the consecutive failures. At
  `DELIVERY_CIRCUIT_THRESHOLD` the circuit opens for a cool-off (`..._COOLOFF_SECONDS`, doubled
  each time a probe fails, up to `..._MAX_COOLOFF_SECONDS`). While open, the profile's due
  deliveries stay pending without spending attempts; when the cool-off ends one worker takes
  the circuit half-open and sends a single probe, whose outcome closes or re-opens it.
* Any failed attempt (4xx included) starts or continues the auto-disable clock
  (`failing_since`, `failures_since_success`); policy.py says when it disables the profile.
  A re-enable restarts the clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q

from profiles.models import CallbackProfile, CircuitState, EndpointState, ProfileStatus
from profiles.services import profile_set_status

from .. import policy

# A half-open circuit whose probe never reported back (its worker died) is probed again after.
PROBE_TIMEOUT = timedelta(seconds=90)


def _threshold() -> int:
    return settings.DELIVERY_CIRCUIT_THRESHOLD


def _cooloff(previous: int) -> int:
    base = settings.DELIVERY_CIRCUIT_COOLOFF_SECONDS
    ceiling = settings.DELIVERY_CIRCUIT_MAX_COOLOFF_SECONDS
    return min(ceiling, previous * 2) if previous else base


@dataclass
class EndpointReport:
    """What one batch of attempts said about one profile's endpoint."""

    successes: int = 0
    failures: int = 0  # any failed attempt
    endpoint_failures: int = 0  # timeouts, connection errors, 5xx
    answered: int = 0  # got an HTTP answer below 500 (2xx or 4xx)
    first_failure_at: datetime | None = None


@dataclass(frozen=True)
class HealthChange:
    profile_pk: int
    opened: bool = False
    recovered: bool = False  # was failing, now succeeded
    auto_disabled: bool = False


def apply(profile: CallbackProfile | None, report: EndpointReport, *,
          now: datetime) -> HealthChange | None:
    """Fold one batch's report into the profile's endpoint state (call inside a transaction)."""
    if profile is None:
        return None
    if report.successes:
        return _succeeded(profile, now=now)
    EndpointState.objects.get_or_create(profile=profile)
    state = EndpointState.objects.select_for_update().get(profile=profile)
    opened = False
    if report.failures:
        restarted = profile.enabled_at and state.failing_since and \
            state.failing_since < profile.enabled_at
        if state.failing_since is None or restarted:
            state.failing_since = report.first_failure_at or now
            state.failures_since_success = 0
        state.failures_since_success += report.failures
        state.last_failure_at = now

    if report.answered:
        state.consecutive_failures = 0
        if state.circuit != CircuitState.CLOSED:
            state.circuit = CircuitState.CLOSED
            state.cooloff_seconds = 0
            state.reopen_at = None
    elif report.endpoint_failures:
        state.consecutive_failures += report.endpoint_failures
        probe_failed = state.circuit == CircuitState.HALF_OPEN
        if probe_failed or (state.circuit == CircuitState.CLOSED
                            and state.consecutive_failures >= _threshold()):
            state.cooloff_seconds = _cooloff(state.cooloff_seconds if probe_failed else 0)
            state.circuit = CircuitState.OPEN
            state.opened_at = now
            state.reopen_at = now + timedelta(seconds=state.cooloff_seconds)
            opened = True
    state.save()
    auto_disabled = bool(report.failures) and _maybe_auto_disable(profile, state, now=now)
    return HealthChange(profile_pk=profile.pk, opened=opened, auto_disabled=auto_disabled)


def _succeeded(profile: CallbackProfile, *, now: datetime) -> HealthChange:
    """The common case, kept to two conditional UPDATEs: a 2xx closes everything."""
    healthy = {"failing_since": None, "failures_since_success": 0, "consecutive_failures": 0,
               "circuit": CircuitState.CLOSED, "reopen_at": None, "cooloff_seconds": 0}
    states = EndpointState.objects.filter(profile=profile)
    recovered = states.filter(failing_since__isnull=False).update(
        **healthy, last_success_at=now, updated_at=now)
    if not recovered:
        states.filter(Q(consecutive_failures__gt=0) | ~Q(circuit=CircuitState.CLOSED)).update(
            **healthy, updated_at=now)
    return HealthChange(profile_pk=profile.pk, recovered=bool(recovered))


def _maybe_auto_disable(profile: CallbackProfile, state: EndpointState, *, now: datetime) -> bool:
    if state.failing_since is None or now - state.failing_since < policy.AUTO_DISABLE_AFTER:
        return False
    if state.failures_since_success < policy.AUTO_DISABLE_MIN_ATTEMPTS:
        return False
    fresh = CallbackProfile.objects.filter(pk=profile.pk, status=ProfileStatus.ACTIVE).first()
    if fresh is None:
        return False
    days = policy.AUTO_DISABLE_AFTER.days
    profile_set_status(
        profile=fresh, status=ProfileStatus.AUTO_DISABLED,
        reason=f"every delivery failed for {days} days ({state.failures_since_success} attempts)",
    )
    profile.status = ProfileStatus.AUTO_DISABLED
    return True


def paused_profiles() -> set[int]:
    """Profiles whose circuit is open or half-open: nobody claims their deliveries."""
    return set(
        EndpointState.objects.exclude(circuit=CircuitState.CLOSED)
        .values_list("profile_id", flat=True)
    )


def take_probes(*, now: datetime) -> list[int]:
    """Profiles whose cool-off is over and whose single probe this worker won the right to send."""
    due = EndpointState.objects.filter(
        circuit__in=[CircuitState.OPEN, CircuitState.HALF_OPEN], reopen_at__lte=now
    ).values_list("profile_id", "circuit", "reopen_at")
    won = []
    for profile_pk, circuit, reopen_at in due:
        with transaction.atomic():
            taken = EndpointState.objects.filter(
                profile_id=profile_pk, circuit=circuit, reopen_at=reopen_at
            ).update(circuit=CircuitState.HALF_OPEN, reopen_at=now + PROBE_TIMEOUT)
        if taken:
            won.append(profile_pk)
    return won


def close_without_probe(profile_pk: int) -> None:
    """Nothing was due to probe with: close; the next failure re-opens at once."""
    EndpointState.objects.filter(profile_id=profile_pk, circuit=CircuitState.HALF_OPEN).update(
        circuit=CircuitState.CLOSED, reopen_at=None
    )
