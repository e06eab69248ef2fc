"""Retention for incoming-SMS logs: rows older than a cutoff, deleted a batch at a time."""

from __future__ import annotations

from datetime import datetime

from .models import IncomingMessage


def prune_incoming_batch(*, before: datetime, batch: int) -> int:
    ids = list(
        IncomingMessage.objects.filter(received_at__lt=before)
        .order_by("received_at")
        .values_list("pk", flat=True)[:batch]
    )
    if not ids:
        return 0
    deleted, _ = IncomingMessage.objects.filter(pk__in=ids).delete()
    return deleted
