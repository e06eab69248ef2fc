"""Retention: everything older than DELIVERY_RETENTION_DAYS is pruned, batch by batch, and
rate-limit windows as soon as they have ended.

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

from api.models import IdempotencyKey
from common.retention import Moment, prune_batch
from delivery.engine.rate_limit import finished_windows_cutoff
from delivery.retention import (
    prune_deliveries_batch,
    prune_inbox_batch,
    prune_rate_windows_batch,
)
from receive_sms.retention import prune_incoming_batch
from sms.models import DailyUnits


@dataclass
class PruneCounts:
    deliveries: int = 0
    attempts: int = 0
    inbox_requests: int = 0
    incoming_messages: int = 0
    idempotency_keys: int = 0  # expired ones (24 h)
    daily_units: int = 0  # past days' `total` counters
    rate_limit_windows: int = 0  # ended ones

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


def _drain(prune_batch: Callable[[Moment | None], tuple[int, Moment | None]],
           max_batches: int) -> int:
    """Call `prune_batch(cursor)` until it deletes nothing (or `max_batches` calls)."""
    total, cursor = 0, None
    for _ in range(max_batches):
        deleted, cursor = prune_batch(cursor)
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
    now = now or timezone.now()
    before = now - timedelta(days=days)
    counts = PruneCounts()

    def deliveries(cursor: datetime | None) -> tuple[int, datetime | None]:
        removed, attempts, cursor = prune_deliveries_batch(before=before, batch=batch,
                                                           cursor=cursor)
        counts.deliveries += removed
        counts.attempts += attempts
        return removed, cursor

    _drain(deliveries, max_batches)
    counts.inbox_requests = _drain(
        lambda cursor: prune_inbox_batch(before=before, batch=batch, cursor=cursor), max_batches)
    counts.incoming_messages = _drain(
        lambda cursor: prune_incoming_batch(before=before, batch=batch, cursor=cursor),
        max_batches)
    counts.idempotency_keys = _drain(
        lambda cursor: prune_batch(IdempotencyKey, time_field="expires_at", before=now,
                                   batch=batch, cursor=cursor), max_batches)
    counts.daily_units = _drain(
        lambda cursor: prune_batch(DailyUnits, time_field="day", before=before.date(),
                                   batch=batch, cursor=cursor), max_batches)
    counts.rate_limit_windows = _drain(
        lambda cursor: prune_rate_windows_batch(before=finished_windows_cutoff(now),
                                                batch=batch, cursor=cursor), max_batches)
    return counts
