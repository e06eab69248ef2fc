"""Retention for the delivery engine's tables: finished deliveries with their attempts,
request-inbox entries and ended rate-limit windows, older than a cutoff, deleted a batch at a
time (short transactions, so the workers and pages are never blocked for long on a table of
millions of rows).

Each batch starts where the previous one ended (`created_at >= cursor`): rows deleted by
earlier batches stay in the index as dead entries until VACUUM, and a scan from the oldest
entry every time would wade through all of them (quadratic on a big prune).
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction

from common.retention import prune_batch

from .models import Delivery, DeliveryAttempt, DeliveryStatus, InboxRequest, RateLimitWindow

FINAL_STATUSES = (DeliveryStatus.SUCCEEDED, DeliveryStatus.FAILED, DeliveryStatus.SKIPPED)


def prune_deliveries_batch(
    *, before: datetime, batch: int, cursor: datetime | None = None
) -> tuple[int, int, datetime | None]:
    """Delete up to `batch` finished deliveries created before `before` (and at or after
    `cursor`); returns (deliveries, attempts, the cursor for the next batch).

    A delivery still pending or sending is kept whatever its age: it is still being retried.
    Links to it from SMS and incoming-message logs become empty (SET_NULL).
    """
    due = Delivery.objects.filter(created_at__lt=before, status__in=FINAL_STATUSES)
    if cursor is not None:
        due = due.filter(created_at__gte=cursor)
    rows = list(due.order_by("created_at").values_list("pk", "created_at")[:batch])
    if not rows:
        return 0, 0, cursor
    ids = [pk for pk, _ in rows]
    with transaction.atomic():
        attempts, _ = DeliveryAttempt.objects.filter(delivery_id__in=ids).delete()
        # only("pk"): the collector need not load (and decrypt) whole rows to delete them.
        _, per_model = Delivery.objects.filter(pk__in=ids).only("pk").delete()
    return per_model.get(Delivery._meta.label, 0), attempts, rows[-1][1]


def prune_inbox_batch(
    *, before: datetime, batch: int, cursor: datetime | None = None
) -> tuple[int, datetime | None]:
    return prune_batch(InboxRequest, time_field="received_at", before=before, batch=batch,
                       cursor=cursor)


def prune_rate_windows_batch(
    *, before: datetime, batch: int, cursor: datetime | None = None
) -> tuple[int, datetime | None]:
    return prune_batch(RateLimitWindow, time_field="window_start", before=before, batch=batch,
                       cursor=cursor)
