"""Date-range helpers for list filters."""

from __future__ import annotations

from datetime import date, datetime, time

from django.utils import timezone


def day_bound(value: date | datetime, *, end: bool) -> datetime:
    """An aware datetime: a bare date means its first (or, with `end`, last) moment."""
    if isinstance(value, datetime):
        return value if timezone.is_aware(value) else timezone.make_aware(value)
    return timezone.make_aware(datetime.combine(value, time.max if end else time.min))
