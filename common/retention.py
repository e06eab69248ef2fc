"""Deleting old rows a batch at a time, each batch starting where the previous one ended (a
cursor on the time column, so a long prune never rescans what it already passed)."""

from __future__ import annotations

from datetime import date
from typing import TypeVar

from django.db.models import Model

Moment = TypeVar("Moment", bound=date)  # a datetime, or a date for a DateField


def prune_batch(
    model: type[Model], *, time_field: str, before: Moment, batch: int,
    cursor: Moment | None = None,
) -> tuple[int, Moment | None]:
    """Delete up to `batch` rows whose `time_field` is before `before`, oldest first (from
    `cursor` on); return how many went and the cursor for the next batch."""
    due = model._default_manager.filter(**{f"{time_field}__lt": before})
    if cursor is not None:
        due = due.filter(**{f"{time_field}__gte": cursor})
    rows = list(due.order_by(time_field).values_list("pk", time_field)[:batch])
    if not rows:
        return 0, cursor
    deleted, _ = model._default_manager.filter(pk__in=[pk for pk, _ in rows]).delete()
    return deleted, rows[-1][1]
