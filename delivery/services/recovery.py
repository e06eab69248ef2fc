"""Recovery: re-queue deliveries whose worker died (SENDING past the lease) and PENDING ones
whose task was lost. Run by the management command `delivery_sweep` and the periodic task.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

from ..models import Delivery, DeliveryStatus
from .outbox import _enqueue_send
from .sending import _setting

logger = logging.getLogger(__name__)


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
