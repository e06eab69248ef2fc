"""An operator's override of the circuit breaker (engine/health.py keeps it otherwise)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from profiles.models import CircuitState, EndpointState

from ..engine import wakeup


@transaction.atomic
def circuit_close(*, profile_pks: Iterable[int]) -> int:
    """Close the circuits of these profiles now: their waiting deliveries become claimable at
    once (workers are woken) and the failure count starts from zero; the next failures open
    it again as usual. The auto-disable clock is untouched: only a success stops it.
    Returns how many circuits were open or half-open."""
    closed = (
        EndpointState.objects.filter(profile_id__in=list(profile_pks))
        .exclude(circuit=CircuitState.CLOSED)
        .update(circuit=CircuitState.CLOSED, consecutive_failures=0, opened_at=None,
                reopen_at=None, cooloff_seconds=0, updated_at=timezone.now())
    )
    if closed:
        wakeup.notify_on_commit()
    return closed
