"""Retention for the delivery engine's tables: finished deliveries with their attempts, and
request-inbox entries, older than a cutoff, deleted a batch at a time (short transactions, so
the workers and pages are never blocked for long on a table of millions of rows).
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction

from .models import Delivery, DeliveryAttempt, DeliveryStatus, InboxRequest

FINAL_STATUSES = (DeliveryStatus.SUCCEEDED, DeliveryStatus.FAILED, DeliveryStatus.SKIPPED)


def prune_deliveries_batch(*, before: datetime, batch: int) -> tuple[int, int]:
    """Delete up to `batch` finished deliveries created before `before`; (deliveries, attempts).

    A delivery still pending or sending is kept whatever its age: it is still being retried.
    Links to it from SMS and incoming-message logs become empty (SET_NULL).
    """
    ids = list(
        Delivery.objects.filter(created_at__lt=before, status__in=FINAL_STATUSES)
        .order_by("created_at")
        .values_list("pk", flat=True)[:batch]
    )
    if not ids:
        return 0, 0
    with transaction.atomic():
        attempts, _ = DeliveryAttempt.objects.filter(delivery_id__in=ids).delete()
        # only("pk"): the collector need not load (and decrypt) whole rows to delete them.
        _, per_model = Delivery.objects.filter(pk__in=ids).only("pk").delete()
    return per_model.get(Delivery._meta.label, 0), attempts


def prune_inbox_batch(*, before: datetime, batch: int) -> int:
    ids = list(
        InboxRequest.objects.filter(received_at__lt=before)
        .order_by("received_at")
        .values_list("pk", flat=True)[:batch]
    )
    if not ids:
        return 0
    deleted, _ = InboxRequest.objects.filter(pk__in=ids).delete()
    return deleted
