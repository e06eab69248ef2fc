"""Retention: everything older than DELIVERY_RETENTION_DAYS is pruned, batch by batch.

`prune_old_records` is what `manage.py prune` (and its `--every` loop, started by bin/serve)
runs. Each batch is its own short transaction; the loop ends when a table has nothing older
than the cutoff, or after `max_batches` batches per table so one call stays bounded.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from delivery.retention import prune_deliveries_batch, prune_inbox_batch
from receive_sms.retention import prune_incoming_batch


@dataclass
class PruneCounts:
    deliveries: int = 0
    attempts: int = 0
    inbox_requests: int = 0
    incoming_messages: int = 0

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


def _drain(prune_batch: Callable[[], int], max_batches: int) -> int:
    total = 0
    for _ in range(max_batches):
        deleted = prune_batch()
        total += deleted
        if not deleted:
            break
    return total


def prune_old_records(
    *, days: int | None = None, batch: int | None = None, max_batches: int = 10_000,
    now: datetime | None = None,
) -> PruneCounts:
    days = settings.DELIVERY_RETENTION_DAYS if days is None else days
    batch = batch or settings.RETENTION_BATCH_SIZE
    if days < 1:
        raise ValueError("days must be at least 1")
    before = (now or timezone.now()) - timedelta(days=days)
    counts = PruneCounts()

    def deliveries() -> int:
        removed, attempts = prune_deliveries_batch(before=before, batch=batch)
        counts.deliveries += removed
        counts.attempts += attempts
        return removed

    _drain(deliveries, max_batches)
    counts.inbox_requests = _drain(
        lambda: prune_inbox_batch(before=before, batch=batch), max_batches)
    counts.incoming_messages = _drain(
        lambda: prune_incoming_batch(before=before, batch=batch), max_batches)
    return counts
