"""Date-range helpers for list filters."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from django.utils import timezone


def day_bound(value: date | datetime, *, end: bool) -> datetime:
    """An aware datetime: a bare date means its first (or, with `end`, last) moment, in UTC
    (the API's times are UTC whatever TIME_ZONE says)."""
    if isinstance(value, datetime):
        return value if timezone.is_aware(value) else timezone.make_aware(value, UTC)
    return datetime.combine(value, time.max if end else time.min, tzinfo=UTC)
