"""Retention for incoming-SMS logs: rows older than a cutoff, deleted a batch at a time, each
batch starting where the previous one ended (see delivery/retention.py for why)."""

from __future__ import annotations

from datetime import datetime

from .models import IncomingMessage


def prune_incoming_batch(
    *, before: datetime, batch: int, cursor: datetime | None = None
) -> tuple[int, datetime | None]:
    due = IncomingMessage.objects.filter(received_at__lt=before)
    if cursor is not None:
        due = due.filter(received_at__gte=cursor)
    rows = list(due.order_by("received_at").values_list("pk", "received_at")[:batch])
    if not rows:
        return 0, cursor
    deleted, _ = IncomingMessage.objects.filter(pk__in=[pk for pk, _ in rows]).delete()
    return deleted, rows[-1][1]
