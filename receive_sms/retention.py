"""Retention for incoming-SMS logs: rows older than a cutoff, deleted a batch at a time."""

from __future__ import annotations

from datetime import datetime

from common.retention import prune_batch

from .models import IncomingMessage


def prune_incoming_batch(
    *, before: datetime, batch: int, cursor: datetime | None = None
) -> tuple[int, datetime | None]:
    return prune_batch(IncomingMessage, time_field="received_at", before=before, batch=batch,
                       cursor=cursor)
