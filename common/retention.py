"""Deleting old rows a batch at a time, each batch starting where the previous one ended (a
cursor on the time column, so a long prune never rescans what it already passed)."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Model


def prune_batch(
    model: type[Model], *, time_field: str, before: datetime, batch: int,
    cursor: datetime | None = None,
) -> tuple[int, datetime | None]:
    """Delete up to `batch` rows whose `time_field` is before `before`, oldest first (from
    `cursor` on); return how many went and the cursor for the next batch."""
    due = model.objects.filter(**{f"{time_field}__lt": before})
    if cursor is not None:
        due = due.filter(**{f"{time_field}__gte": cursor})
    rows = list(due.order_by(time_field).values_list("pk", time_field)[:batch])
    if not rows:
        return 0, cursor
    deleted, _ = model.objects.filter(pk__in=[pk for pk, _ in rows]).delete()
    return deleted, rows[-1][1]
