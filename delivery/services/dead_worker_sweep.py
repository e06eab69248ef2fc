"""Recovery: give back deliveries whose worker died mid-attempt, and tidy the engine's tables.

A SENDING delivery belongs to the worker named in `claimed_by`. When that worker has not
refreshed its heartbeat for `DELIVERY_WORKER_STALE_SECONDS` (it was killed, its host died) —
or the claim is older than `DELIVERY_LEASE_SECONDS` whatever the heartbeat says — the delivery
goes back to the queue. A delivery abandoned `MAX_ABANDONED` times is failed with the reason
instead: something about it kills workers, and re-queueing it forever would be a poison loop.

Every worker runs this every few seconds (`bin/worker`); `manage.py delivery_sweep` runs it
by hand. Safe from several processes at once: every change is a conditional UPDATE.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import F, Q
from django.utils import timezone

from ..models import Delivery, DeliveryStatus, WorkerHeartbeat
from ..selectors import live_workers

logger = logging.getLogger(__name__)

MAX_ABANDONED = 3
# A claim this young is left alone even if its worker has no heartbeat row yet.
CLAIM_GRACE = timedelta(seconds=10)
HEARTBEAT_KEPT = timedelta(days=1)


@dataclass(frozen=True)
class RecoveryResult:
    requeued: int
    failed: int
    tasks_requeued: int = 0


def delivery_sweep(*, lease: timedelta | None = None, now: datetime | None = None,
                     limit: int = 5000) -> RecoveryResult:
    now = now or timezone.now()
    lease = lease if lease is not None else timedelta(
        seconds=settings.DELIVERY_LEASE_SECONDS)
    alive = list(live_workers(now=now).values_list("worker_id", flat=True))
    abandoned = Delivery.objects.filter(status=DeliveryStatus.SENDING).filter(
        Q(claimed_at__lte=now - lease)
        | (Q(claimed_at__lte=now - CLAIM_GRACE) & ~Q(claimed_by__in=alive))
    )
    requeued = failed = 0
    for pk, claimed_by, claimed_at, count in abandoned.values_list(
        "pk", "claimed_by", "claimed_at", "abandoned_count"
    )[:limit]:
        held = Delivery.objects.filter(pk=pk, status=DeliveryStatus.SENDING,
                                       claimed_by=claimed_by, claimed_at=claimed_at)
        if count + 1 >= MAX_ABANDONED:
            failed += held.update(
                status=DeliveryStatus.FAILED, completed_at=now, next_attempt_at=None,
                claimed_by="", abandoned_count=F("abandoned_count") + 1, updated_at=now,
                last_error=f"a worker stopped during this delivery {MAX_ABANDONED} times; "
                           "given up to protect the other deliveries",
            )
        else:
            requeued += held.update(
                status=DeliveryStatus.PENDING, next_attempt_at=now, claimed_by="",
                abandoned_count=F("abandoned_count") + 1, updated_at=now,
                last_error="the worker stopped during an attempt; re-queued",
            )
    tasks = _requeue_tasks_of_dead_workers(alive, now=now)
    WorkerHeartbeat.objects.filter(last_seen_at__lt=now - HEARTBEAT_KEPT).delete()
    if requeued or failed or tasks:
        logger.warning("Recovery: %s deliveries re-queued, %s failed, %s tasks re-queued",
                       requeued, failed, tasks)
    return RecoveryResult(requeued=requeued, failed=failed, tasks_requeued=tasks)


def _requeue_tasks_of_dead_workers(alive: list[str], *, now: datetime) -> int:
    """Background tasks (django-tasks, database backend) left RUNNING by a dead worker."""
    from django_tasks_db.models import DBTaskResult

    requeued = 0
    running = DBTaskResult.objects.filter(status="RUNNING", started_at__lte=now - CLAIM_GRACE)
    for task in running.only("id", "worker_ids", "started_at"):
        owner = task.worker_ids[-1] if task.worker_ids else ""
        if owner in alive or not owner.startswith("worker:"):
            continue  # ours only: a worker id we gave (see worker/process.py)
        requeued += DBTaskResult.objects.filter(
            pk=task.pk, status="RUNNING", started_at=task.started_at
        ).update(status="READY", started_at=None)
    return requeued
